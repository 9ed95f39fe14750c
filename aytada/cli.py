"""The `aytada` command: up, worker, migrate, reconcile, credits, demo, video."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from aytada.core.errors import UserError
from aytada.core.settings import ROOT, get_settings


def _print(msg: str) -> None:
    print(msg, flush=True)


# --------------------------------------------------------------------------- services


class Children:
    """Child processes started by `up` / `demo`, stopped together (SIGTERM, then SIGKILL)."""

    def __init__(self) -> None:
        self.procs: list[tuple[str, subprocess.Popen]] = []

    def add(self, name: str, proc: subprocess.Popen) -> None:
        self.procs.append((name, proc))

    def start(self, name: str, args: list[str], **kw) -> subprocess.Popen:  # type: ignore[no-untyped-def]
        proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, **kw)
        self.add(name, proc)
        return proc

    def stop(self, timeout: float = 10.0) -> None:
        for _name, proc in reversed(self.procs):
            if proc.poll() is None:
                proc.terminate()
        deadline = time.monotonic() + timeout
        for _name, proc in reversed(self.procs):
            try:
                proc.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self.procs.clear()

    def dead(self) -> list[str]:
        return [name for name, proc in self.procs if proc.poll() is not None]


def _python() -> str:
    return sys.executable


def _ensure_redis(children: Children) -> None:
    from aytada.jobs.queue import check_redis, start_embedded_redis

    settings = get_settings()
    if settings.embedded_redis:
        proc = start_embedded_redis(settings)
        if proc is not None:
            children.add("redis", proc)
            _print(f"embedded Redis on {settings.redis_socket}")
    check_redis()


def _start_workers(children: Children, count: int, log_dir: Path | None = None) -> None:
    for i in range(count):
        out = open(log_dir / f"worker{i + 1}.log", "ab") if log_dir else None  # noqa: SIM115
        children.start(
            f"worker{i + 1}",
            [_python(), "-m", "aytada", "worker"],
            stdout=out,
            stderr=subprocess.STDOUT if out else None,
        )


def cmd_up(args: argparse.Namespace) -> int:
    from aytada.core.db import migrate

    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    settings.media_dir.mkdir(parents=True, exist_ok=True)
    migrate()
    _print("database migrated")
    children = Children()
    stopping = False

    def _stop(signum, frame):  # type: ignore[no-untyped-def]
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    try:
        _ensure_redis(children)
        logs = settings.data_dir / "logs"
        logs.mkdir(exist_ok=True)
        workers = args.workers or settings.workers
        _start_workers(children, workers, logs)
        children.start(
            "reconciler",
            [_python(), "-m", "aytada", "reconcile", "--loop"],
            stdout=open(logs / "reconciler.log", "ab"),  # noqa: SIM115
            stderr=subprocess.STDOUT,
        )
        children.start(
            "streamlit",
            [
                _python(),
                "-m",
                "streamlit",
                "run",
                str(ROOT / "Home.py"),
                "--server.port",
                str(args.port),
                "--server.address",
                args.address,
                "--server.headless",
                "true",
                "--browser.gatherUsageStats",
                "false",
            ],
            cwd=str(ROOT),
        )
        _print(
            f"{workers} worker(s), the reconciler and Streamlit started: "
            f"http://{args.address}:{args.port}  (Ctrl-C stops everything)"
        )
        while not stopping:
            dead = children.dead()
            if dead:
                _print(f"stopping: {', '.join(dead)} exited")
                return 1
            time.sleep(0.5)
        return 0
    finally:
        _print("stopping children…")
        children.stop()
        _print("stopped")


def cmd_worker(args: argparse.Namespace) -> int:
    from rq import Worker

    from aytada.jobs.queue import check_redis, get_queue, redis_conn
    from aytada.jobs.runner import _load_steps

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    check_redis()
    _load_steps()
    worker = Worker([get_queue()], connection=redis_conn())
    worker.work(with_scheduler=False, logging_level="INFO", burst=args.burst)
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    from aytada.core.db import migrate

    migrate()
    _print("database is at the latest migration")
    return 0


def cmd_reconcile(args: argparse.Namespace) -> int:
    from aytada.jobs.reconcile import reconcile_loop, reconcile_once

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    if args.loop:
        stop = {"flag": False}
        signal.signal(signal.SIGTERM, lambda *_: stop.update(flag=True))
        signal.signal(signal.SIGINT, lambda *_: stop.update(flag=True))
        reconcile_loop(stop=lambda: stop["flag"])
        return 0
    failed = reconcile_once(grace_seconds=args.grace)
    for gen_id, reason in failed:
        _print(f"generation {gen_id} failed: {reason}")
    _print(f"reconciled: {len(failed)} generation(s) failed")
    return 0


def cmd_credits(args: argparse.Namespace) -> int:
    from aytada.core import workspaces

    ws = workspaces.default_workspace_id()
    if args.action == "add":
        balance = workspaces.add_credits(ws, args.amount, reason=args.reason)
        _print(f"added {args.amount} credits; balance {balance}")
    else:
        _print(f"balance {workspaces.get_balance(ws)} credits")
        for row in workspaces.ledger(ws, limit=args.last):
            _print(
                f"  {row.created_at:%Y-%m-%d %H:%M}  {row.delta:+6d}  → {row.balance_after:6d}"
                f"  {row.reason}"
            )
    return 0


# --------------------------------------------------------------------------- video / demo


def _wait(project_id: int, ws: int, targets: set[str], timeout: float) -> str:
    from aytada.core import projects, statuses

    last = None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = projects.get_project(ws, project_id).status
        if status != last:
            _print(f"  status: {status}")
            last = status
        if status in targets or not statuses.is_active(status):
            return status
        time.sleep(0.5)
    return last or ""


def _advance(ws: int, project_id: int, timeout: float) -> str:
    """Run the next step for the project and wait for it; returns the new status."""
    from aytada.core import projects
    from aytada.jobs.runner import start_step

    project = projects.get_project(ws, project_id)
    status = project.status
    if status in ("draft",):
        step = "ideas"
    elif status == "ideas_ready":
        if project.chosen_idea is None:
            projects.choose_idea(ws, project_id, 0)
            _print(f"  picked idea 1: {project.ideas[0]['title']}")
        step = "script"
    elif status == "script_ready":
        step = "scenes"
    elif status in ("scenes_ready",):
        step = "clip"
    elif status == "failed":
        from aytada.jobs.runner import retry_failed

        retry_failed(ws, project_id)
        return _wait(project_id, ws, {"completed", "failed"}, timeout)
    else:
        return status
    started = start_step(ws, project_id, step)
    _print(f"  started {step} (cost {started.credits} credits)")
    return _wait(project_id, ws, set(), timeout)


def cmd_video(args: argparse.Namespace) -> int:
    from aytada.core import projects, workspaces

    ws = workspaces.default_workspace_id()
    if args.action == "create":
        pid = projects.create_project(
            ws,
            args.campaign,
            title=args.title,
            fmt=args.format,
            length_s=args.length,
            quality=args.quality,
        )
        _print(f"project {pid}")
        return 0
    if args.action == "advance":
        status = _advance(ws, args.project, args.timeout)
        _print(f"project {args.project}: {status}")
        return 0 if status != "failed" else 1
    if args.action == "retry":
        from aytada.jobs.runner import retry_failed

        retry_failed(ws, args.project)
        status = _wait(args.project, ws, set(), args.timeout)
        return 0 if status != "failed" else 1
    return 2


SAMPLE_CAMPAIGN = {
    "name": "Glow Serum launch",
    "product_name": "Lumi Glow Serum",
    "product_description": "A lightweight vitamin C serum that brightens dull skin in 14 days.",
    "brand_name": "Lumi",
    "tone_of_voice": "warm, confident",
    "brand_colors": "#2E1A47,#F7B267",
    "awareness_stage": "problem_aware",
    "business_type": "Physical Product",
    "industry": "Beauty & Skincare",
    "creative_style": "UGC Style",
    "persuasion_trigger": "Social Proof",
    "audience": "Busy women 28-40 whose skin looks tired after long workdays; they want to "
    "look rested without a 10-step routine.",
    "messaging": "One serum, 30 seconds each morning, visibly brighter skin in two weeks.",
    "goals": "Drive cold traffic to the launch page and get first orders at 20% off.",
}


def cmd_demo(args: argparse.Namespace) -> int:
    from rq import Worker

    from aytada.core import campaigns, projects, workspaces
    from aytada.core.db import migrate
    from aytada.core.media import resolve
    from aytada.jobs.queue import get_queue, redis_conn

    started_at = time.monotonic()
    settings = get_settings()
    settings.media_dir.mkdir(parents=True, exist_ok=True)
    migrate()
    children = Children()
    try:
        _ensure_redis(children)
        if Worker.count(connection=redis_conn(), queue=get_queue()) == 0:
            logs = settings.data_dir / "logs"
            logs.mkdir(parents=True, exist_ok=True)
            _print(f"no worker running: starting {args.workers} (logs in {logs})")
            _start_workers(children, args.workers, logs)
        ws = workspaces.default_workspace_id()
        cid = campaigns.create_campaign(ws, SAMPLE_CAMPAIGN)
        pid = projects.create_project(
            ws, cid, title="Demo: Lumi 30 s story", fmt="9:16", length_s=30, quality="pro"
        )
        _print(f"campaign {cid}, project {pid}")
        status = "draft"
        for _ in range(6):
            status = _advance(ws, pid, args.timeout)
            if status in ("completed", "failed"):
                break
        project = projects.get_project(ws, pid)
        if status != "completed":
            _print(f"demo failed: {project.error}")
            return 1
        asset = projects.get_asset(ws, project.output_asset_id)
        assert asset is not None
        _print(f"final video: {resolve(asset.path)}")
        _print(f"wall time: {time.monotonic() - started_at:.1f} s")
        return 0
    finally:
        children.stop()


# --------------------------------------------------------------------------- entry


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="aytada", description="Aytada Studio")
    sub = p.add_subparsers(dest="command", required=True)

    up = sub.add_parser("up", help="migrate, start Redis (embedded), workers, reconciler, UI")
    up.add_argument("--port", type=int, default=8501)
    up.add_argument("--address", default="127.0.0.1")
    up.add_argument("--workers", type=int, default=0, help="default: AYTADA_WORKERS (2)")
    up.set_defaults(func=cmd_up)

    w = sub.add_parser("worker", help="run one RQ worker")
    w.add_argument("--burst", action="store_true", help="exit when the queue is empty")
    w.set_defaults(func=cmd_worker)

    sub.add_parser("migrate", help="upgrade the database").set_defaults(func=cmd_migrate)

    r = sub.add_parser("reconcile", help="fail generations whose worker or job is gone")
    r.add_argument("--loop", action="store_true", help="keep running (started by `up`)")
    r.add_argument("--grace", type=float, default=60.0)
    r.set_defaults(func=cmd_reconcile)

    c = sub.add_parser("credits", help="show the balance or add credits")
    csub = c.add_subparsers(dest="action", required=True)
    show = csub.add_parser("show")
    show.add_argument("--last", type=int, default=10)
    add = csub.add_parser("add")
    add.add_argument("amount", type=int)
    add.add_argument("--reason", default="top-up")
    c.set_defaults(func=cmd_credits)

    d = sub.add_parser("demo", help="make a 30 s 9:16 video ad end to end")
    d.add_argument("--workers", type=int, default=2)
    d.add_argument("--timeout", type=float, default=900)
    d.set_defaults(func=cmd_demo)

    v = sub.add_parser("video", help="script the video pipeline")
    vsub = v.add_subparsers(dest="action", required=True)
    create = vsub.add_parser("create")
    create.add_argument("--campaign", type=int, required=True)
    create.add_argument("--title", required=True)
    create.add_argument("--format", default="9:16", choices=["9:16", "1:1", "16:9"])
    create.add_argument("--length", type=int, default=30, choices=[15, 30, 60])
    create.add_argument("--quality", default="pro", choices=["standard", "pro"])
    for name in ("advance", "retry"):
        sp = vsub.add_parser(name)
        sp.add_argument("project", type=int)
        sp.add_argument("--timeout", type=float, default=900)
    v.set_defaults(func=cmd_video)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    os._exit(main())
