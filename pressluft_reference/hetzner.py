"""A Hetzner Cloud API behind the provider (`--hetzner-endpoint URL`): node acquisition and the credential check as
the real Pressluft does them (digest §2.1, §4.3), through the official Hetzner Cloud Python library, `hcloud`.

Acquisition: find the SSH key `pressluft-managed` or create it, create a `cpx11` server named after the node from
`ubuntu-24.04` with that key, poll the create action until it ends (at most 2 minutes), and take the server's
public IPv4, which becomes the node's hostname and public_ip. Errors get the provider codes of digest §3.5.
Without `--hetzner-endpoint` the reference simulates its provider (provider_sim.py) and imports none of this.
"""

from typing import Optional

MANAGED_KEY = "pressluft-managed"
SERVER_TYPE = "cpx11"
IMAGE = "ubuntu-24.04"
# Pressluft's managed public key (~/.ssh/pressluft-provider-ed25519.pub); the reference never connects with it
PUBLIC_KEY = ("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHByZXNzbHVmdC1yZWZlcmVuY2UtbWFuYWdlZC1rZXkt "
              "pressluft-reference-managed")
ACTION_POLL_SECONDS = 0.1
ACTION_LIMIT_SECONDS = 120.0  # the real acquirer polls the create action for at most 2 minutes
TIMEOUT = (3.0, 10.0)         # per request: connect, read (the real credential check allows 10 s)


class ProviderError(Exception):
    def __init__(self, code: str, message: str, retryable: bool):
        super().__init__(f"{code}: {message}")
        self.code, self.message, self.retryable = code, message, retryable


def _client(endpoint: str, token: str):
    from hcloud import Client  # imported only when the reference has a Hetzner endpoint

    return Client(token, api_endpoint=endpoint, application_name="pressluft-reference",
                  poll_interval=ACTION_POLL_SECONDS, poll_max_retries=int(ACTION_LIMIT_SECONDS / ACTION_POLL_SECONDS),
                  timeout=TIMEOUT)


def acquire_server(endpoint: str, token: Optional[str], name: str) -> str:
    """Creates the node's server and returns its public IPv4; raises ProviderError."""
    import requests
    from hcloud import APIException
    from hcloud.actions import ActionFailedException, ActionTimeoutException
    from hcloud.images import Image
    from hcloud.server_types import ServerType

    if not token:
        raise ProviderError("PROVIDER_ACQUISITION_UNAVAILABLE",
                            "no provider token: connect the provider again (the reference keeps it in memory only)",
                            False)
    client = _client(endpoint, token)
    try:
        key = client.ssh_keys.get_by_name(MANAGED_KEY) or client.ssh_keys.create(name=MANAGED_KEY,
                                                                                public_key=PUBLIC_KEY)
        created = client.servers.create(name=name, server_type=ServerType(name=SERVER_TYPE), image=Image(name=IMAGE),
                                        ssh_keys=[key])
        created.action.wait_until_finished()
        server = client.servers.get_by_id(created.server.id)
    except ActionFailedException as failure:
        raise ProviderError("PROVIDER_ACQUISITION_FAILED", f"hetzner action failed: {failure.action.error}",
                            False) from None
    except ActionTimeoutException:
        raise ProviderError("PROVIDER_ACQUISITION_TIMEOUT",
                            f"hetzner action still running after {ACTION_LIMIT_SECONDS:g} s", True) from None
    except APIException as error:
        raise ProviderError("PROVIDER_API_ERROR", f"hetzner api error {error.code}: {error.message}", True) from None
    except requests.RequestException as error:
        raise ProviderError("PROVIDER_API_ERROR", f"hetzner api unreachable: {type(error).__name__}", True) from None
    ipv4 = server.public_net.ipv4.ip if server.public_net and server.public_net.ipv4 else None
    if not ipv4:
        raise ProviderError("PROVIDER_ACQUISITION_FAILED", f"hetzner server {server.id} has no public IPv4", False)
    return ipv4


def check_credential(endpoint: str, token: str):
    """(status, last_status_message, guidance) from `GET /actions?per_page=1`, like the real live check."""
    import requests
    from hcloud import APIException

    try:
        _client(endpoint, token).request("GET", "/actions", params={"per_page": 1})
    except APIException as error:
        if error.code in ("unauthorized", "forbidden", 401, 403):
            return ("degraded", "Credential rejected by Hetzner API",
                    ["Generate a valid bearer token in Hetzner Cloud and reconnect provider."])
        return ("degraded", f"Unexpected Hetzner API status during credential validation ({error.code})",
                ["Confirm token permissions and retry provider connect."])
    except requests.RequestException as error:
        return ("degraded", f"Unable to verify provider credential with Hetzner API: {type(error).__name__}",
                ["Retry provider connect. If this persists, verify outbound access to api.hetzner.cloud."])
    return "connected", "Provider connection healthy", []
