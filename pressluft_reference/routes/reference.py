"""The fault-injection API under /_reference/ (docs/architecture.md); only capabilities without --enable-faults."""

from .. import VERSION, artifacts
from ..body import boolean, integer, integer_list, nullable_text, number, parse_object, strict_text, text_list
from ..config import JOB_TYPES
from ..errors import bad_request, conflict, not_found
from ..faults import ENVIRONMENT_TYPES, FAULT_NAMES, JOB_MATCH_KEYS
from ..httpapi import Response
from ..readiness import REASON_CODES
from ..timeutil import now_iso
from .common import require

OUTCOMES = ("fail", "hang", "cancel")


def register(router, enabled: bool):
    router.add("GET", "/_reference/capabilities", lambda req: capabilities(req, enabled))
    if not enabled:
        return
    router.add("GET", "/_reference/faults", list_faults)
    router.add("DELETE", "/_reference/faults", reset_faults)
    router.add("POST", "/_reference/faults/node-readiness", node_readiness_fault)
    router.add("POST", "/_reference/faults/jobs", job_fault)
    router.add("POST", "/_reference/faults/preview", preview_fault)
    router.add("POST", "/_reference/faults/backups", backup_fault)
    router.add("POST", "/_reference/faults/http", http_fault)
    router.add("POST", "/_reference/faults/busy-node", busy_node_fault)
    router.add("POST", "/_reference/jobs/{job_id}/due", job_due)
    router.add("POST", "/_reference/environments/{env_id}/content", set_content)
    router.add("GET", "/_reference/backups/{backup_id}/content", backup_content)


def capabilities(req, enabled):
    return Response(200, {"implementation": "pressluft_reference", "version": VERSION,
                          "fault_injection": enabled, "faults": list(FAULT_NAMES) if enabled else [],
                          "defects": sorted(req.runtime.config.defects), "twins": sorted(req.runtime.config.twins),
                          "quirks": req.runtime.config.quirks,
                          "guard_scope": "site-and-node" if req.runtime.config.node_guard else "site"})


def list_faults(req):
    return Response(200, req.runtime.faults.snapshot())


def reset_faults(req):
    req.runtime.faults.reset()
    req.runtime.previews.sync_all()
    return Response(200, {"success": True})


def _parse(req, fields, required=()):
    data = parse_object(req.body, fields, message="invalid fault body: unknown field, wrong type or not JSON")
    missing = [name for name in required if name not in data]
    if missing:
        raise bad_request(f"invalid fault body: missing {', '.join(missing)}")
    return data


def _check(condition: bool, message: str):
    if not condition:
        raise bad_request(f"invalid fault body: {message}")


def node_readiness_fault(req):
    data = _parse(req, {"reason_codes": text_list, "node_id": nullable_text,
                        "preflight_site_slug_prefix": strict_text, "preflight_creation": nullable_text},
                  required=("reason_codes",))
    unknown = [code for code in data["reason_codes"] if code not in REASON_CODES]
    _check(not unknown, f"unknown reason codes {unknown}")
    prefix, creation = data.get("preflight_site_slug_prefix"), data.get("preflight_creation")
    _check(creation in (None, "site", "environment"), "preflight_creation must be site, environment or null")
    _check(creation is None or prefix is not None, "preflight_creation needs preflight_site_slug_prefix")
    if prefix is not None:  # only the create preflight of those sites sees it: a node turning unready just then
        req.runtime.faults.set_preflight_readiness(prefix, data["reason_codes"], creation)
        return Response(200, {"preflight_site_slug_prefix": prefix, "preflight_creation": creation,
                              "reason_codes": data["reason_codes"]})
    req.runtime.faults.set_readiness(data.get("node_id"), data["reason_codes"])
    return Response(200, {"node_id": data.get("node_id"), "reason_codes": data["reason_codes"]})


def _match(value) -> bool:
    return isinstance(value, dict) and all(key in JOB_MATCH_KEYS and isinstance(item, str)
                                           for key, item in value.items())


