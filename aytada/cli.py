"""The `aytada` command: services (up, worker, migrate, reconcile), credits, campaigns, making
assets through the queue (make, project, video, demo)."""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

# Only light modules at the top: `aytada --help`, argument errors and the fast commands must not
# pay for SQLAlchemy, Redis, RQ or pydantic; each command imports what it uses.
from aytada.core.errors import UserError, ValidationFailed
from aytada.core.inputs import MAX_ID, MAX_TOP_UP
from aytada.vocabulary import COPY_FIELDS, ROLES, SCRIPT_FIELDS

if TYPE_CHECKING:
    from aytada.jobs.supervisor import Supervisor


def _print(msg: str, *, err: bool = False) -> None:
    print(msg, file=sys.stderr if err else sys.stdout, flush=True)


# --------------------------------------------------------------------------- services


def _supervisor(pid_file: Path | None = None) -> Supervisor:
    """`up`'s and `demo`'s children: started, restarted when they exit, stopped together
    (aytada.jobs.supervisor)."""
    from aytada.jobs.supervisor import Supervisor

    return Supervisor(pid_file, say=_print)


def _python() -> str:
    return sys.executable


def _clean_stale(pid_file: Path) -> None:
    """Stop what an earlier `up` left running (it was SIGKILLed before this version, or its
    children outlived it), or refuse when that `up` still runs."""
    import json

    from aytada.jobs.procs import cmdline, pid_alive

    try:
        data = json.loads(pid_file.read_text())
    except (OSError, ValueError):
        return
    up_pid = int(data.get("up") or 0)
    if up_pid and up_pid != os.getpid() and pid_alive(up_pid) and "aytada" in cmdline(up_pid):
        raise UserError(
            f"`aytada up` is already running (PID {up_pid}); stop it first (`kill {up_pid}`)."
        )
    leftovers = []
    for name, pid in (data.get("children") or {}).items():
        line = cmdline(int(pid))
        ours = ("aytada", "redis-server", "streamlit", "app_pages.serve")
        if pid_alive(int(pid)) and any(w in line for w in ours):
            leftovers.append((name, int(pid)))
    for name, pid in leftovers:
        _print(f"stopping {name} (PID {pid}) left by an earlier `aytada up`")
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 8
    while leftovers and time.monotonic() < deadline:
        leftovers = [(n, p) for n, p in leftovers if pid_alive(p)]
        time.sleep(0.1)
    for _name, pid in leftovers:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    pid_file.unlink(missing_ok=True)


def _port_in_use(address: str, port: int) -> str | None:
    """A readable reason when `address:port` cannot be listened on (None when it is free)."""
    import errno
    import socket

    family = socket.AF_INET6 if ":" in address else socket.AF_INET  # "::1" is IPv6
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((address, port))
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE:  # not a port someone holds: say what it is
                return f"cannot listen on {address} port {port}: {exc.strerror or exc}"
            holder = _port_holder(port)
            who = f" by PID {holder[0]} ({holder[1][:80]})" if holder else ""
            return f"Port {port} on {address} is in use{who}: {exc.strerror or exc}"
    return None


def _port_holder(port: int) -> tuple[int, str] | None:
    """The process listening on a TCP port (Linux /proc), when it can be found."""
    from aytada.jobs.procs import cmdline

    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                cols = line.split()
                if len(cols) > 9 and cols[3] == "0A" and int(cols[1].rsplit(":", 1)[1], 16) == port:
                    inodes.add(f"socket:[{cols[9]}]")
    if not inodes:
        return None
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            for fd in (proc / "fd").iterdir():
                if os.readlink(fd) in inodes:
                    return int(proc.name), cmdline(int(proc.name))
    return None


def _ensure_redis(children: Supervisor) -> None:
    from aytada.core.settings import get_settings
    from aytada.jobs.queue import check_redis, start_embedded_redis

    settings = get_settings()
    if settings.embedded_redis:
        proc = start_embedded_redis(settings)
        if proc is not None:
            children.add("redis", proc, launch=lambda: start_embedded_redis(settings))
            _print(f"embedded Redis on {settings.redis_socket}")
    check_redis()


def _start_workers(children: Supervisor, count: int, log_dir: Path | None = None) -> None:
    for i in range(count):
        children.start(
            f"worker{i + 1}",
            # started again by `up` while Redis or the database is away: it waits for them
            [_python(), "-m", "aytada", "worker", "--wait-for-services"],
            log=log_dir / f"worker{i + 1}.log" if log_dir else None,
            # when `up` dies: the worker at once; its work-horse follows (and takes its
            # ffmpeg along), the step is run again by the next start
            death_signal=signal.SIGKILL,
        )


# Streamlit's options for a production run (`up`), over .streamlit/config.toml:
# - no full garbage collection (gc.collect(2)) after every script and fragment run: with ten
#   users it held the GIL most of the server's time (issue 25); Python's own generational
#   collection still runs;
# - no file watcher: nothing reloads in production, and a recursive watch over the checkout
#   (.venv included) slowed every new tab's first page.
# It runs through app_pages.serve (Streamlit's own command line, after importing the app's
# modules), so the first sessions after a start do not wait on those imports.
STREAMLIT_PRODUCTION = {
    "server.headless": "true",
    "browser.gatherUsageStats": "false",
    "runner.postScriptGC": "false",
    "server.fileWatcherType": "none",
}


def streamlit_command(address: str, port: int) -> list[str]:
    """The command `up` starts Streamlit with: the app on ``address:port``, with
    :data:`STREAMLIT_PRODUCTION`'s options, through ``app_pages.serve`` (``streamlit run``
    once the app's modules are imported)."""
    from aytada.core.settings import ROOT

    command = [_python(), "-m", "app_pages.serve", "run", str(ROOT / "Home.py"),
               "--server.port", str(port), "--server.address", address]  # fmt: skip
    for name, value in STREAMLIT_PRODUCTION.items():
        command += [f"--{name}", value]
    return command


def _recover() -> None:
    """Queued work whose job Redis lost is enqueued again; dead runs are handed back."""
    from aytada.jobs.reconcile import reconcile_once

    for gen_id, what in reconcile_once(queued_grace=0):
        _print(f"generation {gen_id} {what}")


def _sign_in_configured() -> bool:
    """Whether Streamlit will find an ``[auth]`` table: the secrets files it reads (the
    project's and the user's `.streamlit/secrets.toml`, or STREAMLIT_SECRETS_FILES)."""
    import tomllib

    from aytada.core.settings import SECRETS_TOML

    named = os.environ.get("STREAMLIT_SECRETS_FILES", "")
    home = Path.home() / ".streamlit" / "secrets.toml"
    files = [Path(f) for f in named.split(",") if f] if named else [SECRETS_TOML, home]
    for path in files:
        try:
            if "auth" in tomllib.loads(path.read_text()):
                return True
        except (OSError, tomllib.TOMLDecodeError):
            continue
    return False


