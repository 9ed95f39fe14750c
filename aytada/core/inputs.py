"""Checks shared by every entry point (pages, CLI, deep links) on what a person typed."""

from __future__ import annotations

import re

from aytada.core.errors import NotFound

MAX_ID = 2**31 - 1  # ids are 32-bit integers in every database we support
MAX_TOP_UP = 1_000_000  # credits one top-up may add
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def parse_id(value: object, what: str) -> int:
    """A database id from user input; anything else (text, 1.5, negative, huge) is NotFound."""
    if isinstance(value, bool):
        raise NotFound(what, value)
    try:
        ident = int(str(value).strip())
    except (TypeError, ValueError):
        raise NotFound(what, value) from None
    if not 1 <= ident <= MAX_ID:
        raise NotFound(what, value)
    return ident


def text_problem(value: str) -> str | None:
    """Why a piece of text cannot be stored (control characters such as NUL), or None."""
    if _CONTROL.search(value):
        return "Remove the control characters (such as NUL) from this text."
    return None
