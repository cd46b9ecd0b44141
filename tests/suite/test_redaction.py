"""Secrets are redacted before anything is recorded."""
from support.verdicts.redaction import MASK


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
    rendered = exchange.render() + str(vars(exchange))
    assert "pressluft-dev-password" not in rendered
    assert "s3cr3tvalue" not in rendered
    assert "admin@pressluft.local" in rendered


# -- a real target's addresses -----------------------------------------------------------------------------
def test_nothing_is_hidden_before_a_target_is_named_the_embedded_reference_keeps_its_loopback_address(registry):
    registry.redact_json({"id": "1a2b3c4d-0000", "preview_url": "http://127.0.0.1:4000/"})
    assert registry.redact_text("GET http://127.0.0.1:4000/ at http://127.0.0.1:8480") == \
        "GET http://127.0.0.1:4000/ at http://127.0.0.1:8480"


def test_the_target_is_named_by_its_label_wherever_its_address_appears(registry):
    registry.addresses.name_target("https://ops:pw@Pressluft.Example:8443/pl", "staging")
    for text, shown in [
        ("GET https://pressluft.example:8443/pl/api/jobs", "GET <staging>/api/jobs"),
        ("connection refused at https://pressluft.example:8443/pl", "connection refused at <staging>"),
        ("HTTPSConnectionPool(host='pressluft.example', port=8443)",
         "HTTPSConnectionPool(host='<staging>', port=8443)"),
        ("https://ops:pw@PRESSLUFT.EXAMPLE:8443/x", "<staging>/x"),
        ("pressluft.example:8443 and pressluft.example", "<staging> and <staging>"),
        # other names that merely contain it are not the target's
        ("pressluft.example.org xpressluft.example", "pressluft.example.org xpressluft.example"),
    ]:
        assert registry.redact_text(text) == shown


def test_a_loopback_target_hides_its_port_not_every_loopback_address(registry):
    registry.addresses.name_target("http://127.0.0.1:8480", "external target")
    assert registry.redact_text("at http://127.0.0.1:8480, not http://127.0.0.1:84801 nor 127.0.0.1:9") == \
        "at <external target>, not http://127.0.0.1:84801 nor 127.0.0.1:9"


def test_preview_addresses_of_a_named_target_lose_their_host_and_keep_their_path(registry, journal):
    registry.addresses.name_target("https://pressluft.example", "external target")
    exchange = journal.record("GET", "/api/sites/s/environments", status=200, response_body=[
        {"id": "1a2b3c4d-aaaa", "preview_url": "http://1a2b3c4d.203-0-113-5.sslip.io"},
        {"id": "5e6f7a8b-bbbb", "preview_url": "http://5e6f7a8b.203-0-113-5.sslip.io:8080/"}])
    assert "sslip.io" not in exchange.render() and "<preview of env 1a2b3c4d>" in exchange.render()
    assert registry.redact_text("GET http://5e6f7a8b.203-0-113-5.sslip.io:8080/wp-login.php") == \
        "GET <preview of env 5e6f7a8b>/wp-login.php"
    assert registry.redact_text("Host: 1a2b3c4d.203-0-113-5.sslip.io") == "Host: <preview of env 1a2b3c4d>"
    assert registry.redact_text("resolved 5e6f7a8b.203-0-113-5.sslip.io") == "resolved <preview host>"


def test_a_smoke_shows_a_preview_address_the_way_the_check_of_its_line_expects(registry):
    from support.verdicts.redaction import shown_preview_address

    registry.addresses.name_target("http://127.0.0.1:8480", "external target")
    registry.redact_json({"id": "9c8b7a6d-cccc", "preview_url": "http://127.0.0.1:4001/"})
    line = registry.redact_text('command="GET http://127.0.0.1:4001/"')
    assert line == f'command="GET {shown_preview_address("http://127.0.0.1:4001/", "9c8b7a6d-cccc")}"'


def test_forgetting_the_target_shows_addresses_again(registry):
    registry.addresses.name_target("https://pressluft.example", "external target")
    registry.addresses.forget()
    assert registry.redact_text("https://pressluft.example") == "https://pressluft.example"
