# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Every fault of the fault matrix on the one request that is an action, not a state:
``sendgrid_dns_email``'s ``POST /v3/whitelabel/dns/email``.

The fault matrix (test_faults.py) proves that a re-run converges to the desired state; an email has no state
to converge to. What must hold instead: a 429 is waited out and SendGrid gets the request; every other fault
fails the task after exactly one attempt (a second one could send a second email), with a message naming the
request; the failure counts as a change unless SendGrid refused the request (4xx), because the email may have
gone out. One playbook runs the module once per fault; each task's ``text`` tells its requests apart in the
simulator's log.
"""

from __future__ import annotations

import pytest
import requests

from tests.reliability import report
from tests.reliability.fault_cases import FAULTS, TIMEOUT, Scenario, expected, op
from tests.reliability.helpers import run_playbook, tasks_play, write_playbook

DNS_EMAIL = "/v3/whitelabel/dns/email"
TARGET = op("POST", DNS_EMAIL, "post", no_content=True)
SCENARIO = Scenario("mailops.sendgrid.sendgrid_dns_email", "dns_email", {}, [TARGET])
STATUS = {"401": 401, "500": 500, "502": 502, "503": 503, "500_after": 500}


@pytest.fixture(scope="module")
def email_runs(simulator_session, tmp_path_factory):
    sim = simulator_session
    sim.reset()
    sim.clear_requests()
    sim.clear_faults()
    answer = requests.post(sim.url("/v3/whitelabel/domains"), json={"domain": "example.com", "subdomain": "em"},
                           headers=sim.auth_headers(), timeout=10)
    answer.raise_for_status()
    domain_id = answer.json()["id"]
    tasks = []
    for fault in FAULTS:
        tasks += [
            {"name": "arm %s" % fault.name, "sendgrid_simulator": {"steps": [{"control": ["DELETE", "faults"]}, {"fault": fault.armed(TARGET)}]}},
            {"name": "email %s" % fault.name, "ignore_errors": True,
             "mailops.sendgrid.sendgrid_dns_email": {"email": "dns-team@example.com", "domain_id": domain_id, "text": "fault %s" % fault.name,
                                                     "timeout": TIMEOUT}},
        ]
    workdir = tmp_path_factory.mktemp("action-faults")
    run = run_playbook(sim, write_playbook(workdir / "email.yml", [tasks_play(tasks)]), workdir)
    log = [entry for entry in sim.requests() if entry["path"] == DNS_EMAIL]
    sim.clear_faults()
    outcomes = [expected(SCENARIO, TARGET, fault) for fault in FAULTS]
    report.record("faults", action_faults=len(FAULTS), action_survived=outcomes.count("ok"), action_failed=outcomes.count("fail"))
    return run, log


@pytest.mark.parametrize("fault", FAULTS, ids=[fault.name for fault in FAULTS])
def test_email_under_fault(email_runs, fault):
    run, log = email_runs
    entry = run.entry("email %s" % fault.name)
    result = entry["result"]
    attempts = [request for request in log if (request.get("body") or {}).get("message") == "fault %s" % fault.name]
    answered = [request["status"] for request in attempts]
    if expected(SCENARIO, TARGET, fault) == "ok":
        assert entry["status"] != "failed", result.get("msg")
        assert result["changed"] is True
        assert answered.count(204) == 1, answered  # SendGrid got it once, whatever was waited out before
        assert all(status in (204, 429) for status in answered), answered
        return
    assert entry["status"] == "failed", result
    assert "POST %s" % DNS_EMAIL in result["msg"], result["msg"]
    if fault.name in STATUS:
        assert str(STATUS[fault.name]) in result["msg"], result["msg"]
    assert len(attempts) == 1, answered  # never repeated: a second attempt could send a second email
    assert result["changed"] is (fault.name != "401"), result


def test_every_fault_was_tried(email_runs):
    run, log = email_runs
    assert [r["task"] for r in run.results if r["task"].startswith("email ")] == ["email %s" % fault.name for fault in FAULTS]
    assert {(entry.get("body") or {}).get("message") for entry in log} == {"fault %s" % fault.name for fault in FAULTS}
