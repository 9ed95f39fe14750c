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


def _campaign_destination_there_and_back(url: str) -> None:
    """A campaign stored before 0007 reads as having no destination after it; the downgrade
    takes the column away and the campaign stays."""
    from sqlalchemy import text

    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO workspaces (name, credit_balance, voice_id, created_at) "
                              "VALUES ('W', 0, '', CURRENT_TIMESTAMP)"))  # fmt: skip
            ws = conn.execute(text("SELECT max(id) FROM workspaces")).scalar_one()
            conn.execute(
                text("INSERT INTO campaigns (workspace_id, name, product_name, product_description,"
                     " brand_name, tone_of_voice, brand_colors, logo_path, product_photo_path,"
                     " awareness_stage, business_type, industry, creative_style,"
                     " persuasion_trigger, audience, messaging, goals, created_at, updated_at)"
                     " VALUES (:ws, 'Before', 'Kora', '', '', '', '#1F3A93', '', '',"
                     " 'problem_aware', '', '', 'Direct Response', '', '', '', '',"
                     " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"),
                {"ws": ws},
            )  # fmt: skip
        db.migrate(url, "0007")
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT name, destination FROM campaigns")).all()
        assert [tuple(r) for r in rows] == [("Before", "")]
        _downgrade(url, "0006")
        with engine.connect() as conn:
            columns = {c["name"] for c in inspect(conn).get_columns("campaigns")}
            names = conn.execute(text("SELECT name FROM campaigns")).scalars().all()
        assert "destination" not in columns and names == ["Before"]
    finally:
        engine.dispose()


def _downgrade(url: str, revision: str) -> None:
    from alembic import command
    from alembic.config import Config

    cfg = Config(str(db.ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(db.ROOT / "migrations"))
    cfg.attributes["database_url"] = url
    command.downgrade(cfg, revision)


def test_the_destination_migration_on_sqlite(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'destination.db'}"
    db.migrate(url, "0006")
    _campaign_destination_there_and_back(url)
    db.migrate(url)
    _assert_matches(url)


def test_the_destination_migration_on_postgresql() -> None:
    schema = PgSchema(require_pg())  # migrated to the head
    try:
        _downgrade(schema.url, "0006")
        _campaign_destination_there_and_back(schema.url)
        db.migrate(schema.url)
        _assert_matches(schema.url)
    finally:
        schema.close()


def _more_images_there_and_back(url: str) -> None:
    """A campaign stored before 0009 reads as having no more product images after it (its
    product photo kept as the first); the downgrade takes the column away, the campaign stays."""
    from sqlalchemy import select, text
    from sqlalchemy.orm import Session

    from aytada.core.models import Campaign

    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO workspaces (name, credit_balance, voice_id, created_at) "
                              "VALUES ('W', 0, '', CURRENT_TIMESTAMP)"))  # fmt: skip
            ws = conn.execute(text("SELECT max(id) FROM workspaces")).scalar_one()
            conn.execute(
                text("INSERT INTO campaigns (workspace_id, name, product_name, product_description,"
                     " brand_name, tone_of_voice, brand_colors, logo_path, product_photo_path,"
                     " awareness_stage, business_type, industry, creative_style,"
                     " persuasion_trigger, audience, messaging, goals, destination, created_at,"
                     " updated_at) VALUES (:ws, 'Before', 'Kora', '', '', '', '#1F3A93', '',"
                     " 'ws1/campaign1/product-1.png', 'problem_aware', '', '', 'Direct Response',"
                     " '', '', '', '', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"),
                {"ws": ws},
            )  # fmt: skip
        db.migrate(url, "0009")
        with Session(engine) as s:
            (campaign,) = s.scalars(select(Campaign)).all()
            assert campaign.more_product_images == []
            assert campaign.product_photo_path == "ws1/campaign1/product-1.png"
            campaign.more_product_images = ["ws1/campaign1/product-2.png"]
            s.commit()
        with Session(engine) as s:
            assert s.scalars(select(Campaign.more_product_images)).one() == [
                "ws1/campaign1/product-2.png"
            ]
        _downgrade(url, "0008")
        with engine.connect() as conn:
            columns = {c["name"] for c in inspect(conn).get_columns("campaigns")}
            names = conn.execute(text("SELECT name FROM campaigns")).scalars().all()
        assert "more_product_images" not in columns and names == ["Before"]
    finally:
        engine.dispose()


def test_the_product_images_migration_on_sqlite(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'images.db'}"
    db.migrate(url, "0008")
    _more_images_there_and_back(url)
    db.migrate(url)
    _assert_matches(url)


def test_the_product_images_migration_on_postgresql() -> None:
    schema = PgSchema(require_pg())  # migrated to the head
    try:
        _downgrade(schema.url, "0008")
        _more_images_there_and_back(schema.url)
        db.migrate(schema.url)
        _assert_matches(schema.url)
    finally:
        schema.close()
