"""GET/POST /api/nodes: provider-acquired nodes only; creation answers 202 with a node_provision job."""

import random
import uuid

from .. import jobqueue, serializers, twins
from ..body import blank, parse_object, text
from ..defects import active as defective
from ..errors import bad_request, conflict
from ..httpapi import Response
from ..jobtypes import SIMULATED_HOST
from ..readiness import PENDING_HOST
from ..timeutil import now_iso
from .common import mutants_on_refusal, node_readiness


def register(router):
    router.add("GET", "/api/nodes", list_nodes)
    router.add("POST", "/api/nodes", create_node)


def list_nodes(req):
    runtime = req.runtime
    nodes = runtime.store.all("SELECT * FROM nodes ORDER BY seq")
    if runtime.config.quirks:  # IMPL keeps nodes in a map: any order, another one on each call
        random.shuffle(nodes)
    return Response(200, [serializers.node(node, _listed_readiness(runtime, node), runtime.config.quirks)
                          for node in twins.listed(runtime, nodes)])


def _listed_readiness(runtime, node) -> dict:
    readiness = node_readiness(runtime, node)
    if defective(runtime, "acquiring_node_listed_ready") and runtime.store.one(
            "SELECT 1 AS acquiring FROM jobs WHERE node_id = ? AND job_type = 'node_provision' AND status IN "
            "('queued', 'running')", (node["id"],)):
        return {**readiness, "is_ready": True, "reason_codes": [], "guidance": []}
    return readiness


def create_node(req):
    data = parse_object(req.body, {"provider_id": text, "name": text})
    if blank(data.get("provider_id")):
        raise bad_request("provider_id is required")
    provider_id = data["provider_id"].strip().lower()
    runtime = req.runtime
    named = not blank(data.get("name")) and not defective(runtime, "node_name_ignored")
    name = data.get("name") if named else f"{provider_id}-node"
    usable = ("connected", "degraded") if defective(runtime, "degraded_provider_acquires") else ("connected",)

    def queue_refused(conn):  # the mutant refusals_still_queue_jobs: for a node that was never recorded
        jobqueue.enqueue(conn, runtime.config, "node_provision", node_id=str(uuid.uuid4()), guarded=False)

    with mutants_on_refusal(runtime, lambda refusal: refusal.message == "provider is not connected",
                            {"refusals_still_queue_jobs": queue_refused}):
        with runtime.store.tx() as conn:
            provider = conn.execute("SELECT status FROM providers WHERE provider_id = ?", (provider_id,)).fetchone()
            if provider is None or provider["status"] not in usable:
                raise conflict("provider is not connected")
            job_ids = [_request_node(conn, runtime, provider_id, name)
                       for _ in range(2 if defective(runtime, "node_request_acquires_twice") else 1)]
    return Response(202, {"job_id": job_ids[0]})


def seed_node_with_failed_acquisition(runtime) -> None:
    """The mutant ready_node_with_failed_acquisition: at start, a provider node that looks ready (active, on the
    simulated host) although the node_provision job that made it failed for good."""
    with runtime.store.tx() as conn:
        if conn.execute("SELECT 1 FROM nodes WHERE name = 'seeded-node'").fetchone():
            return
        node_id, now = str(uuid.uuid4()), now_iso()
        conn.execute("INSERT INTO nodes (id, provider_id, name, hostname, public_ip, ssh_port, ssh_user, status, "
                     "is_local, created_at, updated_at) VALUES (?, 'hetzner', 'seeded-node', ?, ?, 22, 'root', "
                     "'active', 0, ?, ?)", (node_id, SIMULATED_HOST, SIMULATED_HOST, now, now))
        job = jobqueue.get(conn, jobqueue.enqueue(conn, runtime.config, "node_provision", node_id=node_id,
                                                  guarded=False))
        conn.execute("UPDATE jobs SET attempt_count = max_attempts, started_at = ? WHERE id = ?", (now, job["id"]))
        jobqueue.fail(conn, job, "ANSIBLE_HOST_FAILED", "node-provision playbook failed on target (seeded)")


def _request_node(conn, runtime, provider_id, name) -> str:
    """Records the node and queues its node_provision; returns the job id."""
    node_id, now = str(uuid.uuid4()), now_iso()
    # REF-REC of digest §4.3: the node is `provisioning` (not ready) until acquisition and provisioning finish.
    # IMPL (--quirks): `active` at once; only the simulated probe to pending.provider says node_unreachable.
    status = "active" if runtime.config.quirks else "provisioning"
    conn.execute("INSERT INTO nodes (id, provider_id, name, hostname, public_ip, ssh_port, ssh_user, status, "
                 "is_local, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 22, 'ubuntu', ?, 0, ?, ?)",
                 (node_id, provider_id, name, PENDING_HOST, PENDING_HOST, status, now, now))
    return jobqueue.enqueue(conn, runtime.config, "node_provision", "conflicting node mutation", node_id=node_id)
