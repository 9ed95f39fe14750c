"""Checks shared by every entry point (pages, CLI, deep links) on what a person typed."""

from __future__ import annotations

import re
from typing import Any, TypeVar

from aytada.core.errors import NotFound
from aytada.destination import MAX_CHARS as MAX_DESTINATION
from aytada.destination import destination_kind

T = TypeVar("T")

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


def owned(session: Any, model: type[T], workspace_id: int, ident: object, what: str) -> T:
    """The row ``ident`` of ``model`` (a table with a ``workspace_id``) when it belongs to the
    workspace; NotFound for a bad, unknown or another workspace's id."""
    row = session.get(model, parse_id(ident, what))
    if row is None or row.workspace_id != workspace_id:
        raise NotFound(what, ident)
    return row


def text_problem(value: str) -> str | None:
    """Why a piece of text cannot be stored (control characters such as NUL), or None."""
    if _CONTROL.search(value):
        return "Remove the control characters (such as NUL) from this text."
    return None


DESTINATION_HELP = (
    "Use a web address (korabrew.com), a handle starting with @ (@stridecoach) or a phone "
    "number (+44 20 7946 0000)."
)


def destination_problem(value: object) -> str | None:
    """Why ``value`` cannot be a destination (where ads send people), or None. Empty is fine
    (no destination); otherwise, stripped, a web address, an @handle or a phone number of at
    most 200 characters."""
    if value is None:
        return None
    if not isinstance(value, str):
        return "Must be text."
    text = value.strip()
    if len(text) > MAX_DESTINATION:
        return f"Keep it under {MAX_DESTINATION} characters (now {len(text)})."
    if text_problem(text):
        return text_problem(text)
    if text and not destination_kind(text):
        shown = text if len(text) <= 40 else text[:39].rstrip() + "…"
        return f'"{shown}" is not a web address, handle or phone number. {DESTINATION_HELP}'
    return None
