"""Environments of a site: list, get, clone/staging create (digest §2.4 check order), wordpress-version."""

import time
import uuid

from .. import jobqueue, records, serializers, twins
from ..body import blank, parse_object, text
from ..defects import active as defective
from ..errors import ApiError, bad_request, conflict, not_found
from ..httpapi import Response
from ..store import row
from ..timeutil import iso_seconds_after, now_iso
from .common import (
    mutants_on_refusal,
    node_not_ready,
    node_readiness,
    on_ready_node,
    preflight_blocks,
    probe_provider_nodes,
    read_required,
    require,
)
from .sites import busy_node_before

ENV_TYPES = ("staging", "clone")
PRESETS = ("content-protect", "commerce-protect")
SIMULATED_WORDPRESS_VERSION = "6.7.1"


def register(router):
    router.add("GET", "/api/sites/{site_id}/environments", list_environments)
    router.add("POST", "/api/sites/{site_id}/environments", create_environment)
    router.add("GET", "/api/environments/{env_id}", get_environment)
    router.add("GET", "/api/environments/{env_id}/wordpress-version", wordpress_version)


def list_environments(req):
    runtime = req.runtime

    def query(conn):
        require(conn, "sites", req.params["site_id"], "site not found")
        return [dict(env) for env in conn.execute(
            "SELECT * FROM environments WHERE site_id = ? ORDER BY environment_type != 'production', seq",
            (req.params["site_id"],))]
    environments = runtime.store.read(query)
    if defective(runtime, "environments_list_hides_unready_nodes"):
        environments = [env for env in environments if on_ready_node(runtime, env["id"])]
    if defective(runtime, "environments_list_hides_failed"):
        environments = [env for env in environments if env["status"] != "failed"]
    shown = runtime.store.read(lambda conn: [_shown(runtime, conn, env) for env in environments])
    return Response(200, twins.listed(runtime, shown + _stray_copies(runtime, req.params["site_id"], shown)))


def _stray_copies(runtime, site_id: str, shown: list) -> list:
    """The mutant environments_list_shows_other_sites: once the site has a copy, a copy of another site too."""
    copies = [env for env in shown if env["environment_type"] != "production"]
    if not copies or not defective(runtime, "environments_list_shows_other_sites"):
        return []
    other = str(uuid.uuid5(uuid.NAMESPACE_URL, f"other-site-of-{site_id}"))
    return [{**copies[0], "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"copy-of-{other}")), "site_id": other,
             "slug": f"other-{copies[0]['slug']}"}]


def get_environment(req):
    env = read_required(req, "environments", "env_id", "environment not found")
    return Response(200, req.runtime.store.read(lambda conn: _shown(req.runtime, conn, env)))


def _shown(runtime, conn, env: dict) -> dict:
    """The environment as the API shows it; the mutant preview_url_points_to_source shows its source's preview,
    env_shown_under_other_site a site id that is not its site's (the same one on every read)."""
    source = None
    if env["source_environment_id"] and defective(runtime, "preview_url_points_to_source"):
        source = _environment(conn, env["source_environment_id"])
    shown = serializers.environment(env, source["preview_port"] if source else None, runtime.config.preview_host)
    if env["environment_type"] != "production" and defective(runtime, "env_shown_under_other_site"):
        shown["site_id"] = str(uuid.uuid5(uuid.NAMESPACE_URL, f"other-site-of-{env['id']}"))
    if env["environment_type"] != "production" and defective(runtime, "copy_updated_before_created"):
        shown["updated_at"] = iso_seconds_after(shown["created_at"], -1)
    if env["environment_type"] != "production" and defective(runtime, "copy_preview_without_scheme"):
        shown["preview_url"] = shown["preview_url"].split("://", 1)[-1]
    if env["environment_type"] == "production" and defective(runtime, "restore_sets_production_source") and row(
            conn, "SELECT 1 AS restored FROM jobs WHERE job_type = 'env_restore' AND environment_id = ? AND status = "
                  "'succeeded'", (env["id"],)):
        shown["source_environment_id"] = env["id"]
    if env["environment_type"] != "production" and twins.active(runtime, "copy_preview_at_success") and not row(
            conn, "SELECT 1 AS made FROM jobs WHERE job_type = 'env_create' AND environment_id = ? AND status = "
                  "'succeeded'", (env["id"],)):
        shown["preview_url"] = twins.PENDING_PREVIEW.format(id8=env["id"][:8])
    return shown


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
    probe_provider_nodes(runtime)
    source_id, slug = data.get("source_environment_id"), data["slug"].strip()
    env_id, now = _new_copy_id(runtime), now_iso()
    _busy_node_before(runtime, site_id, source_id)

    def record_refused(conn):  # the mutant refused_environment_is_recorded (IMPL keeps it after an enqueue conflict)
        if not row(conn, "SELECT 1 AS taken FROM environments WHERE site_id = ? AND slug = ?", (site_id, slug)):
            _store_environment(conn, runtime, preview, env_id, site_id, data, _environment(conn, source_id), now)

    def queue_refused(conn):  # the mutant refusals_still_queue_jobs
        jobqueue.enqueue(conn, runtime.config, "env_create", site_id=site_id, environment_id=env_id,
                         node_id=_environment(conn, source_id)["node_id"], guarded=False)

    with runtime.previews.reserved() as preview, mutants_on_refusal(
            runtime, lambda refusal: refusal.code == "node_not_ready",
            {"refused_environment_is_recorded": record_refused, "refusals_still_queue_jobs": queue_refused}):
        with runtime.store.tx() as conn:
            source = None
            if not blank(source_id):
                source = _environment(conn, source_id)
                if source is None or source["site_id"] != site_id:
                    raise bad_request("invalid environment create request")
                node = row(conn, "SELECT * FROM nodes WHERE id = ?", (source["node_id"],))
                if node is None:
                    raise node_not_ready(runtime, ["node_unreachable"])
                site = row(conn, "SELECT slug FROM sites WHERE id = ?", (site_id,))
                readiness = node_readiness(runtime, node, preflight_for_slug=site["slug"] if site else None,
                                           creation="environment")
                if preflight_blocks(runtime, readiness):
                    raise node_not_ready(runtime, readiness["reason_codes"], readiness["guidance"])
            require(conn, "sites", site_id, "site not found")
            if source is None:
                raise bad_request("invalid environment create request")
            if row(conn, "SELECT 1 AS taken FROM environments WHERE site_id = ? AND slug = ?", (site_id, slug)):
                raise conflict("conflicting environment mutation")
            job_id = jobqueue.enqueue_with_records(
                conn, runtime.config, "env_create", "conflicting environment mutation",
                lambda: _store_environments(conn, runtime, preview, env_id, site_id, data, source, now),
                site_id=site_id, environment_id=env_id, node_id=source["node_id"],
                max_attempts=1 if defective(runtime, "env_create_single_attempt") else None)
    if job_id is None:  # --guard-refusal-keeps-records: refused by the guard, the records kept (6164b449)
        raise conflict("conflicting environment mutation")
    return Response(202, {"job_id": job_id})


