"""Node readiness, computed live (digest §4.2): static checks, then the simulated SSH probe.

Injected reason codes (fault API) replace the computed ones.
"""

from .timeutil import now_iso

PENDING_HOST = "pending.provider"

GUIDANCE = {
    "node_status_not_active": "Node status must be active before create flows can run.",
    "node_host_missing": "Set node hostname or public_ip so Pressluft can target the runtime host.",
    "ssh_port_invalid": "Set a valid SSH port (1-65535) on the node record.",
    "ssh_user_missing": "Set the SSH user for the node so runtime checks can authenticate.",
    "node_unreachable": "Verify SSH reachability and credentials from Pressluft to the node.",
    "sudo_unavailable": "Configure passwordless sudo for the node SSH user (sudo -n true must succeed).",
    "runtime_missing": "Install required runtime tools on the node (wp CLI must be available).",
}
REASON_CODES = tuple(GUIDANCE)  # in priority order


def ordered(codes) -> list:
    return [code for code in REASON_CODES if code in set(codes)]


def static_codes(node: dict, ignore_status: bool = False) -> list:
    codes = []
    if node["status"] != "active" and not ignore_status:
        codes.append("node_status_not_active")
    if not (node["hostname"] or "").strip():
        codes.append("node_host_missing")
    if not 1 <= (node["ssh_port"] or 0) <= 65535:
        codes.append("ssh_port_invalid")
    if not (node["ssh_user"] or "").strip():
        codes.append("ssh_user_missing")
    return codes


def probe_codes(node: dict, answers_anyway: bool = False) -> list:
    """The simulated SSH probe: a node answers once acquisition gave it a real host."""
    return ["node_unreachable"] if node["hostname"] == PENDING_HOST and not answers_anyway else []


def acquiring(node: dict) -> bool:
    """Acquisition has not given the node a host yet (and has not failed for good)."""
    return node["hostname"] == PENDING_HOST and node["status"] != "unreachable"


def evaluate(node: dict, injected=None, mutant=lambda name: False) -> dict:
    """`mutant(name)` tells whether that `--defect` is on: `node_never_ready` (a provisioned node keeps
    `runtime_missing`), `node_ready_while_acquiring` (no codes while acquiring), `ready_node_keeps_reason_codes`
    (a ready node still lists `runtime_missing`), `ready_node_not_active` (the status is not looked at),
    `acquired_node_keeps_pending_host` (the probe answers on pending.provider once the node is provisioned)."""
    if injected is not None:
        codes = ordered(injected)
    elif mutant("node_ready_while_acquiring") and acquiring(node):
        codes = []
    else:
        static = static_codes(node, ignore_status=mutant("ready_node_not_active"))
        answers = mutant("acquired_node_keeps_pending_host") and node["status"] == "active"
        codes = static or probe_codes(node, answers) or (["runtime_missing"] if mutant("node_never_ready") else [])
    shown = ["runtime_missing"] if not codes and mutant("ready_node_keeps_reason_codes") else codes
    return {
        "is_ready": not codes,
        "reason_codes": shown,
        "guidance": [GUIDANCE[code] for code in shown],
        "checked_at": now_iso(),
    }
