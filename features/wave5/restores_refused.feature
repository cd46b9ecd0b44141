@wave5
Feature: Restores that are refused
  Production can be restored only from a backup of its own that completed with
  a checksum and a size above zero. Pressluft refuses a restore from a backup
  without a checksum, from one whose size is zero, and from a backup of the
  site's clone: no restore is queued, no checkpoint or other backup is
  recorded, and production and its site stay active.

  Background:
    Given a ready provider-acquired node
    And a site whose production environment is live

  @backup-restore-S3 @fault_injection
  Scenario Outline: A backup without complete integrity data cannot be restored
    Given a full backup of production that completed <defect>
    When the operator tries to restore production from that backup
    Then the restore is refused, because that backup <reason>
    And no restore was queued
    And no checkpoint or other backup of production was recorded
    And production and its site stay active

    Examples:
      | defect              | reason              |
      | without a checksum  | has no checksum     |
      | with a size of zero | has a size of zero  |

  @backup-restore-S3
  Scenario: Production cannot be restored from a backup of its site's clone
    Given production's backups list shows a completed full backup of its own
    And a clone of production has a completed full backup
    When the operator tries to restore production from the clone's backup
    Then the restore is refused, because that backup is the clone's, not production's
    And no restore was queued
    And no checkpoint or other backup of production was recorded
    And production and its site stay active
