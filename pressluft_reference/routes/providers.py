"""GET/POST /api/providers: the simulated Hetzner connection; the token itself is never stored or returned."""

import hashlib
import json

from .. import serializers
from ..body import blank, parse_object, text
from ..defects import active as defective
from ..errors import bad_request
from ..hetzner import check_credential
from ..httpapi import Response
from ..provider_sim import CATALOG, REJECTED_MESSAGE, check_token
from ..timeutil import now_iso
from .nodes import after_connection


def register(router):
    router.add("GET", "/api/providers", list_providers)
    router.add("POST", "/api/providers", connect)


def list_providers(req):
    return Response(200, [_shown(req.runtime, provider_id) for provider_id in sorted(CATALOG)])


def _shown(runtime, provider_id) -> dict:
    found = runtime.store.one("SELECT * FROM providers WHERE provider_id = ?", (provider_id,))
    return serializers.provider(provider_id, found, runtime.config.quirks)


def connect(req):
    data = parse_object(req.body, {"provider_id": text, "api_token": text})
    provider_id = (data.get("provider_id") or "").strip().lower()
    if provider_id not in CATALOG:
        raise bad_request("unknown provider")
    token = data.get("api_token") or ""
    if blank(token):
        raise bad_request("provider secret is required")
    endpoint = req.runtime.config.hetzner_endpoint
    status, message, guidance = check_credential(endpoint, token) if endpoint else check_token(token)
    if defective(req.runtime, "rejected_token_reported_unavailable") and message == REJECTED_MESSAGE:
        status, message, guidance = check_token("unavailable")
    if defective(req.runtime, "any_token_connects"):
        status, message, guidance = check_token("accepted")
    if status == "degraded" and defective(req.runtime, "degraded_without_guidance"):
        guidance = []
    if endpoint:  # node_provision acquires with it; kept in memory only, never stored or logged
        req.runtime.provider_tokens[provider_id] = token
    now = now_iso()
    with req.runtime.store.tx() as conn:
        conn.execute(
            "INSERT INTO providers (provider_id, status, secret_sha256, guidance, last_status_message, connected_at, "
            "last_checked_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (provider_id) DO UPDATE SET "
            "status = excluded.status, secret_sha256 = excluded.secret_sha256, guidance = excluded.guidance, "
            "last_status_message = excluded.last_status_message, connected_at = excluded.connected_at, "
            "last_checked_at = excluded.last_checked_at, updated_at = excluded.updated_at",
            (provider_id, status, hashlib.sha256(token.encode()).hexdigest(), json.dumps(guidance), message,
             now, now, now))
    if status == "connected":
        after_connection(req.runtime, provider_id)
    return Response(200, _shown(req.runtime, provider_id))
