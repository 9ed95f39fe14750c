"""Helpers the offline providers share: deterministic choices and text basics."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

WORDS_PER_SECOND = 2.5
"""Speaking pace the writer budgets for (espeak-ng speaks ~2.9 words/s, so lines fit)."""


class _Dice:
    """Deterministic choices keyed by a fingerprint and a label (SHA-256, never ``hash()``)."""

    def __init__(self, *parts: object) -> None:
        self._key = "\x1f".join(str(part) for part in parts)

    def number(self, label: str) -> int:
        digest = hashlib.sha256(f"{self._key}\x1e{label}".encode()).digest()
        return int.from_bytes(digest[:8], "big")

    def pick(self, label: str, options: Sequence[str]) -> str:
        return options[self.number(label) % len(options)]

    def shuffled(self, label: str, options: Sequence[str]) -> list[str]:
        return sorted(options, key=lambda option: self.number(f"{label}|{option}"))


def _clean(text: str) -> str:
    return " ".join((text or "").split())


def _words(text: str) -> int:
    return len(text.split())
