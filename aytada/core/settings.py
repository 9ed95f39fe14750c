"""The one settings object (pydantic-settings), read from three sources, first one wins:

1. the process environment,
2. a `.env` file beside the repository's README,
3. top-level keys of `.streamlit/secrets.toml` (e.g. ``OPENAI_API_KEY = "..."``).

``AYTADA_IGNORE_FILES=1`` in the environment skips both files (tests set it so that they never
read a developer's keys). A bad value stops start-up with :class:`SettingsError` naming the
variable, where it came from and what is expected.

API keys are :class:`~pydantic.SecretStr`: ``repr()`` masks them (and passwords in the database
and Redis URLs) and nothing stores them. Model names and the voice id are not settings fields:
each provider adapter declares its variable names and defaults (``aytada.providers``), and the
job layer reads them through :meth:`Settings.lookup`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import (
    Field,
    NonNegativeInt,
    PrivateAttr,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from aytada.core.errors import UserError

ROOT = Path(__file__).resolve().parents[2]
DOTENV = ROOT / ".env"
SECRETS_TOML = ROOT / ".streamlit" / "secrets.toml"
# addresses only this machine reaches: the one place single-user local mode (no sign-in) runs
LOOPBACK = ("127.0.0.1", "localhost", "::1")
IGNORE_FILES = "AYTADA_IGNORE_FILES"

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
    "copy": 2,  # a banner's or flyer's new take: new words for the same picture
    "recompose": 2,  # a scene of a kit's cut-down: its source's still laid out again
}
PRICE_PREFIX = "PRICE_"
MAX_NICE = 19  # the lowest CPU priority a Linux process can have
PROVIDER_PREFIX = "PROVIDER_"  # PROVIDER_<CAPABILITY>=offline|openai|… (checked by the registry)

_TRUE = {"1", "true", "yes", "on"}


class SettingsError(UserError):
    """A setting has a value the app cannot use; the message names it and says what to set."""


def _read_dotenv(path: Path) -> dict[str, str]:
    """``NAME=value`` lines of a `.env` file (``export``, quotes and comments allowed)."""
    if not path.is_file():
        return {}
    from dotenv import dotenv_values

    return {k: v for k, v in dotenv_values(path).items() if v is not None}


def _read_secrets(path: Path) -> dict[str, str]:
    """Top-level scalar values of `.streamlit/secrets.toml`, names upper-cased; tables ignored."""
    if not path.is_file():
        return {}
    import tomllib

    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path} is not valid TOML: {exc}") from None
    return {
        k.upper(): str(v)
        for k, v in data.items()
        if isinstance(v, str | int | float) and not isinstance(v, bool)
    }


class _Source:
    """One named, flat ``NAME → text`` mapping (the environment, `.env` or the secrets file)."""

    def __init__(self, label: str, values: Mapping[str, str]) -> None:
        self.label = label
        self.values = {str(k).upper(): str(v) for k, v in values.items()}

    def get(self, name: str) -> str | None:
        """The value of ``name``, ``None`` when absent or empty (empty means "use the default")."""
        value = self.values.get(name.upper())
        return value if value not in (None, "") else None

    def with_prefix(self, prefix: str) -> dict[str, str]:
        return {
            k[len(prefix) :].lower(): v
            for k, v in self.values.items()
            if k.startswith(prefix) and len(k) > len(prefix) and v != ""
        }


def default_sources(environ: Mapping[str, str] | None = None) -> list[_Source]:
    """The sources in priority order: environment, then `.env`, then the secrets file."""
    environ = os.environ if environ is None else environ
    sources = [_Source("the environment", environ)]
    if str(environ.get(IGNORE_FILES, "")).strip().lower() not in _TRUE:
        sources.append(_Source(".env", _read_dotenv(DOTENV)))
        sources.append(_Source(".streamlit/secrets.toml", _read_secrets(SECRETS_TOML)))
    return sources


# The sources of the settings object being built (set only inside load_settings).
_BUILDING: ContextVar[list[_Source] | None] = ContextVar("aytada_settings_sources", default=None)


class _SourcesAdapter(PydanticBaseSettingsSource):
    """Hands pydantic-settings the values of our sources, lowest priority first merged over."""

    def __init__(self, settings_cls: type[BaseSettings], source: _Source) -> None:
        super().__init__(settings_cls)
        self.source = source

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        value = self.source.get(field.alias or field_name)
        return value, field_name, False

    def __call__(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, field in self.settings_cls.model_fields.items():
            if field.alias is None:
                continue
            value, _, _ = self.get_field_value(field, name)
            if value is not None:
                out[name] = value
        prices = {
            k: v for k, v in self.source.with_prefix(PRICE_PREFIX).items() if k in DEFAULT_PRICES
        }
        if prices:
            out["prices"] = prices
        overrides = self.source.with_prefix(PROVIDER_PREFIX)
        if overrides:
            out["provider_overrides"] = {k: v.strip().lower() for k, v in overrides.items()}
        return out


def _mask_url(url: str) -> str:
    return re.sub(r"://([^:/@]*):[^@]*@", r"://\1:***@", url)


class Settings(BaseSettings):
    """Every setting of the app; the field alias is the variable name users set."""

    model_config = SettingsConfigDict(frozen=True, extra="ignore", populate_by_name=True)

    data_dir: Path = Field(
        default=ROOT / "data", alias="AYTADA_DATA_DIR", description="a folder path"
    )
    database_url: str = Field(default="", alias="DATABASE_URL")
    redis_url: str = Field(default="", alias="REDIS_URL")  # empty → embedded Redis
    media_dir: Path | None = Field(default=None, alias="MEDIA_DIR")
    # empty: media in MEDIA_DIR; s3://bucket/prefix: in that bucket (boto3 reads AWS_* for the
    # rest) and MEDIA_DIR is this machine's cache of it
    media_url: str = Field(default="", alias="MEDIA_URL")
    # with MEDIA_URL: cached copies untouched this long are removed by the workers
    media_cache_hours: float = Field(default=24.0, gt=0, alias="MEDIA_CACHE_HOURS")
    workers: int = Field(default=2, ge=1, alias="AYTADA_WORKERS")
    # the niceness `aytada worker` runs at (its work-horses, ffmpeg and Piper inherit it), so a
    # render never starves the pages; 0: the priority it was started with
    worker_nice: int = Field(default=10, alias="AYTADA_WORKER_NICE")
    starting_credits: int = Field(default=1000, ge=0, alias="STARTING_CREDITS")
    job_timeout: int = Field(default=900, gt=0, alias="JOB_TIMEOUT")
    # a video's frame as a fraction of its format's size (the test suite renders small)
    render_scale: float = Field(default=1.0, gt=0, le=1, alias="AYTADA_RENDER_SCALE")
    queue_name: str = Field(default="aytada", min_length=1, alias="AYTADA_QUEUE")
    reconcile_interval: float = Field(default=15.0, gt=0, alias="RECONCILE_INTERVAL")
    # a running job's heartbeat may be this many seconds late before its worker counts as
    # gone and the job is handed back (a worker on another host that died without a word)
    heartbeat_grace: int = Field(default=15, ge=1, le=600, alias="AYTADA_HEARTBEAT_GRACE")
    # Redis or the database away: workers, the reconciler and `make --wait` try again after
    # 0.5 s, then twice as long each time, at most this many seconds apart
    retry_max: float = Field(default=10.0, gt=0, alias="AYTADA_RETRY_MAX")
    # `up` restarts a child that exits (after 1 s, then twice as long each time, at most
    # AYTADA_RETRY_MAX apart); more than AYTADA_RESTARTS restarts of one child within
    # AYTADA_RESTART_WINDOW seconds hold it down until the oldest leaves the window
    restarts: int = Field(default=10, ge=1, alias="AYTADA_RESTARTS")
    restart_window: float = Field(default=600.0, gt=0, alias="AYTADA_RESTART_WINDOW")
    # lists and the Studio rerun every POLL_MS ms while anything is active (the seeds: 8 s)
    poll_ms: int = Field(default=8000, ge=1000, alias="POLL_MS")
    # sign-in: accept an address whose provider sends no `email_verified` claim (Microsoft
    # Entra, single-tenant: its directory owns the addresses). An explicit false is refused.
    sign_in_trust_email: bool = Field(default=False, alias="SIGN_IN_TRUST_EMAIL")
    openai_api_key: SecretStr = Field(default=SecretStr(""), alias="OPENAI_API_KEY")
    openai_base_url: str = Field(default="", alias="OPENAI_BASE_URL")
    elevenlabs_api_key: SecretStr = Field(default=SecretStr(""), alias="ELEVENLABS_API_KEY")
    elevenlabs_base_url: str = Field(default="", alias="ELEVENLABS_BASE_URL")
    shotstack_api_key: SecretStr = Field(default=SecretStr(""), alias="SHOTSTACK_API_KEY")
    shotstack_base_url: str = Field(default="", alias="SHOTSTACK_BASE_URL")
    fal_api_key: SecretStr = Field(default=SecretStr(""), alias="FAL_KEY")
    fal_base_url: str = Field(default="", alias="FAL_BASE_URL")
    # capability → provider choice, from PROVIDER_<CAPABILITY> (validated by the registry)
    provider_overrides: dict[str, str] = Field(default_factory=dict)
    # step price name → credits, from PRICE_<NAME>
    prices: dict[str, NonNegativeInt] = Field(default_factory=lambda: dict(DEFAULT_PRICES))

    _sources: list[_Source] = PrivateAttr(default_factory=list)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources = _BUILDING.get()
        if sources is None:
            sources = default_sources()
        return (init_settings, *(_SourcesAdapter(settings_cls, s) for s in sources))

    @model_validator(mode="before")
    @classmethod
    def _complete_prices(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("prices"), dict):
            data = {**data, "prices": {**DEFAULT_PRICES, **data["prices"]}}
        return data

    @field_validator("worker_nice")
    @classmethod
    def _check_worker_nice(cls, value: int) -> int:
        if not 0 <= value <= MAX_NICE:
            raise ValueError(
                f"expected a whole number from 0 (off: the workers keep the priority they were "
                f"started with) to {MAX_NICE} (the lowest priority), not {value}"
            )
        return value

    @field_validator("media_url")
    @classmethod
    def _check_media_url(cls, value: str) -> str:
        if value.strip():
            from aytada.storage import parse_media_url

            parse_media_url(value)  # ValueError names what is expected
        return value.strip()

    @model_validator(mode="after")
    def _derive_paths(self) -> Settings:
        for name, value in self._derived().items():
            object.__setattr__(self, name, value)  # frozen model: set once, while validating
        return self

    def _derived(self) -> dict[str, Any]:
        data_dir = Path(self.data_dir).expanduser().resolve()
        media_dir = Path(self.media_dir or data_dir / "media").expanduser().resolve()
        database_url = self.database_url or f"sqlite:///{data_dir / 'aytada.db'}"
        return {"data_dir": data_dir, "media_dir": media_dir, "database_url": database_url}

    @property
    def embedded_redis(self) -> bool:
        return not self.redis_url

    @property
    def redis_socket(self) -> Path:
        return self.data_dir / "redis.sock"

    @property
    def effective_redis_url(self) -> str:
        return self.redis_url or f"unix://{self.redis_socket}"

    def lookup(self, name: str, default: str = "") -> str:
        """The value of any variable ``name`` from the same sources, in the same order.

        For names other modules declare (e.g. a provider's model variable); a secret field's
        value is returned in clear, so callers must keep it out of messages.
        """
        for field_name, field in type(self).model_fields.items():
            if field.alias == name:
                value = getattr(self, field_name)
                return value.get_secret_value() if isinstance(value, SecretStr) else str(value)
        for source in self._sources:
            value = source.get(name)
            if value is not None:
                return value
        return default

    def lookup_many(self, names: Iterable[str]) -> dict[str, str]:
        """``{name: value}`` for every name that is set (see :meth:`lookup`)."""
        return {n: v for n in names if (v := self.lookup(n))}

    def __repr__(self) -> str:  # never print a secret
        parts = []
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, SecretStr):
                shown: Any = "***" if value.get_secret_value() else ""
            elif name in ("database_url", "redis_url", "media_url"):
                shown = _mask_url(value)
            else:
                shown = value
            parts.append(f"{name}={shown!r}")
        return f"Settings({', '.join(parts)})"

    __str__ = __repr__


_EXPECTED = {
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_parsing": "a number",
    "path_type": "a folder path",
    "string_too_short": "a non-empty value",
}


def _explain(error: Mapping[str, Any], whole: bool) -> str:
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    number = "a whole number" if whole else "a number"
    if kind in _EXPECTED:
        return f"expected {_EXPECTED[kind]}"
    if kind == "greater_than":
        return f"expected {number} greater than {ctx.get('gt')}"
    if kind == "greater_than_equal":
        return f"expected {number} ≥ {ctx.get('ge')}"
    return str(error.get("msg", "invalid value")).removeprefix("Value error, ")


def _variable(settings_cls: type[Settings], loc: tuple[Any, ...]) -> str:
    if not loc:
        return ""
    field = settings_cls.model_fields.get(str(loc[0]))
    if str(loc[0]) == "prices" and len(loc) > 1:
        return f"{PRICE_PREFIX}{str(loc[1]).upper()}"
    if str(loc[0]) == "provider_overrides" and len(loc) > 1:
        return f"{PROVIDER_PREFIX}{str(loc[1]).upper()}"
    return (field.alias if field is not None else None) or str(loc[0])


def _settings_error(exc: ValidationError, sources: list[_Source]) -> SettingsError:
    problems = []
    for error in exc.errors():
        loc = tuple(error.get("loc") or ())
        variable = _variable(Settings, loc)
        field = Settings.model_fields.get(str(loc[0])) if loc else None
        whole = field is not None and field.annotation is int or loc[:1] == ("prices",)
        reason = _explain(error, whole)
        origin = next((s for s in sources if s.get(variable) is not None), None)
        shown = ""
        if origin is not None and not variable.endswith("_KEY"):
            shown = f"={_mask_url(origin.get(variable) or '')!r}"  # a password in a URL: ***
        where = f" (from {origin.label})" if origin is not None else ""
        problems.append(f"{variable}{shown}{where}: {reason}")
    return SettingsError("Invalid setting " + "; ".join(problems))


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Build the settings from ``env`` alone (tests pass a dict), or by default from the
    environment, `.env` and `.streamlit/secrets.toml`. Raises :class:`SettingsError`."""
    sources = default_sources() if env is None else [_Source("the given settings", env)]
    token = _BUILDING.set(sources)
    try:
        settings = Settings()
    except ValidationError as exc:
        raise _settings_error(exc, sources) from None
    finally:
        _BUILDING.reset(token)
    settings._sources = sources
    return settings


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()


def reset_settings() -> None:
    """Forget the cached settings (tests change the environment)."""
    get_settings.cache_clear()