def _busy_node_before(runtime, site_id, source_id) -> None:
    """The fault busy-node, for an environment of the site (routes/sites.py): its source's node made busy."""
    site = runtime.store.one("SELECT slug FROM sites WHERE id = ?", (site_id,))
    source = runtime.store.one("SELECT node_id FROM environments WHERE id = ? AND site_id = ?", (source_id, site_id))
    if site and source:
        busy_node_before(runtime, site["slug"], lambda conn: source["node_id"])


def _new_copy_id(runtime) -> str:
    """A UUID; the mutant copy_ids_not_uuids: `env-<unix-nanos>`."""
    return f"env-{time.time_ns()}" if defective(runtime, "copy_ids_not_uuids") else str(uuid.uuid4())


def _environment(conn, env_id):
    return row(conn, "SELECT * FROM environments WHERE id = ?", (env_id,))


def _store_environments(conn, runtime, preview, env_id, site_id, data, source, now):
    """The new environment, cloning, and its site turned cloning when it was active (the mutant
    env_create_records_twice: a second environment, its slug suffixed -2)."""
    _store_environment(conn, runtime, preview, env_id, site_id, data, source, now)
    if defective(runtime, "env_create_records_twice"):
        _store_environment(conn, runtime, None, str(uuid.uuid4()), site_id,
                           {**data, "slug": f"{data['slug'].strip()}-2"}, source, now)
    if require(conn, "sites", site_id, "site not found")["status"] == "active":
        records.touch(conn, "sites", site_id, "cloning")


def _store_environment(conn, runtime, preview, env_id, site_id, data, source, now):
    """A new clone or staging environment of `source`, cloning, on the reserved preview (None: a port of its own, for
    the mutant env_create_records_twice). The mutants env_type_stored_as_clone, env_source_not_recorded,
    env_source_unknown and env_on_unknown_node store one field wrongly."""
    env_type = "clone" if defective(runtime, "env_type_stored_as_clone") else data["type"]
    source_id = None if defective(runtime, "env_source_not_recorded") else source["id"]
    source_id = str(uuid.uuid4()) if defective(runtime, "env_source_unknown") else source_id
    node_id = str(uuid.uuid4()) if defective(runtime, "env_on_unknown_node") else source["node_id"]
    records.insert_environment(conn, env_id=env_id, site_id=site_id, name=data["name"].strip(),
                               slug=data["slug"].strip(), environment_type=env_type, status="cloning",
                               node_id=node_id, source_environment_id=source_id,
                               promotion_preset=data["promotion_preset"], preview_port=preview.port if preview else 0,
                               content=source["content"], now=now)
    if preview is None:
        runtime.previews.sync(env_id, conn)
    else:
        runtime.previews.adopt(env_id, preview, conn)


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
