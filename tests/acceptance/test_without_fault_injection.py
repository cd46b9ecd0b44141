"""Against a target without fault injection (as a real Pressluft), the @fault_injection scenarios are
skipped with their reason, and everything else still runs and passes."""
from behave_runs import run_behave


def test_fault_injection_scenarios_are_skipped_with_the_reason_and_the_rest_passes(tmp_path, faulty_target):
    target = faulty_target(enable_faults=False)
    run = run_behave(tmp_path, "-f", "plain", "--no-capture", "features/wave5", env=target.env())
    assert run.exit_code == 0, run.output[-4000:]
    assert run.verdicts == []
    results = run.results()
    skipped = [r for r in results if r["status"] == "skipped"]
    passed = [r for r in results if r["status"] == "passed"]
    assert len(skipped) == 18 and len(passed) == 9
    for result in skipped:
        assert {"name": "skip_reason", "value": "the target offers no fault injection"} in result["labels"]
        assert result["description"] == "Skipped: the target offers no fault injection"
    assert {r["name"] for r in passed} >= {"A clone of production gets a reachable preview",
                                           "A rejected provider credential blocks node acquisition with guidance"}
