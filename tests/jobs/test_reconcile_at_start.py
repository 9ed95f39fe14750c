"""A worker's start-up pass: a database locked by a worker starting beside it is waited out,
never the end of the worker; any other database error still stops it with its message."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy.exc import OperationalError

from aytada.jobs import reconcile


def _locked() -> OperationalError:
    return OperationalError("UPDATE generations …", {}, Exception("database is locked"))


def _patch(monkeypatch: pytest.MonkeyPatch, outcomes: list[Exception | None]) -> list[float]:
    calls: list[float] = []

    def fake_once(queued_grace: float = 0) -> list:  # type: ignore[type-arg]
        calls.append(queued_grace)
        outcome = outcomes.pop(0)
        if outcome is not None:
            raise outcome
        return []

    monkeypatch.setattr(reconcile, "reconcile_once", fake_once)
    return calls


def test_a_locked_database_is_tried_again_until_the_pass_runs(monkeypatch):
    calls = _patch(monkeypatch, [_locked(), _locked(), None])
    waits: list[float] = []
    reconcile.reconcile_at_start(sleep=waits.append)
    assert calls == [0, 0, 0]  # queued rows Redis lost count at once (queued_grace=0)
    assert len(waits) == 2 and all(0 < w < 2 for w in waits) and waits[0] < waits[1] + 0.25


def test_a_database_that_stays_locked_leaves_the_pass_to_the_loop(monkeypatch, caplog):
    calls = _patch(monkeypatch, [_locked() for _ in range(reconcile.START_ATTEMPTS)])
    with caplog.at_level(logging.WARNING, logger="aytada.reconcile"):
        reconcile.reconcile_at_start(sleep=lambda _s: None)  # returns: the worker goes on
    assert len(calls) == reconcile.START_ATTEMPTS
    assert "start-up reconcile skipped" in caplog.text


def test_another_database_error_still_stops_the_worker(monkeypatch):
    wrong = OperationalError("SELECT 1", {}, Exception("no such table: generations"))
    calls = _patch(monkeypatch, [wrong])
    with pytest.raises(OperationalError, match="no such table"):
        reconcile.reconcile_at_start(sleep=lambda _s: None)
    assert len(calls) == 1
