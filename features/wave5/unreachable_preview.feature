@wave5 @unreachable_preview @fault_injection
Feature: A preview that never answers fails the smoke
  A clone whose job succeeded but whose preview never answers 200, 301 or 302
  within the preview budget is not a working environment. The clone smoke must
  fail as unreachable, naming the clone's preview address and the last answer it
  got, once the budget is spent.

  Background:
    Given a ready provider-acquired node

  @AC-3
  Scenario Outline: A clone preview that never answers 200, 301 or 302 fails the clone smoke as unreachable
    Given the preview of the next clone will <misbehave>
    When the operator runs the clone preview smoke with a preview budget of 1 second
    Then the smoke fails as unreachable, naming the preview address of the new clone
    And its failure gives the last answer "<last answer>" when its 1 second budget was spent

    Examples:
      | misbehave          | last answer        |
      | answer 500         | 500                |
      | refuse connections | connection refused |
