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
    assert {
        "workspaces",
        "campaigns",
        "projects",
        "generations",
        "assets",
        "credit_ledger",
    } <= tables


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


def _index_statuses(url: str) -> set[str]:
    """The statuses named in the migrated database's active-projects partial index."""
    import re

    from sqlalchemy import text

    engine = create_engine(url)
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            sql = conn.execute(
                text(
                    "SELECT sql FROM sqlite_master WHERE type = 'index' "
                    "AND name = 'ix_projects_workspace_active'"
                )
            ).scalar_one()
        else:
            sql = conn.execute(text("SELECT indexdef FROM pg_indexes WHERE indexname = "
                                    "'ix_projects_workspace_active' AND schemaname = "
                                    "current_schema()")).scalar_one()  # fmt: skip
    engine.dispose()
    where = sql[sql.upper().index("WHERE") :]
    return set(re.findall(r"'([a-z_]+)'", where))


def test_the_migrated_active_index_names_exactly_the_active_statuses(tmp_path: Path) -> None:
    """Alembic's autogenerate does not compare a partial index's WHERE: a step that adds an
    active status needs a migration that remakes the index, and this test says so."""
    from aytada.core.statuses import ACTIVE

    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    db.migrate(url)
    assert _index_statuses(url) == {s.value for s in ACTIVE}, (
        "the active statuses changed: add a migration that remakes ix_projects_workspace_active"
    )
    schema = PgSchema(require_pg())
    try:
        assert _index_statuses(schema.url) == {s.value for s in ACTIVE}
    finally:
        schema.close()