def job_fault(req):
    fields = {"match": _match, "outcome": strict_text, "error_code": nullable_text, "error_message": nullable_text,
              "retryable": lambda value: value is None or boolean(value), "attempts": integer, "count": integer,
              "hold_last_retry": boolean, "until_read": boolean}
    data = _parse(req, fields, required=("outcome",))
    _check(data["outcome"] in OUTCOMES, "outcome must be fail, hang or cancel")
    match = data.get("match") or {}
    _check(match.get("job_type", JOB_TYPES[0]) in JOB_TYPES, "unknown job_type")
    _check(match.get("site_slug_prefix", "-") != "", "site_slug_prefix must not be empty")
    _check(match.get("environment_type", ENVIRONMENT_TYPES[0]) in ENVIRONMENT_TYPES,
           "environment_type must be production, staging or clone")
    _check(data.get("attempts", 1) >= 1 and data.get("count", 1) >= 1, "attempts and count must be >= 1")
    hold = data.get("hold_last_retry", False)
    _check(not hold or (data["outcome"] == "fail" and "attempts" in data),
           "hold_last_retry needs outcome fail and attempts")
    until_read = data.get("until_read", False)
    _check(not until_read or data["outcome"] == "hang", "until_read needs outcome hang")
    fault = {"match": match, "outcome": data["outcome"], "error_code": data.get("error_code"),
             "error_message": data.get("error_message"), "retryable": data.get("retryable"),
             "attempts": data.get("attempts"), "count": data.get("count", 1), "hold_last_retry": hold,
             "until_read": until_read}
    req.runtime.faults.add_job_fault(fault)
    return Response(200, dict(fault))


def job_due(req):
    """A queued job (e.g. one held by `hold_last_retry`) becomes due now; the worker then claims it as usual."""
    if req.body.strip():
        _parse(req, {})
    with req.runtime.store.tx() as conn:
        job = require(conn, "jobs", req.params["job_id"], "job not found")
        if job["status"] != "queued":
            raise conflict(f"job is not queued (status {job['status']})")
        now = now_iso()
        conn.execute("UPDATE jobs SET run_after = ?, updated_at = ? WHERE id = ?", (now, now, job["id"]))
    return Response(200, {"job_id": job["id"], "run_after": now})


def preview_fault(req):
    fields = {"environment_id": nullable_text, "site_id": nullable_text, "site_slug_prefix": nullable_text,
              "environment_type": nullable_text, "status": integer, "location": nullable_text,
              "delay_seconds": number, "refuse": boolean, "silent": boolean, "after_restore": boolean}
    data = _parse(req, fields)
    fault = {"environment_id": data.get("environment_id"), "site_id": data.get("site_id"),
             "site_slug_prefix": data.get("site_slug_prefix"), "environment_type": data.get("environment_type"),
             "status": data.get("status", 200), "location": data.get("location"),
             "delay_seconds": data.get("delay_seconds", 0), "refuse": data.get("refuse", False),
             "silent": data.get("silent", False), "after_restore": data.get("after_restore", False)}
    _check(fault["site_slug_prefix"] != "", "site_slug_prefix must not be empty")
    _check(fault["environment_type"] in (None, *ENVIRONMENT_TYPES), "environment_type must be production, "
                                                                     "staging or clone")
    _check(not (fault["environment_id"] and (fault["site_slug_prefix"] or fault["environment_type"])),
           "environment_id cannot be combined with site_slug_prefix or environment_type")
    _check(not (fault["site_id"] and fault["site_slug_prefix"]), "give site_id or site_slug_prefix, not both")
    _check(100 <= fault["status"] <= 599, "status must be an HTTP status (100-599)")
    _check(0 <= fault["delay_seconds"] <= 600, "delay_seconds must be between 0 and 600")
    _check(not (fault["refuse"] and (fault["silent"] or fault["after_restore"])),
           "refuse cannot be combined with silent or after_restore")
    req.runtime.faults.set_preview(fault)
    req.runtime.previews.sync_all()
    return Response(200, fault)


