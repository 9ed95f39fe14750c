#!/usr/bin/env bash
# Start the whole app on embedded defaults: database migrated, Redis, workers, the reconciler
# and Streamlit on http://127.0.0.1:8501. Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh runtime
exec .venv/bin/python -m aytada up "$@"
