"""The simulated Hetzner credential check; the token value selects the outcome (see docs)."""

import re

CATALOG = {"hetzner": {"display_name": "Hetzner Cloud", "capabilities": ["node_acquisition", "provider_health"]}}

NEVER_CONNECTED_GUIDANCE = ["Connect provider credentials to enable node acquisition."]
REJECTED_MESSAGE = "Credential rejected by Hetzner API"


def check_token(token: str):
    """Returns (status, last_status_message, guidance) like the live Hetzner check of digest §2.1."""
    if token == "invalid" or token.startswith("rejected"):
        return ("degraded", REJECTED_MESSAGE,
                ["Generate a valid bearer token in Hetzner Cloud and reconnect provider."])
    if token.startswith("unavailable"):
        status = _status_suffix(token, 503)
        return ("degraded", f"Hetzner API unavailable during credential validation (status {status})",
                ["Retry provider connect after provider/API health recovers."])
    if token.startswith("unexpected"):
        status = _status_suffix(token, 418)
        return ("degraded", f"Unexpected Hetzner API status during credential validation ({status})",
                ["Confirm token permissions and retry provider connect."])
    if token.startswith("unreachable"):
        return ("degraded",
                "Unable to verify provider credential with Hetzner API: Get \"https://api.hetzner.cloud/v1/actions"
                "?per_page=1\": dial tcp: lookup api.hetzner.cloud: no such host (simulated)",
                ["Retry provider connect. If this persists, verify outbound access to api.hetzner.cloud."])
    return "connected", "Provider connection healthy", []


def _status_suffix(token: str, default: int) -> int:
    """`unavailable-429` → 429; without a three-digit suffix the default status."""
    match = re.search(r"-(\d{3})$", token)
    return int(match.group(1)) if match else default
