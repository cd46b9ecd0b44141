"""Nothing collides and nothing is lost: two runs at once against one target both pass (names and slugs
carry the run id), a second run reuses the ready node instead of creating one, and the embedded target's
data is removed after a run unless PRESSLUFT_KEEP_DATA asks to keep it.

(The list of created resources at the end of a run against an external target, in the output and in
environment.properties, is tests/acceptance/test_external_target.py.)"""
import re
import threading

from behave_runs import run_behave

RUN_ID = re.compile(r"^run (w5-[0-9a-f]{8}) created (\d+) resources on the target", re.M)
NODE_SCENARIO = "A ready provider-acquired node is confirmed, and no other is acquired"


def node_scenario_only(run):
    """The run passed the node scenario and nothing else (a --name that matches nothing passes too)."""
    assert run.exit_code == 0, run.output[-3000:]
    assert "1 scenario passed, 0 failed" in run.stdout, run.stdout[-1000:]


def test_two_runs_at_once_against_one_target_both_pass_and_a_third_creates_no_node(tmp_path, reference_target):
    target = reference_target(enable_faults=False)  # like a real Pressluft: the fault scenarios are skipped
    # @SERIAL scenarios change the whole target (e.g. a rejected provider credential): never run beside another
    runs = {}

    def run(name):
        runs[name] = run_behave(tmp_path / name, "-f", "progress", "--tags=~@SERIAL", "features/wave5",
                                env=target.env(), timeout=400)

    threads = [threading.Thread(target=run, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for name, done in runs.items():
        assert done.exit_code == 0, f"run {name}:\n{done.output[-4000:]}"
        assert re.search(r"^[1-9]\d* scenarios passed, 0 failed", done.stdout, re.M) and "Traceback" not in done.output
    run_ids = {RUN_ID.search(done.stdout).group(1) for done in runs.values()}
    assert len(run_ids) == 2

    sites = target.get("/api/sites")
    slugs = [site["slug"] for site in sites]
    assert len(slugs) == len(set(slugs))
    for run_id in run_ids:
        assert any(slug.startswith(run_id + "-") for slug in slugs)
    nodes_before = {node["id"] for node in target.get("/api/nodes")}
    node_jobs_before = len(target.jobs(job_type="node_provision"))

    third = run_behave(tmp_path / "c", "--name", re.escape(NODE_SCENARIO), "features/wave5", env=target.env())
    node_scenario_only(third)
    assert {node["id"] for node in target.get("/api/nodes")} == nodes_before
    assert len(target.jobs(job_type="node_provision")) == node_jobs_before
    assert not re.search(r"^  - node ", third.stdout, re.M), "the reused node is not one this run created"


def test_the_embedded_targets_data_is_removed_after_the_run_unless_kept(tmp_path):
    for keep in ("", "1"):
        temp = tmp_path / f"tmp-keep-{keep or 'no'}"
        temp.mkdir()
        env = {"TMPDIR": str(temp), **({"PRESSLUFT_KEEP_DATA": keep} if keep else {})}
        run = run_behave(tmp_path / f"run-{keep or 'no'}", "--name", re.escape(NODE_SCENARIO), "features/wave5",
                         env=env)
        node_scenario_only(run)
        left = [path for path in temp.glob("pressluft-w5-*")]
        if keep:
            assert len(left) == 1 and (left[0] / "data" / "pressluft_reference.sqlite3").exists()
            assert (left[0] / "reference.log").exists()
        else:
            assert left == [], f"the embedded target left {left}"
