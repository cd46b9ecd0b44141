"""The harness, the top layer: one run of the suite as behave lives it, which environment.py's hooks are built from.
Started (`run`: settings read, the target started or reached, the operator signed in, and what the run makes once and
shares between scenarios), failing once (`once`), what one scenario knows (`scenario`), which scenarios need what,
tried once while the target's first node is acquired (`preflight_proof`) and handed to the processes that reuse that
node (`handover`), what its wait for a node being acquired saw of it (`acquisition_proof`), what the run before this
one left on the target (`earlier_run`), its cleanups (`cleanups`), the provider servers it bought and releases at its
end (`provider_servers`), and behave's runner, which ends the run with its exit status (`runner`).

May import: every other layer of support/ (support.verdicts, support.pressluft, support.runtime, support.http,
support.reporting, support.screenplay, support.waiting, support.checks, support.flows).
"""
