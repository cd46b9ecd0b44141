@wave5
Feature: Smoke commands as closeout gates for resume-run loops
  The two smoke commands are Wave 5's closeout gates: a resume-run loop runs
  them from the repository root, with no input (nothing can answer a question),
  until they pass. The clone preview smoke makes a new site on the
  provider-acquired node and a clone and a staging environment of its
  production, whose previews must be reachable: each answers with a page or a
  redirect (200, 301 or 302), the redirect not followed; the
  backup and restore smoke makes a new site on that same provider-acquired
  node, backs up its production and restores it. When the clone preview smoke
  finds no node ready and none being acquired, it asks Pressluft for one. When
  it starts while its node is still being acquired, it waits for that node.
  When its node never becomes ready (the provider fails its acquisition for
  good, or it is still being acquired when the smoke's wait for it ends), it
  stops and says which; Pressluft acquires a node with a job, so a wait that
  ends is reported as a job that timed out. Each smoke answers with an exit
  status the loop can act on: 0 only when its whole flow worked, 1 when
  Pressluft failed a check, 2 when the control plane could not be judged (it
  cannot be reached, or the smoke's settings are wrong). A smoke that fails
  says why in one line; that line is what each failure scenario checks. Every wait of a
  smoke (for its node, each job, each preview) has a limit; some scenarios
  shorten one, to show what the smoke says when it ends.

  @AC-1 @AC-4 @SC-1 @smoke-entry
  Scenario: The clone preview smoke makes a clone and a staging environment whose previews answer
    Given a ready provider-acquired node
    When the clone preview smoke runs from the repository root with no input
    Then it made a new site on the provider-acquired node
    And it made a clone and a staging environment of that site's production, both active on its node
    And the previews of both are reachable: each answers with a page or a redirect (200, 301 or 302), the redirect not followed
    And the smoke passes, exiting with status 0

  @AC-2 @AC-4 @SC-1 @smoke-entry
  Scenario: The backup and restore smoke backs up production with its integrity data and restores it
    Given a ready provider-acquired node
    When the backup and restore smoke runs from the repository root with no input
    Then it made a full backup of the production of a new site on the provider-acquired node, listed with a sha256 checksum and a positive size
    And it restored production on the provider-acquired node, the node it backed up from, with a full checkpoint of production taken first
    And its production is active again, and its preview is reachable: it answers with a page or a redirect (200, 301 or 302), the redirect not followed
    And the smoke passes, exiting with status 0

  @AC-1 @fault_injection @SERIAL
  Scenario: The clone preview smoke, finding no node ready and none being acquired, acquires one and passes
    Given no provider-acquired node is ready, and none is being acquired
    When the clone preview smoke runs from the repository root with no input
    Then it asked Pressluft for one new node, which Pressluft acquired and reported ready
    And it made its new site on that node
    And the smoke passes, exiting with status 0

  @AC-5 @fault_injection @SERIAL
  Scenario: The clone preview smoke started while its node is still being acquired waits for that node and passes
    Given no provider-acquired node is ready, and Pressluft is still acquiring a new one
    When the clone preview smoke runs from the repository root with no input
    Then it asked for no node of its own
    And it waited for the node being acquired, which the node list showed not ready until Pressluft had acquired it
    And the smoke passes, exiting with status 0

  @AC-5 @AC-3 @AC-4 @fault_injection @SERIAL
  Scenario: The clone preview smoke whose node acquisition the provider fails for good stops with exit status 1
    Given no provider-acquired node is ready, and none is being acquired
    And the provider will fail the acquisition of the node the clone preview smoke asks for, for good, with the message "hetzner action failed: server limit reached" and the error "PROVIDER_ACQUISITION_FAILED"
    When the clone preview smoke runs from the repository root with no input
    Then the smoke exits with status 1, reporting a failed job
    And its failure names the node acquisition and its job id
    And its failure gives the reason "PROVIDER_ACQUISITION_FAILED: hetzner action failed: server limit reached"
    And the node acquisition job had ended failed, without a retry, with the error "PROVIDER_ACQUISITION_FAILED", before the smoke reported it

  @AC-5 @AC-3 @AC-4 @fault_injection @SERIAL
  Scenario: The clone preview smoke whose node is still being acquired when its node wait ends stops with exit status 1
    Given no provider-acquired node is ready, and none is being acquired
    And Pressluft will go on acquiring the node the clone preview smoke asks for, past any wait
    When the clone preview smoke runs from the repository root with no input, allowing its node 0.5 seconds
    Then the smoke exits with status 1, reporting a job that timed out
    And its failure names the node acquisition and its job id
    And its failure says the node acquisition was still running, and the node not ready, when the 0.5-second wait ended

  @AC-4 @smoke-entry @SERIAL
  Scenario: A smoke that cannot reach the control plane stops within 5 seconds with exit status 2
    When each smoke, the clone preview smoke and the backup and restore smoke, runs from the repository root with no input, against an address where no control plane answers
    Then each smoke exits with status 2 within 5 seconds, reporting that it cannot reach the control plane

  @AC-4 @smoke-entry
  Scenario: A smoke whose settings are wrong stops within 5 seconds with exit status 2, saying which setting and why
    When each smoke, the clone preview smoke and the backup and restore smoke, runs from the repository root with no input, with its job wait limit (PRESSLUFT_JOB_TIMEOUT) set to "soon"
    Then each smoke exits with status 2 within 5 seconds, reporting a configuration error
    And each smoke's failure gives the reason "PRESSLUFT_JOB_TIMEOUT must be a number of seconds, got 'soon'"

  @AC-3 @fault_injection
  Scenario: The same failure, met twice, is reported in the same words
    Given a ready provider-acquired node
    And each environment creation of the clone preview smoke will fail with the message "env_create playbook has a syntax error" and the error "ANSIBLE_SYNTAX_ERROR"
    When the clone preview smoke runs twice from the repository root with no input
    Then both runs exit with status 1 and report the failure in the same words, apart from each run's ids, site and environment names, preview addresses and durations

  @AC-1 @AC-4 @fault_injection
  Scenario: A smoke run again after a failed run reuses a ready node, passes, and lists what the failed run left
    Given a ready provider-acquired node
    And the clone preview smoke, run from the repository root, has failed once, because its clone creation failed
    When the clone preview smoke runs again from the repository root with no input
    Then the smoke passes, exiting with status 0
    And it reused a node that was already ready, without asking for another
    And its output lists what the failed run left behind: its site and its failed clone
