# Two commands set everything up on a fresh machine:
#   make html   build the lessons into site/
#   make test   run every test
# Both create .venv and install the pinned dependencies first.

PYTHON   ?= python3
VENV     := .venv
BIN      := $(VENV)/bin
STAMP    := $(VENV)/.installed
# Browser tests drive Debian's Chromium; Playwright never downloads a browser of its own.
CHROMIUM := /usr/bin/chromium
SUDO     := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Paper for the printable trainer pack (site/pack/): a4, or letter for US Letter.
PAPER    ?= a4

.PHONY: html single-file test lab voila check benchmark clean

# The build prints the trainer pack with Chromium, so it needs it as the tests do.
html: $(STAMP) $(CHROMIUM)
	$(BIN)/alliance build --paper $(PAPER)

single-file: $(STAMP) $(CHROMIUM)
	$(BIN)/alliance build --single-file --paper $(PAPER)

# JupyterHub's proxy for the hub test, at the versions and hashes in tools/hub-proxy/package-lock.json.
HUB_PROXY := tools/hub-proxy/node_modules/.bin/configurable-http-proxy

test: $(STAMP) $(CHROMIUM) $(HUB_PROXY)
	$(BIN)/python -m pytest

$(HUB_PROXY): tools/hub-proxy/package-lock.json
	npm ci --silent --no-audit --no-fund --prefix tools/hub-proxy
	touch $(HUB_PROXY)

$(CHROMIUM):
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium

# As root (many containers, a fresh server) JupyterLab refuses to start unless told.
lab: $(STAMP)
	@if [ "$$(id -u)" = 0 ]; then echo "Warning: running JupyterLab as root; on a shared machine, run it as an ordinary user."; fi
	$(BIN)/jupyter lab $$([ "$$(id -u)" = 0 ] && echo --allow-root) notebooks/

# Voilà: the lessons as an app, no code, a journal per visitor; on this computer only (docs/cohorts.md).
voila: $(STAMP)
	$(BIN)/alliance voila notebooks

check: $(STAMP)
	$(BIN)/alliance check

benchmark: $(STAMP) $(CHROMIUM)
	$(BIN)/python tools/benchmark.py

# Debian's python3 needs python3-venv before `python3 -m venv` works; install it if missing.
$(STAMP): pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || \
		{ echo "These lessons need Python 3.11 or newer: install it (for example: sudo apt-get install python3.11), then run make again with PYTHON=python3.11."; exit 1; }
	@$(PYTHON) -m venv --help >/dev/null 2>&1 && $(PYTHON) -c 'import ensurepip' 2>/dev/null || \
		{ echo "Installing python3-venv"; $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq python3-venv; }
	@# --clear: a venv left by another interpreter must not be mixed with this one.
	$(PYTHON) -m venv --clear $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[build,test]'
	@# JupyterLab: no news or update checks, which would reach out to the internet.
	mkdir -p $(VENV)/share/jupyter/lab/settings
	cp alliance/static/jupyterlab-overrides.json $(VENV)/share/jupyter/lab/settings/overrides.json
	touch $(STAMP)

clean:
	rm -rf $(VENV) site .cache
