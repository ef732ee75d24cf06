# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""playbooks/audit.yml and playbooks/teardown.yml, run by real ansible-playbook against the simulator."""

from __future__ import annotations

import json
import sys

import pytest
import requests

from tests.support.sender_setup import (
    AUDIT,
    DOMAIN,
    IPS,
    POOL,
    SETUP,
    TEARDOWN,
    api_requests,
    no_change_reads,
    ok,
    reads,
    sender_objects,
    sender_vars,
    writes,
)


def audit_vars(tmp_path, **more):
    return dict(sender_vars(tmp_path), audit_report_dir=str(tmp_path / "reports"), **more)


def report(tmp_path):
    """The JSON and Markdown reports the audit wrote."""
    directory = tmp_path / "reports"
    return json.loads((directory / (DOMAIN + ".json")).read_text()), (directory / (DOMAIN + ".md")).read_text()


def by_kind(audit_report):
    return {(o["kind"], o["name"]): o for o in audit_report["objects"]}


# -- audit ------------------------------------------------------------------------------------------------


def test_audit_reports_no_drift_after_setup_then_the_drift_made_behind_its_back(simulator, playbook, tmp_path):
    simulator.add_ips(IPS)
    ok(playbook(SETUP, extra_vars=sender_vars(tmp_path)))
    objects = sender_objects(simulator)
    domain_id = objects["domains"][0]["id"]
    link_id = objects["links"][0]["id"]

    # Right after the setup: no drift, and the audit only reads, once per object.
    simulator.clear_requests()
    clean = ok(playbook(AUDIT, extra_vars=audit_vars(tmp_path)))
    assert writes(simulator) == []
    assert reads(simulator) == no_change_reads()
    # Files on the controller only (each report carries the time of the audit, so it is written every time).
    assert clean.changed == ["Report directory exists", "Write the drift report", "Write the summary of every sender of the run"]
    data, markdown = report(tmp_path)
    assert data["domain"] == DOMAIN and data["account"] == "the key's account" and data["generated_at"].endswith("Z")
    assert data["drifted"] is False and data["drift_count"] == 0 and data["findings"] == 0
    assert sorted(by_kind(data)) == sorted(
        [("ip_pool", POOL), ("reverse_dns", IPS[0]), ("reverse_dns", IPS[1]), ("domain_auth", "em." + DOMAIN), ("link_branding", "links." + DOMAIN)]
    )
    assert all(o["status"] == "ok" and o["valid"] in (True, None) and o["reasons"] == [] for o in data["objects"])
    assert "**No drift**" in markdown and "**No findings**" in markdown
    assert "| domain_auth | em.%s | ok | yes |  |" % DOMAIN in markdown

    # Behind the playbook's back: the domain is no longer the default, and the branded link is deleted.
    headers = simulator.auth_headers()
    patched = requests.patch(simulator.url("/v3/whitelabel/domains/%d" % domain_id), json={"default": False}, headers=headers, timeout=10)
    assert patched.status_code == 200
    deleted = requests.delete(simulator.url("/v3/whitelabel/links/%d" % link_id), headers=headers, timeout=10)
    assert deleted.status_code == 204
    before = simulator.state()

    simulator.clear_requests()
    drift = ok(playbook(AUDIT, extra_vars=audit_vars(tmp_path)))
    assert writes(simulator) == []
    data, markdown = report(tmp_path)
    assert data["drifted"] is True
    objects = by_kind(data)
    domain = objects[("domain_auth", "em." + DOMAIN)]
    assert domain["status"] == "drift" and domain["valid"] is True
    # Issue 16, item 7: each drifted field with its current and desired value.
    assert domain["changes"] == [{"field": "default", "current": False, "desired": True}]
    assert domain["diff"] == {"before": dict(domain["diff"]["before"], default=False), "after": dict(domain["diff"]["before"], default=True)}
    link = objects[("link_branding", "links." + DOMAIN)]
    # A deleted object is missing, not also "not valid": it counts once.
    assert link["status"] == "missing" and link["valid"] is None and link["diff"]["before"] == {}
    assert objects[("ip_pool", POOL)]["status"] == "ok"
    assert (data["drift_count"], data["missing_count"], data["invalid_count"], data["dns_problem_count"]) == (2, 1, 0, 0)
    assert markdown.startswith("# SendGrid sender audit: %s" % DOMAIN)
    assert "**DRIFT**: a setup run would change 2 object(s) (1 missing)." in markdown
    assert "| link_branding | links.%s | missing | - | create it |" % DOMAIN in markdown
    assert "| domain_auth | em.%s | drift | yes | default: false → true |" % DOMAIN in markdown
    summary = (tmp_path / "reports" / "summary.md").read_text()
    assert "| %s | the key's account | 2 | 1 | 0 | 0 | %s.md |" % (DOMAIN, DOMAIN) in summary
    assert json.loads((tmp_path / "reports" / "summary.json").read_text())["drifted"] == [DOMAIN]
    assert "DRIFT" in (tmp_path / "reports" / "summary.html").read_text()
    assert drift.changed  # the audit says what a setup run would change

    # fail_on_drift turns the drift into a failed play, still without writing anything.
    simulator.clear_requests()
    failing = playbook(AUDIT, extra_vars=audit_vars(tmp_path, fail_on_drift=True))
    assert failing.rc != 0
    assert [r["task"] for r in failing.results if r["status"] == "failed"] == ["Fail on drift"]
    assert "a setup run would change 2 object(s) of %s (1 missing)" % DOMAIN in json.dumps(failing.results[-1]["result"])
    assert writes(simulator) == []
    assert {r["method"] for r in api_requests(simulator)} == {"GET"}
    state = simulator.state()
    assert (state["domains"], state["links"], state["pools"], state["reverse_dns"]) == (
        before["domains"],
        before["links"],
        before["pools"],
        before["reverse_dns"],
    )


