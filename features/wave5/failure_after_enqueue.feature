@wave5 @fault_injection
Feature: A job that fails, ends cancelled or never ends after it was queued fails the smoke
  Once Pressluft has accepted a creation, a backup or a restore and queued its
  job, a failure while Pressluft carries out that job must end that job
  failed, with its error code and message, after no more attempts than
  Pressluft allows that job; a failed creation or restore must also leave the
  environment and its site marked failed rather than active. The smoke reports
  it only once the job has ended failed, not after a failed attempt that
  Pressluft will retry: it exits with status 1, naming what failed (the
  creation, the backup or the restore), its job id and the error, so that the
  operator knows where to look. A job that ends cancelled, or that never ends,
  fails the smoke the same way, each reported as what it is. A smoke waits
  for each job only so long, and then stops: the scenario of a job that never
  ends shows it for each smoke (a clone creation, a restore), with that wait
  shortened to half a second so that it ends quickly.

  Background:
    Given a ready provider-acquired node

  @SC-3 @AC-3 @AC-4 @runtime_provision_failure
  Scenario: A clone whose provisioning keeps failing ends failed, and the clone preview smoke reports it
    Given every attempt of the next clone creation will fail with the message "wp core install failed on target" and the error "ANSIBLE_HOST_FAILED", an error Pressluft retries
    When the clone preview smoke runs from the repository root with no input
    Then the smoke exits with status 1, reporting a failed job
    And its failure names the clone creation and its job id
    And its failure gives the reason "ANSIBLE_HOST_FAILED: wp core install failed on target"
    And the clone creation job had ended failed, after its 3 attempts, with the error "ANSIBLE_HOST_FAILED", before the smoke reported it
    And the new clone and its site are marked failed, not active

  @SC-3 @AC-1 @AC-3 @AC-4 @runtime_provision_failure
  Scenario: A staging environment whose creation fails ends failed, and the clone preview smoke reports it
    Given the next staging environment creation will fail with the message "staging playbook has a syntax error" and the error "ANSIBLE_SYNTAX_ERROR", an error Pressluft does not retry
    When the clone preview smoke runs from the repository root with no input
    Then the smoke exits with status 1, reporting a failed job
    And its failure names the staging environment creation and its job id
    And its failure gives the reason "ANSIBLE_SYNTAX_ERROR: staging playbook has a syntax error"
    And the staging environment creation job had ended failed, without a retry, with the error "ANSIBLE_SYNTAX_ERROR", before the smoke reported it
    And the new staging environment and its site are marked failed, not active

  @SC-3 @AC-3 @AC-4 @runtime_provision_failure
  Scenario: A restore that fails ends failed, and the backup and restore smoke reports it
    Given the next restore will fail with the message "restore playbook aborted" and the error "ANSIBLE_PLAY_ERROR", an error Pressluft does not retry
    When the backup and restore smoke runs from the repository root with no input
    Then the smoke exits with status 1, reporting a failed job
    And its failure names the restore and its job id
    And its failure gives the reason "ANSIBLE_PLAY_ERROR: restore playbook aborted"
    And the restore job had ended failed, after its single attempt, with the error "ANSIBLE_PLAY_ERROR", before the smoke reported it
    And production and its site are marked failed, not active

  @AC-2 @AC-3 @AC-4
  Scenario: A backup creation that fails ends failed, and the backup and restore smoke reports it
    Given the next backup creation will fail with the message "backup playbook aborted" and the error "ANSIBLE_PLAY_ERROR", an error Pressluft does not retry
    When the backup and restore smoke runs from the repository root with no input
    Then the smoke exits with status 1, reporting a failed job
    And its failure names the backup creation and its job id
    And its failure gives the reason "ANSIBLE_PLAY_ERROR: backup playbook aborted"
    And the backup creation job had ended failed, without a retry, with the error "ANSIBLE_PLAY_ERROR", before the smoke reported it

  @AC-3 @AC-4
  Scenario: A job that ends cancelled fails the smoke as cancelled, not as timed out
    Given the next clone creation will end cancelled
    When the clone preview smoke runs from the repository root with no input
    Then the smoke exits with status 1, reporting a cancelled job
    And its failure names the clone creation and its job id

  @AC-2 @AC-3 @AC-4
  Scenario Outline: A job that never ends fails the smoke as timed out once its time is up
    Given the next <request> will never end
    When the <smoke> smoke runs from the repository root with no input, allowing each job 0.5 seconds
    Then the smoke exits with status 1, reporting a job that timed out
    And its failure names the <request> and its job id
    And its failure says the job was still running when the 0.5-second wait ended

    Examples:
      | smoke              | request        |
      | clone preview      | clone creation |
      | backup and restore | restore        |
