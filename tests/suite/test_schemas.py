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
    assert (f"the node {NODE['id']} (item 0): readiness.reason_codes.0: 'cosmic_rays' is not one of"
            in caught.value.reason)


def test_an_unknown_field_is_still_a_violation():
    assert schemas.problems("job", {**JOB, "reason": "x"}) == [
        "(the answer): Additional properties are not allowed ('reason' was unexpected)"]


# -- RFC 3339 date-times (jsonschema checks "date-time" only with rfc3339-validator installed) ----------------------
@pytest.mark.parametrize("moment", [
    "2026-02-22T10:00:00Z", "2026-02-22T10:00:00+00:00", "2026-02-22T10:00:00-05:30", "2026-02-22t10:00:00z",
    "2026-02-22T10:00:00.1Z", "2026-02-22T10:00:00.123456+00:00", "2026-02-22T10:00:00.123456789Z",
    "0001-01-01T00:00:00Z",  # IMPL's zero time of a provider never connected
])
def test_rfc3339_date_times_are_accepted_with_z_an_offset_and_fractions_of_any_length(moment):
    assert schemas.problems("job", {**JOB, "created_at": moment, "run_after": moment}) == []


@pytest.mark.parametrize("moment", [
    "2026-02-22 10:00:00", "2026-02-22T10:00:00", "2026-02-22T10:00Z", "2026-02-22", "22/02/2026 10:00:00",
    "1771754400", "2026-02-22T10:00:00.Z", "2026-02-30T10:00:00Z", "2026-02-22T25:00:00Z", "",
])
def test_a_timestamp_that_is_not_an_rfc3339_date_time_is_refused(moment):
    assert schemas.problems("job", {**JOB, "created_at": moment}) == [f"created_at: {moment!r} is not a 'date-time'"]


def test_a_timestamp_is_checked_wherever_the_contract_declares_one():
    node = {**NODE, "readiness": {**NODE["readiness"], "checked_at": "2026-02-22 10:00:00"}}
    assert schemas.problems("node", node) == ["readiness.checked_at: '2026-02-22 10:00:00' is not a 'date-time'"]
    backup = {"id": "0b0e8a86-8f5a-4a2e-9a43-5d1f1c1f3a11", "environment_id": "0b0e8a86-8f5a-4a2e-9a43-5d1f1c1f3a12",
              "backup_scope": "full", "status": "completed", "storage_type": "s3", "storage_path": "s3://x",
              "retention_until": NOW, "created_at": NOW, "completed_at": "tomorrow"}
    assert schemas.problems("backup", backup) == ["completed_at: 'tomorrow' is not a 'date-time'"]


def test_the_format_checker_checks_date_time_uuid_and_uri():
    """Built with the formats named, it fails to import when rfc3339-validator or rfc3986-validator is missing,
    rather than accept anything silently."""
    assert {"date-time", "uuid", "uri"} <= set(schemas.FORMATS.checkers)


ENVIRONMENT = {"id": "0b0e8a86-8f5a-4a2e-9a43-5d1f1c1f3a12", "site_id": "0b0e8a86-8f5a-4a2e-9a43-5d1f1c1f3a13",
               "name": "Clone", "slug": "clone", "environment_type": "clone", "status": "active",
               "node_id": "0b0e8a86-8f5a-4a2e-9a43-5d1f1c1f3a11",
               "source_environment_id": "0b0e8a86-8f5a-4a2e-9a43-5d1f1c1f3a14", "promotion_preset": "content-protect",
               "preview_url": "http://a1b2c3d4.203-0-113-5.sslip.io", "drift_status": "unknown",
               "fastcgi_cache_enabled": True, "redis_cache_enabled": True, "created_at": NOW, "updated_at": NOW,
               "state_version": 1}


@pytest.mark.parametrize("address", ["http://a1b2c3d4.203-0-113-5.sslip.io", "https://a1b2c3d4.preview.example/",
                                     "http://127.0.0.1:40123/", "http://a1b2c3d4.pending.invalid/"])
def test_a_preview_address_that_is_an_absolute_uri_is_accepted(address):
    assert schemas.problems("environment", {**ENVIRONMENT, "preview_url": address}) == []


@pytest.mark.parametrize("address", ["127.0.0.1:40123/", "a1b2c3d4.203-0-113-5.sslip.io", "/preview", "", "http://a b"])
def test_a_preview_address_that_is_not_an_absolute_uri_is_refused(address):
    assert schemas.problems("environment", {**ENVIRONMENT, "preview_url": address}) == [
        f"preview_url: {address!r} is not a 'uri'"]


# -- ids: the two quirk forms, and nothing else loosened ------------------------------------------------------------
UUID = "0b0e8a86-8f5a-4a2e-9a43-5d1f1c1f3a11"


@pytest.mark.parametrize("schema, field, value", [
    ("job", "id", UUID), ("job", "id", "job-1771754400123456789"),
    ("job_response", "job_id", UUID), ("job_response", "job_id", "job-1"),
    ("backup", "id", UUID), ("backup", "id", "pre-0b0e8a86-1771754400"),
])
def test_the_quirk_ids_are_a_uuid_or_their_one_other_form(schema, field, value):
    record = {"job": JOB, "job_response": {"job_id": UUID}, "backup": {
        "id": UUID, "environment_id": UUID, "backup_scope": "full", "status": "completed", "storage_type": "s3",
        "storage_path": "s3://x", "retention_until": NOW, "created_at": NOW}}[schema]
    assert schemas.problems(schema, {**record, field: value}) == []


@pytest.mark.parametrize("schema, field, value", [
    ("job", "id", "job-abc"), ("job", "id", "pre-0b0e8a86-1771754400"), ("job", "id", "j1"),
    ("job_response", "job_id", "pre-0b0e8a86-1771754400"), ("backup", "id", "job-1771754400123456789"),
    ("backup", "id", "pre-nothex!-1771754400"), ("backup", "id", "pre-0b0e8a86-soon"),
])
def test_an_id_of_neither_form_is_refused(schema, field, value):
    record = {"job": JOB, "job_response": {"job_id": UUID}, "backup": {
        "id": UUID, "environment_id": UUID, "backup_scope": "full", "status": "completed", "storage_type": "s3",
        "storage_path": "s3://x", "retention_until": NOW, "created_at": NOW}}[schema]
    [problem] = schemas.problems(schema, {**record, field: value})
    assert problem.startswith(f"{field}: {value!r} is not a 'uuid or ")


@pytest.mark.parametrize("schema, field", [
    ("job", "site_id"), ("job", "environment_id"), ("job", "node_id"), ("node", "id"), ("site", "id"),
    ("environment", "id"), ("environment", "site_id"), ("environment", "node_id"), ("backup", "environment_id"),
])
def test_every_other_id_the_contract_declares_a_uuid_is_checked_as_one(schema, field):
    properties = schemas.tolerant_schema(schema)["properties"]
    assert properties[field]["format"] == "uuid"
    assert schemas.FORMATS.conforms("job-1771754400123456789", "uuid") is False


def test_the_tolerant_schemas_loosen_only_the_quirk_ids_and_the_nullable_arrays():
    from contract import load_schema

    for name in ("job", "job_response", "backup", "node", "site", "environment", "provider_connection"):
        strict, tolerant = load_schema(name), schemas.tolerant_schema(name)
        changed = sorted(field for field in strict["properties"]
                         if strict["properties"][field] != tolerant["properties"][field])
        assert changed == sorted(set(schemas.QUIRK_IDS.get(name, {})) | (
            {"guidance"} if name == "provider_connection" else set())), name
