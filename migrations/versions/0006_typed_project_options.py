"""projects.options in three sections: choices, outputs, lineage

``projects.options`` was one flat JSON object of up to 17 keys; it becomes
``{"choices": {...}, "outputs": {...}, "lineage": {...}}`` (read by
``aytada.core.options.options_of``). Each known key moves, value untouched, into its section;
a key this migration does not know stays at the top level, so the downgrade (which moves every
section's keys back to the top level) gives back the row it started from. No schema change:
the column stays JSON on SQLite and PostgreSQL alike (nothing to batch on SQLite); the rows
are rewritten in Python, a batch of ids at a time, so it needs a live connection (not --sql).

The key lists are this migration's own (later code may change the model, never what this
revision did); ``tests/core/test_options.py`` checks they are the model's fields.
"""

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from alembic import op

revision, down_revision = "0006", "0005"  # this revision, the one before

SECTIONS: dict[str, tuple[str, ...]] = {
    "choices": ("voice", "voice_provider", "speed", "music", "music_db", "captions",
                "overrides", "instrumental"),
    "outputs": ("thumbnail", "copy", "hero", "lyrics", "music_asset"),
    "lineage": ("variant_of", "variant_axis", "idea_seed", "idea_round"),
}  # fmt: skip
BATCH = 500  # rows read at a time

projects = sa.table("projects", sa.column("id", sa.Integer), sa.column("options", sa.JSON))


def nest(options: dict[str, Any]) -> dict[str, Any]:
    """A flat row in sections (a section already there keeps what it holds; the known keys
    beside it fill in what it lacks)."""
    out = dict(options)
    for name, keys in SECTIONS.items():
        moved = {key: out.pop(key) for key in keys if key in out}
        if moved:
            held = out.get(name)
            out[name] = {**moved, **held} if isinstance(held, dict) else moved
    return out


def flatten(options: dict[str, Any]) -> dict[str, Any]:
    """The sections' keys back at the top level (what this revision's upgrade nested)."""
    out = {k: v for k, v in options.items() if k not in SECTIONS}
    for name in SECTIONS:
        section = options.get(name)
        if isinstance(section, dict):
            for key, value in section.items():
                out.setdefault(key, value)
    return out


def _rewrite(change: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
    conn = op.get_bind()
    last = 0
    while True:
        rows = conn.execute(
            sa.select(projects.c.id, projects.c.options)
            .where(projects.c.id > last)
            .order_by(projects.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        for row_id, options in rows:
            if isinstance(options, dict):
                changed = change(options)
                if changed != options:
                    update = projects.update().where(projects.c.id == row_id)
                    conn.execute(update.values(options=changed))
        last = rows[-1][0]


def upgrade() -> None:
    _rewrite(nest)


def downgrade() -> None:
    _rewrite(flatten)
