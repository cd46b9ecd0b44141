"""GET/POST /api/sites and GET /api/sites/{id}: creation runs the readiness preflight, then site_create."""

import uuid

from .. import jobqueue, records, serializers, twins
from ..body import blank, parse_object, text
from ..defects import active as defective
from ..errors import bad_request, conflict
from ..httpapi import Response
from ..readiness import PENDING_HOST
from ..store import row
from ..timeutil import now_iso
from .common import mutants_on_refusal, on_ready_node, pick_ready_node, probe_provider_nodes, read_required
from .nodes import node_named

# the mutants production_on_*: the node a site's production lands on instead of a provider-acquired one
MISPLACED = {
    "production_on_local_node": {"name": "local-node", "is_local": True},
    "production_on_node_with_failed_acquisition": {"name": "node-with-failed-acquisition", "acquisition": "failed"},
    "production_on_node_not_acquired": {"name": "node-not-acquired", "status": "provisioning", "host": PENDING_HOST},
}


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
    probe_provider_nodes(runtime)
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

    busy_node_before(runtime, slug, lambda conn: pick_ready_node(runtime, conn, slug)["id"])
    with runtime.previews.reserved() as preview, mutants_on_refusal(
            runtime, lambda refusal: refusal.code == "node_not_ready",
            {"refused_site_is_recorded": record_refused, "refusals_still_queue_jobs": queue_refused}):
        with runtime.store.tx() as conn:
            node = _site_node(runtime, conn, slug)
            if row(conn, "SELECT 1 AS taken FROM sites WHERE slug = ?", (slug,)):
                raise conflict("conflicting site mutation")
            job_id = jobqueue.enqueue_with_records(
                conn, runtime.config, "site_create", "conflicting site mutation",
                lambda: _store_site_and_more(conn, runtime, preview, site_id, env_id, name, slug, node["id"], now),
                site_id=site_id, environment_id=env_id, node_id=node["id"])
    if job_id is None:  # --guard-refusal-keeps-records: refused by the guard, the records kept (6164b449)
        raise conflict("conflicting site mutation")
    return Response(202, {"job_id": job_id})


def _store_site_and_more(conn, runtime, preview, site_id, env_id, name, slug, node_id, now):
    _store_site(conn, runtime, preview, site_id, env_id, name, slug, node_id, now)
    _store_more(conn, runtime, site_id, name, slug, node_id, now)


def _site_node(runtime, conn, slug) -> dict:
    """The ready provider node the site lands on (a mutant production_on_* puts it elsewhere)."""
    node = pick_ready_node(runtime, conn, slug)
    for defect, misplaced in MISPLACED.items():
        if defective(runtime, defect):
            return node_named(conn, runtime, **misplaced)
    return node


def _store_more(conn, runtime, site_id, name, slug, node_id, now):
    """The mutants site_create_records_twice (a second site of the same name, its slug suffixed -2, with its own
    production) and site_create_records_two_productions (a second production in the site)."""
    if defective(runtime, "site_create_records_twice"):
        with runtime.previews.reserved() as preview:
            _store_site(conn, runtime, preview, str(uuid.uuid4()), str(uuid.uuid4()), name, f"{slug}-2", node_id,
                        now)
    if defective(runtime, "site_create_records_two_productions"):
        second = str(uuid.uuid4())
        records.insert_environment(conn, env_id=second, site_id=site_id, name="Production", slug="production-2",
                                   environment_type="production", status="active", node_id=node_id,
                                   source_environment_id=None, promotion_preset="content-protect", preview_port=0,
                                   content=f"Welcome to {name}.", now=now)
        runtime.previews.sync(second, conn)

def busy_node_before(runtime, site_slug, node_of) -> None:
    """The fault busy-node (routes/reference.py): when it covers this creation, another operator's site creation on
    its node (`node_of(conn)`) is accepted just before, its site_create job held for the fault's seconds. The enqueue
    guard then refuses this creation, as it would on a shared Pressluft between the suite's look and its request."""
    if runtime.faults.take_busy_node(site_slug, peek=True) is None:
        return
    slug = f"other-operator-{uuid.uuid4().hex[:8]}"
    site_id, env_id = str(uuid.uuid4()), str(uuid.uuid4())
    with runtime.previews.reserved() as preview, runtime.store.tx() as conn:
        node_id = node_of(conn)  # a creation refused for its node's readiness meets no other operator: not spent
        seconds = runtime.faults.take_busy_node(site_slug)
        if seconds is None:  # spent meanwhile by another creation
            return
        job_id = jobqueue.enqueue(conn, runtime.config, "site_create", site_id=site_id, environment_id=env_id,
                                  node_id=node_id, guarded=False)
        runtime.faults.hold(job_id, seconds)
        _store_site(conn, runtime, preview, site_id, env_id, f"Another operator's {slug}", slug, node_id, now_iso())


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
