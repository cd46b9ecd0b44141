@wave5
Feature: Provider-acquired node for the run
  Every success path of Wave 5 runs on a node that Pressluft acquires from the
  provider (Hetzner Cloud). The suite acquires that node once per run, or reuses
  one that is already ready, and waits through the provider's pre-provision
  states without anyone clicking "retry".

  @AC-1 @AC-5 @SC-1 @critical
  Scenario: The run's node is acquired or confirmed, and becomes ready
    Given the provider is connected with the operator's credential
    When the run secures its provider-acquired node
    Then that node is ready with no outstanding reason codes
    And the node was requested at most once during this run

  @AC-5 @fault_injection
  Scenario: Transient provider errors during acquisition are waited out, not re-submitted
    Given the provider is connected with the operator's credential
    And the provider will fail the first 2 acquisition attempts with the transient error "PROVIDER_API_ERROR"
    When the operator requests a new provider-acquired node
    Then the acquisition is seen waiting to retry after the error "PROVIDER_API_ERROR"
    And the new node is reported not ready while it is being acquired
    And the new node becomes ready without the request being submitted again

  @AC-1 @SERIAL
  Scenario: A rejected provider credential blocks node acquisition with guidance
    Given the provider is connected with a credential the provider rejects
    Then the provider connection is reported degraded with guidance for the operator
    And a request for a new provider-acquired node is refused because the provider is not connected
    And no node acquisition job was queued
