"""The options `aytada up` runs Streamlit with (issue 25): no garbage collection after every
run, no file watcher; each one a name and a value the installed Streamlit takes."""

from __future__ import annotations

from aytada.cli import STREAMLIT_PRODUCTION, streamlit_command
from aytada.core.settings import ROOT


def test_up_starts_streamlit_without_post_run_collection_or_file_watcher() -> None:
    command = streamlit_command("127.0.0.1", 8599)
    assert command[1:5] == ["-m", "streamlit", "run", str(ROOT / "Home.py")]
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