def backup_fault(req):
    fields = {"environment_id": nullable_text, "site_id": nullable_text, "site_slug_prefix": nullable_text,
              "checksum": lambda value: value is None, "size_bytes": integer, "count": integer}
    data = _parse(req, fields)
    _check(data.get("site_slug_prefix") != "", "site_slug_prefix must not be empty")
    _check(data.get("size_bytes", 0) >= 0, "size_bytes must be >= 0")
    _check(data.get("count", 1) >= 1, "count must be >= 1")
    _check("checksum" in data or "size_bytes" in data, "give checksum (null) and/or size_bytes")
    fault = {"environment_id": data.get("environment_id"), "site_id": data.get("site_id"),
             "site_slug_prefix": data.get("site_slug_prefix"), "count": data.get("count", 1)}
    for key in ("checksum", "size_bytes"):
        if key in data:
            fault[key] = data[key]
    req.runtime.faults.add_backup_fault(fault)
    return Response(200, dict(fault))


def http_fault(req):
    fields = {"error_rate": number, "statuses": integer_list, "latency_max_seconds": number,
              "methods": text_list, "path_prefix": strict_text, "seed": lambda value: value is None or integer(value)}
    data = _parse(req, fields)
    fault = {"error_rate": data.get("error_rate", 0), "statuses": data.get("statuses") or [503],
             "latency_max_seconds": data.get("latency_max_seconds", 0),
             "methods": [method.upper() for method in data.get("methods") or []],
             "path_prefix": data.get("path_prefix", "/api/"), "seed": data.get("seed")}
    _check(0 <= fault["error_rate"] <= 1, "error_rate must be between 0 and 1")
    _check(all(400 <= status <= 599 for status in fault["statuses"]), "statuses must be 4xx or 5xx")
    _check(0 <= fault["latency_max_seconds"] <= 60, "latency_max_seconds must be between 0 and 60")
    req.runtime.faults.set_http(fault)
    return Response(200, fault)


def busy_node_fault(req):
    """The next `count` site or environment creations of sites whose slug starts with the prefix find their node busy:
    just before, another operator's site creation on that node was accepted, its job running `seconds`
    (routes/sites.py). The enqueue guard refuses them meanwhile: how the suite's reading of a refusal is proven."""
    data = _parse(req, {"site_slug_prefix": strict_text, "seconds": number, "count": integer},
                  required=("site_slug_prefix",))
    fault = {"site_slug_prefix": data["site_slug_prefix"], "seconds": data.get("seconds", 1.0),
             "count": data.get("count", 1)}
    _check(fault["site_slug_prefix"] != "", "site_slug_prefix must not be empty")
    _check(0 < fault["seconds"] <= 600, "seconds must be more than 0 and at most 600")
    _check(fault["count"] >= 1, "count must be >= 1")
    req.runtime.faults.add_busy_node(fault)
    return Response(200, dict(fault))


def set_content(req):
    data = _parse(req, {"content": strict_text}, required=("content",))
    env_id = req.params["env_id"]
    with req.runtime.store.tx() as conn:
        if not conn.execute("SELECT 1 FROM environments WHERE id = ?", (env_id,)).fetchone():
            raise not_found("environment not found")
        conn.execute("UPDATE environments SET content = ? WHERE id = ?", (data["content"], env_id))
    return Response(200, {"environment_id": env_id, "content": data["content"]})


def backup_content(req):
    """What a backup holds (a real Pressluft shows no backup's content): the environment's content its artifact
    keeps, so that a check can tell what a checkpoint or a backup captured."""
    backup = req.runtime.store.one("SELECT id, environment_id, artifact_path FROM backups WHERE id = ?",
                                   (req.params["backup_id"],))
    if backup is None:
        raise not_found("backup not found")
    if not backup["artifact_path"]:
        raise conflict("backup has no artifact yet")
    try:
        content = artifacts.read(backup["artifact_path"])["environment"]["content"]
    except (OSError, KeyError, ValueError):
        raise conflict("backup artifact cannot be read") from None
    return Response(200, {"backup_id": backup["id"], "environment_id": backup["environment_id"], "content": content})
