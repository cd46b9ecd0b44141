"""Writes to the resource tables, one place each: a row's update (with `updated_at` and `state_version`), and the
inserts of sites, environments and backups. Every function takes an open transaction.

(Nodes are inserted by routes/nodes.py, jobs by jobqueue.py, providers by routes/providers.py: one place each.)
"""

from . import artifacts
from .timeutil import iso_days_after, now_iso

VERSIONED = ("sites", "environments")  # digest §5: state_version is bumped on every change
RETENTION_DAYS = 30


def touch(conn, table: str, resource_id, status: str = None, **columns):
    """Updates one row, bumping updated_at (and state_version for sites and environments)."""
    if resource_id is None:
        return
    if status is not None:
        columns["status"] = status
    columns["updated_at"] = now_iso()
    assignments = ", ".join(f"{name} = ?" for name in columns)
    versioned = ", state_version = state_version + 1" if table in VERSIONED else ""
    conn.execute(f"UPDATE {table} SET {assignments}{versioned} WHERE id = ?", (*columns.values(), resource_id))


def insert_site(conn, *, site_id, name, slug, primary_environment_id, now):
    conn.execute("INSERT INTO sites (id, name, slug, status, primary_environment_id, created_at, updated_at, "
                 "state_version) VALUES (?, ?, ?, 'active', ?, ?, ?, 1)",
                 (site_id, name, slug, primary_environment_id, now, now))


def insert_environment(conn, *, env_id, site_id, name, slug, environment_type, status, node_id,
                       source_environment_id, promotion_preset, preview_port, content, now):
    conn.execute(
        "INSERT INTO environments (id, site_id, name, slug, environment_type, status, node_id, "
        "source_environment_id, promotion_preset, preview_port, content, drift_status, created_at, "
        "updated_at, state_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'unknown', ?, ?, 1)",
        (env_id, site_id, name, slug, environment_type, status, node_id, source_environment_id, promotion_preset,
         preview_port, content, now, now))


def insert_backup(conn, *, backup_id, environment_id, backup_scope, created_at, status="pending", checksum=None,
                  size_bytes=None, artifact_path=None, completed_at=None):
    """A backup record in s3 storage, kept for RETENTION_DAYS from its creation."""
    conn.execute("INSERT INTO backups (id, environment_id, backup_scope, status, storage_type, storage_path, "
                 "retention_until, checksum, size_bytes, artifact_path, created_at, completed_at) "
                 "VALUES (?, ?, ?, ?, 's3', ?, ?, ?, ?, ?, ?, ?)",
                 (backup_id, environment_id, backup_scope, status, artifacts.storage_path(environment_id, backup_id),
                  iso_days_after(created_at, RETENTION_DAYS), checksum, size_bytes, artifact_path, created_at,
                  completed_at))
