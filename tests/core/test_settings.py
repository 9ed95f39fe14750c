"""Settings come from the environment, `.env` or `.streamlit/secrets.toml`; keys stay hidden;
a bad value is a clear error naming the variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from aytada.cli import main
from aytada.core import settings as settings_module
from aytada.core.errors import UserError
from aytada.core.settings import SettingsError, load_settings, reset_settings


def test_defaults_are_embedded(tmp_path: Path) -> None:
    s = load_settings({"AYTADA_DATA_DIR": str(tmp_path)})
    assert s.database_url == f"sqlite:///{tmp_path / 'aytada.db'}"
    assert s.embedded_redis and s.effective_redis_url == f"unix://{tmp_path / 'redis.sock'}"
    assert s.media_dir == tmp_path / "media"
    assert s.starting_credits == 1000 and s.prices["clip_pro"] == 40
    assert (s.workers, s.job_timeout, s.queue_name, s.reconcile_interval) == (2, 900, "aytada", 15)


def test_prices_and_overrides_are_configurable(tmp_path: Path) -> None:
    s = load_settings(
        {
            "AYTADA_DATA_DIR": str(tmp_path),
            "PRICE_CLIP_PRO": "0",
            "PROVIDER_CLIP": "OpenAI",
            "AYTADA_WORKERS": "4",
        }
    )
    assert s.prices["clip_pro"] == 0 and s.prices["clip_standard"] == 15
    assert s.provider_overrides == {"clip": "openai"} and s.workers == 4


def _patch_files(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, dotenv: str, toml: str) -> None:
    (tmp_path / ".env").write_text(dotenv)
    (tmp_path / "secrets.toml").write_text(toml)
    monkeypatch.setattr(settings_module, "DOTENV", tmp_path / ".env")
    monkeypatch.setattr(settings_module, "SECRETS_TOML", tmp_path / "secrets.toml")


def test_sources_in_order_and_keys_never_shown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _patch_files(
        monkeypatch,
        tmp_path,
        "export ELEVENLABS_API_KEY='el-456'\n# comment\nSTARTING_CREDITS=50\nAYTADA_WORKERS=3\n",
        'openai_api_key = "sk-test-123"\nstarting_credits = 7\nAYTADA_QUEUE = "q"\n'
        '[auth]\nredirect_uri = "x"\n',
    )
    monkeypatch.setenv("AYTADA_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("AYTADA_WORKERS", "5")
    monkeypatch.setenv("DATABASE_URL", "postgresql://ad:hunter2@db/aytada")
    for name in (
        "OPENAI_API_KEY",
        "ELEVENLABS_API_KEY",
        "STARTING_CREDITS",
        "AYTADA_QUEUE",
        settings_module.IGNORE_FILES,
    ):
        monkeypatch.delenv(name, raising=False)
    s = load_settings()
    assert s.openai_api_key.get_secret_value() == "sk-test-123"  # secrets.toml
    assert s.elevenlabs_api_key.get_secret_value() == "el-456"  # .env
    assert s.starting_credits == 50  # .env beats secrets.toml
    assert s.workers == 5  # the environment beats .env
    assert s.queue_name == "q"
    assert s.lookup("OPENAI_API_KEY") == "sk-test-123"
    text = repr(s) + str(s)
    for secret in ("sk-test-123", "el-456", "hunter2"):
        assert secret not in text
    assert "***" in text and "postgresql://ad:***@db/aytada" in text


def test_ignore_files_skips_dotenv_and_secrets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _patch_files(monkeypatch, tmp_path, "OPENAI_API_KEY=sk-dev\n", 'SHOTSTACK_API_KEY = "ss"\n')
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("SHOTSTACK_API_KEY", raising=False)
    monkeypatch.setenv(settings_module.IGNORE_FILES, "1")
    s = load_settings()
    assert s.openai_api_key.get_secret_value() == ""
    assert s.shotstack_api_key.get_secret_value() == ""
    assert s.lookup("OPENAI_API_KEY") == ""


def test_model_variables_come_from_the_same_sources(tmp_path: Path) -> None:
    s = load_settings({"AYTADA_DATA_DIR": str(tmp_path), "OPENAI_TEXT_MODEL": "gpt-x"})
    assert s.lookup("OPENAI_TEXT_MODEL") == "gpt-x"
    assert s.lookup("OPENAI_IMAGE_MODEL") == "" and s.lookup("X", "dflt") == "dflt"


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("AYTADA_WORKERS", "abc", "expected a whole number"),
        ("JOB_TIMEOUT", "-5", "expected a whole number greater than 0"),
        ("AYTADA_WORKERS", "0", "expected a whole number ≥ 1"),
        ("PRICE_CLIP_PRO", "-1", "expected a whole number ≥ 0"),
        ("PRICE_BANNER", "ten", "expected a whole number"),
        ("RECONCILE_INTERVAL", "soon", "expected a number"),
    ],
)
def test_bad_value_names_the_variable(name: str, value: str, expected: str) -> None:
    with pytest.raises(SettingsError) as info:
        load_settings({name: value})
    where = "(from the given settings)"
    assert str(info.value) == f"Invalid setting {name}={value!r} {where}: {expected}"
    assert isinstance(info.value, UserError)


def test_bad_value_in_a_file_says_which_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _patch_files(monkeypatch, tmp_path, "JOB_TIMEOUT=soon\n", "")
    monkeypatch.delenv("JOB_TIMEOUT", raising=False)
    monkeypatch.delenv(settings_module.IGNORE_FILES, raising=False)
    with pytest.raises(SettingsError, match=r"JOB_TIMEOUT='soon' \(from \.env\)"):
        load_settings()


def test_cli_prints_a_bad_setting_and_exits_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AYTADA_WORKERS", "abc")
    reset_settings()
    try:
        code = main(["migrate"])
    finally:
        monkeypatch.delenv("AYTADA_WORKERS")
        reset_settings()
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("error: Invalid setting AYTADA_WORKERS='abc' (from the environment)")
    assert "Traceback" not in err
