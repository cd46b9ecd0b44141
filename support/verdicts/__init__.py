"""The lowest layer: what a verdict is and how it is told, and what is never told.

`categories` the one vocabulary of failures and a run's exit status; `failure` a verdict (SuiteFailure) and its
one `[wave5] FAIL` line; `not_shown` what a target cannot show (NotShownHere: a skip, never a verdict);
`diagnosis` the block under that line, and an exception as a verdict or as an error in the suite's own code;
`redaction` secrets and a real target's addresses, hidden before anything is shown or recorded.

May import: nothing of support/ (the layer at the bottom).
"""
