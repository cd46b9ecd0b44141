"""The suite's library: configuration, HTTP client, actions and questions, polling, verdicts, reporting."""
