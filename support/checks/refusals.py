"""The checks of refusals: an error answer of its code and status, and the `409 node_not_ready` refusal naming
exactly the node's reason codes, in the contract's order, each with its guidance, as the contract words it."""
from __future__ import annotations

from typing import Iterable, Optional

from hamcrest.core.description import Description

from support.checks.matchers import VerdictMatcher, expect
from support.pressluft.readiness import GUIDANCE, NOT_READY_PREFIX, in_priority_order, named_in, refusal_message
from support.screenplay.actions import Request


class _ErrorEnvelope(VerdictMatcher):
    """An answer (support.http.client.Answer) with this status and error code, naming some words."""

    def __init__(self, code: str, status: Optional[int], naming: Iterable[str]):
        self.code, self.status, self.naming = code, status, list(naming)

    def _body(self, answer) -> dict:
        body = getattr(answer, "json", answer)
        return body if isinstance(body, dict) else {}

    def _missing(self, answer) -> list:
        body = self._body(answer)
        message = body.get("message") or ""
        listed = ((body.get("details") or {}).get("reason_codes")) if isinstance(body.get("details"), dict) else None
        missing = [word for word in self.naming if word not in message]
        if listed is not None:
            missing += [f"{word} (in details.reason_codes)" for word in self.naming if word not in listed]
        return missing

    def _matches(self, answer) -> bool:
        body = self._body(answer)
        status_ok = self.status is None or getattr(answer, "status", None) == self.status
        return status_ok and body.get("code") == self.code and not self._missing(answer)

    def describe_to(self, description: Description) -> None:
        text = f"an error answer {self.status or ''} {self.code}".replace("  ", " ")
        if self.naming:
            text += " naming " + ", ".join(self.naming)
        description.append_text(text)

    def describe_mismatch(self, answer, description: Description) -> None:
        body = self._body(answer)
        status = getattr(answer, "status", "?")
        text = f"the answer was {status} {body.get('code', '(no error code)')}"
        if body.get("message"):
            text += f": {body['message']}"
        missing = self._missing(answer) if body.get("code") == self.code else []
        if missing:
            text += f", which does not name {', '.join(missing)}"
        description.append_text(text)


def an_error_envelope_with_code(code: str, *, status: Optional[int] = None,
                                naming: Iterable[str] = ()) -> VerdictMatcher:
    return _ErrorEnvelope(code, status, naming)


def not_ready_message_differences(message: str, codes: Iterable[str]) -> list[str]:
    """How a node_not_ready message differs from the contract's for these codes: every code the node reports and
    no other, in the contract's priority order, each with its guidance, and nothing more (digest §2.3, §4.2)."""
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
    unguided = [code for code in expected if code in GUIDANCE and GUIDANCE[code] not in rest]
    if unguided:
        found.append(f"it gives no guidance for {', '.join(unguided)}")
    if not found and message != refusal_message(expected):
        found.append(f"it says more than the reason codes and their guidance (expected '{refusal_message(expected)}')")
    return found


class _NodeNotReadyRefusal(VerdictMatcher):
    """A 409 node_not_ready answer naming exactly the node's reason codes, as the contract words them."""

    def __init__(self, codes: Iterable[str]):
        self.codes = in_priority_order(codes)

    def differences(self, answer) -> list[str]:
        body = getattr(answer, "json", answer)
        body = body if isinstance(body, dict) else {}
        status = getattr(answer, "status", None)
        if status != 409 or body.get("code") != "node_not_ready":
            return ["it is not a 409 node_not_ready refusal"]
        found = not_ready_message_differences(body.get("message") or "", self.codes)
        details = body.get("details")
        listed = details.get("reason_codes") if isinstance(details, dict) else None
        if isinstance(details, dict) and "reason_codes" in details and listed != self.codes:
            found.append(f"its details.reason_codes are {listed!r}, not {self.codes!r}")
        return found

    def _matches(self, answer) -> bool:
        return not self.differences(answer)

    def describe_to(self, description: Description) -> None:
        description.append_text(f"a 409 node_not_ready answer: '{refusal_message(self.codes)}'")

    def describe_mismatch(self, answer, description: Description) -> None:
        body = getattr(answer, "json", answer)
        body = body if isinstance(body, dict) else {}
        text = f"the answer was {getattr(answer, 'status', '?')} {body.get('code', '(no error code)')}"
        if body.get("message"):
            text += f": {body['message']}"
        description.append_text(text + ": " + "; ".join(self.differences(answer)))


def a_node_not_ready_refusal(codes: Iterable[str]) -> VerdictMatcher:
    return _NodeNotReadyRefusal(codes)


def refused(request: Request, *, code: str, status: int, naming: Iterable[str] = ()) -> None:
    expect(request.answer, an_error_envelope_with_code(code, status=status, naming=naming),
           command=request.command, job_id=request.job_id)


def refused_by_readiness(request: Request, codes: Iterable[str]) -> None:
    """409 node_not_ready naming exactly the node's reason codes, in the contract's order, each with its
    guidance, and nothing more."""
    expect(request.answer, a_node_not_ready_refusal(codes), command=request.command,
           job_id=request.job_id)
