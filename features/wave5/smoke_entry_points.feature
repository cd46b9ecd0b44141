@wave5
Feature: Smoke commands as closeout gates for resume-run loops
  The two smoke commands are Wave 5's closeout gates: a resume-run loop runs
  them from the repository root, without answering any question, until they
  pass. Each answers with an exit status the loop can act on: 0 only when its
  whole flow worked, 1 when Pressluft failed a check, 2 when the control plane
  could not be judged (it cannot be reached, the settings are wrong), with one
  line that says why.

  @AC-4 @SC-1 @smoke-entry
  Scenario Outline: The <smoke> smoke passes against a working control plane
    Given a ready provider-acquired node
    When the operator runs the <smoke> smoke from the repository root
    Then the smoke passes

    Examples:
      | smoke              |
      | clone preview      |
      | backup and restore |

  @AC-4 @smoke-entry @SERIAL
  Scenario: A smoke fails fast and clearly when the control plane cannot be reached
    When the operator runs the clone preview smoke against an address where no control plane answers
    Then the smoke exits with status 2 within 5 seconds, reporting that it cannot reach the control plane

  @AC-3 @fault_injection
  Scenario: The same failure, met twice, is reported in the same words
    Given a ready provider-acquired node
    And each environment creation of the clone smoke will fail with "ANSIBLE_SYNTAX_ERROR" and the message "env_create playbook has a syntax error"
    When the operator runs the clone preview smoke twice
    Then both runs report the failure in the same words, apart from ids, addresses and durations

  @AC-4 @fault_injection
  Scenario: A smoke run again after a failed run reuses a ready node, passes, and lists what the failed run left
    Given a ready provider-acquired node
    And the clone preview smoke has failed once, because its environment creation failed
    When the operator runs the clone preview smoke again
    Then the smoke passes
    And it reused a node that was already ready, without asking for another
    And it lists what the failed run left on the target: its site and its failed clone
