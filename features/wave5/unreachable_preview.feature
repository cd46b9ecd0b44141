@wave5 @unreachable_preview @fault_injection
Feature: A preview that never answers fails the smoke
  A clone whose creation job succeeded, but whose preview never answers with a
  page or a redirect (200, 301 or 302), the redirect not followed, within the
  time the preview is allowed, is not a working environment: another kind of
  redirect, a page not found, any other answer or no answer at all does not
  count. The clone preview smoke must then exit with status 1, reporting an
  unreachable preview, naming the clone creation and its job id, the clone's
  preview address and the last answer it got. These scenarios shorten the
  preview's wait to half a second, so that they end quickly.

  Background:
    Given a ready provider-acquired node

  @AC-1 @AC-3 @AC-4
  Scenario Outline: A clone preview that never answers with a page or a redirect (200, 301 or 302) fails the clone preview smoke as unreachable
    Given the preview of the next clone will <misbehave>
    When the clone preview smoke runs from the repository root with no input, allowing the preview 0.5 seconds
    Then the clone creation job succeeded
    And the smoke exits with status 1, reporting an unreachable preview
    And its failure names the clone creation and its job id, the new clone's preview address, and its last answer, "<last answer>", when the 0.5-second wait ended

    Examples:
      | misbehave                                                                         | last answer        |
      | answer that the page is not found (404)                                           | 404                |
      | refuse connections                                                                | connection refused |
      | answer with a redirect of another kind (307), to an address where nothing answers | 307                |
