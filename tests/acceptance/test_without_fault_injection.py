"""Against a target without fault injection (as a real Pressluft), the @fault_injection scenarios are
skipped with their reason, the @disruptive one too (an external target, PRESSLUFT_ALLOW_DISRUPTIVE unset),
and everything else still runs and passes."""
from behave_runs import run_behave, wave5_scenarios
from support.runtime.skips import DISRUPTIVE, NO_FAULT_INJECTION


def test_fault_injection_and_disruptive_scenarios_are_skipped_with_their_reason_and_the_rest_passes(
        tmp_path, faulty_target):
    target = faulty_target(enable_faults=False)
    run = run_behave(tmp_path, "-f", "plain", "--no-capture", "features/wave5", env=target.env())
    assert run.exit_code == 0, run.output[-4000:]
    assert run.verdicts == [] and run.fail_lines == [] and run.suite_errors == []
    assert "fault injection: no; scenarios that change shared state: skipped" in run.stderr  # the start-up block

    scenarios = wave5_scenarios()
    needs_faults = {s.name for s in scenarios if "fault_injection" in s.tags}
    disruptive = {s.name for s in scenarios if "disruptive" in s.tags} - needs_faults
    runnable = {s.name for s in scenarios} - needs_faults - disruptive
    assert len(needs_faults) == 30 and len(disruptive) == 2 and len(runnable) == 13

    results = {r["name"].strip(): r for r in run.results()}
    assert set(results) == {s.name for s in scenarios}
    assert {name for name, r in results.items() if r["status"] == "passed"} == runnable
    for names, reason in ((needs_faults, NO_FAULT_INJECTION), (disruptive, DISRUPTIVE)):
        for name in names:
            result = results[name]
            assert result["status"] == "skipped", name
            assert {"name": "skip_reason", "value": reason} in result["labels"], name
            assert result["description"] == f"Skipped: {reason}", name
    # the clone flow, both smoke commands and the provider-acquired node run on a real Pressluft, and so does the
    # node polled while it is acquired (the target's first node: this run acquires it)
    assert {"A clone environment made from production gets a reachable preview -- @1.1 A clone",
            "The clone preview smoke makes a clone and a staging environment whose previews answer",
            "The backup and restore smoke backs up production with its integrity data and restores it",
            "A ready provider-acquired node is confirmed, and no other is acquired",
            "With no node ready, exactly one provider-acquired node is acquired, and it becomes ready",
            "A node still being acquired is reported not ready each time it is checked, and becomes ready without "
            "being asked for again"} <= runnable
    assert f"{len(runnable)} scenarios passed, 0 failed, {len(needs_faults) + len(disruptive)} skipped" in run.stdout
