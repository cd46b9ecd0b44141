"""'No restore was queued' counts the jobs of its own production only: jobs of other sites (scenarios running in
parallel, other operators) are ignored, never its own."""
import pytest

from support.checks.nothing_left import no_restore_queued
from support.http.client import PressluftClient
from support.pressluft.sites import LiveSite
from support.runtime.config import load_settings
from support.runtime.resources import ResourceLedger
from support.screenplay.actions import Request
from support.screenplay.actor import Operator
from support.verdicts.failure import SuiteFailure

S1, E1, S9, E9, N1 = (f"00000000-0000-4000-8000-0000000000{n}" for n in ("a1", "b1", "a9", "b9", "c1"))


def job(job_id, job_type, site_id, environment_id, status):
    return {"id": job_id, "job_type": job_type, "site_id": site_id, "environment_id": environment_id,
            "node_id": N1, "status": status, "attempt_count": 0, "max_attempts": 3,
            "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"}


BEFORE = [job("job-1", "site_create", S1, E1, "succeeded")]
OTHER_SITE = job("job-2", "env_create", S9, E9, "queued")
SITE = LiveSite({"id": S1, "slug": "w5-site-1"}, {"id": E1, "environment_type": "production"}, BEFORE[0])
ATTEMPT = Request(answer=None, environment_id=E1, jobs_before=BEFORE)  # the refused restore of production


def operator_for(url, journal):
    settings = load_settings({"PRESSLUFT_BASE_URL": url})
    return Operator(PressluftClient(url, journal), settings, ResourceLedger(), journal)


def test_a_job_of_another_site_does_not_count(fake_server, journal):
    fake_server.on("GET", "/api/jobs", (200, BEFORE + [OTHER_SITE]))
    no_restore_queued(operator_for(fake_server.url, journal), ATTEMPT, SITE, [])


@pytest.mark.parametrize("job_type", ["env_restore", "backup_create"])
def test_any_new_job_of_its_production_is_a_verdict(fake_server, journal, job_type):
    own = job("job-3", job_type, S1, E1, "queued")
    fake_server.on("GET", "/api/jobs", (200, BEFORE + [OTHER_SITE, own]))
    with pytest.raises(SuiteFailure) as caught:
        no_restore_queued(operator_for(fake_server.url, journal), ATTEMPT, SITE, [])
    assert caught.value.job_id == "job-3" and "1 jobs were queued" in caught.value.reason
