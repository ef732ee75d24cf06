# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The modules against every SendGrid the evidence allows (issue 15): the simulator's dialects
(tests/simulator/dialects.py, docs/api-fidelity.md) switch each undocumented behaviour to its alternative.

Under all of them at once the demo converges and its re-run sends no write; in an account seeded with hundreds
of objects behind a page cap of 50, no lookup misses an object and creates a duplicate.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.support.sender_setup import REPO
from tests.simulator.control import start_simulator

DIALECT_ALL = "all"


def test_the_demo_converges_and_reruns_without_writes_under_every_alternative_at_once(tmp_path):
    env = dict(os.environ, SIMULATOR_DIALECT=DIALECT_ALL)
    proc = subprocess.run([sys.executable, "-m", "tests.tools.demo"], cwd=str(REPO), env=env, capture_output=True,
                          text=True, timeout=600, check=False)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output[-4000:]
    assert "Demo OK" in output and "Second run: changed=0" in output and ", 0 write(s)." in output
    # The extra root SPF record of this dialect was published (and validated) like the others; the snippet says
    # to merge it into an existing SPF record.
    assert 'demo-sender.example.com. 3600 IN TXT "v=spf1 include:sendgrid.net ~all"' in output
    assert "merge SendGrid's mechanisms into it" in output


@pytest.fixture(scope="module")
def capped(tmp_path_factory):
    with start_simulator(api_key="SG.dialect-key", dialect=DIALECT_ALL) as sim:
        yield sim


def test_no_lookup_behind_a_page_cap_creates_a_duplicate_in_an_account_of_hundreds(capped, playbook, tmp_path):
    sim = capped
    sim.reset()
    sim.set_dialect(DIALECT_ALL)
    seeded = sim.seed(domains=300, links=300, reverse_dns=200)["created"]
    state = sim.state()
    far_domain = [d for d in state["domains"] if d["id"] == seeded["domains"][-1]][0]
    far_link = [link for link in state["links"] if link["id"] == seeded["links"][-1]][0]
    far_rdns = [r for r in state["reverse_dns"] if r["id"] == seeded["reverse_dns"][-1]][0]
    tasks = [
        {"name": "domain", "mailops.sendgrid.sendgrid_domain_auth": {"domain": far_domain["domain"], "subdomain": far_domain["subdomain"]}},
        {"name": "link", "mailops.sendgrid.sendgrid_link_branding": {"domain": far_link["domain"], "subdomain": far_link["subdomain"]}},
        {"name": "rdns", "mailops.sendgrid.sendgrid_reverse_dns": {"ip": far_rdns["ip"], "domain": far_rdns["domain"]}},
    ]
    path = tmp_path / "far.yml"
    path.write_text(json.dumps([{"hosts": "localhost", "gather_facts": False, "tasks": tasks}]))
    sim.clear_requests()
    env = {"SENDGRID_API_URL": sim.base_url, "SENDGRID_API_KEY": sim.api_key}
    run = playbook(path, env=env)
    assert run.rc == 0, run.stdout[-3000:]
    assert [run.task(name)["changed"] for name in ("domain", "link", "rdns")] == [False, False, False]
    assert [r for r in sim.requests() if r["write"]] == []
    after = sim.state()
    assert (len(after["domains"]), len(after["links"]), len(after["reverse_dns"])) == (300, 300, 200)
    # Behind the cap, the link lookup paged on with offset: 300 links, 50 a page (the link list documents no offset,
    # and a capped server must page). The domain and reverse DNS filters find their object on the first page.
    link_pages = [r for r in sim.requests() if r["path"] == "/v3/whitelabel/links"]
    assert [r["query"].get("offset") for r in link_pages] == [None, "50", "100", "150", "200", "250", "300"]


# The sender's life cycle under every alternative at once: (reads, writes) per scenario. What differs from the default
# budget (tests/integration/test_request_budget.py: 14/13 set-up, 6/0 re-run) and why: validation stays invalid for
# the first two calls (validation_lag=2), so set-up sends two more validations for each of the four objects
# (8 writes); domain objects do not echo their subusers (no_echo), so the association is read from the subuser
# endpoint (one read more in every run that looks at it). Runs with nothing to do still write nothing.
BUDGET_UNDER_ALL = {
    "setup": (15, 21),
    "rerun": (7, 0),
    "check": (7, 0),
    "audit": (7, 0),
    "teardown": (5, 5),
    "teardown_again": (5, 0),
}


def test_the_request_budget_under_every_alternative_at_once(capped, tmp_path):
    from tests.support import scenarios  # pylint: disable=import-outside-toplevel

    capped.reset()
    capped.set_dialect(DIALECT_ALL)
    results = scenarios.run_budget(capped, tmp_path)
    got = {}
    for result in results:
        assert result.run.rc == 0, result.run.describe()
        if result.scenario.no_change:
            assert result.run.changed == 0, result.scenario.key
        got[result.scenario.key] = (result.count.reads, result.count.writes)
    listings = "\n\n".join(r.count.listing() for r in results if got[r.scenario.key] != BUDGET_UNDER_ALL.get(r.scenario.key))
    assert got == BUDGET_UNDER_ALL, repr(got) + "\n" + listings
    for key in ("rerun", "check", "audit", "teardown_again"):
        assert got[key][1] == 0
