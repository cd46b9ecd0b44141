"""Login sessions: 64-hex tokens in the `session_token` cookie, stored in SQLite, 24 h TTL."""

import hmac
import secrets
import time
from email.utils import formatdate

from .timeutil import iso_after, now_iso

DEV_EMAIL = "admin@pressluft.local"
DEV_PASSWORD = "pressluft-dev-password"
DEV_USER_ID = "admin"
TTL_SECONDS = 24 * 3600


class Sessions:
    def __init__(self, store, email: str = DEV_EMAIL, password: str = DEV_PASSWORD):
        self.store = store
        self._email = email
        self._password = password

    def credentials_valid(self, email: str, password: str) -> bool:
        email_ok = hmac.compare_digest(email.encode(), self._email.encode())
        password_ok = hmac.compare_digest(password.encode(), self._password.encode())
        return email_ok and password_ok

    def create(self) -> str:
        token = secrets.token_hex(32)
        with self.store.tx() as conn:
            conn.execute("INSERT INTO sessions (token, user_id, expires_at) VALUES (?, ?, ?)",
                         (token, DEV_USER_ID, iso_after(TTL_SECONDS)))
        return token

    def user_for(self, token):
        if not token:
            return None
        found = self.store.one("SELECT user_id FROM sessions WHERE token = ? AND revoked = 0 AND expires_at > ?",
                               (token, now_iso()))
        return found["user_id"] if found else None

    def revoke(self, token) -> None:
        with self.store.tx() as conn:
            conn.execute("UPDATE sessions SET revoked = 1 WHERE token = ?", (token,))


def login_cookie(token: str) -> str:
    expires = formatdate(time.time() + TTL_SECONDS, usegmt=True)
    return f"session_token={token}; Path=/; Expires={expires}; Max-Age={TTL_SECONDS}; HttpOnly; SameSite=Strict"


def logout_cookie() -> str:
    return "session_token=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; HttpOnly; SameSite=Strict"
