"""A fake Hetzner Cloud API (v1) on loopback, a stand-in like those of tools/stand_ins.py: the part that Pressluft's
node acquisition (digest §4.3) and a run's release of the server it bought use, through the official client
(`hcloud`): SSH keys (list by name, create), servers (create, list by name, get, delete), actions (list, get).

Every request must carry `Authorization: Bearer <token>`; any other is answered 401 the way Hetzner answers it.
Errors are Hetzner's envelope, `{"error": {"code", "message", "details"}}`. A server gets an address of TEST-NET-3
(203.0.113.0/24, documentation only: nothing ever connects to it), is created `initializing` with a running
`create_server` action and is `running` once that action succeeded, `action_seconds` later; a deleted server is gone
at once, its `delete_server` action running for as long.

For tests: `servers()` and `keys()` what the fake holds now, `add_server(name, ipv4=None, created=None)` a server
made by someone else (another name, another address, or made before a run), `requests` what was asked of it.
"""
from __future__ import annotations

import itertools
import json
import threading
import time
from datetime import datetime, timedelta, timezone
from typing import Optional
from urllib.parse import parse_qs, urlsplit

from tools.stand_ins import LoopbackServer, QuietHandler

SERVER_TYPES = {"cpx11": {"id": 22, "name": "cpx11", "description": "CPX 11", "cores": 2, "memory": 2.0, "disk": 40,
                          "cpu_type": "shared", "architecture": "x86"}}
IMAGES = {"ubuntu-24.04": {"id": 161547269, "name": "ubuntu-24.04", "type": "system", "status": "available",
                           "os_flavor": "ubuntu", "os_version": "24.04", "description": "Ubuntu 24.04"}}


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


