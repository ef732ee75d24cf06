# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Collections of the Ansible community package for tests (awx.awx, amazon.aws), without Galaxy.

Galaxy is not reachable from every machine that runs the tests, PyPI is: the ``ansible`` package's wheel carries the
community collections. It is downloaded once into .build/cache/awx (its first user was the awx.awx test) and only the
collections asked for are extracted, into .build/cache/awx/collections.
"""

from __future__ import annotations

import contextlib
import fcntl
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
# The community package whose wheel carries them (ansible 12 goes with ansible-core 2.19).
ANSIBLE_PACKAGE = "ansible==12.3.0"
CACHE = REPO / ".build" / "cache" / "awx"
COLLECTIONS = CACHE / "collections"


class Unavailable(Exception):
    """The collection cannot be had here; the message says why."""


@contextlib.contextmanager
def _locked():
    # Two pytest-xdist workers may ask at once: one downloads and extracts, the other waits for it.
    CACHE.mkdir(parents=True, exist_ok=True)
    with open(CACHE / ".lock", "w", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def ensure(*names):
    """The collections root that holds every collection of ``names`` (``namespace.name``); ``Unavailable`` if it cannot."""
    with _locked():
        return _ensure(names)


def _ensure(names):
    missing = [name for name in names if not (COLLECTIONS / "ansible_collections" / name.replace(".", "/") / "MANIFEST.json").exists()]
    if not missing:
        return COLLECTIONS
    wheels = sorted(CACHE.glob("ansible-*.whl"))
    if not wheels:
        proc = subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", ANSIBLE_PACKAGE, "-d", str(CACHE)],
                              capture_output=True, text=True, timeout=600, check=False)
        wheels = sorted(CACHE.glob("ansible-*.whl"))
        if proc.returncode != 0 or not wheels:
            raise Unavailable("pip download %s failed: %s" % (ANSIBLE_PACKAGE, (proc.stderr or proc.stdout)[-300:]))
    prefixes = tuple("ansible_collections/%s/" % name.replace(".", "/") for name in missing)
    with zipfile.ZipFile(str(wheels[-1])) as wheel:
        wheel.extractall(str(COLLECTIONS), [member for member in wheel.namelist() if member.startswith(prefixes)])
    still = [name for name in missing if not (COLLECTIONS / "ansible_collections" / name.replace(".", "/") / "MANIFEST.json").exists()]
    if still:
        raise Unavailable("%s is not in %s" % (", ".join(still), wheels[-1].name))
    return COLLECTIONS


def ensure_or_skip(*names):
    """``ensure(*names)`` for a pytest fixture: the test is skipped, saying why, when the collections cannot be had."""
    try:
        return ensure(*names)
    except Unavailable as exc:
        pytest.skip("%s not available: %s" % (", ".join(names), exc))
