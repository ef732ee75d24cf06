# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible_collections.mailops.sendgrid.tests.unit.plugins.modules.utils import run_module


@pytest.fixture(autouse=True)
def _no_sleep(monkeypatch):
    """Retries and validation waits never sleep in unit tests; the sleeps are recorded instead."""
    slept = []
    monkeypatch.setattr("time.sleep", slept.append)
    # The jitter added to 429 waits is random; tests that are about it set it themselves.
    monkeypatch.setattr("ansible_collections.mailops.sendgrid.plugins.module_utils._api._jitter_fraction", lambda: 0.0)
    return slept


@pytest.fixture(autouse=True)
def _own_rate_gate(monkeypatch, tmp_path):
    """Each test has its own rate-gate folder: a 429 of one test (on a fake clock) never holds back another."""
    monkeypatch.setattr("ansible_collections.mailops.sendgrid.plugins.module_utils._rate_gate.DEFAULT_DIRECTORY", str(tmp_path / "rate-gate"))


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch):
    for name in ("SENDGRID_API_KEY", "SENDGRID_API_URL"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def run(requests_mock, monkeypatch):
    """``run(module, args, calls, check_mode=False, diff=False)`` → the module's result."""

    def _run(module, args, calls, **kwargs):
        return run_module(module, args, calls, requests_mock=requests_mock, monkeypatch=monkeypatch, **kwargs)

    return _run
