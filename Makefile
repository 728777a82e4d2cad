# The two commands a newcomer needs:
#   make run   - the product from nothing: venv, pinned install, migrate, demo data, web + worker + beat
#   make test  - the whole suite against real PostgreSQL and Redis
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test lint format bench schema deploy-check clean

$(BIN)/.installed: requirements.txt requirements-dev.txt
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is required ($(PYTHON) not found)."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

run: $(BIN)/.installed
	bash scripts/run.sh

test: $(BIN)/.installed
	bash scripts/test.sh

lint: $(BIN)/.installed
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

format: $(BIN)/.installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(BIN)/.installed
	NAME=$(NAME) ARGS="$(ARGS)" bash scripts/bench.sh

schema: $(BIN)/.installed
	$(BIN)/python manage.py spectacular --validate --fail-on-warn --file var/openapi.yaml

clean:
	rm -rf var/broker var/db.sqlite3* var/celerybeat-schedule*
