"""Refusals leave nothing, judged within what the run owns: while another operator creates sites and backs them up on
the same node (a stand-in for a shared target's traffic), every refusal scenario passes. Their "no job" and "no
record" claims count only what the refused request could have made, never the other operator's jobs and records."""
from __future__ import annotations

import itertools
import re
import threading
import time

from behave_runs import FaultyTarget, run_behave

REFUSALS = ("No node can be acquired while the provider connection is degraded, and nothing is queued or recorded",
            "A node that is not ready blocks site creation before anything is queued",
            "A node that is not ready blocks environment creation before anything is queued",
            "A backup without complete integrity data cannot be restored",
            "Production cannot be restored from a backup of its site's clone")


def another_operator(target: FaultyTarget, stop: threading.Event, made: list) -> None:
    """Once a provider node is ready: sites of its own, each backed up again and again, as soon as the node is free
    (a pause after each job it got queued leaves the run its turn), refusals and conflicts shrugged off (the
    readiness faults of the scenarios refuse its sites too)."""
    while not stop.is_set() and not any(node["readiness"]["is_ready"] for node in target.get("/api/nodes")):
        time.sleep(0.1)
    productions, pause = [], 0.0
    for turn in itertools.count():
        if stop.wait(pause):
            return
        if turn % 4 == 0 or not productions:
            answer = target.api.post(f"{target.url}/api/sites", json={"name": "Theirs", "slug": f"theirs-{turn}"},
                                     timeout=5)
            job_id = answer.json()["job_id"] if answer.status_code == 202 else None
            if job_id:
                productions.append(target.get(f"/api/jobs/{job_id}")["environment_id"])
        else:
            answer = target.api.post(f"{target.url}/api/environments/{productions[-1]}/backups",
                                     json={"backup_scope": "full"}, timeout=5)
            job_id = answer.json()["job_id"] if answer.status_code == 202 else None
        made += [job_id] if job_id else []
        pause = 0.3 if job_id else 0.02


def test_every_refusal_passes_while_another_operator_works_on_the_same_node(tmp_path):
    target = FaultyTarget()
    stop, made = threading.Event(), []
    traffic = threading.Thread(target=another_operator, args=(target, stop, made), daemon=True)
    traffic.start()
    try:
        names = "|".join(f"^{re.escape(name)}" for name in REFUSALS)
        run = run_behave(tmp_path, "--name", names, "features/wave5", env=target.env(PRESSLUFT_ALLOW_DISRUPTIVE="1"),
                         timeout=300)
    finally:
        stop.set()
        traffic.join(10)
        theirs = [job for job in target.get("/api/jobs") if job["id"] in made]
        target.stop()
    assert run.exit_code == 0 and run.verdicts == [], run.output[-4000:]
    assert re.search(r"\b8 scenarios passed, 0 failed,", run.stdout), run.stdout[-1500:]
    assert {job["job_type"] for job in theirs} == {"site_create", "backup_create"}, theirs  # it did work meanwhile
