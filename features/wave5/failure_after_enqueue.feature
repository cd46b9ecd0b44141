@wave5 @fault_injection
Feature: A job that fails after it was queued ends failed, and the smoke reports it
  Once Pressluft has accepted a creation or a restore and queued its job, a
  failure while the runtime is provisioned must end that job failed, with its
  error code and message, after no more attempts than Pressluft allows that
  job, and must leave the environment and its site marked failed rather than
  active. The smoke then exits with status 1, naming the failed command, its
  job and the error, so that the operator knows where to look. A job that ends
  cancelled, or that never ends, fails the smoke the same way, each reported as
  what it is.

  Background:
    Given a ready provider-acquired node

  @SC-3 @AC-3 @AC-4 @runtime_provision_failure
  Scenario: A clone whose provisioning keeps failing ends failed, and the clone smoke reports it
    Given every attempt of the next environment creation will fail with the message "wp core install failed on target" and the error "ANSIBLE_HOST_FAILED"
    When the operator runs the clone preview smoke
    Then the smoke exits with status 1, reporting a failed job
    And its failure names the failed environment creation and its job
    And its failure gives the reason "ANSIBLE_HOST_FAILED: wp core install failed on target"
    And the environment creation ended failed after all its allowed attempts, with the error "ANSIBLE_HOST_FAILED"
    And the new environment is marked failed, not active

  @SC-3 @AC-3 @AC-4 @runtime_provision_failure
  Scenario: A restore that fails ends failed, and the backup and restore smoke reports it
    Given the next restore will fail with the message "restore playbook aborted" and the error "ANSIBLE_PLAY_ERROR"
    When the operator runs the backup and restore smoke
    Then the smoke exits with status 1, reporting a failed job
    And its failure names the failed restore and its job
    And its failure gives the reason "ANSIBLE_PLAY_ERROR: restore playbook aborted"
    And the restore ended failed after its single allowed attempt, with the error "ANSIBLE_PLAY_ERROR"
    And the restored production is marked failed, not active

  @AC-3 @AC-4
  Scenario: A job that ends cancelled fails the smoke as cancelled, not as timed out
    Given the next environment creation will end cancelled
    When the operator runs the clone preview smoke
    Then the smoke exits with status 1, reporting a cancelled job
    And its failure names the failed environment creation and its job

  @AC-3 @AC-4
  Scenario: A job that never ends fails the smoke as timed out once its time is up
    Given the next environment creation will never end
    When the operator runs the clone preview smoke, allowing each job 2 seconds
    Then the smoke exits with status 1, reporting a job that timed out
    And its failure names the failed environment creation and its job
    And its failure says the job was still running when its 2 seconds were up