# -- teardown ---------------------------------------------------------------------------------------------


def others(state):
    """Everything in the simulator that is not the sender's."""
    return {
        "pools": [p for p in state["pools"] if p["name"] != POOL],
        "reverse_dns": [r for r in state["reverse_dns"] if not r["rdns"].endswith("." + DOMAIN)],
        "domains": [d for d in state["domains"] if d["domain"] != DOMAIN],
        "links": [link for link in state["links"] if link["domain"] != DOMAIN],
    }


@pytest.mark.parametrize("fleet", [True, False], ids=["fleet", "per-host"])
def test_teardown_needs_confirmation_then_deletes_exactly_the_senders_objects(simulator, playbook, tmp_path, fleet):
    simulator.add_ips(IPS)
    variables = sender_vars(tmp_path)
    ok(playbook(SETUP, extra_vars=variables))
    # Neighbours that must survive: other objects of every kind, including the names SendGrid's domain search
    # also returns for the sender's domain.
    simulator.seed(domains=2, links=2, reverse_dns=2, pools=2, valid=True)
    headers = simulator.auth_headers()
    for name in ("mail." + DOMAIN, DOMAIN + ".au"):
        created = requests.post(simulator.url("/v3/whitelabel/domains"), json={"domain": name}, headers=headers, timeout=10)
        assert created.status_code == 201
    created = requests.post(simulator.url("/v3/whitelabel/links"), json={"domain": "mail." + DOMAIN, "subdomain": "links"}, headers=headers, timeout=10)
    assert created.status_code == 201
    before = simulator.state()
    assert all(len(found) == (2 if kind == "reverse_dns" else 1) for kind, found in sender_objects(simulator).items())

    # Without the confirmation: refused before any request.
    simulator.clear_requests()
    refused = playbook(TEARDOWN, extra_vars=variables)
    assert refused.rc != 0
    assert [r["task"] for r in refused.results if r["status"] == "failed"] == ["Refuse to delete anything without confirmation"]
    assert "sender_setup_teardown_confirm=true" in refused.results[-1]["result"]["msg"]
    assert simulator.requests() == []
    assert simulator.state()["domains"] == before["domains"]

    # Confirmed: the sender's pool, reverse DNS entries, domain and link are gone, and nothing else.
    confirmed = dict(variables, sender_setup_teardown_confirm=True, sender_setup_fleet=fleet)
    run = ok(playbook(TEARDOWN, extra_vars=confirmed))
    if fleet:
        changed = ["The SendGrid objects of every sender of the play are gone, one snapshot per account", "This sender's SendGrid objects are gone"]
    else:
        changed = ["The sender's link branding is gone", "The sender's domain authentication is gone", "Reverse DNS of the sender's IPs is gone",
                   "IP pool is gone"]
    assert sorted(set(run.changed)) == sorted(changed)
    assert sender_objects(simulator) == {"pools": [], "reverse_dns": [], "domains": [], "links": []}
    after = simulator.state()
    assert others(after) == others(before)
    assert [ip["ip"] for ip in after["ips"]] == [ip["ip"] for ip in before["ips"]]  # IPs are not the sender's to delete
    assert sorted(method for method, _path in writes(simulator)) == ["DELETE"] * 5

    # Again: nothing left to delete, nothing written.
    simulator.clear_requests()
    again = ok(playbook(TEARDOWN, extra_vars=confirmed))
    assert again.changed == []
    assert writes(simulator) == []


