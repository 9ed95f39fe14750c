"""Benchmark: ten teammates at once, every page through Streamlit's own websocket (issue 25).

Run by hand (prints figures; not a test):
    .venv/bin/python bench/team_load.py [--users 10] [--seconds 60] [--render 2] [--workers 2]
    .venv/bin/python bench/team_load.py --users 10 --soak-minutes 30   # memory over a long run

Starts `aytada up` (the production options: no post-run GC, no file watcher, workers niced) on
a fresh data folder (SQLite, the embedded Redis, offline providers) on a free loopback port,
seeds one campaign with ~50 projects (``--projects``) and renders a few ads offline through
the queue first (``--made``, or ``--render``'s count: that batch is also the render time
"alone"). Then ``--users`` simulated users (≤ 20), each on its own websocket
(ws://127.0.0.1:P/_stcore/stream, BackMsg ``rerun_script`` with the page's url path, script
hash and query string, ForwardMsgs read until ``script_finished``), cycle Home, My Videos,
Campaigns, the Campaign Hub, a Studio and Credits with 1–3 s of think time for ``--seconds``
(≤ 300), checking each page's expected text is in its messages and no exception is drawn. On
a Studio whose project is rendering, the user's client ticks the status watcher (the fragment
Streamlit asked to rerun every second) through its think time, as a browser does.
``--render K``: K more 30 s ads are started through the queue a few seconds in.

Figures: per page p50/p95/max of request → script_finished, errors, the watcher tick, the
renders' time under load vs alone, the Streamlit process's CPU (cores, ms per page) and RSS.
Target (issue 25): every page p95 ≤ 0.5 s (with 2 workers rendering).

``--soak-minutes M`` (≤ 60, instead of ``--seconds``): sessions come and go. Each user closes
its websocket after 60–120 s and opens a new one (a new Streamlit session, whose first run is
counted as "new session"; the ten opened together at the start are "first page"). The
Streamlit process's RSS is sampled every 30 s with Streamlit's own count of connected sessions
and its caches' bytes (``/_stcore/metrics``) and printed as a curve; the verdict compares the
RSS after the warm-up (minute 5) with the end. Target (issue 25): within ±10%.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._common import header, load, stop_group, verdict  # noqa: E402

TARGET_P95 = 0.5
MAX_USERS = 20
MAX_SECONDS = 300
MAX_SOAK_MINUTES = 60  # --soak-minutes lifts MAX_SECONDS, to this
SESSION_LIFE = (60.0, 120.0)  # in a soak, each user's session lasts this long (s), then a new one
SOAK_SAMPLE_S = 30.0  # in a soak, the Streamlit process's RSS is sampled this often
SOAK_WARM_MIN = 5.0  # in a soak, RSS is compared from this minute on (the warm-up before)
TARGET_RSS = 0.10  # in a soak, RSS at the end within ±10% of RSS after the warm-up
PAGE_TIMEOUT = 20.0
CAMPAIGN = "Team bench"


@dataclass
class Page:
    name: str
    path: str  # the url path Streamlit's navigation knows it by ("" is Home)
    query: str
    expect: str


@dataclass
class Results:
    times: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    examples: list[str] = field(default_factory=list)

    def add(self, page: str, seconds: float) -> None:
        self.times.setdefault(page, []).append(seconds)

    def error(self, page: str, what: str) -> None:
        self.errors[page] = self.errors.get(page, 0) + 1
        if len(self.examples) < 5:
            self.examples.append(f"{page}: {what}")


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---- the app --------------------------------------------------------------------------------


def start_app(data: Path, port: int, workers: int) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k not in (
        "DATABASE_URL", "REDIS_URL", "MEDIA_DIR", "OPENAI_API_KEY", "ELEVENLABS_API_KEY",
        "SHOTSTACK_API_KEY", "FAL_KEY")}  # fmt: skip
    env.update(AYTADA_DATA_DIR=str(data), AYTADA_IGNORE_FILES="1",
               AYTADA_QUEUE=f"bench-{uuid.uuid4().hex[:8]}")  # fmt: skip
    os.environ.clear()
    os.environ.update(env)  # this process talks to the same database and queue
    data.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "aytada", "up", "--port", str(port), "--workers", str(workers)]
    print(f"app: {' '.join(cmd[1:])} (AYTADA_DATA_DIR={data})", flush=True)
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=open(data.parent / "up.log", "wb"),  # noqa: SIM115
                            stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
    deadline = time.monotonic() + 90
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                break
        except OSError as exc:
            if proc.poll() is not None or time.monotonic() > deadline:
                stop_app(proc)
                raise SystemExit(f"the app did not start (see {data.parent / 'up.log'})") from exc
            time.sleep(0.3)
    from rq import Worker

    from aytada.core.settings import reset_settings
    from aytada.jobs.queue import get_queue, redis_conn

    reset_settings()
    while Worker.count(connection=redis_conn(), queue=get_queue()) < workers:
        if time.monotonic() > deadline:
            raise SystemExit("the workers did not start")
        time.sleep(0.2)
    return proc


def stop_app(proc: subprocess.Popen) -> None:
    stop_group(proc, 30)


def streamlit_process(up_pid: int):  # type: ignore[no-untyped-def]
    import psutil

    for child in psutil.Process(up_pid).children(recursive=True):
        try:
            line = " ".join(child.cmdline())
            if "streamlit" in line or "app_pages.serve" in line:
                return child
        except psutil.Error:
            continue
    raise SystemExit("no Streamlit process under `aytada up`")


# ---- the data -------------------------------------------------------------------------------


def seed(count: int) -> tuple[int, int, list[int]]:
    """A campaign with ``count`` draft projects (videos, a few images): (ws, campaign, ids)."""
    from aytada.core.campaigns import create_campaign
    from aytada.core.projects import create_project
    from aytada.core.workspaces import default_workspace_id
    from bench.click_to_playable import campaign_fields

    ws = default_workspace_id()
    cid = create_campaign(ws, {**campaign_fields(), "name": CAMPAIGN})
    ids = [create_project(ws, cid, title=f"Team ad {i + 1}", length_s=30) for i in range(count)]
    return ws, cid, ids


def prepare(count: int) -> list[int]:
    """``count`` 30 s 9:16 Pro projects with their scenes written through the queue."""
    from bench.click_to_playable import prepare_project

    return [prepare_project(30)[1] for _ in range(count)]


def start_renders(ws: int, pids: list[int]) -> float:
    from aytada.jobs.runner import start_step

    t0 = time.perf_counter()
    for pid in pids:
        start_step(ws, pid, "clip")
    return t0


def wait_renders(ws: int, pids: list[int], t0: float, timeout: float = 600) -> list[float]:
    """Each render's seconds from its start (all started at ``t0``) to ``completed``."""
    from aytada.core import projects

    done: dict[int, float] = {}
    while len(done) < len(pids):
        for pid in pids:
            if pid in done:
                continue
            status = projects.get_project(ws, pid).status
            if status == "completed":
                done[pid] = time.perf_counter() - t0
            elif status == "failed":
                raise SystemExit(f"render of project {pid} failed")
        if time.perf_counter() - t0 > timeout:
            raise SystemExit("renders did not finish")
        time.sleep(0.1)
    return [done[pid] for pid in pids]


