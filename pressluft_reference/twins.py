"""Correct twins for proving the suite (`--twin NAME`, repeatable; never switchable over HTTP).

A twin is the reference made to differ from its default in a way the contract allows (the order of a listing, the
format of a timestamp, what other operators do on a shared target, what was there before the run, …). Every check
of the suite must pass against each one: a check that fails on a twin rests on something the contract does not
promise. tests/acceptance/test_correct_twins.py runs the whole suite against each twin, and
docs/proving-the-suite.md says how the suite is proven both ways (mutants that must fail, twins that must pass).
Without `--twin` none of these paths is taken and the reference is unchanged.
"""

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
}
TWIN_NAMES = tuple(TWINS)


def active(runtime, name: str) -> bool:
    if name not in TWINS:
        raise KeyError(f"unknown twin {name!r}")
    return name in runtime.config.twins
