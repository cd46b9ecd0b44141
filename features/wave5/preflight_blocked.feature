@wave5 @preflight_blocked @fault_injection @SERIAL
Feature: Creation is refused while the node is not ready
  Pressluft checks the readiness of the target node before it queues a site or
  an environment. While the node is not ready, such a request is refused at once
  as blocked by node readiness, naming the reasons, and nothing is queued or
  recorded. When the node turns out not ready just as the clone smoke creates its
  site or its clone, the smoke exits with status 1, reporting a creation blocked
  by node readiness, naming the refused request, the reasons and no job.

  Background:
    Given a ready provider-acquired node
    And a site whose production environment is live

  @SC-2
  Scenario Outline: A node that is not ready blocks site creation before anything is queued
    Given every provider node reports not ready because of <reasons>
    When the operator tries to create a site
    Then the creation is refused as blocked by node readiness, naming <reasons>
    And no job was queued
    And no site was recorded

    Examples:
      | reasons                           |
      | sudo_unavailable, runtime_missing |
      | node_unreachable                  |
      | node_status_not_active            |

  @SC-2
  Scenario: A node that is not ready blocks environment creation before anything is queued
    Given every provider node reports not ready because of runtime_missing
    When the operator tries to create a clone of production
    Then the creation is refused as blocked by node readiness, naming runtime_missing
    And no job was queued
    And no environment was added to the site

  @SC-2 @AC-3 @AC-4
  Scenario Outline: The clone smoke is blocked by node readiness when it creates its <what>
    Given the node will turn out not ready, for the reasons <reasons>, just as the clone smoke creates its <what>
    When the operator runs the clone preview smoke
    Then the smoke exits with status 1, reporting a creation blocked by node readiness
    And its failure names the <request> request, no job and the reasons <reasons>

    Examples:
      | what  | request              | reasons                           |
      | site  | site creation        | sudo_unavailable, runtime_missing |
      | clone | environment creation | runtime_missing                   |
