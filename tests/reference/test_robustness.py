"""Bad input never yields a 500 or corrupted state; concurrency neither loses nor duplicates jobs."""

import http.client
import json
import socket
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import check_error, check_schema

JSON_ROUTES = ["/api/providers", "/api/nodes", "/api/sites"]


def _raw(server, method, path, body=b"", headers=None, cookie=None):
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    headers = dict(headers or {})
    if cookie:
        headers["Cookie"] = f"session_token={cookie}"
    connection.putrequest(method, path)
    for name, value in headers.items():
        connection.putheader(name, value)
    connection.endheaders()
    if body:
        connection.send(body)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, json.loads(data) if data else None


@pytest.mark.parametrize("path", JSON_ROUTES)
@pytest.mark.parametrize("raw", [b"{", b"not json", b"[1]", b'"text"', b"1", b"null", b'{"a": NaN}',
                                 b"\xff\xfe", b'{"name": "x"} trailing', b""])
def test_malformed_json_is_400(api, path, raw):
    check_error(api.post(path, data=raw), 400, "bad_request", "invalid JSON body")


def test_oversized_body_is_413(api):
    body = b'{"name": "' + b"x" * (1024 * 1024) + b'"}'
    check_error(api.post("/api/sites", data=body), 413, "bad_request")
    assert api.get("/api/metrics").status_code == 200


def test_missing_content_length_is_treated_as_an_empty_body(api):
    status, body = _raw(api.server, "POST", "/api/sites", cookie=api.http.cookies["session_token"])
    assert status == 400 and body == {"code": "bad_request", "message": "invalid JSON body"}


@pytest.mark.parametrize("headers", [{"Content-Length": "abc"}, {"Content-Length": "-5"},
                                     {"Transfer-Encoding": "chunked"}])
def test_bad_framing_is_400(api, headers):
    status, body = _raw(api.server, "POST", "/api/sites", headers=headers, cookie=api.http.cookies["session_token"])
    assert status == 400 and check_schema("error", body)["code"] == "bad_request"


def test_concurrent_node_creates_lose_and_duplicate_nothing(api):
    api.connect_provider()
    before = {job["id"] for job in api.jobs()}
    with ThreadPoolExecutor(max_workers=50) as pool:
        responses = list(pool.map(lambda i: requests.post(api.server.url("/api/nodes"), json={
            "provider_id": "hetzner", "name": f"burst-{i}"}, cookies=api.http.cookies, timeout=20), range(50)))
    assert [response.status_code for response in responses] == [202] * 50
    job_ids = [response.json()["job_id"] for response in responses]
    assert len(set(job_ids)) == 50
    new_jobs = [job for job in api.jobs() if job["id"] not in before]
    assert sorted(job["id"] for job in new_jobs) == sorted(job_ids)
    names = [node["name"] for node in api.nodes() if node["name"].startswith("burst-")]
    assert sorted(names) == sorted(f"burst-{i}" for i in range(50))
    finished = [api.wait_job(job_id, timeout=30) for job_id in job_ids]
    assert all(job["status"] == "succeeded" and job["attempt_count"] == 1 for job in finished)


def test_concurrent_site_creates_respect_the_guard(api, node_id):
    sites_before, jobs_before = len(api.get("/api/sites").json()), len(api.jobs())
    with ThreadPoolExecutor(max_workers=30) as pool:
        responses = list(pool.map(lambda i: requests.post(api.server.url("/api/sites"), json={
            "name": f"Race {i}", "slug": f"race-{i}"}, cookies=api.http.cookies, timeout=20), range(30)))
    accepted = [response for response in responses if response.status_code == 202]
    for response in responses:
        if response.status_code != 202:
            check_error(response, 409, "conflict", "conflicting site mutation")
    assert accepted
    assert len(api.get("/api/sites").json()) - sites_before == len(accepted)
    assert len(api.jobs()) - jobs_before == len(accepted)
    for response in accepted:
        assert api.wait_job(response.json()["job_id"])["status"] == "succeeded"


def test_guard_holds_under_concurrency(api, site):
    env_id = site["production"]["id"]
    api.fault("jobs", {"match": {"environment_id": env_id}, "outcome": "hang"})
    with ThreadPoolExecutor(max_workers=20) as pool:
        responses = list(pool.map(lambda i: requests.post(api.server.url(f"/api/environments/{env_id}/backups"), json={
            "backup_scope": "db"}, cookies=api.http.cookies, timeout=20), range(20)))
    assert sorted(response.status_code for response in responses) == [202] + [409] * 19
    assert len(api.backups(env_id)) == 1


_json = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
                     lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children,
                                                                                         max_size=4), max_leaves=8)
_bodies = st.one_of(_json, st.fixed_dictionaries({}, optional={
    "name": _json, "slug": _json, "type": _json, "source_environment_id": _json, "promotion_preset": _json,
    "backup_scope": _json, "backup_id": _json, "provider_id": _json, "api_token": _json}))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=_bodies, path=st.sampled_from(["/api/sites", "/api/nodes", "/api/providers",
                                           "/api/sites/{site}/environments", "/api/environments/{env}/backups",
                                           "/api/environments/{env}/restore", "/api/login"]))
def test_arbitrary_bodies_never_cause_a_server_error(api, site, body, path):
    path = path.format(site=site["site"]["id"], env=site["production"]["id"])
    response = api.post(path, data=json.dumps(body).encode())
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        check_schema("error", response.json())
    api.cancel_in_flight()


def test_http_server_refusals_are_json_envelopes(server):
    status, body = _raw(server, "FOO", "/api/jobs")
    assert status == 405 and body == {"code": "bad_request", "message": "method not allowed"}
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as raw:
        raw.sendall(b"GARBAGE\r\n\r\n")
        answer = raw.makefile("rb").read().decode()
    assert answer.startswith("HTTP/1.1 400 ")
    assert json.loads(answer.split("\r\n\r\n", 1)[1])["code"] == "bad_request"
