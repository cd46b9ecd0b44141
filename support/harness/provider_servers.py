"""The provider servers a run bought, and their release at its end (docs/real-target.md, "What a gate run costs").

Every node the run requested made Pressluft buy a Hetzner server (digest §4.3: named after the node, a `cpx11`, its
IPv4 the node's hostname and public_ip). At the end of the run each one is looked up in Pressluft (the node the
request's job names, and its public_ip) and, when PRESSLUFT_RELEASE_NODE says so, deleted through the official
Hetzner Cloud library with the provider token the run already has. Only a server that is provably the run's is ever
touched: its name is the node's name, its IPv4 is the node's public_ip, and it was created after the run started
(`not_ours`). A node without an address, a server of another name or address, or one created before the run, is
never deleted. Whatever happens, the run's ledger lists each server with what became of it and its monthly price.

Policy (`PRESSLUFT_RELEASE_NODE`): `on-pass` (the default for a server under test the run started itself,
PRESSLUFT_SERVER_CMD: a fresh `pressluft dev` keeps nothing, so its node's server would be orphaned) deletes after
a run that passed and keeps it after a failure, for debugging, with one line saying how to delete it; `always`
deletes whatever the outcome; `never` (the default for a shared target, whose node later runs reuse) keeps it.
"""
from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import datetime
from typing import Optional

from support.pressluft.listings import by_id
from support.runtime.config import Settings
from support.runtime.resources import NODE_REQUEST
from support.screenplay.actor import Operator
from support.screenplay.questions import TheJob, TheNodes
from support.verdicts.failure import TAG, SuiteFailure

ALWAYS, ON_PASS, NEVER = "always", "on-pass", "never"
DELETED, LEFT, GONE = "deleted", "left", "gone"
PRESSLUFT_SERVER_TYPE = "cpx11"  # what Pressluft's acquirer creates (digest §4.3)
CONSOLE = "https://console.hetzner.cloud"

# What a server of each type costs per month while it exists, in EUR excluding VAT, in Hetzner's German and Finnish
# locations: Hetzner's cloud price list (hetzner.com/cloud) as we last read it, in 2024. We cannot vouch for it
# beyond that: Hetzner has changed prices since (an adjustment on 2026-04-01 is reported), other locations cost more,
# and Hetzner bills by the hour up to this monthly cap. Today's price: the console, or
# `hcloud server-type describe cpx11`. Only the type Pressluft acquires.
MONTHLY_EUR = {"cpx11": 4.35}
PRICES_AS_OF = "2024"

# Deleting: poll the delete action at 0.2, 0.4, 0.8 and then every 1 s, for about a minute at most
ACTION_POLLS = 62


def _poll_interval(retries: int) -> float:
    return min(1.0, 0.1 * 2 ** retries)


def policy_for(settings: Settings) -> str:
    """PRESSLUFT_RELEASE_NODE, or its default: on-pass for a server under test the run started, never otherwise."""
    return settings.release_node or (ON_PASS if settings.server_command else NEVER)


def should_release(policy: str, passed: bool) -> bool:
    return policy == ALWAYS or (policy == ON_PASS and passed)


def monthly_cost(server_type: str) -> str:
    price = MONTHLY_EUR.get(server_type)
    if price is None:
        return f"cost unknown ({server_type} is not in the suite's price table)"
    return f"about €{price:.2f}/month at {PRICES_AS_OF} list prices"


def not_ours(server, *, name: str, address: str, since: datetime) -> Optional[str]:
    """Why a server Hetzner lists is not the one the run bought (None: it is). `server` is an hcloud server."""
    if server.name != name:
        return f"its name is {server.name}, not {name}"
    ipv4 = server.public_net.ipv4.ip if server.public_net and server.public_net.ipv4 else None
    if ipv4 != address:
        return f"its address is {ipv4 or 'none'}, not the node's {address}"
    if server.created is None or server.created < since:
        return f"it was created at {server.created.isoformat() if server.created else 'an unknown time'}, before " \
               f"the run started at {since.isoformat()}"
    return None


@dataclass
class BoughtServer:
    """A provider server a node request of the run made Pressluft buy, and what became of it."""

    name: str                         # the node's name, which is the server's name
    node_id: Optional[str] = None
    address: Optional[str] = None     # the node's public_ip, when Pressluft records an IPv4 for it
    server_type: str = PRESSLUFT_SERVER_TYPE
    server_id: Optional[int] = None   # when Hetzner was asked
    fate: str = LEFT
    why: str = ""

    @property
    def billed(self) -> bool:
        return self.fate == LEFT

    def describe(self) -> str:
        where = f"at {self.address}" if self.address else "with no address recorded by Pressluft"
        what = {DELETED: "deleted", LEFT: "left running", GONE: "not found in Hetzner"}[self.fate]
        return f"{self.name}: {self.server_type} {where}, {monthly_cost(self.server_type)}: {what}" + \
            (f" ({self.why})" if self.why else "")

    def keep_line(self) -> str:
        """The one line after a run that keeps its server: which server, and how to delete it."""
        if not self.address:
            return (f"{TAG} a provider server may be left for the node {self.name}: {self.why}; look for it with "
                    f"`hcloud server describe {self.name}` or in the Hetzner Cloud console ({CONSOLE}) and delete it "
                    f"there ({self.server_type}, {monthly_cost(self.server_type)})")
        return (f"{TAG} kept the provider server {self.name} ({self.server_type} at {self.address}, "
                f"{monthly_cost(self.server_type)}): {self.why}; delete it with "
                f"`hcloud server delete {self.server_id or self.name}` or in the Hetzner Cloud console ({CONSOLE}), "
                "or run with PRESSLUFT_RELEASE_NODE=always")


