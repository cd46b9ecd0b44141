@wave5
Feature: Backup and restore of an environment
  An operator takes a full backup of production and later restores it, on the
  same provider-acquired node as the clone flow. The backup must be complete and
  verifiable (a sha256 checksum and its size); the restore must first keep a full
  checkpoint of production as it was, then bring back the content of the backup
  it was given in place of what production showed; and production and its site
  must be live again afterwards. A backup without complete integrity data, or of
  another environment of the same site, is refused: nothing is queued or
  recorded, and production and its site stay as they were.

  Background:
    Given a ready provider-acquired node

  @AC-2 @critical @smoke-backup-restore
  Scenario: A full backup is created, listed with its integrity data and restored
    Given a new site whose production environment is live
    When the operator takes a full backup of production
    Then the backup job succeeds
    And the backup is the one backup that request added, listed as a completed full backup of production, with a sha256 checksum and a positive size
    When the operator restores production from that backup
    Then the restore job succeeds
    And a full checkpoint of production as it was just before that restore is the one backup that restore added
    And the site's only production is active again on the same provider-acquired node
    And the preview of production answers 200, 301 or 302

  @AC-2 @fault_injection
  Scenario: Restoring the older of two backups brings back its content, with no trace of what came after
    Given a new site whose production environment is live
    And production shows the content "Spring catalogue"
    And a completed full backup of production
    And production's content was changed to "Summer sale" after that backup
    And another completed full backup of production
    And production's content was changed to "Broken autumn banner" after that backup
    When the operator restores production from the first of those backups
    Then the restore job succeeds
    And a full checkpoint of production as it was just before that restore is the one backup that restore added
    And the preview of production shows "Spring catalogue" again, with no trace of "Summer sale" or "Broken autumn banner"

  @backup-restore-S3 @fault_injection
  Scenario Outline: A backup without complete integrity data cannot be restored
    Given a site whose production environment is live
    And a full backup of production that completed <defect>
    When the operator tries to restore production from that backup
    Then the restore is refused as an invalid request
    And no restore was queued
    And no checkpoint or other backup of production was recorded
    And production stays active

    Examples:
      | defect              |
      | without a checksum  |
      | with a size of zero |

  @backup-restore-S3
  Scenario: A backup of another environment cannot be restored here
    Given a site whose production environment is live
    And a completed full backup of production
    And a completed full backup of another environment of that site
    When the operator tries to restore production from the backup of that other environment
    Then the restore is refused as an invalid request
    And no restore was queued
    And no checkpoint or other backup of production was recorded
    And production stays active
