@wave5
Feature: Clone and staging environments with a reachable preview
  An operator copies a site's production environment into a clone or a staging
  environment. On the run's provider-acquired node the copy must finish, become
  active and answer on its preview address, the way a browser would see it
  before following any redirect.

  Background:
    Given a ready provider-acquired node for this run
    And a new site whose production environment is live

  @AC-1 @SC-1 @critical @smoke-clone
  Scenario: A clone of production gets a reachable preview
    When the operator creates a clone environment from production
    Then the environment creation job succeeds
    And the new environment is active on the run's provider-acquired node
    And the preview of the new environment is reachable

  @AC-1 @SC-1
  Scenario: A staging copy of production gets a reachable preview
    When the operator creates a staging environment from production
    Then the environment creation job succeeds
    And the new environment is active on the run's provider-acquired node
    And the preview of the new environment is reachable

  @AC-1 @SC-1 @fault_injection
  Scenario Outline: A preview that redirects still counts as reachable
    Given a clone environment of production that is active
    And the clone environment's preview answers with a <status> redirect
    Then the preview of the clone environment is reachable with answer <status>

    Examples:
      | status |
      | 301    |
      | 302    |
