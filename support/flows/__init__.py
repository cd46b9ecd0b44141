"""What the operator does in the Wave 5 flows, one module per domain mirroring steps/ (`nodes`: the provider
connection and the run's node, reused, adopted or requested once; `sites`, `environments`, `backups`): a request at a
time, kept with what was listed just before it (the evidence a later check compares with), and the Given steps'
longer flows, which wait until what they made is done and check it with support/checks/. `submit`: the enqueue
guard's refusal waited out and the request submitted again, and an accepted request's job waited for.

May import: support.verdicts, support.pressluft, support.runtime, support.http, support.reporting, support.screenplay,
support.waiting, support.checks (the layers below it).
"""
