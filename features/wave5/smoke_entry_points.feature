@wave5
Feature: Smoke entry points for the resume-run loop
  The two smoke commands replace the original bash smokes. They run from the
  repository root, ask for nothing, and answer with an exit status a loop can
  act on: 0 when the flow works, 1 when it does not.

  @AC-4 @smoke-entry
  Scenario Outline: A smoke command passes against a working control plane
    When the "<smoke>" smoke command is run from the repository root against this run's control plane
    Then it exits with status 0
    And its output reports the smoke as passed

    Examples:
      | smoke                 |
      | site clone preview    |
      | backup restore        |

  @AC-4 @smoke-entry
  Scenario: A smoke command fails fast and clearly when the control plane cannot be reached
    When the "site clone preview" smoke command is run from the repository root against a control plane that is not there
    Then it exits with status 1
    And its output has one failure line with the category "target_unavailable"
