# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Dedicated IPs from purchase to sending through the role (issue 20): sender_setup_ip_count buys what the subuser
lacks only when allowed, check mode buys nothing, a second run buys nothing more, and the IPs go on into the pool and
reverse DNS; sendgrid_subuser_ips assigns existing IPs idempotently."""

from __future__ import annotations

import json

from tests.support.sender_setup import AUDIT
from tests.support.sender_setup import SETUP, ok, sender_objects, sender_vars

SUBUSER = "client-acme"


def writes(simulator):
    return [(r["method"], r["path"]) for r in simulator.requests() if r["write"] and r["path"].startswith("/v3/")]


def purchase_vars(tmp_path, **more):
    values = dict(sender_setup_ips=[], sender_setup_on_behalf_of=SUBUSER, sender_setup_ip_count=2, sender_setup_link_branding=False)
    values.update(more)
    return sender_vars(tmp_path, **values)


def test_the_role_buys_the_missing_ips_once_and_sets_them_up(simulator, playbook, tmp_path):
    simulator.add_subusers(SUBUSER)
    simulator.add_ips(["192.0.2.40"], subusers=[SUBUSER])

    # Not allowed to buy: fails before any write, naming the role variable.
    refused = playbook(SETUP, extra_vars=purchase_vars(tmp_path))
    assert refused.rc != 0 and writes(simulator) == []
    (failed,) = [r for r in refused.results if r["status"] == "failed"]
    assert "1 more would be bought" in failed["result"]["msg"] and "set sender_setup_allow_purchase=true" in failed["result"]["msg"]

    # Check mode quotes and buys nothing.
    simulator.clear_requests()
    checked = ok(playbook(SETUP, extra_vars=purchase_vars(tmp_path, sender_setup_allow_purchase=True), check=True))
    assert writes(simulator) == []
    (quote,) = [r for r in checked.results if r["task"].endswith("The subuser has at least sender_setup_ip_count dedicated IPs")]
    assert quote["result"]["changed"] is True and quote["result"]["purchase"]["count"] == 1

    # Allowed: one purchase, assigned to the subuser, warming up; the pool and reverse DNS get both IPs.
    simulator.clear_requests()
    ok(playbook(SETUP, extra_vars=purchase_vars(tmp_path, sender_setup_allow_purchase=True)))
    assert [w for w in writes(simulator) if w == ("POST", "/v3/ips")] == [("POST", "/v3/ips")]
    mine = sorted(ip["ip"] for ip in simulator.state()["ips"] if SUBUSER in ip["subusers"])
    assert len(mine) == 2 and "192.0.2.40" in mine
    objects = sender_objects(simulator)
    assert [sorted(p["ips"]) for p in objects["pools"]] == [mine]
    assert sorted(r["ip"] for r in objects["reverse_dns"]) == mine

    # Again: nothing is bought, nothing written.
    simulator.clear_requests()
    again = ok(playbook(SETUP, extra_vars=purchase_vars(tmp_path, sender_setup_allow_purchase=True)))
    assert again.changed == [] and writes(simulator) == []


def test_a_shortfall_of_the_period_fails_before_any_write(simulator, playbook, tmp_path):
    simulator.add_subusers(SUBUSER)
    simulator.config(remaining_ips=1)
    run = playbook(SETUP, extra_vars=purchase_vars(tmp_path, sender_setup_ip_count=3, sender_setup_allow_purchase=True))
    assert run.rc != 0 and writes(simulator) == []
    (failed,) = [r for r in run.results if r["status"] == "failed"]
    assert "3 more dedicated IP(s) are needed but SendGrid lets this account add 1 more this month" in failed["result"]["msg"]


def test_assigning_ips_to_a_subuser_is_idempotent(simulator, playbook):
    simulator.add_subusers(SUBUSER)
    simulator.add_ips(["192.0.2.50", "192.0.2.51"], subusers=[])
    simulator.add_ips(["192.0.2.52"], subusers=[SUBUSER])
    task = """
    - name: assign
      mailops.sendgrid.sendgrid_subuser_ips:
        subuser: %s
        ips: [192.0.2.50, 192.0.2.51]
    """ % SUBUSER
    first = ok(playbook(task, diff=True)).task("assign")
    assert first["changed"] is True and first["subuser"]["ips"] == ["192.0.2.50", "192.0.2.51", "192.0.2.52"]
    assert writes(simulator) == [("PUT", "/v3/subusers/%s/ips" % SUBUSER)]
    simulator.clear_requests()
    second = ok(playbook(task)).task("assign")
    assert second["changed"] is False and writes(simulator) == []
    assert len([r for r in simulator.requests() if r["path"].startswith("/v3/")]) == 1
    assert simulator.violations() == []


def test_the_audit_warns_when_the_subusers_ips_are_all_warming_up(simulator, playbook, tmp_path):
    simulator.add_subusers(SUBUSER)
    simulator.add_ips(["192.0.2.70"], subusers=[SUBUSER], warmup=True)
    reports = tmp_path / "reports"
    audit = playbook(AUDIT, extra_vars=purchase_vars(tmp_path, sender_setup_ip_count=1, audit_report_dir=str(reports)))
    assert audit.rc == 0, audit.stdout[-3000:]
    report = json.loads((reports / "sender-it.example.net.json").read_text())
    assert [w for w in report["warnings"] if "192.0.2.70) is warming up" in w]
    assert "is warming up" in (reports / "sender-it.example.net.md").read_text()


def test_the_role_assigns_the_senders_ips_to_its_subuser_once(simulator, playbook, tmp_path):
    simulator.add_subusers(SUBUSER)
    simulator.add_ips(["192.0.2.80", "192.0.2.81"], subusers=[])
    variables = sender_vars(tmp_path, sender_setup_ips=["192.0.2.80", "192.0.2.81"], sender_setup_on_behalf_of=SUBUSER,
                            sender_setup_assign_ips=True, sender_setup_link_branding=False)
    ok(playbook(SETUP, extra_vars=variables))
    assert sorted(ip["ip"] for ip in simulator.state()["ips"] if SUBUSER in ip["subusers"]) == ["192.0.2.80", "192.0.2.81"]
    assert sorted(r["ip"] for r in sender_objects(simulator)["reverse_dns"]) == ["192.0.2.80", "192.0.2.81"]
    simulator.clear_requests()
    again = ok(playbook(SETUP, extra_vars=variables))
    assert again.changed == [] and writes(simulator) == []
