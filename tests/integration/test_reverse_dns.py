# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""sendgrid_reverse_dns and sendgrid_reverse_dns_info, run by real ansible-playbook against the simulator."""

from __future__ import annotations

import pytest
from tests.support.api_log import api_calls as api_requests

import json

IP = "203.0.113.1"
IP_LONGER = "203.0.113.10"  # the API's ip filter is a prefix search: ip=203.0.113.1 matches this one too
RDNS = "/v3/whitelabel/ips"


def rdns_task(ip=IP, domain="example.com", subdomain="email", state="present", task="rdns", **options):
    lines = ["- name: %s" % task, "  mailops.sendgrid.sendgrid_reverse_dns:", "    ip: %s" % ip, "    state: %s" % state]
    if domain is not None:
        lines.append("    domain: %s" % domain)
    if subdomain is not None:
        lines.append("    subdomain: %s" % subdomain)
    for name, value in options.items():
        lines.append("    %s: %s" % (name, json.dumps(value)))
    return "\n".join(lines) + "\n"


def writes(simulator):
    return [(r["method"], r["path"]) for r in simulator.requests() if r["write"]]


def records(simulator):
    return [
        (r["account"], r["ip"], r["domain"], r["subdomain"], r["rdns"], r["valid"])
        for r in simulator.state()["reverse_dns"]
    ]


def ok(run):
    assert run.rc == 0, run.stdout + run.stderr
    assert run.failed == []
    return run


def failed(run, task="rdns"):
    assert run.rc != 0, run.stdout + run.stderr
    assert run.failed == [task]
    return run.task(task)


@pytest.mark.pins_default_dialect  # validation reasons at once (no validation_lag)
def test_create_publish_validate_rerun_delete(simulator, playbook):
    simulator.add_ips([IP])

    # Check mode first: predicted object, no write, nothing created.
    checked = ok(playbook(rdns_task(validate=True), check=True, diff=True)).task("rdns")
    assert checked["changed"] is True
    assert checked["reverse_dns"]["ip"] == IP and checked["reverse_dns"]["rdns"] is None
    assert checked["validation"]["skipped"] is True
    assert checked["diff"] == {"before": {}, "after": {"ip": IP, "domain": "example.com", "subdomain": "email", "rdns": None, "valid": False}}
    assert writes(simulator) == []
    assert records(simulator) == []

    # Create: one GET and one POST.
    simulator.clear_requests()
    created = ok(playbook(rdns_task(), diff=True)).task("rdns")
    assert created["changed"] is True
    record = created["dns_record"]
    assert record == {"name": "o1.email.example.com", "type": "A", "value": IP}
    assert created["dns_records"] == [record]
    assert created["reverse_dns"]["rdns"] == "o1.email.example.com"
    assert created["reverse_dns"]["valid"] is False
    assert "validation" not in created
    assert created["diff"]["after"] == {"ip": IP, "domain": "example.com", "subdomain": "email", "rdns": "o1.email.example.com", "valid": False}
    assert api_requests(simulator) == [("GET", RDNS), ("POST", RDNS)]
    assert records(simulator) == [("parent", IP, "example.com", "email", "o1.email.example.com", False)]
    rdns_id = created["reverse_dns"]["id"]

    # Validation before the A record exists: warned with SendGrid's reason, nothing else written.
    simulator.clear_requests()
    early = ok(playbook(rdns_task(validate=True, validate_failure="warn"))).task("rdns")
    assert early["changed"] is False
    assert early["validation"]["valid"] is False
    assert "Failed to resolve A Record at o1.email.example.com" in early["validation"]["results"]["a_record"]["reason"]
    assert writes(simulator) == [("POST", "%s/%s/validate" % (RDNS, rdns_id))]

    # Publish the A record in the simulator's DNS, then validate until valid.
    simulator.add_dns([record])
    simulator.clear_requests()
    validated = ok(playbook(rdns_task(validate=True, validate_timeout=30, validate_delay=0.2), diff=True)).task("rdns")
    assert validated["changed"] is True
    assert validated["validation"]["valid"] is True
    assert validated["validation"]["results"]["a_record"] == {"valid": True, "reason": None}
    assert validated["reverse_dns"]["valid"] is True
    assert validated["diff"]["before"]["valid"] is False and validated["diff"]["after"]["valid"] is True
    assert api_requests(simulator) == [("GET", RDNS), ("POST", "%s/%s/validate" % (RDNS, rdns_id))]
    assert records(simulator) == [("parent", IP, "example.com", "email", "o1.email.example.com", True)]

    # Re-run (validate still asked): no change and not a single write.
    simulator.clear_requests()
    again = ok(playbook(rdns_task(validate=True, validate_timeout=30, validate_delay=0.2))).task("rdns")
    assert again["changed"] is False
    assert "validation" not in again
    assert again["dns_record"] == record
    assert api_requests(simulator) == [("GET", RDNS)]

    # Check mode of a delete writes nothing.
    simulator.clear_requests()
    check_delete = ok(playbook(rdns_task(state="absent", domain=None, subdomain=None), check=True, diff=True)).task("rdns")
    assert check_delete["changed"] is True
    assert check_delete["diff"]["after"] == {}
    assert writes(simulator) == []
    assert len(records(simulator)) == 1

    # Delete, then delete again.
    simulator.clear_requests()
    deleted = ok(playbook(rdns_task(state="absent", domain=None, subdomain=None))).task("rdns")
    assert deleted["changed"] is True
    assert deleted["reverse_dns"] == {}
    assert writes(simulator) == [("DELETE", "%s/%s" % (RDNS, rdns_id))]
    assert records(simulator) == []

    simulator.clear_requests()
    redeleted = ok(playbook(rdns_task(state="absent", domain=None, subdomain=None))).task("rdns")
    assert redeleted["changed"] is False
    assert writes(simulator) == []


