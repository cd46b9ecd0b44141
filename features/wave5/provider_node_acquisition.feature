@wave5
Feature: Provider-acquired node
  Every success path of Wave 5 runs on a node that Pressluft acquires from the
  provider (Hetzner Cloud). Pressluft accepts a node request at once and does the
  acquisition in the background. While it does, the node is reported not ready.
  A transient provider error is retried by Pressluft on its own schedule, so that
  nobody has to click "retry"; an error the provider reports as final ends the
  acquisition failed, with the provider's reason; and a credential the provider
  rejects blocks any acquisition, with guidance, queueing and recording nothing.

  @AC-1 @SC-1 @critical
  Scenario: A provider-acquired node is confirmed or acquired, and is ready
    Given the provider is connected with the operator's credential
    When the operator makes sure a provider-acquired node is ready
    Then that node is ready with no outstanding reason codes
    And Pressluft acquired at most one new node for it

  @SC-2 @first_node
  Scenario: Site creation is refused while the target's first node is being acquired, before anything is queued
    Given the operator has asked for the target's first provider-acquired node
    When the operator tries to create a site while Pressluft acquires that node
    Then that node was still being acquired, and reported not ready, when the creation was answered
    And that creation is refused as blocked by node readiness, naming the node's reasons
    And no job was queued for that creation
    And no site was recorded for that creation

  @AC-5 @first_node
  Scenario: A node still being acquired is polled through its not-ready states until it is ready, without a second request
    Given no provider-acquired node was ready when the operator asked for one
    When the operator waits for that node while Pressluft acquires it
    Then that node was reported not ready, with its reasons, at every look while Pressluft acquired it
    And it became ready without being requested again

  @AC-5 @fault_injection
  Scenario: Transient provider errors are retried by Pressluft, without anyone clicking retry
    Given the provider is connected with the operator's credential
    And the provider will fail the first 2 acquisition attempts with the transient error "PROVIDER_API_ERROR"
    When the operator requests a new provider-acquired node
    Then Pressluft schedules another attempt after 2 failed attempts with "PROVIDER_API_ERROR"
    And the new node is reported not ready while it is being acquired
    When the scheduled attempt comes due
    Then the new node becomes ready without the request being submitted again

  @hetzner-node-provider-S2 @runtime_provision_failure @fault_injection
  Scenario: An acquisition that the provider fails for good ends failed with the provider's error
    Given the provider is connected with the operator's credential
    And the provider will fail the next acquisition with "PROVIDER_ACQUISITION_FAILED" and the message "hetzner action failed: server limit reached"
    When the operator requests a new provider-acquired node
    Then the acquisition ends failed with "PROVIDER_ACQUISITION_FAILED" and the message "hetzner action failed: server limit reached", without a retry
    And the new node is listed as not ready

  @hetzner-sdk-integration-S2 @disruptive @SERIAL
  Scenario: A provider credential that the provider rejects blocks node acquisition, with guidance
    Given a ready provider-acquired node
    And the provider is connected with a credential the provider rejects
    When the operator requests a new provider-acquired node
    Then the provider connection is reported degraded with guidance for the operator
    And the node request is refused because the provider is not connected
    And no node acquisition was queued
    And no node was recorded for that request
