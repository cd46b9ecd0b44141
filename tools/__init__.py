"""What users and CI run besides behave, and what the project's tests share. Each module imports support/ where it
needs the suite's own code, and never pressluft_reference (it starts the reference as a process, as users do).

    smoke.py          the smoke commands (scripts/smoke, the smoke scripts, pressluft-smoke): behave on a smoke's tag
    shard.py          scripts/shard: the scenarios split over N runners, and their results merged into one verdict
    parallel.py       scripts/parallel: the scenarios in parallel with behavex, against one target and one node
    ci_summary.py     scripts/ci-summary: a run's verdict in Markdown for the CI job summary
    site.py           scripts/publish-site: a run's report added to the living report site, with its history
    bench.py          scripts/bench: the suite's speed and memory against the product's own work (figures)
    chaos.py          scripts/chaos: the suite under transient faults and bad configurations; the reference fuzzed
    claims.py         the claim catalogue: what each Then step checks, and the mutant that breaks it (docs/claims.md)
    traceability.py   which scenario proves which part of each spec item (docs/traceability.md)
    suite_runs.py     a run of the suite in a subprocess, as tests and scripts/chaos read it
    stand_ins.py      servers that stand in for a control plane, and an address where nothing listens
    fake_hetzner.py   a fake Hetzner Cloud API on loopback, for the tests of node acquisition and release
"""
