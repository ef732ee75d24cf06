# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Run real ``ansible-playbook`` against the simulator and read back every task result."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.collection import REPO, collections_path
from tests.support.playbooks import playbook_command
CALLBACKS = Path(__file__).resolve().parent / "callback_plugins"


@dataclass
class PlaybookRun:
    rc: int
    stdout: str
    stderr: str
    results: list

    def task(self, name):
        """The one result of the task called ``name`` (fails the test when missing or repeated)."""
        found = [r for r in self.results if r["task"] == name]
        assert len(found) == 1, "task %r ran %d times: %s" % (name, len(found), [r["task"] for r in self.results])
        return found[0]["result"]

    @property
    def changed(self):
        return [r["task"] for r in self.results if r["result"].get("changed")]

    @property
    def failed(self):
        return [r["task"] for r in self.results if r["status"] == "failed"]


def ansible_env(simulator, extra=None):
    env = dict(os.environ)
    env.update(
        {
            "ANSIBLE_COLLECTIONS_PATH": collections_path(),
            "ANSIBLE_CALLBACK_PLUGINS": str(CALLBACKS),
            "ANSIBLE_CALLBACKS_ENABLED": "record_results",
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_RETRY_FILES_ENABLED": "0",
            "ANSIBLE_LOCALHOST_WARNING": "0",
            "ANSIBLE_INVENTORY_UNPARSED_WARNING": "0",
            "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
            "SENDGRID_API_URL": simulator.base_url,
            "SENDGRID_API_KEY": simulator.api_key,
        }
    )
    env.update(extra or {})
    return env


@pytest.fixture
def playbook(simulator, tmp_path):
    """``playbook(text_or_path, extra_vars=None, check=False, diff=False, verbosity=0, env=None)``.

    ``text_or_path`` is YAML text (a list of plays, or only tasks: then it is wrapped in a localhost
    play) or the path of a playbook file. Returns a ``PlaybookRun``.
    """
    counter = {"n": 0}

    def _run(text_or_path, extra_vars=None, check=False, diff=False, verbosity=0, env=None, args=()):
        counter["n"] += 1
        if isinstance(text_or_path, Path):
            path = text_or_path
        else:
            text = textwrap.dedent(text_or_path)
            if not text.lstrip().startswith("- hosts:") and not text.lstrip().startswith("- name: play"):
                text = "- hosts: localhost\n  gather_facts: false\n  tasks:\n" + textwrap.indent(text, "    ")
            path = tmp_path / ("play%d.yml" % counter["n"])
            path.write_text(text)
        record = tmp_path / ("results%d.jsonl" % counter["n"])
        command = playbook_command(path, extra_vars=extra_vars, check=check, diff=diff, verbosity=verbosity, args=args)
        run_env = ansible_env(simulator, dict(env or {}, RECORD_RESULTS_FILE=str(record)))
        proc = subprocess.run(command, cwd=str(REPO), env=run_env, capture_output=True, text=True, timeout=600, check=False)
        results = [json.loads(line) for line in record.read_text().splitlines()] if record.exists() else []
        return PlaybookRun(proc.returncode, proc.stdout, proc.stderr, results)

    return _run
