"""A project's typed options (choices, outputs, lineage): the one reader never fails, each
section round-trips through its JSON, and migration 0006 moves the flat rows of before into
sections and back, on SQLite and PostgreSQL."""

from __future__ import annotations

import importlib.util
import json
from dataclasses import fields
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import sqlalchemy as sa

from aytada.core import db
from aytada.core.models import Project
from aytada.core.options import (
    SECTIONS,
    CaptionStyle,
    Choices,
    DesignCopy,
    Lineage,
    Outputs,
    ProjectOptions,
    options_of,
    options_with,
)
from tests.conftest import ROOT, check_migration, downgrade

MIGRATION = ROOT / "migrations" / "versions" / "0006_typed_project_options.py"

#: A row as the code before 0006 wrote it: every key it ever wrote, and one it never did.
FLAT: dict[str, Any] = {
    "voice": "en-gb",
    "voice_provider": "offline",
    "speed": 1.1,
    "music": False,
    "music_db": 12.0,
    "captions": {"position": "top", "size": "large", "color": "yellow", "style": "outline"},
    "overrides": {"creative_style": "Humor"},
    "instrumental": True,
    "thumbnail": "ws1/p2/scene1.png",
    "copy": {"headline": "Hi", "subline": "There", "call_to_action": "Buy"},
    "hero": "ws1/p2/product.png",
    "lyrics": "La la",
    "music_asset": 9,
    "variant_of": 1,
    "variant_axis": "voice",
    "idea_seed": 1,
    "idea_round": 3,
    "someone_elses": [1, 2],
}
NESTED: dict[str, Any] = {
    "choices": {k: FLAT[k] for k in ("voice", "voice_provider", "speed", "music", "music_db",
                                     "captions", "overrides", "instrumental")},
    "outputs": {k: FLAT[k] for k in ("thumbnail", "copy", "hero", "lyrics", "music_asset")},
    "lineage": {k: FLAT[k] for k in ("variant_of", "variant_axis", "idea_seed", "idea_round")},
    "someone_elses": [1, 2],
}  # fmt: skip
TYPED = ProjectOptions(
    choices=Choices("en-gb", "offline", 1.1, False, 12.0,
                    CaptionStyle("top", "large", "yellow", "outline"), {"creative_style": "Humor"},
                    True),
    outputs=Outputs("ws1/p2/scene1.png", DesignCopy("Hi", "There", "Buy"), "ws1/p2/product.png",
                    "La la", 9),
    lineage=Lineage(1, "voice", 1, 3),
)  # fmt: skip


# --------------------------------------------------------------------------- reading


def test_nothing_stored_reads_as_the_defaults() -> None:
    for stored in (None, {}, Project(), Project(options=None), Project(options={})):
        assert options_of(stored) == ProjectOptions()
    assert options_of({}).choices.voice_options == Choices().voice_options
    assert ProjectOptions().to_json() == {}


def test_the_sections_read_typed() -> None:
    assert options_of(NESTED) == TYPED
    assert options_of(Project(options=NESTED)) == TYPED
    assert TYPED.choices.voice_options.speed == 1.1


def test_an_old_flat_row_reads_as_the_defaults() -> None:
    assert options_of(FLAT) == ProjectOptions()


@pytest.mark.parametrize(
    "stored",
    [
        ["not", "an", "object"],
        "text",
        {"choices": "x", "outputs": [1], "lineage": 7},
        {"choices": {"voice": "bad voice; rm -rf", "voice_provider": "elevenlabs",
                     "speed": "fast", "music": "yes", "music_db": 99, "instrumental": "no",
                     "captions": {"position": "left", "size": ["large"], "color": 7},
                     "overrides": {"creative_style": "Opera", "industry": "Fashion",
                                   "awareness_stage": ["unaware"], "persuasion_trigger": {}}}},
        {"choices": {"voice": "x" * 101, "voice_provider": "offline", "speed": float("nan"),
                     "music_db": True, "music": None, "captions": None, "overrides": [1]}},
        {"outputs": {"thumbnail": 5, "copy": "Hi", "hero": [], "lyrics": None,
                     "music_asset": True}},
        {"outputs": {"copy": {"tagline": "Hi"}, "music_asset": "4"}},
        {"outputs": {"copy": {}, "music_asset": -1}},
        {"lineage": {"variant_of": "7", "variant_axis": 3, "idea_seed": 2.5,
                     "idea_round": -1}},
        {"lineage": {"variant_of": True, "idea_seed": None, "idea_round": "2"}},
        {"lineage": {"variant_of": 0, "idea_round": 1.0}},
    ],
)  # fmt: skip
def test_rubbish_reads_as_the_defaults(stored: Any) -> None:
    assert options_of(stored) == ProjectOptions()


