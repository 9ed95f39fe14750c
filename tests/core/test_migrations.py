"""Migrations run from empty on SQLite and PostgreSQL, and the models match them."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from aytada.core import db
from aytada.core.models import Base
from tests.conftest import PgSchema, require_pg


def _assert_matches(url: str) -> None:
    engine = create_engine(url)
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn)
        diff = compare_metadata(ctx, Base.metadata)
        tables = set(inspect(conn).get_table_names())
    engine.dispose()
    assert diff == [], f"models and migration differ: {diff}"
    assert {"workspaces", "campaigns", "projects", "generations", "assets",
            "credit_ledger"} <= tables


def test_upgrade_from_empty_on_sqlite(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    db.migrate(url)
    _assert_matches(url)
    engine = create_engine(url)
    with engine.connect() as conn:
        indexes = {ix["name"] for ix in inspect(conn).get_indexes("projects")}
    engine.dispose()
    assert {"ix_projects_workspace_live_created", "ix_projects_workspace_active"} <= indexes


def test_upgrade_from_empty_on_postgresql() -> None:
    schema = PgSchema(require_pg())
    try:
        _assert_matches(schema.url)
        engine = create_engine(schema.url)
        with engine.connect() as conn:
            gen_ix = {ix["name"]: ix for ix in inspect(conn).get_indexes("generations")}
        engine.dispose()
        assert gen_ix["uq_generations_open_step"]["unique"]
    finally:
        schema.close()
