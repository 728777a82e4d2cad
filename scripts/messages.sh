#!/usr/bin/env bash
# Rebuild every translation catalogue of the product, then compile them.
#   bash scripts/messages.sh          # update the .po files from the source and compile .mo
# The root catalogue (locale/) holds the domain apps' messages; each web app keeps its own
# (web/<app>/locale/) so that helpers working on different audiences never edit one .po file.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="$(realpath -m "${VENV:-.venv}")/bin/python"
export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-config.settings.test}
"$PY" manage.py makemessages -l zh_Hans --no-obsolete --no-location --ignore '.venv/*' --ignore 'web/*' \
  --ignore 'publicity/*' --ignore 'certificates/*' --ignore 'tests/*' --ignore 'bench/*' --ignore 'var/*' --ignore 'docs/*' --verbosity 0
# publicity/ and certificates/ keep their own catalogue too (issue 13, built beside other work).
for app in web/*/ publicity/ certificates/; do
  [ -d "$app/locale" ] || continue
  # Without settings, makemessages writes to the app's own locale/ (with settings it would pick
  # the root one, LOCALE_PATHS[0]). -P: the app folder is not on sys.path (publicity/selectors.py
  # would shadow the standard library module).
  (cd "$app" && env -u DJANGO_SETTINGS_MODULE "$PY" -P -m django makemessages -l zh_Hans --no-location \
    --no-obsolete --verbosity 0)
done
"$PY" manage.py compilemessages --ignore '.venv/*' --verbosity 0
