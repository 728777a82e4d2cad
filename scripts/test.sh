#!/usr/bin/env bash
# Run the whole suite against real PostgreSQL and Redis.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${VENV:-.venv}/bin
export DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/innovation}
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/0}
export DJANGO_SETTINGS_MODULE=config.settings.test

"$BIN/python" scripts/check_services.py
# The browser tests (tests/web) drive Debian's Chromium: a browser download by the test tool is
# impossible on our networks, so the system package is installed where it is missing.
if [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  echo "Installing Debian's chromium for the browser tests..."
  SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
fi
"$BIN/ruff" format --check --quiet .
"$BIN/ruff" check --quiet .
"$BIN/python" manage.py makemigrations --check --dry-run --verbosity 0 \
  || { echo "Models changed without a migration: run manage.py makemigrations."; exit 1; }
exec "$BIN/python" -m pytest -n "${TEST_PROCESSES:-2}" "$@"
