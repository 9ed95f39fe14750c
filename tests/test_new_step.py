"""README's "Adding a pipeline step", done for real on a copy of the code: a priced "thumbnail"
step after stitching, written in the three places the README names (the table and its status
in `aytada/core/pipeline.py`, one job module, the default price in `aytada/core/settings.py`).
The copy's own rules then hold it (the pipeline and status tests, the credit quote and cost
caption, the runner's registry, the status rules a project follows), and the one more file
the README announces for a new *active* status is asked for: the migration test of the
partial index of active projects fails until a migration remakes it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.integration  # nested pytest runs on a copy of the checkout

# (file, anchor, replacement): each anchor must be in the file as it is today
EDITS = [
    (
        "aytada/core/pipeline.py",
        '    STITCHING = "stitching"\n',
        '    STITCHING = "stitching"\n    MAKING_THUMBNAIL = "making_thumbnail"\n',
    ),
    (
        "aytada/core/pipeline.py",
        'Step("stitch", "Stitching", VIDEO, S.STITCHING, S.COMPLETED, Price(first="stitch"),\n'
        "         requires=(HAS_SCENES, ALL_CLIPS, HAS_VOICEOVER), user_started=False, "
        "progress=0.9),\n",
        'Step("stitch", "Stitching", VIDEO, S.STITCHING, S.MAKING_THUMBNAIL,\n'
        '         Price(first="stitch"), requires=(HAS_SCENES, ALL_CLIPS, HAS_VOICEOVER),\n'
        '         then="thumbnail", user_started=False, progress=0.9),\n'
        '    Step("thumbnail", "Thumbnail", VIDEO, S.MAKING_THUMBNAIL, S.COMPLETED,\n'
        '         flat("thumbnail"), user_started=False, progress=0.95),\n',
    ),
    ("aytada/core/settings.py", '    "stitch": 5,\n', '    "stitch": 5,\n    "thumbnail": 1,\n'),
    (
        "aytada/jobs/steps.py",
        'register_step("stitch", run=stitch_run, apply=stitch_apply, inputs=stitch_inputs)\n',
        'register_step("stitch", run=stitch_run, apply=stitch_apply, inputs=stitch_inputs)\n'
        'register_step("thumbnail", run=lambda ctx: StepResult(output={}),\n'
        "              apply=lambda s, project, gen, r, ids: None,\n"
        "              inputs=lambda s, project, scene, params: {})\n",
    ),
]

#: The tests that pin today's pipeline to the public docs and price list, which a new step
#: changes on purpose: the seeds' status names and video order, the action a status offers,
#: the public price list and the render's cost caption word for word.
PINS = {
    "tests/core/test_statuses.py::test_names_are_the_seed_names_plus_generating_and_rendering",
    "tests/core/test_statuses.py::test_pipeline_order_is_allowed_and_skipping_is_not",
    "tests/core/test_statuses.py::test_action_label_by_status[making_thumbnail]",
    "tests/core/test_credits.py::test_default_prices_follow_the_public_price_list",
    "tests/core/test_pipeline.py::test_the_render_cost_caption_is_built_from_the_table",
}

CHECK = """
from types import SimpleNamespace
from aytada.core import credits, statuses
from aytada.core.pipeline import STEPS, next_step
from aytada.jobs.runner import REGISTRY, _load_steps
S = statuses.Status
assert "making_thumbnail" in statuses.ACTIVE
assert statuses.can_transition("stitching", "making_thumbnail")
assert statuses.can_transition("making_thumbnail", "completed")
assert statuses.can_transition("making_thumbnail", "failed")
assert statuses.can_transition("failed", "making_thumbnail")
assert not statuses.can_transition("stitching", "completed")
assert statuses.progress("stitching") < statuses.progress("making_thumbnail") < 1
assert statuses.SEED_VIDEO_STATUSES.index(S.STITCHING) < statuses.SEED_VIDEO_STATUSES.index(
    S.MAKING_THUMBNAIL) < statuses.SEED_VIDEO_STATUSES.index(S.COMPLETED)
assert credits.price("thumbnail") == 1
costs = {"stitch": 5, "thumbnail": 1}
print("caption:", credits.chain_text(costs, "stitch"))
assert "thumbnail 1" in credits.chain_text(costs, "stitch")
_load_steps()
assert "thumbnail" in REGISTRY
print("ok")
"""


def _copy_with_the_step(dest: Path) -> None:
    for name in ("aytada", "tests", "migrations"):
        shutil.copytree(ROOT / name, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "alembic.ini", "Home.py"):
        shutil.copy2(ROOT / name, dest / name)
    for path, anchor, new in EDITS:
        text = (dest / path).read_text()
        assert text.count(anchor) == 1, f"{path} has changed: update this test's edit"
        (dest / path).write_text(text.replace(anchor, new))


def _run(copy: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env["PYTHONPATH"] = str(copy)  # the copy's aytada, before the installed checkout's
    return subprocess.run(
        [sys.executable, *args], cwd=copy, env=env, capture_output=True, text=True,
        timeout=300, stdin=subprocess.DEVNULL,
    )  # fmt: skip


def test_a_priced_step_after_stitching_takes_the_three_places_the_readme_names(
    tmp_path: Path,
) -> None:
    copy = tmp_path / "checkout"
    _copy_with_the_step(copy)
    changed = sorted(
        str(path.relative_to(copy))
        for path in (copy / "aytada").rglob("*")
        if path.is_file() and path.read_bytes() != (ROOT / path.relative_to(copy)).read_bytes()
    )
    assert changed == ["aytada/core/pipeline.py", "aytada/core/settings.py", "aytada/jobs/steps.py"]
    check = _run(copy, "-c", "import aytada; print(aytada.__file__)\n" + CHECK)
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.startswith(str(copy)), check.stdout  # the copy's code was checked
    assert "stitching 5 + thumbnail 1" in check.stdout, check.stdout
    # the copy's own rules hold the new step: every edge legal, nothing stuck, prices charged;
    # what fails is only the tests that pin the public docs to today's pipeline, on purpose
    rules = _run(copy, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist",
                 "tests/core/test_pipeline.py", "tests/core/test_statuses.py",
                 "tests/core/test_credits.py")  # fmt: skip
    failed = {line.split(" ", 1)[1] for line in rules.stdout.splitlines()
              if line.startswith("FAILED ")}  # fmt: skip
    assert {f.split(" - ")[0] for f in failed} == PINS, rules.stdout[-3000:] + rules.stderr
    assert "passed" in rules.stdout.splitlines()[-1], rules.stdout[-500:]
    # and the one more file for an active status: the partial index needs its migration
    index = _run(copy, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist",
                 "tests/core/test_migrations.py", "-k", "active_index")  # fmt: skip
    assert index.returncode == 1, index.stdout[-3000:]
    assert "making_thumbnail" in index.stdout, index.stdout[-3000:]
