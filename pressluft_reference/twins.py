"""Correct twins for proving the suite (`--twin NAME`, repeatable; never switchable over HTTP).

A twin is the reference made to differ from its default in a way the contract allows (the order of a listing, the
format of a timestamp, what other operators do on a shared target, what was there before the run, …). Every check
of the suite must pass against each one: a check that fails on a twin rests on something the contract does not
promise. tests/acceptance/test_correct_twins.py runs the whole suite against each twin, and
docs/proving-the-suite.md says how the suite is proven both ways (mutants that must fail, twins that must pass).
Without `--twin` none of these paths is taken and the reference is unchanged.
"""

import re

# name → what the twin does differently (and why that is allowed)
TWINS: dict = {
    "two_ready_provider_nodes": "the reference starts with two ready provider nodes, each made by a node_provision job "
                                "that succeeded, and places each new site on its ready provider nodes in turn, the "
                                "newest first (Pressluft puts a site on whichever ready node its map yields first)",
    "other_operator_traffic": "another operator works on the same target while the run goes on: every 2 to 3 s it "
                              "creates a site of its own (on the same node), backs up its production, copies it or "
                              "restores it, one short job at a time, so that the enqueue guard still lets the run "
                              "through between its jobs (a shared Pressluft)",
    "node_before_run_acquisition_unlisted": "the reference starts with a ready provider node (active, on the host its "
                                            "acquisition gave it) that was acquired before the run and whose "
                                            "acquisition job the jobs list no longer shows (pruned, as on a "
                                            "long-lived shared target)",
    "newest_first_lists": "every listing newest first: jobs, sites, nodes, the backups of an environment and the "
                          "environments of a site (production last, as the oldest); the contract promises no order, "
                          "and a DB-backed Pressluft lists jobs by created_at DESC",
    "offset_timestamps": "every timestamp of an answer written with a `+00:00` offset and six fractional digits "
                         "(`2026-02-22T10:00:00.123456+00:00`) instead of `Z`: both are RFC 3339 date-times, as the "
                         "contract's `date-time` asks",
    "copy_preview_at_success": "a clone or staging environment shows its preview address only once its env_create "
                               "succeeded; until then its preview_url is `http://<id8>.pending.invalid/`, an address "
                               "of the reserved .invalid domain that never answers: a uri, as the contract asks, "
                               "unique to the copy, and no promise of an answer, which the contract gives only once "
                               "the copy's job succeeded (digest §5.4: its job may succeed only after the preview "
                               "answers)",
    "other_operator_acquires_nodes": "another operator acquires provider nodes of its own while the run goes on: each "
                                     "time the provider connection is made while a ready provider node is listed "
                                     "(as when the run makes sure of its ready node once more), a node named "
                                     "other-operator-node-N is requested too, and acquired as any node is (a shared "
                                     "Pressluft acquires nodes for every operator)",
}
TWIN_NAMES = tuple(TWINS)
OTHER_OPERATORS_NODE = "other-operator-node-"  # the names of the nodes the twin other_operator_acquires_nodes makes
PENDING_PREVIEW = "http://{id8}.pending.invalid/"
_UTC_Z = re.compile(r"^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?Z$")


def active(runtime, name: str) -> bool:
    if name not in TWINS:
        raise KeyError(f"unknown twin {name!r}")
    return name in runtime.config.twins


def listed(runtime, rows: list) -> list:
    """The rows of a listing (oldest first) in the order this target lists them: newest first for the twin
    newest_first_lists."""
    return list(reversed(rows)) if active(runtime, "newest_first_lists") else rows


def shown(runtime, payload):
    """An answer of the API as this target writes it: for the twin offset_timestamps every UTC timestamp with a
    `+00:00` offset and microseconds."""
    if not active(runtime, "offset_timestamps"):
        return payload
    return _with_offsets(payload)


def _with_offsets(value):
    if isinstance(value, dict):
        return {key: _with_offsets(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_with_offsets(item) for item in value]
    found = _UTC_Z.match(value) if isinstance(value, str) else None
    if found is None:
        return value
    return f"{found.group(1)}.{(found.group(2) or '').ljust(6, '0')[:6]}+00:00"
