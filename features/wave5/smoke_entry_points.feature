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

  @AC-4 @smoke-entry
  Scenario: A smoke fails fast and clearly when the control plane cannot be reached
    When the operator runs the clone preview smoke against an address where no control plane answers
    Then the smoke fails within 5 seconds as unable to reach the control plane
