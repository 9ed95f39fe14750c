"""Map settings to the provider registry (the registry itself is aytada.providers.registry)."""

from __future__ import annotations

import os
from dataclasses import fields
from typing import Any

from aytada.core.settings import Settings, get_settings
from aytada.providers.base import Brief
from aytada.providers.registry import (
    ProviderConfig,
    Providers,
    build_providers,
    describe,
    setting_names,
)

_cache: dict[tuple[int, int], Providers] = {}


def provider_config(settings: Settings | None = None) -> ProviderConfig:
    """The registry's input: the variables the adapters declare, read from the settings'
    sources (environment, `.env`, secrets file), and the PROVIDER_<CAPABILITY> overrides."""
    s = settings or get_settings()
    return ProviderConfig(
        values=s.lookup_many(setting_names()), overrides=dict(s.provider_overrides)
    )


def get_providers() -> Providers:
    settings = get_settings()
    key = (os.getpid(), id(settings))
    if key not in _cache:
        _cache[key] = build_providers(provider_config(settings))
    return _cache[key]


def provider_names() -> dict[str, str]:
    """capability → provider name, for the UI (no clients are built)."""
    return describe(provider_config())


_BRIEF_FIELDS = {f.name for f in fields(Brief)}


def brief_from_snapshot(snapshot: dict[str, Any]) -> Brief:
    data = {k: v for k, v in snapshot.items() if k in _BRIEF_FIELDS}
    data["brand_colors"] = tuple(data.get("brand_colors") or ("#1F3A93", "#F5B041"))
    return Brief(**data)
