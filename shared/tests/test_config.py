"""Settings: PARALLAX_* environment variables, read only when asked for."""

import pytest
from pydantic import ValidationError

from parallax.shared.config import Settings, get_settings


def test_defaults_are_the_embedded_set_up(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PARALLAX_BROKER_URL", raising=False)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.database_url == "sqlite:///parallax.db"
    assert settings.broker_url.startswith("sqla+sqlite:///")
    assert settings.fetch_allow_private_addresses is False


def test_environment_variables_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARALLAX_DATABASE_URL", "postgresql+psycopg://db/parallax")
    monkeypatch.setenv("PARALLAX_FETCH_MAX_REDIRECTS", "2")
    get_settings.cache_clear()
    try:
        settings = get_settings()
        assert settings.database_url == "postgresql+psycopg://db/parallax"
        assert settings.fetch_max_redirects == 2
    finally:
        get_settings.cache_clear()


def test_bad_values_name_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARALLAX_NEAR_DUPLICATE_THRESHOLD", "1.5")
    with pytest.raises(ValidationError, match="near_duplicate_threshold"):
        Settings()


def test_every_setting_is_documented(pytestconfig: pytest.Config) -> None:
    documented = (pytestconfig.rootpath / "docs" / "settings.md").read_text(encoding="utf-8")
    missing = [name for name in Settings.model_fields if f"`PARALLAX_{name.upper()}`" not in documented]
    assert missing == [], "add these to docs/settings.md"
