"""The suite's library, a stack of layers: each sub-package may import only the ones listed before it (bottom first;
tests/suite/test_layers.py checks it), and none imports steps/, environment.py, tools/ or the reference.

    verdicts/     a failure's category, its one [wave5] FAIL line and the block under it; redaction
    pressluft/    what Pressluft's answers mean: jobs, readiness, times, the contract schemas
    runtime/      settings, this installation, the run id and ledger, skips, the processes a run starts
    http/         the API client and its answers, the journal, the preview probe, the fault API
    reporting/    Allure narration and results, the formatters, the reports folder, what a run proved
    screenplay/   the operator, its questions (GETs) and actions (POSTs), the Request it makes
    waiting/      the poll engine and the Wave 5 waits: a job, a node, a preview, a free scope
    checks/       the Then claims, one module per domain, with their matchers
    flows/        what the operator does, one module per domain, checking what it made
    run/          the run, what it makes once and shares, a scenario's state, cleanups, its end
"""
