#!/usr/bin/env bash
# Run the tests: the default run uses SQLite and the embedded Redis. Set TEST_DATABASE_URL
# (PostgreSQL) and TEST_REDIS_URL to run the same suite against servers.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh dev
scripts/system-packages.sh
.venv/bin/ruff check .
.venv/bin/lint-imports
exec .venv/bin/python -m pytest "$@"
