"""The `aytada` command as a user runs it (subprocesses with the test environment)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest
from PIL import Image

from aytada.cli import CAMPAIGN_KEYS, main
from aytada.core import campaigns, media, projects, subtitles, workspaces
from aytada.core.reports import PROJECT_KEYS
from aytada.core.workspaces import default_workspace_id
from aytada.providers import ffmpeg
from aytada.providers.typography import drawn_texts
from tests.conftest import ROOT, require_espeak, wait_for
from tests.factories import make_project
from tests.s3server import S3Bucket, s3, s3_server  # noqa: F401

pytestmark = pytest.mark.integration  # `aytada` in a subprocess, as a user runs it


def in_process(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    """`aytada ARGS` through the same `main()`, in this process: for the many bad-input cases,
    which need no process of their own (each `aytada` subprocess costs an interpreter start;
    the subprocess path itself is checked by the other tests). ``env`` is the test's
    environment, already applied by its fixture."""
    import contextlib
    import io

    from aytada.cli import main
    from aytada.core.settings import reset_settings

    assert all(os.environ.get(k) == v for k, v in env.items())
    reset_settings()
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse's usage errors
            code = exc.code if isinstance(exc.code, int) else 2
    return subprocess.CompletedProcess(["aytada", *args], code, out.getvalue(), err.getvalue())


def aytada(env: dict[str, str], *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    full = {**os.environ, **env, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "aytada", *args],
        env=full,
        text=True,
        capture_output=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def test_credits_show_and_add(app_env):
    out = aytada(app_env, "credits", "show")
    assert out.returncode == 0 and "balance 1000 credits" in out.stdout
    out = aytada(app_env, "credits", "add", "250")
    assert out.returncode == 0 and "balance 1250" in out.stdout
    out = aytada(app_env, "credits", "add", "0")
    assert out.returncode == 2 and "positive" in out.stderr


def test_a_closed_pipe_ends_the_command_quietly(app_env):
    """`aytada credits show | head -0`: the reader went away; no traceback, exit 141."""
    full = {**os.environ, **app_env, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "aytada", "credits", "show"], env=full,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL)  # fmt: skip
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # before the command has printed anything
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 141, err
    assert "Traceback" not in err and "BrokenPipe" not in err, err


@pytest.mark.parametrize("count", ["-3", "0", "33", "two"])
def test_up_refuses_a_worker_count_it_cannot_start(count):
    with pytest.raises(SystemExit) as exit_:
        main(["up", "--workers", count])
    assert exit_.value.code == 2


def test_migrate_is_idempotent(app_env):
    for _ in range(2):
        out = aytada(app_env, "migrate")
        assert out.returncode == 0, out.stderr


def test_redis_down_is_a_clear_error_not_a_traceback(app_env):
    out = aytada({**app_env, "REDIS_URL": "redis://127.0.0.1:1/0"}, "worker")
    assert out.returncode == 2
    assert "not reachable" in out.stderr and "Traceback" not in out.stderr


def test_a_worker_without_its_bucket_refuses_to_start(app_env, s3: S3Bucket):  # noqa: F811
    env = {**app_env, **s3.env, "MEDIA_URL": f"s3://no-such-{s3.name}/studio"}
    out = aytada(env, "worker", "--burst")
    assert out.returncode == 2, out.stderr
    assert f"error: The media store s3://no-such-{s3.name}/studio cannot be used" in out.stderr
    assert "create it first" in out.stderr and "Traceback" not in out.stderr
    assert s3.env["AWS_SECRET_ACCESS_KEY"] not in out.stderr + out.stdout


def test_a_worker_on_the_s3_store_prunes_its_cache_as_it_starts(app_env, s3: S3Bucket):  # noqa: F811
    cache = Path(app_env["MEDIA_DIR"])
    stale, used = cache / "ws1/p1/g1/clip.mp4", cache / "ws1/p1/g2/clip.mp4"
    for path in (stale, used):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"clip")
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(stale, (two_days_ago, two_days_ago))
    out = aytada({**app_env, **s3.env}, "worker", "--burst")
    assert out.returncode == 0, out.stderr
    assert not stale.exists() and used.read_bytes() == b"clip"
    assert "media cache: 1 file(s)" in out.stderr


@pytest.mark.slow
@pytest.mark.media
def test_demo_makes_a_30_second_ad_through_the_queue(app_env):
    # half-size frames: the full-size render is tests/jobs/test_video_pipeline.py's
    out = aytada({**app_env, "AYTADA_RENDER_SCALE": "0.5"}, "demo", "--workers", "2", timeout=600)
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    for status in (
        "generating_ideas",
        "ideas_ready",
        "script_ready",
        "scenes_ready",
        "generating_video",
        "generating_voiceover",
        "stitching",
        "completed",
    ):
        assert f"status: {status}" in out.stdout
    path = out.stdout.split("final video: ", 1)[1].splitlines()[0]
    info = ffmpeg.probe(media.resolve(path))
    assert (info["width"], info["height"]) == (540, 960)
    assert abs(info["duration"] - 30) <= 0.5
    ws = default_workspace_id()
    (card,) = projects.list_projects(ws).cards
    assert card.status == "completed"


# --------------------------------------------------------------------------- helpers


def _fails_cleanly(out: subprocess.CompletedProcess, *needles: str) -> None:
    """A bad-input failure as the user sees it: exit 2, `error:` on stderr, no traceback."""
    assert out.returncode == 2, (out.returncode, out.stdout, out.stderr)
    assert "error:" in out.stderr and "Traceback" not in out.stderr, out.stderr
    for needle in needles:
        assert needle in out.stderr, (needle, out.stderr)


def _counts() -> tuple[int, int, int, int]:
    """Rows of campaigns, projects, generations and ledger entries (to prove nothing changed)."""
    from sqlalchemy import func, select

    from aytada.core.db import session_scope
    from aytada.core.models import Campaign, CreditLedgerEntry, Generation, Project

    with session_scope() as s:
        return tuple(  # type: ignore[return-value]
            s.scalar(select(func.count()).select_from(m)) or 0
            for m in (Campaign, Project, Generation, CreditLedgerEntry)
        )


def _png(path: Path, color: tuple[int, int, int] = (200, 40, 40), fmt: str = "PNG") -> Path:
    Image.new("RGB", (64, 48), color).save(path, fmt)
    return path


FULL_TOML = """\
name = "Glow Serum launch"
product_name = "Lumi Glow Serum"
product_description = "A lightweight vitamin C serum that brightens dull skin in 14 days."
brand_name = "Lumi"
tone_of_voice = "warm, confident"
brand_colors = ["#2e1a47", "#F7B267"]
awareness_stage = "solution_aware"
business_type = "{business_type}"
industry = "{industry}"
creative_style = "{creative_style}"
persuasion_trigger = "{persuasion_trigger}"
audience = "Busy women 28-40 whose skin looks tired after long workdays."
messaging = "One serum, 30 seconds each morning, visibly brighter skin in two weeks."
goals = "First orders at 20% off."
destination = "https://lumi.shop/glow"
"""
MINIMAL_TOML = """\
name = "Trail launch"
product_name = "Trailblazer shoes"
product_description = "Light trail running shoes with a grippy sole."
brand_colors = "#0B6E4F, #F2C14E"
audience = "Weekend runners who slip on muddy trails."
messaging = "Grip that holds on any trail."
goals = "Sell 500 pairs in the launch month."
"""


def _full_toml() -> str:
    from aytada.vocabulary import (
        BUSINESS_TYPES,
        CREATIVE_STYLES,
        INDUSTRIES,
        PERSUASION_TRIGGERS,
    )

    return FULL_TOML.format(
        business_type=BUSINESS_TYPES[-1],
        industry=INDUSTRIES[-1],
        creative_style=CREATIVE_STYLES[-1],
        persuasion_trigger=PERSUASION_TRIGGERS[-1],
    )


def _campaign(app_env: dict[str, str], tmp_path: Path) -> int:
    path = tmp_path / "campaign.toml"
    path.write_text(MINIMAL_TOML)
    out = aytada(app_env, "campaign", "create", "--file", str(path))
    assert out.returncode == 0, out.stderr
    return int(out.stdout.strip())


def _worker_listening(start_worker) -> None:  # type: ignore[no-untyped-def]
    from rq import Worker

    from aytada.jobs.queue import get_queue, redis_conn

    start_worker()
    wait_for(
        lambda: Worker.all(connection=redis_conn(), queue=get_queue()),
        timeout=60,
        what="the worker to register",
    )


# --------------------------------------------------------------------------- campaigns


def test_campaign_create_stores_every_field_and_both_images(app_env, workspace_id, tmp_path):
    toml = tmp_path / "campaign.toml"
    toml.write_text(_full_toml())
    logo = _png(tmp_path / "logo.png")
    photo = _png(tmp_path / "bottle.jpeg", (10, 120, 200), "JPEG")
    out = aytada(
        app_env,
        "campaign",
        "create",
        "--file",
        str(toml),
        "--logo",
        str(logo),
        "--product-photo",
        str(photo),
    )
    assert out.returncode == 0, out.stderr
    cid = int(out.stdout.strip())  # the id alone, for scripts
    campaign = campaigns.get_campaign(workspace_id, cid)
    expected = tomllib.loads(_full_toml())
    for key, value in expected.items():
        if key == "brand_colors":
            assert campaign.brand_colors == "#2E1A47,#F7B267"
        else:
            assert getattr(campaign, key) == value, key
    assert set(expected) == set(CAMPAIGN_KEYS)  # the file above uses every key
    assert media.resolve(campaign.logo_path).read_bytes() == logo.read_bytes()
    assert media.resolve(campaign.product_photo_path).read_bytes() == photo.read_bytes()
    listing = aytada(app_env, "campaign", "list")
    assert listing.returncode == 0
    assert f"{cid}\tGlow Serum launch\tLumi Glow Serum" in listing.stdout


def test_campaign_create_accepts_colours_as_a_comma_string(app_env, workspace_id, tmp_path):
    cid = _campaign(app_env, tmp_path)
    assert campaigns.get_campaign(workspace_id, cid).brand_colors == "#0B6E4F,#F2C14E"


def _bad_campaign_cases(tmp_path: Path) -> list[tuple[list[str], str]]:
    good = tmp_path / "good.toml"
    good.write_text(MINIMAL_TOML)

    def toml(name: str, text: str) -> str:
        path = tmp_path / name
        path.write_text(text)
        return str(path)

    cases = [
        (["--file", str(tmp_path / "missing.toml")], "no such file"),
        (["--file", str(tmp_path)], "directory"),
        (["--file", toml("bad.toml", 'name = "unclosed\n')], "not valid TOML"),
        (["--file", toml("unknown.toml", MINIMAL_TOML + 'budget = "100"\n')], "budget"),
        (
            ["--file", toml("type.toml", MINIMAL_TOML.replace('"Trail launch"', "5"))],
            "name must be text",
        ),
        (["--file", toml("table.toml", MINIMAL_TOML + "[extra]\nx = 1\n")], "extra"),
        (
            ["--file", toml("colors.toml", MINIMAL_TOML.replace('"#0B6E4F, #F2C14E"', "[1, 2]"))],
            "brand_colors",
        ),
        (["--file", toml("hex.toml", MINIMAL_TOML.replace("#0B6E4F", "green"))], "brand_colors"),
        (
            ["--file", toml("stage.toml", MINIMAL_TOML + 'awareness_stage = "bored"\n')],
            "awareness_stage",
        ),
        (["--file", toml("missing_field.toml", MINIMAL_TOML.replace("goals", "# goals"))], "goals"),
        (["--file", str(good), "--logo", str(tmp_path / "nope.png")], "no such file"),
        (["--file", str(good), "--logo", toml("fake.png", "not an image")], "not a readable"),
        (
            ["--file", str(good), "--product-photo", str(_png(tmp_path / "anim.gif", fmt="GIF"))],
            "PNG, JPEG or WebP",
        ),
    ]
    return cases


def test_campaign_create_rejects_bad_files_and_creates_nothing(app_env, tmp_path):
    for args, needle in _bad_campaign_cases(tmp_path):
        out = in_process(app_env, "campaign", "create", *args)
        _fails_cleanly(out, needle)
        assert _counts()[0] == 0, args
    assert not (Path(app_env["MEDIA_DIR"])).exists() or not any(
        Path(app_env["MEDIA_DIR"]).rglob("*.png")
    )


# --------------------------------------------------------------------------- make (input errors)


def test_make_rejects_bad_input_before_creating_anything(app_env, tmp_path):
    cid = str(_campaign(app_env, tmp_path))
    before = _counts()
    cases = [
        (["video", "--campaign", "999"], "Campaign 999 was not found"),
        (["video", "--campaign", "0"], "between 1 and"),
        (["video", "--campaign", "99999999999999999999"], "between 1 and"),
        (["video", "--campaign", "x1"], "whole number"),
        (["poster", "--campaign", cid], "invalid choice"),
        (["banner", "--campaign", cid, "--size", "301x250"], "300x250"),
        (["flyer", "--campaign", cid, "--size", "big"], "1080x1350"),
        (["banner", "--campaign", cid, "--length", "15"], "--length does not apply"),
        (["jingle", "--campaign", cid, "--quality", "pro"], "--quality does not apply"),
        (["video", "--campaign", cid, "--size", "300x250"], "--size does not apply"),
        (["video", "--campaign", cid, "--format", "4:3"], "9:16"),
        (["video", "--campaign", cid, "--length", "45"], "15, 30, 60"),
        (["video", "--campaign", cid, "--length", "1e9"], "invalid int"),
        (["video", "--campaign", cid, "--quality", "ultra"], "standard or pro"),
        (["video", "--campaign", cid, "--timeout", "nan"], "seconds"),
        (["video", "--campaign", cid, "--title", " "], "title"),
        (["kit", "--campaign", cid, "--size", "300x250"], "--size does not apply to a kit"),
        (["kit", "--campaign", cid, "--length", "45"], "15, 30 or 60"),
        (["kit", "--campaign", cid, "--quality", "ultra"], "Standard or Pro"),
        (["kit", "--campaign", "999"], "Campaign 999 was not found"),
    ]
    for args, needle in cases:
        _fails_cleanly(in_process(app_env, "make", *args), needle)
    assert _counts() == before


def test_make_without_a_worker_says_how_to_start_one(app_env, tmp_path):
    cid = str(_campaign(app_env, tmp_path))
    before = _counts()
    out = aytada(app_env, "make", "banner", "--campaign", cid, "--size", "300x250")
    _fails_cleanly(out, "no worker is running", "scripts/up.sh", "aytada worker")
    assert _counts() == before


def test_make_without_redis_is_a_clear_error(app_env, tmp_path):
    cid = str(_campaign(app_env, tmp_path))
    out = aytada(
        {**app_env, "REDIS_URL": "redis://127.0.0.1:1/0"}, "make", "jingle", "--campaign", cid
    )
    _fails_cleanly(out, "not reachable")
    assert _counts()[1] == 0


def test_make_with_too_few_credits_keeps_a_draft_and_says_so(
    app_env, workspace_id, start_worker, tmp_path
):
    cid = str(_campaign(app_env, tmp_path))
    _set_balance(workspace_id, 3)
    _worker_listening(start_worker)
    out = aytada(app_env, "make", "banner", "--campaign", cid, "--wait")
    _fails_cleanly(out, "Not enough credits", "aytada project run")
    pid = int(out.stdout.split()[1])
    assert projects.get_project(workspace_id, pid).status == "draft"
    assert workspaces.get_balance(workspace_id) == 3


def test_video_advance_with_too_few_credits_is_an_error_not_a_traceback(
    app_env, workspace_id, start_worker, tmp_path
):
    cid = str(_campaign(app_env, tmp_path))
    out = aytada(app_env, "video", "create", "--campaign", cid, "--title", "Ad")
    assert out.returncode == 0, out.stderr
    pid = out.stdout.split()[1]
    from aytada.core.db import session_scope
    from aytada.core.models import Project

    with session_scope() as s:  # ideas made (they are free): the script step costs credits
        project = s.get(Project, int(pid))
        project.status, project.ideas = "ideas_ready", [{"title": "Grip test"}]
    _set_balance(workspace_id, 1)
    _worker_listening(start_worker)
    out = aytada(app_env, "video", "advance", pid)
    _fails_cleanly(out, "Not enough credits")
    assert projects.get_project(workspace_id, pid).status == "ideas_ready"
    assert _counts()[2] == 0  # no generation row


def _set_balance(workspace_id: int, credits: int) -> None:
    from aytada.core.db import session_scope
    from aytada.core.models import Workspace

    with session_scope() as s:
        s.get(Workspace, workspace_id).credit_balance = credits


# --------------------------------------------------------------------------- credits (errors)


def test_credits_reject_bad_numbers_and_change_nothing(app_env, workspace_id):
    before = _counts()
    for args, needle in [
        (["add", "abc"], "positive whole number"),
        (["add", "-5"], "positive whole number"),
        (["add", "1.5"], "positive whole number"),
        (["add", "99999999999999999999999"], "at most 1000000"),
        (["show", "--last", "-1"], "--last"),
        (["show", "--last", "ten"], "whole number"),
        (["show", "--last", "99999999999999999999"], "between 0 and"),
    ]:
        _fails_cleanly(in_process(app_env, "credits", *args), needle)
    assert workspaces.get_balance(workspace_id) == 1000
    assert _counts() == before


def test_credits_add_cannot_overflow_the_balance(app_env, workspace_id):
    _set_balance(workspace_id, 2**31 - 10)
    _fails_cleanly(aytada(app_env, "credits", "add", "100"), "cannot go above")
    assert workspaces.get_balance(workspace_id) == 2**31 - 10


def test_credits_show_lists_the_last_rows(app_env):
    for amount in ("5", "7", "9"):
        assert aytada(app_env, "credits", "add", amount, "--reason", f"r{amount}").returncode == 0
    out = aytada(app_env, "credits", "show", "--last", "2")
    assert out.returncode == 0
    assert "balance 1021 credits" in out.stdout
    assert "r9" in out.stdout and "r7" in out.stdout and "r5" not in out.stdout


# --------------------------------------------------------------------------- project show / edit

SCRIPT = {
    "hook": "Muddy trail, no grip?",
    "body": "Trailblazer holds on any trail.",
    "call_to_action": "Buy yours today.",
    "voiceover": "Muddy trail? Trailblazer holds. Buy yours today.",
}


def test_project_show_json_has_exactly_the_documented_keys(app_env, workspace_id):
    ideas = [{"title": "Grip test", "angle": "demo"}, {"title": "Mud run", "angle": "story"}]
    pid = make_project(
        workspace_id,
        status="script_ready",
        ideas=ideas,
        chosen_idea=1,
        script=dict(SCRIPT),
        title="Trail ad",
    )
    out = aytada(app_env, "project", "show", str(pid), "--json")
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    # the documented keys (README: `project show ID --json`), in their order, each checked below
    assert tuple(report) == PROJECT_KEYS
    assert report["id"] == pid and report["kind"] == "video"
    assert report["status"] == "script_ready" and report["title"] == "Trail ad"
    assert (report["format"], report["length_s"], report["quality"]) == ("9:16", 15, "pro")
    assert report["ideas"] == ideas and report["chosen_idea"] == 1
    assert report["script"] == SCRIPT
    assert report["scenes"] == [] and report["assets"] == [] and report["generations"] == []
    assert report["copy"] is None and report["lyrics"] is None and report["instrumental"] is None
    assert report["credits"] == 0 and report["error"] is None
    text = aytada(app_env, "project", "show", str(pid))
    assert text.returncode == 0
    assert "Trail ad" in text.stdout and "status: script_ready" in text.stdout
    assert "* idea 2: Mud run" in text.stdout and "hook: Muddy trail, no grip?" in text.stdout


def test_project_show_of_a_missing_or_bad_id_is_an_error(app_env):
    _fails_cleanly(aytada(app_env, "project", "show", "12345", "--json"), "not found")
    _fails_cleanly(aytada(app_env, "project", "show", "-1"), "between 1 and")
    _fails_cleanly(aytada(app_env, "project", "show", "abc"), "whole number")


def test_edit_script_changes_one_field_and_show_reflects_it(app_env, workspace_id):
    pid = make_project(workspace_id, status="script_ready", script=dict(SCRIPT))
    out = aytada(
        app_env,
        "project",
        "edit-script",
        str(pid),
        "--field",
        "call_to_action",
        "--text",
        "Start your free trial.",
    )
    assert out.returncode == 0, out.stderr
    report = json.loads(aytada(app_env, "project", "show", str(pid), "--json").stdout)
    assert report["script"]["call_to_action"] == "Start your free trial."
    for field in ("hook", "body"):  # (the voiceover may carry the new CTA along)
        assert report["script"][field] == SCRIPT[field]


def test_edit_script_after_scenes_returns_the_project_to_script_ready(app_env, workspace_id):
    scenes = [{"caption": "Mud", "voiceover": "Muddy trail?", "visual": "mud", "duration": 15}]
    pid = make_project(workspace_id, status="scenes_ready", script=dict(SCRIPT), scenes=scenes)
    out = aytada(
        app_env, "project", "edit-script", str(pid), "--field", "hook", "--text", "Slipping on mud?"
    )
    assert out.returncode == 0, out.stderr
    project = projects.get_project(workspace_id, pid)
    assert project.status == "script_ready" and project.scenes_stale
    assert project.script["hook"] == "Slipping on mud?"


def test_edit_script_errors_change_nothing(app_env, workspace_id):
    pid = str(make_project(workspace_id, status="script_ready", script=dict(SCRIPT)))
    draft = str(make_project(workspace_id))
    busy = str(make_project(workspace_id, status="generating_scenes", script=dict(SCRIPT)))
    cases = [
        ([pid, "--field", "title", "--text", "x"], "hook, body, call_to_action, voiceover"),
        ([pid, "--field", "hook", "--text", "   "], "Cannot be empty"),
        ([pid, "--field", "hook", "--text", "x" * 4001], "4000"),
        ([draft, "--field", "hook", "--text", "Hi"], "no script yet"),
        ([busy, "--field", "hook", "--text", "Hi"], "step is running"),
        (["424242", "--field", "hook", "--text", "Hi"], "not found"),
    ]
    for args, needle in cases:
        _fails_cleanly(in_process(app_env, "project", "edit-script", *args), needle)
    for p in (pid, busy):
        assert projects.get_project(workspace_id, p).script == SCRIPT


def test_edit_copy_saves_an_instrumental_jingles_lyrics_and_show_says_instrumental(
    app_env, workspace_id
):
    from aytada.core.options import Outputs, options_with

    made = options_with({}, Outputs(lyrics="Old line one\nOld line two"))
    pid = str(make_project(workspace_id, kind="jingle", status="completed", options=made))
    out = in_process(app_env, "project", "edit-copy", pid, "--field", "lyrics", "--text",
                     "Hold the trail\nNorthpeak all the way")  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert f"project {pid}: lyrics saved (nothing to make again, free)" in out.stdout
    report = json.loads(in_process(app_env, "project", "show", pid, "--json").stdout)
    assert report["lyrics"] == "Hold the trail\nNorthpeak all the way"
    assert report["instrumental"] is True and report["generations"] == []
    shown = in_process(app_env, "project", "show", pid).stdout
    assert "jingle: instrumental (nobody sings); lyrics for a singer:" in shown
    assert "    Northpeak all the way" in shown
    banner = str(make_project(workspace_id, kind="banner", status="completed"))
    for args, needle in (
        ([pid, "--field", "lyrics", "--text", " "], "--text: Cannot be empty."),
        ([pid, "--field", "headline", "--text", "Hi"], "no banner or flyer words"),
        ([banner, "--field", "lyrics", "--text", "La la"], "A banner project has no lyrics"),
        ([pid, "--field", "chorus", "--text", "La"], "unknown copy field 'chorus'"),
    ):
        _fails_cleanly(in_process(app_env, "project", "edit-copy", *args), needle)
    assert projects.get_project(workspace_id, pid).options == options_with(
        {}, Outputs(lyrics="Hold the trail\nNorthpeak all the way")
    )


# --------------------------------------------------------------------------- make, end to end


def _made(out: subprocess.CompletedProcess) -> tuple[int, Path]:
    """The project id (first stdout line) and the output path (last stdout line)."""
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-3000:]
    lines = out.stdout.strip().splitlines()
    assert lines[0].startswith("project ")
    path = Path(lines[-1])
    assert path.is_absolute() and path.is_file() and path.stat().st_size > 0, lines
    return int(lines[0].split()[1]), path


@pytest.mark.slow
@pytest.mark.media  # as `make video`, `make jingle`; PostgreSQL: tests/jobs (design, copy edits)
def test_make_banner_wait_prints_the_png_and_show_lists_it(
    app_env, workspace_id, start_worker, tmp_path
):
    cid = str(_campaign(app_env, tmp_path))
    _worker_listening(start_worker)
    out = aytada(
        app_env, "make", "banner", "--campaign", cid, "--size", "300X250", "--wait", timeout=300
    )
    pid, path = _made(out)
    with Image.open(path) as img:
        assert img.size == (300, 250)
    assert "status: completed" in out.stderr
    report = json.loads(aytada(app_env, "project", "show", str(pid), "--json").stdout)
    assert report["status"] == "completed" and report["format"] == "300x250"
    assert str(path) in [a["path"] for a in report["assets"]]
    steps = [g["step"] for g in report["generations"]]
    assert steps == ["design", "compose"]
    assert all(g["state"] == "succeeded" for g in report["generations"])
    assert report["credits"] == sum(g["credits"] for g in report["generations"]) > 0
    assert workspaces.get_balance(workspace_id) == 1000 - report["credits"]
    assert set(report["copy"]) == {"headline", "subline", "call_to_action", "destination"}
    assert report["copy"]["headline"] and report["lyrics"] is None
    assert report["copy"]["destination"] == ""  # the campaign has none

    # the words are editable; the design is set again with them, free
    edit = ("project", "edit-copy", str(pid), "--field")
    out = aytada(app_env, *edit, "headline", "--text", "Grip that holds", "--wait", timeout=300)
    assert out.returncode == 0, out.stderr
    assert "headline saved; setting the design again (free)" in out.stdout
    new_path = Path(out.stdout.strip().splitlines()[-1])
    assert drawn_texts(new_path)["headline"] == "Grip that holds"
    # where the banner sends people, drawn under the button
    out = aytada(app_env, *edit, "destination", "--text", "trailblazer.shop", "--wait",
                 timeout=300)  # fmt: skip
    assert out.returncode == 0, out.stderr
    new_path = Path(out.stdout.strip().splitlines()[-1])
    assert drawn_texts(new_path)["destination"] == "trailblazer.shop"
    assert drawn_texts(new_path)["headline"] == "Grip that holds"
    shown = aytada(app_env, "project", "show", str(pid))
    assert "headline: Grip that holds" in shown.stdout
    assert "destination: trailblazer.shop" in shown.stdout
    assert workspaces.get_balance(workspace_id) == 1000 - report["credits"]
    # bad input: a clear error, nothing changed
    for args, message in (
        (("subtitle", "--text", "x"), "unknown copy field 'subtitle'"),
        (("headline", "--text", " "), "--text: Cannot be empty."),
        (("call_to_action", "--text", "one two three four five"), "At most 4 words"),
        (("destination", "--text", "trailblazer"), "is not a web address, handle or phone"),
    ):
        _fails_cleanly(aytada(app_env, *edit, *args), message)
    report = json.loads(aytada(app_env, "project", "show", str(pid), "--json").stdout)
    assert report["copy"]["headline"] == "Grip that holds"
    assert report["copy"]["destination"] == "trailblazer.shop"


@pytest.mark.slow
@pytest.mark.media
def test_make_jingle_wait_prints_the_audio_file(app_env, start_worker, tmp_path):
    cid = str(_campaign(app_env, tmp_path))
    _worker_listening(start_worker)
    out = aytada(
        app_env, "make", "jingle", "--campaign", cid, "--length", "15", "--wait", timeout=300
    )
    pid, path = _made(out)
    info = ffmpeg.probe(path)
    assert abs(info["duration"] - 15) <= 1.0
    report = json.loads(aytada(app_env, "project", "show", str(pid), "--json").stdout)
    assert report["kind"] == "jingle" and report["status"] == "completed"


@pytest.mark.slow
def test_make_without_wait_returns_and_the_pipeline_runs_on(
    app_env, workspace_id, start_worker, tmp_path
):
    cid = str(_campaign(app_env, tmp_path))
    from aytada.core import teams

    teams.create_with_owner("Other team", "olga@other.org")  # two workspaces: name the one
    _worker_listening(start_worker)
    out = aytada(app_env, "--workspace", str(workspace_id), "make", "flyer", "--campaign", cid,
                 "--size", "1080x1350")  # fmt: skip
    assert out.returncode == 0, out.stderr
    pid = int(out.stdout.split()[1])
    assert "aytada project show" in out.stderr
    wait_for(
        lambda: projects.get_project(workspace_id, pid).status in ("completed", "failed"),
        timeout=300,
        what="the flyer",
    )
    project = projects.get_project(workspace_id, pid)
    assert project.status == "completed", project.error
    # the background run works in the command's workspace too: it ends with the file's path
    log = Path(app_env["AYTADA_DATA_DIR"]) / "logs" / f"make-project{pid}.log"
    wait_for(lambda: log.exists() and ".png" in log.read_text(), timeout=120,
             what="the background run's output path")  # fmt: skip
    assert "error:" not in log.read_text()


@pytest.mark.slow
@pytest.mark.media
def test_make_video_15s_wait_picks_the_first_idea_and_prints_the_mp4_and_subtitles(
    app_env, workspace_id, start_worker, tmp_path
):
    require_espeak()
    cid = str(_campaign(app_env, tmp_path))
    _worker_listening(start_worker)
    _worker_listening(start_worker)
    out = aytada(
        app_env,
        "make",
        "video",
        "--campaign",
        cid,
        "--length",
        "15",
        "--format",
        "1:1",
        "--quality",
        "standard",
        "--title",
        "CLI ad",
        "--wait",
        timeout=600,
    )
    pid, _ = _made(out)
    # the MP4, then its .srt and .vtt: the word-timed caption groups the video shows
    mp4, srt, vtt = (Path(line) for line in out.stdout.strip().splitlines()[-3:])
    assert (mp4.suffix, srt.suffix, vtt.suffix) == (".mp4", ".srt", ".vtt")
    info = ffmpeg.probe(mp4)
    assert (info["width"], info["height"]) == (720, 720)
    assert abs(info["duration"] - 15) <= 0.5
    project = projects.get_project(workspace_id, pid)
    assert project.chosen_idea == 0 and project.title == "CLI ad"
    assert "picked idea 1" in out.stderr
    cues = subtitles.video_subtitles(workspace_id, pid)
    assert cues and all(len(c.text.split()) <= 6 for c in cues)
    assert srt.read_text(encoding="utf-8") == subtitles.to_srt(cues)
    assert vtt.read_text(encoding="utf-8") == subtitles.to_vtt(cues)


def test_the_example_campaign_file_is_accepted(app_env, workspace_id):
    out = aytada(app_env, "campaign", "create", "--file", str(ROOT / "examples" / "campaign.toml"))
    assert out.returncode == 0, out.stderr
    assert campaigns.get_campaign(workspace_id, int(out.stdout)).product_name == "Lumi Glow Serum"


@pytest.mark.slow
def test_project_run_reports_a_failure_and_retry_finishes_it(
    app_env, workspace_id, start_worker, tmp_path
):
    import tests.jobs.fault_steps  # noqa: F401  (the same wrappers on the enqueue side)
    from aytada.jobs.runner import start_step

    cid = _campaign(app_env, tmp_path)
    start_worker(AYTADA_EXTRA_STEPS="tests.jobs.fault_steps")
    pid = make_project(workspace_id, cid, kind="banner", fmt="300x250")
    start_step(workspace_id, pid, "design", params={"fault": "raise"})
    wait_for(
        lambda: projects.get_project(workspace_id, pid).status == "failed",
        timeout=120,
        what="the failure",
    )
    out = aytada(app_env, "project", "run", str(pid))
    assert out.returncode == 1 and out.stdout == ""
    assert f"project {pid} failed at design" in out.stderr and "boom" in out.stderr
    assert "Traceback" not in out.stderr
    out = aytada(app_env, "project", "run", str(pid), "--retry", timeout=300)
    assert out.returncode == 0, out.stderr
    assert Path(out.stdout.strip()).is_file()
    assert projects.get_project(workspace_id, pid).status == "completed"


def test_workspace_create_add_user_and_list_for_the_first_admin(app_env):
    out = aytada(app_env, "workspace", "create", "--name", "Acme Growth", "--owner", "Ann@Acme.com")
    assert out.returncode == 0, out.stderr
    ws = int(out.stdout.strip().removeprefix("workspace "))
    out = aytada(app_env, "workspace", "add-user", str(ws), "--email", "bob@acme.com")
    assert (out.returncode, out.stdout.strip()) == (
        0, "bob@acme.com added as member (invited: not signed in yet)")  # fmt: skip
    bad = [
        (("workspace", "add-user", "999", "--email", "x@y.io"), "Workspace 999 was not found"),
        (("workspace", "add-user", str(ws), "--email", "nope"), "is not an e-mail address"),
        (("workspace", "add-user", str(ws), "--email", "ann@acme.com", "--role", "member"),
         "only owner"),
        (("workspace", "create", "--name", " ", "--owner", "c@d.io"), "Give the workspace a name"),
    ]  # fmt: skip
    for args, message in bad:
        out = aytada(app_env, *args)
        assert out.returncode == 2 and message in out.stderr and "Traceback" not in out.stderr
    out = aytada(app_env, "workspace", "list")
    assert out.returncode == 0
    lines = out.stdout.splitlines()
    assert f"{ws}  Acme Growth  (1000 credits)" in lines
    assert "    owner   ann@acme.com  (invited)" in lines
    assert "    member  bob@acme.com  (invited)" in lines
    assert len([line for line in lines if "credits)" in line]) == 1  # nothing half-made


def test_up_knows_whether_sign_in_is_configured_before_it_opens_the_port(tmp_path, monkeypatch):
    from aytada.cli import _sign_in_configured

    secrets = tmp_path / "secrets.toml"
    secrets.write_text('OPENAI_API_KEY = "sk-x"\n')
    monkeypatch.setenv("STREAMLIT_SECRETS_FILES", str(secrets))
    assert _sign_in_configured() is False  # keys only: single-user local mode
    secrets.write_text('[auth]\nclient_id = "x"\n')
    assert _sign_in_configured() is True
    secrets.write_text("[auth\n")  # a broken file is not sign-in
    assert _sign_in_configured() is False


def test_up_refuses_an_address_others_reach_while_sign_in_is_not_configured(
    app_env, tmp_path, monkeypatch, capsys
):
    from aytada.cli import main

    secrets = tmp_path / "secrets.toml"
    secrets.write_text('OPENAI_API_KEY = "sk-x"\n')
    monkeypatch.setenv("STREAMLIT_SECRETS_FILES", str(secrets))
    assert main(["up", "--address", "0.0.0.0", "--port", "1"]) == 2
    err = capsys.readouterr().err
    assert "--address 0.0.0.0 lets other machines in, and sign-in is not configured" in err


def test_up_checks_the_port_on_the_address_it_was_given():
    """IPv6 loopback is checked as IPv6 (it was tried as IPv4: "Port … in use"); an address
    this machine does not have is said as such, not as a busy port."""
    from aytada.cli import _port_in_use

    with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as held:
        held.bind(("::1", 0))
        held.listen()
        port = held.getsockname()[1]
        assert "is in use" in (_port_in_use("::1", port) or "")
    assert _port_in_use("::1", port) is None
    assert "cannot listen on 192.0.2.1" in (_port_in_use("192.0.2.1", port) or "")
