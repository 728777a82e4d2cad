#!/usr/bin/env bash
# Run the benchmarks in bench/ (they print figures and assert nothing).
#   make bench                 every benchmark with its default sizes
#   make bench NAME=assignment one of them (bench/bench_assignment.py); extra args via ARGS="..."
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${VENV:-.venv}/bin
if [ -n "${NAME:-}" ]; then
  scripts=("bench/bench_${NAME}.py")
else
  scripts=(bench/bench_*.py)
fi
for script in "${scripts[@]}"; do
  [ -f "$script" ] || { echo "No such benchmark: $script"; exit 1; }
  echo "== $script"
  # shellcheck disable=SC2086
  "$BIN/python" "$script" ${ARGS:-}
done
