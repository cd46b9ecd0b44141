@wave5 @preflight_blocked @fault_injection @SERIAL
Feature: Creation is refused while the node is not ready
  Pressluft checks the readiness of the target node before it queues a site or
  an environment. While the node is not ready, such a creation is refused as
  blocked by node readiness: the refusal names each reason by its code, with
  the guidance Pressluft documents for it, telling the operator what to fix, and nothing
  is queued or recorded. When the node turns not ready just as the clone
  preview smoke creates its site or its clone, the smoke fails with exit
  status 1: Pressluft answered, and its answer failed the smoke's check
  (status 2 is kept for a smoke that could not judge Pressluft at all). Its
  failure names the refused creation, says no job was queued, and gives the
  reasons.

  @SC-2
  Scenario Outline: A node that is not ready blocks site creation before anything is queued
    Given every provider-acquired node has turned not ready, because <why> (<codes>)
    When the operator tries to create a site
    Then the creation is refused as blocked by node readiness, because <why> (<codes>)
    And the refusal gives the guidance Pressluft documents for each reason, telling the operator what to fix
    And no job was queued
    And no site was recorded

    Examples:
      | why                                                     | codes                             |
      | sudo is not available and the runtime tools are missing | sudo_unavailable, runtime_missing |
      | the node cannot be reached                              | node_unreachable                  |
      | the node is not active                                  | node_status_not_active            |

  @SC-2
  Scenario: A node that is not ready blocks environment creation before anything is queued
    Given a site whose production environment is live
    And every provider-acquired node has turned not ready, because the runtime tools are missing (runtime_missing)
    When the operator tries to create a clone of production
    Then the creation is refused as blocked by node readiness, because the runtime tools are missing (runtime_missing)
    And the refusal gives the guidance Pressluft documents for each reason, telling the operator what to fix
    And no job was queued
    And no environment was added to the site

  @SC-2 @AC-3 @AC-4
  Scenario Outline: The clone preview smoke fails as blocked by node readiness when the creation of its <what> is refused
    Given a ready provider-acquired node
    And the node will turn not ready just as the clone preview smoke creates its <what>, because <why> (<codes>)
    When the clone preview smoke runs from the repository root with no input
    Then the smoke exits with status 1, reporting a creation blocked by node readiness
    And its failure names the refused <creation>, says no job was queued, and gives the reasons: <why> (<codes>)

    Examples:
      | what  | creation             | why                                                     | codes                             |
      | site  | site creation        | sudo is not available and the runtime tools are missing | sudo_unavailable, runtime_missing |
      | clone | clone creation       | the runtime tools are missing                           | runtime_missing                   |