class FakeHetznerCloud(LoopbackServer):
    def __init__(self, token: str, *, action_seconds: float = 0.2):
        self.token = token
        self.action_seconds = action_seconds
        self.requests: list[tuple[str, str]] = []  # (method, path with query), authorised or not
        self._lock = threading.Lock()
        self._ids = itertools.count(42_000_001)
        self._addresses = itertools.count(10)
        self._servers: dict[int, dict] = {}
        self._keys: dict[int, dict] = {}
        self._actions: dict[int, dict] = {}
        super().__init__(_HetznerHandler, path="/v1")

    # -- what tests see and set ---------------------------------------------------------------------------------
    def servers(self) -> list[dict]:
        with self._lock:
            return [self._shown(server) for server in self._servers.values()]

    def keys(self) -> list[dict]:
        with self._lock:
            return [dict(key) for key in self._keys.values()]

    def add_server(self, name: str, ipv4: Optional[str] = None, created: Optional[datetime] = None) -> dict:
        """A server made by someone else: `running`, with its own address unless `ipv4` is given."""
        with self._lock:
            server = self._new_server(name, "cpx11", "ubuntu-24.04", [], ipv4=ipv4, created=created)
            server["status"] = "running"
            return self._shown(server)

    # -- the API -------------------------------------------------------------------------------------------------
    def answer(self, method: str, path: str, query: dict, body: dict) -> tuple[int, dict]:
        with self._lock:
            route = path.removeprefix("/v1").rstrip("/").split("/")[1:]
            if route == ["actions"] and method == "GET":
                return 200, self._page("actions", list(self._actions.values()), query, self._action_shown)
            if len(route) == 2 and route[0] == "actions" and method == "GET":
                action = self._actions.get(_int(route[1]))
                return (200, {"action": self._action_shown(action)}) if action else _not_found("action")
            if route == ["ssh_keys"] and method == "GET":
                keys = [key for key in self._keys.values() if _named(key, query)]
                return 200, self._page("ssh_keys", keys, query, dict)
            if route == ["ssh_keys"] and method == "POST":
                return self._create_key(body)
            if route == ["servers"] and method == "GET":
                servers = [server for server in self._servers.values() if _named(server, query)]
                return 200, self._page("servers", servers, query, self._shown)
            if route == ["servers"] and method == "POST":
                return self._create_server(body)
            if len(route) == 2 and route[0] == "servers" and method in ("GET", "DELETE"):
                server = self._servers.get(_int(route[1]))
                if server is None:
                    return _not_found("server")
                if method == "GET":
                    return 200, {"server": self._shown(server)}
                del self._servers[server["id"]]
                return 200, {"action": self._action_shown(self._new_action("delete_server", server["id"]))}
            return 404, _error("not_found", f"no route {method} {path} in the fake Hetzner Cloud API")

    def _create_key(self, body: dict) -> tuple[int, dict]:
        name, public_key = body.get("name"), body.get("public_key")
        if not isinstance(name, str) or not name or not isinstance(public_key, str) or \
                not public_key.startswith("ssh-"):
            return 400, _error("invalid_input", "invalid input in fields 'name', 'public_key'")
        if any(key["name"] == name for key in self._keys.values()):
            return 409, _error("uniqueness_error", "SSH key with the same name already exists")
        key_id = next(self._ids)
        key = {"id": key_id, "name": name, "public_key": public_key, "fingerprint": f"fa:ke:{key_id % 256:02x}",
               "labels": body.get("labels") or {}, "created": _iso(_now())}
        self._keys[key_id] = key
        return 201, {"ssh_key": dict(key)}

    def _create_server(self, body: dict) -> tuple[int, dict]:
        name, server_type, image = body.get("name"), body.get("server_type"), body.get("image")
        if not isinstance(name, str) or not name:
            return 400, _error("invalid_input", "invalid input in field 'name'")
        if server_type not in SERVER_TYPES:
            return 400, _error("invalid_input", f"server type {server_type!r} not found")
        if image not in IMAGES:
            return 400, _error("invalid_input", f"image {image!r} not found")
        keys = []
        for wanted in body.get("ssh_keys") or []:
            key = next((k for k in self._keys.values() if wanted in (k["id"], k["name"])), None)
            if key is None:
                return 400, _error("invalid_input", f"SSH key {wanted!r} not found")
            keys.append(key["name"])
        if any(server["name"] == name for server in self._servers.values()):
            return 409, _error("uniqueness_error", "server name is already used")
        server = self._new_server(name, server_type, image, keys)
        action = self._new_action("create_server", server["id"])
        return 201, {"server": self._shown(server), "action": self._action_shown(action), "next_actions": [],
                     "root_password": None}

    # -- records -------------------------------------------------------------------------------------------------
    def _new_server(self, name, server_type, image, keys, *, ipv4=None, created=None) -> dict:
        server_id = next(self._ids)
        server = {"id": server_id, "name": name, "status": "initializing", "server_type": server_type,
                  "image": image, "ssh_keys": keys, "ipv4": ipv4 or f"203.0.113.{next(self._addresses) % 250 + 1}",
                  "created": created or _now()}
        self._servers[server_id] = server
        return server

    def _new_action(self, command: str, server_id: int) -> dict:
        action = {"id": next(self._ids), "command": command, "server": server_id, "started": _now(),
                  "ends": time.monotonic() + self.action_seconds}
        self._actions[action["id"]] = action
        return action

    def _action_shown(self, action: dict) -> dict:
        done = time.monotonic() >= action["ends"]
        if done and action["command"] == "create_server" and action["server"] in self._servers:
            self._servers[action["server"]]["status"] = "running"
        return {"id": action["id"], "command": action["command"], "status": "success" if done else "running",
                "progress": 100 if done else 0, "started": _iso(action["started"]),
                "finished": _iso(_now()) if done else None, "error": None,
                "resources": [{"id": action["server"], "type": "server"}]}

    def _shown(self, server: dict) -> dict:
        ip = server["ipv4"]
        return {"id": server["id"], "name": server["name"], "status": server["status"],
                "created": _iso(server["created"]),
                "public_net": {"ipv4": {"id": server["id"] + 500_000, "ip": ip, "blocked": False,
                                        "dns_ptr": f"static.{ip}.clients.your-server.de"},
                               "ipv6": None, "floating_ips": [], "firewalls": []},
                "server_type": dict(SERVER_TYPES[server["server_type"]]),
                "image": dict(IMAGES[server["image"]]), "labels": {}, "volumes": [], "private_net": [],
                "protection": {"delete": False, "rebuild": False}, "rescue_enabled": False, "locked": False,
                "backup_window": None, "primary_disk_size": 40, "included_traffic": 21990232555520,
                "outgoing_traffic": 0, "ingoing_traffic": 0, "iso": None, "placement_group": None}

    @staticmethod
    def _page(kind: str, items: list, query: dict, shown) -> dict:
        per_page = _int((query.get("per_page") or ["25"])[0]) or 25
        page = _int((query.get("page") or ["1"])[0]) or 1
        chunk = items[(page - 1) * per_page:page * per_page]
        last = max(1, -(-len(items) // per_page))
        return {kind: [shown(item) for item in chunk],
                "meta": {"pagination": {"page": page, "per_page": per_page, "previous_page": page - 1 or None,
                                        "next_page": page + 1 if page < last else None, "last_page": last,
                                        "total_entries": len(items)}}}


class _HetznerHandler(QuietHandler):
    def do_GET(self):
        self._handle("GET")

    def do_POST(self):
        self._handle("POST")

    def do_DELETE(self):
        self._handle("DELETE")

    def _handle(self, method):
        fake = self.server.owner
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        with fake._lock:
            fake.requests.append((method, self.path))
        if self.headers.get("Authorization") != f"Bearer {fake.token}":
            return self._send(401, _error("unauthorized", "unable to authenticate"))
        try:
            body = json.loads(raw) if raw else {}
        except ValueError:
            return self._send(400, _error("json_error", "invalid JSON"))
        parts = urlsplit(self.path)
        self._send(*fake.answer(method, parts.path, parse_qs(parts.query), body))

    def _send(self, status, payload):
        self.send(status, json.dumps(payload).encode(), {"Content-Type": "application/json"})


def _error(code: str, message: str) -> dict:
    return {"error": {"code": code, "message": message, "details": {}}}


def _not_found(what: str) -> tuple[int, dict]:
    return 404, _error("not_found", f"{what} not found")


def _int(text: str) -> int:
    try:
        return int(text)
    except (TypeError, ValueError):
        return 0


def _named(item: dict, query: dict) -> bool:
    names = query.get("name")
    return not names or item["name"] == names[0]


def created_before(seconds: float) -> datetime:
    """A creation time `seconds` ago (a server made before a run started)."""
    return _now() - timedelta(seconds=seconds)
