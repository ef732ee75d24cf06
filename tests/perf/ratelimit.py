# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Twenty senders set up in parallel (``--forks 20``, one inventory host per sender, each with its own
domain, IP, pool and link) against a simulator that allows N requests per second."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from tests.perf import overhead
from tests.support import scenarios


def sender_host(number: int) -> dict:
    domain = "sender%02d.perf.example.com" % number
    return {
        "ansible_connection": "local",
        "sender_setup_domain": domain,
        "sender_setup_ips": ["198.51.100.%d" % number],
        "sender_setup_ip_pool": "pool-%02d" % number,
    }


def fleet_ips(senders: int) -> list:
    return ["198.51.100.%d" % number for number in range(1, senders + 1)]


def inventory(senders: int, workdir: Path) -> Path:
    """A YAML (JSON) inventory: the shared sender settings as group vars, one host per sender.

    Every host is a different sender of one SendGrid account, so none of them sets the default domain or
    link (twenty senders that all declare ``default: true`` would take the flag from each other) and none
    associates subusers (a subuser has one link; twenty senders would fight over it).
    """
    shared = scenarios.sender_vars(Path("/dev/null"))
    for name in ("sender_setup_domain", "sender_setup_ips", "sender_setup_ip_pool"):
        shared.pop(name)
    shared.update({"sender_setup_default": None, "sender_setup_link_default": None, "sender_setup_subusers": [], "sender_setup_zone_file": "",
                   "ansible_python_interpreter": sys.executable})
    hosts = {"sender%02d" % number: sender_host(number) for number in range(1, senders + 1)}
    path = workdir / ("fleet-%d.json" % senders)
    workdir.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"all": {"vars": shared, "hosts": hosts}}, indent=1))
    return path


@dataclass
class FleetRun:
    label: str
    rate_limit: object
    seconds: float
    count: scenarios.Count
    changed: int
    failed: int
    hosts: int
    rc: int
    strategy: str = "linear"
    api_seconds: Optional[float] = None
    other_seconds: Optional[float] = None

    @property
    def ideal(self):
        if not self.rate_limit:
            return None
        return (self.count.reads + self.count.writes) / float(self.rate_limit)

    @property
    def ratio(self):
        return None if not self.ideal else self.seconds / self.ideal


def prepare_fleet(sim, senders: int) -> None:
    sim.reset()
    sim.clear_requests()
    sim.clear_faults()
    sim.clear_dns()
    sim.add_ips(fleet_ips(senders))


def api_task_seconds(trace: list) -> tuple:
    """(seconds spent in tasks that call SendGrid, seconds in the other tasks) of a linear-strategy run:
    a task lasts from its start until its last host answered."""
    tasks: list = []  # [action, seconds] per task; a task's results arrive together under linear
    previous = None
    for entry in trace:
        key = (entry["task"], entry["action"])
        if key != previous:
            tasks.append([entry["action"], 0.0])
            previous = key
        tasks[-1][1] = max(tasks[-1][1], entry["seconds"] or 0.0)
    api = sum(seconds for action, seconds in tasks if action.startswith("mailops.sendgrid.") and action != "mailops.sendgrid.sendgrid_dns_check")
    return api, sum(seconds for _task, seconds in tasks) - api


def run_fleet(sim, label: str, senders: int, workdir: Path, rate_limit=None, strategy: str = "linear") -> FleetRun:
    """One run of playbooks/sender_setup.yml over every host at once (forks = senders)."""
    path = inventory(senders, workdir)
    trace_file = workdir / ("trace-%s-%s-%s.jsonl" % (label, rate_limit, strategy))
    if trace_file.exists():
        trace_file.unlink()
    env = dict(overhead.trace_env(trace_file), ANSIBLE_STRATEGY=strategy)
    sim.set_rate_limit(rate_limit)
    sim.clear_requests()
    try:
        run = scenarios.run_playbook(sim, scenarios.PLAYBOOKS / "sender_setup.yml", workdir, {"sendgrid_hosts": "all"},
                                     args=("--forks", str(senders)), inventory=str(path), env=env)
    finally:
        sim.set_rate_limit(None)
    count = scenarios.Count.of(sim.requests())
    trace = overhead.read_trace(trace_file) if trace_file.exists() else []
    api, other = api_task_seconds(trace) if strategy == "linear" else (None, None)
    result = FleetRun(label, rate_limit, run.seconds, count, run.changed, run.failed, len(run.recap), run.rc, strategy, api, other)
    if run.rc != 0 and run.failed == 0:
        raise RuntimeError("the fleet run %s failed before any host ran:\n%s" % (label, run.describe()))
    return result
