"""Node readiness as the contract defines it (digest §4.2, §2.3): the reason codes in their fixed priority order,
the guidance Pressluft gives for each, and the message of the `409 node_not_ready` refusal that names them.
"""
from __future__ import annotations

from typing import Any, Iterable, Optional

GUIDANCE = {  # in the contract's priority order
    "node_status_not_active": "Node status must be active before create flows can run.",
    "node_host_missing": "Set node hostname or public_ip so Pressluft can target the runtime host.",
    "ssh_port_invalid": "Set a valid SSH port (1-65535) on the node record.",
    "ssh_user_missing": "Set the SSH user for the node so runtime checks can authenticate.",
    "node_unreachable": "Verify SSH reachability and credentials from Pressluft to the node.",
    "sudo_unavailable": "Configure passwordless sudo for the node SSH user (sudo -n true must succeed).",
    "runtime_missing": "Install required runtime tools on the node (wp CLI must be available).",
}
REASON_CODES = tuple(GUIDANCE)
PLAIN_WORDS = {  # each reason code as feature text says it, words before the code
    "node_status_not_active": "the node is not active",
    "node_host_missing": "the node has no host to reach",
    "ssh_port_invalid": "the node's SSH port is not valid",
    "ssh_user_missing": "the node has no SSH user",
    "node_unreachable": "the node cannot be reached",
    "sudo_unavailable": "sudo is not available",
    "runtime_missing": "the runtime tools are missing",
}
NOT_READY_PREFIX = "target node is not ready: "
PENDING_HOST = "pending.provider"  # a provider node's host until acquisition gives it an address (digest §4.3)


def in_priority_order(codes: Iterable[str]) -> list[str]:
    """The codes de-duplicated and sorted as Pressluft reports them (unknown codes last, as given)."""
    codes = list(dict.fromkeys(codes))
    return [code for code in REASON_CODES if code in codes] + [code for code in codes if code not in GUIDANCE]


def in_plain_words(codes: Iterable[str]) -> str:
    """`sudo is not available and the runtime tools are missing` for sudo_unavailable, runtime_missing (unknown codes
    as they are)."""
    words = [PLAIN_WORDS.get(code, code) for code in codes]
    return " and ".join(filter(None, [", ".join(words[:-1]), words[-1] if words else ""]))


def codes_in_words(why: str, codes: str) -> list[str]:
    """The reason codes of feature text's `because <why> (<codes>)`, `<codes>` as `sudo_unavailable, runtime_missing`;
    `<why>` must be those codes in plain words (in_plain_words), or the sentence would not say what it proves."""
    found = [code.strip() for code in codes.split(",") if code.strip()]
    if why != in_plain_words(found):
        raise ValueError(f"the reasons {codes} read '{in_plain_words(found)}', not '{why}'")
    return found


def refusal_message(codes: Iterable[str]) -> str:
    """`target node is not ready: <code1>, <code2>. <guidance of each, joined by spaces>`."""
    ordered = in_priority_order(codes)
    guidance = " ".join(GUIDANCE[code] for code in ordered if code in GUIDANCE)
    return NOT_READY_PREFIX + ", ".join(ordered) + (f". {guidance}" if guidance else "")


def is_ready(node: Any) -> bool:
    """The node (a record of GET /api/nodes) reports readiness is_ready true."""
    return isinstance(node, dict) and (node.get("readiness") or {}).get("is_ready") is True


def reason_codes(node: Optional[dict]) -> list[str]:
    """The reason codes a node reports (none: an empty list, also for the real Pressluft's null)."""
    return list(((node or {}).get("readiness") or {}).get("reason_codes") or [])


def readiness_words(node: dict) -> str:
    """A node's readiness in words: `not ready (sudo_unavailable, runtime_missing, status active)`,
    `ready (no reason codes, status active)`."""
    ready = "ready" if (node.get("readiness") or {}).get("is_ready") else "not ready"
    return f"{ready} ({', '.join(reason_codes(node)) or 'no reason codes'}, status {node.get('status')})"


def named_in(message: str) -> tuple[list[str], str]:
    """The codes a refusal message names, in its order, and the text after them (the guidance)."""
    if not message.startswith(NOT_READY_PREFIX):
        return [], message
    listed, _, rest = message[len(NOT_READY_PREFIX):].partition(". ")
    return [code.strip() for code in listed.rstrip(".").split(",") if code.strip()], rest
