"""The Wave 5 runtime-e2e spec's acceptance criteria and scenarios, and the items of the companion Wave 5
specs that some scenarios prove as well.

Transcribed from Pressluft's docs/features/feature-wave5-runtime-e2e.md (commit 6164b449), kept verbatim
in docs/spec/; tests/spec checks that this catalogue still says what that text says.
"""
from support.verdicts.categories import (
    FAILURE_CLASSES,  # noqa: F401 - the failure classes are named with the categories
)

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

# What each item promises, part by part.
PARTS = {
    "AC-1": {"node": "a ready provider-acquired node is confirmed, and no other acquired",
             "acquire": "with none ready or being acquired, exactly one provider-acquired node is acquired, and ready",
             "smoke acquires": "the smoke, finding no node ready and none being acquired, asks for one, which "
                               "Pressluft acquires, and makes its site there",
             "clone": "a clone environment is created and active on that node",
             "staging": "a staging environment is created and active on that node",
             "reachable": "the new environment's preview answers 200",
             "redirect": "the smoke counts a preview answering 301 or 302 as reachable (not followed)",
             "not reachable": "the smoke fails on a preview answering anything else (another redirect, 404, no "
                              "answer) as unreachable",
             "staging checked": "a staging environment creation that fails fails the clone preview smoke with "
                                "status 1, naming it and its job id"},
    "AC-2": {"backup": "a full backup is created", "listed": "it is listed with a sha256 checksum and a positive size",
             "restore": "it is restored, after a pre-restore checkpoint taken while the restore ran",
             "checkpoint": "the pre-restore checkpoint holds production as it was just before the restore",
             "same node": "on the same provider-acquired node",
             "content": "the content of the backup restored comes back, in place of what came after it",
             "preview": "production's preview answers after the restore",
             "backup checked": "a backup creation that fails fails the backup and restore smoke with status 1, "
                               "naming the backup creation and its job id",
             "stops": "the backup and restore smoke stops with status 1 when its restore never ends or restored "
                      "production's preview never answers, naming the restore and its job id"},
    "AC-3": {"preflight": "a preflight block names the refused request, no job and the reasons",
             "job failed": "a job failing after enqueue names the request, its job id and its error code and "
                          "message",
             "cancelled": "a cancelled job is reported as cancelled, with its request and job id",
             "timed out": "a job that never ends is reported as timed out, with the time it was allowed",
             "unreachable": "an unreachable preview names the clone creation, its job id, the preview address and "
                            "the last answer",
             "deterministic": "the same fault met twice gives the same line, each run's ids, site and environment "
                              "names, preview addresses and durations aside"},
    "AC-4": {"passes": "each smoke runs from the repository root, asks for nothing and exits 0 when its flow works",
             "fails fast": "a smoke exits with status 2 within seconds, with one line, when the control plane cannot "
                           "be reached",
             "settings": "a smoke whose settings are wrong exits with status 2 within seconds, with one line "
                         "naming the setting and what it must be",
             "exit 1": "a smoke whose flow fails exits with status 1 and one failure line, whatever the failure class",
             "resume": "a smoke run again after a failed run reuses a ready node, passes, and says what the failed "
                       "run left"},
    "AC-5": {"not ready": "the node is reported not ready while it is acquired",
             "retried": "a transient provider error is retried on Pressluft's schedule, not re-submitted",
             "ready": "the node becomes ready without a manual retry",
             "smoke": "a smoke started while its node is still being acquired waits for that node, asks for no other, "
                      "and passes",
             "never ready": "a smoke whose node never becomes ready stops with exit status 1, naming the node "
                            "acquisition and its job id, with the provider's error or the node still not ready when "
                            "its wait ended"},
    "SC-1": {"clone smoke": "the clone preview smoke passes end to end",
             "backup smoke": "the backup and restore smoke passes end to end"},
    "SC-2": {"site": "site creation is refused before anything is queued or recorded",
             "environment": "environment creation is refused before anything is queued or recorded",
             "smoke": "the smoke fails as blocked by node readiness at the site's and at the clone's creation, "
                      "naming the request, no job and the reasons"},
    "SC-3": {"clone": "a clone failing after enqueue ends failed after its 3 attempts and marked failed; the smoke "
                      "names it and its job id, only once the job has ended failed",
             "restore": "a restore failing after enqueue ends failed and marked failed; the smoke names it and "
                        "its job id",
             "staging": "a staging environment failing after enqueue ends failed and marked failed; the smoke names "
                        "it and its job id, only once the job has ended failed"},
    "hetzner-sdk-integration-S2": {"degraded": "a rejected token leaves the provider degraded, with guidance",
                                   "refused": "node acquisition is refused, nothing queued or recorded"},
    "hetzner-node-provider-S2": {"failed": "the acquisition job ends failed with the provider's error, not retried",
                                 "not ready": "the node is not reported ready"},
    "backup-restore-S3": {"checksum": "a backup without a checksum is refused, nothing queued or recorded",
                          "size": "a backup with a size of zero is refused, nothing queued or recorded",
                          "foreign": "a backup of another environment of the same site is refused, nothing queued or "
                                     "recorded"},
}

