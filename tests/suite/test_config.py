"""Settings from PRESSLUFT_* variables; bad values are config_error verdicts, for every variable."""
import pytest

from support.runtime.config import (
    EMBEDDED_BUDGETS,
    EMBEDDED_PROVIDER_TOKEN,
    REAL_PRESSLUFT_BUDGETS,
    REAL_PRESSLUFT_RETRY_CEILING,
    ConfigError,
    load_settings,
    require_provider_token,
)
from support.verdicts.categories import Category

REAL = {"PRESSLUFT_BASE_URL": "https://pressluft.example"}


@pytest.fixture
def env(tmp_path):
    """Variables with the reports folder in a temporary directory (load_settings checks it is writable)."""
    return lambda **values: {"PRESSLUFT_REPORTS_DIR": str(tmp_path / "reports"), **values}


def test_defaults_start_the_embedded_target_with_the_dev_credentials_and_short_budgets(env):
    settings = load_settings(env())
    assert settings.embedded and settings.base_url is None
    assert (settings.email, settings.password) == ("admin@pressluft.local", "pressluft-dev-password")
    assert settings.provider_id == "hetzner" and settings.poll_policy == "adaptive"
    assert settings.budgets == EMBEDDED_BUDGETS and not settings.allow_disruptive


def test_a_real_target_gets_budgets_that_fit_a_real_pressluft(env):
    settings = load_settings(env(**REAL))
    assert settings.budgets == REAL_PRESSLUFT_BUDGETS
    assert settings.budgets.node >= 600 and settings.budgets.site >= 300 and settings.budgets.preview >= 105
    assert settings.retry_ceiling == REAL_PRESSLUFT_RETRY_CEILING >= (60 + 300 + 900)


def test_every_setting_is_read_from_its_variable(env):
    settings = load_settings(env(PRESSLUFT_BASE_URL="https://pressluft.example:8443/", PRESSLUFT_EMAIL="ops@x.io",
                                 PRESSLUFT_PASSWORD="pw", PRESSLUFT_PROVIDER_ID="Hetzner",
                                 PRESSLUFT_PROVIDER_TOKEN="tok", PRESSLUFT_NODE_TIMEOUT="90",
                                 PRESSLUFT_SITE_TIMEOUT="31", PRESSLUFT_CLONE_TIMEOUT="32",
                                 PRESSLUFT_BACKUP_TIMEOUT="33", PRESSLUFT_RESTORE_TIMEOUT="34",
                                 PRESSLUFT_PREVIEW_TIMEOUT="2.5", PRESSLUFT_RETRY_CEILING="100",
                                 PRESSLUFT_POLL_POLICY="fixed-2s", PRESSLUFT_RUN_ID="w5-loop-7",
                                 PRESSLUFT_ALLOW_DISRUPTIVE="1", PRESSLUFT_KEEP_DATA="yes",
                                 PRESSLUFT_REFERENCE_ARGS="--job-duration all=2"))
    assert settings.base_url == "https://pressluft.example:8443" and not settings.embedded
    assert (settings.email, settings.password, settings.provider_id) == ("ops@x.io", "pw", "hetzner")
    budgets = settings.budgets
    assert (budgets.node, budgets.site, budgets.clone, budgets.backup, budgets.restore, budgets.preview) == \
        (90, 31, 32, 33, 34, 2.5)
    assert settings.provider_token == "tok" and settings.retry_ceiling == 100
    assert settings.poll_policy == "fixed-2s" and settings.run_id == "w5-loop-7"
    assert settings.allow_disruptive and settings.keep_data
    assert settings.reference_args == ("--job-duration", "all=2")


def test_the_job_budget_sets_every_job_kind_but_the_node_and_a_specific_one_wins(env):
    budgets = load_settings(env(PRESSLUFT_JOB_TIMEOUT="30", PRESSLUFT_BACKUP_TIMEOUT="5")).budgets
    assert (budgets.site, budgets.clone, budgets.restore, budgets.backup) == (30, 30, 30, 5)
    assert budgets.node == EMBEDDED_BUDGETS.node
    assert budgets.for_job("env_create") == 30 and budgets.for_job("node_provision") == EMBEDDED_BUDGETS.node


def test_the_hetzner_token_is_the_fallback_provider_token(env):
    assert load_settings(env(HETZNER_API_TOKEN="hz")).provider_token == "hz"
    assert load_settings(env(HETZNER_API_TOKEN="hz", PRESSLUFT_PROVIDER_TOKEN="pl")).provider_token == "pl"


def test_userdata_overrides_the_environment(env):
    settings = load_settings(env(PRESSLUFT_JOB_TIMEOUT="30"), {"PRESSLUFT_JOB_TIMEOUT": "5"})
    assert settings.budgets.clone == 5