# ---- the users ------------------------------------------------------------------------------


class User:
    def __init__(self, n: int, url: str, pages: list[Page], results: Results,
                 end: float, watch: bool, soak: bool = False) -> None:  # fmt: skip
        self.n, self.url, self.pages, self.results = n, url, pages, results
        self.end, self.watch, self.soak = end, watch, soak
        self.session_end = end  # a soak's user closes its session before the end and opens another
        self.sessions = 0
        self.hashes: dict[str, str] = {}  # url path -> page script hash, from navigation
        self.fragment: tuple[str, float] | None = None  # the watcher Streamlit asked to tick
        self.ws = None  # type: ignore[var-annotated]

    async def request(self, page: Page, fragment_id: str = "") -> tuple[float, bytes, str]:
        """One run: (seconds, the raw messages, an error or "")."""
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ClientState_pb2 import ClientState
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
        from streamlit.proto.WidgetStates_pb2 import WidgetStates

        state = ClientState(query_string=page.query, page_name=page.path,
                            page_script_hash=self.hashes.get(page.path, ""),
                            widget_states=WidgetStates(), fragment_id=fragment_id,
                            is_auto_rerun=bool(fragment_id))  # fmt: skip
        t0 = time.perf_counter()
        await self.ws.send(BackMsg(rerun_script=state).SerializeToString())
        raw: list[bytes] = []
        error = ""
        while True:
            data = await asyncio.wait_for(self.ws.recv(), PAGE_TIMEOUT)
            msg = ForwardMsg()
            msg.ParseFromString(data)
            kind = msg.WhichOneof("type")
            if kind == "delta":
                raw.append(data)
                if (msg.delta.WhichOneof("type") == "new_element"
                        and msg.delta.new_element.WhichOneof("type") == "exception"):  # fmt: skip
                    error = error or f"exception: {msg.delta.new_element.exception.message[:80]}"
            elif kind == "navigation":
                for app_page in msg.navigation.app_pages:
                    self.hashes[app_page.url_pathname] = app_page.page_script_hash
            elif kind == "page_not_found":
                error = error or "page not found"
            elif kind == "auto_rerun":
                self.fragment = (msg.auto_rerun.fragment_id, msg.auto_rerun.interval)
            elif kind == "stop_auto_rerun":
                self.fragment = None
            elif kind == "script_finished":
                if msg.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    return time.perf_counter() - t0, b"".join(raw), error

    async def think(self, page: Page) -> None:
        """1–3 s; on a Studio with a live watcher, its ticks in the meantime."""
        until = time.perf_counter() + random.uniform(1, 3)
        while time.perf_counter() < until and time.perf_counter() < self.session_end:
            if self.watch and self.fragment and page.name == "Studio":
                fid, interval = self.fragment
                await asyncio.sleep(min(interval, max(0.0, until - time.perf_counter())))
                if time.perf_counter() >= until:
                    break
                try:
                    seconds, _, error = await self.request(page, fragment_id=fid)
                except TimeoutError:  # said as the tick's, not as a lost connection
                    self.results.error("Studio watcher tick",
                                       f"no script_finished in {PAGE_TIMEOUT:.0f} s")  # fmt: skip
                    self.fragment = None
                    break
                self.results.add("Studio watcher tick", seconds)
                if error:
                    self.results.error("Studio watcher tick", error)
            else:
                await asyncio.sleep(max(0.0, until - time.perf_counter()))

    async def run(self) -> None:
        """Sessions one after another until the end: one for the whole run, or in a soak one
        of SESSION_LIFE seconds after another (the websocket closed, a new one opened: a tab
        closed and another opened). Each session's first run is its "first page" (the ten
        opened together at the start) or "new session" (the ones opened later)."""
        await asyncio.sleep(random.uniform(0, 1))
        while time.perf_counter() < self.end:
            life = random.uniform(*SESSION_LIFE) if self.soak else self.end
            self.session_end = min(self.end, time.perf_counter() + life)
            if not await self.session():
                return
            self.sessions += 1

    async def session(self) -> bool:
        """One websocket, one Streamlit session, pages until ``session_end``; False after a
        page that never finished."""
        from websockets.asyncio.client import connect

        async with connect(self.url, subprotocols=["streamlit"], max_size=None,  # type: ignore[list-item]
                           open_timeout=30) as ws:  # fmt: skip
            self.ws = ws
            first = "first page" if self.sessions == 0 else "new session"
            i = random.randrange(len(self.pages))
            while time.perf_counter() < self.session_end:
                page = self.pages[i % len(self.pages)]
                i += 1
                self.fragment = None
                try:
                    seconds, raw, error = await self.request(page)
                except TimeoutError:
                    self.results.error(page.name, f"no script_finished in {PAGE_TIMEOUT:.0f} s")
                    return False
                self.results.add(first or page.name, seconds)
                first = ""
                if not error and page.expect.encode() not in raw:
                    error = f"{page.expect!r} not in the page"
                if error:
                    self.results.error(page.name, error)
                await self.think(page)
        return True