# Which parts each scenario (a Scenario Outline counts once) proves.
COVERAGE = {
    "A full backup of production is listed as completed, with its integrity data": {"AC-2": ["backup", "listed"]},
    "Production restored from a full backup is live again on the same node, and the restore kept a checkpoint of it":
        {"AC-2": ["restore", "same node", "preview"]},
    "Restoring the older of two backups brings back its content, with no trace of what came after":
        {"AC-2": ["content", "checkpoint"]},
    "A backup without complete integrity data cannot be restored": {"backup-restore-S3": ["checksum", "size"]},
    "Production cannot be restored from a backup of its site's clone":
        {"backup-restore-S3": ["foreign"]},
    "A <type> environment made from production gets a reachable preview": {"AC-1": ["clone", "staging", "reachable"]},
    "The clone preview smoke counts previews that redirect (301 and 302) as reachable, without following them":
        {"AC-1": ["redirect"]},
    "A backup creation that fails ends failed, and the backup and restore smoke reports it":
        {"AC-2": ["backup checked"], "AC-3": ["job failed"], "AC-4": ["exit 1"]},
    "A clone whose provisioning keeps failing ends failed, and the clone preview smoke reports it":
        {"SC-3": ["clone"], "AC-3": ["job failed"], "AC-4": ["exit 1"]},
    "A staging environment whose creation fails ends failed, and the clone preview smoke reports it":
        {"AC-1": ["staging checked"], "AC-3": ["job failed"], "AC-4": ["exit 1"], "SC-3": ["staging"]},
    "A restore that fails ends failed, and the backup and restore smoke reports it":
        {"SC-3": ["restore"], "AC-3": ["job failed"], "AC-4": ["exit 1"]},
    "A job that ends cancelled fails the smoke as cancelled, not as timed out":
        {"AC-3": ["cancelled"], "AC-4": ["exit 1"]},
    "A job that never ends fails the smoke as timed out once its time is up":
        {"AC-2": ["stops"], "AC-3": ["timed out"], "AC-4": ["exit 1"]},
    "A preview that accepts connections but never answers fails each smoke as unreachable":
        {"AC-1": ["not reachable"], "AC-2": ["stops"], "AC-3": ["unreachable"], "AC-4": ["exit 1"]},
    "A node that is not ready blocks site creation before anything is queued": {"SC-2": ["site"]},
    "Site creation is refused while the target's first node is being acquired, before anything is queued":
        {"SC-2": ["site"]},
    "A node that is not ready blocks environment creation before anything is queued": {"SC-2": ["environment"]},
    "The clone preview smoke fails as blocked by node readiness when the creation of its <what> is refused":
        {"SC-2": ["smoke"], "AC-3": ["preflight"], "AC-4": ["exit 1"]},
    "A ready provider-acquired node is confirmed, and no other is acquired": {"AC-1": ["node"]},
    # on a real Pressluft too, by a run that asks for its node itself (the target's first: @first_node)
    "With no node ready, exactly one provider-acquired node is acquired, and it becomes ready": {"AC-1": ["acquire"]},
    "A transient provider error is retried on Pressluft's own schedule, the node reported not ready meanwhile":
        {"AC-5": ["not ready", "retried"]},
    "A node whose acquisition Pressluft retries becomes ready, without anyone clicking retry": {"AC-5": ["ready"]},
    # on a real Pressluft too, by a run that waits for a node being acquired (the target's first: @first_node)
    "A node still being acquired is reported not ready each time it is checked, and becomes ready without being "
    "asked for again":
        {"AC-5": ["not ready", "ready"]},
    "An acquisition that the provider fails for good ends failed with the provider's error":
        {"hetzner-node-provider-S2": ["failed", "not ready"]},
    "A provider credential that the provider rejects leaves the provider connection degraded, with guidance":
        {"hetzner-sdk-integration-S2": ["degraded"]},
    "No node can be acquired while the provider connection is degraded, and nothing is queued or recorded":
        {"hetzner-sdk-integration-S2": ["refused"]},
    "The clone preview smoke makes a clone and a staging environment whose previews answer":
        {"AC-1": ["node", "clone", "staging", "reachable"], "AC-4": ["passes"], "SC-1": ["clone smoke"]},
    "The backup and restore smoke backs up production with its integrity data and restores it":
        {"AC-2": ["backup", "listed", "restore", "same node", "preview"], "AC-4": ["passes"], "SC-1": ["backup smoke"]},
    "The clone preview smoke, finding no node ready and none being acquired, acquires one and passes":
        {"AC-1": ["acquire", "smoke acquires"]},
    "The clone preview smoke started while its node is still being acquired waits for that node and passes":
        {"AC-5": ["smoke", "not ready", "ready"]},
    "The clone preview smoke whose node acquisition the provider fails for good stops with exit status 1":
        {"AC-5": ["never ready"], "AC-3": ["job failed"], "AC-4": ["exit 1"]},
    "The clone preview smoke whose node is still being acquired when its node wait ends stops with exit status 1":
        {"AC-5": ["never ready"], "AC-3": ["timed out"], "AC-4": ["exit 1"]},
    "A smoke that cannot reach the control plane stops within 5 seconds with exit status 2": {"AC-4": ["fails fast"]},
    "A smoke whose settings are wrong stops within 5 seconds with exit status 2, saying which setting and why":
        {"AC-4": ["settings"]},
    "The same failure, met twice, is reported in the same words": {"AC-3": ["deterministic"]},
    "A smoke run again after a failed run reuses a ready node, passes, and lists what the failed run left":
        {"AC-1": ["node"], "AC-4": ["resume"]},
    ("A clone preview that never answers with a page or a redirect (200, 301 or 302) fails the clone preview smoke "
     "as unreachable"):
        {"AC-1": ["not reachable"], "AC-3": ["unreachable"], "AC-4": ["exit 1"]},
}
# Parts proven by a pytest test rather than a scenario (they would hold on every target: the smoke's own behaviour),
# counted for an item once a scenario proved some of it. None today: every part has its scenario.
PROVEN_BY_TESTS: dict = {}
# Tests that check a part further than its scenarios do (shown beside them in docs/traceability.md; never counted).
ALSO_CHECKED_BY = {
    ("AC-3", "deterministic"): "tests/acceptance/test_determinism.py (every failure class, on two fresh targets)",
    ("AC-4", "exit 1"): "tests/acceptance/test_smoke_commands.py (exit 0 only when a scenario ran and all passed)",
}
