"""The Wave 5 runtime-e2e spec's acceptance criteria, scenarios and failure classes.

Transcribed from Pressluft's docs/features/feature-wave5-runtime-e2e.md (commit 6164b449) so the
suite can check that every item has a scenario without reading anything outside this repository.
"""

SPEC_URL = (
    "https://github.com/denizbinay/pressluft/blob/6164b449551d8de71ea32e6aa27792f50d3c3ac0/"
    "docs/features/feature-wave5-runtime-e2e.md"
)

ACCEPTANCE_CRITERIA = {
    "AC-1": "Smoke flow acquires or confirms a provider-acquired node target and validates "
            "create-environment (clone/staging) success plus preview URL reachability (200|301|302).",
    "AC-2": "Smoke flow validates backup create/list/restore success paths against the same "
            "provider-acquired node target.",
    "AC-3": "Smoke scripts fail with deterministic diagnostics including failed command, job id, "
            "and reason/error output.",
    "AC-4": "Scripts are runnable from repo root and suitable for /resume-run verification loops.",
    "AC-5": "Provider acquisition pre-provision states are tolerated by polling and succeed without "
            "manual retry clicks when eventual readiness is reached.",
}

SCENARIOS = {
    "SC-1": "WHEN provider acquisition succeeds and node readiness is true THEN clone create and "
            "backup/restore smokes pass end-to-end.",
    "SC-2": "WHEN readiness preflight blocks creation THEN smoke exits with expected preflight "
            "failure semantics.",
    "SC-3": "WHEN runtime provisioning fails after enqueue THEN smoke captures terminal failed "
            "status and logs actionable context.",
}

FAILURE_CLASSES = {
    "preflight_blocked": "Preflight blocked",
    "runtime_provision_failure": "Runtime provision failure after enqueue",
    "unreachable_preview": "Unreachable preview",
}

SPEC_ITEMS = {**ACCEPTANCE_CRITERIA, **SCENARIOS}