async def browse(url: str, users: list[list[Page]], results: Results, seconds: float,
                 watch: list[bool], soak: bool = False) -> int:  # fmt: skip
    """The users' run; the number of sessions they opened."""
    end = time.perf_counter() + seconds
    crowd = [User(n, url, pages, results, end, w, soak) for n, (pages, w) in
             enumerate(zip(users, watch, strict=True))]  # fmt: skip
    outcomes = await asyncio.gather(*(u.run() for u in crowd), return_exceptions=True)
    for outcome in outcomes:
        if isinstance(outcome, BaseException):
            results.error("connection", repr(outcome)[:100])
    return sum(u.sessions for u in crowd)


def streamlit_metrics(port: int) -> tuple[int, float]:
    """Streamlit's own count of connected sessions and its caches' bytes (/_stcore/metrics);
    (-1, -1) when it does not answer."""
    url = (f"http://127.0.0.1:{port}/_stcore/metrics"
           "?families=active_sessions&families=cache_memory_bytes")  # fmt: skip
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:
            text = resp.read().decode()
    except OSError:
        return -1, -1.0
    sessions, cache = -1, 0.0
    for line in text.splitlines():
        if line.startswith("active_sessions"):
            sessions = int(float(line.split()[-1]))
        elif line.startswith("cache_memory_bytes"):
            cache += float(line.split()[-1])
    return sessions, cache


