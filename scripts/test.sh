#!/usr/bin/env bash
# Run the tests: the default run uses SQLite and the embedded Redis. Set TEST_DATABASE_URL
# (PostgreSQL) and TEST_REDIS_URL to run the same suite against servers: a TEST_REDIS_URL without
# a db number (redis://127.0.0.1:6379) gets a free db claimed for the run; with one
# (redis://127.0.0.1:6379/5) the run uses that db and stops if another live run holds it.
# With CI=true a skipped test fails the run (tests/conftest.py, CI_ALLOWED_SKIPS).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh dev
scripts/system-packages.sh
.venv/bin/ruff check .
.venv/bin/lint-imports
exec .venv/bin/python -m pytest "$@"
