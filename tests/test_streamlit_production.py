"""How `aytada up` runs Streamlit (issue 25): no garbage collection after every run, no file
watcher (each one a name and a value the installed Streamlit takes), the app's modules
imported before it serves (app_pages.serve)."""

from __future__ import annotations

import subprocess
import sys

from aytada.cli import STREAMLIT_PRODUCTION, streamlit_command
from aytada.core.settings import ROOT


def test_up_starts_streamlit_without_post_run_collection_or_file_watcher() -> None:
    command = streamlit_command("127.0.0.1", 8599)
    assert command[1:5] == ["-m", "app_pages.serve", "run", str(ROOT / "Home.py")]
    flags = dict(zip(command[5::2], command[6::2], strict=True))
    assert flags["--runner.postScriptGC"] == "false"
    assert flags["--server.fileWatcherType"] == "none"
    assert flags["--server.port"] == "8599" and flags["--server.address"] == "127.0.0.1"
    assert flags["--server.headless"] == "true"


def test_the_installed_streamlit_reads_each_option_as_meant() -> None:
    """Streamlit's own command line parses the command (a misspelt option is refused there),
    and the values mean what the comments say in this version."""
    from streamlit import config
    from streamlit.watcher.path_watcher import NoOpPathWatcher, get_path_watcher_class
    from streamlit.web import cli

    params = cli.main_run.make_context("run", streamlit_command("::1", 8599)[4:]).params
    assert params["runner_postScriptGC"] is False
    assert params["server_fileWatcherType"] == "none"
    assert params["server_headless"] is True and params["browser_gatherUsageStats"] is False
    for name in STREAMLIT_PRODUCTION:  # every option exists in the installed version
        assert name in config._config_options_template, name
    assert (
        config._config_options_template["runner.postScriptGC"].default_val is True
    )  # on unless said
    assert get_path_watcher_class("none") is NoOpPathWatcher


def test_serve_imports_the_app_before_streamlit_starts_and_hands_over_to_it() -> None:
    """`up` runs Streamlit through app_pages.serve: the frame's and the pages' modules are
    imported first (the first sessions do not wait on them), then Streamlit's own command
    line takes the arguments."""
    out = subprocess.run(
        [sys.executable, "-m", "app_pages.serve", "version"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=True,
    ).stdout  # fmt: skip
    assert "the app's modules imported in" in out
    assert "Streamlit, version" in out


def test_serve_imports_no_custom_component() -> None:
    """Streamlit registers a (v1) custom component only when it is declared during a script
    run: imported before the server starts, streamlit-autorefresh would never be served."""
    from app_pages.serve import page_imports

    modules = [m for m, _ in page_imports()]
    assert modules[0] == "app_pages.app" and "aytada.ui" in modules
    code = (
        "import sys; from app_pages.serve import warm; warm(); "
        "from streamlit.components.v1.custom_component import CustomComponent; "
        "print(sorted(n for n, m in list(sys.modules.items()) if m is not None and "
        "any(isinstance(v, CustomComponent) for v in vars(m).values()))); "
        "print('aytada.ui.widgets' in sys.modules, 'aytada.ui.studio_sections' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, timeout=120, check=True).stdout.splitlines()  # fmt: skip
    assert out == ["[]", "True True"]