def bought_servers(operator: Operator) -> list[BoughtServer]:
    """The servers of the nodes the run requested, as Pressluft lists the nodes now (loopback nodes of a target that
    simulates its provider bought nothing and are left out)."""
    requests = [item for item in operator.ledger.items if item.kind == NODE_REQUEST]
    if not requests:
        return []
    try:
        nodes = operator.asks_for(TheNodes(quiet=True))
    except SuiteFailure as failure:
        return [BoughtServer(item.note, why=f"Pressluft could not be asked for its node ({failure.reason})")
                for item in requests]
    found = []
    for item in requests:
        try:
            job = operator.asks_for(TheJob(item.id, quiet=True))
        except SuiteFailure:
            job = {}
        node = by_id(nodes, job.get("node_id")) if job.get("node_id") else None
        node = node or next((n for n in nodes if n.get("name") == item.note), None) or {}
        address = _ipv4(node.get("public_ip"))
        if address is not None and address.is_loopback:
            continue
        server = BoughtServer(node.get("name") or item.note, node.get("id"), str(address) if address else None)
        if address is None:
            server.why = (f"Pressluft records no address for the node ({node.get('public_ip') or 'not listed'}): "
                          "a server may exist, but the run cannot tell which one is its own")
        found.append(server)
    return found


def _ipv4(value) -> Optional[ipaddress.IPv4Address]:
    try:
        address = ipaddress.ip_address(str(value))
    except ValueError:
        return None
    return address if address.version == 4 else None


def release(servers: list[BoughtServer], settings: Settings, *, passed: bool, since: datetime,
            client=None) -> None:
    """Decide, and delete what the policy releases and is provably the run's; every server's fate and why are set."""
    policy = policy_for(settings)
    keep_why = {NEVER: "PRESSLUFT_RELEASE_NODE=never" if settings.release_node else
                "a shared target keeps its node for later runs; PRESSLUFT_RELEASE_NODE=never",
                ON_PASS: "the run did not pass, kept for debugging; PRESSLUFT_RELEASE_NODE=on-pass"}.get(policy, "")
    release_them = should_release(policy, passed)
    release_why = ("PRESSLUFT_RELEASE_NODE=always" if policy == ALWAYS else
                   "the run passed; PRESSLUFT_RELEASE_NODE=on-pass")
    for server in servers:
        if not release_them:
            server.why = keep_why if server.address else server.why
    candidates = [server for server in servers if release_them and server.address]
    if not candidates:
        return
    if client is None:
        client = hetzner_client(settings)
    for server in candidates:
        _release_one(client, server, since, release_why)


def hetzner_client(settings: Settings):
    from hcloud import Client

    return Client(settings.provider_token or "", api_endpoint=settings.hcloud_endpoint,
                  application_name="pressluft-acceptance", poll_interval=_poll_interval, poll_max_retries=ACTION_POLLS,
                  timeout=(settings.connect_timeout, settings.read_timeout))


def _release_one(client, server: BoughtServer, since: datetime, release_why: str) -> None:
    import requests
    from hcloud import HCloudException

    try:
        listed = client.servers.get_all(name=server.name)
        mine = [found for found in listed if not_ours(found, name=server.name, address=server.address,
                                                      since=since) is None]
        others = [f"{found.id} ({not_ours(found, name=server.name, address=server.address, since=since)})"
                  for found in listed if found not in mine]
        if not mine:
            server.fate = GONE if not listed else LEFT
            server.why = "Hetzner lists no server of that name" if not listed else \
                "no server Hetzner lists is provably the run's, none was touched: " + "; ".join(others)
            return
        for found in mine:
            server.server_id = found.id
            server.server_type = found.server_type.name if found.server_type else server.server_type
            client.servers.delete(found).wait_until_finished()
        server.fate = DELETED
        server.why = release_why + (f"; not touched: {'; '.join(others)}" if others else "")
    except (HCloudException, requests.RequestException) as error:
        server.why = f"it could not be deleted: {type(error).__name__}: {error}"


def summary(servers: list[BoughtServer]) -> str:
    """The ledger's heading for them: how many, what became of them, what is left costs per month."""
    counts = {fate: sum(1 for server in servers if server.fate == fate) for fate in (DELETED, LEFT, GONE)}
    parts = [f"{counts[DELETED]} deleted", f"{counts[LEFT]} left"] + \
        ([f"{counts[GONE]} not found in Hetzner"] if counts[GONE] else [])
    prices = [MONTHLY_EUR.get(server.server_type) for server in servers if server.billed]
    if prices:
        parts.append(f"left running: about €{sum(prices):.2f}/month" if None not in prices else
                     "left running: cost unknown")
    return f"provider servers the run bought: {len(servers)} ({', '.join(parts)})"
