"""The client: explicit timeouts, a journal of every exchange, GET retries within a budget, POSTs never repeated."""
import time

import pytest

from support.http.client import PressluftClient, TargetUnavailable
from support.http.preview import PreviewProbe
from support.verdicts.categories import Category
from support.verdicts.failure import SuiteFailure
from support.verdicts.redaction import secrets


def client_for(url, journal, **kw):
    return PressluftClient(url, journal, connect_timeout=kw.pop("connect", 1.0), read_timeout=kw.pop("read", 0.5),
                           **kw)


def test_a_target_that_accepts_and_never_answers_times_out_within_the_read_timeout(silent_socket, journal):
    client = client_for(silent_socket, journal, get_retry_budget=0.1, get_retry_attempts=1)
    started = time.monotonic()
    with pytest.raises(TargetUnavailable) as caught:
        client.get("/api/nodes")
    assert time.monotonic() - started < 2.0
    assert caught.value.category is Category.TARGET_UNAVAILABLE
    assert caught.value.reason.startswith(f"timed out at {silent_socket}: no answer to GET /api/nodes after 0.")
    assert caught.value.reason.endswith(", its read timeout of 0.5 s (0.5 s, PRESSLUFT_READ_TIMEOUT; Pressluft probes "
                                        "every provider node over SSH before it answers this call, and the target had "
                                        "listed none)")
    assert journal.last(1)[0].error == "timed out"


def test_calls_that_make_pressluft_probe_its_nodes_get_30_s_more_per_provider_node_it_has(fake_server, journal):
    """GET /api/nodes, POST /api/sites and POST /api/sites/{id}/environments: the base read timeout plus 30 s per
    provider node of the latest node listing (plus those requested since; never fewer than the nodes the jobs
    listing shows acquisition jobs of); every other call: the base."""
    client = client_for(fake_server.url, journal, read=20.0)
    probing = [("GET", "/api/nodes"), ("POST", "/api/sites"), ("POST", "/api/sites/s-1/environments")]
    others = [("GET", "/api/jobs"), ("GET", "/api/sites"), ("POST", "/api/environments/e-1/backups"),
              ("GET", "/api/sites/s-1/environments"), ("POST", "/api/nodes")]
    assert {client.read_timeout_for(*call)[0] for call in probing + others} == {20.0}
    fake_server.on("GET", "/api/jobs", (200, [{"id": "j", "job_type": "node_provision", "node_id": n} for n in "ab"]
                                        + [{"id": "k", "job_type": "site_create", "node_id": "c"}]))
    client.get("/api/jobs")
    assert [client.read_timeout_for(*call)[0] for call in probing] == [80.0] * 3  # 2 nodes acquired by jobs
    fake_server.on("GET", "/api/nodes", (200, [{"id": n, "is_local": False} for n in "abc"] + [{"is_local": True}]))
    client.get("/api/nodes")
    fake_server.on("POST", "/api/nodes", (202, {"job_id": "j-new"}))
    client.post("/api/nodes", {"provider_id": "hetzner", "name": "n"})
    assert [client.read_timeout_for(*call)[0] for call in probing] == [140.0] * 3  # 3 listed, 1 requested since
    assert {client.read_timeout_for(*call)[0] for call in others} == {20.0}
    assert client.read_timeout_for("POST", "/api/sites")[1] == (
        "20 s, PRESSLUFT_READ_TIMEOUT, plus 30 s for each of the 4 provider nodes the target has, as its listings "
        "show: Pressluft probes each over SSH, one after another (up to three probes of up to 10 s), before it answers "
        "this call")


def test_a_spent_read_timeout_of_a_probing_call_says_how_long_it_waited_and_why(silent_socket, journal):
    client = client_for(silent_socket, journal, read=0.2)
    client.seconds_per_probed_node = 0.3
    client.provider_nodes.observe("GET", "/api/nodes", 200, [{"id": "a", "is_local": False}])
    started = time.monotonic()
    with pytest.raises(TargetUnavailable) as caught:
        client.post("/api/sites", {"name": "a", "slug": "a"})
    assert 0.5 <= time.monotonic() - started < 2.0
    assert caught.value.command == "POST /api/sites"
    assert caught.value.reason.startswith(f"timed out at {silent_socket}: no answer to POST /api/sites after 0.")
    assert caught.value.reason.endswith(
        ", its read timeout of 0.5 s (0.2 s, PRESSLUFT_READ_TIMEOUT, plus 0.3 s for each of the 1 provider node the "
        "target has, as its listings show: Pressluft probes each over SSH, one after another (up to three probes of "
        "up to 10 s), before it answers this call)")


def test_login_to_a_silent_target_gives_up_within_its_short_read_timeout(silent_socket, journal):
    client = PressluftClient(silent_socket, journal, connect_timeout=1.0, read_timeout=30.0)
    client.LOGIN_READ_TIMEOUT = 0.3
    started = time.monotonic()
    with pytest.raises(TargetUnavailable) as caught:
        client.login("admin@pressluft.local", "pw-of-the-test")
    assert time.monotonic() - started < 1.5
    assert caught.value.command == "POST /api/login" and caught.value.reason.startswith("timed out")


