"""Login, logout, the session cookie, auth before routing, unknown paths and the dashboard pages."""

import re

import pytest
import requests

import contract

from .conftest import CREDENTIALS, check_error, check_schema

PROTECTED = [
    ("GET", "/api/providers"), ("POST", "/api/providers"), ("GET", "/api/nodes"), ("POST", "/api/nodes"),
    ("GET", "/api/sites"), ("POST", "/api/sites"), ("GET", "/api/sites/x"), ("GET", "/api/sites/x/environments"),
    ("POST", "/api/sites/x/environments"), ("GET", "/api/environments/x"), ("GET", "/api/environments/x/backups"),
    ("POST", "/api/environments/x/backups"), ("POST", "/api/environments/x/restore"), ("GET", "/api/jobs"),
    ("GET", "/api/jobs/x"), ("POST", "/api/jobs/x/cancel"), ("GET", "/api/metrics"), ("POST", "/api/logout"),
    ("GET", "/api/environments/x/wordpress-version"), ("GET", "/api/unknown"), ("DELETE", "/api/jobs"),
]


def test_login_sets_the_session_cookie(server):
    response = requests.post(server.url("/api/login"), json=CREDENTIALS, timeout=5)
    assert response.status_code == 200
    assert check_schema("success", response.json()) == {"success": True}
    cookie = response.headers["Set-Cookie"]
    assert re.match(r"^session_token=[0-9a-f]{64}; ", cookie)
    for attribute in ("Path=/", "HttpOnly", "SameSite=Strict", "Max-Age=86400", "Expires="):
        assert attribute in cookie


@pytest.mark.parametrize("body, status, code, message", [
    (b"{", 400, "bad_request", "invalid JSON body"),
    (b"[]", 400, "bad_request", "invalid JSON body"),
    (b'{"email": "admin@pressluft.local", "password": "x", "remember": true}', 400, "bad_request", "invalid JSON body"),
    (b'{"email": 1, "password": "x"}', 400, "bad_request", "invalid JSON body"),
    (b'{"email": "", "password": "x"}', 400, "bad_request", "email and password are required"),
    (b'{"email": "admin@pressluft.local"}', 400, "bad_request", "email and password are required"),
    (b'{"email": "admin@pressluft.local", "password": "wrong"}', 401, "unauthorized", "invalid credentials"),
    (b'{"email": "ADMIN@pressluft.local", "password": "pressluft-dev-password"}', 401, "unauthorized",
     "invalid credentials"),
])
def test_login_errors(server, body, status, code, message):
    response = requests.post(server.url("/api/login"), data=body, timeout=5)
    check_error(response, status, code, message)
    assert "Set-Cookie" not in response.headers


def test_login_with_another_method_is_405(server):
    check_error(requests.get(server.url("/api/login"), timeout=5), 405, "bad_request", "method not allowed")


def test_logout_revokes_the_session(server):
    api = server.client()
    assert api.get("/api/jobs").status_code == 200
    old_cookie = api.http.cookies.get("session_token")
    response = api.post("/api/logout")
    assert response.status_code == 200 and check_schema("success", response.json()) == {"success": True}
    assert response.headers["Set-Cookie"].startswith("session_token=; Path=/;")
    assert "Max-Age=0" in response.headers["Set-Cookie"]
    replay = requests.get(server.url("/api/jobs"), cookies={"session_token": old_cookie}, timeout=5)
    check_error(replay, 401, "unauthorized", "authentication required")


@pytest.mark.parametrize("method, path", PROTECTED)
@pytest.mark.parametrize("cookie", [None, "0" * 64, "not a token"])
def test_every_api_route_needs_a_session(server, method, path, cookie):
    cookies = {"session_token": cookie} if cookie else None
    response = requests.request(method, server.url(path), cookies=cookies, timeout=5)
    check_error(response, 401, "unauthorized", "authentication required")


def test_the_session_check_covers_every_operation_of_the_contract_but_login():
    document = contract.load_openapi()
    operations = {(method.upper(), re.sub(r"\{[^}]+\}", "{id}", "/api" + path))
                  for path, item in document["paths"].items() for method in item}
    protected = {(method, re.sub(r"/[0-9a-f-]{36}|/nope|/x(?=/|$)", "/{id}", path)) for method, path in PROTECTED}
    missing = operations - protected - {("POST", "/api/login")}
    assert not missing, f"routes without a session check in PROTECTED: {sorted(missing)}"


def test_malformed_cookie_header_is_unauthenticated(server):
    response = requests.get(server.url("/api/jobs"), headers={"Cookie": 'session_token="unterminated'}, timeout=5)
    check_error(response, 401, "unauthorized")


@pytest.mark.parametrize("path", ["/api/unknown", "/api/nodes/x", "/api/sites/x/y/z", "/api", "/api/jobs/"])
def test_unregistered_api_paths_answer_json_404_with_a_session(api, path):
    check_error(api.get(path), 404, "not_found")


@pytest.mark.parametrize("method, path", [("PUT", "/api/jobs"), ("DELETE", "/api/sites"), ("PATCH", "/api/nodes"),
                                          ("GET", "/api/jobs/x/cancel"), ("HEAD", "/api/metrics")])
def test_wrong_method_is_405(api, method, path):
    response = api.http.request(method, api.server.url(path), timeout=5)
    assert response.status_code == 405
    if method != "HEAD":
        check_error(response, 405, "bad_request", "method not allowed")


@pytest.mark.parametrize("path, status", [("/", 200), ("/providers", 200), ("/nodes", 200), ("/sites", 200),
                                          ("/jobs", 200), ("/sites/abc", 200), ("/sites/", 404),
                                          ("/sites/abc/x", 404), ("/environments", 404), ("/backups", 404)])
def test_dashboard_pages(server, path, status):
    response = requests.get(server.url(path), timeout=5)
    assert response.status_code == status
    if status == 200:
        assert response.headers["Content-Type"].startswith("text/html")