def rss_verdict(curve: list[tuple[float, float, int, float]]) -> tuple[float, float, bool]:
    """(RSS after the warm-up, RSS at the end, within ±TARGET_RSS) from a soak's curve."""
    warm_at = min(SOAK_WARM_MIN, curve[-1][0] / 3)
    warm = next(mb for minute, mb, _, _ in curve if minute >= warm_at)
    end = curve[-1][1]
    return warm, end, abs(end - warm) <= TARGET_RSS * warm


# ---- the run --------------------------------------------------------------------------------


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--users", type=int, default=10)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--render", type=int, default=0, help="30 s ads rendered while browsing")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--projects", type=int, default=50)
    ap.add_argument("--made", type=int, default=2, help="ads rendered before (no --render)")
    ap.add_argument("--soak-minutes", type=float, default=0,
                    help="instead of --seconds: sessions come and go, RSS sampled")  # fmt: skip
    args = ap.parse_args()
    soak = args.soak_minutes > 0
    if soak:
        if not 1 <= args.soak_minutes <= MAX_SOAK_MINUTES:
            ap.error(f"--soak-minutes is 1 to {MAX_SOAK_MINUTES}")
        args.seconds = args.soak_minutes * 60
    if not 1 <= args.users <= MAX_USERS:
        ap.error(f"--users is 1 to {MAX_USERS}")
    if not soak and not 5 <= args.seconds <= MAX_SECONDS:
        ap.error(f"--seconds is 5 to {MAX_SECONDS}")
    if not 0 <= args.render <= 8:
        ap.error("--render is 0 to 8")
    header(f"team load: {args.users} user(s), {args.seconds:.0f} s, {args.render} render(s), "
           f"{args.workers} workers, embedded defaults"
           + (f"; soak: sessions of {SESSION_LIFE[0]:.0f}–{SESSION_LIFE[1]:.0f} s, RSS every "
              f"{SOAK_SAMPLE_S:.0f} s" if soak else ""))  # fmt: skip

    import psutil

    data = Path(tempfile.mkdtemp(prefix="aytada-bench-team-")) / "data"
    port = free_port()
    up = start_app(data, port, args.workers)
    try:
        t_seed = time.perf_counter()
        ws, cid, drafts = seed(args.projects)
        made = args.render or args.made
        before = prepare(made)
        later = prepare(args.render)
        print(f"seeded: campaign {cid}, {len(drafts)} drafts, {made + args.render} with scenes "
              f"({time.perf_counter() - t_seed:.1f} s)", flush=True)  # fmt: skip
        alone: list[float] = []
        if made:
            alone = wait_renders(ws, before, start_renders(ws, before))
            print(f"{made} ad(s) rendered at once, no users: {', '.join(f'{s:.1f}' for s in alone)}"
                  f" s (load {load()})", flush=True)  # fmt: skip

        def pages_for(studio: int) -> list[Page]:
            return [
                Page("Home", "", "", "Campaigns in, ads out."),
                Page("My Videos", "videos", "", "Every ad project"),
                Page("Campaigns", "campaigns", "", "One shared creative context"),
                Page("Campaign Hub", "campaign", f"id={cid}", CAMPAIGN),
                Page("Studio", "studio", f"project={studio}", ""),
                Page("Credits", "credits", "", "Your balance, top-ups"),
            ]

        from aytada.core.projects import get_project

        plans, watch = [], []
        for n in range(args.users):
            rendering = bool(later) and n % 2 == 0  # half the Studios follow a render
            pid = later[n // 2 % len(later)] if rendering else random.choice(drafts + before)
            pages = pages_for(pid)
            pages[4].expect = get_project(ws, pid).title
            plans.append(pages)
            watch.append(rendering)

        server = streamlit_process(up.pid)
        server.cpu_percent()
        cpu0 = sum(server.cpu_times()[:2])
        rss0 = server.memory_info().rss
        results = Results()
        url = f"ws://127.0.0.1:{port}/_stcore/stream"
        print(f"browsing: {args.users} user(s) on {url} for {args.seconds:.0f} s "
              f"(load {load()}, Streamlit RSS {rss0 / 2**20:.0f} MB)", flush=True)  # fmt: skip

        async def scenario() -> list[float]:
            task = asyncio.create_task(browse(url, plans, results, args.seconds, watch, soak))
            times: list[float] = []
            if later:
                await asyncio.sleep(min(5.0, args.seconds / 6))
                t0 = start_renders(ws, later)
                times = await asyncio.to_thread(wait_renders, ws, later, t0)
            nonlocal sessions
            sessions = await task
            return times

        sessions = 0
        curve: list[tuple[float, float, int, float]] = []  # minute, RSS MB, sessions, cache MB
        rss_peak = rss0
        t_browse = time.perf_counter()
        loop = asyncio.new_event_loop()

        async def sample() -> None:
            nonlocal rss_peak
            next_point = t_browse
            while True:
                rss = server.memory_info().rss
                rss_peak = max(rss_peak, rss)
                if soak and time.perf_counter() >= next_point:
                    next_point += SOAK_SAMPLE_S
                    live, cache = await asyncio.to_thread(streamlit_metrics, port)
                    minute = (time.perf_counter() - t_browse) / 60
                    curve.append((minute, rss / 2**20, live, cache / 2**20))
                    print(f"  minute {minute:5.1f}: RSS {rss / 2**20:6.1f} MB, {live} session(s) "
                          f"connected, caches {cache / 2**20:.1f} MB (load {load()})",
                          flush=True)  # fmt: skip
                await asyncio.sleep(0.5)

        async def with_sampler() -> list[float]:
            sampler = asyncio.create_task(sample())
            try:
                return await scenario()
            finally:
                sampler.cancel()

        under = loop.run_until_complete(with_sampler())
        loop.close()
        wall = time.perf_counter() - t_browse
        cpu = sum(server.cpu_times()[:2]) - cpu0
        rss1 = server.memory_info().rss
        if soak:
            live, cache = streamlit_metrics(port)
            curve.append((wall / 60, rss1 / 2**20, live, cache / 2**20))
    finally:
        stop_app(up)

    visits = sum(len(v) for k, v in results.times.items() if k != "Studio watcher tick")
    order = ["first page", "new session", "Home", "My Videos", "Campaigns", "Campaign Hub",
             "Studio", "Credits", "Studio watcher tick"]  # fmt: skip
    print(f"{'page':<20} {'runs':>5} {'p50':>7} {'p95':>7} {'max':>7} {'errors':>6}")
    worst = 0.0
    for name in order:
        values = results.times.get(name, [])
        if not values:
            continue
        p95 = pct(values, 0.95)
        if name in order[2:8]:
            worst = max(worst, p95)
        print(f"{name:<20} {len(values):>5} {statistics.median(values):>6.3f}s {p95:>6.3f}s "
              f"{max(values):>6.3f}s {results.errors.get(name, 0):>6}")  # fmt: skip
    errors = sum(results.errors.values())
    print(f"errors: {errors}" + "".join(f"\n  {e}" for e in results.examples))
    print(f"Streamlit: CPU {cpu:.1f} s over {wall:.0f} s = {cpu / wall:.2f} core, "
          f"{1000 * cpu / max(1, visits):.0f} ms per run ({visits} runs); RSS "
          f"{rss0 / 2**20:.0f} MB before, peak {rss_peak / 2**20:.0f}, after {rss1 / 2**20:.0f} MB"
          f" (machine {psutil.cpu_count()} cores)")  # fmt: skip
    if under:
        ratio = statistics.mean(under) / statistics.mean(alone)
        print(
            f"renders under load: {', '.join(f'{s:.1f}' for s in under)} s vs alone "
            f"{', '.join(f'{s:.1f}' for s in alone)} s = {ratio:.2f}× (target ≤ 1.15×)"
        )
    print(f"data: {data}")
    if soak:
        print(
            f"sessions: {args.users} at the start, {sessions - args.users} opened later "
            f"({sessions} in all, each {SESSION_LIFE[0]:.0f}–{SESSION_LIFE[1]:.0f} s)"
        )
        print("RSS curve (minute → Streamlit RSS MB; sessions connected; caches MB):")
        for minute, mb, live, cache in curve:
            print(f"  {minute:5.1f} → {mb:6.1f} MB; {live}; {cache:.1f}")
        warm, end, flat = rss_verdict(curve)
        verdict(f"Streamlit RSS {warm:.0f} MB after the warm-up → {end:.0f} MB at the end "
                f"({100 * (end - warm) / warm:+.1f}%) over {args.soak_minutes:g} min",
                f"within ±{100 * TARGET_RSS:.0f}%", flat)  # fmt: skip
    verdict(f"every page p95 ≤ {worst:.2f} s, {errors} error(s), {args.users} user(s)"
            + (f", {args.render} render(s)" if args.render else ""),
            f"p95 ≤ {TARGET_P95} s, no errors", worst <= TARGET_P95 and errors == 0)  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
