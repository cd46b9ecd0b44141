"""Mutant targets for proving the suite (`--defect NAME`, repeatable; never switchable over HTTP).

Each defect is one small code path that makes the reference behave the way a buggy Pressluft would, so that
tests/acceptance/test_scenarios_fail_on_defects.py can show every scenario failing for the reason its name says.
Without `--defect` none of these paths is taken and the reference is unchanged.
"""

DEFECTS = {
    "env_create_leaves_cloning": "a succeeded env_create leaves the environment (and site) cloning (IMPL bug, §9.11)",
    "failed_job_marks_active": "a failed or cancelled env_create/env_restore leaves its environment and site active",
    "failed_job_marks_node_unready": "a failed or cancelled env_create/env_restore marks its node unreachable (not "
                                     "ready), so that the next flow finds no ready node",
    "failed_job_error_timestamped": "a job that fails for good stores its error message with the time it failed "
                                    "appended",
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
    # nodes and providers
    "ready_node_keeps_reason_codes": "a ready node reports is_ready true but also reason_codes [runtime_missing]",
    "node_request_acquires_twice": "one POST /api/nodes creates two nodes (same name), each with a node_provision job",
    "reconnect_acquires_nodes_again": "connecting the provider again, while one of its nodes is ready, acquires every "
                                      "node requested by name so far a second time: a new node of the same name, "
                                      "with its node_provision job",
    "node_ready_while_acquiring": "a node whose host is still pending.provider is reported ready (IMPL, §9.8)",
    "acquiring_node_listed_ready": "GET /api/nodes lists a node whose node_provision is in flight as ready (no reason "
                                   "codes), while the create preflight still refuses it",
    "degraded_without_guidance": "a degraded provider connection has guidance []",
    "degraded_provider_acquires": "POST /api/nodes accepts a degraded provider",
    "preflight_names_no_reasons": "the node_not_ready 409 says only 'target node is not ready', without details",
    # jobs and retries
    "retry_forgets_error": "a job waiting to retry has error_code and error_message cleared",
    "retry_without_run_after": "a job waiting to retry has run_after null (claimed again at once)",
    "retry_duplicates_job": "a re-queued node_provision claimed again enqueues a second node_provision for its node",
    "failed_job_loses_error": "a job that fails for good stores error_code and error_message null",
    "non_retryable_errors_retried": "a non-retryable error is re-queued like a retryable one while attempts remain",
    "restore_retried": "env_restore jobs get max_attempts 3 and retryable errors are re-queued",
    "backup_create_retried": "backup_create jobs re-queue a retryable error like other jobs (not forced non-retryable)",
    "running_job_reported_queued": "the jobs API reports a running job as queued",
    "first_retry_wait_shown_failed": "a job waiting for its first retry (which it waits at least 0.5 s for) is shown "
                                     "failed and finished, with its error, by the jobs API: a failed attempt shown "
                                     "as the job's end, while the job goes on to its other attempts",
    "hung_jobs_fail_with_job_timeout": "a job still running 1 s after its claim (0.2 s when a hang fault holds it) "
                                       "fails for good with JOB_TIMEOUT",
    "env_create_fails": "every env_create fails for good on its first attempt with ANSIBLE_SYNTAX_ERROR",
    "backup_create_fails": "every backup_create fails for good on its first attempt with ANSIBLE_SYNTAX_ERROR",
    "restore_fails": "every env_restore fails for good on its first attempt with ANSIBLE_SYNTAX_ERROR",
    # environments and previews
    "env_type_stored_as_clone": "a new staging or clone environment is stored with environment_type clone",
    "env_source_not_recorded": "a new environment is stored with source_environment_id null",
    "env_source_unknown": "a new environment is stored with a source_environment_id that names no environment",
    "env_on_unknown_node": "a new environment is stored on a random node id, not its source's node",
    "clone_preview_not_served": "the preview of a clone or staging environment refuses connections",
    "staging_preview_not_served": "the preview of a staging environment refuses connections (a clone's answers)",
    "preview_url_points_to_source": "a clone or staging environment's preview_url is its source's",
    "redirects_answered_as_307": "a preview fault asking for a 301 or 302 answers 307 (same Location)",
    "redirects_answered_as_200": "a preview fault asking for a 301 or 302 answers 200 (the page, same Location)",
    "other_answers_answered_as_302": "a preview fault asking for another redirect (303, 307, 308) or a 4xx answers 302 "
                                     "(same Location; the smoke would count it reachable)",
    # backups and restores
    "backup_id_differs_from_job": "a backup's id is a new UUID, not the id of its backup_create job",
    "backup_left_running": "a succeeded backup_create leaves its backup running, without checksum or size",
    "backup_scope_stored_as_db": "every backup (not the checkpoint) is stored with backup_scope db",
    "backup_checksum_not_sha256": "completed backups record sha256: and only 32 hex digits",
    "backup_size_zero": "completed backups (not the checkpoint) record size_bytes 0",
    "checkpoint_not_full": "the pre-restore checkpoint is stored with backup_scope db",
    "checkpoint_without_checksum": "the pre-restore checkpoint is stored completed with checksum null",
    "checkpoint_taken_after_restore": "the pre-restore checkpoint is taken after the restore "
                                      "(holds the restored content)",
    "restore_leaves_restoring": "a succeeded env_restore leaves the environment and site restoring",
    "restored_preview_down": "after a succeeded restore the environment's preview refuses connections",
    # the right object, and every record it touches
    "env_job_names_source_environment": "the jobs API shows an env_create job with its source environment's id "
                                        "as environment_id",
    "backup_and_restore_jobs_without_node": "the jobs API shows backup_create and env_restore jobs with node_id null",
    "env_shown_under_other_site": "a clone or staging environment is shown with a site_id that is not its site's "
                                  "(its site still lists it)",
    "site_left_cloning_after_clone": "a succeeded env_create makes the environment active but leaves its site cloning",
    "site_left_restoring_after_restore": "a succeeded env_restore makes the environment active but leaves its site "
                                         "restoring",
    "failed_job_leaves_site_active": "a failed or cancelled env_create/env_restore marks its environment failed but "
                                     "its site active",
    "refused_restore_leaves_site_restoring": "a restore refused with 400 leaves the site (not the environment) "
                                             "restoring",
    "restore_uses_newest_backup": "a restore brings back the newest completed backup of the environment, not the "
                                  "one it was given",
    "restore_merges_content": "a restore adds the backed-up content to the current content instead of replacing it",
    "checkpoint_holds_restored_content": "the pre-restore checkpoint, taken while the restore runs, holds the "
                                         "backed-up content instead of production's",
    # refusals
    "refusals_still_queue_jobs": "a refused create, restore or node request still inserts a queued job",
    "refused_site_is_recorded": "a site refused by the readiness preflight is stored anyway (with production)",
    "refused_environment_is_recorded": "an environment refused by the readiness preflight is stored anyway (cloning)",
    "refused_restore_leaves_restoring": "a restore refused with 400 leaves the environment restoring",
    "refused_restore_leaves_checkpoint": "a restore refused with 400 records a completed pre-restore checkpoint of the "
                                         "environment anyway (without queueing a job)",
    "refused_node_request_is_recorded": "a node request refused because the provider is not connected records the "
                                        "node anyway (provisioning, without queueing a job)",
    "restore_checks_owner_site_only": "a restore checks that the backup belongs to the environment's site, not to the "
                                      "environment (a backup of another environment of the same site is restored)",
    # which node, which job, which listing (issue 18: green pins identity)
    "ready_node_not_active": "a provisioned node stays provisioning, and readiness ignores the status (ready)",
    "acquired_node_keeps_pending_host": "acquisition leaves the host pending.provider, and the probe answers anyway",
    "node_name_ignored": "POST /api/nodes ignores the name it is given: every node is named <provider_id>-node",
    "ready_node_with_failed_acquisition": "the reference starts with a ready provider node whose node_provision job "
                                          "failed",
    "node_job_type_misreported": "the jobs API shows node_provision jobs with job_type provision",
    "node_jobs_listed_without_node": "the jobs API shows node_provision jobs with node_id null",
    "jobs_list_shows_only_in_flight": "GET /api/jobs lists only queued and running jobs",
    "jobs_listed_without_environment": "the jobs API shows every job but site_create with environment_id null",
    "sites_list_hides_sites_on_unready_nodes": "GET /api/sites lists only sites whose production node is ready",
    "environments_list_hides_failed": "GET /api/sites/{id}/environments lists no failed environment",
    "environments_list_hides_unready_nodes": "GET /api/sites/{id}/environments lists only environments on a ready "
                                             "node",
    "preflight_names_every_reason": "the node_not_ready 409 names all seven reason codes with their guidance",
    "preflight_reasons_unordered": "the node_not_ready 409 names the node's reason codes in reverse priority order",
    "preflight_without_guidance": "the node_not_ready 409 names the node's reason codes without their guidance",
    "env_create_single_attempt": "env_create jobs are queued with max_attempts 1 (a retryable error is never "
                                 "retried)",
    "rejected_token_reported_unavailable": "a rejected provider token is reported as the provider API being "
                                          "unavailable (status 503)",
    # every environment on a provider-acquired node (issue 25 §2)
    "production_on_local_node": "site creation places production on a local node the reference keeps (is_local, "
                                "active, on the simulated host)",
    "production_on_node_with_failed_acquisition": "site creation places production on a provider node that looks "
                                                  "ready but whose node_provision job failed (recorded then)",
    "production_on_node_not_acquired": "site creation places production on a provider node recorded but never "
                                       "acquired (provisioning, on pending.provider)",
    "backup_and_restore_jobs_on_another_node": "the jobs API shows backup_create and env_restore jobs with the id of "
                                               "another node than their environment's",
    "restore_moves_environment": "a succeeded env_restore leaves the environment on another node id",
    "site_jobs_on_another_node": "the jobs API shows site_create jobs with the id of another node than their "
                                 "production's",
    # exactly what was asked for (issue 25 §3)
    "site_create_records_twice": "one site creation also stores a second site of the same name (its slug suffixed "
                                 "-2), with its own production",
    "site_create_records_two_productions": "a site creation also stores a second production environment in the site",
    "env_create_records_twice": "one environment creation also stores a second environment of the same name (its "
                                "slug suffixed -2), left cloning",
    "env_create_changes_source": "a succeeded env_create leaves its source environment (production) cloning",
    "backup_records_twice": "one backup request also stores a second backup of the environment, left pending",
    "restore_records_two_checkpoints": "a restore writes two pre-restore checkpoints",
    # listings hold their scope; records agree with themselves and with the contract (issue 25 §4, §5)
    "environments_list_shows_other_sites": "once a site has a copy (clone or staging), GET "
                                           "/api/sites/{id}/environments also lists a copy of another site, as a "
                                           "listing that ignores its site would on a shared target",
    "backups_list_shows_other_environments": "once an environment has a completed backup, GET "
                                             "/api/environments/{id}/backups also lists a completed backup of another "
                                             "environment",
    "env_create_finished_before_started": "a succeeded env_create is shown with its finished_at a second before its "
                                          "started_at",
    "restore_job_updated_before_created": "a succeeded env_restore is shown with its updated_at a second before its "
                                          "created_at",
    "backup_succeeds_after_too_many_attempts": "a succeeded backup_create is shown as succeeded at attempt 4, more "
                                               "than the 3 the contract gives it (max_attempts 3)",
    "backup_completed_at_not_rfc3339": "completed backups are listed with completed_at as `YYYY-MM-DD HH:MM:SS` (a "
                                       "space, no offset: not an RFC 3339 date-time)",
    "backup_completed_before_created": "completed backups are listed with completed_at a second before their "
                                       "created_at",
    "copy_ids_not_uuids": "a new clone or staging environment gets the id env-<unix-nanos>, not a uuid",
    "copy_updated_before_created": "a clone or staging environment is shown with its updated_at a second before its "
                                   "created_at",
    # records agree with themselves: more rules of each kind (support/pressluft/records.py)
    "succeeded_job_without_finished_at": "the jobs API shows a succeeded env_create with finished_at null",
    "succeeded_job_never_started": "the jobs API shows a succeeded env_restore at attempt 0, with started_at null",
    "completed_backup_without_completed_at": "completed backups are listed with completed_at null",
    "restore_sets_production_source": "once production was restored, it is shown with itself as its source "
                                      "environment",
    "copy_preview_without_scheme": "a clone or staging environment's preview_url is shown without its scheme "
                                   "(`127.0.0.1:PORT/`: not a URI)",
}
# the *_fails defects: the job type each one breaks
FAILING_JOB_TYPES = {"env_create": "env_create_fails", "backup_create": "backup_create_fails",
                     "env_restore": "restore_fails"}
DEFECT_NAMES = tuple(DEFECTS)


def active(runtime, name: str) -> bool:
    if name not in DEFECTS:
        raise KeyError(f"unknown defect {name!r}")
    return name in runtime.config.defects
