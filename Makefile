# Two commands for a fresh machine:  `make run`  and  `make test`  (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
DEV_ENV := DJANGO_DEBUG=1

.PHONY: setup run test test-fast lint format chromium clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

setup: $(VENV)/.installed

run: setup
	@$(BIN)/python scripts/check-port $(HOST) $(PORT)
	$(BIN)/python scripts/reset-stale-demo-db
	$(DEV_ENV) $(BIN)/python manage.py migrate --noinput
	$(DEV_ENV) $(BIN)/python manage.py seed_demo --no-logins
	@echo ""
	@echo "サイト:     http://$(HOST):$(PORT)/"
	@echo "管理画面:   http://$(HOST):$(PORT)/admin/"
	@echo "ログイン（ユーザー名 / パスワード / 役割）:"
	@sed 's/^/  /; s/\t/ \/ /g' var/demo-credentials.txt
	@echo ""
	$(DEV_ENV) $(BIN)/python manage.py runserver $(HOST):$(PORT)

chromium:
	@command -v chromium >/dev/null 2>&1 || scripts/install-chromium

test: setup chromium
	$(BIN)/python -m pytest

test-fast: setup
	$(BIN)/python -m pytest -m "not e2e"

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) var media staticfiles .pytest_cache
