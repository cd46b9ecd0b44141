"""Checks of claims whose property no reference mutant breaks alone (tools/claims.py names these tests)."""
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest

from support import checks
from support.categories import Category
from support.diagnostics import SuiteFailure
from support.smokes import SmokeRun

LINE = '[wave5] FAIL category=preflight_blocked command="POST /api/sites" job_id=none reason="409 node_not_ready: x"'


def smoke(output: str, exit_code: int = 1, elapsed: float = 1.0) -> SmokeRun:
    return SmokeRun("clone preview", "scripts/smoke-site-clone-preview.sh", "w5-test-s1", exit_code, output, elapsed)


def test_a_smoke_that_fails_as_expected_but_too_slowly_fails_the_claim():
    checks.smoke_failed_as(smoke(LINE, elapsed=1.0), "blocked by node readiness", within=5)
    with pytest.raises(SuiteFailure) as caught:
        checks.smoke_failed_as(smoke(LINE, elapsed=6.2), "blocked by node readiness", within=5)
    assert caught.value.reason == "the smoke took 6.2 s to fail, more than 5 s"


@pytest.mark.parametrize("output, exit_code, words", [
    (LINE, 0, "exited with status 0"),
    (LINE + "\n" + LINE, 1, "2 failure lines"),
    ("no line at all", 1, "0 failure lines"),
])
def test_a_smoke_failure_is_exit_1_with_exactly_one_line(output, exit_code, words):
    with pytest.raises(SuiteFailure) as caught:
        checks.smoke_failed_as(smoke(output, exit_code), "blocked by node readiness")
    assert words in caught.value.reason and caught.value.category is Category.CONTRACT_VIOLATION


def test_a_smoke_passes_only_with_exit_0_a_passed_scenario_and_no_failure_line():
    checks.smoke_passed(smoke("[smoke] success: clone preview URL reachable (1 scenario passed)", 0))
    for output in ("[smoke] success: clone preview URL reachable (0 scenarios passed)",
                   "[smoke] success: clone preview URL reachable", LINE):
        with pytest.raises(SuiteFailure):
            checks.smoke_passed(smoke(output, 0))


class OneJob:
    """An operator whose job is the given record (and whose node request was accepted)."""

    def __init__(self, job):
        self.job = job
        self.settings = SimpleNamespace(retry_ceiling=1.0, poll_policy="adaptive",
                                        budgets=SimpleNamespace(node=0.3))

    def asks_for(self, question):
        return self.job


def request():
    return SimpleNamespace(accepted=lambda: "job-1", command="POST /api/nodes")


def scheduled(**change):
    now = datetime.now(timezone.utc)
    job = {"id": "job-1", "status": "queued", "attempt_count": 2, "max_attempts": 3, "error_code": "PROVIDER_API_ERROR",
           "updated_at": now.isoformat(), "run_after": (now + timedelta(minutes=5)).isoformat()}
    return {**job, **change}


def test_a_retry_is_scheduled_after_exactly_the_failed_attempts_with_attempts_left():
    checks.retry_scheduled(OneJob(scheduled()), request(), failed_attempts=2, error_code="PROVIDER_API_ERROR")
    with pytest.raises(SuiteFailure) as caught:  # an attempt counted too many (a miscounting Pressluft)
        checks.retry_scheduled(OneJob(scheduled(attempt_count=3, max_attempts=4)), request(), failed_attempts=2,
                               error_code="PROVIDER_API_ERROR")
    assert "it counts 3 attempts, not 2" in caught.value.reason
    with pytest.raises(SuiteFailure) as caught:  # no attempt left, yet queued
        checks.retry_scheduled(OneJob(scheduled(max_attempts=2)), request(), failed_attempts=2,
                               error_code="PROVIDER_API_ERROR")
    assert "it has no attempt left" in caught.value.reason


def test_a_retry_whose_run_after_is_not_ahead_is_not_scheduled():
    job = scheduled()
    job["run_after"] = job["updated_at"]
    with pytest.raises(SuiteFailure) as caught:
        checks.retry_scheduled(OneJob(job), request(), failed_attempts=2, error_code="PROVIDER_API_ERROR")
    assert "is not ahead of its last change" in caught.value.reason


