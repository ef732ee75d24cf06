# mailops.sendgrid developer commands. The logic lives in tests/tools/harness.sh (see tests/tools/README.md).
#
#   make test         the one test command (README and CI): venv, lint, ansible-test sanity, pytest
#   make sanity       ansible-test sanity only (on a copy under .build/sanity)
#   make units        pytest tests/unit tests/simulator_tests
#   make integration  pytest tests/integration (real ansible-playbook against the simulator)
#   make integration-dialects  tests/integration with the simulator playing every alternative SendGrid behaviour
#   make lint         antsibull-changelog lint, ruff check, yamllint, mypy, ansible-lint
#   make demo         python -m tests.tools.demo
#   make perf         the benchmark: python -m tests.perf, writes docs/performance.md (not part of make test; PERF_ARGS=...)
#   make reliability-report  tests/reliability, then docs/reliability.md from that run (make test never rewrites it)
#   make live-check   contract check against a real SendGrid test account (SENDGRID_API_KEY, LIVE_CHECK_DOMAIN)
#   make venv         only (re)build .venv when requirements-dev.txt changed
#   make clean        remove .build/ and caches (keeps .venv);  make distclean  also removes .venv
#
# Release checks (tests/tools/release.sh; tools from requirements-release.txt in .venv-release):
#   make docs         lint-collection-docs, the docsite into .build/docs/build/html, broken-link check
#   make artifact     build the tarball, galaxy-importer, offline install into a clean venv, demo against it
#   make matrix       nox + antsibull-nox: its checks, sanity + units on every maintained ansible-core line (oldest and newest Python)
#
# Knobs: PYTHON=python3.11  VENV=.venv  PYTEST_WORKERS=auto (0 = no xdist)  PYTEST_ARGS=...  SANITY_ARGS=...

PYTHON ?= python3.11
VENV ?= .venv
PYTEST_WORKERS ?= auto
PYTEST_ARGS ?=
SANITY_ARGS ?=
export PYTHON VENV PYTEST_WORKERS PYTEST_ARGS SANITY_ARGS

HARNESS := bash tests/tools/harness.sh
RELEASE := bash tests/tools/release.sh

.DEFAULT_GOAL := help
.PHONY: help test sanity units integration integration-dialects pytest lint demo perf reliability-report live-check venv link clean distclean docs docs-screenshots artifact matrix

help:
	@sed -n '3,20p' $(firstword $(MAKEFILE_LIST)) | sed 's/^# \{0,1\}//'

test:
	@$(HARNESS) test

sanity:
	@$(HARNESS) sanity

units:
	@$(HARNESS) units

integration:
	@$(HARNESS) integration

integration-dialects:
	@$(HARNESS) integration_dialects

pytest:
	@$(HARNESS) pytest

lint:
	@$(HARNESS) lint

demo:
	@$(HARNESS) demo

perf:
	@$(HARNESS) perf

reliability-report:
	@$(HARNESS) reliability_report

live-check:
	@$(HARNESS) live_check

venv:
	@$(HARNESS) venv

link:
	@$(HARNESS) link

clean:
	@$(HARNESS) clean

distclean:
	@$(HARNESS) distclean

docs:
	@$(RELEASE) docs

docs-screenshots:
	@$(RELEASE) docs screenshots

artifact:
	@$(RELEASE) artifact

matrix:
	@$(RELEASE) matrix
