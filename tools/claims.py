"""The claim catalogue: every Then step of features/wave5 is a claim about Pressluft; each lists the properties
it checks and, for each property, the reference mutant (`python -m pressluft_reference --defect NAME`) that
breaks exactly that property and the scenario that must then fail at that step, with that category.

    python -m tools.claims            writes docs/claims.md
    python -m tools.claims --check    exits 1 when docs/claims.md is stale

tests/acceptance/test_claims_fail_on_mutants.py runs every mutant and checks the verdict, and checks that every Then
step definition has a claim here with at least one mutant, and every property a mutant or the reason it has none.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Optional

from support.runtime import installation

ROOT = installation.home()  # the checkout these tools run in
DOC = ROOT / "docs" / "claims.md"

# Budgets of the runs whose mutant makes a wait run out (the control run uses them too).
SHORT = {"PRESSLUFT_NODE_TIMEOUT": "3", "PRESSLUFT_JOB_TIMEOUT": "3", "PRESSLUFT_PREVIEW_TIMEOUT": "2"}

CV, JOB_FAILED, NOT_READY, UNREACHABLE = "contract_violation", "job_failed", "node_not_ready", "preview_unreachable"

CONFIRMED = "A ready provider-acquired node is confirmed, and no other is acquired"
ACQUIRED = "With no node ready, exactly one provider-acquired node is acquired, and it becomes ready"
RETRIED = ("A transient provider error is retried on Pressluft's own schedule, the node reported not ready "
           "meanwhile")
RETRY_READY = "A node whose acquisition Pressluft retries becomes ready, without anyone clicking retry"
ACQUISITION_FAILS = "An acquisition that the provider fails for good ends failed with the provider's error"
DEGRADED = "A provider credential that the provider rejects leaves the provider connection degraded, with guidance"
NOT_CONNECTED = ("No node can be acquired while the provider connection is degraded, and nothing is queued or "
                 "recorded")
FIRST_NODE = "Site creation is refused while the target's first node is being acquired, before anything is queued"
CLONE = "A clone environment made from production gets a reachable preview -- @1.1 A clone"
STAGING = "A staging environment made from production gets a reachable preview -- @2.1 A staging environment"
REDIRECTS_PASS = ("The clone preview smoke counts previews that redirect (301 and 302) as reachable, without following "
                  "them")
BACKUP = "A full backup of production is listed as completed, with its integrity data"
RESTORE = ("Production restored from a full backup is live again on the same node, and the restore kept a checkpoint "
           "of it")
CONTENT = "Restoring the older of two backups brings back its content, with no trace of what came after"
INCOMPLETE = "A backup without complete integrity data cannot be restored -- @1.{}"
FOREIGN = "Production cannot be restored from a backup of its site's clone"
PREFLIGHT_SITE = "A node that is not ready blocks site creation before anything is queued -- @1.{}"
PREFLIGHT_ENV = "A node that is not ready blocks environment creation before anything is queued"
PREFLIGHT_SMOKE = ("The clone preview smoke fails as blocked by node readiness when the creation of its {} is refused "
                   "-- @1.{}")
AT_SITE, AT_CLONE = PREFLIGHT_SMOKE.format("site", 1), PREFLIGHT_SMOKE.format("clone", 2)
CLONE_FAILS = "A clone whose provisioning keeps failing ends failed, and the clone preview smoke reports it"
STAGING_FAILS = "A staging environment whose creation fails ends failed, and the clone preview smoke reports it"
RESTORE_FAILS = "A restore that fails ends failed, and the backup and restore smoke reports it"
BACKUP_FAILS = "A backup creation that fails ends failed, and the backup and restore smoke reports it"
CANCELLED = "A job that ends cancelled fails the smoke as cancelled, not as timed out"
HANGS = "A job that never ends fails the smoke as timed out once its time is up -- @1.{}"
CLONE_SMOKE = "The clone preview smoke makes a clone and a staging environment whose previews answer"
BACKUP_SMOKE = "The backup and restore smoke backs up production with its integrity data and restores it"
SMOKE_ACQUIRES = "The clone preview smoke, finding no node ready and none being acquired, acquires one and passes"
SMOKE_WAITS = "The clone preview smoke started while its node is still being acquired waits for that node and passes"
POLLED = ("A node still being acquired is reported not ready each time it is checked, and becomes ready without being "
          "asked for again")
UNREACHABLE_SMOKE = ("A clone preview that never answers with a page or a redirect (200, 301 or 302) fails the clone "
                     "preview smoke as unreachable -- @1.{}")
TWICE = "The same failure, met twice, is reported in the same words"
RESUMED = "A smoke run again after a failed run reuses a ready node, passes, and lists what the failed run left"
SILENT = "A preview that accepts connections but never answers fails each smoke as unreachable"
SMOKE_ACQUISITION_FAILS = ("The clone preview smoke whose node acquisition the provider fails for good stops with exit "
                           "status 1")
SMOKE_NODE_WAIT_ENDS = ("The clone preview smoke whose node is still being acquired when its node wait ends stops with "
                        "exit status 1")


@dataclass(frozen=True)
class Mutant:
    defect: str
    scenario: str
    category: str
    env: tuple = ()  # (name, value) pairs: the budgets a run needs to end in time

    @property
    def key(self) -> tuple:
        return self.defect, self.scenario


@dataclass(frozen=True)
class Property:
    text: str
    mutants: tuple = ()
    without_mutant: str = ""  # why no target defect can break it alone (and where it is proven instead)


@dataclass(frozen=True)
class Claim:
    step: str                    # the step definition's pattern, as written in steps/
    properties: tuple = field(default_factory=tuple)

    @property
    def mutants(self) -> list[Mutant]:
        return [mutant for prop in self.properties for mutant in prop.mutants]


def m(defect: str, scenario: str, category: str = CV, env: Optional[dict] = None) -> Mutant:
    return Mutant(defect, scenario, category, tuple(sorted((env or {}).items())))


NODE_BUDGET = {"PRESSLUFT_NODE_TIMEOUT": SHORT["PRESSLUFT_NODE_TIMEOUT"]}
JOB_BUDGET = {"PRESSLUFT_JOB_TIMEOUT": SHORT["PRESSLUFT_JOB_TIMEOUT"]}
PREVIEW_BUDGET = {"PRESSLUFT_PREVIEW_TIMEOUT": SHORT["PRESSLUFT_PREVIEW_TIMEOUT"]}
SMOKE_DIAGNOSIS_ONLY = "the line's wording is the smoke's own; tests/acceptance/test_failure_verdicts.py checks it"
SAME_NODE = ("the same check of the node a request made (support/checks/nodes.py _requested_node) as the claim before "
             "it in the scenario, broken there by node_jobs_listed_without_node; node_name_ignored breaks the name in "
             "'that node is ready' (here the faults are matched by the requested name); tests/suite/test_checks.py "
             "feeds a node of another name, an older node and a local one")
SAME_SMOKE_JOB = ("the same check of the smoke's job (support/checks/smoke_verdicts.py _request_job) as 'its failure "
                  "names the {request} and its job id' earlier in the scenario, broken there by "
                  "jobs_listed_without_environment (node_jobs_listed_without_node for the node acquisition)")

CLAIMS = (
    # -- the provider-acquired node --------------------------------------------------------------------
    Claim("once Pressluft has acquired it, that node is ready, with no readiness problem reported", (
        Property("the node becomes ready within the node budget",
                 (m("node_never_ready", ACQUIRED, NOT_READY, NODE_BUDGET),)),
        Property("its readiness lists no reason code", (m("ready_node_keeps_reason_codes", ACQUIRED),)),
        Property("it is the node the run knows: the name it requested (or found)",
                 without_mutant="the same check of the node's name as 'Pressluft acquired exactly one new node, the "
                                "one the operator asked for' before it, broken there by node_name_ignored; "
                                "tests/suite/test_matchers.py feeds a node of another name to the check"),
        Property("ready in fact: status active (a rule of every node, support/pressluft/records.py)",
                 (m("ready_node_not_active", ACQUIRED),)),
        Property("ready in fact: on the host acquisition gave it (not pending.provider, not blank; a rule of every "
                 "node)", (m("acquired_node_keeps_pending_host", ACQUIRED),)),
        Property("the acquisition job that made it (a reused node's too) succeeded",
                 without_mutant="the same check (support/checks/nodes.py node_is_ready) as 'the node list shows "
                                "that ready node, and no new one', broken there by ready_node_with_failed_acquisition "
                                "(a target that starts with a ready node: there the run acquires none, and this "
                                "scenario is not shown)"),
        Property("that job is a node_provision of that node",
                 without_mutant="the job list is read first by 'Pressluft acquired exactly one new node, …', which "
                                "looks for the node_provision job of that node and is broken there by "
                                "node_job_type_misreported"),
        Property("a provider node (is_local false)",
                 without_mutant="no target defect makes a provider node local without also hiding it from the run's "
                                "node plan; tests/suite/test_matchers.py feeds such a node to the check"),
    )),
    Claim("Pressluft acquired exactly one new node, the one the operator asked for", (
        Property("one node of the requested name and one acquisition job for the operator's one request",
                 (m("node_request_acquires_twice", ACQUIRED),)),
        Property("the node the run waited for is a provider node of the name it asked for, not listed before",
                 (m("node_name_ignored", ACQUIRED),)),
        Property("first, the job list shows the acquisition job the run waited for, a node_provision of that node",
                 (m("jobs_list_shows_only_in_flight", ACQUIRED), m("node_job_type_misreported", ACQUIRED))),
    )),
    Claim('before its next attempt is made, the node\'s acquisition shows {count:d} failed attempts with "{code}", and '
          'that next attempt planned', (
        Property("the job did not end failed: it is queued to run again", (m("retryable_errors_are_terminal", RETRIED,
                                                                             JOB_FAILED),)),
        Property("it keeps the error code of the failed attempt while it waits",
                 (m("retry_forgets_error", RETRIED),)),
        Property("its run_after lies ahead of its last change", (m("retry_without_run_after", RETRIED),)),
        Property("it counts exactly the failed attempts, with attempts left of those the contract gives "
                 "node_provision",
                 without_mutant="no target defect miscounts attempts without also changing the other properties; "
                                "tests/suite/test_checks.py feeds such a job to the check"),
        Property("it is the node_provision job of the node the request made (the node it names is new, of the "
                 "requested name)", (m("node_jobs_listed_without_node", RETRIED),)),
    )),
    Claim("the new node is reported not ready while it is being acquired", (
        Property("the node is listed, not ready, with reason codes while its job is in flight",
                 (m("node_ready_while_acquiring", RETRIED),)),
        Property("it is the node the request made (the node its job names, new, of the requested name)",
                 without_mutant=SAME_NODE),
    )),
    Claim("the new node becomes ready without anyone asking for it again", (
        Property("one acquisition job for the node, one request", (m("retry_duplicates_job", RETRY_READY),)),
        Property("the node becomes ready", (m("node_never_ready", RETRY_READY, NOT_READY, NODE_BUDGET),)),
        Property("it is the node the request made, ready in fact (active, on its acquired host)",
                 without_mutant=SAME_NODE),
    )),
    Claim('the acquisition ends failed, with the provider\'s message "{message}" and its error "{code}"', (
        Property("failed with that error code and message, finished",
                 (m("failed_job_loses_error", ACQUISITION_FAILS),)),
        Property("the node_provision job of the node the request made",
                 (m("node_jobs_listed_without_node", ACQUISITION_FAILS),)),
    )),
    Claim("it was tried once, with no next attempt planned", (
        Property("after one attempt (the error is not retried), with no retry waiting",
                 (m("non_retryable_errors_retried", ACQUISITION_FAILS),)),
        Property("the node_provision job of the node the request made", without_mutant=SAME_NODE),
    )),
    Claim("the new node is listed as not ready, with the reasons why", (
        Property("listed, not ready, with reason codes", (m("failed_node_reported_ready", ACQUISITION_FAILS),)),
        Property("it is the node the request made", without_mutant=SAME_NODE),
    )),
    Claim("the provider connection is reported degraded: the credential was rejected, and a valid credential is "
          "needed", (
        Property("status degraded", (m("any_token_connects", DEGRADED),)),
        Property("guidance lines for the operator", (m("degraded_without_guidance", DEGRADED),)),
        Property("the provider's one connection says the credential was rejected, with the guidance to a valid "
                 "token", (m("rejected_token_reported_unavailable", DEGRADED),)),
    )),
    Claim("Pressluft refuses to acquire a node, because the provider connection is degraded", (
        Property("409 conflict naming that the provider is not connected (Pressluft's words for a degraded "
                 "connection)", (m("degraded_provider_acquires", NOT_CONNECTED),)),
        Property("the provider's one connection is listed degraded",
                 without_mutant="the connection the scenario's Given left degraded, judged degraded by 'the provider "
                                "connection is reported degraded: the credential was rejected, and a valid credential "
                                "is needed', broken there by any_token_connects; a target that refused while connected "
                                "would fail here"),
    )),
    Claim("no node acquisition was queued", (
        Property("no new job of no site whose node is of the requested name or not listed at all (another operator's "
                 "jobs, of their sites or of their own nodes, do not count)",
                 (m("refusals_still_queue_jobs", NOT_CONNECTED),)),
        Property("first, the job list shows the node acquisition jobs the run knows (its node's, its node requests so "
                 "far); with none, not shown on this target", (m("jobs_list_shows_only_in_flight", NOT_CONNECTED),)),
    )),
    Claim("the node list shows that ready node, and no new one", (
        Property("where the operator confirmed a ready node: it settled on a node the node list showed ready just "
                 "before: ready with no reason code", (m("ready_node_keeps_reason_codes", CONFIRMED),)),
        Property("and ready in fact (active, on the host acquisition gave it, made by an acquisition job that "
                 "succeeded)", (m("ready_node_not_active", CONFIRMED), m("acquired_node_keeps_pending_host", CONFIRMED),
                        m("ready_node_with_failed_acquisition", CONFIRMED))),
        Property("the node list shows no provider node of the run's (named with its run id, or made by a node "
                 "acquisition job it enqueued) that was not listed before the operator confirmed that node; another "
                 "operator's new node does not count", (m("reconnect_acquires_nodes_again", CONFIRMED),)),
        Property("the operator sent no node request: it reused that node",
                 without_mutant="what the operator sends is the suite's own doing, not Pressluft's: no target defect "
                                "makes it ask for a node while one is listed ready; "
                                "tests/suite/test_evidence_or_nothing.py feeds a flow that asked for one to the check"),
        Property("where a node request was refused: no node of the requested name that was not listed before the "
                 "request",
                 (m("refused_node_request_is_recorded", NOT_CONNECTED),)),
        Property("first, the node list shows the run's node",
                 without_mutant="the scenario's 'a ready provider-acquired node' reads the same list first: a list "
                                "that hides the run's node fails there; tests/suite/test_evidence_or_nothing.py "
                                "feeds such a list to the check"),
    )),
    # -- sites and the preflight -----------------------------------------------------------------------
    Claim("the creation is refused as blocked by node readiness, because {why} ({codes})", (
        Property("409 node_not_ready", tuple(m("preflight_ignores_readiness", PREFLIGHT_SITE.format(row))
                                            for row in (1, 2, 3)) + (m("preflight_ignores_readiness", PREFLIGHT_ENV),)),
        Property("the message names every reason code of the scenario",
                 (m("preflight_names_no_reasons", PREFLIGHT_SITE.format(1)),)),
        Property("and no code the node does not report",
                 (m("preflight_names_every_reason", PREFLIGHT_SITE.format(1)),)),
        Property("in the contract's priority order", (m("preflight_reasons_unordered", PREFLIGHT_SITE.format(1)),)),
    )),
    Claim("the refusal gives the guidance Pressluft documents for each reason, telling the operator what to fix", (
        Property("each reason code with the guidance the contract's table gives it (support/pressluft/readiness.py "
                 "GUIDANCE, not read from the answer), and nothing more (digest §2.3 message format)",
                 (m("preflight_without_guidance", PREFLIGHT_SITE.format(2)),
                  m("preflight_without_guidance", PREFLIGHT_ENV))),
    )),
    Claim("no job was queued", (
        Property("no new job the refused creation could have queued: of the site (an environment creation); of the "
                 "attempted slug's site or of a site that is not listed (a site creation). Other operators' jobs, of "
                 "their own sites or nodes, do not count", (m("refusals_still_queue_jobs", PREFLIGHT_SITE.format(2)),
                                                            m("refusals_still_queue_jobs", PREFLIGHT_ENV))),
        Property("first, the job list shows the creation job of the run's live site, with its site and environment",
                 (m("jobs_list_shows_only_in_flight", PREFLIGHT_SITE.format(3)),)),
    )),
    Claim("no site was recorded", (
        Property("no site of the attempted slug is listed (other operators' new sites do not count)",
                 (m("refused_site_is_recorded", PREFLIGHT_SITE.format(1)),)),
        Property("first, the site list shows the run's live site",
                 (m("sites_list_hides_sites_on_unready_nodes", PREFLIGHT_SITE.format(1)),)),
    )),
    Claim("no environment was added to the site", (
        Property("the site's environments are unchanged, none of the attempted slug",
                 (m("refused_environment_is_recorded", PREFLIGHT_ENV),)),
        Property("first, the list shows the site's production",
                 (m("environments_list_hides_unready_nodes", PREFLIGHT_ENV),)),
    )),
    # -- the preflight while the target's first node is acquired (judged from what the run kept then) ----
    Claim("that creation is refused as blocked by node readiness, with the reasons the node list gives for that node", (
        Property("409 node_not_ready", (m("preflight_ignores_readiness", FIRST_NODE),)),
        Property("the message names exactly the reason codes the node was listed with, in the contract's order",
                 (m("preflight_names_no_reasons", FIRST_NODE), m("preflight_names_every_reason", FIRST_NODE))),
        Property("each with its guidance", (m("preflight_without_guidance", FIRST_NODE),)),
    )),
    Claim("no job was queued for it", (
        Property("no new job of the attempted slug's site or of a site that is not listed, in the job list read right "
                 "after the answer (node acquisitions do not count)", (m("refusals_still_queue_jobs", FIRST_NODE),)),
    )),
    Claim("no site was recorded for it", (
        Property("no site of the attempted slug among the sites listed right after the answer, nor among those "
                 "listed now", (m("refused_site_is_recorded", FIRST_NODE),)),
        Property("first, the list shows the run's own live site (none can exist while the target's first node is "
                 "acquired, so the claim is judged later)",
                 without_mutant="the same listing proof as 'no site was recorded' (support/checks/sites.py "
                                "no_site_recorded), broken there by sites_list_hides_sites_on_unready_nodes; a mutant "
                                "that hides sites only on nodes still being acquired would hide none by the time this "
                                "claim is judged"),
    )),
    # -- clone and staging environments ----------------------------------------------------------------
    Claim("the environment creation job succeeds", (
        Property("the env_create job the request queued ended succeeded", (m("env_create_fails", CLONE, JOB_FAILED),)),
        Property("it is the request's own: env_create, of the site, for a new environment, on production's node",
                 (m("env_job_names_source_environment", CLONE),)),
        Property("its record agrees with itself: created_at, started_at, finished_at in order, updated_at not before "
                 "created_at (the rules of every job, support/pressluft/records.py)",
                 (m("env_create_finished_before_started", CLONE),)),
        Property("its end is recorded exactly when it ended: a finished_at once it succeeded (a rule of every job)",
                 (m("succeeded_job_without_finished_at", CLONE),)),
        Property("the ids the contract declares uuids are uuids, the environment it names among them (the schema "
                 "check of every answer, first met by this claim's read of the job)",
                 (m("copy_ids_not_uuids", CLONE),)),
    )),
    Claim("the creation added exactly one environment to the site", (
        Property("the environment the creation job names bears the requested slug, belongs to the site and is "
                 "listed among its environments", (m("env_shown_under_other_site", CLONE),)),
        Property("the one environment the creation added: the only one the site lists that it did not list before, "
                 "its slug listed once", (m("env_create_records_twice", CLONE),)),
        Property("the site's environments list holds only the site's environments: every row's site_id (the scope "
                 "check of every listing, support/screenplay/questions.py)",
                 (m("environments_list_shows_other_sites", CLONE),)),
        Property("its record agrees with itself: updated_at not before created_at, a source exactly for a copy (the "
                 "rules of every environment)", (m("copy_updated_before_created", CLONE),
                                                 m("env_source_not_recorded", CLONE))),
        Property("its preview address is a URI, as the contract declares it (the schema check of every answer, first "
                 "met by this claim's read of the copy)", (m("copy_preview_without_scheme", CLONE),)),
    )),
    Claim("it is an active {type} environment, copied from production", (
        Property("status active", (m("env_create_leaves_cloning", CLONE), m("env_create_leaves_cloning", STAGING))),
        Property("environment_type is the requested type", (m("env_type_stored_as_clone", STAGING),)),
        Property("source environment is production", (m("env_source_unknown", CLONE),)),
    )),
    Claim("the site still has a single production environment", (
        Property("its creation recorded one site of its slug or name (the sites listed right after it that were not "
                 "listed before)", (m("site_create_records_twice", CLONE), m("site_create_records_twice", RESTORE))),
        Property("right after its creation the site listed one environment, its production, and it lists no other "
                 "production now", (m("site_create_records_two_productions", CLONE),
                                    m("site_create_records_two_productions", RESTORE))),
    )),
    Claim("it runs on the same node as production, a provider-acquired node", (
        Property("production's node is a provider-acquired one: the run's node (compared by id) when the target "
                 "lists one ready provider node; with several, a ready provider node in fact (not local, active, on a "
                 "real host) whose listed acquisition job succeeded (none listed: its own record), named in the report",
                 (m("production_on_local_node", CLONE), m("production_on_node_with_failed_acquisition", CLONE))),
        Property("production's node is the node the site's creation job names",
                 (m("site_jobs_on_another_node", CLONE),)),
        Property("the new environment is on production's node", (m("env_on_unknown_node", CLONE),)),
    )),
    Claim("it has a preview address of its own", (
        Property("a preview address no other environment of the site has, production's among them",
                 (m("preview_url_points_to_source", CLONE),)),
    )),
    Claim("the site is active again", (
        Property("the site is active again after a copy was made (not left cloning)",
                 (m("site_left_cloning_after_clone", CLONE), m("site_left_cloning_after_clone", STAGING))),
        Property("the site is active again after a restore (not left restoring)",
                 (m("site_left_restoring_after_restore", RESTORE),)),
    )),
    Claim("the site's other environments, production among them, are still active and unchanged: the same node, "
          "preview address, kind, name and source as before", (
        Property("every environment the site listed before the creation is listed with the same status, node, preview "
                 "address, type, slug and source", (m("env_create_changes_source", CLONE),)),
        Property("and active",
                 without_mutant="each was active before the creation (the Given made production live): a change of "
                                "status is the property above; tests/suite/test_placement_and_counts.py feeds an "
                                "unchanged production that is not active to the check"),
        Property("first, the list before the creation shows production",
                 without_mutant="no target defect hides production from the list read just before a creation while "
                                "the Given step before it and the claim after it find it listed; "
                                "tests/suite/test_placement_and_counts.py feeds such a list to the check"),
    )),
    Claim("the new environment's preview is reachable: it answers with a page or a redirect (200, 301 or 302), the "
          "redirect not followed", (
        Property("the preview of the environment the creation job names: 200, 301 or 302 within the preview budget",
                 (m("clone_preview_not_served", CLONE, UNREACHABLE, PREVIEW_BUDGET),)),
    )),
    # -- backups and restores --------------------------------------------------------------------------
    Claim("the backup job succeeds", (
        Property("the backup_create job ended succeeded", (m("backup_create_fails", BACKUP, JOB_FAILED),)),
        Property("it is the request's own: backup_create of production, of its site, on its node",
                 (m("backup_and_restore_jobs_without_node", BACKUP), m("backup_and_restore_jobs_on_another_node",
                                                                        BACKUP))),
        Property("no more attempts than the 3 the contract gives backup_create, on the success path too (a rule of "
                 "every job)", (m("backup_succeeds_after_too_many_attempts", BACKUP),)),
    )),
    Claim("production's backups list shows that backup, the only backup the job added", (
        Property("the backup with the job's id is listed for production", (m("backup_id_differs_from_job", BACKUP),)),
        Property("it is the one backup the request added: the only one listed that was not listed before it",
                 (m("backup_records_twice", BACKUP),)),
        Property("production's backups list holds only production's backups: every row's environment_id (the scope "
                 "check of every listing)", (m("backups_list_shows_other_environments", BACKUP),)),
        Property("its completed_at is an RFC 3339 date-time (the schema check of every answer, first met by this "
                 "claim's read of the backups)", (m("backup_completed_at_not_rfc3339", BACKUP),)),
    )),
    Claim("that backup is completed and full, with a checksum (sha256) and a size above zero", (
        Property("status completed", (m("backup_left_running", BACKUP),)),
        Property("backup_scope full", (m("backup_scope_stored_as_db", BACKUP),)),
        Property("checksum sha256: and 64 hex digits", (m("backup_checksum_not_sha256", BACKUP),)),
        Property("a positive size_bytes", (m("backup_size_zero", BACKUP),)),
        Property("its completed_at not before its created_at (a rule of every backup)",
                 (m("backup_completed_before_created", BACKUP),)),
        Property("a completed backup says when it completed (a rule of every backup)",
                 (m("completed_backup_without_completed_at", BACKUP),)),
    )),
    Claim("the restore job succeeds", (
        Property("the env_restore job ended succeeded", (m("restore_fails", RESTORE, JOB_FAILED),)),
        Property("it is the request's own: env_restore of production, of its site, on its node",
                 (m("backup_and_restore_jobs_without_node", CONTENT), m("backup_and_restore_jobs_on_another_node",
                                                                         CONTENT))),
        Property("its record agrees with itself: updated_at not before created_at (a rule of every job)",
                 (m("restore_job_updated_before_created", RESTORE),)),
        Property("it was claimed before it succeeded: at least one attempt, a started_at (a rule of every job)",
                 (m("succeeded_job_never_started", RESTORE),)),
    )),
    Claim("that restore took a full checkpoint of production, and that checkpoint is the only backup the restore "
          "added", (
        Property("a backup not listed before the restore is listed", (m("restore_skips_checkpoint", RESTORE),)),
        Property("it is the one backup the restore added: the only one listed that was not listed before it",
                 (m("restore_records_two_checkpoints", RESTORE),)),
        Property("it is a full backup", (m("checkpoint_not_full", RESTORE),)),
        Property("completed with a sha256 checksum and a positive size", (m("checkpoint_without_checksum", RESTORE),)),
        Property("taken while that restore job ran", (m("checkpoint_taken_after_restore", RESTORE),)),
    )),
    Claim('the checkpoint that restore took holds "{content}", what production showed just before the restore', (
        Property("it holds that content, the content the scenario last made production show (read where the target "
                 "can show what a backup holds; a target that cannot, a real Pressluft, shows nothing of it: not shown "
                 "on this target)", (m("checkpoint_holds_restored_content", CONTENT),)),
        Property("it is the one backup the restore added: a backup not listed before the restore is listed",
                 (m("restore_skips_checkpoint", CONTENT),)),
        Property("taken while that restore job ran", (m("checkpoint_taken_after_restore", CONTENT),)),
        Property("the only one added, a completed full backup with a sha256 checksum and a positive size",
                 without_mutant="the same check of the restore's checkpoint (support/checks/backups.py "
                                "_the_checkpoint) as 'that restore took a full checkpoint of production, and that "
                                "checkpoint is the only backup the restore added', broken there by "
                                "restore_records_two_checkpoints, checkpoint_not_full and checkpoint_without_checksum"),
    )),
    Claim("production is active again, on the provider-acquired node it was on before", (
        Property("status active", (m("restore_leaves_restoring", RESTORE),)),
        Property("on the node it was on before the restore", (m("restore_moves_environment", RESTORE),)),
        Property("still a production, with no source environment (a rule of every environment: a source exactly for "
                 "a copy)", (m("restore_sets_production_source", RESTORE),)),
        Property("that node is the node the site's creation job names", (m("site_jobs_on_another_node", RESTORE),)),
        Property("that node is a provider-acquired one (the placement rule of the clone claim)",
                 (m("production_on_local_node", RESTORE), m("production_on_node_not_acquired", RESTORE))),
    )),
    Claim("production's preview is reachable: it answers with a page or a redirect (200, 301 or 302), the redirect not "
          "followed", (
        Property("200, 301 or 302 within the preview budget", (m("restored_preview_down", RESTORE, UNREACHABLE,
                                                                 PREVIEW_BUDGET),)),
    )),
    Claim('the preview of production shows "{content}" again, with no trace of {replaced}', (
        Property("the preview answers 200 with the content of the backup the restore was given",
                 (m("restore_keeps_content", CONTENT), m("restore_uses_newest_backup", CONTENT))),
        Property("none of the contents the restore replaced is left", (m("restore_merges_content", CONTENT),)),
    )),
    Claim("the restore is refused, because that backup {reason}", (
        Property("400 bad_request", tuple(m("restore_accepts_incomplete_backup", INCOMPLETE.format(row))
                                          for row in (1, 2)) + (m("restore_accepts_foreign_backup", FOREIGN),)),
        Property("also for a backup of the site's clone (ownership checked by environment, not by site)",
                 (m("restore_checks_owner_site_only", FOREIGN),)),
    )),
    Claim("no restore was queued", (
        Property("no new job for production", (m("refusals_still_queue_jobs", FOREIGN),
                                               m("refusals_still_queue_jobs", INCOMPLETE.format(1)))),
        Property("first, the job list shows the jobs this run made (the site's creation, the backups' jobs)",
                 (m("jobs_list_shows_only_in_flight", FOREIGN),)),
        Property("with the environment they belong to (the scope the claim reads)",
                 (m("jobs_listed_without_environment", INCOMPLETE.format(1)),)),
    )),
    Claim("no checkpoint or other backup of production was recorded", (
        Property("production lists no backup it did not list just before the restore: no checkpoint, no other",
                 (m("refused_restore_leaves_checkpoint", FOREIGN),
                  m("refused_restore_leaves_checkpoint", INCOMPLETE.format(2)))),
        Property("first, the list shows the backups of production the scenario made (none: not shown on this "
                 "target)",
                 without_mutant="the scenario's own backup of production was found in the same list by its Given "
                                "step (support/checks/backups.py backup_made_by): a list that hides it fails there; "
                                "tests/suite/test_evidence_or_nothing.py feeds such a list to the check"),
    )),
    Claim("production and its site stay active", (
        Property("status active", (m("refused_restore_leaves_restoring", FOREIGN),
                                   m("refused_restore_leaves_restoring", INCOMPLETE.format(2)))),
        Property("its site stays active", (m("refused_restore_leaves_site_restoring", FOREIGN),
                                           m("refused_restore_leaves_site_restoring", INCOMPLETE.format(1)))),
    )),
    # -- the smoke commands ----------------------------------------------------------------------------
    Claim("the smoke passes, exiting with status 0", (
        Property("exit 0 after at least one passed scenario, no failure line (here: what the smoke checks besides "
                 "what it made, its site active again)",
                 (m("site_left_restoring_after_restore", BACKUP_SMOKE),)),
        Property("a smoke that failed is reported with its own verdict: its category, command, job and reason",
                 (m("env_create_fails", RESUMED, JOB_FAILED),)),
        Property("previews that answer a redirect, 301 or 302, count as reachable (the smoke's rule, the redirect not "
                 "followed): the smoke passes", (m("redirects_answered_as_307", REDIRECTS_PASS, UNREACHABLE,
                                                   PREVIEW_BUDGET),)),
    )),
    Claim("the smoke's report shows the clone's preview reachable on its answer, a redirect ({clone:d}), and the "
          "staging environment's on its answer, a redirect ({staging:d}), neither redirect followed", (
        Property("the smoke's wait for each copy's preview (its wait log) ended done on a look that got that answer, "
                 "as it came: not a 200, and not what following the redirect would get",
                 (m("redirects_answered_as_200", REDIRECTS_PASS),)),
        Property("the copies are the smoke site's clone and staging environment, each made by a creation job that "
                 "succeeded", without_mutant="the same reading of the smoke's copies (support/checks/smoke_records.py "
                 "smoke_copies) as 'it made a new site on the provider-acquired node, and a clone and a staging "
                 "environment of its production, both active on that node', whose mutants break it there; "
                 "tests/suite/test_smoke_outcomes.py feeds a wait log without the copy's preview"),
    )),
    # -- what a smoke made, judged from what it left on the target and what it reported -------------------
    Claim("it made a new site on the provider-acquired node", (
        Property("a new site, named with the smoke's run id, made by a site creation job of its own that succeeded, "
                 "its production on the scenario's provider-acquired node (the placement rule, "
                 "support/checks/placement.py), the node that job names",
                 (m("production_on_local_node", CLONE_SMOKE),)),
        Property("the site's environments, as listed, are its own", (m("env_shown_under_other_site", CLONE_SMOKE),)),
    )),
    Claim("it made a clone and a staging environment of that site's production, both active on its node", (
        Property("an env_create job of the smoke's site names each, as the smoke named it when it asked for that "
                 "type, and succeeded", (m("env_create_fails", CLONE_SMOKE, JOB_FAILED),)),
        Property("each is of the smoke's site", without_mutant="a listing that shows another site's environment fails "
                 "one step earlier, where the smoke's site is read (env_shown_under_other_site); "
                 "tests/suite/test_smoke_outcomes.py feeds a copy of another site"),
        Property("each is active", (m("env_create_leaves_cloning", CLONE_SMOKE),)),
        Property("each is of the type the smoke asked for", (m("env_type_stored_as_clone", CLONE_SMOKE),)),
        Property("each is copied from production", (m("env_source_not_recorded", CLONE_SMOKE),)),
        Property("each is on production's node", (m("env_on_unknown_node", CLONE_SMOKE),)),
        Property("each has a preview address of its own", (m("preview_url_points_to_source", CLONE_SMOKE),)),
        Property("production's node is a provider-acquired node, listed ready and ready in fact",
                 without_mutant="it is the node the scenario's Given found ready, where 'that node is ready, with no "
                                "readiness problem reported' and its mutants judge it: a defect that makes it unready "
                                "fails that Given first; tests/suite/test_smoke_outcomes.py feeds a local node"),
    )),
    Claim("the previews of both are reachable: each answers with a page or a redirect (200, 301 or 302), the redirect "
          "not followed", (
        Property("the clone's and the staging environment's previews: 200, 301 or 302 within the preview budget",
                 (m("staging_preview_not_served", CLONE_SMOKE, UNREACHABLE, PREVIEW_BUDGET),)),
    )),
    Claim("it made a full backup of the production of a new site on the provider-acquired node, listed with a sha256 "
          "checksum and a positive size", (
        Property("a new site, named with the smoke's run id, made by a site creation job of its own that succeeded, "
                 "its production on the scenario's provider-acquired node, as the clone smoke's (the placement rule, "
                 "support/checks/placement.py), the node that job names",
                 (m("production_on_local_node", BACKUP_SMOKE),)),
        Property("the backup_create job of the smoke's production succeeded", (m("backup_create_fails", BACKUP_SMOKE,
                                                                                  JOB_FAILED),)),
        Property("it is of production, of the smoke's site, on production's node",
                 (m("backup_and_restore_jobs_without_node", BACKUP_SMOKE),)),
        Property("the backup with the job's id is listed for production", (m("backup_id_differs_from_job",
                                                                             BACKUP_SMOKE),)),
        Property("status completed", (m("backup_left_running", BACKUP_SMOKE),)),
        Property("backup_scope full", (m("backup_scope_stored_as_db", BACKUP_SMOKE),)),
        Property("checksum sha256: and 64 hex digits", (m("backup_checksum_not_sha256", BACKUP_SMOKE),)),
        Property("a positive size_bytes", (m("backup_size_zero", BACKUP_SMOKE),)),
    )),
    Claim("it restored production on the provider-acquired node, the node it backed up from, with a full checkpoint "
          "of production taken first", (
        Property("the env_restore job of the smoke's production succeeded", (m("restore_fails", BACKUP_SMOKE,
                                                                               JOB_FAILED),)),
        Property("it is of production, of the smoke's site, on production's node",
                 without_mutant="the same job matcher as the backup's in the claim before it, broken there by "
                                "backup_and_restore_jobs_without_node"),
        Property("a backup of production other than the smoke's is listed", (m("restore_skips_checkpoint",
                                                                               BACKUP_SMOKE),)),
        Property("it is a full backup", (m("checkpoint_not_full", BACKUP_SMOKE),)),
        Property("completed with a sha256 checksum and a positive size", (m("checkpoint_without_checksum",
                                                                            BACKUP_SMOKE),)),
        Property("taken while that restore job ran", (m("checkpoint_taken_after_restore", BACKUP_SMOKE),)),
    )),
    Claim("its production is active again, and its preview is reachable: it answers with a page or a redirect (200, "
         "301 or 302), the redirect not followed", (
        Property("production (of the smoke's site) is active", (m("restore_leaves_restoring", BACKUP_SMOKE),)),
        Property("its preview answers 200, 301 or 302 within the preview budget",
                 (m("restored_preview_down", BACKUP_SMOKE, UNREACHABLE, PREVIEW_BUDGET),)),
    )),
    Claim("it asked Pressluft for one new node, which Pressluft acquired and reported ready", (
        Property("of the nodes not listed before it, one, named for the smoke's run (<run id>-run-node), and none "
                 "other with its run id", (m("node_request_acquires_twice", SMOKE_ACQUIRES),
                                     m("node_name_ignored", SMOKE_ACQUIRES))),
        Property("one acquisition job of that node, which succeeded; the node ready, ready in fact (the checks of "
                 "'once Pressluft has acquired it, that node is ready, with no readiness problem reported')",
                 (m("node_never_ready", SMOKE_ACQUIRES, NOT_READY, NODE_BUDGET),)),
    )),
    Claim("it made its new site on that node", (
        Property("a new site, named with the smoke's run id, made by a site creation job of its own that succeeded, "
                 "its production on the node the smoke acquired (the placement rule, support/checks/placement.py), "
                 "the node that job names", (m("production_on_local_node", SMOKE_ACQUIRES),)),
    )),
    Claim("it asked for no node of its own", (
        Property("no node named with the smoke's run id; one acquisition job for the node being acquired when it "
                 "started", (m("node_jobs_listed_without_node", SMOKE_WAITS),)),
        Property("first, the job list shows that node's acquisition job",
                 (m("jobs_list_shows_only_in_flight", SMOKE_WAITS),)),
    )),
    Claim("it waited for the node being acquired, which the node list showed not ready until Pressluft had acquired "
          "it", (
        Property("its wait log holds its wait for that node's acquisition job: it found the node being acquired and "
                 "waited for it (a smoke that reused a node, or failed before, fails here with its own verdict)",
                 (m("acquiring_node_listed_ready", SMOKE_WAITS),)),
        Property("at every look of that wait while the job was in flight, the node was listed not ready, with reasons",
                 without_mutant="a node listed ready while it is acquired is reused, not waited for: the property "
                                "before it fails first (acquiring_node_listed_ready); "
                                "tests/suite/test_smoke_outcomes.py feeds a wait log with such a look"),
        Property("the node is ready now, ready in fact, made by an acquisition job that succeeded",
                 (m("node_never_ready", SMOKE_WAITS, NOT_READY, NODE_BUDGET),)),
    )),
    # -- AC-5 where the run waits for a node being acquired (the target's first, on a real Pressluft) -------
    Claim("that node was reported not ready, with its reasons, each time the operator checked it while Pressluft "
          "acquired it", (
        Property("at every look of the run's wait while the acquisition job was in flight (the node listed first): "
                 "listed, not ready, with reason codes",
                 (m("acquiring_node_listed_ready", POLLED), m("node_ready_while_acquiring", POLLED))),
        Property("the provider node of the name the run requested", (m("node_name_ignored", POLLED),)),
        Property("at least one look while the acquisition was in flight",
                 without_mutant="a wait that saw none proves nothing either way, so the scenario is skipped with that "
                                "reason rather than failed; tests/suite/test_acquisition_proof.py feeds such a wait"),
    )),
    Claim("it became ready without the operator asking for it again", (
        Property("the node becomes ready, ready in fact, made by the acquisition job that succeeded",
                 (m("node_never_ready", POLLED, NOT_READY, NODE_BUDGET),)),
        Property("one request of its name by the operator, one node of that name, one acquisition job",
                 (m("node_request_acquires_twice", POLLED),)),
        Property("first, the job list shows that acquisition job", (m("jobs_list_shows_only_in_flight", POLLED),)),
    )),
    Claim(r"(?P<who>the smoke|each smoke) exits with status (?P<status>\d+)(?: within (?P<seconds>\d+) seconds)?, "
          r"reporting (?P<words>.+)", (
        Property("one failure line of the category the words name",
                 (m("preflight_ignores_readiness", AT_SITE), m("preflight_ignores_readiness", AT_CLONE),
                  m("cancelled_job_reported_running", CANCELLED, CV, JOB_BUDGET),
                  m("hung_jobs_fail_with_job_timeout", HANGS.format(1)),
                  m("hung_jobs_fail_with_job_timeout", HANGS.format(2)),
                  m("restore_fails", SILENT),
                  m("hung_jobs_fail_with_job_timeout", SMOKE_NODE_WAIT_ENDS),
                  m("preview_url_points_to_source", UNREACHABLE_SMOKE.format(2)))),
        Property("a page not found (404) and another kind of redirect (307) are not reachable (the smoke's rule): the "
                 "smoke fails on them", (m("other_answers_answered_as_302", UNREACHABLE_SMOKE.format(1)),
                                          m("other_answers_answered_as_302", UNREACHABLE_SMOKE.format(3)))),
        Property("the exit status the sentence gives, which a resume-run loop acts on (1 Pressluft failed a check, 2 "
                 "the control plane could not be judged)",
                 without_mutant="the status follows from the line's category in the suite's own code "
                                "(support/verdicts/categories.py exit_status), so no target defect changes one without "
                                "the other; tests/suite/test_checks.py feeds a run whose status is not its line's "
                                "category's, and a sentence whose status is not its words' category's"),
        Property("within the seconds the sentence gives", without_mutant="no target is involved in the scenarios "
                 "that state a time (no control plane is there, or the smoke stops at its settings); "
                 "tests/suite/test_checks.py checks that a slow failure fails the check"),
    )),
    Claim("its failure names the {request} and its job id", (
        Property("the command of that request of the smoke's site, and the job Pressluft lists for it",
                 (m("backup_create_fails", RESTORE_FAILS),)),
        Property("that job is the request's: its type, the smoke's site, the environment it acts on, production's "
                 "node", (m("jobs_listed_without_environment", CLONE_FAILS),
                          m("env_job_names_source_environment", CLONE_FAILS))),
        Property("the node acquisition (the request of a node) and its job: the one node_provision job of the one node "
                 "named with the smoke's run id, found by that node's id", (
                     m("node_jobs_listed_without_node", SMOKE_ACQUISITION_FAILS),
                     m("node_jobs_listed_without_node", SMOKE_NODE_WAIT_ENDS))),
    )),
    Claim("its failure names the refused {request}, says no job was queued, and gives the reasons: {why} ({codes})", (
        Property("the reasons of the preflight", (m("preflight_names_no_reasons", AT_SITE),
                                                 m("preflight_names_no_reasons", AT_CLONE))),
        Property("exactly the node's codes, in the contract's order, each with its guidance, nothing more",
                 (m("preflight_names_every_reason", AT_SITE), m("preflight_reasons_unordered", AT_SITE),
                  m("preflight_without_guidance", AT_SITE), m("preflight_names_every_reason", AT_CLONE))),
        Property("the refused request, and no job", without_mutant="a refused creation queues nothing, so no target "
                 "defect makes the smoke name a job here; " + SMOKE_DIAGNOSIS_ONLY),
    )),
    Claim(r"(?P<who>its|each smoke's) failure gives the reason \"(?P<reason>[^\"]*)\"", (
        Property("the job's error code and message", (m("failed_job_loses_error", CLONE_FAILS),
                                                      m("failed_job_loses_error", STAGING_FAILS),
                                                      m("failed_job_loses_error", BACKUP_FAILS),
                                                      m("failed_job_loses_error", SMOKE_ACQUISITION_FAILS))),
        Property("a setting the smoke cannot use: its name, what it must be and the value given",
                 without_mutant="no target is involved: the smoke stops while it reads its settings, before it "
                                "reaches any control plane; tests/suite/test_config.py checks the words of each "
                                "setting's error"),
    )),
    Claim(r"(?P<who>its|the clone preview smoke's|the backup and restore smoke's) failure names the "
          r"(?P<request>clone creation|restore) and its job id, (?P<preview>the new clone's|production's) preview "
          r"address, and its last answer, \"(?P<answer>[^\"]+)\", when the (?P<seconds>\d+(?:\.\d+)?)-second wait "
          r"ended", (
        Property("the last answer the preview gave, and the time the When step allowed it",
                 (m("clone_preview_not_served", UNREACHABLE_SMOKE.format(1)), m("clone_preview_not_served", SILENT),
                  m("restored_preview_down", SILENT))),
        Property("production's preview after the restore, and the restore job",
                 without_mutant="the smoke probes the address restored production shows, naming the restore job it "
                                "waited for, so no target defect changes one without the other; "
                                "tests/suite/test_checks.py feeds a failure naming another job and the clone's "
                                "preview"),
        Property("the command GET of the preview address of the clone the smoke site's env_create job made",
                 without_mutant="the smoke probes the address the clone shows, and a clone that shows another's (or a "
                                "job that names another environment) fails the smoke's own checks first, as a "
                                "contract violation: 'the smoke exits with status 1, reporting an unreachable preview' "
                                "fails then (preview_url_points_to_source); tests/suite/test_checks.py feeds a failure "
                                "naming production's preview"),
        Property("the job named is that env_create job, the clone's creation",
                 without_mutant="the smoke names the job whose environment's preview it waited for, the job it read "
                                "the clone from, so no target defect changes one without the other; "
                                "tests/suite/test_checks.py feeds a failure naming another job"),
    )),
    Claim(r"its failure says the node acquisition was still running, and the node not ready, when the "
          r"(?P<seconds>\d+(?:\.\d+)?)-second wait ended", (
        Property("the acquisition's last state: running", (m("running_job_reported_queued", SMOKE_NODE_WAIT_ENDS),)),
        Property("the node not ready, with its reasons and status, in the line and in the node list now",
                 (m("acquiring_node_listed_ready", SMOKE_NODE_WAIT_ENDS),
                  m("node_ready_while_acquiring", SMOKE_NODE_WAIT_ENDS))),
        Property("the time the When step allowed its node", without_mutant="the budget is the smoke's own setting, "
                 "which no target can change; tests/suite/test_checks.py feeds a line with another budget"),
    )),
    Claim(r"its failure says the job was still running when the (?P<seconds>\d+(?:\.\d+)?)-second wait ended", (
        Property("the job's last state, and the time the When step allowed each job",
                 (m("running_job_reported_queued", HANGS.format(1)),
                  m("running_job_reported_queued", HANGS.format(2)))),
    )),
    Claim('the {request} job had ended failed, {attempts}, with the error "{code}", before the smoke reported it', (
        Property("failed with that code after max_attempts attempts, each retry scheduled (after its 3 attempts)",
                 (m("retryable_errors_are_terminal", CLONE_FAILS),)),
        Property("the attempts are those the contract gives the job's type (3 for env_create, 1 for env_restore), "
                 "not what the job says", (m("env_create_single_attempt", CLONE_FAILS),
                                           m("restore_retried", RESTORE_FAILS))),
        Property("without a retry: one attempt, for an error Pressluft does not retry (ANSIBLE_SYNTAX_ERROR, a "
                 "provider error given as final) or a job whose every failure is final (backup_create)",
                 (m("non_retryable_errors_retried", STAGING_FAILS), m("backup_create_retried", BACKUP_FAILS),
                  m("non_retryable_errors_retried", SMOKE_ACQUISITION_FAILS))),
        Property("the smoke reported it only once the job had ended: its wait for that job ended on a look that saw "
                 "the job as it ended (status, attempt, finished_at), not on a failed attempt before it",
                 (m("first_retry_wait_shown_failed", CLONE_FAILS),)),
        Property("the job of that request of the smoke's site, or of the node it asked for",
                 without_mutant=SAME_SMOKE_JOB),
    )),
    Claim("the clone creation job succeeded", (
        Property("the clone creation job of the smoke's site ended succeeded: the smoke failed on what came after it, "
                 "not on a failed job", (m("env_create_fails", UNREACHABLE_SMOKE.format(1), JOB_FAILED),)),
        Property("it is the job the job list shows making the site's clone: env_create, of the smoke's site, naming "
                 "that clone, on production's node",
                 (m("jobs_listed_without_environment", UNREACHABLE_SMOKE.format(1)),)),
    )),
    Claim("the new {copy} and its site are marked failed, not active", (
        Property("the environment the smoke site's env_create job names is a copy of that type of that site",
                 without_mutant="the job naming another environment is caught one step earlier, by the same "
                                "smoke scenario's 'its failure names the {request} and its job id' "
                                "(env_job_names_source_environment); tests/suite/test_checks.py feeds a job naming "
                                "production to the check"),
        Property("it is failed", (m("failed_job_marks_active", CLONE_FAILS), m("failed_job_marks_active",
                                                                                STAGING_FAILS))),
        Property("the smoke's site is failed too", (m("failed_job_leaves_site_active", CLONE_FAILS),)),
    )),
    Claim("production and its site are marked failed, not active", (
        Property("the environment the smoke site's env_restore job names is that site's production",
                 without_mutant="the same matcher properties (type, site) as the clone's, broken there by "
                                "env_job_names_source_environment; tests/suite/test_checks.py feeds a restore job "
                                "naming the clone to the check"),
        Property("it is failed", (m("failed_job_marks_active", RESTORE_FAILS),)),
        Property("the smoke's site is failed too", (m("failed_job_leaves_site_active", RESTORE_FAILS),)),
    )),
    # -- the smoke in a resume-run loop --------------------------------------------------------------------
    Claim("both runs exit with status {status:d} and report the failure in the same words, apart from each run's "
          "ids, site and environment names, preview addresses and durations", (
        Property("the two failure lines are the same once ids, addresses and durations are masked (the one rule: "
                 "support/verdicts/failure.py masked)", (m("failed_job_error_timestamped", TWICE),)),
        Property("each run exits with the status the sentence gives and its one failure line, naming its own run's "
                 "clone creation job (two runs, two jobs)", (m("env_job_names_source_environment", TWICE),)),
    )),
    Claim("it reused a node that was already ready, without asking for another", (
        Property("neither run asked for a node, and the second run's site is on a node listed before the failed run",
                 (m("failed_job_marks_node_unready", RESUMED),)),
        Property("first, the node list shows the run's node",
                 without_mutant="both smoke runs wait for that node in the same list before they make anything, so a "
                                "list that hides it fails the smoke first; tests/suite/test_checks.py feeds a list "
                                "without it"),
    )),
    Claim("its output lists what the failed run left behind: its site and its failed clone", (
        Property("the failed run, by its run id, and its site, by id and slug, in the state Pressluft gives it now",
                 without_mutant="the smoke reads the run id from the reports folder the two runs share, and the check "
                                "reads the site by its id as the smoke does, so no target defect changes one without "
                                "the other; tests/suite/test_checks.py feeds output naming another run, another site "
                                "and another state"),
        Property("the clone its environment creation made (found by that job), by its id",
                 (m("environments_list_hides_failed", RESUMED),)),
        Property("said to be failed", (m("failed_job_marks_active", RESUMED),)),
    )),
)


def mutants() -> list[Mutant]:
    """Every (defect, scenario) run, once, in catalogue order."""
    seen, found = set(), []
    for claim in CLAIMS:
        for mutant in claim.mutants:
            if mutant.key not in seen:
                seen.add(mutant.key)
                found.append(mutant)
    return found


def claims_of(mutant: Mutant) -> list[Claim]:
    return [claim for claim in CLAIMS if any(candidate.key == mutant.key for candidate in claim.mutants)]


def figure() -> str:
    runs = mutants()
    return f"claims {len(CLAIMS)}, mutants {len({mutant.defect for mutant in runs})}, mutant runs {len(runs)}"


def render() -> str:
    lines = ["# Claims: what each Then step checks, and the mutant that breaks it", "",
             "Generated by `python -m tools.claims` from tools/claims.py; do not edit by hand.", "",
             "Every Then step of `features/wave5` is a claim about Pressluft. Each property it checks is broken by "
             "a reference mutant (`python -m pressluft_reference --defect NAME`, a control plane that behaves the "
             "way a buggy Pressluft would), and `tests/acceptance/test_claims_fail_on_mutants.py` proves that the "
             "scenario fails **at that step**, with that category, while the unmutated reference passes them all.",
             "", f"Figure: {figure()}.", ""]
    for claim in CLAIMS:
        lines += [f"## Then {claim.step}", "", "| property | mutant | scenario | category |", "|---|---|---|---|"]
        for prop in claim.properties:
            if not prop.mutants:
                lines.append(f"| {prop.text} | — | {prop.without_mutant} | |")
            for mutant in prop.mutants:
                lines.append(f"| {prop.text} | `{mutant.defect}` | {mutant.scenario.strip()} | `{mutant.category}` |")
        lines.append("")
    return "\n".join(lines).replace("|  |", "| |")


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        if not DOC.exists() or DOC.read_text() != text:
            print("claims: docs/claims.md is stale; run python -m tools.claims", file=sys.stderr)
            return 1
        return 0
    DOC.write_text(text)
    print(f"wrote {DOC.relative_to(ROOT)}: {figure()}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
