# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The sender_setup role through playbooks/sender_setup.yml, run by real ansible-playbook against the simulator.

The records are published into the simulator's DNS table by the demo's ``sender_setup_dns_mode: tasks``
publisher, so SendGrid's validation (the simulator's) passes once they are published.
"""

from __future__ import annotations

import pytest

import re

import requests

from tests.support.sender_setup import (
    DOMAIN,
    IPS,
    PARENT_ID,
    POOL,
    SETUP,
    api_requests,
    expected_records,
    last_fact,
    no_change_reads,
    ok,
    reads,
    reverse_dns_steps,
    role_results,
    role_task,
    sender_objects,
    sender_vars,
    step,
    summary,
    writes,
)

# -- from nothing to validated, then a run with nothing to do ------------------------------------------


@pytest.mark.pins_default_dialect  # the exact record list and read counts
def test_setup_from_nothing_then_a_rerun_reads_each_object_once(simulator, playbook, tmp_path):
    simulator.add_ips(IPS)
    variables = sender_vars(tmp_path)

    first = ok(playbook(SETUP, extra_vars=variables))

    # Every object exists once, with what the variables say, and is valid.
    objects = sender_objects(simulator)
    assert [(p["account"], p["ips"]) for p in objects["pools"]] == [("parent", list(IPS))]
    assert sorted((r["ip"], r["rdns"], r["valid"]) for r in objects["reverse_dns"]) == [
        (IPS[0], "o1.email." + DOMAIN, True),
        (IPS[1], "o2.email." + DOMAIN, True),
    ]
    assert [(d["subdomain"], d["default"], d["valid"], d["automatic_security"]) for d in objects["domains"]] == [("em", True, True, True)]
    assert [(link["subdomain"], link["default"], link["valid"]) for link in objects["links"]] == [("links", True, True)]
    assert simulator.violations() == []

    # The records fact: every record in the shared {name, type, value} shape; the publisher got the same ones.
    records = last_fact(first, "sender_setup_dns_records")
    assert records == expected_records()
    assert sorted(map(tuple, map(dict.items, simulator.dns()))) == sorted(map(tuple, map(dict.items, records)))

    # The summary: one line per object, saying it changed and is valid.
    lines = summary(first)
    assert lines == [
        "IP pool         %s [%s]: changed" % (POOL, ", ".join(IPS)),
        "Reverse DNS     o1.email.%s -> %s: changed, valid" % (DOMAIN, IPS[0]),
        "Reverse DNS     o2.email.%s -> %s: changed, valid" % (DOMAIN, IPS[1]),
        "Domain auth     em.%s: changed, valid" % DOMAIN,
        "Link branding   links.%s: changed, valid" % DOMAIN,
    ]

    # The zone-file snippet: absolute names, one line per record.
    zone = (tmp_path / "sender.zone").read_text()
    body = [line for line in zone.splitlines() if line and not line.startswith(";")]
    assert body == ["%s. 3600 IN %s %s%s" % (r["name"], r["type"], r["value"], "." if r["type"] == "CNAME" else "") for r in expected_records()]

    # The second run: nothing changes, nothing is written, and each object is read exactly once.
    simulator.clear_requests()
    second = ok(playbook(SETUP, extra_vars=variables))
    assert second.changed == []
    assert writes(simulator) == []
    assert reads(simulator) == no_change_reads()
    assert [line.replace("unchanged", "changed") for line in summary(second)] == lines
    assert all("unchanged" in line for line in summary(second))
    assert sender_objects(simulator) == objects


def test_check_mode_on_an_empty_account_writes_nothing_and_predicts_every_object(simulator, playbook, tmp_path):
    simulator.add_ips(IPS)

    run = ok(playbook(SETUP, extra_vars=sender_vars(tmp_path), check=True, diff=True))

    assert writes(simulator) == []
    assert simulator.dns() == []  # the publisher's write is a task without check mode support: skipped
    state = simulator.state()
    assert (state["pools"], state["reverse_dns"], state["domains"], state["links"]) == ([], [], [], [])
    # Each object is predicted as a change, with the options it would get.
    pool = step(run, "pool")
    assert pool["changed"] is True and pool["diff"]["before"] == {}
    assert [item["changed"] for item in reverse_dns_steps(run)] == [True, True]
    domain = step(run, "domain")
    assert domain["changed"] is True and domain["diff"]["before"] == {}
    assert domain["domain"]["subdomain"] == "em" and domain["domain"]["default"] is True
    link = step(run, "link")
    assert link["changed"] is True and link["link"]["subdomain"] == "links"
    lines = summary(run)
    assert len(lines) == 5
    assert all(": would change" in line for line in lines), lines


@pytest.mark.pins_default_dialect  # validation reasons at once (no validation_lag)
def test_minimal_call_needs_only_the_domain(simulator, playbook, tmp_path):
    domain = "minimal-it.example.net"
    minimal = {"sender_setup_domain": domain}

    # Records are only output (dns_mode none): SendGrid is asked once, the run warns and ends with the records
    # to publish and SendGrid's reason for each object that is not valid yet.
    first = ok(playbook(SETUP, extra_vars=minimal))
    objects = sender_objects(simulator, domain)
    ((subdomain, valid),) = [(d["subdomain"], d["valid"]) for d in objects["domains"]]
    assert re.fullmatch(r"em\d+", subdomain) and valid is False
    ((link_subdomain,),) = [(link["subdomain"],) for link in objects["links"]]
    assert writes(simulator) == [
        ("POST", "/v3/whitelabel/domains"),
        ("POST", "/v3/whitelabel/links"),
        ("POST", "/v3/whitelabel/domains/%d/validate" % objects["domains"][0]["id"]),
        ("POST", "/v3/whitelabel/links/%d/validate" % objects["links"][0]["id"]),
    ]
    assert "is not valid after 1 validation attempt" in first.stdout + first.stderr
    domain_line, link_line = summary(first)
    assert domain_line.startswith("Domain auth     %s.%s: changed, NOT VALID: " % (subdomain, domain))
    assert 'Expected CNAME for "%s.%s"' % (subdomain, domain) in domain_line
    assert link_line.startswith("Link branding   %s.%s: changed, NOT VALID: " % (link_subdomain, domain))
    records = last_fact(first, "sender_setup_dns_records")
    assert {(r["name"], r["type"]) for r in records} == {
        ("%s.%s" % (subdomain, domain), "CNAME"),
        ("s1._domainkey." + domain, "CNAME"),
        ("s2._domainkey." + domain, "CNAME"),
        ("%s.%s" % (link_subdomain, domain), "CNAME"),
        ("%d.%s" % (PARENT_ID, domain), "CNAME"),
    }

    # The user publishes the records; the next run adopts the entries SendGrid named and validates them.
    simulator.add_dns(records)
    simulator.clear_requests()
    second = ok(playbook(SETUP, extra_vars=minimal))
    assert summary(second) == [
        "Domain auth     %s.%s: changed, valid" % (subdomain, domain),
        "Link branding   %s.%s: changed, valid" % (link_subdomain, domain),
    ]
    assert [method for method, _path in writes(simulator)] == ["POST", "POST"]  # the two validations, nothing created
    assert len(simulator.state()["domains"]) == 1 and len(simulator.state()["links"]) == 1


def test_records_are_emailed_to_the_dns_team_once(simulator, playbook, tmp_path):
    domain = "email-it.example.net"
    variables = {"sender_setup_domain": domain, "sender_setup_dns_email": "dns-team@example.net",
                 "sender_setup_dns_email_message": "Please publish"}

    ok(playbook(SETUP, extra_vars=variables))
    objects = sender_objects(simulator, domain)
    ((domain_id,),) = [(d["id"],) for d in objects["domains"]]
    ((link_id,),) = [(link["id"],) for link in objects["links"]]
    emails = [r for r in api_requests(simulator) if r["path"] == "/v3/whitelabel/dns/email"]
    assert [r["body"] for r in emails] == [
        {"email": "dns-team@example.net", "domain_id": domain_id, "link_id": link_id, "message": "Please publish"}
    ]

    # The records are not published yet, but nothing was created or changed: no second email.
    simulator.clear_requests()
    second = ok(playbook(SETUP, extra_vars=variables))
    assert [r for r in api_requests(simulator) if r["path"] == "/v3/whitelabel/dns/email"] == []
    assert role_results(second, "Email the DNS records of the sender")[0]["status"] == "skipped"
    # ... and the summary says so, with what to do when the first run was interrupted before its email.
    assert any("records NOT emailed by this run" in line and "sender_setup_dns_email_resend=true" in line for line in summary(second))


def test_records_not_emailed_by_an_interrupted_first_run_are_sent_with_resend(simulator, playbook, tmp_path):
    # The first run was killed after creating the domain and link and before its email task: no email went out.
    domain = "interrupted.example.net"
    variables = {"sender_setup_domain": domain, "sender_setup_dns_email": "dns-team@example.net"}
    ok(playbook(SETUP, extra_vars={"sender_setup_domain": domain}))
    simulator.clear_requests()
    resent = ok(playbook(SETUP, extra_vars=dict(variables, sender_setup_dns_email_resend=True)))
    emails = [r for r in api_requests(simulator) if r["path"] == "/v3/whitelabel/dns/email"]
    assert len(emails) == 1 and {"domain_id", "link_id"} <= set(emails[0]["body"])
    assert any(line.startswith("DNS email       records emailed to dns-team@example.net") for line in summary(resent))


def test_bad_input_is_refused_before_any_request(simulator, playbook, tmp_path):
    missing = playbook(SETUP, extra_vars={"sender_setup_dns_mode": "none"})
    assert missing.rc != 0
    (failed,) = [r for r in missing.results if r["status"] == "failed"]
    # The bundled playbooks leave the argument specification to the role's first task (rolespec_validate=false).
    assert failed["action"] == "mailops.sendgrid.sendgrid_sender_inputs"
    assert "missing required arguments: sender_setup_domain" in failed["result"]["msg"]

    bogus = playbook(SETUP, extra_vars={"sender_setup_domain": DOMAIN, "sender_setup_dns_mode": "bogus"})
    assert bogus.rc != 0
    (failed,) = [r for r in bogus.results if r["status"] == "failed"]
    assert failed["action"] == "mailops.sendgrid.sendgrid_sender_inputs"
    assert "sender_setup_dns_mode" in failed["result"]["msg"] and "bogus" in failed["result"]["msg"]

    # Inputs that only conflict with each other: refused by the role's first task, naming the options.
    conflicting = playbook(
        SETUP,
        extra_vars={"sender_setup_domain": DOMAIN, "sender_setup_on_behalf_of": "acme", "sender_setup_subusers": ["shop"], "sender_setup_dns_mode": "tasks"},
    )
    assert conflicting.rc != 0
    (failed,) = [r for r in conflicting.results if r["status"] == "failed"]
    assert failed["task"].endswith("Check the role's variables")
    assert "sender_setup_subusers" in failed["result"]["msg"] and "sender_setup_on_behalf_of" in failed["result"]["msg"]
    assert "sender_setup_dns_tasks_file" in failed["result"]["msg"]

    assert simulator.requests() == []


# -- subusers ---------------------------------------------------------------------------------------------


def link_of(simulator, username):
    """The id of the branded link ``username`` uses (SendGrid's own read)."""
    answer = requests.get(simulator.url("/v3/whitelabel/links/subuser"), params={"username": username}, headers=simulator.auth_headers(), timeout=10)
    return answer.json().get("id") if answer.status_code == 200 else None


def associations(simulator):
    return {a["username"]: (a["associated_domains"], a["associated_link"]) for a in simulator.state()["accounts"] if a["parent"]}


@pytest.mark.pins_default_dialect  # the exact call list with subusers echoed (no_echo reads them elsewhere)
def test_subusers_are_associated_once_the_objects_are_valid(simulator, playbook, tmp_path):
    simulator.add_subusers("shop", "news", "ops")
    variables = sender_vars(tmp_path, sender_setup_ips=[], sender_setup_ip_pool="", sender_setup_subusers=["shop", "news"])

    first = ok(playbook(SETUP, extra_vars=variables))
    ((domain,),) = [sender_objects(simulator)["domains"]]
    ((link,),) = [sender_objects(simulator)["links"]]
    assert domain["valid"] and link["valid"]
    assert associations(simulator) == {"shop": ([domain["id"]], link["id"]), "news": ([domain["id"]], link["id"]), "ops": ([], None)}
    assert summary(first) == [
        "Domain auth     em.%s: changed, valid, subusers: news, shop" % DOMAIN,
        "Link branding   links.%s: changed, valid, subusers: news, shop" % DOMAIN,
    ]
    assert simulator.violations() == []

    # On the first run the setup calls deferred the associations (nothing was valid yet) and the validation calls
    # made them.
    for name in ("domain", "link"):
        assert step(first, name)["deferred_subusers"] == ["news", "shop"]
    assert role_task(first, "Validate the domain authentication of the sender")["domain"]["subusers"] == ["news", "shop"]
    assert "deferred_subusers" not in role_task(first, "Validate the link branding of the sender")

    # Nothing to do: one call per object. The domain is read once (its object lists its subusers); the link once,
    # plus the link of each listed subuser (SendGrid's link object does not list them).
    simulator.clear_requests()
    second = ok(playbook(SETUP, extra_vars=variables))
    assert second.changed == []
    assert writes(simulator) == []
    assert reads(simulator) == [
        ("GET", "/v3/whitelabel/domains", DOMAIN),
        ("GET", "/v3/whitelabel/links", None),
        ("GET", "/v3/whitelabel/links/subuser", "shop"),
        ("GET", "/v3/whitelabel/links/subuser", "news"),
    ]
    assert step(second, "link")["link"]["subusers"] == ["news", "shop"]
    assert role_results(second, "Validate the link branding of the sender") == []

    # A subuser swapped for another one, with purge: both valid objects follow, in one run.
    simulator.clear_requests()
    third = ok(playbook(SETUP, extra_vars=dict(variables, sender_setup_subusers=["shop", "ops"], sender_setup_purge_subusers=True)))
    assert associations(simulator) == {"shop": ([domain["id"]], link["id"]), "news": ([], None), "ops": ([domain["id"]], link["id"])}
    assert sorted(writes(simulator)) == sorted(
        [
            ("POST", "/v3/whitelabel/domains/%d/subuser:add" % domain["id"]),
            ("DELETE", "/v3/whitelabel/domains/%d/subuser" % domain["id"]),
            ("POST", "/v3/whitelabel/links/%d/subuser" % link["id"]),
            ("DELETE", "/v3/whitelabel/links/subuser"),
        ]
    )
    assert summary(third) == [
        "Domain auth     em.%s: changed, valid, subusers: ops, shop" % DOMAIN,
        "Link branding   links.%s: changed, valid, subusers: ops, shop" % DOMAIN,
    ]
    assert link_of(simulator, "ops") == link["id"]


def test_sender_in_a_subuser_account(simulator, playbook, tmp_path):
    simulator.add_subusers("acme")
    simulator.add_ips(IPS, subusers=["acme"])
    variables = sender_vars(tmp_path, sender_setup_on_behalf_of="acme")

    ok(playbook(SETUP, extra_vars=variables))
    objects = sender_objects(simulator)
    # The pool is the parent's (SendGrid keeps pools there and takes no on-behalf-of on /v3/ips); the rest is acme's.
    assert [p["account"] for p in objects["pools"]] == ["parent"]
    assert sorted((r["account"], r["ip"], r["valid"]) for r in objects["reverse_dns"]) == [("acme", IPS[0], True), ("acme", IPS[1], True)]
    assert [(d["account"], d["valid"]) for d in objects["domains"]] == [("acme", True)]
    assert [(link["account"], link["valid"]) for link in objects["links"]] == [("acme", True)]
    assert {r["account"] for r in api_requests(simulator) if not r["path"].startswith("/v3/ips")} == {"acme"}
    assert {r["account"] for r in api_requests(simulator) if r["path"].startswith("/v3/ips")} == {"parent"}

    simulator.clear_requests()
    second = ok(playbook(SETUP, extra_vars=variables))
    assert second.changed == []
    assert writes(simulator) == []
    assert reads(simulator) == no_change_reads()
    assert {r["account"] for r in api_requests(simulator) if not r["path"].startswith("/v3/ips")} == {"acme"}


def test_inputs_from_the_command_line_arrive_as_strings_and_work(simulator, playbook, tmp_path):
    # -e key=value (and AWX surveys) give strings: a comma-separated list, "false" for a boolean (issue 16).
    simulator.add_ips(["192.0.2.30", "192.0.2.31"])
    domain = "cli-strings.example.net"
    args = ["-e", "sender_setup_domain=%s" % domain, "-e", "sender_setup_ips=192.0.2.30,192.0.2.31",
            "-e", "sender_setup_ip_pool=cli-pool", "-e", "sender_setup_automatic_security=false",
            "-e", "sender_setup_custom_spf=true", "-e", "sender_setup_link_branding=false"]
    ok(playbook(SETUP, args=args))
    objects = sender_objects(simulator, domain)
    assert [p["ips"] for p in simulator.state()["pools"] if p["name"] == "cli-pool"] == [["192.0.2.30", "192.0.2.31"]]
    assert sorted(r["ip"] for r in objects["reverse_dns"]) == ["192.0.2.30", "192.0.2.31"]
    ((created,),) = [objects["domains"]]
    assert (created["automatic_security"], created["custom_spf"], created["ips"]) == (False, True, ["192.0.2.30", "192.0.2.31"])


def test_a_mistyped_role_variable_is_refused_before_any_request(simulator, playbook, tmp_path):
    run = playbook(SETUP, args=["-e", "sender_setup_domain=typo.example.net", "-e", "sender_setup_subdomian=em"])
    assert run.rc != 0
    (failed,) = [r for r in run.results if r["status"] == "failed"]
    assert "unknown role variable(s) sender_setup_subdomian" in failed["result"]["msg"]
    assert "did you mean sender_setup_subdomain" in failed["result"]["msg"]
    assert api_requests(simulator) == []


@pytest.mark.parametrize("fleet", [True, False], ids=["fleet", "per-host"])
def test_a_module_failure_inside_the_role_names_the_role_variables(simulator, playbook, tmp_path, fleet):
    # Issue 16, item 5: fixing a typo'd subdomain used to fail naming the module option "replace"; the role's user
    # sets sender_setup_replace. On both paths.
    base = ["-e", "sender_setup_domain=rename.example.net", "-e", "sender_setup_link_branding=false", "-e", "sender_setup_dns_mode=none",
            "-e", "sender_setup_fleet=%s" % fleet]
    ok(playbook(SETUP, args=base + ["-e", "sender_setup_subdomain=em"]))
    run = playbook(SETUP, args=base + ["-e", "sender_setup_subdomain=mail"])
    assert run.rc != 0
    (failed,) = [r for r in run.results if r["status"] == "failed"]
    assert failed["task"].endswith("The failure in terms of the role's variables")
    message = failed["result"]["msg"]
    assert "cannot be changed in place" in message
    assert "sender_setup_subdomain (is 'em', wanted 'mail')" in message and "set sender_setup_replace=true" in message
    assert "set replace=true" not in message
    # The module's own failure is still in the output, taken over by the rescue.
    rescued = "This sender's SendGrid objects" if fleet else "Domain authentication of the sender"
    assert [r["task"].split(" : ")[-1] for r in run.results if r["status"] == "rescued"] == [rescued]
