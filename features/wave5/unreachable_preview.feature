@wave5 @unreachable_preview @fault_injection
Feature: A preview that never becomes reachable fails the smoke
  A clone whose creation job succeeded, but whose preview never answers with a
  page or a redirect (200, 301 or 302), the redirect not followed, within the
  time the preview is allowed, is not a working environment: another kind of
  redirect, a page not found, any other answer or no answer at all does not
  count. The clone preview smoke must then exit with status 1, reporting an
  unreachable preview, naming the clone creation and its job id, the clone's
  preview address and the last answer it got. The same holds for production
  after a restore, in the backup and restore smoke: there it names the restore
  and its job id. These scenarios shorten the preview's wait to half a second,
  so that they end quickly.

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

  @AC-1 @AC-2 @AC-3 @AC-4
  Scenario: A preview that accepts connections but never answers fails each smoke as unreachable
    Given the new clone's preview, and production's preview once restored, will accept connections but never answer
    When each smoke, the clone preview smoke and the backup and restore smoke, runs from the repository root with no input, allowing the preview 0.5 seconds
    Then each smoke exits with status 1, reporting an unreachable preview
    And the clone preview smoke's failure names the clone creation and its job id, the new clone's preview address, and its last answer, "timed out", when the 0.5-second wait ended
    And the backup and restore smoke's failure names the restore and its job id, production's preview address, and its last answer, "timed out", when the 0.5-second wait ended
