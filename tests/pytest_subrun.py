"""Run a throwaway test file in a pytest of its own, with this suite's conftest as a plugin (its
fixtures and hooks are the ones under test). Used by the CI-guard and isolation tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

# what the outer run was told; a sub-run is told explicitly or runs on the embedded defaults
OUTER_ONLY = ("CI", "TEST_DATABASE_URL", "TEST_REDIS_URL", "PYTEST_ADDOPTS")


def subrun_command(test_file: Path) -> list[str]:
    return [sys.executable, "-m", "pytest", "-p", "tests.conftest", "-p", "no:cacheprovider",
            "-q", "--rootdir", str(test_file.parent), str(test_file)]  # fmt: skip


def subrun_env(**env: str) -> dict[str, str]:
    full = {k: v for k, v in os.environ.items() if k not in OUTER_ONLY}
    full["PYTHONPATH"] = str(ROOT)
    full.update(env)
    return full


def subrun(test_file: Path, source: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Write ``source`` to ``test_file`` and run it; ``env``: e.g. ``CI="true"``."""
    test_file.write_text(source)
    return subprocess.run(
        subrun_command(test_file), cwd=ROOT, env=subrun_env(**env),
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
