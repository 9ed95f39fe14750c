"""The lists' first pages (`projects.first_projects`: My Videos, the Campaign Hub), the hub's
counts by kind and its A/B families, each asked of the database with a LIMIT, not sliced."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event

from aytada.core import db, projects
from aytada.core.projects import (
    FAMILIES_PER_PAGE,
    PAGE_SIZE,
    counts_by_kind,
    first_projects,
    variant_families,
)
from tests.factories import make_campaign, make_project

pytestmark = pytest.mark.db  # the run's database and Redis db, emptied per test

START = datetime(2025, 1, 1, tzinfo=UTC)


def test_the_first_pages_newest_first_with_the_total(workspace_id):
    cid = make_campaign(workspace_id)
    ids = [make_project(workspace_id, cid, created_at=START + timedelta(minutes=i))
           for i in range(60)]  # fmt: skip
    other = make_project(workspace_id, kind="banner")  # another campaign's
    assert PAGE_SIZE == 24
    for pages, shown in ((1, 24), (2, 48), (3, 60), (9, 60), (0, 24)):
        page = first_projects(workspace_id, pages=pages, campaign_id=cid)
        assert [c.id for c in page.cards] == ids[::-1][:shown], pages
        assert (page.total, page.pages, page.page) == (60, 3, min(max(pages, 1), 3))
    page = first_projects(workspace_id, kind="banner")
    assert [c.id for c in page.cards] == [other] and (page.total, page.pages) == (1, 1)
    assert first_projects(workspace_id, status="failed").cards == []


def test_the_cards_are_limited_in_sql(workspace_id):
    cid = make_campaign(workspace_id)
    for _ in range(30):
        make_project(workspace_id, cid)
    seen: list[str] = []

    def listener(conn, cursor, statement, parameters, *rest):  # type: ignore[no-untyped-def]
        seen.append(f"{' '.join(statement.split())} {parameters}")

    event.listen(db.get_engine(), "before_cursor_execute", listener)
    try:
        assert len(first_projects(workspace_id, pages=1, campaign_id=cid).cards) == 24
    finally:
        event.remove(db.get_engine(), "before_cursor_execute", listener)
    (cards,) = [s for s in seen if "projects.title" in s]
    assert "LIMIT" in cards and "24" in cards.rsplit("LIMIT", 1)[1]


def test_counts_by_kind_and_variant_families(workspace_id):
    cid = make_campaign(workspace_id)
    source = make_project(workspace_id, cid)
    make_project(workspace_id, cid, kind="banner")
    gone = make_project(workspace_id, cid, kind="banner", deleted_at=START)
    assert counts_by_kind(workspace_id, cid) == {"video": 1, "banner": 1, "flyer": 0, "jingle": 0}
    assert variant_families(workspace_id, cid).families == []
    variant = make_project(workspace_id, cid, options={"lineage": {"variant_of": source}})
    # a variant whose original was deleted makes no family (there is nothing to compare with)
    make_project(workspace_id, cid, options={"lineage": {"variant_of": gone}})
    ab = variant_families(workspace_id, cid)
    assert (ab.total, ab.page, ab.pages) == (1, 1, 1)
    [family] = ab.families
    assert family.original.id == source and [v.id for v in family.variants] == [variant]
    assert family.variants[0].variant_of == source and family.original.variant_of is None
    assert projects.list_projects(workspace_id, campaign_id=cid).total == 4


def test_variant_families_come_a_page_at_a_time_newest_variant_first(workspace_id):
    cid = make_campaign(workspace_id)
    originals = [make_project(workspace_id, cid, title=f"Ad {n}") for n in range(6)]
    variants = {}
    for source in originals:  # a variant of each, made in turn: the last made is the newest
        variants[source] = [
            make_project(workspace_id, cid, options={"lineage": {"variant_of": source}})
            for _ in range(2)
        ]
    first = variant_families(workspace_id, cid)
    assert (first.total, first.page, first.pages) == (6, 1, 2)
    assert [f.original.id for f in first.families] == originals[::-1][:FAMILIES_PER_PAGE]
    assert all([v.id for v in f.variants] == variants[f.original.id] for f in first.families)
    both = variant_families(workspace_id, cid, pages=5)  # more pages than there are: all
    assert (both.page, both.shown) == (2, 6)
    assert [f.original.id for f in both.families] == originals[::-1]
