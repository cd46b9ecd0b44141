"""The checks of refusals: an error answer of its code and status, and the `409 node_not_ready` refusal naming
exactly the node's reason codes, in the contract's order, each with its guidance, as the contract words it."""
from __future__ import annotations

from typing import Iterable, Optional

from support.checks.matchers import RecordMatcher, expect
from support.pressluft.readiness import GUIDANCE, NOT_READY_PREFIX, in_priority_order, named_in, refusal_message
from support.screenplay.actions import Request


def _body(answer) -> dict:
    body = getattr(answer, "json", answer)
    return body if isinstance(body, dict) else {}


def _answered(answer) -> str:
    """What an answer was, as a mismatch says it: `the answer was 409 conflict: <its message>`."""
    body = _body(answer)
    text = f"the answer was {getattr(answer, 'status', '?')} {body.get('code', '(no error code)')}"
    return text + (f": {body['message']}" if body.get("message") else "")


def _not_named(answer, words: list) -> list:
    """The words the answer's message does not name (and those its details.reason_codes, when given, do not list)."""
    body = _body(answer)
    message = body.get("message") or ""
    listed = ((body.get("details") or {}).get("reason_codes")) if isinstance(body.get("details"), dict) else None
    missing = [word for word in words if word not in message]
    if listed is not None:
        missing += [f"{word} (in details.reason_codes)" for word in words if word not in listed]
    return missing


def an_error_envelope_with_code(code: str, *, status: Optional[int] = None,
                                naming: Iterable[str] = ()) -> RecordMatcher:
    """An answer (support.http.client.Answer) with this status and error code, naming some words."""
    naming = list(naming)

    def unnamed(answer) -> Optional[str]:
        missing = _not_named(answer, naming) if _body(answer).get("code") == code else []
        return f"which does not name {', '.join(missing)}" if missing else None
    properties = [(f"status {status}", lambda answer: None if status in (None, getattr(answer, "status", None))
                   else "another status"),
                  (f"error code {code}", lambda answer: None if _body(answer).get("code") == code else "another code"),
                  ("naming " + ", ".join(naming), unnamed)]
    return RecordMatcher("an error answer", properties, of=object,
                         described=f"an error answer {status or ''} {code}".replace("  ", " ")
                         + (" naming " + ", ".join(naming) if naming else ""),
                         says=lambda answer, _: _answered(answer) + (f", {unnamed(answer)}" if unnamed(answer) else ""))


def not_ready_message_differences(message: str, codes: Iterable[str], *, guided: bool = True) -> list[str]:
    """How a node_not_ready message differs from the contract's for these codes: every code the node reports and
    no other, in the contract's priority order, each with its guidance, and nothing more (digest §2.3, §4.2);
    `guided` False: the codes only (their guidance, and nothing more, left to a claim of its own)."""
    expected = in_priority_order(codes)
    named, rest = named_in(message)
    if not named:
        return [f"it does not name reason codes after '{NOT_READY_PREFIX.strip()}'"]
    found = []
    missing = [code for code in expected if code not in named]
    extra = [code for code in named if code not in expected]
    if missing:
        found.append(f"it does not name {', '.join(missing)}")
    if extra:
        found.append(f"it names {', '.join(extra)}, which the node does not report")
    if not missing and not extra and named != expected:
        found.append(f"it names {', '.join(named)}, not in the contract's order {', '.join(expected)}")
    unguided = [code for code in expected if code in GUIDANCE and GUIDANCE[code] not in rest] if guided else []
    if unguided:
        found.append(f"it gives no guidance for {', '.join(unguided)}")
    if guided and not found and message != refusal_message(expected):
        found.append(f"it says more than the reason codes and their guidance (expected '{refusal_message(expected)}')")
    return found


def _is_not_ready_refusal(answer) -> bool:
    return getattr(answer, "status", None) == 409 and _body(answer).get("code") == "node_not_ready"


def a_node_not_ready_refusal(codes: Iterable[str], *, guided: bool = True) -> RecordMatcher:
    """A 409 node_not_ready answer naming exactly the node's reason codes, as the contract words them (`guided`
    False: whatever guidance it gives)."""
    codes = in_priority_order(codes)

    def worded(answer) -> Optional[str]:
        found = not_ready_message_differences(_body(answer).get("message") or "", codes, guided=guided)
        return "; ".join(found) if _is_not_ready_refusal(answer) and found else None

    def listed(answer) -> Optional[str]:
        details = _body(answer).get("details")
        if not _is_not_ready_refusal(answer) or not isinstance(details, dict) or "reason_codes" not in details \
                or details["reason_codes"] == codes:
            return None
        return f"its details.reason_codes are {details['reason_codes']!r}, not {codes!r}"
    properties = [("a 409 node_not_ready refusal", lambda answer: None if _is_not_ready_refusal(answer)
                   else "it is not a 409 node_not_ready refusal"),
                  ("the contract's message for the codes", worded), ("details.reason_codes the codes", listed)]
    return RecordMatcher("a node_not_ready refusal", properties, of=object,
                         described=f"a 409 node_not_ready answer: '{refusal_message(codes)}'",
                         says=lambda answer, found: _answered(answer) + ": " + "; ".join(found))


def refused(request: Request, *, code: str, status: int, naming: Iterable[str] = ()) -> None:
    expect(request.answer, an_error_envelope_with_code(code, status=status, naming=naming),
           command=request.command, job_id=request.job_id)


def refused_by_readiness(request: Request, codes: Iterable[str], *, guided: bool = True) -> None:
    """409 node_not_ready naming exactly the node's reason codes, in the contract's order, each with its
    guidance, and nothing more (`guided` False: the codes, whatever guidance it gives)."""
    expect(request.answer, a_node_not_ready_refusal(codes, guided=guided), command=request.command,
           job_id=request.job_id)
