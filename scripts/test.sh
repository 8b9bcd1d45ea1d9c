#!/usr/bin/env bash
# Install what the checks need and run them: the README's test command, and what CI runs.
# ruff, mypy and the import contracts first (each fails the run), then the tests in parallel.
# As root on Debian it also installs tmux and chromium (for the terminal and browser tests);
# elsewhere those tests are skipped with a reason when the programs are missing.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  missing=()
  command -v tmux >/dev/null 2>&1 || missing+=(tmux)
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  command -v npm >/dev/null 2>&1 || missing+=(npm)
  compgen -G "/usr/lib/postgresql/*/bin/pg_ctl" >/dev/null || missing+=(postgresql)  # the team store's tests
  if [ ${#missing[@]} -gt 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

python3 -m venv .venv
# shellcheck disable=SC1091
. .venv/bin/activate
python -m pip install -q --upgrade pip
python -m pip install -q -e '.[test,serve,web]'

if [ -f tests/e2e/browser/package.json ] && command -v npm >/dev/null 2>&1; then
  (cd tests/e2e/browser && npm ci --no-audit --no-fund --silent)
fi

echo "ruff check"
ruff check convo scripts tests
echo "mypy"
mypy convo
echo "lint-imports"
lint-imports

# One worker per core (pytest-xdist); a later -n in the arguments wins.
set +e
python -m pytest -q -n auto "$@"
status=$?
set -e
# pytest says 5 when it collected no tests; that is not a failure of the code under test.
if [ "$status" = 5 ]; then
  echo "pytest collected no tests"
  exit 0
fi
exit "$status"
