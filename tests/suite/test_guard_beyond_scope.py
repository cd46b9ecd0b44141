"""An enqueue-guard 409 while the scope the suite can see is free (the guard holds for the node, e.g. another
scenario's job in a parallel run): the suite pauses with a growing backoff before each re-submission, and
records every one."""
import time

from support.flows.submit import submit
from support.http.client import PressluftClient
from support.runtime.config import load_settings
from support.runtime.resources import ResourceLedger
from support.screenplay.actions import CreateEnvironment
from support.screenplay.actor import Operator

CONFLICT = (409, {"code": "conflict", "message": "conflicting environment mutation"})


def test_the_guard_held_beyond_the_scope_is_waited_out_politely_and_recorded(fake_server, journal):
    path = "/api/sites/s1/environments"
    fake_server.on("POST", path, CONFLICT, CONFLICT, CONFLICT, (202, {"job_id": "job-9"}))
    fake_server.on("GET", "/api/jobs", (200, []))
    fake_server.on("GET", "/api/sites/s1/environments", (200, []))  # the refusals left nothing
    settings = load_settings({"PRESSLUFT_BASE_URL": fake_server.url, "PRESSLUFT_JOB_TIMEOUT": "10"})
    operator = Operator(PressluftClient(fake_server.url, journal), settings, ResourceLedger(), journal)
    started = time.monotonic()
    submission = submit(operator, CreateEnvironment("s1", "e1", "clone", "Clone", "clone-9"),
                        busy_scope={"site_id": "s1"})
    elapsed = time.monotonic() - started
    assert submission.accepted() == "job-9"
    assert fake_server.count("POST", path) == 4
    assert len(submission.resubmissions) == 3
    assert all("the guard held beyond that scope: paused" in note for note in submission.resubmissions)
    assert elapsed >= 0.1 + 0.15 + 0.225 - 0.01  # 0.1 s, then half as long again each time
