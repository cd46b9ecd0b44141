@wave5
Feature: Backup and restore of production
  An operator takes a full backup of a site's production environment, and
  restores production from a backup, on the provider-acquired node production
  runs on. A backup must complete and be verifiable: it has a checksum (sha256)
  and a size above zero. A restore first keeps a full checkpoint of production
  as it was, then brings back the content of the backup it was given in place
  of what production showed. Afterwards production is active again on the same
  node, and so is its site. A backup only adds to a site, so the backup
  scenario uses a live site that scenarios of other features use too; a
  restore changes production, so each restore scenario makes a new site of its
  own. That the restored content is back is checked only on the embedded
  reference (the stand-in for Pressluft that the suite starts itself when no
  Pressluft is named): only there can what production shows be changed as an
  editor would. On a real Pressluft that scenario is not run.

  Background:
    Given a ready provider-acquired node

  @AC-2 @critical
  Scenario: A full backup of production is listed as completed, with its integrity data
    Given a site whose production environment is live
    When the operator takes a full backup of production
    Then the backup job succeeds
    And production's backups list shows that backup, the only backup the job added
    And that backup is completed and full, with a checksum (sha256) and a size above zero

  @AC-2 @critical @smoke-backup-restore
  Scenario: Production restored from a full backup is live again on the same node, and the restore kept a checkpoint of it
    Given a new site whose production environment is live
    And a completed full backup of production
    When the operator restores production from that backup
    Then the restore job succeeds
    And that restore took a full checkpoint of production, and that checkpoint is the only backup the restore added
    And production is active again, on the provider-acquired node it was on before
    And the site still has a single production environment
    And the site is active again
    And production's preview is reachable: it answers with a page or a redirect (200, 301 or 302), the redirect not followed

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
