"""Where the suite runs: its settings (`config`: every PRESSLUFT_* variable, read and checked here only), this copy
of the suite (`installation`: its version, a checkout or the installed package, where its files are), the run id and
the ledger of what the run created (`resources`), which scenarios a target cannot run (`skips`), and the processes a
run starts: any child (`child_process`), the embedded reference target (`target`), the server under test
(`server_process`), the smoke commands (`smoke_commands`, with their one table, and a run of one), on loopback
ports (`ports`).

May import: support.pressluft, support.verdicts (it stands on pressluft; http is its sibling).
"""