def test_each_value_is_read_on_its_own() -> None:
    """One unusable field does not take its neighbours with it."""
    stored = {
        "choices": {"voice": "en-us", "speed": 9, "captions": {"size": "large", "color": 7},
                    "overrides": {"creative_style": "Opera", "awareness_stage": "unaware"}},
        "outputs": {"copy": {"headline": "Hi", "subline": 3}, "thumbnail": "t.png", "hero": 1},
        "lineage": {"variant_of": 4, "idea_seed": "x", "idea_round": 2},
    }  # fmt: skip
    assert options_of(stored) == ProjectOptions(
        choices=Choices(voice="en-us", captions=CaptionStyle(size="large"),
                        overrides={"awareness_stage": "unaware"}),
        outputs=Outputs(thumbnail="t.png", copy=DesignCopy(headline="Hi")),
        lineage=Lineage(variant_of=4, idea_round=2),
    )  # fmt: skip
    # a voice keeps its provider only when both are usable
    assert options_of({"choices": {"voice_provider": "offline"}}).choices.voice_provider == ""
    both = {"choices": {"voice": "Zx9Kq", "voice_provider": "polly"}}
    assert (options_of(both).choices.voice, options_of(both).choices.voice_provider) == (
        "Zx9Kq", "",
    )  # fmt: skip


# --------------------------------------------------------------------------- writing


@pytest.mark.parametrize("section", [TYPED.choices, TYPED.outputs, TYPED.lineage])
def test_each_section_round_trips(section: Choices | Outputs | Lineage) -> None:
    stored = json.loads(json.dumps(options_with({}, section)))  # plain JSON
    read = options_of(stored)
    name = next(n for n, model in SECTIONS.items() if isinstance(section, model))
    assert getattr(read, name) == section
    assert read == ProjectOptions(**{name: section})  # the other sections: their defaults
    assert list(stored) == [name]


def test_the_whole_of_it_round_trips() -> None:
    stored = json.loads(json.dumps(TYPED.to_json()))
    assert options_of(stored) == TYPED
    assert stored == {k: v for k, v in NESTED.items() if k in SECTIONS}


def test_only_what_differs_from_the_defaults_is_stored() -> None:
    assert options_with({}, Choices()) == {}
    assert options_with({}, Choices(speed=0.9, music_db=5.0)) == {"choices": {"speed": 0.9}}
    assert options_with({}, Outputs(music_asset=None, hero="")) == {}
    assert options_with({}, Lineage(idea_round=1)) == {"lineage": {"idea_round": 1}}
    assert options_with({}, Choices(captions=CaptionStyle(color="black"))) == {
        "choices": {"captions": {"position": "bottom", "size": "medium", "color": "black",
                                 "style": "box"}}
    }  # fmt: skip


def test_writing_a_section_keeps_the_others_as_stored() -> None:
    stored = {**NESTED, "lineage": {"variant_of": "rubbish"}}
    changed = options_with(Project(options=stored), Outputs(lyrics="New"))
    assert changed == {**stored, "outputs": {"lyrics": "New"}}
    assert stored == {**NESTED, "lineage": {"variant_of": "rubbish"}}  # not changed in place
    # back to the defaults: the section goes
    assert options_with(changed, Outputs()) == {k: v for k, v in stored.items() if k != "outputs"}
    # over rubbish
    assert options_with(["x"], Lineage(variant_of=2)) == {"lineage": {"variant_of": 2}}


