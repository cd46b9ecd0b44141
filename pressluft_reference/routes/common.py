"""Helpers shared by the resource routes: lookups that 404, readiness with faults, the create preflight."""

from .. import readiness
from ..defects import active as defective
from ..errors import ApiError, not_found
from ..store import row

NO_PROVIDER_NODE_MESSAGE = ("target node is not ready: node_unreachable. "
                            "Create a provider-backed node from /nodes first.")


def node_readiness(runtime, node: dict) -> dict:
    return readiness.evaluate(node, runtime.faults.readiness_codes(node["id"]),
                              never_ready=defective(runtime, "node_never_ready"))


def preflight_blocks(runtime, result: dict) -> bool:
    """The create preflight refuses a node that is not ready (unless the mutant preflight_ignores_readiness)."""
    return not result["is_ready"] and not defective(runtime, "preflight_ignores_readiness")


def node_not_ready(codes, guidance=None) -> ApiError:
    message = "target node is not ready: " + ", ".join(codes)
    if guidance:
        message += ". " + " ".join(guidance)
    return ApiError(409, "node_not_ready", message, {"reason_codes": list(codes)})


def pick_ready_node(runtime, conn) -> dict:
    """Site-create target selection: the first ready provider node in creation order (digest §2.3)."""
    candidates = [dict(found) for found in conn.execute("SELECT * FROM nodes WHERE is_local = 0 ORDER BY seq")]
    if not candidates:
        raise ApiError(409, "node_not_ready", NO_PROVIDER_NODE_MESSAGE, {"reason_codes": ["node_unreachable"]})
    first = None
    for node in candidates:
        result = node_readiness(runtime, node)
        if not preflight_blocks(runtime, result):
            return node
        first = first or result
    raise node_not_ready(first["reason_codes"], first["guidance"])


def require(conn, table: str, resource_id: str, message: str) -> dict:
    found = row(conn, f"SELECT * FROM {table} WHERE id = ?", (resource_id,))
    if found is None:
        raise not_found(message)
    return found


def read_required(req, table: str, param: str, message: str) -> dict:
    """The row of `table` whose id is the path parameter `param`, read on its own; 404 with `message` if none."""
    return req.runtime.store.read(lambda conn: require(conn, table, req.params[param], message))
