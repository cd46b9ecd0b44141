"""The console commands of the installed suite: pressluft-acceptance, pressluft-smoke and pressluft-reference.

Each is a thin entry point into the code a checkout runs (behave with the suite's configuration, tools/smoke.py,
pressluft_reference): installed or not, the same code decides what a run does and what it answers.
"""
