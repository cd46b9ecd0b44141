"""Issue 22 in a checkout: one home for the version and for behave's configuration, whichever way the suite runs, and
the checkout's smoke commands called from another directory write their reports there, as the installed ones do."""
from __future__ import annotations

import os
import subprocess
import tomllib
from pathlib import Path

from pressluft_acceptance.configured_behave import configuration_defaults
from support.reporting.spec_catalogue import SPEC_COMMIT
from support.runtime import installation
from tools.suite_runs import SuiteRun

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
SUCCESS = "[smoke] success: clone and staging preview URLs reachable (2 scenarios passed)"


def test_a_checkout_reads_its_version_from_pyproject_and_it_names_the_spec_commit():
    assert not installation.installed() and installation.home() == ROOT
    assert installation.version() == PYPROJECT["project"]["version"]
    assert installation.contract() == SPEC_COMMIT[:8]
    assert installation.describe() == (f"pressluft-acceptance {PYPROJECT['project']['version']}, checking the "
                                       f"Pressluft Wave 5 contract at {SPEC_COMMIT[:8]}")


def test_the_commands_read_behaves_configuration_from_pyproject_with_the_outfiles_relative_to_the_caller():
    behave = PYPROJECT["tool"]["behave"]
    defaults = configuration_defaults()
    assert defaults["paths"] == [str(ROOT / path) for path in behave["paths"]]
    assert defaults["outfiles"] == behave["outfiles"]  # relative: to the directory behave runs in
    assert defaults["format"] == behave["format"] and defaults["junit_directory"] == behave["junit_directory"]
    assert defaults["more_formatters"] == behave["formatters"] and defaults["userdata"] == behave["userdata"]
    assert (defaults["junit"], defaults["show_skipped"], defaults["default_format"], defaults["logging_level"]) == (
        behave["junit"], behave["show_skipped"], behave["default_format"], behave["logging_level"])


def smoke_from(folder: Path, **env) -> SuiteRun:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("PRESSLUFT_") and k != "PYTHONPATH"}
    full_env.update(env)
    result = subprocess.run([str(ROOT / "scripts" / "smoke-site-clone-preview.sh")], cwd=folder, env=full_env,
                            capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=120)
    return SuiteRun(result.returncode, result.stdout, result.stderr, folder, 0)


def test_a_checkouts_smoke_called_from_elsewhere_writes_its_reports_there(tmp_path):
    # what the caller's folder holds is not the suite's: a tools package of its own, a behave configuration
    (tmp_path / "tools").mkdir()
    (tmp_path / "tools" / "__init__.py").write_text("")
    (tmp_path / "tools" / "smoke.py").write_text("raise SystemExit('the caller\\'s tools.smoke ran')\n")
    (tmp_path / "behave.ini").write_text("[behave]\npaths = features-of-the-caller\n")
    by_default = smoke_from(tmp_path)
    assert by_default.exit_code == 0 and by_default.stdout.rstrip().endswith(SUCCESS), by_default.output[-3000:]
    assert (tmp_path / "reports" / "smoke-site-clone-preview" / "run-summary.json").is_file()
    relative = smoke_from(tmp_path, PRESSLUFT_REPORTS_DIR="gate/reports")
    assert relative.exit_code == 0, relative.output[-3000:]
    results = list((tmp_path / "gate" / "reports" / "allure-results").glob("*-result.json"))
    assert len(results) == 2 and (tmp_path / "gate" / "reports" / "run-summary.json").is_file()  # clone, staging
    assert not (ROOT / "gate").exists()
