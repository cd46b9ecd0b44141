@wave5
Feature: Failure classes are caught and diagnosed
  When something goes wrong, the smoke must fail for the right reason and say so
  in one line: which request failed, which job (if one was queued), and why.
  Each failure class of the Wave 5 spec is provoked on purpose here, and the
  suite's own verdict and diagnosis are checked.

  @AC-3 @SC-2 @preflight_blocked @fault_injection @SERIAL
  Scenario Outline: A node that is not ready blocks site creation before anything is queued
    Given a ready provider-acquired node for this run
    And every provider node reports not ready because of "<reasons>"
    When the operator tries to create a site
    Then the creation is refused as blocked by node readiness, naming "<reasons>"
    And no job was queued
    And no site was recorded

    Examples:
      | reasons                            |
      | sudo_unavailable, runtime_missing  |
      | node_unreachable                   |
      | node_status_not_active             |

  @AC-3 @SC-2 @preflight_blocked @fault_injection @SERIAL
  Scenario: A node that is not ready blocks environment creation before anything is queued
    Given a ready provider-acquired node for this run
    And a new site whose production environment is live
    And every provider node reports not ready because of "runtime_missing"
    When the operator tries to create a clone environment from production
    Then the creation is refused as blocked by node readiness, naming "runtime_missing"
    And no job was queued
    And the site still has only its production environment

  @AC-3 @SC-2 @preflight_blocked @fault_injection @SERIAL
  Scenario: The clone smoke reports a preflight block with its command and reason
    Given a ready provider-acquired node for this run
    And every provider node reports not ready because of "sudo_unavailable, runtime_missing"
    When the clone preview smoke runs
    Then the smoke fails with the category "preflight_blocked"
    And the diagnosis names the site creation as the failed command
    And the diagnosis names no job
    And the diagnosis gives the reasons "sudo_unavailable, runtime_missing"

  @AC-3 @SC-3 @runtime_provision_failure @fault_injection
  Scenario: A clone whose provisioning fails after it was queued ends failed, with its job and error reported
    Given a ready provider-acquired node for this run
    And a new site whose production environment is live
    And the next environment creation on the site will fail with "ANSIBLE_HOST_FAILED" and the message "wp core install failed on target"
    When the clone preview smoke runs for that site
    Then the smoke fails with the category "job_failed"
    And the diagnosis names the environment creation as the failed command
    And the diagnosis names the environment creation job
    And the diagnosis gives the reason "ANSIBLE_HOST_FAILED: wp core install failed on target"
    And the environment creation job ended failed within its allowed attempts
    And the new environment is marked failed, not active

  @AC-3 @SC-3 @runtime_provision_failure @fault_injection
  Scenario: A restore that fails after it was queued ends failed, with its job and error reported
    Given a ready provider-acquired node for this run
    And a new site whose production environment is live
    And the next restore on the site will fail with "ANSIBLE_PLAY_ERROR" and the message "restore playbook aborted"
    When the backup and restore smoke runs for that site
    Then the smoke fails with the category "job_failed"
    And the diagnosis names the restore as the failed command
    And the diagnosis names the restore job
    And the diagnosis gives the reason "ANSIBLE_PLAY_ERROR: restore playbook aborted"
    And production is marked failed, not active

  @AC-3 @SC-3 @runtime_provision_failure @fault_injection
  Scenario: A node acquisition that the provider fails for good ends failed with a provider error
    Given the provider is connected with the operator's credential
    And the provider will fail the next acquisition with "PROVIDER_ACQUISITION_FAILED" and the message "hetzner action failed: server limit reached"
    When the operator requests a new provider-acquired node
    Then the acquisition job ends failed with "PROVIDER_ACQUISITION_FAILED" and the message "hetzner action failed: server limit reached"
    And the new node is not reported ready

  @AC-3 @unreachable_preview @fault_injection
  Scenario Outline: A preview that never answers acceptably is reported unreachable after its budget
    Given a ready provider-acquired node for this run
    And a new site whose production environment is live
    And the previews of the site will <misbehave>
    When the clone preview smoke runs for that site with a preview budget of 2 seconds
    Then the smoke fails with the category "preview_unreachable"
    And the diagnosis names the clone's preview address
    And the diagnosis gives the last answer as "<last answer>"

    Examples:
      | misbehave               | last answer        |
      | answer 500              | 500                |
      | refuse connections      | connection refused |

  @AC-3 @fault_injection
  Scenario: A job that ends cancelled is a terminal failure, not a timeout
    Given a ready provider-acquired node for this run
    And a new site whose production environment is live
    And the next environment creation on the site will end cancelled
    When the clone preview smoke runs for that site
    Then the smoke fails with the category "job_cancelled"
    And the diagnosis names the environment creation job

  @AC-3 @fault_injection
  Scenario: A job that never ends is reported as timed out within its budget
    Given a ready provider-acquired node for this run
    And a new site whose production environment is live
    And the next environment creation on the site will hang
    When the clone preview smoke runs for that site with a job budget of 2 seconds
    Then the smoke fails with the category "job_timeout"
    And the diagnosis names the environment creation job
    And the diagnosis says the job was still running after its budget
