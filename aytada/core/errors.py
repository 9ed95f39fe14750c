"""Errors the UI and CLI show to a person (their message is the whole story)."""

from __future__ import annotations


class UserError(Exception):
    """Something the user can fix; the message says what to do."""


class NotFound(UserError):
    def __init__(self, what: str, ident: object) -> None:
        super().__init__(f"{what} {ident!s} was not found. It may have been deleted.")
        self.what = what
        self.ident = ident


class ValidationFailed(UserError):
    """Form input was rejected; `errors` maps field name → message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("Please fix: " + "; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


class Conflict(UserError):
    """The project is not in a state that allows this action (e.g. a step is running)."""


class QueueUnavailable(UserError):
    """Redis could not be reached; nothing was changed."""


class NotAllowed(UserError):
    """The signed-in person's role does not allow this (e.g. a member topping up)."""
