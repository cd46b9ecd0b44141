@wave5
Feature: Provider-acquired node
  Every success path of Wave 5 runs on a node that Pressluft acquires from the
  provider (Hetzner Cloud). Before it makes anything, the operator confirms a
  ready node, or asks for one, as a smoke does: a node that is ready
  already is confirmed, and no other is acquired; when none is ready, or being
  acquired, the operator asks Pressluft for one, and Pressluft acquires exactly
  one. Pressluft acquires the node in the background; while it does, the node
  is reported not ready. The three scenarios about the target's first node (the
  node the operator needed when Pressluft had none ready before the operator
  started) can only be shown on a Pressluft that had no ready node; on one that
  had, they are reported as skipped, not shown there, and not proven. A
  transient provider error is retried by Pressluft on its own schedule, so that
  nobody has to click "retry"; an error the provider reports as final ends the
  acquisition failed, with the provider's message. A credential the provider
  rejects leaves the provider connection degraded, and no node can be acquired
  then.

  @AC-1
  Scenario: A ready provider-acquired node is confirmed, and no other is acquired
    Given Pressluft lists a ready provider-acquired node
    When the operator confirms the ready provider-acquired node, as a smoke does before it makes anything
    Then the node list shows that ready node, and no new one

  @AC-1 @first_node @critical
  Scenario: With no node ready, exactly one provider-acquired node is acquired, and it becomes ready
    Given Pressluft had no provider-acquired node, ready or being acquired, before the operator started
    When the operator asks Pressluft for a provider-acquired node to work on
    Then Pressluft acquired exactly one new node, the one the operator asked for
    And once Pressluft has acquired it, that node is ready, with no readiness problem reported

  @SC-2 @first_node
  Scenario: Site creation is refused while the target's first node is being acquired, before anything is queued
    Given the operator has asked for the target's first provider-acquired node
    And Pressluft is still acquiring that node, and reports it not ready
    When the operator tries to create a site while Pressluft acquires that node
    Then that creation is refused as blocked by node readiness, with the reasons the node list gives for that node
    And no job was queued for it
    And no site was recorded for it

  @AC-5 @first_node
  Scenario: A node still being acquired is reported not ready each time it is checked, and becomes ready without being asked for again
    Given Pressluft had no ready provider-acquired node before the operator started, so the operator asked for one
    When the operator waits for that node while Pressluft acquires it
    Then that node was reported not ready, with its reasons, each time the operator checked it while Pressluft acquired it
    And it became ready without the operator asking for it again

  @AC-5 @fault_injection
  Scenario: A transient provider error is retried on Pressluft's own schedule, the node reported not ready meanwhile
    Given the provider is connected with the operator's credential
    And the provider will fail the first 2 acquisition attempts with the transient error "PROVIDER_API_ERROR"
    When the operator asks for a new node from the provider
    Then before its next attempt is made, the node's acquisition shows 2 failed attempts with "PROVIDER_API_ERROR", and that next attempt planned
    And the new node is reported not ready while it is being acquired

  @AC-5 @fault_injection
  Scenario: A node whose acquisition Pressluft retries becomes ready, without anyone clicking retry
    Given the provider is connected with the operator's credential
    And a new node from the provider whose first 2 acquisition attempts failed with the transient error "PROVIDER_API_ERROR", with a next attempt planned
    When Pressluft makes the attempt it planned
    Then the new node becomes ready without anyone asking for it again

  @hetzner-node-provider-S2 @fault_injection
  Scenario: An acquisition that the provider fails for good ends failed with the provider's error
    Given the provider is connected with the operator's credential
    And the provider will fail the next acquisition for good, with the message "hetzner action failed: server limit reached" and the error "PROVIDER_ACQUISITION_FAILED"
    When the operator asks for a new node from the provider
    Then the acquisition ends failed, with the provider's message "hetzner action failed: server limit reached" and its error "PROVIDER_ACQUISITION_FAILED"
    And it was tried once, with no next attempt planned
    And the new node is listed as not ready, with the reasons why

  @hetzner-sdk-integration-S2 @disruptive @SERIAL
  Scenario: A provider credential that the provider rejects leaves the provider connection degraded, with guidance
    When the operator connects the provider with a credential the provider rejects
    Then the provider connection is reported degraded: the credential was rejected, and a valid credential is needed

  @hetzner-sdk-integration-S2 @disruptive @SERIAL
  Scenario: No node can be acquired while the provider connection is degraded, and nothing is queued or recorded
    Given a ready provider-acquired node
    And the operator has connected the provider with a credential the provider rejects
    When the operator asks for a new node from the provider
    Then Pressluft refuses to acquire a node, because the provider connection is degraded
    And no node acquisition was queued
    And the node list shows that ready node, and no new one