def test_a_post_to_a_silent_target_is_not_repeated(silent_socket, journal):
    client = client_for(silent_socket, journal)
    with pytest.raises(TargetUnavailable):
        client.post("/api/sites", {"name": "a", "slug": "a"})
    assert len(journal) == 1


def test_a_get_is_retried_on_503_and_each_retry_is_recorded(fake_server, journal):
    fake_server.on("GET", "/api/jobs", (503, {"code": "unavailable", "message": "busy"}),
                   (502, {"code": "bad_gateway", "message": "x"}), (200, []))
    answer = client_for(fake_server.url, journal).get("/api/jobs")
    assert answer.status == 200 and answer.json == []
    assert [e.note for e in journal.last(3)] == ["", "retry 1 of GET", "retry 2 of GET"]


def test_get_retries_stop_at_their_budget_and_return_the_last_answer(fake_server, journal):
    fake_server.on("GET", "/api/jobs", (503, {"code": "unavailable", "message": "busy"}))
    answer = client_for(fake_server.url, journal, get_retry_attempts=3).get("/api/jobs")
    assert answer.status == 503 and fake_server.count("GET", "/api/jobs") == 3


def test_a_post_answered_503_is_returned_not_repeated(fake_server, journal):
    fake_server.on("POST", "/api/sites", (503, {"code": "unavailable", "message": "busy"}))
    answer = client_for(fake_server.url, journal).post("/api/sites", {"name": "a", "slug": "a"})
    assert answer.status == 503 and fake_server.count("POST", "/api/sites") == 1


def test_login_keeps_the_session_cookie_and_never_records_it(fake_server, journal):
    fake_server.on("POST", "/api/login", (200, {"success": True},
                                         {"Set-Cookie": "session_token=feedc0ffee1234; Path=/; HttpOnly"}))
    fake_server.on("GET", "/api/nodes", (200, []))
    client = client_for(fake_server.url, journal)
    client.login("admin@pressluft.local", "a-password-of-test")
    client.get("/api/nodes")
    assert "session_token=feedc0ffee1234" in fake_server.requests[-1][2].get("Cookie", "")
    recorded = "".join(e.render() + str(vars(e)) for e in journal.since(0))
    assert "feedc0ffee1234" not in recorded and "a-password-of-test" not in recorded
    assert "feedc0ffee1234" in secrets.values()


@pytest.mark.parametrize("answer, category", [
    ((401, {"code": "unauthorized", "message": "invalid credentials"}), Category.AUTH_FAILED),
    ((404, "<html>not found</html>"), Category.CONFIG_ERROR),
    ((200, {"success": True}), Category.CONFIG_ERROR),
    ((503, {"code": "unavailable", "message": "down"}), Category.TARGET_UNAVAILABLE),
])
def test_a_failed_login_says_whether_it_is_the_credentials_the_target_or_the_url(fake_server, journal, answer,
                                                                                 category):
    fake_server.on("POST", "/api/login", answer)
    with pytest.raises(SuiteFailure) as caught:
        client_for(fake_server.url, journal).login("admin@pressluft.local", "x-password")
    assert caught.value.category is category
    assert caught.value.command == "POST /api/login"


def test_a_refused_connection_is_target_unavailable_at_once(journal):
    import socket
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    started = time.monotonic()
    with pytest.raises(TargetUnavailable) as caught:
        client_for(f"http://127.0.0.1:{port}", journal).post("/api/login", {})
    assert caught.value.reason.startswith("connection refused")
    assert time.monotonic() - started < 1.0


def test_the_preview_probe_does_not_follow_redirects_and_names_a_refusal(fake_server, journal):
    fake_server.on("GET", "/", (302, "<html>moved</html>", {"Location": "http://elsewhere.invalid/"}))
    probe = PreviewProbe(journal, connect_timeout=0.5, read_timeout=0.5)
    answer = probe.get(fake_server.url + "/")
    assert (answer.status, answer.said, answer.reachable) == (302, "302", True)
    import socket
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    refused = probe.get(f"http://127.0.0.1:{port}/")
    assert (refused.status, refused.said, refused.body, refused.reachable) == (None, "connection refused", "", False)


@pytest.mark.parametrize("status, reachable", [(200, True), (301, True), (302, True), (303, False), (307, False),
                                               (308, False), (404, False), (500, False)])
def test_the_smokes_rule_counts_200_301_and_302_reachable_and_no_other_answer(fake_server, journal, status,
                                                                               reachable):
    """The rule the smoke's preview wait applies (PreviewAnswer.reachable): a redirect to an address where nothing
    answers is judged on its own status, not followed (followed, it would get no answer at all)."""
    import socket
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        nowhere = f"http://127.0.0.1:{sock.getsockname()[1]}/wp-admin/"
    headers = {"Location": nowhere} if 300 <= status < 400 else {}
    fake_server.on("GET", "/", (status, "<html>page</html>", headers))
    answer = PreviewProbe(journal, connect_timeout=0.5, read_timeout=0.5).get(fake_server.url + "/")
    assert (answer.status, answer.said, answer.reachable) == (status, str(status), reachable)
