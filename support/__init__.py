"""The suite's library: layers in a partial order. Each sub-package stands on the layers named after it (on …), and
may import those and what they stand on in turn; nothing imports a layer above it, and siblings (neither standing on
the other, as pressluft and http) never import each other (tests/suite/test_layers.py checks it). None imports
steps/, environment.py, tools/ or the reference. Bottom first:

    verdicts/     (on nothing) a failure's category, its one [wave5] FAIL line and the block under it; redaction
    pressluft/    (on verdicts) what Pressluft's answers mean: jobs, readiness, times, the contract schemas
    runtime/      (on pressluft) settings, this installation, the run id and ledger, skips, the processes a run starts
    http/         (on verdicts) the API client and its answers, the journal, the preview probe, the fault API
    reporting/    (on runtime) Allure narration and results, the formatters, the reports folder, what a run proved
    screenplay/   (on http, reporting) the operator, its questions (GETs) and actions (POSTs), the Request it makes
    waiting/      (on screenplay) the poll engine and the Wave 5 waits: a job, a node, a preview, a free scope
    checks/       (on waiting) the Then claims, one module per domain, with their matchers
    flows/        (on checks) what the operator does, one module per domain, checking what it made
    harness/      (on flows) the run, what it makes once and shares, a scenario's state, cleanups, its end
"""
