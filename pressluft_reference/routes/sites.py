"""GET/POST /api/sites and GET /api/sites/{id}: creation runs the readiness preflight, then site_create."""

import uuid

from .. import jobqueue, records, serializers, twins
from ..body import blank, parse_object, text
from ..defects import active as defective
from ..errors import bad_request, conflict
from ..httpapi import Response
from ..store import row
from ..timeutil import now_iso
from .common import mutants_on_refusal, on_ready_node, pick_ready_node, read_required


def register(router):
    router.add("GET", "/api/sites", list_sites)
    router.add("POST", "/api/sites", create_site)
    router.add("GET", "/api/sites/{site_id}", get_site)


def list_sites(req):
    runtime = req.runtime
    sites = runtime.store.all("SELECT * FROM sites ORDER BY seq")
    if defective(runtime, "sites_list_hides_sites_on_unready_nodes"):
        sites = [site for site in sites if on_ready_node(runtime, site["primary_environment_id"])]
    return Response(200, [serializers.site(site) for site in twins.listed(runtime, sites)])


def get_site(req):
    site = read_required(req, "sites", "site_id", "site not found")
    return Response(200, serializers.site(site))


def create_site(req):
    data = parse_object(req.body, {"name": text, "slug": text})
    if blank(data.get("name")) or blank(data.get("slug")):
        raise bad_request("name and slug are required")
    name, slug = data["name"].strip(), data["slug"].strip()
    runtime = req.runtime
    site_id, env_id, now = str(uuid.uuid4()), str(uuid.uuid4()), now_iso()

    def record_refused(conn):  # the mutant refused_site_is_recorded (IMPL keeps the records of an enqueue conflict)
        if not row(conn, "SELECT 1 AS taken FROM sites WHERE slug = ?", (slug,)):
            node = _first_candidate(conn)
            _store_site(conn, runtime, preview, site_id, env_id, name, slug, node["id"] if node else str(uuid.uuid4()),
                        now)

    def queue_refused(conn):  # the mutant refusals_still_queue_jobs
        node = _first_candidate(conn)
        jobqueue.enqueue(conn, runtime.config, "site_create", site_id=site_id, environment_id=env_id,
                         node_id=node["id"] if node else None, guarded=False)

    with runtime.previews.reserved() as preview, mutants_on_refusal(
            runtime, lambda refusal: refusal.code == "node_not_ready",
            {"refused_site_is_recorded": record_refused, "refusals_still_queue_jobs": queue_refused}):
        with runtime.store.tx() as conn:
            node = pick_ready_node(runtime, conn, slug)
            if row(conn, "SELECT 1 AS taken FROM sites WHERE slug = ?", (slug,)):
                raise conflict("conflicting site mutation")
            job_id = jobqueue.enqueue(conn, runtime.config, "site_create", "conflicting site mutation",
                                      site_id=site_id, environment_id=env_id, node_id=node["id"])
            _store_site(conn, runtime, preview, site_id, env_id, name, slug, node["id"], now)
    return Response(202, {"job_id": job_id})


def _store_site(conn, runtime, preview, site_id, env_id, name, slug, node_id, now):
    """The site and its production environment, both active, serving on the reserved preview."""
    records.insert_site(conn, site_id=site_id, name=name, slug=slug, primary_environment_id=env_id, now=now)
    records.insert_environment(conn, env_id=env_id, site_id=site_id, name="Production", slug="production",
                               environment_type="production", status="active", node_id=node_id,
                               source_environment_id=None, promotion_preset="content-protect",
                               preview_port=preview.port, content=f"Welcome to {name}.", now=now)
    runtime.previews.adopt(env_id, preview, conn)


def _first_candidate(conn):
    """The provider node whose readiness a refused site creation reported (None when there is none)."""
    return row(conn, "SELECT id FROM nodes WHERE is_local = 0 ORDER BY seq LIMIT 1")
