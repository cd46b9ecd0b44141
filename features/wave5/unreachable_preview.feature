@wave5 @unreachable_preview @fault_injection
Feature: A preview that never answers fails the smoke
  A clone whose job succeeded but whose preview never answers 200, 301 or 302
  within the time the preview is allowed is not a working environment. The clone
  smoke must then exit with status 1, reporting an unreachable preview, naming
  the clone's preview address and the last answer it got.

  Background:
    Given a ready provider-acquired node

  @AC-3 @AC-4
  Scenario Outline: A clone preview that never answers 200, 301 or 302 fails the clone smoke as unreachable
    Given the preview of the next clone will <misbehave>
    When the operator runs the clone preview smoke, allowing the preview 1 second
    Then the smoke exits with status 1, reporting an unreachable preview
    And its failure names the new clone's preview address and its last answer, "<last answer>", when its 1 second was up

    Examples:
      | misbehave          | last answer        |
      | answer 500         | 500                |
      | refuse connections | connection refused |
