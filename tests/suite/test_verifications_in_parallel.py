"""'No job was queued' with a scope ignores jobs of other sites (scenarios running in parallel), never its own."""
import pytest

from support.checks.jobs import no_job_queued as no_job_was_queued
from support.http.client import PressluftClient
from support.runtime.config import load_settings
from support.runtime.resources import ResourceLedger
from support.screenplay.actor import Operator
from support.verdicts.failure import SuiteFailure

S1, E1, S9, E9, N1 = (f"00000000-0000-4000-8000-0000000000{n}" for n in ("a1", "b1", "a9", "b9", "c1"))


def job(job_id, job_type, site_id, environment_id, status):
    return {"id": job_id, "job_type": job_type, "site_id": site_id, "environment_id": environment_id,
            "node_id": N1, "status": status, "attempt_count": 0, "max_attempts": 3,
            "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"}


BEFORE = [job("job-1", "site_create", S1, E1, "succeeded")]
OTHER_SITE = job("job-2", "env_create", S9, E9, "queued")
MADE = [{"id": "job-1", "job_type": "site_create", "site_id": S1, "environment_id": E1}]  # what this run made before


def operator_for(url, journal):
    settings = load_settings({"PRESSLUFT_BASE_URL": url})
    return Operator(PressluftClient(url, journal), settings, ResourceLedger(), journal)


def test_a_job_of_another_site_does_not_count_when_the_check_has_a_scope(fake_server, journal):
    fake_server.on("GET", "/api/jobs", (200, BEFORE + [OTHER_SITE]))
    no_job_was_queued(operator_for(fake_server.url, journal), BEFORE, because="refused", made=MADE,
                      job_type="env_restore", environment_id=E1)


@pytest.mark.parametrize("job_type", ["env_restore", "backup_create"])
def test_any_new_job_in_the_scope_is_a_verdict(fake_server, journal, job_type):
    own = job("job-3", job_type, S1, E1, "queued")
    fake_server.on("GET", "/api/jobs", (200, BEFORE + [OTHER_SITE, own]))
    with pytest.raises(SuiteFailure) as caught:
        no_job_was_queued(operator_for(fake_server.url, journal), BEFORE, because="refused", made=MADE,
                          job_type="env_restore", environment_id=E1)
    assert caught.value.job_id == "job-3" and "1 jobs were queued" in caught.value.reason


def test_without_a_scope_any_new_job_is_a_verdict(fake_server, journal):
    fake_server.on("GET", "/api/jobs", (200, BEFORE + [OTHER_SITE]))
    with pytest.raises(SuiteFailure):
        no_job_was_queued(operator_for(fake_server.url, journal), BEFORE, because="refused", made=MADE)
