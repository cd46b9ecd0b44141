"""Settings from PRESSLUFT_* variables; bad values are config_error verdicts."""
import pytest

from support.config import (EMBEDDED_PROVIDER_TOKEN, ConfigError, load_settings, require_provider_token)
from support.diagnostics import Category


def test_defaults_start_the_embedded_target_with_the_dev_credentials_and_smoke_budgets():
    settings = load_settings({})
    assert settings.embedded and settings.base_url is None
    assert (settings.email, settings.password) == ("admin@pressluft.local", "pressluft-dev-password")
    assert settings.provider_id == "hetzner"
    assert settings.job_timeout == 180 and settings.preview_timeout == 60
    assert settings.node_timeout >= 180 + 60


def test_every_setting_is_read_from_its_variable():
    settings = load_settings({"PRESSLUFT_BASE_URL": "https://pressluft.example:8443/", "PRESSLUFT_EMAIL": "ops@x.io",
                              "PRESSLUFT_PASSWORD": "pw", "PRESSLUFT_PROVIDER_ID": "Hetzner",
                              "PRESSLUFT_PROVIDER_TOKEN": "tok", "PRESSLUFT_JOB_TIMEOUT": "30",
                              "PRESSLUFT_NODE_TIMEOUT": "90", "PRESSLUFT_PREVIEW_TIMEOUT": "2.5"})
    assert settings.base_url == "https://pressluft.example:8443" and not settings.embedded
    assert (settings.email, settings.password, settings.provider_id) == ("ops@x.io", "pw", "hetzner")
    assert (settings.job_timeout, settings.node_timeout, settings.preview_timeout) == (30, 90, 2.5)
    assert settings.provider_token == "tok"


def test_the_node_budget_covers_the_job_budget_plus_readiness_by_default():
    assert load_settings({"PRESSLUFT_JOB_TIMEOUT": "600"}).node_timeout == 660


def test_the_hetzner_token_is_the_fallback_provider_token():
    assert load_settings({"HETZNER_API_TOKEN": "hz"}).provider_token == "hz"
    assert load_settings({"HETZNER_API_TOKEN": "hz", "PRESSLUFT_PROVIDER_TOKEN": "pl"}).provider_token == "pl"


def test_userdata_overrides_the_environment():
    settings = load_settings({"PRESSLUFT_JOB_TIMEOUT": "30"}, {"PRESSLUFT_JOB_TIMEOUT": "5"})
    assert settings.job_timeout == 5


@pytest.mark.parametrize("name, value", [
    ("PRESSLUFT_JOB_TIMEOUT", "soon"), ("PRESSLUFT_NODE_TIMEOUT", "-1"), ("PRESSLUFT_PREVIEW_TIMEOUT", "0"),
    ("PRESSLUFT_JOB_TIMEOUT", "nan"), ("PRESSLUFT_JOB_TIMEOUT", "inf"),
])
def test_a_non_numeric_or_non_positive_budget_is_a_config_error(name, value):
    with pytest.raises(ConfigError) as caught:
        load_settings({name: value})
    assert caught.value.category is Category.CONFIG_ERROR
    assert caught.value.command == f"read {name}"
    assert name in caught.value.reason and value in caught.value.reason


@pytest.mark.parametrize("url", ["localhost:8080", "ftp://host/", "http://", "http://host:notaport",
                                 "http://host/?q=1", "not a url"])
def test_a_malformed_base_url_is_a_config_error(url):
    with pytest.raises(ConfigError) as caught:
        load_settings({"PRESSLUFT_BASE_URL": url})
    assert "PRESSLUFT_BASE_URL" in caught.value.reason


def test_a_real_target_needs_a_provider_token_and_the_reference_gets_a_fake_one():
    settings = load_settings({"PRESSLUFT_BASE_URL": "http://127.0.0.1:9"})
    with pytest.raises(ConfigError) as caught:
        require_provider_token(settings, target_is_reference=False)
    assert "PRESSLUFT_PROVIDER_TOKEN" in caught.value.reason
    assert require_provider_token(settings, target_is_reference=True).provider_token == EMBEDDED_PROVIDER_TOKEN


def test_describe_never_shows_a_secret():
    described = str(load_settings({"PRESSLUFT_PASSWORD": "pw-secret", "PRESSLUFT_PROVIDER_TOKEN": "tok-secret"})
                    .describe())
    assert "pw-secret" not in described and "tok-secret" not in described
