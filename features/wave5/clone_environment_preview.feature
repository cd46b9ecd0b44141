@wave5
Feature: Clone and staging environments with a reachable preview
  An operator copies a site's production environment into a clone or a staging
  environment. The copy must finish, be recorded as the kind of copy that was
  asked for, and become active on the same provider-acquired node as
  production, with a preview address of its own. The site is active again
  afterwards, and its other environments are left as they were. A preview is
  reachable when it answers with a page or a redirect (200, 301 or 302), the
  redirect not followed (the smoke's rule); any other answer, including other
  kinds of redirect, is not, and the clone preview smoke then fails, reporting
  an unreachable preview (shown in "A preview that never becomes reachable
  fails the smoke").

  Background:
    Given a ready provider-acquired node

  @AC-1 @critical @smoke-clone
  Scenario Outline: A <type> environment made from production gets a reachable preview
    Given a site whose production environment is live
    When the operator creates a <type> environment from production
    Then the environment creation job succeeds
    And the creation added exactly one environment to the site
    And it is an active <type> environment, copied from production
    And the site still has a single production environment
    And it runs on the same node as production, a provider-acquired node
    And it has a preview address of its own
    And the site is active again
    And the site's other environments, production among them, are still active and unchanged: the same node, preview address, kind, name and source as before
    And the new environment's preview is reachable: it answers with a page or a redirect (200, 301 or 302), the redirect not followed

    Examples: A clone
      | type  |
      | clone |

    Examples: A staging environment
      | type    |
      | staging |

  @AC-1 @fault_injection
  Scenario: The clone preview smoke counts previews that redirect (301 and 302) as reachable, without following them
    Given the next clone's preview will answer with a redirect (301), and the next staging environment's with a redirect (302), each to an address where nothing answers
    When the clone preview smoke runs from the repository root with no input
    Then the smoke passes, exiting with status 0
    And the smoke's report shows the clone's preview reachable on its answer, a redirect (301), and the staging environment's on its answer, a redirect (302), neither redirect followed
