"""What a run tells, besides its verdicts: Allure narration (`narration`: every action, question and wait a step,
what it saw attached), what the suite adds to the Allure results (`allure_results`: labels, categories.json,
environment.properties, a run-level result), the formatters behave is configured with (`allure_formatter`,
`pretty_formatter`), the reports folder of one run (`reports_folder`), the wait log (`waitlog`), the progress lines
of long waits (`progress`: an observer of the poll engine), and what the run
proved per spec item (`spec_catalogue`: the spec's items and which scenario proves which part; `proof`; `tally`:
run-summary.json, the closing lines, the exit status).

May import: support.runtime, support.pressluft, support.verdicts (it stands on runtime; http is its
sibling).
"""
