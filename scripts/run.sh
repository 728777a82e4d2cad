#!/usr/bin/env bash
# Bring the product up locally: migrate, load demo data, start web + Celery worker + beat.
# Without DATABASE_URL it uses SQLite; without REDIS_URL kombu's filesystem broker (no servers).
# Ctrl-C stops everything this script started.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${VENV:-.venv}/bin
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-config.settings.local}
export VAR_DIR=${VAR_DIR:-$PWD/var}
mkdir -p "$VAR_DIR"

"$BIN/python" manage.py migrate --noinput
"$BIN/python" manage.py seed_demo
"$BIN/python" manage.py collectstatic --noinput --verbosity 0

pids=()
stop() {
  trap - INT TERM EXIT
  echo "Stopping web, worker and beat..."
  kill -TERM "${pids[@]}" 2>/dev/null || true
  # A warm worker shutdown waits for running tasks; give them 15 s, then stop hard.
  for _ in $(seq 150); do
    kill -0 "${pids[@]}" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "${pids[@]}" 2>/dev/null || true
  wait "${pids[@]}" 2>/dev/null || true
}
trap stop INT TERM EXIT

"$BIN/python" manage.py runserver "$HOST:$PORT" --noreload &
pids+=($!)
"$BIN/celery" -A config worker --loglevel=INFO --concurrency=2 --hostname "worker@%h" &
pids+=($!)
"$BIN/celery" -A config beat --loglevel=INFO --schedule "$VAR_DIR/celerybeat-schedule" &
pids+=($!)

cat <<MSG

  Web:       http://$HOST:$PORT/api/v1/     (browsable API; sign in at /api-auth/login/)
  API docs:  http://$HOST:$PORT/api/docs/
  Admin:     http://$HOST:$PORT/admin/
  Health:    http://$HOST:$PORT/healthz
  Database:  ${DATABASE_URL:-SQLite at $VAR_DIR/db.sqlite3}
  Broker:    ${REDIS_URL:-filesystem broker in $VAR_DIR/broker}
  Demo logins (password for all: $("$BIN/python" -c 'from core.demo import DEMO_PASSWORD; print(DEMO_PASSWORD)')):
$("$BIN/python" manage.py seed_demo --list-logins)

  Ctrl-C stops web, worker and beat.
MSG

# Exit as soon as any of the three dies, taking the others down with it.
wait -n "${pids[@]}"
