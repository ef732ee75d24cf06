# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Wrong account (issue 8, part 6): ``on_behalf_of`` a subuser that does not exist, and keys without
the scopes a task needs (403). Every managing module fails cleanly, naming the refused request, and
nothing is created in the parent account (or anywhere else)."""

from __future__ import annotations

import textwrap

from tests.reliability import report

A = "203.0.113.10"
READ_SCOPES = ["ips.read", "ips.assigned.read", "ips.warmup.read", "ips.pools.read", "whitelabel.read", "subusers.read"]
WRITERS = ["pool", "warmup", "reverse dns", "domain", "link"]
READERS = ["ip info", "pool info", "reverse dns info", "domain info", "link info"]
PARENT_ONLY = ["pool", "warmup", "ip info", "pool info"]
WHITELABEL_WRITERS = [name for name in WRITERS if name not in PARENT_ONLY]
WHITELABEL_READERS = [name for name in READERS if name not in PARENT_ONLY]


def tour(extra=""):
    """Every module, each failure kept so that the next task still runs; ``extra`` goes into every task."""
    tasks = [
        ("pool", "sendgrid_ip_pool", "name: tx\nips: [%s]" % A),
        ("warmup", "sendgrid_ip", "ip: %s\nwarmup: true" % A),
        ("reverse dns", "sendgrid_reverse_dns", "ip: %s\ndomain: example.com\nsubdomain: o" % A),
        ("domain", "sendgrid_domain_auth", "domain: example.com\nsubdomain: em"),
        ("link", "sendgrid_link_branding", "domain: example.com\nsubdomain: ln"),
        ("ip info", "sendgrid_ip_info", "{}"),
        ("pool info", "sendgrid_ip_pool_info", "{}"),
        ("reverse dns info", "sendgrid_reverse_dns_info", "{}"),
        ("domain info", "sendgrid_domain_auth_info", "{}"),
        ("link info", "sendgrid_link_branding_info", "{}"),
    ]
    text = ""
    for name, module, args in tasks:
        if extra:
            args = ("" if args == "{}" else args + "\n") + extra
        text += "- name: %s\n  mailops.sendgrid.%s:\n%s\n  ignore_errors: true\n" % (name, module, textwrap.indent(args, "    "))
    return text


def nothing_anywhere(simulator):
    state = simulator.state()
    for kind in ("pools", "domains", "links", "reverse_dns"):
        assert state[kind] == [], "%s created: %r" % (kind, state[kind])
    assert [ip["warmup"] for ip in state["ips"]] == [False]
    return state


def refused(run, names, status):
    for name in names:
        entry = [r for r in run.results if r["task"] == name]
        assert len(entry) == 1, name
        result = entry[0]["result"]
        assert entry[0]["status"] == "failed", (name, result)
        assert "failed with HTTP %d: access forbidden" % status in result["msg"], (name, result["msg"])
        assert result["method"] in ("GET", "POST") and result["path"].startswith("/v3/") and result["path"] in result["msg"]
        assert result["changed"] is False, (name, result)


def test_on_behalf_of_a_subuser_that_does_not_exist(simulator, playbook):
    simulator.add_subusers("acme")
    simulator.add_ips([A], subusers=["acme"])
    run = playbook(tour("on_behalf_of: ghost"))
    assert run.rc == 0, run.stdout + run.stderr
    refused(run, WHITELABEL_WRITERS + WHITELABEL_READERS, 403)
    # The IP modules refuse on_behalf_of before any request: SendGrid does not declare it for /v3/ips.
    for name in PARENT_ONLY:
        (entry,) = [r for r in run.results if r["task"] == name]
        assert entry["status"] == "failed" and "on_behalf_of cannot be used with this module" in entry["result"]["msg"], name
    log = simulator.requests()
    # Each module stops at its first request: nothing is ever written.
    assert [e for e in log if e["write"]] == []
    assert {e["status"] for e in log} == {403}
    assert not [e for e in log if e["path"].startswith("/v3/ips")]
    nothing_anywhere(simulator)
    report.record("wrong_account", unknown_subuser={"tasks": len(run.results), "refused": len(run.failed), "requests": len(log), "writes": 0})


def test_a_read_only_key_can_audit_but_not_create(simulator, playbook):
    simulator.add_ips([A])
    simulator.add_api_key("SG.read-only-key", READ_SCOPES)
    env = {"SENDGRID_API_KEY": "SG.read-only-key"}
    audit = playbook(tour(), check=True, env=env)
    assert audit.rc == 0 and audit.failed == [], audit.stdout
    run = playbook(tour(), env=env)
    assert run.rc == 0, run.stdout + run.stderr
    refused(run, WRITERS, 403)
    assert sorted(set(run.failed)) == sorted(WRITERS)
    log = simulator.requests()
    writes = [e for e in log if e["write"]]
    # One refused POST per managing module, and no second try.
    assert sorted(e["path"] for e in writes) == sorted(
        ["/v3/ips/pools", "/v3/ips/warmup", "/v3/whitelabel/ips", "/v3/whitelabel/domains", "/v3/whitelabel/links"]
    )
    assert {e["status"] for e in writes} == {403}
    nothing_anywhere(simulator)
    report.record("wrong_account", read_only_key={"scopes": READ_SCOPES, "audit_tasks_ok": len(audit.results), "refused_writes": len(writes)})


def test_a_key_without_whitelabel_scopes_is_refused_at_the_first_read(simulator, playbook):
    simulator.add_ips([A])
    simulator.add_api_key("SG.ips-only-key", ["ips.read", "ips.pools.read"])
    run = playbook(tour(), env={"SENDGRID_API_KEY": "SG.ips-only-key"})
    assert run.rc == 0, run.stdout + run.stderr
    refused(run, ["reverse dns", "domain", "link", "reverse dns info", "domain info", "link info"], 403)
    refused(run, ["pool", "warmup"], 403)  # the read passes, the write is refused
    nothing_anywhere(simulator)
    report.record("wrong_account", ips_only_key={"scopes": ["ips.read", "ips.pools.read"], "refused": len(run.failed)})
