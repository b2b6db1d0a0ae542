# Quick start: `make run` (the app with demo data) and `make test` (the whole suite).
# Both install what they need on a fresh machine; later runs skip what is already done.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
POSTGRES_URL ?= postgresql://postgres@127.0.0.1:5432/postgres
CHROMIUM ?= /usr/bin/chromium
SOFFICE ?= /usr/bin/soffice
# Where `make run` serves; the demo's published memos link there.
HOST ?= 127.0.0.1
PORT ?= 5000
PUBLIC_BASE_URL ?= http://$(HOST):$(PORT)

.PHONY: run test test-postgres cluster install install-test system-libs lint translations messages chromium nginx libreoffice clean

run: install
	$(BIN)/facilitate db upgrade
	PUBLIC_BASE_URL=$(PUBLIC_BASE_URL) $(BIN)/facilitate demo
	$(BIN)/facilitate prepare-words
	PUBLIC_BASE_URL=$(PUBLIC_BASE_URL) $(BIN)/facilitate run --host $(HOST) --port $(PORT)

test: install-test chromium nginx libreoffice
	$(BIN)/pytest

# The suite against PostgreSQL (browser and cluster tests run once, in `make test`).
test-postgres: install-test libreoffice
	DATABASE_URL=$(POSTGRES_URL) $(BIN)/pytest -m "not browser and not cluster"

# Two processes on PostgreSQL and Redis behind nginx, with the demo data: http://127.0.0.1:8080/
cluster: install nginx
	$(BIN)/python deploy/cluster.py

lint: install-test
	$(BIN)/ruff check .

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[postgres]'
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@ $(VENV)/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: system-libs $(VENV)/.installed node_modules/.installed translations

install-test: system-libs $(VENV)/.installed-test node_modules/.installed translations

# WeasyPrint (memo PDFs) needs Pango and a font; Debian images usually have them.
system-libs:
	@ldconfig -p | grep -q libpangoft2-1.0 && fc-list 2>/dev/null | grep -qi dejavu || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && \
	    apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core; \
	  else echo "Install Pango and DejaVu fonts (sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core) for memo PDFs." >&2; exit 1; fi; }

# Compiled catalogues (.mo) are build output, made from the committed .po files.
translations: | $(BIN)/python
	$(BIN)/pybabel --quiet compile -f -d facilitate/translations

# Playwright drives Debian's Chromium; its own browser download does not work here.
chromium:
	@test -x $(CHROMIUM) || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium; \
	  else echo "Install Debian's chromium (sudo apt-get install chromium) for the browser tests." >&2; exit 1; fi; }

# Debian's nginx in front of several processes: `make cluster` and the cluster tests.
nginx:
	@command -v nginx >/dev/null || test -x /usr/sbin/nginx || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq nginx-light; \
	  else echo "Install Debian's nginx (sudo apt-get install nginx-light) for the cluster tests." >&2; exit 1; fi; }

# Debian's LibreOffice (Writer, no GUI) opens the memo's DOCX the way a reader's office suite
# would: tests/export converts it to PDF and reads the text and page count back.
libreoffice:
	@test -x $(SOFFICE) || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && \
	    apt-get install -y -qq --no-install-recommends libreoffice-writer-nogui; \
	  else echo "Install Debian's LibreOffice Writer (sudo apt-get install libreoffice-writer-nogui) for the DOCX tests." >&2; exit 1; fi; }

clean:
	rm -rf $(VENV) node_modules instance .pytest_cache

# After changing UI texts: refresh the template and the sv/en catalogues, then translate.
messages: | $(BIN)/python
	$(BIN)/pybabel --quiet extract -F babel.cfg -k _l -k lazy_gettext --no-location \
	  --sort-output --project facilitate -o facilitate/translations/messages.pot .
	$(BIN)/pybabel --quiet update -i facilitate/translations/messages.pot \
	  -d facilitate/translations --no-fuzzy-matching --ignore-obsolete