def test_teardown_refuses_a_pool_that_a_sender_outside_the_run_still_uses(simulator, playbook, tmp_path):
    # Two senders of one inventory share a pool; tearing down one of them (--limit) must not take it from the other.
    simulator.add_ips(["192.0.2.40"])
    requests.post(simulator.url("/v3/ips/pools"), json={"name": "shared-pool"}, headers=simulator.auth_headers(), timeout=10)
    inventory = tmp_path / "senders.yml"
    hosts = {name: {"sender_setup_domain": "%s.example.net" % name, "sender_setup_ip_pool": "shared-pool",
                    "sender_setup_link_branding": False, "sender_setup_reverse_dns": False} for name in ("alpha", "beta")}
    connection = {"ansible_connection": "local", "ansible_python_interpreter": sys.executable}
    inventory.write_text(json.dumps({"senders": {"hosts": hosts, "vars": connection}}))
    args = ["-i", str(inventory), "--limit", "alpha"]
    variables = {"sendgrid_hosts": "senders", "sender_setup_teardown_confirm": True}
    refused = playbook(TEARDOWN, extra_vars=variables, args=args)
    assert refused.rc != 0
    (failed,) = [r for r in refused.results if r["status"] == "failed"]
    assert failed["task"] == "Refuse to delete an IP pool that senders outside this run still use"
    assert "also the pool of beta" in failed["result"]["msg"] and "sender_setup_teardown_shared_pool=true" in failed["result"]["msg"]
    assert [p["name"] for p in simulator.state()["pools"]] == ["shared-pool"]
    forced = playbook(TEARDOWN, extra_vars=dict(variables, sender_setup_teardown_shared_pool=True), args=args)
    assert forced.rc == 0 and simulator.state()["pools"] == []


