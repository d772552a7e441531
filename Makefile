# Two commands do all set-up from a fresh clone: `make run` and `make test`.
# Set-up is stamped, so a second run does nothing when nothing changed.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PY_STAMP := $(VENV)/.installed
NPM_STAMP := node_modules/.installed
# Debian packages: espeak-ng (offline voice), lame (MP3 encoder/decoder), chromium (the web
# simulator's browser tests, driven by Playwright; never `playwright install`).
APT_PACKAGES := espeak-ng lame chromium
APT_STAMP := $(VENV)/.apt-installed
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: setup run web test test-fast lint format bench clean

$(PY_STAMP): pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[web,audio,simulator,dev,aws,ops]'
	touch $@

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(APT_STAMP): Makefile
	@missing=""; for p in $(APT_PACKAGES); do command -v $$p >/dev/null || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then $(SUDO) apt-get update && $(SUDO) apt-get install -y --no-install-recommends $$missing; fi
	mkdir -p $(@D) && touch $@

setup: $(PY_STAMP) $(NPM_STAMP) $(APT_STAMP)

run: $(PY_STAMP) $(APT_STAMP)
	$(PY) -m skill.simulator

# The web simulator on http://127.0.0.1:8000 (docs/simulator.md); WEB_FLAGS="--port 9000".
WEB_FLAGS ?=
web: $(PY_STAMP)
	$(PY) -m skill.simulator --web $(WEB_FLAGS)

# mypy checks skill/ ([tool.mypy] in pyproject.toml).
lint: $(PY_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: $(PY_STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Everything: lint, the clip check and every test layer (unit, integration, e2e; tests/layers.py).
test: setup lint
	$(PY) -m skill.audio check
	$(VENV)/bin/pytest

# The unit layer alone, in seconds: pure functions, handlers through envelopes, content.
test-fast: $(PY_STAMP)
	$(VENV)/bin/pytest -m unit

bench: setup
	$(PY) -m bench

# The web service on http://127.0.0.1:8080 (docs/web-service.md). Dev mode by default, since
# nothing local signs like Alexa; `make serve SERVE_FLAGS= SKILL_ID=amzn1.ask.skill...` checks all.
.PHONY: serve
SERVE_FLAGS ?= --dev
SERVE_PORT ?= 8080
SKILL_ID ?= amzn1.ask.skill.00000000-0000-0000-0000-000000000000
serve: $(PY_STAMP)
	SKILL_ID=$(SKILL_ID) $(PY) -m skill.webservice --port $(SERVE_PORT) $(SERVE_FLAGS)

# Deploying (docs/deploying.md). `package` builds the Lambda zip and template offline into
# .serverless/ (us-east-1) and .serverless/<region>/ (the other Alexa regions); `deploy` needs
# AWS credentials and SKILL_ID; `deploy-skill` needs the ASK CLI. REGIONS="eu-west-1 ..." picks
# some of us-east-1, eu-west-1 and us-west-2 (default: all three).
.PHONY: package deploy deploy-skill lambda-requirements
REGION_FLAGS = $(if $(STAGE),--stage $(STAGE)) $(if $(REGIONS),--regions "$(REGIONS)")
package: $(NPM_STAMP)
	scripts/package.sh .serverless $(REGION_FLAGS)

deploy: $(NPM_STAMP)
	scripts/deploy.sh $(REGION_FLAGS)

deploy-skill:
	scripts/deploy_skill.sh

lambda-requirements: $(PY_STAMP)
	$(PY) scripts/lambda_requirements.py

clean:
	rm -rf $(VENV) node_modules .pytest_cache .ruff_cache .hypothesis .serverless