class Answers:
    """An operator whose every question (a GET) is answered from a table of paths."""

    def __init__(self, answers: dict):
        self.answers = answers

    def asks_for(self, question):
        return self.answers[question.path]


SHA = "sha256:" + "a" * 64


def checkpoint_case(content_before):
    started = datetime(2026, 1, 1, 12, 0, 0, tzinfo=timezone.utc)
    job = {"id": "r1", "started_at": started.isoformat(), "finished_at": (started + timedelta(seconds=2)).isoformat()}
    checkpoint = {"id": "cp", "environment_id": "e1", "backup_scope": "full", "status": "completed", "checksum": SHA,
                  "size_bytes": 10, "created_at": (started + timedelta(seconds=1)).isoformat()}
    restore = SimpleNamespace(environment_id="e1", backups_before=[{"id": "b1"}], backup_id="b1",
                              content_before=content_before)
    return Answers({"/api/environments/e1/backups": [{"id": "b1"}, checkpoint]}), restore, job


def test_a_checkpoint_must_hold_what_production_showed_where_the_target_can_show_it():
    operator, restore, job = checkpoint_case("Broken autumn banner")
    assert checks.checkpoint_listed(operator, restore, job, read_content=lambda _: "Broken autumn banner")["id"] == "cp"
    with pytest.raises(SuiteFailure) as caught:
        checks.checkpoint_listed(operator, restore, job, read_content=lambda _: "Spring catalogue")
    assert "the backup cp holds 'Spring catalogue', not 'Broken autumn banner'" in caught.value.reason
    # a target that cannot show what a backup holds (a real Pressluft): judged by its time alone
    assert checks.checkpoint_listed(operator, restore, job, read_content=None)["id"] == "cp"
    operator, restore, job = checkpoint_case(None)  # the scenario never saw what production showed
    assert checks.checkpoint_listed(operator, restore, job, read_content=lambda _: "anything")["id"] == "cp"


def test_a_preview_must_show_the_content_and_nothing_it_replaced():
    page = "<div class='content'>Spring catalogue\nBroken autumn banner</div>"
    operator = SimpleNamespace(preview=SimpleNamespace(get=lambda url: (200, "200", page)))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(checks, "wait_for_preview", lambda operator, url: (200, []))
        checks.preview_shows(operator, "http://p/", "Spring catalogue", replaced=["Summer sale"])
        with pytest.raises(SuiteFailure) as caught:
            checks.preview_shows(operator, "http://p/", "Spring catalogue",
                                 replaced=["Summer sale", "Broken autumn banner"])
    assert caught.value.reason == ("the preview shows 'Spring catalogue' but also 'Broken autumn banner', which it "
                                   "should have replaced")


def smoke_site(restore_names: str, site_status: str = "failed") -> Answers:
    site = {"id": "s1", "slug": "w5-test-s1-site-1", "status": site_status}
    production = {"id": "p1", "site_id": "s1", "environment_type": "production", "status": "failed"}
    clone = {"id": "c1", "site_id": "s1", "environment_type": "clone", "status": "failed"}
    jobs = [{"id": "j1", "job_type": "env_restore", "site_id": "s1", "environment_id": restore_names}]
    return Answers({"/api/sites": [site], "/api/sites/s1": site, "/api/sites/s1/environments": [production, clone],
                    "/api/jobs": jobs, "/api/environments/p1": production, "/api/environments/c1": clone})


def test_the_restored_production_is_the_one_the_restore_job_names_and_its_site_failed_too():
    run = smoke("")
    assert checks.smoke_environment_failed(smoke_site("p1"), run, "production")["id"] == "p1"
    with pytest.raises(SuiteFailure) as caught:  # the restore job names the site's clone
        checks.smoke_environment_failed(smoke_site("c1"), run, "production")
    assert "environment_type is 'clone' (expected environment_type 'production')" in caught.value.reason
    with pytest.raises(SuiteFailure) as caught:  # production failed, its site not
        checks.smoke_environment_failed(smoke_site("p1", site_status="active"), run, "production")
    assert "status is 'active' (expected status 'failed')" in caught.value.reason
