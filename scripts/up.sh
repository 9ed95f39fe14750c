#!/usr/bin/env bash
# Start the whole app on embedded defaults: database migrated, Redis, workers, the reconciler
# and Streamlit on http://127.0.0.1:8501. Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh runtime
# The offline voiceover needs espeak-ng: install it (as root on Debian) or refuse to start
# without a voice, rather than make ads whose voiceover step can only fail.
if ! command -v espeak-ng >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing espeak-ng (the offline voice)" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null 2>&1 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq espeak-ng >/dev/null 2>&1 || true
  fi
  if ! command -v espeak-ng >/dev/null 2>&1 &&
     [ -z "$(.venv/bin/python -c 'from aytada.core.settings import get_settings as g; print(g().elevenlabs_api_key.get_secret_value())' 2>/dev/null)" ]; then
    echo "error: espeak-ng is not installed and ELEVENLABS_API_KEY is not set, so video ads" \
         "would have no voice. Install it (sudo apt-get install espeak-ng, or brew install" \
         "espeak-ng) or set ELEVENLABS_API_KEY, then run scripts/up.sh again." >&2
    exit 2
  fi
fi
exec .venv/bin/python -m aytada up "$@"
