# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Concurrency and rate limits (issue 8, part 5): twenty hosts set up their own sender with the
sender_setup role (domain authentication and link branding) at once, ``forks: 20``, against a
simulator that allows 10 API requests per second. Every task ends ok and nothing is duplicated.
The time taken is recorded next to the rate limit's lower bound (requests answered / limit); it is
a figure for docs/reliability.md, not an assertion.
"""

from __future__ import annotations

import json
import math
import sys

import pytest

from tests.reliability import fault_cases, report
from tests.reliability.helpers import REPO, Playbook
from tests.simulator.control import start_simulator

KEY = "SG.concurrency-key"
HOSTS = 20
RATE = 10
ROLE_VARS = {
    "sendgrid_hosts": "senders",
    "sender_setup_subdomain": "em",
    "sender_setup_link_subdomain": "ln",
    "sender_setup_dns_mode": "none",
    "sender_setup_validate": False,
    "sender_setup_dns_check": False,
    "sender_setup_reverse_dns": False,
    # Twenty processes writing at once is the per-host path (on the fleet path, the playbooks' default, one process
    # writes for all): that is what this test is about, so it asks for it.
    "sender_setup_fleet": False,
}


def inventory(path):
    hosts = {"sender%02d" % n: {"sender_setup_domain": "sender%02d.example.com" % n} for n in range(1, HOSTS + 1)}
    path.write_text(json.dumps({"senders": {"hosts": hosts, "vars": {"ansible_connection": "local", "ansible_python_interpreter": sys.executable}}}))
    return path


@pytest.fixture(scope="module")
def senders(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("concurrency")
    hosts = inventory(workdir / "senders.json")
    playbook = REPO / "playbooks" / "sender_setup.yml"
    args = ["-f", str(HOSTS), "-e", json.dumps(ROLE_VARS)]
    with start_simulator(api_key=KEY, rate_limit=RATE) as sim:
        run = Playbook(sim, playbook, workdir, inventory=hosts, args=args, label="senders").wait()
        log = sim.requests()
        state = sim.state()
    return run, log, state


def answered(log):
    return [e for e in log if e["status"] != 429]


def test_every_task_ends_ok_on_every_host(senders):
    run, log, _state = senders
    assert run.rc == 0, run.output[-3000:]
    assert run.failed() == []
    assert {r["host"] for r in run.results} == {"sender%02d" % n for n in range(1, HOSTS + 1)}
    # The SendGrid modules of every host (the role's input check, also a mailops.sendgrid action, changes nothing).
    modules = [r for r in run.results if r["action"].startswith("mailops.sendgrid.") and r["action"] != "mailops.sendgrid.sendgrid_sender_inputs"]
    assert len(modules) == 2 * HOSTS and all(r["status"] == "ok" and r["result"]["changed"] for r in modules)
    report.record(
        "concurrency",
        hosts=HOSTS,
        forks=HOSTS,
        rate_limit=RATE,
        seconds=round(run.seconds, 1),
        tasks=len(run.results),
        requests=len(log),
        answered=len(answered(log)),
        rate_limited=len(log) - len(answered(log)),
        lower_bound_seconds=math.ceil(len(answered(log)) / RATE),
    )


def test_nothing_is_duplicated(senders):
    _run, log, state = senders
    fault_cases.no_duplicates(state)
    domains = sorted((d["domain"], d["subdomain"], d["account"]) for d in state["domains"])
    links = sorted((link["domain"], link["subdomain"], link["account"]) for link in state["links"])
    wanted = ["sender%02d.example.com" % n for n in range(1, HOSTS + 1)]
    assert domains == [(name, "em", "parent") for name in wanted]
    assert links == [(name, "ln", "parent") for name in wanted]
    creates = [e["path"] for e in log if e["method"] == "POST" and e["status"] in (200, 201)]
    assert sorted(creates) == sorted(["/v3/whitelabel/domains"] * HOSTS + ["/v3/whitelabel/links"] * HOSTS)
