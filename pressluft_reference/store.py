"""SQLite state: one shared connection in WAL mode, every access serialised by one lock.

Every state change runs inside `tx()` (BEGIN IMMEDIATE … COMMIT), so a check and the insert that
depends on it (the enqueue guard, slug uniqueness) are atomic even under concurrent requests.
"""

import contextlib
import os
import sqlite3
import threading

SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    token TEXT PRIMARY KEY, user_id TEXT NOT NULL, expires_at TEXT NOT NULL, revoked INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS providers (
    provider_id TEXT PRIMARY KEY, status TEXT NOT NULL, secret_sha256 TEXT, guidance TEXT NOT NULL,
    last_status_message TEXT NOT NULL, connected_at TEXT, last_checked_at TEXT, updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS nodes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT UNIQUE NOT NULL, provider_id TEXT, name TEXT NOT NULL,
    hostname TEXT NOT NULL, public_ip TEXT, ssh_port INTEGER NOT NULL, ssh_user TEXT NOT NULL,
    status TEXT NOT NULL, is_local INTEGER NOT NULL, last_seen_at TEXT,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sites (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT UNIQUE NOT NULL, name TEXT NOT NULL, slug TEXT UNIQUE NOT NULL,
    status TEXT NOT NULL, primary_environment_id TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
    state_version INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS environments (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT UNIQUE NOT NULL, site_id TEXT NOT NULL, name TEXT NOT NULL,
    slug TEXT NOT NULL, environment_type TEXT NOT NULL, status TEXT NOT NULL, node_id TEXT NOT NULL,
    source_environment_id TEXT, promotion_preset TEXT NOT NULL, preview_port INTEGER NOT NULL,
    content TEXT NOT NULL, drift_status TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
    state_version INTEGER NOT NULL, UNIQUE (site_id, slug)
);
CREATE TABLE IF NOT EXISTS backups (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT UNIQUE NOT NULL, environment_id TEXT NOT NULL,
    backup_scope TEXT NOT NULL, status TEXT NOT NULL, storage_type TEXT NOT NULL, storage_path TEXT NOT NULL,
    retention_until TEXT NOT NULL, checksum TEXT, size_bytes INTEGER, artifact_path TEXT,
    created_at TEXT NOT NULL, completed_at TEXT
);
CREATE TABLE IF NOT EXISTS jobs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT UNIQUE NOT NULL, job_type TEXT NOT NULL, status TEXT NOT NULL,
    site_id TEXT, environment_id TEXT, node_id TEXT, backup_id TEXT,
    attempt_count INTEGER NOT NULL, max_attempts INTEGER NOT NULL, run_after TEXT,
    locked_at TEXT, locked_by TEXT, started_at TEXT, finished_at TEXT, error_code TEXT, error_message TEXT,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS jobs_status ON jobs (status);
"""


class Store:
    def __init__(self, data_dir: str):
        self.path = os.path.join(data_dir, "pressluft_reference.sqlite3")
        self._lock = threading.RLock()
        self._conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._conn.row_factory = sqlite3.Row
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.executescript(SCHEMA)

    @contextlib.contextmanager
    def tx(self):
        """A write transaction; rolled back when the block raises."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def one(self, sql: str, params=()):
        with self._lock:
            row = self._conn.execute(sql, params).fetchone()
        return dict(row) if row else None

    def all(self, sql: str, params=()):
        with self._lock:
            return [dict(row) for row in self._conn.execute(sql, params).fetchall()]

    def read(self, query):
        """Runs `query(conn)` under the lock, for reads that need more than one statement."""
        with self._lock:
            return query(self._conn)

    def close(self):
        with self._lock:
            self._conn.close()


def row(conn, sql: str, params=()):
    found = conn.execute(sql, params).fetchone()
    return dict(found) if found else None


def rows(conn, sql: str, params=()):
    return [dict(found) for found in conn.execute(sql, params).fetchall()]
