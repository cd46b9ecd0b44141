"""Answers are checked against the contract schemas, tolerating what the real Pressluft does."""
import pytest

from support.pressluft import schemas
from support.verdicts.categories import Category
from support.verdicts.failure import SuiteFailure

NOW = "2026-02-22T10:00:00.123456789Z"
NODE = {"id": "0b0e8a86-8f5a-4a2e-9a43-5d1f1c1f3a11", "name": "n", "hostname": "203.0.113.5", "status": "active",
        "is_local": False, "created_at": NOW, "updated_at": NOW,
        "readiness": {"is_ready": True, "reason_codes": [], "guidance": [], "checked_at": NOW}}
JOB = {"id": "job-1771754400123456789", "job_type": "site_create", "status": "queued", "attempt_count": 0,
       "max_attempts": 3, "created_at": NOW, "updated_at": NOW}


def test_non_uuid_job_ids_are_tolerated():
    assert schemas.problems("job", JOB) == []
    assert schemas.problems("job_response", {"job_id": "job-1771754400123456789"}) == []


def test_pre_restore_backup_ids_are_tolerated_but_other_uuid_fields_are_still_checked():
    backup = {"id": "pre-0b0e8a86-1771754400", "environment_id": "not-a-uuid", "backup_scope": "full",
              "status": "completed", "storage_type": "s3", "storage_path": "s3://x", "retention_until": NOW,
              "created_at": NOW}
    assert schemas.problems("backup", backup) == ["environment_id: 'not-a-uuid' is not a 'uuid'"]


def test_null_reason_codes_and_guidance_are_tolerated():
    node = {**NODE, "readiness": {**NODE["readiness"], "reason_codes": None, "guidance": None}}
    assert schemas.problems("node", node) == []
    connection = {"provider_id": "hetzner", "display_name": "Hetzner Cloud", "status": "connected",
                  "capabilities": [], "secret_configured": True, "guidance": None,
                  "last_status_message": "ok", "updated_at": NOW}
    assert schemas.problems("provider_connection", connection) == []


def test_a_list_is_checked_item_by_item_in_any_order():
    other = {**NODE, "id": "5f0e8a86-8f5a-4a2e-9a43-5d1f1c1f3a11", "is_local": True}
    assert schemas.check("node", [other, NODE], command="GET /api/nodes", many=True) == [other, NODE]


def test_a_mismatch_is_a_contract_violation_naming_the_field():
    broken = {**NODE, "readiness": {**NODE["readiness"], "reason_codes": ["cosmic_rays"]}}
    with pytest.raises(SuiteFailure) as caught:
        schemas.check("node", [broken], command="GET /api/nodes", many=True)
    assert caught.value.category is Category.CONTRACT_VIOLATION
    assert caught.value.command == "GET /api/nodes"
    assert "[0] readiness.reason_codes.0: 'cosmic_rays' is not one of" in caught.value.reason


def test_an_unknown_field_is_still_a_violation():
    assert schemas.problems("job", {**JOB, "reason": "x"}) == [
        "(the answer): Additional properties are not allowed ('reason' was unexpected)"]