BAD_VALUES = [
    ("PRESSLUFT_BASE_URL", "localhost:8080"), ("PRESSLUFT_BASE_URL", "ftp://host/"), ("PRESSLUFT_BASE_URL", "http://"),
    ("PRESSLUFT_BASE_URL", "http://host:notaport"), ("PRESSLUFT_BASE_URL", "http://host/?q=1"),
    ("PRESSLUFT_JOB_TIMEOUT", "soon"), ("PRESSLUFT_JOB_TIMEOUT", "nan"), ("PRESSLUFT_JOB_TIMEOUT", "inf"),
    ("PRESSLUFT_NODE_TIMEOUT", "-1"), ("PRESSLUFT_SITE_TIMEOUT", "x"), ("PRESSLUFT_CLONE_TIMEOUT", "0"),
    ("PRESSLUFT_BACKUP_TIMEOUT", "1m"), ("PRESSLUFT_RESTORE_TIMEOUT", "-5"), ("PRESSLUFT_PREVIEW_TIMEOUT", "0"),
    ("PRESSLUFT_RETRY_CEILING", "forever"), ("PRESSLUFT_CONNECT_TIMEOUT", "0"), ("PRESSLUFT_READ_TIMEOUT", "later"),
    ("PRESSLUFT_POLL_POLICY", "bogus"), ("PRESSLUFT_KEEP_DATA", "maybe"), ("PRESSLUFT_ALLOW_DISRUPTIVE", "please"),
    ("PRESSLUFT_RUN_ID", "Has Spaces"), ("PRESSLUFT_RUN_ID", "x"), ("PRESSLUFT_REFERENCE_ARGS", "--flag 'unclosed"),
    ("PRESSLUFT_REPORTS_DIR", "/proc/nope"), ("PRESSLUFT_SERVER_CMD", "./pressluft dev --port 'unclosed"),
    ("PRESSLUFT_SERVER_BUILD_CMD", "go build"), ("PRESSLUFT_SERVER_START_TIMEOUT", "a minute"),
    ("PRESSLUFT_SERVER_DIR", "/no/such/dir"), ("PRESSLUFT_RELEASE_NODE", "sometimes"),
    ("PRESSLUFT_RELEASE_NODE", "on_pass"), ("PRESSLUFT_HCLOUD_ENDPOINT", "api.hetzner.cloud/v1"),
    ("PRESSLUFT_SERVER_DIR", "/no/such/dir"), ("PRESSLUFT_TARGET_NAME", "ops/prod"),
    ("PRESSLUFT_TARGET_NAME", "x" * 41), ("PRESSLUFT_REPORTS_SHARED", "sometimes"),
]


@pytest.mark.parametrize("name, value", BAD_VALUES)
def test_a_bad_value_of_any_variable_is_a_config_error_naming_it(env, name, value):
    server = {} if name in ("PRESSLUFT_SERVER_CMD", "PRESSLUFT_SERVER_BUILD_CMD") else \
        {"PRESSLUFT_SERVER_CMD": "./pressluft dev --port {port}"} if name.startswith("PRESSLUFT_SERVER_") else {}
    with pytest.raises(ConfigError) as caught:
        load_settings(env(**server, **{name: value}))
    assert caught.value.category is Category.CONFIG_ERROR
    assert caught.value.command == f"read {name}"
    assert name in caught.value.reason
    # a bad URL is not repeated: a base URL is the address that reports must never show (the others are)
    urls = ("PRESSLUFT_BASE_URL", "PRESSLUFT_HCLOUD_ENDPOINT")
    assert (value not in caught.value.reason) if name in urls else (value in caught.value.reason)
    assert "\n" not in caught.value.line


def test_a_target_is_named_by_its_label_never_by_its_address(env):
    assert load_settings(env(**REAL)).target_name == "external target"
    assert load_settings(env(**REAL)).describe()["target"] == "external target"
    assert load_settings(env()).describe()["target"] == "(embedded reference target)"
    named = load_settings(env(**REAL, PRESSLUFT_TARGET_NAME="staging EU-2"))
    assert named.target_name == "staging EU-2" and named.as_environment()["PRESSLUFT_TARGET_NAME"] == "staging EU-2"
    with pytest.raises(ConfigError) as caught:
        load_settings(env(**REAL, PRESSLUFT_TARGET_NAME="Pressluft.example prod"))
    assert "does not contain its host" in caught.value.reason and "pressluft.example" not in caught.value.line.lower()


def test_every_time_budget_the_settings_read_is_in_the_list_the_workflow_is_checked_against(env, monkeypatch):
    """TIME_BUDGET_VARIABLES is the list tests/ci/test_workflows.py holds real-target.yml to: a variable read as
    seconds anywhere in load_settings must be in it, and everything in it must be read."""
    from support.runtime import config

    read = []
    original = config._Reader.seconds
    monkeypatch.setattr(config._Reader, "seconds", lambda self, name, default: read.append(name) or
                        original(self, name, default))
    load_settings(env(PRESSLUFT_SERVER_CMD="./pressluft dev --port {port}"))
    assert sorted(set(read)) == sorted(config.TIME_BUDGET_VARIABLES)


