"""POST /api/login and /api/logout."""

from ..body import parse_object, text
from ..errors import bad_request, unauthorized
from ..httpapi import Response
from ..sessions import login_cookie, logout_cookie


def register(router):
    router.add("POST", "/api/login", login)
    router.add("POST", "/api/logout", logout)


def login(req):
    data = parse_object(req.body, {"email": text, "password": text})
    email, password = data.get("email") or "", data.get("password") or ""
    if not email.strip() or not password:
        raise bad_request("email and password are required")
    if not req.runtime.sessions.credentials_valid(email, password):
        raise unauthorized("invalid credentials")
    token = req.runtime.sessions.create()
    return Response(200, {"success": True}, [("Set-Cookie", login_cookie(token))])


def logout(req):
    req.runtime.sessions.revoke(req.token)
    return Response(200, {"success": True}, [("Set-Cookie", logout_cookie())])
