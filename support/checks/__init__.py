"""The checks behind the Then steps: one module per domain, mirroring steps/ (`jobs`, `nodes`, `providers`, `sites`,
`environments`, `previews`, `backups`, `refusals`, `nothing_left`; a smoke's own verdict, `smoke_verdicts`, and the
records a smoke made, `smoke_records`; `first_node`; and `placement`: the node a site's production is on is a
provider-acquired one), each with its claims (one function per claim, checking every property its sentence names
against what the scenario asked for, never against the answer under test) and the named PyHamcrest matchers they use;
what they are all built on is `matchers` (RecordMatcher, expect(), shown_in()). A check that fails raises a
SuiteFailure naming the request, the job and why; a claim this target cannot show raises NotShownHere
(support/verdicts/not_shown.py): a skip, never a verdict. docs/claims.md lists the claims, their properties and the
mutant that breaks each.

May import: support.verdicts, support.pressluft, support.runtime, support.http, support.reporting, support.screenplay,
support.waiting (the layers below it).
"""
