"""Talking to the target over HTTP: the API client (`client`: timeouts, GET retries, and `Answer`, what came back,
with the one mapping of an unexpected answer to a failure category), the journal of every exchange, redacted as it
is recorded (`journal`), a preview address probed as a browser sees it (`preview`), and the embedded reference's
fault-injection API (`faults`).

May import: support.verdicts (the layer it stands on; pressluft, runtime and reporting are its siblings).
"""
