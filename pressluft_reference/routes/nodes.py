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
from ..twins import OTHER_OPERATORS_NODE
from ..twins import active as twin
from .common import mutants_on_refusal, node_readiness, probe_provider_nodes


def register(router):
    router.add("GET", "/api/nodes", list_nodes)
    router.add("POST", "/api/nodes", create_node)


def list_nodes(req):
    runtime = req.runtime
    probe_provider_nodes(runtime)
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

    def record_refused(conn):  # the mutant refused_node_request_is_recorded: the node, without its job
        _record_node(conn, runtime, provider_id, name)

    with mutants_on_refusal(runtime, lambda refusal: refusal.message == "provider is not connected",
                            {"refusals_still_queue_jobs": queue_refused,
                             "refused_node_request_is_recorded": record_refused}):
        with runtime.store.tx() as conn:
            provider = conn.execute("SELECT status FROM providers WHERE provider_id = ?", (provider_id,)).fetchone()
            if provider is None or provider["status"] not in usable:
                raise conflict("provider is not connected")
            job_ids = [request_node(conn, runtime, provider_id, name)
                       for _ in range(2 if defective(runtime, "node_request_acquires_twice") else 1)]
    return Response(202, {"job_id": job_ids[0]})


def seed_node_with_failed_acquisition(runtime) -> None:
    """The mutant ready_node_with_failed_acquisition: at start, a provider node that looks ready (active, on the
    simulated host) although the node_provision job that made it failed for good."""
    with runtime.store.tx() as conn:
        node_named(conn, runtime, "seeded-node", acquisition="failed")


def seed_ready_provider_nodes(runtime, count: int) -> None:
    """The twin two_ready_provider_nodes: at start, `count` ready provider nodes, each made by a node_provision job
    that succeeded."""
    with runtime.store.tx() as conn:
        for number in range(1, count + 1):
            node_named(conn, runtime, f"ready-node-{number}", acquisition="succeeded")


def node_named(conn, runtime, name: str, *, acquisition=None, is_local=False, status="active",
               host=SIMULATED_HOST) -> dict:
    """The node of that name, recorded now when there is none (nodes the reference has without a node request: the
    twins' and the mutants'): active on the simulated host unless told otherwise, and, with `acquisition`
    ("succeeded" or "failed"), the node_provision job that made it, ended so."""
    found = conn.execute("SELECT * FROM nodes WHERE name = ?", (name,)).fetchone()
    if found:
        return dict(found)
    node_id, now = str(uuid.uuid4()), now_iso()
    conn.execute("INSERT INTO nodes (id, provider_id, name, hostname, public_ip, ssh_port, ssh_user, status, "
                 "is_local, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 22, 'root', ?, ?, ?, ?)",
                 (node_id, None if is_local else "hetzner", name, host, host, status, int(is_local), now, now))
    if acquisition:
        job = jobqueue.get(conn, jobqueue.enqueue(conn, runtime.config, "node_provision", node_id=node_id,
                                                  guarded=False))
        attempts = 1 if acquisition == "succeeded" else job["max_attempts"]
        conn.execute("UPDATE jobs SET attempt_count = ?, started_at = ? WHERE id = ?",
                     (attempts, job["created_at"], job["id"]))  # started as it was queued: its times in order
        if acquisition == "succeeded":
            jobqueue.succeed(conn, job)
        else:
            jobqueue.fail(conn, job, "ANSIBLE_HOST_FAILED", "node-provision playbook failed on target (seeded)")
    return dict(conn.execute("SELECT * FROM nodes WHERE id = ?", (node_id,)).fetchone())


def seed_ready_node_acquired_before(runtime) -> None:
    """The twin node_before_run_acquisition_unlisted: at start, a ready provider node (active, on the simulated host
    its acquisition gave it) acquired before the run, whose node_provision job is no longer kept (pruned)."""
    with runtime.store.tx() as conn:
        if conn.execute("SELECT 1 FROM nodes WHERE name = 'node-from-before'").fetchone():
            return
        now = now_iso()
        conn.execute("INSERT INTO nodes (id, provider_id, name, hostname, public_ip, ssh_port, ssh_user, status, "
                     "is_local, created_at, updated_at) VALUES (?, 'hetzner', 'node-from-before', ?, ?, 22, 'root', "
                     "'active', 0, ?, ?)", (str(uuid.uuid4()), SIMULATED_HOST, SIMULATED_HOST, now, now))


def after_connection(runtime, provider_id: str) -> None:
    """What follows a provider connection that ended connected, with a ready provider node of it listed: for the
    twin other_operator_acquires_nodes, another operator's node request (a node of its own name, acquired as any
    node is); for the mutant reconnect_acquires_nodes_again, a second acquisition of every node requested by name
    so far (a new node of the same name, with its node_provision job). Without either, nothing."""
    if not (twin(runtime, "other_operator_acquires_nodes") or defective(runtime, "reconnect_acquires_nodes_again")):
        return
    with runtime.store.tx() as conn:
        nodes = [dict(node) for node in conn.execute("SELECT * FROM nodes WHERE provider_id = ? AND is_local = 0 "
                                                     "ORDER BY seq", (provider_id,)).fetchall()]
        if not any(node_readiness(runtime, node)["is_ready"] for node in nodes):
            return
        if twin(runtime, "other_operator_acquires_nodes"):
            theirs = sum(1 for node in nodes if node["name"].startswith(OTHER_OPERATORS_NODE))
            request_node(conn, runtime, provider_id, f"{OTHER_OPERATORS_NODE}{theirs + 1}")
        if defective(runtime, "reconnect_acquires_nodes_again"):
            names = [node["name"] for node in nodes]
            for name in dict.fromkeys(name for name in names if names.count(name) == 1):
                request_node(conn, runtime, provider_id, name)


def _record_node(conn, runtime, provider_id, name) -> str:
    """Records a requested node, not acquired yet; returns its id."""
    node_id, now = str(uuid.uuid4()), now_iso()
    # REF-REC of digest §4.3: the node is `provisioning` (not ready) until acquisition and provisioning finish.
    # IMPL (--quirks): `active` at once; only the simulated probe to pending.provider says node_unreachable.
    status = "active" if runtime.config.quirks else "provisioning"
    conn.execute("INSERT INTO nodes (id, provider_id, name, hostname, public_ip, ssh_port, ssh_user, status, "
                 "is_local, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 22, 'ubuntu', ?, 0, ?, ?)",
                 (node_id, provider_id, name, PENDING_HOST, PENDING_HOST, status, now, now))
    return node_id


def request_node(conn, runtime, provider_id, name) -> str:
    """Records the node and queues its node_provision, as a node request does; returns the job id."""
    node_id = _record_node(conn, runtime, provider_id, name)
    return jobqueue.enqueue(conn, runtime.config, "node_provision", "conflicting node mutation", node_id=node_id)
