@wave5
Feature: Provider-acquired node
  Every success path of Wave 5 runs on a node that Pressluft acquires from the
  provider (Hetzner Cloud). Pressluft takes a request for a node at once and
  does the acquisition in the background; while it does, the node is reported
  not ready. A transient provider error is retried by Pressluft on its own
  schedule, so that nobody has to click "retry"; an error the provider reports
  as final ends the acquisition failed, with the provider's message. A
  credential the provider rejects leaves the provider connection degraded,
  with guidance, and no node can be acquired then: nothing is queued or
  recorded.

  @AC-1 @SC-1 @critical
  Scenario: A provider-acquired node is confirmed or acquired, and is ready
    Given the provider is connected with the operator's credential
    When the operator makes sure a provider-acquired node is ready
    Then that node is ready, with no readiness problem reported
    And Pressluft acquired at most one new node to make sure of it, none when a ready one was there already

  @SC-2 @first_node
  Scenario: Site creation is refused while the target's first node is being acquired, before anything is queued
    Given the operator has asked for the target's first provider-acquired node
    And Pressluft is still acquiring that node, and reports it not ready
    When the operator tries to create a site while Pressluft acquires that node
    Then that creation is refused as blocked by node readiness, naming the node's reasons
    And no job was queued for that creation
    And no site was recorded for that creation

  @AC-5 @first_node
  Scenario: A node still being acquired is polled through its not-ready states until it is ready, without a second request
    Given no provider-acquired node was ready when the operator asked for one
    When the operator waits for that node while Pressluft acquires it
    Then that node was reported not ready, with its reasons, at every look while Pressluft acquired it
    And it became ready without being requested again

  @AC-5 @fault_injection
  Scenario: A transient provider error is retried on Pressluft's own schedule, the node reported not ready meanwhile
    Given the provider is connected with the operator's credential
    And the provider will fail the first 2 acquisition attempts with the transient error "PROVIDER_API_ERROR"
    When the operator requests a new provider-acquired node
    Then Pressluft schedules another attempt after 2 failed attempts with "PROVIDER_API_ERROR"
    And the new node is reported not ready while it is being acquired

  @AC-5 @fault_injection
  Scenario: A node whose acquisition Pressluft retries becomes ready, without anyone clicking retry
    Given the provider is connected with the operator's credential
    And a new provider-acquired node whose first 2 acquisition attempts failed with the transient error "PROVIDER_API_ERROR", with another attempt scheduled
    When Pressluft makes the attempt it scheduled
    Then the new node becomes ready without being requested again

  @hetzner-node-provider-S2 @runtime_provision_failure @fault_injection
  Scenario: An acquisition that the provider fails for good ends failed with the provider's error
    Given the provider is connected with the operator's credential
    And the provider will fail the next acquisition for good, with the message "hetzner action failed: server limit reached" and the error "PROVIDER_ACQUISITION_FAILED"
    When the operator requests a new provider-acquired node
    Then the acquisition ends failed without a retry, with the provider's message "hetzner action failed: server limit reached" and its error "PROVIDER_ACQUISITION_FAILED"
    And the new node is listed as not ready

  @hetzner-sdk-integration-S2 @disruptive @SERIAL
  Scenario: A provider credential that the provider rejects leaves the provider connection degraded, with guidance
    When the operator connects the provider with a credential the provider rejects
    Then the provider connection is reported degraded with guidance for the operator

  @hetzner-sdk-integration-S2 @disruptive @SERIAL
  Scenario: No node can be acquired while the provider is not connected, and nothing is queued or recorded
    Given a ready provider-acquired node
    And the operator has connected the provider with a credential the provider rejects
    When the operator requests a new provider-acquired node
    Then the node request is refused because the provider is not connected
    And no node acquisition was queued
    And no node was recorded for that request
