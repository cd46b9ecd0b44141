@wave5
Feature: Backup and restore of production
  An operator takes a full backup of a site's production, and restores
  production from a backup, on the same provider-acquired node as the clone
  flow. A backup must complete and be verifiable: a sha256 checksum and its
  size. A restore must first keep a full checkpoint of production as it was,
  then bring back the content of the backup it was given in place of what
  production showed; production and its site must be live again afterwards.

  Background:
    Given a ready provider-acquired node

  @AC-2 @critical
  Scenario: A full backup of production is listed as completed, with its integrity data
    Given a site whose production environment is live
    When the operator takes a full backup of production
    Then the backup job succeeds
    And the backup is the one new backup listed for production: completed, full, with a sha256 checksum and a positive size

  @AC-2 @critical @smoke-backup-restore
  Scenario: Production restored from a full backup is live again on the same node, after a checkpoint of it was taken
    Given a new site whose production environment is live
    And a completed full backup of production
    When the operator restores production from that backup
    Then the restore job succeeds
    And a full checkpoint of production, taken while the restore ran, is the one backup that restore added
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
    And the checkpoint that restore took holds "Broken autumn banner", what production showed just before the restore
    And the preview of production shows "Spring catalogue" again, with no trace of "Summer sale" or "Broken autumn banner"
