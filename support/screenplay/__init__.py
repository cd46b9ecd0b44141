"""The screenplay: the operator (`actor`), the questions it asks the API (`questions`: GETs that describe themselves
and check their answer's schema) and the actions it performs (`actions`: one POST each, narrated, returning the
operator's `Request`, a request and its answer). Nothing here waits or judges a claim: the waits are
support/waiting/, the claims support/checks/, the longer flows support/flows/.

May import: support.verdicts, support.pressluft, support.runtime, support.http, support.reporting (the layers below it).
"""
