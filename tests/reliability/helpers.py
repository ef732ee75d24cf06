# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Run real ``ansible-playbook`` against any simulator (the integration ``playbook`` fixture is bound
to the session's simulator), several at once when asked, and read back every task result."""

from __future__ import annotations

import json
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import yaml

from tests.integration.conftest import ansible_env
from tests.support.playbooks import playbook_command

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
ACTION_PLUGINS = HERE / "action_plugins"


@dataclass
class Run:
    rc: int
    stdout: str
    stderr: str
    results: list
    seconds: float

    def entries(self, name, host=None):
        return [r for r in self.results if r["task"] == name and (host is None or r["host"] == host)]

    def entry(self, name, host=None):
        found = self.entries(name, host)
        assert len(found) == 1, "task %r (host %s) ran %d times" % (name, host, len(found))
        return found[0]

    def task(self, name, host=None):
        return self.entry(name, host)["result"]

    def failed(self):
        return [(r["host"], r["task"]) for r in self.results if r["status"] in ("failed", "unreachable")]

    @property
    def output(self):
        return self.stdout + self.stderr


def write_playbook(path, plays):
    """``plays``: a list of plays (dicts); written as YAML."""
    path = Path(path)
    path.write_text(yaml.safe_dump(plays, sort_keys=False, width=200))
    return path


def tasks_play(tasks, hosts="localhost", **play):
    return dict({"hosts": hosts, "gather_facts": False}, **play, tasks=tasks)


class Playbook:
    """One ``ansible-playbook`` process, started now; ``wait()`` gives its ``Run``."""

    def __init__(self, sim, path, workdir, inventory="localhost,", check=False, diff=False, verbosity=0,
                 extra_vars=None, env=None, unset=(), args=(), label="run"):
        workdir = Path(workdir)
        self.record = workdir / ("%s.results.jsonl" % label)
        if self.record.exists():
            self.record.unlink()
        command = playbook_command(path, inventory=inventory, extra_vars=extra_vars, check=check, diff=diff, verbosity=verbosity, args=args)
        base = sim if hasattr(sim, "base_url") else SimpleNamespace(base_url=sim[0], api_key=sim[1])
        run_env = ansible_env(base, dict(RECORD_RESULTS_FILE=str(self.record), ANSIBLE_ACTION_PLUGINS=str(ACTION_PLUGINS)))
        run_env.update(env or {})
        for name in unset:
            run_env.pop(name, None)
        self.command = command
        self.started = time.monotonic()
        self.process = subprocess.Popen(command, cwd=str(REPO), env=run_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self._output = None
        self._seconds = None
        # Read the output as it comes (a full pipe would block the playbook) and note when it ends.
        self._reader = threading.Thread(target=self._communicate, daemon=True)
        self._reader.start()

    def _communicate(self):
        self._output = self.process.communicate()
        self._seconds = time.monotonic() - self.started

    def wait(self, timeout=900):
        self._reader.join(timeout)
        if self._reader.is_alive():
            self.process.kill()
            self._reader.join()
            raise AssertionError("%s did not finish in %ss" % (" ".join(self.command), timeout))
        stdout, stderr = self._output
        results = [json.loads(line) for line in self.record.read_text().splitlines()] if self.record.exists() else []
        return Run(self.process.returncode, stdout, stderr, results, self._seconds)


def run_playbook(sim, path, workdir, **kwargs):
    return Playbook(sim, path, workdir, **kwargs).wait()
