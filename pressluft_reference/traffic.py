"""Another operator on the same target (the twin other_operator_traffic): while a run goes on, someone else creates
sites of their own, backs up their production, copies it and restores it, on the same node as the run's sites.

It works through the API like any operator (its own session, the same routes, the same enqueue guard) and makes one
short job every 2 to 3 s, so the guard (one job in flight per site and per node) leaves the run room between its
jobs, as on a shared Pressluft. A refusal (the run's job in flight, a node not ready) is taken as an operator would:
it tries that step again a moment later. It starts once a ready provider node is listed, and stops with the process.
"""

import json
import random
import threading
import urllib.error
import urllib.request

from . import log

PAUSE = (2.0, 3.0)   # seconds after a request it made
AGAIN = (0.3, 0.8)   # seconds after a refused one, before it tries that step again
STEPS = ("site", "backup", "clone", "restore")
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # its own loopback address, never a proxy


class OtherOperator:
    def __init__(self, runtime, seed=None):
        self.runtime = runtime
        self.random = random.Random(seed)
        self.stopping = threading.Event()
        self.made = {"sites": 0, "requests": 0, "refused": 0}
        self._site = None   # (site id, production id, backup id or None) of its current site
        self._thread = threading.Thread(target=self._run, name="other-operator", daemon=True)
        self._token = None

    def start(self):
        self._token = self.runtime.sessions.create()
        self._thread.start()

    def stop(self):
        self.stopping.set()
        self._thread.join(timeout=5)

    def _run(self):
        while not self.stopping.wait(0.5):
            if self._ready_node_listed():
                break
        turn, pause = 0, PAUSE
        while not self.stopping.wait(self.random.uniform(*pause)):
            try:
                accepted = self._act(STEPS[turn % len(STEPS)])
            except (OSError, ValueError, KeyError) as exc:  # it never takes the control plane down with it
                log.event("other_operator_error", error=repr(exc))
                accepted = False
            turn, pause = (turn + 1, PAUSE) if accepted else (turn, AGAIN)

    def _ready_node_listed(self) -> bool:
        try:
            status, nodes = self._call("GET", "/api/nodes")
        except (OSError, ValueError):
            return False
        return status == 200 and any(not node["is_local"] and node["readiness"]["is_ready"] for node in nodes)

    def _act(self, step: str) -> bool:
        """One request of its cycle; True when it was accepted (a refused one is tried again next time)."""
        if step == "site" or self._site is None:
            return self._new_site()
        site_id, production_id, backup_id = self._site
        if step == "backup":
            status, body = self._call("POST", f"/api/environments/{production_id}/backups", {"backup_scope": "full"})
            if status == 202:
                self._site = (site_id, production_id, body["job_id"])
        elif step == "clone":
            slug = f"copy-{self.made['requests']}"
            status, _ = self._call("POST", f"/api/sites/{site_id}/environments", {
                "name": f"Copy {slug}", "slug": slug, "type": "clone", "source_environment_id": production_id,
                "promotion_preset": "content-protect"})
        elif backup_id is None:
            return True  # nothing to restore from yet
        else:
            status, _ = self._call("POST", f"/api/environments/{production_id}/restore", {"backup_id": backup_id})
        return self._counted(step, status)

    def _new_site(self) -> bool:
        slug = f"other-operator-{self.made['sites'] + 1}-{self.random.randrange(16 ** 6):06x}"
        status, body = self._call("POST", "/api/sites", {"name": f"Other operator {slug}", "slug": slug})
        if status == 202:
            self.made["sites"] += 1
            _, job = self._call("GET", f"/api/jobs/{body['job_id']}")
            self._site = (job["site_id"], job["environment_id"], None)
        return self._counted("site", status)

    def _counted(self, step: str, status: int) -> bool:
        self.made["requests"] += 1
        if status != 202:
            self.made["refused"] += 1
        log.event("other_operator", step=step, status=status)
        return status == 202

    def _call(self, method: str, path: str, body=None) -> tuple:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.runtime.base_url + path, data=data, method=method, headers={
            "Content-Type": "application/json", "Cookie": f"session_token={self._token}"})
        try:
            with _DIRECT.open(request, timeout=10) as answer:
                return answer.status, json.loads(answer.read() or b"null")
        except urllib.error.HTTPError as refused:
            refused.read()
            return refused.code, None
