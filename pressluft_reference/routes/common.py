"""Helpers shared by the resource routes: lookups that 404, readiness with faults, the create preflight."""

import contextlib
import time

from .. import readiness
from ..defects import active as defective
from ..errors import ApiError, not_found
from ..store import row
from ..twins import active as twin

NO_PROVIDER_NODE_MESSAGE = ("target node is not ready: node_unreachable. "
                            "Create a provider-backed node from /nodes first.")


def probe_provider_nodes(runtime) -> None:
    """--probe-seconds S: Pressluft evaluates readiness live for the node listing and the create preflights, probing
    every provider node over SSH, one after another: S seconds per provider node (outside any transaction)."""
    seconds = runtime.config.probe_seconds
    if seconds:
        nodes = runtime.store.one("SELECT COUNT(*) AS n FROM nodes WHERE is_local = 0")["n"]
        time.sleep(seconds * nodes)


def node_readiness(runtime, node: dict, preflight_for_slug=None, creation="site") -> dict:
    """The node's readiness; `preflight_for_slug`: as the create preflight of that site (`creation` "site") or of
    one of its environments (`creation` "environment") sees it."""
    injected = runtime.faults.preflight_codes(preflight_for_slug, creation) if preflight_for_slug else None
    if injected is None:
        injected = runtime.faults.readiness_codes(node["id"])
    return readiness.evaluate(node, injected, mutant=lambda name: defective(runtime, name))


def preflight_blocks(runtime, result: dict) -> bool:
    """The create preflight refuses a node that is not ready (unless the mutant preflight_ignores_readiness)."""
    return not result["is_ready"] and not defective(runtime, "preflight_ignores_readiness")


def on_ready_node(runtime, env_id) -> bool:
    """Whether the environment's node is ready (the listing mutants hide what is not)."""
    env = runtime.store.one("SELECT node_id FROM environments WHERE id = ?", (env_id,))
    node = runtime.store.one("SELECT * FROM nodes WHERE id = ?", (env["node_id"],)) if env else None
    return node is not None and node_readiness(runtime, node)["is_ready"]


def node_not_ready(runtime, codes, guidance=None, message=None) -> ApiError:
    """The preflight's 409: reason codes in the message (and in `details`, REF-REC §9.13, except with --quirks).
    The mutants preflight_* word it wrongly."""
    if defective(runtime, "preflight_names_no_reasons"):
        return ApiError(409, "node_not_ready", "target node is not ready")
    if defective(runtime, "preflight_names_every_reason"):
        codes, guidance, message = readiness.REASON_CODES, [readiness.GUIDANCE[c] for c in readiness.REASON_CODES], None
    if defective(runtime, "preflight_reasons_unordered"):
        codes, guidance = list(codes)[::-1], list(guidance or [])[::-1]
    if defective(runtime, "preflight_without_guidance"):
        guidance = None
    if message is None:
        message = "target node is not ready: " + ", ".join(codes)
        if guidance:
            message += ". " + " ".join(guidance)
    details = None if runtime.config.quirks else {"reason_codes": list(codes)}  # IMPL: codes only in the message
    return ApiError(409, "node_not_ready", message, details)


def pick_ready_node(runtime, conn, slug=None) -> dict:
    """Site-create target selection: the first ready provider node in creation order (digest §2.3); with the twin
    two_ready_provider_nodes, the ready provider nodes in turn, the newest first (Pressluft takes whichever its map
    yields first)."""
    candidates = [dict(found) for found in conn.execute("SELECT * FROM nodes WHERE is_local = 0 ORDER BY seq")]
    if not candidates:
        raise node_not_ready(runtime, ["node_unreachable"], message=NO_PROVIDER_NODE_MESSAGE)
    first, ready = None, []
    in_turn = twin(runtime, "two_ready_provider_nodes")
    for node in candidates:
        result = node_readiness(runtime, node, preflight_for_slug=slug)
        if not preflight_blocks(runtime, result):
            if not in_turn:
                return node
            ready.append(node)
        first = first or result
    if ready:  # in turn, the one created last first (not the node a suite would pick as the oldest)
        return ready[-1 - conn.execute("SELECT COUNT(*) FROM sites").fetchone()[0] % len(ready)]
    raise node_not_ready(runtime, first["reason_codes"], first["guidance"])


def require(conn, table: str, resource_id: str, message: str) -> dict:
    found = row(conn, f"SELECT * FROM {table} WHERE id = ?", (resource_id,))
    if found is None:
        raise not_found(message)
    return found


def read_required(req, table: str, param: str, message: str) -> dict:
    """The row of `table` whose id is the path parameter `param`, read on its own; 404 with `message` if none."""
    return req.runtime.store.read(lambda conn: require(conn, table, req.params[param], message))


@contextlib.contextmanager
def mutants_on_refusal(runtime, refused, effects: dict):
    """Mutants that act on a refused request (whose own transaction was rolled back): when the block raises an
    ApiError for which `refused(error)` holds, `effects` (defect name → `effect(conn)`, in order) run for each
    active defect, in one transaction of their own; the refusal is answered unchanged."""
    try:
        yield
    except ApiError as refusal:
        active = [effect for name, effect in effects.items() if defective(runtime, name)]
        if active and refused(refusal):
            with runtime.store.tx() as conn:
                for effect in active:
                    effect(conn)
        raise
