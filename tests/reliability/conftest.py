# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The reliability suite: the integration ``playbook`` fixture, and the hooks that turn the suite's
figures and outcomes into docs/reliability.md at the end of a complete run (see report.py)."""

from __future__ import annotations

import pytest

# The integration fixture, used here too.
from tests.integration.conftest import playbook  # noqa: F401  # pylint: disable=unused-import
from tests.reliability import report as figures
from tests.reliability.doc import render


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """Every reliability test collected, before -k/-m deselect any: a partial run does not rewrite the doc."""
    figures.expect(item.nodeid for item in items if figures.section_of(item.nodeid))


def pytest_runtest_logreport(report):
    if not figures.section_of(report.nodeid):
        return
    if report.when == "call":
        if hasattr(report, "wasxfail"):
            value = "xfailed" if report.skipped else "xpassed"
        else:
            value = report.outcome
    elif report.failed:
        value = "error"
    elif report.when == "setup" and report.skipped:
        value = "skipped"
    else:
        return
    figures.outcome(report.nodeid, value)


def pytest_sessionfinish(session):
    written = figures.finish(render)
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if written and reporter is not None:
        reporter.write_line(written)
