"""Database rows → the contract's JSON resources (no internal columns leak out)."""

import json

from .provider_sim import CATALOG, NEVER_CONNECTED_GUIDANCE
from .timeutil import ZERO_TIME


def provider(provider_id: str, found, quirks: bool = False) -> dict:
    """`quirks` (IMPL): a connected provider's guidance is null, not []."""
    entry = CATALOG[provider_id]
    base = {"provider_id": provider_id, "display_name": entry["display_name"],
            "capabilities": list(entry["capabilities"])}
    if found is None:
        return {**base, "status": "disconnected", "secret_configured": False,
                "guidance": list(NEVER_CONNECTED_GUIDANCE), "last_status_message": "Provider not connected",
                "connected_at": None, "last_checked_at": None, "updated_at": ZERO_TIME}
    guidance = None if quirks and found["status"] == "connected" else json.loads(found["guidance"])
    return {**base, "status": found["status"], "secret_configured": bool(found["secret_sha256"]),
            "guidance": guidance, "last_status_message": found["last_status_message"],
            "connected_at": found["connected_at"], "last_checked_at": found["last_checked_at"],
            "updated_at": found["updated_at"]}


def node(found: dict, readiness: dict, quirks: bool = False) -> dict:
    """`quirks` (IMPL): `reason_codes` of a node without codes is null (a nil slice), not []."""
    if quirks and not readiness["reason_codes"]:
        readiness = {**readiness, "reason_codes": None}
    return {"id": found["id"], "name": found["name"], "hostname": found["hostname"],
            "public_ip": found["public_ip"] or None, "ssh_port": found["ssh_port"], "status": found["status"],
            "is_local": bool(found["is_local"]), "last_seen_at": found["last_seen_at"],
            "created_at": found["created_at"], "updated_at": found["updated_at"], "readiness": readiness}


def site(found: dict) -> dict:
    return {key: found[key] for key in ("id", "name", "slug", "status", "primary_environment_id",
                                        "created_at", "updated_at", "state_version")}


def preview_url(port: int, host: str = "127.0.0.1") -> str:
    return f"http://{host}:{port}/"


def environment(found: dict, preview_port: int = None, preview_host: str = "127.0.0.1") -> dict:
    """`preview_port`: another port to show in preview_url (only the mutant preview_url_points_to_source);
    `preview_host`: the name preview_url gives the previews' host (--preview-host)."""
    return {
        "id": found["id"], "site_id": found["site_id"], "name": found["name"], "slug": found["slug"],
        "environment_type": found["environment_type"], "status": found["status"], "node_id": found["node_id"],
        "source_environment_id": found["source_environment_id"], "promotion_preset": found["promotion_preset"],
        "preview_url": preview_url(preview_port or found["preview_port"], preview_host), "primary_domain_id": None,
        "current_release_id": None,
        "drift_status": found["drift_status"], "drift_checked_at": None, "last_drift_check_id": None,
        "fastcgi_cache_enabled": True, "redis_cache_enabled": True,
        "created_at": found["created_at"], "updated_at": found["updated_at"], "state_version": found["state_version"],
    }


def backup(found: dict) -> dict:
    return {key: found[key] for key in ("id", "environment_id", "backup_scope", "status", "storage_type",
                                        "storage_path", "retention_until", "checksum", "size_bytes",
                                        "created_at", "completed_at")}


def job(found: dict) -> dict:
    return {key: found[key] for key in ("id", "job_type", "status", "site_id", "environment_id", "node_id",
                                        "attempt_count", "max_attempts", "run_after", "locked_at", "locked_by",
                                        "started_at", "finished_at", "error_code", "error_message",
                                        "created_at", "updated_at")}
