"""The checks of the provider connection: a credential the provider rejects leaves it degraded, with guidance; and no
node is acquired while it is degraded."""
from __future__ import annotations

from support.checks.refusals import refused
from support.screenplay.actions import Request
from support.screenplay.actor import Operator
from support.screenplay.questions import TheProviders
from support.verdicts.categories import Category
from support.verdicts.failure import SuiteFailure

# What the provider connection says when the provider rejects the credential (digest §2.1): its status message
# and the guidance line for the operator.
REJECTED_CREDENTIAL = ("Credential rejected by Hetzner API",
                       "Generate a valid bearer token in Hetzner Cloud and reconnect provider.")


def provider_degraded_with_guidance(operator: Operator) -> dict:
    """The provider's one connection is degraded because the credential was rejected, and guides the operator
    to a valid token (digest §2.1: what a rejected credential gives)."""
    provider_id = operator.settings.provider_id
    connections = [item for item in operator.asks_for(TheProviders()) if item.get("provider_id") == provider_id]
    connection = connections[0] if len(connections) == 1 else None
    guidance = (connection or {}).get("guidance")
    message, advice = REJECTED_CREDENTIAL
    if connection is None or connection.get("status") != "degraded" or not guidance \
            or not all(isinstance(line, str) and line.strip() for line in guidance):
        raise SuiteFailure(Category.CONTRACT_VIOLATION, TheProviders().command,
                           f"the {provider_id} connection is "
                           + (f"listed {len(connections)} times" if len(connections) > 1 else
                              f"{(connection or {}).get('status', 'not listed')} with guidance {guidance!r}")
                           + ", not degraded with guidance")
    if connection.get("last_status_message") != message or advice not in guidance:
        raise SuiteFailure(Category.CONTRACT_VIOLATION, TheProviders().command,
                           f"the {provider_id} connection says '{connection.get('last_status_message')}' with guidance "
                           f"{guidance!r}, not that the credential was rejected ('{message}', guidance '{advice}')")
    return connection


def refused_as_degraded(operator: Operator, request: Request) -> None:
    """The node request was refused 409 conflict, naming that the provider is not connected (Pressluft's words for a
    connection that is degraded or disconnected, digest §2.2), and the provider's one connection is listed degraded."""
    refused(request, code="conflict", status=409, naming=["not connected"])
    provider_id = operator.settings.provider_id
    statuses = [item.get("status") for item in operator.asks_for(TheProviders())
                if item.get("provider_id") == provider_id]
    if statuses != ["degraded"]:
        raise SuiteFailure(Category.CONTRACT_VIOLATION, TheProviders().command,
                           f"the node request was refused, but the {provider_id} connection is listed "
                           + (", ".join(str(status) for status in statuses) or "nowhere") + ", not degraded")