def test_every_variable_the_suite_reads_has_a_bad_value_test():
    import pathlib
    import re

    root = pathlib.Path(__file__).resolve().parents[2]
    read = set(re.findall(r'"(PRESSLUFT_[A-Z_]+)"', (root / "support" / "runtime" / "config.py").read_text()))
    free_form = {"PRESSLUFT_EMAIL", "PRESSLUFT_PASSWORD", "PRESSLUFT_PROVIDER_ID", "PRESSLUFT_PROVIDER_TOKEN"}
    assert read - free_form <= {name for name, _ in BAD_VALUES}


def test_no_module_but_config_reads_a_pressluft_variable():
    import pathlib
    import re

    root = pathlib.Path(__file__).resolve().parents[2]
    readers = [path.relative_to(root).as_posix() for folder in ("support", "steps", "tools")
               for path in (root / folder).rglob("*.py") if path.name != "config.py"
               and re.search(r"environ(\.get)?\(?\[?[\"']PRESSLUFT_", path.read_text())]
    assert readers == [], readers


def test_a_real_target_needs_a_provider_token_and_the_reference_gets_a_fake_one(env):
    settings = load_settings(env(PRESSLUFT_BASE_URL="http://127.0.0.1:9"))
    with pytest.raises(ConfigError) as caught:
        require_provider_token(settings, target_is_reference=False)
    assert "PRESSLUFT_PROVIDER_TOKEN" in caught.value.reason
    assert require_provider_token(settings, target_is_reference=True).provider_token == EMBEDDED_PROVIDER_TOKEN


def test_describe_never_shows_a_secret(env):
    described = str(load_settings(env(PRESSLUFT_PASSWORD="pw-secret", PRESSLUFT_PROVIDER_TOKEN="tok-secret"))
                    .describe())
    assert "pw-secret" not in described and "tok-secret" not in described


def test_a_child_run_gets_the_same_settings_through_its_environment(env):
    settings = load_settings(env(PRESSLUFT_BASE_URL="http://h:1", PRESSLUFT_CLONE_TIMEOUT="7",
                                 PRESSLUFT_POLL_POLICY="fixed-2s"))
    again = load_settings(env(**settings.as_environment()))
    assert again.budgets == settings.budgets and again.base_url == settings.base_url
    assert again.poll_policy == "fixed-2s" and again.retry_ceiling == settings.retry_ceiling


def test_every_variable_the_settings_read_is_declared_once_with_the_defaults_they_take(tmp_path):
    """support/runtime/config.py VARIABLES declares every variable load_settings reads (what the smoke commands' --help
    prints, a child run's environment and the docs' table are made from it), each with the defaults the settings
    really take."""
    from support.runtime import config

    asked = set()

    class Recording(dict):
        def get(self, key, default=None):
            asked.add(key)
            return super().get(key, default)

    reports = {"PRESSLUFT_REPORTS_DIR": str(tmp_path)}
    embedded = config.load_settings(env=Recording(reports))
    real = config.load_settings(env=Recording({**reports, "PRESSLUFT_BASE_URL": "http://p",
                                               "PRESSLUFT_SERVER_CMD": "./pressluft dev --port {port}"}))
    assert asked - {"HETZNER_API_TOKEN"} == {variable.name for variable in config.VARIABLES}
    for variable in config.VARIABLES:
        if variable.field is None or variable.shown or variable.name in reports or variable.name.startswith(
                "PRESSLUFT_SERVER_CMD"):
            continue
        owner, _, field = variable.field.rpartition(".")
        said = [config._words(getattr(getattr(settings, owner) if owner else settings, field))
                for settings in (embedded, real)]
        assert said == [variable.embedded, variable.real], variable.name
    assert config.BUDGET_VARIABLES["node"] == "PRESSLUFT_NODE_TIMEOUT" and len(config.BUDGET_VARIABLES) == 6


def test_the_docs_table_of_variables_is_made_from_their_declarations():
    """docs/real-target.md's table of variables is `python -m support.runtime.config`'s output: paste it there again
    when a declaration changes. No other doc lists them with their meanings."""
    import pathlib

    from support.runtime.config import VARIABLES, variables_table

    docs = pathlib.Path(__file__).resolve().parents[2] / "docs"
    assert variables_table() in (docs / "real-target.md").read_text()
    restating = [f"{path.name}: {variable.name}" for path in [*docs.glob("*.md"), docs.parent / "README.md"]
                 for variable in VARIABLES if path.name != "real-target.md" and variable.meaning in path.read_text()]
    assert restating == [], restating
    assert all(f"| `{variable.name}` |" in variables_table() for variable in VARIABLES)


def test_no_step_chooses_the_budget_of_a_wait():
    """The budget of a wait comes from the job type its request names (Budgets.for_job, read by the waits of
    support/waiting/), never from a step or a claim: steps/ and support/checks/ name no budget."""
    import pathlib
    import re

    root = pathlib.Path(__file__).resolve().parents[2]
    naming = [path.relative_to(root).as_posix() for folder in ("steps", "support/checks", "support/flows")
              for path in (root / folder).rglob("*.py") if re.search(r"budgets\.(?!for_job)|budget=", path.read_text())]
    assert naming == [], naming
