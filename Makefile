# Maillage: `make run` (demo data + development server), `make test`, `make lint`,
# `make translations` (extract the interface's texts, update and compile the English catalogue).
# Needs only python3 (3.11 or newer) and make; Python packages go into .venv, and the few system
# packages (Pango for PDF documents; pdftotext and Chromium for the tests) are installed by
# scripts/system-packages when missing — or it says, in one sentence, which command to run.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Reinstall only when the packaging files change.
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test lint install translations system-packages-run system-packages-test

run: $(STAMP) system-packages-run
	$(BIN)/maillage demo
	$(BIN)/maillage serve --host $(HOST) --port $(PORT)

test: $(STAMP) system-packages-test
	$(BIN)/pytest $(PYTEST_ARGS)

system-packages-run system-packages-test: system-packages-%:
	scripts/system-packages $*

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

install: $(STAMP)

# Message ids are the French texts; the keywords below must match tests/unit/test_translations.py.
POT := build/messages.pot
translations: $(STAMP)
	mkdir -p build
	$(BIN)/pybabel extract -F babel.cfg -k lazy_gettext -k _l --sort-by-file \
		--project Maillage -o $(POT) .
	$(BIN)/pybabel update -i $(POT) -d web/translations --ignore-obsolete
	$(BIN)/pybabel compile -d web/translations --statistics

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): setup.cfg pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)
