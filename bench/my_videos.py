"""Benchmark: one AppTest run of My Videos with 100 and with 10,000 projects on PostgreSQL.

Run by hand (prints figures; not a test):
    .venv/bin/python bench/my_videos.py [--url postgresql+psycopg://postgres@127.0.0.1:5432/test]

Targets: time ratio (10,000 / 100) ≤ 1.5; SQL statements per run the same for both and ≤ 5.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()

    from sqlalchemy import create_engine, event, insert, text

    schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(args.url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{args.url}?options=-csearch_path%3D{schema}"
    tmp = tempfile.mkdtemp()
    os.environ.update(
        DATABASE_URL=url,
        AYTADA_DATA_DIR=tmp,
        MEDIA_DIR=f"{tmp}/media",
        REDIS_URL="redis://127.0.0.1:6379/14",
    )
    from aytada.core import db
    from aytada.core.models import Project
    from aytada.core.settings import reset_settings
    from aytada.core.workspaces import default_workspace_id

    reset_settings()
    try:
        db.migrate(url)
        ws = default_workspace_id()
        from aytada.core.campaigns import create_campaign

        cid = create_campaign(
            ws,
            {
                "name": "Bench",
                "product_name": "P",
                "product_description": "d",
                "audience": "a",
                "messaging": "m",
                "goals": "g",
            },
        )
        engine = db.get_engine()
        statements: list[str] = []
        event.listen(
            engine, "before_cursor_execute", lambda conn, cur, stmt, *a: statements.append(stmt)
        )

        from streamlit.testing.v1 import AppTest

        def fill(total: int, existing: int) -> None:
            rows = []
            for i in range(existing, total):
                status = "generating_video" if i < 10 else ("completed" if i % 3 else "draft")
                rows.append(
                    dict(
                        workspace_id=ws,
                        campaign_id=cid,
                        kind="video",
                        title=f"Project {i}",
                        format="9:16",
                        length_s=30,
                        quality="pro",
                        status=status,
                        ideas=[],
                        scenes=[],
                        segments={},
                        options={},
                        scenes_stale=False,
                    )
                )
            with engine.begin() as conn:
                for start in range(0, len(rows), 2000):
                    conn.execute(insert(Project), rows[start : start + 2000])

        def measure(n: int) -> tuple[float, int]:
            times, counts = [], []
            for _ in range(args.runs):
                at = AppTest.from_file(str(ROOT / "Home.py"), default_timeout=60)
                at.run()
                statements.clear()
                t0 = time.perf_counter()
                at.switch_page("app_pages/my_videos.py").run()
                times.append(time.perf_counter() - t0)
                counts.append(len(statements))
                assert not at.exception, at.exception
            return statistics.median(times), max(counts)

        fill(100, 0)
        t100, s100 = measure(100)
        fill(10_000, 100)
        t10k, s10k = measure(10_000)
        print(f"100 projects:    {t100 * 1000:7.1f} ms per run, {s100} SQL statements")
        print(f"10,000 projects: {t10k * 1000:7.1f} ms per run, {s10k} SQL statements")
        print(
            f"ratio: {t10k / t100:.2f} (target ≤ 1.5); statements equal: {s100 == s10k} "
            f"(target ≤ 5)"
        )
    finally:
        db.dispose_all()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


if __name__ == "__main__":
    main()
