# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The figures of the reliability suite, and docs/reliability.md written from them.

Tests call ``record(section, **figures)``; the conftest records every test's outcome. Everything goes
to ``.build/reliability/<run id>/`` (the run id is shared by pytest-xdist workers), one file per
process, so that whichever process finishes last sees the whole run. The document is rewritten only
when every section of the suite ran and every collected reliability test has an outcome: a partial
run (``-k``, one file) leaves it alone, so it never shows figures of a run that did not happen.
"""

from __future__ import annotations

import datetime
import json
import os
import shutil
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
DOC = REPO / "docs" / "reliability.md"
RUNS = REPO / ".build" / "reliability"
SECTIONS = {
    "test_faults.py": "faults",
    "test_action_faults.py": "faults",
    "test_bad_input.py": "bad_input",
    "test_secrets.py": "secrets",
    "test_tls.py": "tls",
    "test_concurrency.py": "concurrency",
    "test_wrong_account.py": "wrong_account",
    "test_hostile.py": "hostile",
}

_figures = {}
_outcomes = {}
_expected = set()


def run_id():
    return os.environ.get("PYTEST_XDIST_TESTRUNUID") or os.environ.setdefault("RELIABILITY_RUN_ID", uuid.uuid4().hex)


def run_dir():
    path = RUNS / run_id()
    path.mkdir(parents=True, exist_ok=True)
    return path


def _save(kind, data):
    target = run_dir() / ("%s.%d.json" % (kind, os.getpid()))
    temporary = target.with_suffix(".tmp")
    temporary.write_text(json.dumps(data, indent=1, sort_keys=True, default=str))
    temporary.replace(target)


def record(section, **figures):
    """Add figures to a section (later calls add or replace keys)."""
    assert section in SECTIONS.values(), section
    _figures.setdefault(section, {}).update(figures)
    _save("figures", _figures)


def section_of(nodeid):
    name = nodeid.split("::", 1)[0].rsplit("/", 1)[-1]
    return SECTIONS.get(name)


def expect(nodeids):
    _expected.update(nodeids)
    _save("expected", sorted(_expected))


def outcome(nodeid, value):
    previous = _outcomes.get(nodeid)
    # A failed teardown after a passed call makes the test an error.
    if previous in (None, "passed") or value == "error":
        _outcomes[nodeid] = value
    _save("outcomes", _outcomes)


def load(kind):
    merged = {} if kind != "expected" else set()
    for path in sorted(run_dir().glob("%s.*.json" % kind)):
        data = json.loads(path.read_text())
        if kind == "expected":
            merged.update(data)
        elif kind == "figures":
            for section, figures in data.items():
                merged.setdefault(section, {}).update(figures)
        else:
            merged.update(data)
    return merged


def complete():
    """(figures, outcomes) when the whole suite ran in this run, else None."""
    figures, outcomes, expected = load("figures"), load("outcomes"), load("expected")
    if not expected or set(SECTIONS.values()) - set(figures):
        return None
    if {section_of(n) for n in expected} != set(SECTIONS.values()) or expected - set(outcomes):
        return None
    return figures, outcomes


# Only `make reliability-report` sets this: `make test` must leave the tracked document (and git status) alone.
WRITE_ENV = "MAILOPS_WRITE_RELIABILITY_REPORT"


def finish(render):
    """Write the document when the run is complete and asked for; answer what happened, for the terminal."""
    found = complete()
    if found is None:
        return None
    if not os.environ.get(WRITE_ENV):
        return "reliability figures of this run are in %s (run `make reliability-report` to write %s)" % (
            run_dir().relative_to(REPO), DOC.relative_to(REPO))
    figures, outcomes = found
    last = max(path.stat().st_mtime for path in run_dir().glob("*.json"))
    text = render(figures, outcomes, datetime.datetime.fromtimestamp(last, datetime.timezone.utc))
    if not DOC.exists() or DOC.read_text() != text:
        DOC.write_text(text)
    _prune()
    return "%s written from this run (%d reliability tests)" % (DOC.relative_to(REPO), len(outcomes))


def _prune(days=1):
    """Forget the figures of runs older than a day."""
    for path in RUNS.iterdir():
        if path.is_dir() and path.name != run_id() and time.time() - path.stat().st_mtime > days * 86400:
            shutil.rmtree(path, ignore_errors=True)