def test_validate_timeout_fails_with_reason_and_the_record_to_publish(simulator, playbook):
    simulator.add_ips([IP])
    result = failed(playbook(rdns_task(validate=True, validate_timeout=0.5, validate_delay=0.1)))
    assert result["changed"] is True  # it was created before validation failed
    assert "is not valid after" in result["msg"]
    assert "a_record: Failed to resolve A Record at o1.email.example.com" in result["msg"]
    assert result["dns_record"] == {"name": "o1.email.example.com", "type": "A", "value": IP}
    assert result["validation"]["attempts"] >= 1
    validations = [p for m, p in writes(simulator) if p.endswith("/validate")]
    assert len(validations) == result["validation"]["attempts"]
    assert records(simulator) == [("parent", IP, "example.com", "email", "o1.email.example.com", False)]


@pytest.mark.pins_default_dialect  # validation reasons at once (no validation_lag)
def test_wrong_a_record_gives_the_found_value_as_reason(simulator, playbook):
    simulator.add_ips([IP])
    ok(playbook(rdns_task()))
    simulator.add_dns([{"name": "o1.email.example.com", "type": "A", "value": "192.0.2.99"}])
    result = failed(playbook(rdns_task(validate=True)))
    assert result["changed"] is False
    assert "192.0.2.99" in result["msg"]


def test_prefix_match_is_never_taken_for_the_ip(simulator, playbook):
    simulator.add_ips([IP, IP_LONGER])
    ok(playbook(rdns_task(ip=IP_LONGER, domain="example.org")))

    simulator.clear_requests()
    created = ok(playbook(rdns_task(ip=IP))).task("rdns")
    assert created["changed"] is True
    assert created["reverse_dns"]["ip"] == IP
    # The lookup really returned the other IP's entry (a prefix match), and it was left alone.
    lookup = [r for r in simulator.requests() if r["method"] == "GET"][0]
    assert lookup["query"]["ip"] == IP
    assert sorted(records(simulator)) == [
        ("parent", IP, "example.com", "email", "o2.email.example.com", False),
        ("parent", IP_LONGER, "example.org", "email", "o1.email.example.org", False),
    ]

    simulator.clear_requests()
    ok(playbook(rdns_task(ip=IP, state="absent", domain=None, subdomain=None)))
    assert records(simulator) == [("parent", IP_LONGER, "example.org", "email", "o1.email.example.org", False)]

    simulator.clear_requests()
    gone = ok(playbook(rdns_task(ip=IP, state="absent", domain=None, subdomain=None))).task("rdns")
    assert gone["changed"] is False
    assert writes(simulator) == []


