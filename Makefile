# Narratives Hub: `make run` and `make test` work on a fresh machine with Python 3.11+.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
FLASK := $(VENV)/bin/flask --app wsgi
HUB_PORT ?= 5000
TEST_WORKERS ?= 2
NPM ?= npm
export HUB_PORT

.PHONY: run test lint format venv install npm translations clean bench

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

venv install: $(VENV)/.installed

# Node packages the tests use (axe-core for the accessibility checks), pinned in
# package-lock.json. Without npm the step is skipped: the tests that need them then skip, or
# fail under HUB_TEST_REQUIRE_ALL=1 (as CI runs them).
node_modules/.installed: package.json package-lock.json
	@if command -v $(NPM) >/dev/null 2>&1; then \
	  $(NPM) ci --no-audit --no-fund --loglevel=error && touch $@; \
	else \
	  echo "npm not found: node packages (axe-core) not installed;" \
	    "the accessibility tests will skip (install nodejs and npm, then run make npm)"; \
	fi

npm: node_modules/.installed

translations: $(VENV)/.installed
	$(FLASK) hub translations compile

run: $(VENV)/.installed translations
	HUB_COOKIE_SECURE=$${HUB_COOKIE_SECURE:-0} $(FLASK) hub init
	HUB_COOKIE_SECURE=$${HUB_COOKIE_SECURE:-0} $(FLASK) hub demo --if-empty
	HUB_COOKIE_SECURE=$${HUB_COOKIE_SECURE:-0} $(FLASK) hub publish-due --every 60 & \
	  trap 'kill $$! 2>/dev/null' EXIT INT TERM; \
	  HUB_COOKIE_SECURE=$${HUB_COOKIE_SECURE:-0} $(FLASK) run --host 127.0.0.1 --port $(HUB_PORT) --with-threads

test: $(VENV)/.installed node_modules/.installed translations
	$(VENV)/bin/pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) instance .pytest_cache node_modules
