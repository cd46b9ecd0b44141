@wave5
Feature: Backup and restore of an environment
  An operator takes a full backup of production and later restores it, on the
  same provider-acquired node as the clone flow. The backup must be complete and
  verifiable (a sha256 checksum and its size); the restore must first keep a full
  checkpoint of production as it was, then bring the backed-up content back; and
  production must be live again afterwards. A backup without complete integrity
  data, or of another environment, is refused before anything is queued.

  Background:
    Given a ready provider-acquired node

  @AC-2 @critical @smoke-backup-restore
  Scenario: A full backup is created, listed with its integrity data and restored
    Given a new site whose production environment is live
    When the operator takes a full backup of production
    Then the backup job succeeds
    And the backup is listed as a completed full backup of production, with a sha256 checksum and a positive size
    When the operator restores production from that backup
    Then the restore job succeeds
    And a full checkpoint of production taken by that restore is listed among its backups
    And production is active again on the same node
    And the preview of production answers 200, 301 or 302

  @AC-2 @fault_injection
  Scenario: A restore brings back the content that was backed up
    Given a new site whose production environment is live
    And production shows the content "Spring catalogue"
    And a completed full backup of production
    And production's content was changed to "Broken summer sale" after that backup
    When the operator restores production from that backup
    Then the restore job succeeds
    And the preview of production shows "Spring catalogue" again

  @backup-restore-S3 @fault_injection
  Scenario Outline: A backup without complete integrity data cannot be restored
    Given a site whose production environment is live
    And a full backup of production that completed <defect>
    When the operator tries to restore production from that backup
    Then the restore is refused as an invalid request
    And no restore was queued
    And production stays active

    Examples:
      | defect              |
      | without a checksum  |
      | with a size of zero |

  @backup-restore-S3
  Scenario: A backup of another environment cannot be restored here
    Given a site whose production environment is live
    And a completed full backup of another environment
    When the operator tries to restore production from that backup
    Then the restore is refused as an invalid request
    And no restore was queued
    And production stays active
