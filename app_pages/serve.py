"""Streamlit as `aytada up` starts it: the app's modules imported first, then Streamlit's own
command line (``python -m app_pages.serve run Home.py …`` takes what ``streamlit run`` takes).

Without it the first session after a start imports them (SQLAlchemy, pydantic, the models, the
UI and what the pages use: ~0.6 s on an idle 2-core machine, more under load) inside its first
page, and ten teammates opening the app together all wait on it (issue 25). Here they are
imported while the server starts, before anyone connects: only imports, no page runs, no
database is touched, Streamlit's runtime does not exist yet.

A module that declares a custom component (``streamlit_autorefresh``) must not be imported
here: Streamlit registers a (v1) component only when it is declared during a script run, so
:func:`aytada.ui.widgets.live_refresh` imports it when it first draws it. :func:`warm` leaves
out anything outside the app's own imports and :data:`ALSO`.
"""

from __future__ import annotations

import ast
import sys
import time
from pathlib import Path

PAGES = Path(__file__).resolve().parent
FRAME = "app"  # app_pages/app.py: the frame Home.py runs
NOT_PAGES = {"__init__", "__main__", "serve"}
#: Imported on the pages' first runs by what they call: thumbnails (PIL), and Streamlit's
#: ``st.dataframe`` (the Hub's strategy board, Credits' ledger: pandas, pyarrow, numpy).
ALSO = ("PIL.Image", "PIL.ImageOps", "pandas", "pyarrow")


def page_imports() -> list[tuple[str, tuple[str, ...]]]:
    """(module, names) of each top-level ``import``/``from … import`` of the frame and the pages
    (the frame first), as :func:`warm` imports them."""
    found: list[tuple[str, tuple[str, ...]]] = [(f"{__package__ or 'app_pages'}.{FRAME}", ())]
    for path in sorted(PAGES.glob("*.py")):
        if path.stem in NOT_PAGES:
            continue
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Import):
                found += [(alias.name, ()) for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                if node.module != "__future__":
                    found.append((node.module, tuple(a.name for a in node.names)))
    return list(dict.fromkeys(found))


def warm() -> float:
    """Import what the frame and the pages import (``from X import y`` imports submodule
    ``X.y`` as Python does) and :data:`ALSO`, and load Streamlit's emoji and icon catalogues;
    the seconds it took."""
    t0 = time.perf_counter()
    for module, names in page_imports():
        __import__(module, fromlist=names)
    for module in ALSO:
        __import__(module)
    from aytada.ui.streamlit_compat import load_catalogues

    load_catalogues()
    return time.perf_counter() - t0


def main() -> None:
    try:
        seconds = warm()
        print(f"app_pages.serve: the app's modules imported in {seconds:.2f} s", flush=True)
    except Exception as exc:  # noqa: BLE001 - the first page imports it again and shows why
        print(f"app_pages.serve: importing the app's modules failed: {exc!r}", file=sys.stderr)
    from streamlit.web.cli import main as streamlit_main

    streamlit_main(prog_name="streamlit")


if __name__ == "__main__":
    main()
