"""The runner of `behave features/wave5` (pyproject.toml: `[tool.behave] runner`): behave's own, which then ends
the run the way a loop can act on.

After behave's summary it prints the end of the run (a selection that ran nothing: its config_error line; then
RunTally.closing_lines: what was proven per spec item, and the last line), and it ends the process with the run's
exit status (support/verdicts/categories.py): 0 every selected scenario ran and passed, 1 Pressluft failed a check,
2 the run could not judge Pressluft. (behavex, scripts/parallel, runs behave's own runner in its workers: none of this.)

Why a runner: behave maps any failure to exit 1 and swallows a SystemExit raised in a hook (it counts as a hook
error, behave 1.3.3 runner.run_hook). A runner's run() returns to behave's run_behave(), which catches only
Exception; a SystemExit(2) raised here, after every hook, formatter and reporter has finished, ends the process
with 2 (`behave`, `python -m behave`, and tools/smoke.py, which catches it around behave's main()).
"""
from __future__ import annotations

import sys

from behave.runner import Runner

from support.reporting.tally import describe_selection
from support.verdicts.categories import NOT_JUDGED_STATUS, PASSED_STATUS
from support.verdicts.diagnosis import print_verdict


class Wave5Runner(Runner):
    def run(self):
        failed = super().run()
        tally = getattr(self.context, "tally", None) if self.context is not None else None
        if self.config.dry_run or tally is None:  # no hook ran: behave's own verdict
            return failed
        nothing_ran = tally.nothing_ran(describe_selection(self.config.tags, self.config.name))
        if nothing_ran is not None:  # a selection that ran nothing is a config_error, not a green run
            sys.stdout.flush()  # after behave's summary
            print_verdict(nothing_ran.line)
        status = tally.settle(bool(failed))
        for line in tally.closing_lines():
            print(line)
        sys.stdout.flush()
        tally.write(tally.reports_dir)
        if status == NOT_JUDGED_STATUS:
            if self.undefined_steps and self.config.show_snippets:
                from behave.__main__ import print_undefined_step_snippets

                print_undefined_step_snippets(self.undefined_steps, colored=self.config.has_colored_mode())
            raise SystemExit(NOT_JUDGED_STATUS)
        return status != PASSED_STATUS
