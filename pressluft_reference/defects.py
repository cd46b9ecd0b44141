"""Mutant targets for proving the suite (`--defect NAME`, repeatable; never switchable over HTTP).

Each defect is one small code path that makes the reference behave the way a buggy Pressluft would, so that
tests/acceptance/test_scenarios_fail_on_defects.py can show every scenario failing for the reason its name says.
Without `--defect` none of these paths is taken and the reference is unchanged.
"""

DEFECTS = {
    "env_create_leaves_cloning": "a succeeded env_create leaves the environment (and site) cloning (IMPL bug, §9.11)",
    "failed_job_marks_active": "a failed or cancelled env_create/env_restore leaves its environment and site active",
    "preflight_ignores_readiness": "site and environment creation enqueue even when the node is not ready",
    "restore_keeps_content": "a restore succeeds without bringing the backed-up content back",
    "restore_skips_checkpoint": "a restore writes no pre-restore checkpoint backup",
    "restore_accepts_incomplete_backup": "a restore of a backup without checksum or size is queued, not refused",
    "restore_accepts_foreign_backup": "a restore of another environment's backup is queued, not refused",
    "retryable_errors_are_terminal": "a retryable error fails the job for good instead of requeueing it",
    "any_token_connects": "every provider token is reported connected, rejected ones too",
    "failed_node_reported_ready": "a node whose acquisition failed for good becomes active and ready",
    "node_never_ready": "provisioned nodes keep the reason code runtime_missing: never ready",
    "cancelled_job_reported_running": "a cancelled job is still reported running by the jobs API",
}
DEFECT_NAMES = tuple(DEFECTS)


def active(runtime, name: str) -> bool:
    if name not in DEFECTS:
        raise KeyError(f"unknown defect {name!r}")
    return name in runtime.config.defects