def test_a_fleet_audit_writes_one_summary_and_fails_only_the_senders_that_drifted(simulator, playbook, tmp_path):
    # Issue 16, item 7: two senders, one set up and one not; one summary across the run, and fail_on_drift fails the
    # drifted sender (the run's exit status says so) while the other passes: its records are not published, so its
    # objects are not valid, which is a finding apart from drift.
    inventory = tmp_path / "senders.yml"
    hosts = {name: {"sender_setup_domain": "%s.example.net" % name, "sender_setup_link_branding": False,
                    "sender_setup_reverse_dns": False, "sender_setup_dns_check": False} for name in ("alpha", "beta")}
    connection = {"ansible_connection": "local", "ansible_python_interpreter": sys.executable}
    inventory.write_text(json.dumps({"senders": {"hosts": hosts, "vars": connection}}))
    ok(playbook(SETUP, extra_vars={"sendgrid_hosts": "senders", "sender_setup_dns_mode": "none"}, args=["-i", str(inventory), "--limit", "alpha"]))

    simulator.clear_requests()
    reports = tmp_path / "fleet-reports"
    variables = {"sendgrid_hosts": "senders", "audit_report_dir": str(reports), "fail_on_drift": True}
    audit = playbook(AUDIT, extra_vars=variables, args=["-i", str(inventory)])
    assert audit.rc != 0
    assert [(r["host"], r["task"]) for r in audit.results if r["status"] == "failed"] == [("beta", "Fail on drift")]
    assert writes(simulator) == []
    summary = json.loads((reports / "summary.json").read_text())
    assert [s["domain"] for s in summary["senders"]] == ["alpha.example.net", "beta.example.net"]
    assert summary["drifted"] == ["beta.example.net"] and summary["failed_hosts"] == []
    assert summary["with_findings"] == ["alpha.example.net"]
    markdown = (reports / "summary.md").read_text()
    assert "2 sender(s)" in markdown and "1 drifted" in markdown
    assert (reports / "alpha.example.net.md").exists() and (reports / "beta.example.net.md").exists()


@pytest.mark.parametrize("times", [1, None], ids=["answer-lost-once", "answer-always-lost"])
def test_a_fleet_teardown_whose_delete_answer_is_lost_fails_only_that_sender_and_converges(simulator, playbook, tmp_path, times):
    # Two senders in one snapshot: alpha's domain DELETE is carried out but its answer is lost (once: the retry finds
    # it gone, 404, and alpha succeeds; always: alpha fails after the retries). Either way beta is torn down, nothing
    # is deleted twice or left behind once the run is repeated, and the repeat writes nothing more.
    inventory = tmp_path / "senders.yml"
    hosts = {name: {"sender_setup_domain": "%s.example.net" % name, "sender_setup_reverse_dns": False, "sender_setup_dns_check": False}
             for name in ("alpha", "beta")}
    connection = {"ansible_connection": "local", "ansible_python_interpreter": sys.executable}
    inventory.write_text(json.dumps({"senders": {"hosts": hosts, "vars": connection}}))
    args = ["-i", str(inventory)]
    ok(playbook(SETUP, extra_vars={"sendgrid_hosts": "senders", "sender_setup_dns_mode": "none"}, args=args))
    (alpha_domain,) = [d["id"] for d in simulator.state()["domains"] if d["domain"] == "alpha.example.net"]
    simulator.add_fault(path="^/v3/whitelabel/domains/%d$" % alpha_domain, method="DELETE", action="drop", when="after", times=times)

    simulator.clear_requests()
    variables = {"sendgrid_hosts": "senders", "sender_setup_teardown_confirm": True}
    run = playbook(TEARDOWN, extra_vars=variables, args=args)
    failed = sorted({r["host"] for r in run.results if r["status"] == "failed"})
    assert failed == ([] if times == 1 else ["alpha"])
    assert run.rc == (0 if times == 1 else 2)
    state = simulator.state()
    # The lost answers were of DELETEs SendGrid carried out: alpha's domain is gone too (and its link went before it).
    assert state["domains"] == [] and state["links"] == []
    domain_reads = [path for _method, path, _what in reads(simulator) if path == "/v3/whitelabel/domains"]
    # One list read for both senders when the retry settled it; a second one for beta when alpha's answer stayed lost.
    assert len(domain_reads) == (1 if times == 1 else 2)

    simulator.clear_faults()
    ok(playbook(TEARDOWN, extra_vars=variables, args=args))
    assert simulator.state()["domains"] == [] and simulator.state()["links"] == []
    simulator.clear_requests()
    again = ok(playbook(TEARDOWN, extra_vars=variables, args=args))
    assert again.changed == [] and writes(simulator) == []
