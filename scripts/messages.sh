#!/usr/bin/env bash
# Rebuild every translation catalogue of the product, then compile them.
#   bash scripts/messages.sh          # update the .po files from the source and compile .mo
# The root catalogue (locale/) holds the domain apps' messages; each web app keeps its own
# (web/<app>/locale/) so that helpers working on different audiences never edit one .po file.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="$(realpath -m "${VENV:-.venv}")/bin/python"
export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-config.settings.test}
# A domain app may keep its own catalogue too (finals/locale/): the root one leaves it out.
OWN_CATALOGUES=()
OWN_IGNORES=()
for dir in */locale; do
  [ -d "$dir" ] || continue
  OWN_CATALOGUES+=("${dir%/locale}/")
  OWN_IGNORES+=(--ignore "${dir%/locale}/*")
done
"$PY" manage.py makemessages -l zh_Hans --no-obsolete --no-location --ignore '.venv/*' --ignore 'web/*' \
  "${OWN_IGNORES[@]}" \
  --ignore 'tests/*' --ignore 'bench/*' --ignore 'var/*' --ignore 'docs/*' --verbosity 0
for app in web/*/ "${OWN_CATALOGUES[@]}"; do
  [ -d "$app/locale" ] || continue
  # Without settings, makemessages writes to the app's own locale/ (with settings it would pick
  # the root one, LOCALE_PATHS[0]); -P keeps the app folder off sys.path (finals/selectors.py,
  # publicity/selectors.py would shadow the standard library's selectors).
  (cd "$app" && env -u DJANGO_SETTINGS_MODULE "$PY" -P -m django makemessages -l zh_Hans --no-location \
    --no-obsolete --verbosity 0)
done
"$PY" manage.py compilemessages --ignore '.venv/*' --verbosity 0