def cmd_up(args: argparse.Namespace) -> int:
    from aytada.core.db import migrate
    from aytada.core.settings import LOOPBACK, ROOT, get_settings

    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    settings.media_dir.mkdir(parents=True, exist_ok=True)
    pid_file = settings.data_dir / "up.pids"
    _clean_stale(pid_file)
    if args.address not in LOOPBACK and not _sign_in_configured():
        raise UserError(
            f"--address {args.address} lets other machines in, and sign-in is not configured "
            "(no [auth] table in .streamlit/secrets.toml): anyone would open the workspace. "
            "Configure sign-in first (README, Teams), or leave --address at 127.0.0.1."
        )
    busy = _port_in_use(args.address, args.port)
    if busy:
        raise UserError(f"{busy}. Stop that program or choose another --port.")
    from aytada.core.media import check_store

    check_store()
    migrate()
    _print("database migrated")
    children = _supervisor(pid_file)
    stopping = False

    def _stop(signum, frame):  # type: ignore[no-untyped-def]
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    try:
        _ensure_redis(children)
        _recover()
        logs = settings.data_dir / "logs"
        logs.mkdir(exist_ok=True)
        workers = args.workers or settings.workers
        _start_workers(children, workers, logs)
        children.start(
            "reconciler",
            [_python(), "-m", "aytada", "reconcile", "--loop"],
            log=logs / "reconciler.log",
        )
        children.start("streamlit", streamlit_command(args.address, args.port), cwd=str(ROOT))
        _print(
            f"{workers} worker(s), the reconciler and Streamlit started: "
            f"http://{args.address}:{args.port}  (Ctrl-C stops everything; a child that "
            "exits is started again)"
        )
        while not stopping:
            children.supervise()  # a child that exited is started again (backoff, budget)
            time.sleep(0.2)
        return 0
    finally:
        _print("stopping children…")
        children.stop()
        _print("stopped")


def cmd_worker(args: argparse.Namespace) -> int:
    from aytada.core.media import check_store
    from aytada.core.settings import get_settings
    from aytada.jobs.procs import lower_priority
    from aytada.jobs.queue import check_redis, get_queue, redis_conn
    from aytada.jobs.reconcile import reconcile_at_start
    from aytada.jobs.runner import _load_steps
    from aytada.jobs.worker import AytadaWorker

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    # below the pages' priority before anything else, so every work-horse and ffmpeg inherits it
    niceness = lower_priority(get_settings().worker_nice)
    logging.getLogger("aytada.worker").info("running at niceness %d (AYTADA_WORKER_NICE)", niceness)
    if args.wait_for_services:  # Redis or the database away: wait (a wrong setting: exit 2)
        from aytada.jobs.services import patiently

        say = logging.getLogger("aytada.worker").warning
        patiently(check_redis, say)
        patiently(_database_answers, say)
    check_redis()
    check_store()  # a worker that cannot store files would fail every step it takes
    _load_steps()
    reconcile_at_start()  # queued work Redis lost runs again (the DB is the truth)
    worker = AytadaWorker([get_queue()], connection=redis_conn())
    worker.work(with_scheduler=False, logging_level="INFO", burst=args.burst)
    if args.burst or worker.asked_to_stop:
        return 0
    _print("the worker's loop ended on an error (see above)", err=True)
    return 1


def _database_answers() -> None:
    """A query on the app's tables (raises what is wrong: away, login, no tables)."""
    from sqlalchemy import select

    from aytada.core.db import session_scope
    from aytada.core.models import Generation

    with session_scope() as s:
        s.execute(select(Generation.id).limit(1)).all()


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
    acted = reconcile_once(grace_seconds=args.grace)
    for gen_id, what in acted:
        _print(f"generation {gen_id} {what}")
    failed = sum(1 for _, what in acted if what.startswith("failed"))
    _print(f"reconciled: {len(acted) - failed} generation(s) run again, {failed} failed")
    return 0


# --------------------------------------------------------------------------- input checks

MAX_LEDGER_ROWS = 10_000


