"""The one settings object, read from the environment (and a `.env` file beside the app).

Secrets (API keys) live here only in memory: `repr()` masks them and nothing stores them.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, fields
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SECRET_FIELDS = {"openai_api_key", "elevenlabs_api_key", "shotstack_api_key"}

# Default prices (credits) follow the product's public price list; every one is configurable
# with an environment variable PRICE_<NAME>, e.g. PRICE_CLIP_PRO=40.
DEFAULT_PRICES: dict[str, int] = {
    "ideas_first": 0,
    "ideas_reroll": 2,
    "script": 2,
    "scenes": 0,
    "clip_standard": 15,
    "clip_pro": 40,
    "voiceover": 5,
    "stitch": 5,
    "banner": 10,
    "flyer": 10,
    "jingle": 10,
}


def _read_dotenv(path: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        values[key.strip().removeprefix("export ").strip()] = value.strip().strip("'\"")
    return values


def _read_secrets(path: Path) -> dict[str, str]:
    """Top-level string values of `.streamlit/secrets.toml` (e.g. OPENAI_API_KEY = "...")."""
    if not path.is_file():
        return {}
    import tomllib

    with path.open("rb") as fh:
        data = tomllib.load(fh)
    return {k.upper(): str(v) for k, v in data.items() if isinstance(v, str | int | float)}


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    redis_url: str  # empty → the embedded Redis under data_dir
    media_dir: Path
    workers: int = 2
    starting_credits: int = 1000
    job_timeout: int = 900
    queue_name: str = "aytada"
    reconcile_interval: float = 15.0
    openai_api_key: str = ""
    openai_base_url: str = ""
    elevenlabs_api_key: str = ""
    elevenlabs_base_url: str = ""
    shotstack_api_key: str = ""
    shotstack_base_url: str = ""
    text_model: str = "gpt-5-mini"
    image_model: str = "gpt-image-1.5"
    video_model: str = "sora-2"
    tts_model: str = "eleven_multilingual_v2"
    voice_id: str = "21m00Tcm4TlvDq8ikWAM"
    provider_overrides: dict[str, str] = field(default_factory=dict)
    prices: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_PRICES))

    @property
    def embedded_redis(self) -> bool:
        return not self.redis_url

    @property
    def redis_socket(self) -> Path:
        return self.data_dir / "redis.sock"

    @property
    def effective_redis_url(self) -> str:
        return self.redis_url or f"unix://{self.redis_socket}"

    def __repr__(self) -> str:  # never print a secret
        parts = []
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name in SECRET_FIELDS:
                value = "***" if value else ""
            elif f.name in ("database_url", "redis_url") and "@" in value:
                value = re.sub(r"://([^:/@]*):[^@]*@", r"://\1:***@", value)
            parts.append(f"{f.name}={value!r}")
        return f"Settings({', '.join(parts)})"


def load_settings(env: dict[str, str] | None = None) -> Settings:
    """Build settings from `env` (default: `.streamlit/secrets.toml`, overlaid by `.env`,
    overlaid by the process environment)."""
    if env is None:
        env = {
            **_read_secrets(ROOT / ".streamlit" / "secrets.toml"),
            **_read_dotenv(ROOT / ".env"),
            **os.environ,
        }
    data_dir = Path(env.get("AYTADA_DATA_DIR") or ROOT / "data").resolve()
    database_url = env.get("DATABASE_URL") or f"sqlite:///{data_dir / 'aytada.db'}"
    media_dir = Path(env.get("MEDIA_DIR") or data_dir / "media").resolve()
    prices = dict(DEFAULT_PRICES)
    for name in DEFAULT_PRICES:
        raw = env.get(f"PRICE_{name.upper()}")
        if raw not in (None, ""):
            prices[name] = max(0, int(raw))
    overrides = {}
    for cap in ("text", "image", "clip", "voice", "music", "stitch"):
        raw = env.get(f"PROVIDER_{cap.upper()}")
        if raw:
            overrides[cap] = raw.strip().lower()
    return Settings(
        data_dir=data_dir,
        database_url=database_url,
        redis_url=env.get("REDIS_URL", ""),
        media_dir=media_dir,
        workers=int(env.get("AYTADA_WORKERS") or 2),
        starting_credits=int(env.get("STARTING_CREDITS") or 1000),
        job_timeout=int(env.get("JOB_TIMEOUT") or 900),
        queue_name=env.get("AYTADA_QUEUE") or "aytada",
        reconcile_interval=float(env.get("RECONCILE_INTERVAL") or 15),
        openai_api_key=env.get("OPENAI_API_KEY", ""),
        openai_base_url=env.get("OPENAI_BASE_URL", ""),
        elevenlabs_api_key=env.get("ELEVENLABS_API_KEY", ""),
        elevenlabs_base_url=env.get("ELEVENLABS_BASE_URL", ""),
        shotstack_api_key=env.get("SHOTSTACK_API_KEY", ""),
        shotstack_base_url=env.get("SHOTSTACK_BASE_URL", ""),
        text_model=env.get("OPENAI_TEXT_MODEL") or "gpt-5-mini",
        image_model=env.get("OPENAI_IMAGE_MODEL") or "gpt-image-1.5",
        video_model=env.get("OPENAI_VIDEO_MODEL") or "sora-2",
        tts_model=env.get("ELEVENLABS_MODEL") or "eleven_multilingual_v2",
        voice_id=env.get("ELEVENLABS_VOICE_ID") or "21m00Tcm4TlvDq8ikWAM",
        provider_overrides=overrides,
        prices=prices,
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()


def reset_settings() -> None:
    """Forget the cached settings (tests change the environment)."""
    get_settings.cache_clear()
