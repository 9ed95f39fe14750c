#!/usr/bin/env bash
# Run the tests. The default run uses SQLite and the embedded Redis; set TEST_DATABASE_URL
# (PostgreSQL) and TEST_REDIS_URL to run against servers: a TEST_REDIS_URL without a db number
# (redis://127.0.0.1:6379) gets a free db claimed for each test process; with one
# (redis://127.0.0.1:6379/5) there can be only one test process, and it stops if another live
# run holds that db. With CI=true a skipped test fails the run (tests/conftest.py).
#
#   scripts/test.sh              everything: lint, formatting, import contracts, types, all tiers
#   scripts/test.sh --fast       the unit tier only (no worker process, browser or full render)
#   scripts/test.sh --db-only    only the tests that use the database or the queue (CI's
#                                PostgreSQL run: the others do not depend on the database),
#                                but not those whose subject is the rendered media (marked media)
#                                or the app's processes and Redis (marked services)
#   scripts/test.sh [--fast] ARGS   ARGS go to pytest (e.g. tests/core -k ledger)
#
# Tests run in parallel (pytest-xdist, work-stealing), one process per core; TEST_PROCESSES=N sets another
# number (1: no parallelism, as when a Redis db number is given).
set -euo pipefail
cd "$(dirname "$0")/.."
# Python caches compiled modules (__pycache__, ignored by git): without the cache every worker,
# CLI and server process a test starts compiles every module it imports again (~0.8 s of CPU
# for ours alone). A machine may turn it off (PYTHONDONTWRITEBYTECODE=1), and the installer
# leaves the compiling to the first import
unset PYTHONDONTWRITEBYTECODE
tier=()
checks=1
case "${1:-}" in
  --fast) tier=(-m unit); checks=0; shift ;;
  --db-only) tier=(-m "db and not e2e and not media and not services"); checks=0; shift ;;
esac
scripts/bootstrap.sh dev
scripts/system-packages.sh
.venv/bin/ruff check .
mypy_pid=""
mypy_log=$(mktemp)
if [ "$checks" = 1 ]; then
  .venv/bin/ruff format --check --quiet . || {
    echo "ruff format would change the files above: run .venv/bin/ruff format ." >&2; exit 1; }
  .venv/bin/lint-imports --no-cache >/dev/null || .venv/bin/lint-imports --no-cache
  # the type check runs beside the tests (its verdict counts all the same, printed after them)
  .venv/bin/mypy >"$mypy_log" 2>&1 &
  mypy_pid=$!
fi
processes=${TEST_PROCESSES:-$(nproc 2>/dev/null || echo 2)}
parallel=()
if [ "$processes" -gt 1 ]; then
  # worksteal: an idle process takes pending tests from a busy one, so the run does not end
  # with one process working alone through the long tests it was handed at the start
  parallel=(-n "$processes" --dist worksteal)
fi
set +e
.venv/bin/python -m pytest "${parallel[@]}" "${tier[@]}" "$@"
status=$?
set -e
if [ -n "$mypy_pid" ]; then
  if wait "$mypy_pid"; then
    tail -1 "$mypy_log"
  else
    cat "$mypy_log" >&2
    echo "mypy found type errors in aytada/core or aytada/jobs (above)" >&2
    [ "$status" = 0 ] && status=1
  fi
fi
rm -f "$mypy_log"
exit "$status"