def test_conflict_without_replace_then_replace(simulator, playbook):
    simulator.add_ips([IP])
    first = ok(playbook(rdns_task())).task("rdns")

    simulator.clear_requests()
    refused = failed(playbook(rdns_task(domain="example.org", subdomain="mail")))
    assert refused["changed"] is False
    assert refused["differences"] == ["domain", "subdomain"]
    assert "replace=true" in refused["msg"]
    assert writes(simulator) == []

    simulator.clear_requests()
    checked = ok(playbook(rdns_task(domain="example.org", subdomain="mail", replace=True), check=True, diff=True)).task("rdns")
    assert checked["changed"] is True
    assert writes(simulator) == []

    simulator.clear_requests()
    replaced = ok(playbook(rdns_task(domain="example.org", subdomain="mail", replace=True), diff=True)).task("rdns")
    assert replaced["changed"] is True
    assert replaced["diff"]["before"]["rdns"] == "o1.email.example.com"
    assert replaced["diff"]["after"] == {"ip": IP, "domain": "example.org", "subdomain": "mail", "rdns": "o2.mail.example.org", "valid": False}
    assert writes(simulator) == [("DELETE", "%s/%s" % (RDNS, first["reverse_dns"]["id"])), ("POST", RDNS)]
    assert records(simulator) == [("parent", IP, "example.org", "mail", "o2.mail.example.org", False)]

    simulator.clear_requests()
    again = ok(playbook(rdns_task(domain="example.org", subdomain="mail", replace=True))).task("rdns")
    assert again["changed"] is False
    assert writes(simulator) == []


def test_legacy_record_is_reported_and_kept(simulator, playbook):
    simulator.seed(reverse_dns=1, legacy=True, valid=True)
    seeded = simulator.state()["reverse_dns"][0]
    result = ok(playbook(rdns_task(ip=seeded["ip"], domain=seeded["domain"], subdomain=seeded["subdomain"]))).task("rdns")
    assert result["changed"] is False
    assert result["reverse_dns"]["legacy"] is True
    assert any("legacy" in str(w) for w in result.get("warnings", [])), result
    assert writes(simulator) == []


def test_on_behalf_of_creates_in_the_subuser_account(simulator, playbook):
    simulator.add_subusers("acme")
    simulator.add_ips([IP], subusers=["acme"])
    created = ok(playbook(rdns_task(on_behalf_of="acme"))).task("rdns")
    assert created["changed"] is True
    assert records(simulator) == [("acme", IP, "example.com", "email", "o1.email.example.com", False)]
    # The parent account has no reverse DNS of its own for that IP.
    simulator.clear_requests()
    info = ok(playbook("- name: info\n  mailops.sendgrid.sendgrid_reverse_dns_info:\n    ip: %s\n" % IP)).task("info")
    assert info["reverse_dns"] == []


@pytest.mark.pins_default_dialect  # record names without SendGrid's ptr<nnn> naming
def test_info_lists_filters_and_feeds_back(simulator, playbook):
    simulator.add_ips([IP, IP_LONGER, "203.0.113.20"])
    ok(
        playbook(
            rdns_task(ip=IP, task="a")
            + rdns_task(ip=IP_LONGER, domain="example.org", task="b")
            + rdns_task(ip="203.0.113.20", subdomain="", task="c")
        )
    )

    simulator.clear_requests()
    run = ok(
        playbook(
            """
            - name: all
              mailops.sendgrid.sendgrid_reverse_dns_info:
              register: all_rdns

            - name: by ip
              mailops.sendgrid.sendgrid_reverse_dns_info:
                ip: 203.0.113.1

            - name: by domain
              mailops.sendgrid.sendgrid_reverse_dns_info:
                domain: example.com

            - name: fed back
              mailops.sendgrid.sendgrid_reverse_dns:
                ip: "{{ item.ip }}"
                domain: "{{ item.domain }}"
                subdomain: "{{ item.subdomain }}"
              loop: "{{ all_rdns.reverse_dns }}"
            """
        )
    )
    everything = run.task("all")["reverse_dns"]
    assert [(i["ip"], i["rdns"]) for i in everything] == [
        (IP, "o1.email.example.com"),
        (IP_LONGER, "o2.email.example.org"),
        ("203.0.113.20", "o3.example.com"),
    ]
    assert everything[0]["dns_records"] == [{"name": "o1.email.example.com", "type": "A", "value": IP}]
    assert [i["ip"] for i in run.task("by ip")["reverse_dns"]] == [IP]
    assert [i["ip"] for i in run.task("by domain")["reverse_dns"]] == [IP, "203.0.113.20"]
    assert run.changed == []
    assert writes(simulator) == []
