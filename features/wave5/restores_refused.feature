@wave5
Feature: Restores that are refused
  Production can be restored only from a backup of its own that completed with
  its integrity data: a sha256 checksum and a size. Pressluft refuses a restore
  from a backup without a checksum, from one whose size is zero, and from a
  backup of another environment of the same site, at once: no restore is
  queued, no checkpoint or other backup is recorded, and production and its
  site stay active.

  Background:
    Given a site whose production environment is live

  @backup-restore-S3 @fault_injection
  Scenario Outline: A backup without complete integrity data cannot be restored
    Given a full backup of production that completed <defect>
    When the operator tries to restore production from that backup
    Then the restore is refused for that backup
    And no restore was queued
    And no checkpoint or other backup of production was recorded
    And production stays active

    Examples:
      | defect              |
      | without a checksum  |
      | with a size of zero |

  @backup-restore-S3
  Scenario: Production cannot be restored from a backup of another environment of its site
    Given production has a completed full backup of its own
    And another environment of that site has a completed full backup
    When the operator tries to restore production from the backup of that other environment
    Then the restore is refused for that backup
    And no restore was queued
    And no checkpoint or other backup of production was recorded
    And production stays active
