"""Migrations run from empty on SQLite and PostgreSQL, and the models match them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, create_engine, inspect, text

from aytada.core import db
from aytada.core.models import Base
from tests.conftest import PgSchema, check_migration, downgrade, require_pg


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


#: A campaign's columns in the first schema (0001), with the values of the campaign "Before"
#: the migration tests store with SQL (their database is behind the models).
OLD_CAMPAIGN = {
    "name": "Before", "product_name": "Kora", "product_description": "", "brand_name": "",
    "tone_of_voice": "", "brand_colors": "#1F3A93", "logo_path": "", "product_photo_path": "",
    "awareness_stage": "problem_aware", "business_type": "", "industry": "",
    "creative_style": "Direct Response", "persuasion_trigger": "", "audience": "",
    "messaging": "", "goals": "",
}  # fmt: skip


def _store_a_campaign(engine: Engine, **more: str) -> None:
    """A workspace and its campaign "Before" (:data:`OLD_CAMPAIGN`); ``more``: other values, or
    the columns later migrations added."""
    values = {**OLD_CAMPAIGN, **more}
    columns = ", ".join(values)
    binds = ", ".join(f":{name}" for name in values)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO workspaces (name, credit_balance, voice_id, created_at) "
                          "VALUES ('W', 0, '', CURRENT_TIMESTAMP)"))  # fmt: skip
        ws = conn.execute(text("SELECT max(id) FROM workspaces")).scalar_one()
        conn.execute(
            text(f"INSERT INTO campaigns (workspace_id, {columns}, created_at, updated_at)"
                 f" VALUES (:ws, {binds}, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"),
            {"ws": ws, **values},
        )  # fmt: skip


@contextmanager
def _a_campaign_through(
    url: str, up: str, down: str, column: str, **stored: str
) -> Iterator[Engine]:
    """A campaign stored (:func:`_store_a_campaign`), then the database migrated ``up``: the
    block reads the campaign. Then ``down`` again: the campaigns' ``column`` is gone, the
    campaign "Before" stays."""
    engine = create_engine(url)
    try:
        _store_a_campaign(engine, **stored)
        db.migrate(url, up)
        yield engine
        downgrade(url, down)
        with engine.connect() as conn:
            columns = {c["name"] for c in inspect(conn).get_columns("campaigns")}
            names = conn.execute(text("SELECT name FROM campaigns")).scalars().all()
        assert column not in columns and names == ["Before"]
    finally:
        engine.dispose()


def _campaign_destination_there_and_back(url: str) -> None:
    """A campaign stored before 0007 reads as having no destination after it; the downgrade
    takes the column away and the campaign stays."""
    with _a_campaign_through(url, "0007", "0006", "destination") as engine:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT name, destination FROM campaigns")).all()
        assert [tuple(r) for r in rows] == [("Before", "")]


def test_the_destination_migration_on_sqlite(tmp_path: Path) -> None:
    check_migration("0006", _campaign_destination_there_and_back, tmp_path, _assert_matches)


def test_the_destination_migration_on_postgresql() -> None:
    check_migration("0006", _campaign_destination_there_and_back, at_the_head=_assert_matches)


def _more_images_there_and_back(url: str) -> None:
    """A campaign stored before 0009 reads as having no more product images after it (its
    product photo kept as the first); the downgrade takes the column away, the campaign stays."""
    photo = "ws1/campaign1/product-1.png"
    with _a_campaign_through(url, "0009", "0008", "more_product_images",
                             product_photo_path=photo, destination="") as engine:  # fmt: skip
        with engine.begin() as conn:
            rows = conn.execute(text("SELECT product_photo_path, more_product_images "
                                     "FROM campaigns")).all()  # fmt: skip
            assert [(r[0], _json(r[1])) for r in rows] == [(photo, [])]
            conn.execute(text("UPDATE campaigns SET more_product_images = :v"),
                         {"v": '["ws1/campaign1/product-2.png"]'})  # fmt: skip
        with engine.connect() as conn:
            stored = conn.execute(text("SELECT more_product_images FROM campaigns")).scalar()
        assert _json(stored) == ["ws1/campaign1/product-2.png"]


def _json(value: object) -> object:
    """A JSON column's value as read by plain SQL (text on SQLite, decoded on PostgreSQL)."""
    import json

    return json.loads(value) if isinstance(value, str) else value


def test_the_product_images_migration_on_sqlite(tmp_path: Path) -> None:
    check_migration("0008", _more_images_there_and_back, tmp_path, _assert_matches)


def test_the_product_images_migration_on_postgresql() -> None:
    check_migration("0008", _more_images_there_and_back, at_the_head=_assert_matches)


def _kits_there_and_back(url: str) -> None:
    """A campaign and a project stored before 0010 read as no board favourites and no kit
    after it; the downgrade takes the kits table and both columns away, the rows stay."""
    with _a_campaign_through(url, "0010", "0009", "board_favourites", destination="") as engine:
        with engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO projects (workspace_id, campaign_id, kind, title, format, length_s, "
                "quality, status, ideas, scenes, scenes_stale, segments, options, created_at, "
                "updated_at) SELECT workspace_id, id, 'video', 'Old ad', '9:16', 15, "
                "'standard', 'draft', '[]', '[]', false, '{}', '{}', created_at, created_at "
                "FROM campaigns"))  # fmt: skip
            favourites = conn.execute(text("SELECT board_favourites FROM campaigns")).scalar()
            kit = conn.execute(text("SELECT kit_id FROM projects")).scalar()
            kits = conn.execute(text("SELECT count(*) FROM kits")).scalar()
        assert (_json(favourites), kit, kits) == ([], None, 0)
    engine = create_engine(url)
    with engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
        columns = {c["name"] for c in inspect(conn).get_columns("projects")}
        titles = conn.execute(text("SELECT title FROM projects")).scalars().all()
    engine.dispose()
    assert "kits" not in tables and "kit_id" not in columns and titles == ["Old ad"]


def test_the_kits_migration_on_sqlite(tmp_path: Path) -> None:
    check_migration("0009", _kits_there_and_back, tmp_path, _assert_matches)


def test_the_kits_migration_on_postgresql() -> None:
    check_migration("0009", _kits_there_and_back, at_the_head=_assert_matches)
