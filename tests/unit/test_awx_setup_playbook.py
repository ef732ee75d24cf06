# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""docs/awx/setup_awx.yml (issue 16): the awx.awx playbook passes --syntax-check and ansible-lint.

No AWX server can run here, so the playbook is not run against one. awx.awx is not on PyPI on its own: it is taken
from the ``ansible`` community package's wheel (downloaded once into .build/cache/awx, only that collection
extracted). Without PyPI the tests are skipped, saying why.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.tools import community_collections

REPO = Path(__file__).resolve().parents[2]
PLAYBOOK = REPO / "docs" / "awx" / "setup_awx.yml"


@pytest.fixture(scope="module")
def awx_collections():
    return community_collections.ensure_or_skip("awx.awx")


def _env(collections):
    build = REPO / ".build" / "collections"
    return dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.pathsep.join([str(collections), str(build)]), ANSIBLE_NOCOLOR="1")


def ansible_playbook_command():
    # Beside this Python in make test's venv; on PATH under ansible-test units (the nox matrix), whose Python is a
    # delegation shim without ansible-core's scripts.
    local = Path(sys.executable).parent / "ansible-playbook"
    return str(local) if local.exists() else "ansible-playbook"


def test_the_awx_setup_playbook_passes_syntax_check(awx_collections):
    proc = subprocess.run([ansible_playbook_command(), "--syntax-check", str(PLAYBOOK)],
                          env=_env(awx_collections), capture_output=True, text=True, timeout=300, check=False, cwd=str(REPO))
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_the_awx_setup_playbook_passes_ansible_lint(awx_collections):
    lint = Path(sys.executable).parent / "ansible-lint"
    if not lint.exists():
        # make test's venv has it (requirements-dev.txt); the version matrix's venvs (noxfile.py) hold ansible-core only.
        pytest.skip("ansible-lint is not installed beside this Python (make test installs it)")
    proc = subprocess.run([str(lint), "--offline", "--profile", "production", str(PLAYBOOK)],
                          env=_env(awx_collections), capture_output=True, text=True, timeout=600, check=False, cwd=str(REPO))
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]


def test_the_setup_playbook_uses_the_credential_type_file_beside_it():
    # The credential type is defined once (credential_type.yml, also tested against the modules' checks).
    assert "lookup('ansible.builtin.file', 'credential_type.yml')" in PLAYBOOK.read_text()
