@wave5
Feature: Smoke commands as closeout gates for resume-run loops
  The two smoke commands are Wave 5's closeout gates: a resume-run loop runs
  them from the repository root, without answering any question, until they
  pass. The clone preview smoke makes a site on the provider-acquired node and
  a clone and a staging environment of its production, whose previews must
  answer; the backup and restore smoke backs up a site's production and
  restores it. A smoke started while its node is still being acquired waits for
  that node. Each answers with an exit status the loop can act on: 0 only when
  its whole flow worked, 1 when Pressluft failed a check, 2 when the control
  plane could not be judged (it cannot be reached, the settings are wrong), with
  one line that says why.

  @AC-1 @AC-4 @SC-1 @smoke-entry
  Scenario: The clone preview smoke makes a clone and a staging environment whose previews answer
    Given a ready provider-acquired node
    When the clone preview smoke runs from the repository root
    Then it made a clone and a staging environment from its site's production, both active on the provider-acquired node
    And the previews of both answer 200, 301 or 302
    And the smoke passes, exiting with status 0

  @AC-2 @AC-4 @SC-1 @smoke-entry
  Scenario: The backup and restore smoke backs up production with its integrity data and restores it
    Given a ready provider-acquired node
    When the backup and restore smoke runs from the repository root
    Then it made a full backup of its site's production, listed with a sha256 checksum and a positive size
    And it restored production on the same node, with a full checkpoint of production taken first
    And its production is active again, and its preview answers 200, 301 or 302
    And the smoke passes, exiting with status 0

  @AC-5 @fault_injection @SERIAL
  Scenario: The clone preview smoke started while its node is still being acquired waits for that node and passes
    Given no provider-acquired node is ready, and Pressluft is still acquiring a new one
    When the clone preview smoke runs from the repository root
    Then it asked for no node of its own
    And it waited for the node being acquired, which was reported not ready until Pressluft had acquired it
    And the smoke passes, exiting with status 0

  @AC-4 @smoke-entry @SERIAL
  Scenario: A smoke fails fast and clearly when the control plane cannot be reached
    When the operator runs the clone preview smoke against an address where no control plane answers
    Then the smoke exits with status 2 within 5 seconds, reporting that it cannot reach the control plane

  @AC-3 @fault_injection
  Scenario: The same failure, met twice, is reported in the same words
    Given a ready provider-acquired node
    And each environment creation of the clone smoke will fail with the message "env_create playbook has a syntax error" and the error "ANSIBLE_SYNTAX_ERROR"
    When the operator runs the clone preview smoke twice
    Then both runs report the failure in the same words, apart from ids, addresses and durations

  @AC-4 @fault_injection
  Scenario: A smoke run again after a failed run reuses a ready node, passes, and lists what the failed run left
    Given a ready provider-acquired node
    And the clone preview smoke has failed once, because its environment creation failed
    When the operator runs the clone preview smoke again
    Then the smoke passes, exiting with status 0
    And it reused a node that was already ready, without asking for another
    And it lists what the failed run left on the target: its site and its failed clone