# --------------------------------------------------------------------------- migration 0006


def _migration() -> ModuleType:
    spec = importlib.util.spec_from_file_location("migration_0006", MIGRATION)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# fields the models gained after migration 0006 (no flat row ever held them)
NEWER = {"outputs": ("sung",), "choices": ("autorun",), "lineage": ("cut_of",)}


def test_the_migration_moves_exactly_the_models_fields() -> None:
    migration = _migration()
    assert migration.SECTIONS == {
        name: tuple(f.name for f in fields(model) if f.name not in NEWER.get(name, ()))
        for name, model in SECTIONS.items()
    }
    assert sum(len(keys) for keys in migration.SECTIONS.values()) == 17


def test_nest_and_flatten() -> None:
    migration = _migration()
    assert migration.nest(FLAT) == NESTED
    assert migration.nest(NESTED) == NESTED  # once is enough
    assert migration.flatten(NESTED) == FLAT
    assert migration.nest({}) == {} and migration.flatten({}) == {}
    # a section already there keeps its own values; flat keys fill in the rest
    half = {"choices": {"voice": "en-us"}, "voice": "en-gb", "speed": 0.9}
    assert migration.nest(half) == {"choices": {"voice": "en-us", "speed": 0.9}}


def _blank(column: sa.Column) -> Any:
    """A value for a required column (the test gives the ones it cares about)."""
    kind = column.type
    if isinstance(kind, sa.JSON):
        return {}
    if isinstance(kind, sa.DateTime):
        return datetime.now(UTC)
    if isinstance(kind, sa.Boolean):
        return False
    return 0 if isinstance(kind, sa.Integer) else "x"


def _insert(conn: sa.Connection, table: sa.Table, **given: Any) -> int:
    values = {c.name: _blank(c) for c in table.columns
              if not (c.nullable or c.primary_key or c.server_default is not None)}  # fmt: skip
    return conn.execute(table.insert().values({**values, **given})).inserted_primary_key[0]


ROWS: list[Any] = [
    FLAT,
    {},
    {"variant_of": 3, "idea_round": 1, "thumbnail": "t.png"},
    ["not", "an", "object"],
]


def _stored(engine: sa.Engine, ids: list[int]) -> list[Any]:
    projects = sa.table("projects", sa.column("id"), sa.column("options", sa.JSON))
    with engine.connect() as conn:
        found = dict(conn.execute(sa.select(projects.c.id, projects.c.options)).all())
    return [found[i] for i in ids]


def _migrate_rows_there_and_back(url: str) -> None:
    """At revision 0005: flat rows; at 0006 they are in sections; back at 0005, as they were."""
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            meta = sa.MetaData()
            meta.reflect(conn, only=["workspaces", "campaigns", "projects"])
            tables = meta.tables
            ws = _insert(conn, tables["workspaces"], name="W", credit_balance=0)
            campaign = _insert(conn, tables["campaigns"], workspace_id=ws, name="C")
            ids = [
                _insert(conn, tables["projects"], workspace_id=ws, campaign_id=campaign,
                        title=f"p{n}", status="draft", options=options)
                for n, options in enumerate(ROWS)
            ]  # fmt: skip
        db.migrate(url, "0006")
        nested = _stored(engine, ids)
        assert nested == [
            NESTED,
            {},
            {"lineage": {"variant_of": 3, "idea_round": 1}, "outputs": {"thumbnail": "t.png"}},
            ["not", "an", "object"],
        ]
        assert options_of(nested[0]) == TYPED
        assert options_of(nested[2]).lineage == Lineage(variant_of=3, idea_round=1)
        downgrade(url, "0005")
        assert _stored(engine, ids) == ROWS
    finally:
        engine.dispose()


def test_the_migration_on_sqlite(tmp_path: Path) -> None:
    check_migration("0005", _migrate_rows_there_and_back, tmp_path)  # and up again to the head


def test_the_migration_on_postgresql() -> None:
    check_migration("0005", _migrate_rows_there_and_back)
