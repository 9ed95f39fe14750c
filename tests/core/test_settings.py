"""Settings come from the environment, `.env` or `.streamlit/secrets.toml`; keys stay hidden."""

from __future__ import annotations

from pathlib import Path

from aytada.core.settings import _read_dotenv, _read_secrets, load_settings


def test_defaults_are_embedded(tmp_path: Path) -> None:
    s = load_settings({"AYTADA_DATA_DIR": str(tmp_path)})
    assert s.database_url == f"sqlite:///{tmp_path / 'aytada.db'}"
    assert s.embedded_redis and s.effective_redis_url == f"unix://{tmp_path / 'redis.sock'}"
    assert s.media_dir == tmp_path / "media"
    assert s.starting_credits == 1000 and s.prices["clip_pro"] == 40


def test_prices_and_overrides_are_configurable(tmp_path: Path) -> None:
    s = load_settings({"AYTADA_DATA_DIR": str(tmp_path), "PRICE_CLIP_PRO": "0",
                       "PROVIDER_CLIP": "OpenAI"})
    assert s.prices["clip_pro"] == 0 and s.provider_overrides == {"clip": "openai"}


def test_secret_files_are_read_and_keys_never_shown(tmp_path: Path) -> None:
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('openai_api_key = "sk-test-123"\n[auth]\nredirect_uri = "x"\n')
    dotenv = tmp_path / ".env"
    dotenv.write_text("export ELEVENLABS_API_KEY='el-456'\n# comment\n")
    env = {**_read_secrets(secrets), **_read_dotenv(dotenv), "AYTADA_DATA_DIR": str(tmp_path)}
    s = load_settings(env)
    assert s.openai_api_key == "sk-test-123" and s.elevenlabs_api_key == "el-456"
    text = repr(s)
    assert "sk-test-123" not in text and "el-456" not in text and "***" in text
