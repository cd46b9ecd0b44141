"""The Wave 5 runtime-e2e spec's acceptance criteria and scenarios, and the items of the companion Wave 5
specs that some scenarios prove as well.

Transcribed from Pressluft's docs/features/feature-wave5-runtime-e2e.md (commit 6164b449), kept verbatim
in docs/spec/; tests/spec checks that this catalogue still says what that text says.
"""
from support.categories import FAILURE_CLASSES  # noqa: F401 - the failure classes are named with the categories

SPEC_PATH = "docs/spec/feature-wave5-runtime-e2e.md"
SPEC_COMMIT = "6164b449551d8de71ea32e6aa27792f50d3c3ac0"

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

# Items of the companion Wave 5 specs (contract digest §8), proven by scenarios that no runtime-e2e item covers.
SUPPORTING = {
    "hetzner-sdk-integration-S2": "feature-hetzner-sdk-integration, scenario 2: an invalid token gives a non-healthy "
                                  "provider status with guidance (and node acquisition is refused).",
    "hetzner-node-provider-S2": "feature-hetzner-node-provider, scenario 2: an acquisition failure ends the "
                                "node_provision job failed with a provider-classified error, with no fallback.",
    "backup-restore-S3": "feature-wave5-backup-restore-vertical-slice, scenario 3: when a restore precondition fails "
                         "(invalid backup, checksum or size), the restore does not proceed.",
}

SPEC_ITEMS = {**ACCEPTANCE_CRITERIA, **SCENARIOS}
