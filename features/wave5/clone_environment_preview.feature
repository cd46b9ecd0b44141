@wave5
Feature: Clone and staging environments with a reachable preview
  An operator copies a site's production environment into a clone or a staging
  environment. On the provider-acquired node the copy must finish, be recorded
  as the kind of copy that was asked for, of that site, become active on the
  same node as production while the site itself becomes active again, leave
  the site's other environments as they were, and answer on a preview address
  of its own. The smoke's rule for a reachable preview: its answer is 200, 301
  or 302, taken as it comes, without following a redirect.

  Background:
    Given a ready provider-acquired node
    And a site whose production environment is live

  @AC-1 @critical @smoke-clone
  Scenario Outline: A <type> environment made from production gets a reachable preview
    When the operator creates a <type> environment from production
    Then the environment creation job succeeds
    And the new environment is the one environment that creation added, an active <type> environment copied from the site's only production, on the same provider-acquired node
    And the site's other environments, production among them, are as they were before that creation
    And the preview of the new environment answers 200, 301 or 302

    Examples: A clone
      | type  |
      | clone |

    Examples: A staging environment
      | type    |
      | staging |

  @AC-1 @fault_injection
  Scenario Outline: A preview that redirects counts as reachable, without the redirect being followed
    Given an active clone of production
    And the clone's preview answers <status>, redirecting to an address where nothing answers
    When the clone's preview is checked for reachability, as the smoke checks it
    Then its answer <status> counts as reachable, without the redirect being followed

    Examples:
      | status |
      | 301    |
      | 302    |
