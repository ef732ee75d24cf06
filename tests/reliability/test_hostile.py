# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Hostile answers, races and interrupted runs (issue 13): real ``ansible-playbook`` runs against a
simulator that answers in ways SendGrid should not (a reset header of 0, a list that is not a list, a
create without an id, a redirect, an object served twice, a wrong shape), keys as operators really
pass them (with a line break), and two runs creating the same objects at once. Each case failed before
the shared client and runner were hardened: it busy-looped, created a duplicate, reported ``id: null``,
followed the redirect, crashed with a Python error, or printed the key."""

from __future__ import annotations

import json
import textwrap

from tests.reliability import report
from tests.reliability.helpers import Playbook, tasks_play, write_playbook

KEY = "SG.test-key"
DOMAINS = "/v3/whitelabel/domains"


def task_result(run, name="t"):
    (entry,) = [r for r in run.results if r["task"] == name]
    return entry


def one_task(module, args, **task):
    return "- name: t\n  mailops.sendgrid.%s:\n%s\n%s" % (
        module, textwrap.indent(json.dumps(args), "    "), "".join("  %s: %s\n" % item for item in task.items())
    )


def api(simulator):
    return [e for e in simulator.requests() if e["path"].startswith("/v3/")]


def no_key(run):
    assert KEY not in run.stdout + run.stderr
    assert repr(KEY + "\n")[1:-1] not in run.stdout + run.stderr


def test_a_key_with_a_trailing_line_break_works_and_is_never_printed(simulator, playbook):
    run = playbook(one_task("sendgrid_ip_pool", {"name": "tx", "api_key": KEY + "\n"}))
    assert run.rc == 0, run.stdout
    assert task_result(run)["result"]["changed"] is True
    no_key(run)
    report.record("hostile", key_with_line_break="used without it, never printed")


def test_a_key_with_blanks_inside_is_refused_without_showing_it(simulator, playbook):
    run = playbook(one_task("sendgrid_ip_pool", {"name": "tx", "api_key": "SG.test key"}))
    result = task_result(run)["result"]
    assert run.rc != 0 and "api_key contains blanks inside it" in result["msg"]
    assert "SG.test key" not in run.stdout + run.stderr
    assert api(simulator) == []


def test_a_rate_limit_reset_of_zero_backs_off_and_ends_within_rate_limit_timeout(simulator, playbook):
    simulator.add_fault(path="^/v3/ips/pools/tx$", status=429, headers={"X-RateLimit-Reset": "0"}, times=None)
    run = playbook(one_task("sendgrid_ip_pool", {"name": "tx", "rate_limit_timeout": 5}))
    result = task_result(run)["result"]
    assert run.rc != 0 and "rate limited" in result["msg"] and "GET /v3/ips/pools/tx" in result["msg"]
    # Waits of about 1 s and 2 s (plus jitter), then the next would pass 5 s: three requests, not thousands.
    sent = [e for e in api(simulator) if e["path"] == "/v3/ips/pools/tx"]
    assert 2 <= len(sent) <= 4, len(sent)
    report.record("hostile", reset_zero_requests=len(sent))


def test_a_domain_served_twice_is_one_domain(simulator, playbook):
    created = playbook(one_task("sendgrid_domain_auth", {"domain": "twice.example.com", "subdomain": "em"}))
    assert created.rc == 0
    entry = simulator.state()["domains"][0]
    listed = [e for e in api(simulator) if e["method"] == "GET" and e["path"] == DOMAINS][-1]
    assert listed["status"] == 200
    # The same object twice in one page (a server that pages badly): one domain, no "2 authenticated domains".
    answer = json.loads(json.dumps(entry))
    answer.pop("account", None)
    simulator.add_fault(path="^%s$" % DOMAINS, method="GET", status=200, body=[answer, answer], times=None)
    simulator.clear_requests()
    again = playbook(one_task("sendgrid_domain_auth", {"domain": "twice.example.com", "subdomain": "em"}))
    assert again.rc == 0, again.stdout
    assert task_result(again)["result"]["changed"] is False
    assert [e for e in api(simulator) if e["write"]] == []


def test_a_list_answer_that_is_not_a_list_is_an_error_and_creates_nothing(simulator, playbook):
    simulator.add_fault(path="^%s$" % DOMAINS, method="GET", status=200, body={"result": []}, times=None)
    run = playbook(one_task("sendgrid_domain_auth", {"domain": "shape.example.com", "subdomain": "em"}))
    result = task_result(run)["result"]
    assert run.rc != 0
    assert "GET /v3/whitelabel/domains failed with HTTP 200" in result["msg"] and "not a list" in result["msg"]
    assert [e for e in api(simulator) if e["write"]] == [] and simulator.state()["domains"] == []
    report.record("hostile", list_not_a_list="error, nothing created")


def test_a_create_answered_without_an_id_is_read_again(simulator, playbook):
    # SendGrid created the domain but its answer is 201 {}: the module reads the list and reports what exists.
    simulator.add_fault(path="^%s$" % DOMAINS, method="POST", status=201, body={}, when="after")
    run = playbook(one_task("sendgrid_domain_auth", {"domain": "noid.example.com", "subdomain": "em"}))
    assert run.rc == 0, run.stdout
    result = task_result(run)["result"]
    assert result["changed"] is True and result["domain"]["id"] == simulator.state()["domains"][0]["id"]


def test_a_create_answered_without_an_id_that_created_nothing_says_the_outcome_is_unknown(simulator, playbook):
    simulator.add_fault(path="^%s$" % DOMAINS, method="POST", status=201, body={})
    run = playbook(one_task("sendgrid_domain_auth", {"domain": "noid.example.com", "subdomain": "em", "validate": True}))
    result = task_result(run)["result"]
    assert run.rc != 0 and "outcome is unknown" in result["msg"]
    # Never a validate of ".../None/validate".
    assert not [e for e in api(simulator) if "None" in e["path"]]


def test_a_redirect_is_not_followed(simulator, playbook):
    simulator.add_fault(path="^/v3/ips/pools$", method="POST", status=307, headers={"Location": "http://127.0.0.1:9/v3/ips/pools"})
    run = playbook(one_task("sendgrid_ip_pool", {"name": "tx"}))
    result = task_result(run)["result"]
    assert run.rc != 0
    assert "HTTP 307" in result["msg"] and "redirect to 127.0.0.1:9" in result["msg"] and "not followed" in result["msg"]
    report.record("hostile", redirect="error naming the Location host, not followed")


def test_an_answer_of_the_wrong_shape_names_the_request(simulator, playbook):
    simulator.add_fault(path="^/v3/ips/pools/tx$", method="GET", status=200, body=[1, 2])
    run = playbook(one_task("sendgrid_ip_pool", {"name": "tx"}))
    result = task_result(run)["result"]
    assert run.rc != 0 and "GET /v3/ips/pools/tx failed with HTTP 200: expected a JSON object" in result["msg"]
    assert "Traceback" not in run.stdout and "has no attribute" not in result["msg"]


def test_pool_names_that_are_path_steps_are_refused_before_any_request(simulator, playbook):
    run = playbook(one_task("sendgrid_ip_pool", {"name": ".."}))
    assert run.rc != 0 and "name cannot be '..'" in task_result(run)["result"]["msg"]
    assert api(simulator) == []


def _parallel(simulator, tmp_path, tasks, hosts=2):
    """``hosts`` ansible-playbook processes with the same tasks, started together; their runs."""
    path = write_playbook(tmp_path / "race.yml", [tasks_play(tasks)])
    runs = [Playbook(simulator, path, tmp_path, label="race%d" % n) for n in range(hosts)]
    return [run.wait() for run in runs]


def test_two_runs_creating_the_same_domain_and_link_at_once_leave_one_of_each(simulator, tmp_path):
    # 0.5 s of latency on every create: both runs read "absent" before either create lands.
    simulator.add_fault(path="^/v3/whitelabel/(domains|links)$", method="POST", action="delay", delay=0.5, times=None)
    tasks = [
        {"name": "domain", "mailops.sendgrid.sendgrid_domain_auth": {"domain": "race.example.com", "subdomain": "em"}},
        {"name": "link", "mailops.sendgrid.sendgrid_link_branding": {"domain": "race.example.com", "subdomain": "ln"}},
    ]
    runs = _parallel(simulator, tmp_path, tasks)
    assert [run.rc for run in runs] == [0, 0], [run.output[-2000:] for run in runs]
    state = simulator.state()
    assert len(state["domains"]) == 1 and len(state["links"]) == 1
    kept = {(run.task("domain")["domain"]["id"], run.task("link")["link"]["id"]) for run in runs}
    assert kept == {(state["domains"][0]["id"], state["links"][0]["id"])}
    simulator.clear_faults()
    simulator.clear_requests()
    again = _parallel(simulator, tmp_path, tasks, hosts=1)[0]
    assert again.rc == 0 and not again.task("domain")["changed"] and not again.task("link")["changed"]
    assert [e for e in api(simulator) if e["write"]] == []
    report.record("hostile", race_domain_link={"runs": 2, "domains": 1, "links": 1})


def test_ten_hosts_sharing_a_pool_and_an_ip_all_succeed(simulator, tmp_path):
    simulator.add_ips(["203.0.113.10"])
    simulator.add_fault(path="^/v3/(ips/pools|whitelabel/ips)$", method="POST", action="delay", delay=0.5, times=None)
    tasks = [
        {"name": "pool", "mailops.sendgrid.sendgrid_ip_pool": {"name": "transactional", "ips": ["203.0.113.10"]}},
        {"name": "rdns", "mailops.sendgrid.sendgrid_reverse_dns": {"ip": "203.0.113.10", "domain": "example.com", "subdomain": "o"}},
    ]
    runs = _parallel(simulator, tmp_path, tasks, hosts=10)
    failed = [(run.rc, run.failed()) for run in runs if run.rc != 0]
    assert failed == [], [run.output[-1500:] for run in runs if run.rc != 0][:1]
    state = simulator.state()
    assert len(state["pools"]) == 1 and len(state["reverse_dns"]) == 1
    report.record("hostile", shared_pool_hosts={"hosts": 10, "failed": 0, "pools": 1, "reverse_dns": 1})


def test_ansible_debug_shows_a_key_given_as_a_parameter_but_not_one_from_the_environment(simulator, playbook):
    # What the README says about ANSIBLE_DEBUG=1, checked: ansible-core logs module parameters, so the key given
    # as api_key shows; given by SENDGRID_API_KEY (as the AWX credential does) it is never a parameter.
    from_env = playbook(one_task("sendgrid_ip_pool_info", {}), env={"ANSIBLE_DEBUG": "1"})
    assert from_env.rc == 0, from_env.stdout[-2000:]
    assert KEY not in from_env.stdout + from_env.stderr
    as_parameter = playbook(one_task("sendgrid_ip_pool_info", {"api_key": KEY}), env={"ANSIBLE_DEBUG": "1"})
    assert as_parameter.rc == 0
    assert KEY in as_parameter.stdout + as_parameter.stderr
