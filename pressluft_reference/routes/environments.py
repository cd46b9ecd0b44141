"""Environments of a site: list, get, clone/staging create (digest §2.4 check order), wordpress-version."""

import uuid

from .. import jobqueue, serializers
from ..body import blank, parse_object, text
from ..errors import ApiError, bad_request, conflict, not_found
from ..httpapi import Response
from ..store import row
from ..timeutil import now_iso
from .common import node_not_ready, node_readiness, preflight_blocks, read_required, require

ENV_TYPES = ("staging", "clone")
PRESETS = ("content-protect", "commerce-protect")
SIMULATED_WORDPRESS_VERSION = "6.7.1"


def register(router):
    router.add("GET", "/api/sites/{site_id}/environments", list_environments)
    router.add("POST", "/api/sites/{site_id}/environments", create_environment)
    router.add("GET", "/api/environments/{env_id}", get_environment)
    router.add("GET", "/api/environments/{env_id}/wordpress-version", wordpress_version)


def list_environments(req):
    def query(conn):
        require(conn, "sites", req.params["site_id"], "site not found")
        return [dict(env) for env in conn.execute(
            "SELECT * FROM environments WHERE site_id = ? ORDER BY environment_type != 'production', seq",
            (req.params["site_id"],))]
    return Response(200, [serializers.environment(env) for env in req.runtime.store.read(query)])


def get_environment(req):
    env = read_required(req, "environments", "env_id", "environment not found")
    return Response(200, serializers.environment(env))


def create_environment(req):
    fields = {"name": text, "slug": text, "type": text, "source_environment_id": text, "promotion_preset": text}
    data = parse_object(req.body, fields)
    if blank(data.get("name")) or blank(data.get("slug")):
        raise bad_request("name and slug are required")
    if data.get("type") not in ENV_TYPES:
        raise bad_request("type must be staging or clone")
    if data.get("promotion_preset") not in PRESETS:
        raise bad_request("promotion_preset is invalid")
    runtime, site_id = req.runtime, req.params["site_id"]
    source_id = data.get("source_environment_id")
    env_id, now = str(uuid.uuid4()), now_iso()
    preview = runtime.previews.reserve()
    try:
        with runtime.store.tx() as conn:
            source = None
            if not blank(source_id):
                source = row(conn, "SELECT * FROM environments WHERE id = ?", (source_id,))
                if source is None or source["site_id"] != site_id:
                    raise bad_request("invalid environment create request")
                node = row(conn, "SELECT * FROM nodes WHERE id = ?", (source["node_id"],))
                if node is None:
                    raise node_not_ready(["node_unreachable"])
                readiness = node_readiness(runtime, node)
                if preflight_blocks(runtime, readiness):
                    raise node_not_ready(readiness["reason_codes"], readiness["guidance"])
            require(conn, "sites", site_id, "site not found")
            if source is None:
                raise bad_request("invalid environment create request")
            slug = data["slug"].strip()
            if row(conn, "SELECT 1 AS taken FROM environments WHERE site_id = ? AND slug = ?", (site_id, slug)):
                raise conflict("conflicting environment mutation")
            job_id = jobqueue.enqueue(conn, "env_create", "conflicting environment mutation",
                                      site_id=site_id, environment_id=env_id, node_id=source["node_id"],
                                      node_guard=req.runtime.config.node_guard)
            conn.execute(
                "INSERT INTO environments (id, site_id, name, slug, environment_type, status, node_id, "
                "source_environment_id, promotion_preset, preview_port, content, drift_status, created_at, "
                "updated_at, state_version) VALUES (?, ?, ?, ?, ?, 'cloning', ?, ?, ?, ?, ?, 'unknown', ?, ?, 1)",
                (env_id, site_id, data["name"].strip(), slug, data["type"], source["node_id"], source["id"],
                 data["promotion_preset"], preview.port, source["content"], now, now))
            conn.execute("UPDATE sites SET status = 'cloning', updated_at = ?, state_version = state_version + 1 "
                         "WHERE id = ? AND status = 'active'", (now, site_id))
            runtime.previews.adopt(env_id, preview, conn)
    except BaseException:
        preview.stop()
        raise
    return Response(202, {"job_id": job_id})


def wordpress_version(req):
    runtime = req.runtime
    env = runtime.store.one("SELECT * FROM environments WHERE id = ?", (req.params["env_id"],))
    if env is None:
        raise not_found("environment not found")
    if env["status"] != "active":
        raise ApiError(409, "environment_not_active", "Environment is not in active state")
    node = runtime.store.one("SELECT * FROM nodes WHERE id = ?", (env["node_id"],))
    if node is None or "node_unreachable" in node_readiness(runtime, node)["reason_codes"]:
        raise ApiError(502, "node_unreachable", "SSH query to the environment's node failed")
    return Response(200, {"environment_id": env["id"], "wordpress_version": SIMULATED_WORDPRESS_VERSION,
                          "queried_at": now_iso()})
