# ZI Portal — the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
HOST   ?= 127.0.0.1
PORT   ?= 8000
export VENV PYTHON

.PHONY: help run setup venv venv-dev test lint fmt messages services-up services-down bench clean

help:            ## list the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*##/\t/'

run: setup       ## the portal with demo data on SQLite + local files, at http://127.0.0.1:8000
	@echo "ZI Portal: http://$(HOST):$(PORT)/  (akun demo: lihat README, sandi demo-zi-2026)"
	HOST=$(HOST) PORT=$(PORT) bash .ci/jalan

setup: venv      ## venv, Debian runtime packages, migrations, LKE instrument and demo data
	@bash .ci/paket-runtime
	$(PY) manage.py migrate --noinput
	$(PY) manage.py muat_instrumen
	$(PY) manage.py demo

venv:            ## create .venv and install requirements.txt (only when they changed)
	@bash .ci/venv requirements.txt

venv-dev:        ## .venv with the test tools of requirements-dev.txt
	@bash .ci/venv requirements-dev.txt

test:            ## everything CI runs: Debian packages, PostgreSQL + Redis on loopback, ruff, checks, pytest
	bash .ci/uji $(ARGS)

lint: venv-dev   ## ruff check + format check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

fmt: venv-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

messages: venv   ## refresh and compile the English catalogue (needs gettext)
	$(PY) manage.py makemessages -l en --no-obsolete --ignore=.venv --ignore=var
	$(PY) manage.py compilemessages -l en --ignore=.venv

services-up:     ## start PostgreSQL + Redis on loopback and leave them running (source the env file printed)
	bash .ci/layanan up

services-down:   ## stop them
	bash .ci/layanan down

bench: venv-dev  ## benchmarks on the production stack; figures go to var/bench/*.json (BENCH_DIR)
	bash .ci/bench

clean: services-down ## stop services, drop .venv and var/
	rm -rf $(VENV) var
