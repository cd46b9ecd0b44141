"""The simulated Hetzner provider connection."""

import pytest

from .conftest import check_error, check_schema

GUIDANCE_REJECTED = "Generate a valid bearer token in Hetzner Cloud and reconnect provider."
GUIDANCE_UNAVAILABLE = "Retry provider connect after provider/API health recovers."
GUIDANCE_UNEXPECTED = "Confirm token permissions and retry provider connect."
GUIDANCE_TRANSPORT = "Retry provider connect. If this persists, verify outbound access to api.hetzner.cloud."


def test_never_connected_provider(fresh_server):
    providers = fresh_server().client().get("/api/providers").json()
    assert [check_schema("provider_connection", item) for item in providers] == [{
        "provider_id": "hetzner", "display_name": "Hetzner Cloud", "status": "disconnected",
        "capabilities": ["node_acquisition", "provider_health"], "secret_configured": False,
        "guidance": ["Connect provider credentials to enable node acquisition."],
        "last_status_message": "Provider not connected", "connected_at": None, "last_checked_at": None,
        "updated_at": "0001-01-01T00:00:00Z"}]


def test_any_token_connects_and_the_secret_is_never_returned(api):
    response = api.post("/api/providers", {"provider_id": " Hetzner ", "api_token": "my-secret-token"})
    assert response.status_code == 200
    body = check_schema("provider_connection", response.json())
    assert body["status"] == "connected" and body["guidance"] == []
    assert body["last_status_message"] == "Provider connection healthy"
    assert body["secret_configured"] is True and body["connected_at"] and body["last_checked_at"]
    listed = api.get("/api/providers")
    assert "my-secret-token" not in response.text + listed.text
    assert check_schema("provider_connection", listed.json()[0])["status"] == "connected"


@pytest.mark.parametrize("token, message, guidance", [
    ("invalid", "Credential rejected by Hetzner API", GUIDANCE_REJECTED),
    ("rejected-by-test", "Credential rejected by Hetzner API", GUIDANCE_REJECTED),
    ("unavailable", "Hetzner API unavailable during credential validation (status 503)", GUIDANCE_UNAVAILABLE),
    ("unavailable-429", "Hetzner API unavailable during credential validation (status 429)", GUIDANCE_UNAVAILABLE),
    ("unexpected", "Unexpected Hetzner API status during credential validation (418)", GUIDANCE_UNEXPECTED),
    ("unexpected-404", "Unexpected Hetzner API status during credential validation (404)", GUIDANCE_UNEXPECTED),
    ("unreachable", None, GUIDANCE_TRANSPORT),
])
def test_documented_tokens_degrade_the_connection(api, token, message, guidance):
    try:
        body = check_schema("provider_connection", api.connect_provider(token))
        assert body["status"] == "degraded" and body["guidance"] == [guidance]
        if message:
            assert body["last_status_message"] == message
        else:
            assert body["last_status_message"].startswith("Unable to verify provider credential with Hetzner API: ")
        check_error(api.post("/api/nodes", {"provider_id": "hetzner"}), 409, "conflict", "provider is not connected")
    finally:
        api.connect_provider()


@pytest.mark.parametrize("body, message", [
    ({"provider_id": "aws", "api_token": "x"}, "unknown provider"),
    ({"api_token": "x"}, "unknown provider"),
    ({"provider_id": "hetzner", "api_token": ""}, "provider secret is required"),
    ({"provider_id": "hetzner"}, "provider secret is required"),
    ({"provider_id": "hetzner", "api_token": "x", "extra": 1}, "invalid JSON body"),
    ({"provider_id": "hetzner", "api_token": 5}, "invalid JSON body"),
])
def test_connect_errors(api, body, message):
    check_error(api.post("/api/providers", body), 400, "bad_request", message)
