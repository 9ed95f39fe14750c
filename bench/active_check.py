"""Benchmark: the "any active project?" check at 100,000 projects (10 active) on PostgreSQL.

Run by hand (prints figures; not a test):
    .venv/bin/python bench/active_check.py [--url postgresql+psycopg://postgres@127.0.0.1:5432/test]

A schema of its own (migrated, dropped at the end) gets 100,000 projects by COPY: the 10 newest
in active statuses, the rest completed/draft/failed/scenes_ready, 5 % soft-deleted. Times
``aytada.core.projects.has_active`` as the app calls it (pool check-out, one SELECT) and
prints the plans: the custom plan (values known) and the plan of the statement prepared as
psycopg prepares it (from its 5th execution), after 10 runs, i.e. PostgreSQL's own choice
between custom and generic plans; the forced generic plan is printed for the record.
Target: median ≤ 2 ms, and the plan is an index scan.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._common import header, verdict  # noqa: E402

TARGET_MS = 2.0
TOTAL, ACTIVE_COUNT = 100_000, 10


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    ap.add_argument("--runs", type=int, default=500)
    args = ap.parse_args()
    header(f"'any active project?' at {TOTAL:,} projects, {ACTIVE_COUNT} active, PostgreSQL")

    from sqlalchemy import create_engine, select, text

    schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(args.url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{args.url}?options=-csearch_path%3D{schema}"
    tmp = tempfile.mkdtemp(prefix="aytada-bench-")
    os.environ.update(DATABASE_URL=url, AYTADA_DATA_DIR=tmp, MEDIA_DIR=f"{tmp}/media",
                      AYTADA_IGNORE_FILES="1")  # fmt: skip
    from aytada.core import db, projects
    from aytada.core.campaigns import create_campaign
    from aytada.core.models import Project
    from aytada.core.settings import reset_settings
    from aytada.core.statuses import ACTIVE
    from aytada.core.workspaces import default_workspace_id

    reset_settings()
    try:
        db.migrate(url)
        ws = default_workspace_id()
        cid = create_campaign(ws, {
            "name": "Bench", "product_name": "P", "product_description": "d",
            "audience": "a", "messaging": "m", "goals": "g"})  # fmt: skip
        active = sorted(s.value for s in ACTIVE)
        others = ("completed", "draft", "failed", "scenes_ready")
        buf = io.StringIO()
        for i in range(TOTAL):
            # the active projects are the newest rows (the end of the table), as in real use
            newest = i >= TOTAL - ACTIVE_COUNT
            status = active[i % len(active)] if newest else others[i % len(others)]
            deleted = "2025-01-01 00:00:00+00" if not newest and i % 20 == 0 else r"\N"
            buf.write(
                f"{ws}\t{cid}\tvideo\tProject {i}\t9:16\t30\tpro\t{status}\t[]\t[]\t{{}}"
                f"\t{{}}\tf\t2025-01-01 00:00:00+00\t2025-01-01 00:00:00+00\t{deleted}\n"
            )
        t0 = time.perf_counter()
        raw = db.get_engine().raw_connection()
        try:
            with raw.cursor() as cur:  # type: ignore[attr-defined]
                with cur.copy(
                    "COPY projects (workspace_id, campaign_id, kind, title, format, length_s, "
                    "quality, status, ideas, scenes, segments, options, scenes_stale, "
                    "created_at, updated_at, deleted_at) FROM STDIN"
                ) as copy:
                    copy.write(buf.getvalue())
                cur.execute("ANALYZE projects")
            raw.commit()
        finally:
            raw.close()
        print(f"inserted {TOTAL:,} projects by COPY in {time.perf_counter() - t0:.1f} s "
              f"(+ ANALYZE)")  # fmt: skip

        assert projects.has_active(ws)
        times, cpu = [], []
        for _ in range(args.runs):
            t0, c0 = time.perf_counter(), time.process_time()
            projects.has_active(ws)
            times.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
        median = statistics.median(times)
        p95 = statistics.quantiles(times, n=20)[-1]
        print(
            f"has_active(): median {median:.3f} ms, p95 {p95:.3f} ms over {args.runs} calls "
            "(pool check-out with pre-ping, then the SELECT in autocommit: 2 round trips)"
        )
        print(f"  of which this process's CPU: median {statistics.median(cpu):.3f} ms (the rest "
              "is waiting for the server: round trips, and CPU time the machine's other load "
              "takes)")  # fmt: skip

        # the statement exactly as SQLAlchemy sends it, then its plans
        engine = db.get_engine()
        stmt = (select(Project.id).where(
            Project.workspace_id == ws, Project.deleted_at.is_(None),
            Project.status.in_([a.value for a in ACTIVE])).limit(1))  # fmt: skip
        compiled = stmt.compile(engine, compile_kwargs={"literal_binds": True})
        sql = str(compiled)
        plans: dict[str, str] = {}
        with engine.connect() as conn:
            # the same SELECT on one held connection (no pool check-out, no commit): the
            # database's share of the figure; psycopg prepares it from the 5th run, and
            # PostgreSQL may then switch to a generic plan
            bare = []
            for _ in range(args.runs):
                t0 = time.perf_counter()
                conn.execute(stmt).first()
                bare.append((time.perf_counter() - t0) * 1000)
            print(f"the SELECT alone on a held connection: median {statistics.median(bare):.3f} "
                  f"ms, p95 {statistics.quantiles(bare, n=20)[-1]:.3f} ms")  # fmt: skip
            for row in conn.execute(text(
                    "SELECT generic_plans, custom_plans FROM pg_prepared_statements "
                    "WHERE statement LIKE '%FROM projects%LIMIT%'")):  # fmt: skip
                print(f"  psycopg prepared it: {row[0]} generic plan(s), {row[1]} custom plan(s)")
            conn.rollback()
            rows = conn.execute(text(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")).scalars().all()
            plans["custom"] = "\n".join(rows)
            # the statement as psycopg prepares it (every value a parameter, the LIMIT too):
            # after 5 runs PostgreSQL picks a custom or the generic plan by cost; EXPLAIN
            # shows the one it picked
            statuses_ = sorted(a.value for a in ACTIVE)
            prep = sql.replace(f"workspace_id = {ws}", "workspace_id = $1").replace(
                "LIMIT 1", f"LIMIT ${len(statuses_) + 2}"
            )
            for i, value in enumerate(statuses_):
                prep = prep.replace(f"'{value}'", f"${i + 2}")
            types = ", ".join(["integer", *["varchar"] * len(statuses_), "integer"])
            values = ", ".join([str(ws), *(f"'{v}'" for v in statuses_), "1"])
            conn.exec_driver_sql(f"PREPARE active_check ({types}) AS {prep}")
            for _ in range(10):
                conn.exec_driver_sql(f"EXECUTE active_check ({values})").all()
            rows = (
                conn.exec_driver_sql(f"EXPLAIN (ANALYZE, BUFFERS) EXECUTE active_check ({values})")
                .scalars()
                .all()
            )
            plans["prepared, after 10 runs (PostgreSQL's own choice)"] = "\n".join(rows)
            # for the record: the generic plan, had PostgreSQL chosen it (not part of the
            # verdict; see bench/README.md)
            conn.exec_driver_sql("SET plan_cache_mode = force_generic_plan")
            rows = (
                conn.exec_driver_sql(f"EXPLAIN (ANALYZE, BUFFERS) EXECUTE active_check ({values})")
                .scalars()
                .all()
            )
            forced = "\n".join(rows)
            conn.exec_driver_sql("RESET plan_cache_mode")
            conn.exec_driver_sql("DEALLOCATE active_check")
            conn.rollback()
        print(f"SQL: {sql}")
        index_scan = True
        for name, plan in plans.items():
            print(f"--- EXPLAIN (ANALYZE, BUFFERS), {name} plan:\n{plan}")
            uses_index = "ix_projects_workspace_active" in plan and "Seq Scan" not in plan
            index_scan = index_scan and uses_index
            where = "index scan on ix_projects_workspace_active" if uses_index else "NOT the index"
            print(f"    → {where}")
        print("--- for the record, the generic plan (plan_cache_mode = force_generic_plan; "
              f"not chosen by PostgreSQL here):\n{forced}")  # fmt: skip
        met = median <= TARGET_MS and index_scan
        verdict(f"median {median:.3f} ms, index scan in every plan: {index_scan}",
                f"≤ {TARGET_MS:g} ms and an index scan", met)  # fmt: skip
    finally:
        db.dispose_all()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
