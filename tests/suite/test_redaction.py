"""Secrets are redacted before anything is recorded."""
from support.redaction import MASK


def test_known_secret_values_are_replaced_wherever_they_appear(registry):
    registry.add("hunter2-token")
    assert registry.redact_text("token=hunter2-token and again hunter2-token") == f"token={MASK} and again {MASK}"


def test_short_values_are_not_registered_so_ordinary_words_survive(registry):
    registry.add("a")
    registry.add("")
    registry.add(None)
    assert registry.redact_text("a cat") == "a cat"


def test_the_session_cookie_value_is_redacted_even_when_unknown(registry):
    text = registry.redact_text("Cookie: session_token=0123456789abcdef; other=1")
    assert "0123456789abcdef" not in text and "session_token=" in text


def test_cookie_headers_keep_names_and_attributes_but_not_values(registry):
    headers = registry.redact_headers({"Set-Cookie": "session_token=abc123456; Path=/; HttpOnly; Max-Age=86400",
                                       "Cookie": "session_token=abc123456", "Content-Type": "application/json"})
    assert headers["Set-Cookie"] == f"session_token={MASK}; Path=/; HttpOnly; Max-Age=86400"
    assert headers["Cookie"] == f"session_token={MASK}"
    assert headers["Content-Type"] == "application/json"


def test_secret_json_fields_are_blanked_at_any_depth(registry):
    data = {"provider_id": "hetzner", "api_token": "xyz-secret", "nested": [{"password": "pw-1234"}]}
    assert registry.redact_json(data) == {"provider_id": "hetzner", "api_token": MASK,
                                          "nested": [{"password": MASK}]}


def test_the_journal_records_exchanges_already_redacted(journal, registry):
    registry.add("pressluft-dev-password")
    exchange = journal.record("POST", "/api/login", request_headers={"Cookie": "session_token=s3cr3tvalue"},
                              request_body={"email": "admin@pressluft.local", "password": "pressluft-dev-password"},
                              status=200, response_headers={"Set-Cookie": "session_token=s3cr3tvalue; Path=/"},
                              response_body='{"success": true, "echo": "pressluft-dev-password"}')
    rendered = exchange.render() + str(exchange.to_dict())
    assert "pressluft-dev-password" not in rendered
    assert "s3cr3tvalue" not in rendered
    assert "admin@pressluft.local" in rendered
