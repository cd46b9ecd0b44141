@wave5
Feature: Backup and restore of an environment
  An operator takes a full backup of production and later restores it. On the
  same provider-acquired node as the clone flow, the backup must be complete and
  verifiable, the restore must first keep a safety checkpoint, and production
  must be live again afterwards.

  Background:
    Given a ready provider-acquired node for this run
    And a new site whose production environment is live

  @AC-2 @SC-1 @critical @smoke-backup-restore
  Scenario: A full backup is created, listed with its integrity data and restored
    When the operator takes a full backup of production
    Then the backup job succeeds
    And the backup is listed as completed with a sha256 checksum and a positive size
    When the operator restores production from that backup
    Then the restore job succeeds
    And a full pre-restore checkpoint of production is listed among its backups
    And production is active again on the run's provider-acquired node
    And the preview of production is reachable

  @AC-2 @SC-1 @fault_injection
  Scenario: A restore brings back the content that was backed up
    Given production shows the content "Spring catalogue"
    When the operator takes a full backup of production
    Then the backup job succeeds
    Given production's content is then changed to "Broken summer sale"
    When the operator restores production from that backup
    Then the restore job succeeds
    And the preview of production shows "Spring catalogue" again

  @AC-2 @fault_injection
  Scenario Outline: A backup without complete integrity data cannot be restored
    Given the next backup of production will complete <defect>
    When the operator takes a full backup of production
    Then the backup job succeeds
    When the operator tries to restore production from that backup
    Then the restore is refused as an invalid request
    And no restore job was queued
    And production stays active

    Examples:
      | defect              |
      | without a checksum  |
      | with a size of zero |

  @AC-2
  Scenario: A backup of another environment cannot be restored here
    Given a clone environment of production that is active
    And a completed full backup of the clone environment
    When the operator tries to restore production from the clone environment's backup
    Then the restore is refused as an invalid request
    And no restore job was queued
    And production stays active
