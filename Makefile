# Two commands do all set-up from a fresh clone: `make run` and `make test`.
# Set-up is stamped, so a second run does nothing when nothing changed.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PY_STAMP := $(VENV)/.installed
NPM_STAMP := node_modules/.installed
# Debian packages for spoken audio: espeak-ng (offline voice), lame (MP3 encoder/decoder).
APT_PACKAGES := espeak-ng lame
APT_STAMP := $(VENV)/.apt-installed
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: setup run test lint format bench clean

$(PY_STAMP): pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[web,audio,dev,aws]'
	touch $@

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(APT_STAMP):
	@missing=""; for p in $(APT_PACKAGES); do command -v $$p >/dev/null || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then $(SUDO) apt-get update && $(SUDO) apt-get install -y --no-install-recommends $$missing; fi
	mkdir -p $(@D) && touch $@

setup: $(PY_STAMP) $(NPM_STAMP) $(APT_STAMP)

run: $(PY_STAMP) $(APT_STAMP)
	$(PY) -m skill.simulator

lint: $(PY_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(PY_STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

test: setup lint
	$(PY) -m skill.audio check
	$(VENV)/bin/pytest

bench: setup
	$(PY) -m bench

# The web service on http://127.0.0.1:8080 (README, "Web service"). Dev mode by default, since
# nothing local signs like Alexa; `make serve SERVE_FLAGS= SKILL_ID=amzn1.ask.skill...` checks all.
.PHONY: serve
SERVE_FLAGS ?= --dev
SERVE_PORT ?= 8080
SKILL_ID ?= amzn1.ask.skill.00000000-0000-0000-0000-000000000000
serve: $(PY_STAMP)
	SKILL_ID=$(SKILL_ID) $(PY) -m skill.webservice --port $(SERVE_PORT) $(SERVE_FLAGS)

# Deploying (README, "Deploying"). `package` builds the Lambda zip and template offline into
# .serverless/; `deploy` needs AWS credentials and SKILL_ID; `deploy-skill` needs the ASK CLI.
.PHONY: package deploy deploy-skill lambda-requirements
package: $(NPM_STAMP)
	scripts/package.sh .serverless

deploy: $(NPM_STAMP)
	scripts/deploy.sh $(if $(STAGE),--stage $(STAGE)) $(if $(REGION),--region $(REGION))

deploy-skill:
	scripts/deploy_skill.sh

lambda-requirements: $(PY_STAMP)
	$(PY) scripts/lambda_requirements.py

clean:
	rm -rf $(VENV) node_modules .pytest_cache .ruff_cache .hypothesis .serverless
