"""The CI guard (tests/conftest.py): with CI=true a skip fails the run, naming the test and why.

Each case runs a real pytest in a subprocess on a throwaway test file, with this suite's
conftest loaded as a plugin (so its hooks and fixtures are the ones under test).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.pytest_subrun import subrun

pytestmark = pytest.mark.integration  # nested pytest runs

SKIPPING = """
import pytest


def test_fine():
    assert True


def test_needs_a_tool():
    pytest.skip("espeak-ng is not installed")
"""


def _pytest(tmp_path: Path, source: str, *, ci: bool) -> subprocess.CompletedProcess[str]:
    return subrun(tmp_path / "test_throwaway.py", source, **({"CI": "true"} if ci else {}))


def test_in_ci_a_skip_fails_the_run_and_names_the_test(tmp_path: Path) -> None:
    run = _pytest(tmp_path, SKIPPING, ci=True)
    assert run.returncode == pytest.ExitCode.TESTS_FAILED, run.stdout + run.stderr
    assert "1 passed, 1 skipped" in run.stdout  # the guard, not a test, failed the run
    assert (
        "SKIPPED IN CI test_throwaway.py::test_needs_a_tool: espeak-ng is not installed"
        in run.stdout
    ), run.stdout


def test_outside_ci_a_skip_is_only_a_skip(tmp_path: Path) -> None:
    run = _pytest(tmp_path, SKIPPING, ci=False)
    assert run.returncode == pytest.ExitCode.OK, run.stdout + run.stderr
    assert "SKIPPED IN CI" not in run.stdout


def test_in_ci_a_run_without_skips_passes(tmp_path: Path) -> None:
    run = _pytest(tmp_path, "def test_fine():\n    assert True\n", ci=True)
    assert run.returncode == pytest.ExitCode.OK, run.stdout + run.stderr


def test_in_ci_a_skipped_module_and_an_xfail_fail_the_run_too(tmp_path: Path) -> None:
    source = """
import pytest

nothing = pytest.importorskip("a_module_that_is_not_installed")
"""
    run = _pytest(tmp_path, source, ci=True)
    assert run.returncode == pytest.ExitCode.TESTS_FAILED, run.stdout + run.stderr
    assert "SKIPPED IN CI test_throwaway.py:" in run.stdout

    source = """
import pytest


@pytest.mark.xfail(reason="known broken")
def test_broken():
    assert False
"""
    run = _pytest(tmp_path, source, ci=True)
    assert run.returncode == pytest.ExitCode.TESTS_FAILED, run.stdout + run.stderr
    assert "SKIPPED IN CI test_throwaway.py::test_broken: xfail: known broken" in run.stdout


def test_a_missing_tool_fails_in_ci_and_skips_elsewhere(tmp_path: Path) -> None:
    source = """
from tests.conftest import missing


def test_needs_a_tool():
    missing("espeak-ng", "scripts/system-packages.sh installs it")
"""
    run = _pytest(tmp_path, source, ci=True)
    assert run.returncode == pytest.ExitCode.TESTS_FAILED, run.stdout + run.stderr
    assert "1 failed" in run.stdout and "espeak-ng is required in CI" in run.stdout
    run = _pytest(tmp_path, source, ci=False)
    assert run.returncode == pytest.ExitCode.OK, run.stdout + run.stderr
    assert "1 skipped" in run.stdout