def _whole_number(text: str, what: str, low: int, high: int) -> int:
    try:
        value = int(str(text).strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{what} must be a whole number, not {text!r}") from None
    if not low <= value <= high:
        raise argparse.ArgumentTypeError(f"{what} must be between {low} and {high}, not {value}")
    return value


def _id(text: str) -> int:
    """A database id: a positive whole number that fits the id columns."""
    return _whole_number(text, "an id", 1, MAX_ID)


def _image_position(text: str) -> int:
    """A product image's position in its campaign: 1 (the product photo) to 5."""
    from aytada.core.campaigns import MAX_PRODUCT_IMAGES

    return _whole_number(text, "the image's position", 1, MAX_PRODUCT_IMAGES)


def _top_up(text: str) -> int:
    try:
        return _whole_number(text, "the amount", 1, MAX_TOP_UP)
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(
            f"the amount must be a positive whole number of credits, at most {MAX_TOP_UP}, "
            f"not {text!r}"
        ) from None


def _ledger_rows(text: str) -> int:
    return _whole_number(text, "--last", 0, MAX_LEDGER_ROWS)


def _worker_count(text: str) -> int:
    """``--workers``: a whole number from 1 to 32."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"workers must be a whole number, not {text!r}") from None
    if not 1 <= value <= 32:
        raise argparse.ArgumentTypeError(f"workers must be between 1 and 32, not {text!r}")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"seconds must be a number, not {text!r}") from None
    if not 1 <= value <= 7 * 24 * 3600:  # also rejects nan and inf
        raise argparse.ArgumentTypeError(f"seconds must be between 1 and 604800, not {text!r}")
    return value


# --------------------------------------------------------------------------- credits


def cmd_credits(args: argparse.Namespace) -> int:
    from aytada.core import workspaces

    ws = workspaces.cli_workspace_id(args.workspace)
    if args.action == "add":
        workspaces.add_credits(ws, args.amount, reason=args.reason)
        shown = workspaces.get_credits(ws)  # the balance less what running work holds
        held = f" ({shown.held_text})" if shown.held else ""
        _print(f"added {args.amount} credits; balance {shown.available}{held}")
    else:
        shown = workspaces.get_credits(ws)
        _print(f"balance {shown.available} credits")
        if shown.held:
            _print(
                f"{shown.held_text} (the ledger's balance is {shown.balance} until it is "
                "charged or given back)"
            )
        for row in workspaces.ledger(ws, limit=args.last):
            _print(
                f"  {row.created_at:%Y-%m-%d %H:%M}  {row.delta:+6d}  → {row.balance_after:6d}"
                f"  {row.reason}"
            )
    return 0


# --------------------------------------------------------------------------- campaigns

# The keys a campaign TOML file may have: the campaign's own field names.
CAMPAIGN_KEYS = (
    "name",
    "product_name",
    "product_description",
    "brand_name",
    "tone_of_voice",
    "brand_colors",
    "awareness_stage",
    "business_type",
    "industry",
    "creative_style",
    "persuasion_trigger",
    "audience",
    "messaging",
    "goals",
    "destination",
)
_IMAGE_MIME = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}


def _toml_type(value: object) -> str:
    return {
        bool: "true/false",
        int: "a number",
        float: "a number",
        list: "a list",
        dict: "a table",
    }.get(type(value), "a date or time")


def read_campaign_file(path: str) -> dict[str, object]:
    """The campaign fields of a TOML file; UserError for a missing file, bad TOML, unknown keys
    or values of the wrong type (the field rules themselves are checked by core.campaigns)."""
    import tomllib

    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise UserError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UserError(f"{path}: is a directory, not a TOML file") from None
    except OSError as exc:
        raise UserError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise UserError(f"{path}: is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise UserError(f"{path}: not valid TOML ({exc})") from None
    unknown = sorted(set(data) - set(CAMPAIGN_KEYS))
    if unknown:
        raise UserError(
            f"{path}: unknown key(s) {', '.join(unknown)}; the keys are: {', '.join(CAMPAIGN_KEYS)}"
        )
    for key, value in data.items():
        if key == "brand_colors" and isinstance(value, list):
            if not all(isinstance(c, str) for c in value):
                raise UserError(f'{path}: brand_colors must be a list of texts like "#1F3A93"')
        elif not isinstance(value, str):
            raise UserError(
                f"{path}: {key} must be text (a quoted string), not {_toml_type(value)}"
            )
    return data


def read_image(label: str, path: str) -> tuple[str, str, bytes]:
    """An upload tuple (file name, mime type, bytes); the type is read from the content."""
    import io
    import mimetypes

    from PIL import Image

    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise UserError(f"{label} {path}: no such file") from None
    except OSError as exc:
        raise UserError(f"{label} {path}: cannot be read ({exc.strerror or exc})") from None
    try:
        with Image.open(io.BytesIO(data)) as img:
            fmt = img.format or ""
        mime = _IMAGE_MIME.get(fmt, f"image/{fmt.lower()}")
    except Exception:  # noqa: BLE001 - not decodable: let check_upload say so
        mime = mimetypes.guess_type(p.name)[0] or "application/octet-stream"
    return (p.name, mime, data)


def cmd_workspace(args: argparse.Namespace) -> int:
    """Workspaces and their people, for the first admin (before anyone can sign in)."""
    from aytada.core import teams

    if args.action == "create":
        ws = teams.create_with_owner(args.name, args.owner)
        _print(f"workspace {ws}")
    elif args.action == "add-user":
        _print(teams.add_user(args.workspace, args.email, args.role))
    elif args.action == "remove-user":
        _print(teams.remove_user(args.workspace, args.email))
    else:
        spaces = teams.list_workspaces()
        if not spaces:
            _print("no workspace yet: `aytada workspace create --name … --owner …`")
        for ws in spaces:
            _print(f"{ws.id}  {ws.name}  ({ws.credit_balance} credits)")
            for m in ws.members:
                _print(f"    {m.role:<6}  {m.email}" + ("  (invited)" if m.invited else ""))
            if not ws.members:
                _print("    no members yet")
        if spaces:
            _print(f"without sign-in ([auth] in .streamlit/secrets.toml) the app opens workspace "
                   f"{spaces[0].id} for everyone on this machine (bound to 127.0.0.1)")  # fmt: skip
    return 0


def cmd_campaign(args: argparse.Namespace) -> int:
    from aytada.core import campaigns, workspaces

    ws = workspaces.cli_workspace_id(args.workspace)
    if args.action == "board":
        return _campaign_board(ws, args)
    if args.action in ("create", "edit"):
        data = read_campaign_file(args.file) if args.file else {}
        if args.destination is not None:  # the option wins over the file's key
            data["destination"] = args.destination
        logo = read_image("logo", args.logo) if args.logo else None
        photo = read_image("product photo", args.product_photo) if args.product_photo else None
        more = [read_image("product image", path) for path in args.product_image or []]
        if args.action == "create":
            cid = campaigns.create_campaign(
                ws, data, logo=logo, product_photo=photo, more_images=more
            )
            _print(str(cid))
            return 0
        if not data and logo is None and photo is None and not more and not args.remove_image:
            raise UserError("nothing to change: give --file, --destination, --logo, "
                            "--product-photo, --product-image or --remove-image")  # fmt: skip
        campaigns.update_campaign(ws, args.campaign, data, logo=logo, product_photo=photo,
                                  more_images=more, remove_image=args.remove_image)  # fmt: skip
        campaign = campaigns.get_campaign(ws, args.campaign)
        _print(f"campaign {campaign.id} saved; the next generation uses it")
        _print(f"  destination: {_destination_line(campaign.destination)}")
        images = len(campaigns.product_images(campaign))
        _print(f"  product images or screenshots: {images} of {campaigns.MAX_PRODUCT_IMAGES}")
        return 0
    rows = campaigns.list_campaigns(ws)
    for row in rows:
        _print(f"{row.id}\t{row.name}\t{row.product_name}\t{row.assets} asset(s)")
    if not rows:
        _print("no campaigns yet: aytada campaign create --file campaign.toml", err=True)
    return 0


def _campaign_board(ws: int, args: argparse.Namespace) -> int:
    """`aytada campaign board ID`: the strategy board (free, text only), as text, Markdown, CSV
    or JSON; --favourites keeps the cells marked ★ (in the hub or with --star)."""
    import json

    from aytada.core import board as boards
    from aytada.jobs.board import build_board

    if args.star or args.unstar:
        boards.set_favourite(ws, args.campaign, args.star or args.unstar, bool(args.star))
    grid = build_board(ws, args.campaign, args.by)
    only = args.favourites
    if args.json:
        _print(json.dumps(boards.board_json(grid, favourites_only=only), indent=2,
                          ensure_ascii=False))  # fmt: skip
    elif args.markdown:
        _print(boards.board_markdown(grid, favourites_only=only).rstrip("\n"))
    elif args.csv:
        _print(boards.board_csv(grid, favourites_only=only).rstrip("\n"))
    else:
        _print(f"Strategy board of campaign {grid.campaign_id} ({grid.campaign_name}): "
               f"awareness stages × {grid.axis_label.lower()}s. ★ favourite.")  # fmt: skip
        for stage, cells in grid.rows(favourites_only=only):
            _print(f"\n{boards.AWARENESS_STAGES[stage]}")
            for cell in cells:
                _print(f"  {'★' if cell.favourite else ' '} {cell.id}  ({cell.angle})")
                _print(f"      hook:     {cell.hook}")
                _print(f"      headline: {cell.headline}")
        if only and not grid.shown(favourites_only=True):
            _print("no favourites yet: mark one with --star CELL", err=True)
    return 0


def _destination_line(destination: str) -> str:
    """A campaign's destination as `campaign edit` prints it: the text and what it is."""
    from aytada.destination import KIND_LABELS, destination_kind

    if not destination:
        return "none"
    return f"{destination} ({KIND_LABELS.get(destination_kind(destination), 'unknown kind')})"


# --------------------------------------------------------------------------- driving a project


class StillRunning(Exception):
    """The wait ran out while the project was still working (it goes on in the background)."""


class StillWaiting(StillRunning):
    """The wait ran out while Redis or the database was still away (the message says which)."""


class Progress:
    """Progress lines of a project being driven; a status is printed once, when it changes."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.last_status: str | None = None

    def __call__(self, msg: str) -> None:
        print(msg, file=self.stream, flush=True)

    def status(self, status: str) -> None:
        if status != self.last_status:
            self(f"  status: {status}")
            self.last_status = status


QUEUE_CHECK = 3.0  # seconds between looks at Redis while a project is waited for


def _patiently(fn, say, deadline: float):  # type: ignore[no-untyped-def]
    """``fn()``; Redis or the database away: waited for until ``deadline`` (``say`` hears
    "waiting for … to come back…" and "… is back")."""
    from aytada.jobs.services import passing, patiently

    try:
        return patiently(fn, lambda msg: say(f"  {msg}"), deadline=deadline)
    except Exception as exc:
        found = passing(exc)
        if found is None:
            raise
        raise StillWaiting(found.message) from exc


def _wait_idle(ws: int, project_id: int, deadline: float, say: Progress):  # type: ignore[no-untyped-def]
    """Poll until no step of the project is running; returns the project. The database or
    Redis going away meanwhile is waited out, and said ("waiting for the database to come
    back…")."""
    from aytada.core import projects, statuses
    from aytada.jobs.queue import check_redis

    last_check = time.monotonic()
    while True:
        project = _patiently(lambda: projects.get_project(ws, project_id), say, deadline)
        say.status(project.status)
        if not statuses.is_active(project.status):
            return project
        if time.monotonic() >= deadline:
            raise StillRunning(project.status)
        if time.monotonic() - last_check >= QUEUE_CHECK:  # nothing moves while Redis is away
            _patiently(check_redis, say, deadline)
            last_check = time.monotonic()
        time.sleep(0.5)


def _start_next(ws: int, project, say: Progress) -> bool:  # type: ignore[no-untyped-def]
    """Start the project's next step (picking the first idea if none is chosen)."""
    from aytada.core import projects
    from aytada.core.pipeline import next_step
    from aytada.jobs.runner import start_step

    step = next_step(project)
    if step is None:
        return False
    if step == "script" and project.chosen_idea is None and project.ideas:
        projects.choose_idea(ws, project.id, 0)
        say(f"  picked idea 1: {project.ideas[0].get('title', '')}")
    started = start_step(ws, project.id, step)
    say(f"  started {step} (cost {started.credits} credits)")
    return True


def _advance(ws: int, project_id: int, timeout: float, say: Progress) -> str:
    """Run the project's next step and wait for it; returns the new status."""
    deadline = time.monotonic() + timeout
    project = _wait_idle(ws, project_id, deadline, say)
    if _start_next(ws, project, say):
        project = _wait_idle(ws, project_id, deadline, say)
    return project.status


MAX_STEPS = 20  # more starts than any pipeline has: a guard against a loop that never ends


def drive(ws: int, project_id: int, timeout: float, say: Progress, *, retry: bool = False):  # type: ignore[no-untyped-def]
    """Run the project's steps one after another until it is completed or failed.

    A project that is already failed is retried once when `retry` is set (its failed step).
    """
    from aytada.core import statuses

    deadline = time.monotonic() + timeout
    project = _wait_idle(ws, project_id, deadline, say)
    if retry and project.status == statuses.Status.FAILED.value:
        _start_next(ws, project, say)
    starts = 0
    while starts < MAX_STEPS:
        project = _wait_idle(ws, project_id, deadline, say)
        if project.status in (statuses.Status.COMPLETED.value, statuses.Status.FAILED.value):
            return project
        try:
            if not _start_next(ws, project, say):
                return project
        except Exception as exc:
            # Redis or the database went away as the step was started: nothing was started
            # (nor charged); wait for it, then look at the project again
            from aytada.jobs.queue import check_redis
            from aytada.jobs.services import QUEUE, passing

            found = passing(exc)
            if found is None:
                raise
            say(f"  waiting for {found.service} to come back… ({found.message})")
            probe = check_redis if found.service == QUEUE else _database_answers
            _patiently(probe, lambda _msg: None, deadline)
            say(f"  {found.service} is back")
            continue
        starts += 1
    raise UserError(f"project {project_id} did not finish after {MAX_STEPS} steps")


def _require_worker() -> None:
    """Stop with a clear error when no worker listens on the queue (nothing would run)."""
    from rq import Worker

    from aytada.jobs.queue import check_redis, get_queue, redis_conn

    check_redis()
    if Worker.all(connection=redis_conn(), queue=get_queue()):
        return
    # `up` has started workers that have not said hello to the queue yet (a second or two after
    # `up` is ready): wait for them rather than fail a command typed right after `up`
    from aytada.jobs.procs import pid_alive
    from aytada.jobs.supervisor import read_state

    state = read_state() or {}
    starting = [int(p) for n, p in (state.get("children") or {}).items()
                if n.startswith("worker") and pid_alive(int(p))]  # fmt: skip
    deadline = time.monotonic() + 60
    while starting and time.monotonic() < deadline:
        time.sleep(0.3)
        if Worker.all(connection=redis_conn(), queue=get_queue()):
            return
    raise UserError("no worker is running: start the app with scripts/up.sh or run `aytada worker`")


def _finish(ws: int, project) -> int:  # type: ignore[no-untyped-def]
    """Print the outcome of a driven project; 0 completed, 1 otherwise."""
    from aytada.core.reports import output_paths

    if project.status == "completed":
        for path in output_paths(ws, project.id):
            _print(path)
        return 0
    if project.status == "failed":
        print(
            f"project {project.id} failed at {project.failed_step or 'a step'}: {project.error}",
            file=sys.stderr,
            flush=True,
        )
        return 1
    print(f"project {project.id} stopped at {project.status}", file=sys.stderr, flush=True)
    return 1


def _run_in_foreground(ws: int, project_id: int, timeout: float, *, retry: bool) -> int:
    try:
        project = drive(ws, project_id, timeout, Progress(sys.stderr), retry=retry)
    except StillWaiting as away:
        print(
            f"error: {away} after {timeout:g} s of waiting; project {project_id} goes on once "
            f"it is back: follow it with `aytada project show {project_id}`",
            file=sys.stderr,
            flush=True,
        )
        return 1
    except StillRunning as still:
        print(
            f"error: project {project_id} is still {still} after {timeout:g} s; it goes on in "
            f"the background: follow it with `aytada project show {project_id}`",
            file=sys.stderr,
            flush=True,
        )
        return 1
    return _finish(ws, project)


# --------------------------------------------------------------------------- make


def _size_id(text: str) -> str:
    """`300x250`, `300X250` or `300×250` → the design format id `300x250`."""
    return text.strip().lower().replace("×", "x").replace(" ", "")


def _make_settings(args: argparse.Namespace, campaign_name: str) -> dict[str, object]:
    """create_project's keyword arguments for `make`; UserError for an option the kind lacks."""
    from aytada.core.formats import DESIGN_FORMATS, LENGTHS, QUALITIES, VIDEO_FORMATS

    kind = args.kind
    given = {
        "--format": args.format,
        "--size": args.size,
        "--length": args.length,
        "--quality": args.quality,
    }
    applies = {
        "video": ("--format", "--length", "--quality"),
        "banner": ("--format", "--size"),
        "flyer": ("--format", "--size"),
        "jingle": ("--length",),
    }[kind]
    wrong = [name for name, value in given.items() if value is not None and name not in applies]
    if wrong:
        raise UserError(
            f"{', '.join(wrong)} does not apply to a {kind}; a {kind} takes {', '.join(applies)}"
        )
    out: dict[str, object] = {"kind": kind}
    if kind == "video":
        fmt = args.format or "9:16"
        if fmt not in VIDEO_FORMATS:
            raise UserError(f"--format {fmt!r}: a video is one of {', '.join(VIDEO_FORMATS)}")
        out["fmt"] = fmt
        label = fmt
    elif kind in ("banner", "flyer"):
        if args.format and args.size and _size_id(args.format) != _size_id(args.size):
            raise UserError("give the size once: --size WxH (or --format WxH)")
        fmt = _size_id(args.size or args.format or "1080x1080")
        if fmt not in DESIGN_FORMATS:
            raise UserError(
                f"--size {args.size or args.format!r}: a {kind} is one of "
                f"{', '.join(DESIGN_FORMATS)}"
            )
        out["fmt"] = fmt
        label = fmt
    else:
        label = ""
    if kind in ("video", "jingle"):
        length = 30 if args.length is None else args.length
        if length not in LENGTHS:
            raise UserError(f"--length {length}: choose {', '.join(map(str, LENGTHS))} seconds")
        out["length_s"] = length
        label = f"{label} {length} s".strip()
    if kind == "video":
        quality = args.quality or "pro"
        if quality not in QUALITIES:
            raise UserError(f"--quality {quality!r}: choose {' or '.join(QUALITIES)}")
        out["quality"] = quality
    if args.title is not None and not args.title.strip():
        raise UserError("--title cannot be empty")
    title = args.title if args.title is not None else f"{campaign_name} {kind} {label}".strip()
    out["title"] = title[:120] if args.title is None else title
    return out


def _kit_line(part) -> str:  # type: ignore[no-untyped-def]
    state = part.waiting or part.stopped or part.status_label.lower()
    if part.error and not part.stopped:
        state = f"failed: {part.error}"
    return f"  {part.part.label:<18} {state}"


def cmd_make_kit(args: argparse.Namespace) -> int:
    from aytada.core import campaigns, kits, workspaces
    from aytada.jobs.kits import package_kit, start_kit

    wrong = [n for n, v in (("--title", args.title), ("--format", args.format),
                            ("--size", args.size)) if v is not None]  # fmt: skip
    if wrong:
        raise UserError(f"{', '.join(wrong)} does not apply to a kit; a kit takes --length, "
                        "--quality")  # fmt: skip
    ws = workspaces.cli_workspace_id(args.workspace)
    campaign = campaigns.get_campaign(ws, args.campaign)
    length = kits.DEFAULT_LENGTH if args.length is None else args.length
    quality = args.quality or kits.DEFAULT_QUALITY
    try:
        quote = kits.quote_kit(length, quality)
    except ValidationFailed as exc:
        raise UserError(" ".join(exc.errors.values())) from exc
    for line in quote.lines:
        print(f"  {line.part.label:<18} {line.credits:>4} credits", file=sys.stderr)
    print(f"  {'whole kit':<18} {quote.total:>4} credits", file=sys.stderr, flush=True)
    _require_worker()
    kit_id = start_kit(ws, campaign.id, length_s=length, quality=quality)
    _print(f"kit {kit_id}")
    if not args.wait:
        print(f"the parts run by themselves; follow them with `aytada project list` or the "
              f"Campaign Hub (campaign {campaign.id})", file=sys.stderr, flush=True)  # fmt: skip
        return 0
    deadline = time.monotonic() + args.timeout
    shown: dict[int, str] = {}
    while True:
        view = kits.kit_view(ws, kit_id)
        for part in view.parts:
            line = _kit_line(part)
            if shown.get(part.project_id) != line:
                shown[part.project_id] = line
                print(line, file=sys.stderr, flush=True)
        if view.finished and view.packaged_at is not None and view.zip_path:
            break
        if time.monotonic() >= deadline:
            if view.finished:  # every part done, the worker has not packaged it yet
                package_kit(ws, kit_id)
                continue
            print(f"error: kit {kit_id} is still running after {args.timeout:g} s; it goes on "
                  "in the background", file=sys.stderr, flush=True)  # fmt: skip
            return 1
        time.sleep(1.0)
    print(f"  charged {view.charged} of {view.quoted} credits quoted", file=sys.stderr)
    from aytada.core import media

    _print(str(media.fetch(view.zip_path).resolve()))
    if view.failed:
        names = ", ".join(p.part.label for p in view.failed)
        print(f"error: {names} failed; retry from the Campaign Hub (the others are in the zip)",
              file=sys.stderr, flush=True)  # fmt: skip
        return 1
    return 0


def cmd_make(args: argparse.Namespace) -> int:
    from aytada.core import campaigns, projects, workspaces
    from aytada.core.settings import get_settings

    if args.kind == "kit":
        return cmd_make_kit(args)
    ws = workspaces.cli_workspace_id(args.workspace)
    campaign = campaigns.get_campaign(ws, args.campaign)
    settings = _make_settings(args, campaign.product_name)
    _require_worker()
    pid = projects.create_project(ws, campaign.id, **settings)  # type: ignore[arg-type]
    _print(f"project {pid}")
    # the first step starts here in any case, so a refusal (credits, queue) is shown at once
    try:
        _start_next(ws, projects.get_project(ws, pid), Progress(sys.stderr))
    except UserError as exc:
        raise UserError(
            f"{exc} Project {pid} stays a draft: continue it with `aytada project run {pid}`."
        ) from exc
    if args.wait:
        return _run_in_foreground(ws, pid, args.timeout, retry=False)
    logs = get_settings().data_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    log = logs / f"make-project{pid}.log"
    with open(log, "ab") as out:
        subprocess.Popen(
            # in this command's workspace, named: never a guess (or a new one) of its own
            [
                _python(),
                "-m",
                "aytada",
                "--workspace",
                str(ws),
                "project",
                "run",
                str(pid),
                "--timeout",
                str(args.timeout),
            ],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # outlives this command (and its terminal)
        )
    print(
        f"the pipeline runs in the background (log: {log}); follow it with "
        f"`aytada project show {pid}`, or use --wait",
        file=sys.stderr,
        flush=True,
    )
    return 0


# --------------------------------------------------------------------------- project


def _summary(report: dict, campaign: str) -> list[str]:  # type: ignore[type-arg]
    lines = [
        f"project {report['id']}: {report['title']}",
        f"  {report['kind']} · {report['format']}"
        + (f" · {report['length_s']} s" if report["kind"] in ("video", "jingle") else "")
        + (f" · {report['quality']}" if report["kind"] == "video" else "")
        + f" · campaign {campaign}",
        f"  status: {report['status']}",
    ]
    if report["error"]:
        lines.append(f"  error: {report['error']}")
    for i, idea in enumerate(report["ideas"]):
        mark = "*" if i == report["chosen_idea"] else " "
        lines.append(f"  {mark} idea {i + 1}: {idea.get('title', '')}")
    if report["script"]:
        lines.append("  script:")
        for field in SCRIPT_FIELDS:
            if field in report["script"]:
                lines.append(f"    {field}: {report['script'][field]}")
    if report["copy"]:
        lines.append("  copy:")
        for field in COPY_FIELDS:
            lines.append(f"    {field}: {report['copy'].get(field, '')}")
    if report["lyrics"]:
        if report["instrumental"]:
            lines.append("  jingle: instrumental (nobody sings); lyrics for a singer:")
        else:
            lines.append("  lyrics (sung):")
        lines.extend(f"    {line}" for line in str(report["lyrics"]).splitlines())
    for i, scene in enumerate(report["scenes"]):
        lines.append(
            f"  scene {i + 1} ({scene.get('duration', 0):g} s): {scene.get('caption', '')}"
        )
    for asset in report["assets"]:
        lines.append(f"  {asset['role'] or asset['kind']}: {asset['path']}")
    lines.append(f"  credits charged: {report['credits']}")
    for g in report["generations"]:
        scene = f" scene {g['scene'] + 1}" if g["scene"] is not None else ""
        err = f" · {g['error']}" if g["error"] else ""
        lines.append(
            f"  generation {g['id']}: {g['step']}{scene} {g['state']} "
            f"({g['provider'] or '-'}, {g['credits']} credits){err}"
        )
    return lines


def cmd_project(args: argparse.Namespace) -> int:
    import json

    from aytada.core import projects, reports, workspaces

    ws = workspaces.cli_workspace_id(args.workspace)
    if args.action == "list":
        page = projects.list_projects(ws, page_size=10_000)
        for card in page.cards:
            _print(f"{card.id}\t{card.kind}\t{card.status}\t{card.title}")
        return 0
    if args.action == "show":
        report = reports.project_report(ws, args.project)
        if args.json:
            _print(json.dumps(report, indent=2, ensure_ascii=False))
        else:
            project = projects.get_project(ws, args.project)
            from aytada.core.campaigns import get_campaign

            name = get_campaign(ws, project.campaign_id).name
            for line in _summary(report, f"{project.campaign_id} ({name})"):
                _print(line)
        return 0
    if args.action == "edit-script":
        fields = tuple(SCRIPT_FIELDS)
        if args.field not in fields:
            raise UserError(
                f"unknown script field {args.field!r}; the fields are: {', '.join(fields)}"
            )
        project = projects.get_project(ws, args.project)
        if project.script is None:
            raise UserError(f"project {project.id} has no script yet")
        script = {k: project.script.get(k, "") for k in fields}
        script[args.field] = args.text
        projects.save_script(ws, project.id, script)
        project = projects.get_project(ws, project.id)
        _print(f"project {project.id}: {args.field} saved; status {project.status}")
        return 0
    if args.action == "edit-copy":
        return _edit_copy(ws, args)
    if args.action == "run":
        _require_worker()
        project = projects.get_project(ws, args.project)
        return _run_in_foreground(ws, project.id, args.timeout, retry=args.retry)
    return 2


def _edit_copy(ws: int, args: argparse.Namespace) -> int:
    """`project edit-copy`: save one word field, then set the design again (free); a jingle's
    lyrics: saved (instrumental, free) or sung again (the jingle step's price)."""
    from aytada.core import projects
    from aytada.jobs.edits import LYRICS, edit_copy

    fields = (*projects.COPY_FIELDS, LYRICS)
    if args.field not in fields:
        raise UserError(f"unknown copy field {args.field!r}; the fields are: {', '.join(fields)}")
    if args.wait:
        _require_worker()
    try:
        started = edit_copy(ws, args.project, {args.field: args.text})
    except ValidationFailed as exc:
        raise UserError(f"--text: {exc.errors[args.field]}") from None
    project = projects.get_project(ws, args.project)
    if args.field != LYRICS:
        _print(f"project {project.id}: {args.field} saved; setting the design again (free)")
    elif not started.generation_ids:
        _print(f"project {project.id}: lyrics saved (nothing to make again, free)")
        return 0
    else:
        _print(f"project {project.id}: lyrics saved; sung again ({started.credits} credits)")
    if not args.wait:
        return 0
    return _run_in_foreground(ws, project.id, args.timeout, retry=False)


# --------------------------------------------------------------------------- video / demo


def cmd_video(args: argparse.Namespace) -> int:
    from aytada.core import projects, workspaces

    ws = workspaces.cli_workspace_id(args.workspace)
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
    say = Progress(sys.stdout)
    _require_worker()
    try:
        if args.action == "advance":
            status = _advance(ws, args.project, args.timeout, say)
            _print(f"project {args.project}: {status}")
            return 0 if status != "failed" else 1
        if args.action == "retry":
            from aytada.jobs.runner import retry_failed

            retry_failed(ws, args.project)
            status = _wait_idle(ws, args.project, time.monotonic() + args.timeout, say).status
            return 0 if status != "failed" else 1
    except StillRunning as still:
        _print(f"project {args.project}: still {still} after {args.timeout:g} s")
        return 1
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
    "destination": "lumi.shop/glow",
}


def cmd_demo(args: argparse.Namespace) -> int:
    from rq import Worker

    from aytada.core import campaigns, projects, workspaces
    from aytada.core.db import migrate
    from aytada.core.media import fetch
    from aytada.core.settings import get_settings
    from aytada.jobs.queue import get_queue, redis_conn

    started_at = time.monotonic()
    settings = get_settings()
    settings.media_dir.mkdir(parents=True, exist_ok=True)
    migrate()
    children = _supervisor()
    try:
        _ensure_redis(children)
        if Worker.count(connection=redis_conn(), queue=get_queue()) == 0:
            logs = settings.data_dir / "logs"
            logs.mkdir(parents=True, exist_ok=True)
            _print(f"no worker running: starting {args.workers} (logs in {logs})")
            _start_workers(children, args.workers, logs)
        ws = workspaces.cli_workspace_id(args.workspace)
        cid = campaigns.create_campaign(ws, SAMPLE_CAMPAIGN)
        pid = projects.create_project(
            ws, cid, title="Demo: Lumi 30 s story", fmt="9:16", length_s=30, quality="pro"
        )
        _print(f"campaign {cid}, project {pid}")
        try:
            project = drive(ws, pid, args.timeout, Progress(sys.stdout))
        except StillRunning as still:
            _print(f"demo failed: the project is still {still} after {args.timeout:g} s")
            return 1
        if project.status != "completed":
            _print(f"demo failed: {project.error}")
            return 1
        asset = projects.get_asset(ws, project.output_asset_id)
        assert asset is not None
        _print(f"final video: {fetch(asset.path)}")  # S3 store: downloaded into MEDIA_DIR
        _print(f"wall time: {time.monotonic() - started_at:.1f} s")
        return 0
    finally:
        children.stop()


# --------------------------------------------------------------------------- entry

MAKE_HELP = """\
Create a project in the campaign and run its whole pipeline through the job queue (ideas →
script → scenes → render for a video, picking the first idea; copy & image → typography for a
banner or flyer; the jingle). Prints `project N` at once. Without --wait the pipeline runs on in
a background process (log under AYTADA_DATA_DIR/logs) and the command returns; follow it with
`aytada project show N`. With --wait it runs in the foreground, shows progress on stderr, prints
the output file path(s) on stdout (a video: the MP4, then its .srt and .vtt subtitles) and exits
0 when the project completed, 1 when it failed (the error is printed) or is still running at
--timeout. Needs a running worker (`aytada up` or `aytada worker`).

`make kit` makes the whole campaign at once: a video (9:16) with its 1:1 and 16:9 cut-downs,
six banners, a flyer and a jingle, each a normal project (--length 15 by default, --quality
standard by default). It prints the quote and `kit N`, then the parts run by themselves through
the queue; with --wait it shows their progress and prints the kit's zip (every file, a contact
sheet and the copy deck), exiting 1 when a part failed (the others are in the zip).
"""


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="aytada", description="Aytada Studio")
    p.add_argument(
        "--workspace",
        type=_id,
        default=None,
        metavar="ID",
        help="the workspace campaigns, projects and credits commands work in "
        "(needed once there are several: `aytada workspace list`)",
    )
    sub = p.add_subparsers(dest="command", required=True)

    up = sub.add_parser("up", help="migrate, start Redis (embedded), workers, reconciler, UI")
    up.add_argument("--port", type=int, default=8501)
    up.add_argument("--address", default="127.0.0.1")
    up.add_argument("--workers", type=_worker_count, default=0,
                    help="default: AYTADA_WORKERS (2)")  # fmt: skip
    up.set_defaults(func=cmd_up)

    w = sub.add_parser("worker", help="run one RQ worker")
    w.add_argument("--burst", action="store_true", help="exit when the queue is empty")
    w.add_argument("--wait-for-services", action="store_true",
                   help="Redis or the database not answering yet: wait for them instead of "
                        "exiting (how `up` starts its workers)")  # fmt: skip
    w.set_defaults(func=cmd_worker)

    sub.add_parser("migrate", help="upgrade the database").set_defaults(func=cmd_migrate)

    r = sub.add_parser("reconcile", help="fail generations whose worker or job is gone")
    r.add_argument("--loop", action="store_true", help="keep running (started by `up`)")
    r.add_argument("--grace", type=_seconds, default=60.0)
    r.set_defaults(func=cmd_reconcile)

    c = sub.add_parser("credits", help="show the balance or add credits")
    csub = c.add_subparsers(dest="action", required=True)
    show = csub.add_parser("show", help="the balance and the last ledger rows")
    show.add_argument("--last", type=_ledger_rows, default=10, help="ledger rows (default 10)")
    add = csub.add_parser("add", help="a top-up")
    add.add_argument("amount", type=_top_up, help=f"1 to {MAX_TOP_UP} credits")
    add.add_argument("--reason", default="top-up")
    c.set_defaults(func=cmd_credits)

    wp = sub.add_parser("workspace", help="create workspaces, add people, list them")
    wsub = wp.add_subparsers(dest="action", required=True)
    wc = wsub.add_parser("create", help="a workspace with its first owner; prints its id")
    wc.add_argument("--name", required=True, help="the team's name")
    wc.add_argument("--owner", required=True, help="the owner's e-mail address")
    wa = wsub.add_parser("add-user", help="add (invite) someone by e-mail address")
    wa.add_argument("workspace", type=_id, help="workspace id")
    wa.add_argument("--email", required=True)
    wa.add_argument("--role", choices=ROLES, default="member")
    wr = wsub.add_parser("remove-user", help="take someone out of a workspace")
    wr.add_argument("workspace", type=_id, help="workspace id")
    wr.add_argument("--email", required=True)
    wsub.add_parser("list", help="every workspace with its members")
    wp.set_defaults(func=cmd_workspace)

    cp = sub.add_parser("campaign", help="create, edit or list campaigns; the strategy board")
    cpsub = cp.add_subparsers(dest="action", required=True)
    cc = cpsub.add_parser(
        "create",
        help="create a campaign from a TOML file; prints its id",
        description="The TOML keys are the campaign's field names: "
        + ", ".join(CAMPAIGN_KEYS)
        + ". brand_colors is a list or a comma-separated text of #RRGGBB colours.",
    )
    cc.add_argument("--file", required=True, help="campaign.toml")
    ce = cpsub.add_parser(
        "edit",
        help="change a campaign: the keys of a TOML file, the destination, the uploads",
        description="Changes only what is given; the next generation uses it (earlier assets "
        "keep theirs). The TOML keys are those of `campaign create`.",
    )
    ce.add_argument("campaign", type=_id, help="campaign id")
    ce.add_argument("--file", help="campaign.toml with the fields to change")
    ce.add_argument(
        "--remove-image",
        type=_image_position,
        metavar="N",
        help="remove the product image or screenshot at position N (1 is the product photo; "
        "the ones after it move up)",
    )
    for parser in (cc, ce):
        parser.add_argument(
            "--destination",
            help="where the ads send people: a web address (korabrew.com), @handle or phone "
            'number; "" for none. Drawn by the call to action (a QR code on flyers)',
        )
        parser.add_argument("--logo", help="PNG, JPEG or WebP, at most 5 MB")
        parser.add_argument("--product-photo", help="PNG, JPEG or WebP, at most 5 MB")
        parser.add_argument(
            "--product-image",
            action="append",
            metavar="PATH",
            help="one more product image or screenshot (repeat it for several; up to 5 in all "
            "with the product photo, which is the first; scenes use them in turn)",
        )
    cpsub.add_parser("list", help="id, name, product and asset count of each campaign")
    cb = cpsub.add_parser(
        "board",
        help="the strategy board: hooks and headlines across awareness stages × creative "
        "styles (or triggers), free",
        description="Every cell is written by the offline writer from the campaign's brief "
        "(free, nothing is charged). A cell's id is STAGE|STYLE or STAGE|TRIGGER, e.g. "
        '"problem_aware|UGC Style". The Campaign Hub shows the same board and makes a video or '
        "banner from a cell.",
    )
    cb.add_argument("campaign", type=_id, help="campaign id")
    cb.add_argument(
        "--by",
        choices=["styles", "triggers"],
        default="styles",
        help="the columns: creative styles (default) or persuasion triggers",
    )
    cb.add_argument("--favourites", action="store_true", help="only the cells marked ★")
    marks = cb.add_mutually_exclusive_group()
    marks.add_argument("--star", metavar="CELL", help="mark a cell as a favourite first")
    marks.add_argument("--unstar", metavar="CELL", help="unmark a favourite first")
    shape = cb.add_mutually_exclusive_group()
    shape.add_argument("--json", action="store_true", help="the board as JSON")
    shape.add_argument("--markdown", action="store_true", help="the board as Markdown")
    shape.add_argument("--csv", action="store_true", help="the board as CSV")
    cp.set_defaults(func=cmd_campaign)

    m = sub.add_parser(
        "make", help="make a video, banner, flyer or jingle end to end", description=MAKE_HELP
    )
    m.add_argument("kind", choices=["video", "banner", "flyer", "jingle", "kit"])
    m.add_argument("--campaign", type=_id, required=True, help="campaign id")
    m.add_argument("--title", help="default: the product name, kind and format")
    m.add_argument("--format", help="video: 9:16 (default), 1:1 or 16:9; banner/flyer: as --size")
    m.add_argument(
        "--size",
        help="banner/flyer: WxH, one of 1080x1080 (default), 1080x1920, 1080x1350, "
        "1200x628, 300x250, 728x90",
    )
    m.add_argument("--length", type=int, help="video/jingle seconds: 15, 30 (default) or 60")
    m.add_argument("--quality", help="video: standard (720p) or pro (1080p, default)")
    m.add_argument("--wait", action="store_true", help="wait and print the output path(s)")
    m.add_argument("--timeout", type=_seconds, default=1800, help="seconds (default 1800)")
    m.set_defaults(func=cmd_make)

    pr = sub.add_parser("project", help="show, list, edit or run projects")
    prsub = pr.add_subparsers(dest="action", required=True)
    prsub.add_parser("list", help="id, kind, status and title of each project")
    ps = prsub.add_parser("show", help="a project: status, ideas, script, scenes, files, credits")
    ps.add_argument("project", type=_id)
    ps.add_argument("--json", action="store_true", help="machine-readable")
    pe = prsub.add_parser("edit-script", help="change one field of the script")
    pe.add_argument("project", type=_id)
    pe.add_argument("--field", required=True, help="hook, body, call_to_action or voiceover")
    pe.add_argument("--text", required=True)
    pc = prsub.add_parser(
        "edit-copy",
        help="change a banner's or flyer's words (the design is set again, free) or a jingle's "
        "lyrics (instrumental: saved, free; sung: sung again at the jingle's price)",
    )
    pc.add_argument("project", type=_id)
    pc.add_argument(
        "--field",
        required=True,
        help="headline, subline, call_to_action, destination; lyrics (a jingle)",
    )
    pc.add_argument("--text", required=True)
    pc.add_argument("--wait", action="store_true", help="wait for the new image; print its path")
    pc.add_argument("--timeout", type=_seconds, default=300)
    prun = prsub.add_parser(
        "run",
        help="run the remaining steps to the end; prints the output path(s)",
    )
    prun.add_argument("project", type=_id)
    prun.add_argument("--timeout", type=_seconds, default=1800)
    prun.add_argument("--retry", action="store_true", help="retry the step of a failed project")
    pr.set_defaults(func=cmd_project)

    d = sub.add_parser("demo", help="make a 30 s 9:16 video ad end to end")
    d.add_argument("--workers", type=_worker_count, default=2)
    d.add_argument("--timeout", type=_seconds, default=900)
    d.set_defaults(func=cmd_demo)

    v = sub.add_parser("video", help="script the video pipeline step by step")
    vsub = v.add_subparsers(dest="action", required=True)
    create = vsub.add_parser("create")
    create.add_argument("--campaign", type=_id, required=True)
    create.add_argument("--title", required=True)
    create.add_argument("--format", default="9:16", choices=["9:16", "1:1", "16:9"])
    create.add_argument("--length", type=int, default=30, choices=[15, 30, 60])
    create.add_argument("--quality", default="pro", choices=["standard", "pro"])
    for name, text in (("advance", "run the next step and wait"), ("retry", "retry a failure")):
        sp = vsub.add_parser(name, help=text)
        sp.add_argument("project", type=_id)
        sp.add_argument("--timeout", type=_seconds, default=900)
    v.set_defaults(func=cmd_video)
    return p


def main(argv: list[str] | None = None) -> int:
    """Run a command. Anything the user can fix ends as `error: …` on stderr and exit 2."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `aytada credits show | head`: the reader has what it wanted
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # no second error when Python flushes stdout
        return 141
    except Exception as exc:
        message = _user_message(exc)
        if message is None:
            raise
        return _error(message)


def _user_message(exc: Exception) -> str | None:
    """What to tell the user about ``exc`` (None: a bug, shown as a traceback). The queue's and
    the database's errors are checked only when the command loaded those libraries."""
    from aytada.storage import StorageError

    if isinstance(exc, UserError | StorageError):
        return str(exc)
    if isinstance(exc, ValueError | OverflowError):
        return f"invalid input: {exc}"
    if "redis" in sys.modules:
        from redis.exceptions import RedisError

        if isinstance(exc, RedisError):
            from aytada.jobs.queue import queue_error

            return queue_error(exc)  # unreachable (and why), the password, refusing writes
    if "sqlalchemy" in sys.modules:
        from sqlalchemy.exc import DBAPIError

        if isinstance(exc, DBAPIError):
            from aytada.core.db import db_problem

            problem = db_problem(exc)  # refused, unreachable, login, no database, no tables
            if problem is not None:
                return problem.message
    return None


def _error(message: str) -> int:
    print(f"error: {message}", file=sys.stderr, flush=True)
    return 2


if __name__ == "__main__":  # pragma: no cover
    os._exit(main())
