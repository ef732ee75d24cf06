# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""sendgrid_domain_auth and sendgrid_domain_auth_info, run by real ansible-playbook against the simulator."""

from __future__ import annotations

import pytest
from tests.support.api_log import api_requests, api_writes as writes

import yaml

MODULE = "mailops.sendgrid.sendgrid_domain_auth"
INFO = "mailops.sendgrid.sendgrid_domain_auth_info"
DOMAINS = "/v3/whitelabel/domains"
IP_A = "203.0.113.10"
IP_B = "203.0.113.11"


def tasks(*items):
    """YAML for tasks given as ``(name, module, args)``."""
    return yaml.safe_dump([{"name": name, module: args} for name, module, args in items], sort_keys=False)


def auth(args=None, name="auth", **more):
    """One task of the module with ``args`` (a dict) updated with ``more``."""
    return tasks((name, MODULE, dict(args or {}, **more)))


def ok(run):
    assert run.rc == 0, run.stdout + run.stderr
    assert run.failed == []
    return run


def domains(simulator):
    """Every authenticated domain in the simulator: (account, domain, subdomain)."""
    return sorted((d["account"], d["domain"], d["subdomain"]) for d in simulator.state()["domains"])


def domain_state(simulator, domain_id):
    (found,) = [d for d in simulator.state()["domains"] if d["id"] == domain_id]
    return found


MANUAL = dict(
    domain="example.com",
    subdomain="mail",
    automatic_security=False,
    custom_spf=False,
    ips=[IP_A],
    default=True,
    custom_dkim_selector="sg1",
)


@pytest.mark.pins_default_dialect  # SendGrid's validation reasons as the default guess gives them at once
def test_life_cycle_with_reruns_that_write_nothing(simulator, playbook):
    simulator.add_ips([IP_A, IP_B])
    simulator.add_subusers("shop", "news")
    # Search hits for "example.com" that are other domains: they must be left alone.
    ok(playbook(tasks(("other1", MODULE, {"domain": "mail.example.com"}), ("other2", MODULE, {"domain": "example.com.au"}))))
    others = domains(simulator)
    assert [d for _a, d, _s in others] == ["example.com.au", "mail.example.com"]

    # Create: the filtered list, which domain is the default now (default=true takes the flag from it), one POST,
    # and the list again (a copy made by a parallel run would show up there).
    simulator.clear_requests()
    created = ok(playbook(auth(MANUAL), diff=True)).task("auth")
    assert created["changed"] is True
    assert [(r["method"], r["path"]) for r in api_requests(simulator)] == [
        ("GET", DOMAINS), ("GET", DOMAINS + "/default"), ("POST", DOMAINS), ("GET", DOMAINS)
    ]
    assert api_requests(simulator)[0]["query"] == {"domain": "example.com", "exclude_subusers": "true", "limit": "500", "offset": "0"}
    domain_id = created["domain"]["id"]
    assert created["domain"]["custom_dkim_selector"] == "sg1"
    assert created["domain"]["ips"] == [IP_A]
    assert created["diff"]["before"] == {}
    assert created["diff"]["after"]["automatic_security"] is False
    assert [(r["name"], r["type"]) for r in created["dns_records"]] == [
        ("mail.example.com", "MX"),
        ("mail.example.com", "TXT"),
        ("sg1._domainkey.example.com", "TXT"),
    ]
    assert domains(simulator) == sorted(others + [("parent", "example.com", "mail")])

    # Re-run: no change, one GET, zero writes.
    simulator.clear_requests()
    again = ok(playbook(auth(MANUAL), diff=True)).task("auth")
    assert again["changed"] is False
    assert again["diff"]["before"] == again["diff"]["after"]
    assert writes(simulator) == []
    assert len(api_requests(simulator)) == 1

    # Validation fails before the records are published, with SendGrid's reasons.
    simulator.clear_requests()
    unpublished = playbook(auth(MANUAL, validate=True, validate_delay=0.1))
    assert unpublished.rc != 0
    assert unpublished.failed == ["auth"]
    failed = unpublished.task("auth")
    assert 'mail_server: Expected your MX record to be "mx.sendgrid.net"' in failed["msg"]
    assert failed["validation"]["results"]["mail_server"]["valid"] is False
    assert writes(simulator) == [("POST", "%s/%s/validate" % (DOMAINS, domain_id))]

    # Publish the returned records in the simulator's DNS, then validate.
    simulator.add_dns(created["dns_records"])
    simulator.clear_requests()
    validated = ok(playbook(auth(MANUAL, validate=True, validate_delay=0.1))).task("auth")
    assert validated["changed"] is True
    assert validated["domain"]["valid"] is True
    assert validated["validation"]["valid"] is True
    assert all(item["valid"] and item["reason"] is None for item in validated["validation"]["results"].values())
    assert writes(simulator) == [("POST", "%s/%s/validate" % (DOMAINS, domain_id))]

    simulator.clear_requests()
    assert ok(playbook(auth(MANUAL, validate=True, validate_delay=0.1))).task("auth")["changed"] is False
    assert writes(simulator) == []

    # Check mode predicts the records the real run gives (issue 16, item 1): custom SPF changes one TXT and adds one.
    simulator.clear_requests()
    predicted = ok(playbook(auth({**MANUAL, "custom_spf": True}), check=True, diff=True)).task("auth")
    assert writes(simulator) == []

    # Change custom_spf: one PATCH that carries only that field; the default flag stays.
    simulator.clear_requests()
    spf = ok(playbook(auth({**MANUAL, "custom_spf": True}), diff=True)).task("auth")
    assert predicted["dns_records"] == spf["dns_records"] and predicted["diff"] == spf["diff"]
    assert len(spf["diff"]["after"]["dns_records"]) == len(spf["diff"]["before"]["dns_records"]) + 1
    assert spf["changed"] is True
    patches = [r for r in api_requests(simulator) if r["write"]]
    assert [(r["method"], r["path"], r["body"]) for r in patches] == [("PATCH", "%s/%s" % (DOMAINS, domain_id), {"custom_spf": True})]
    assert spf["diff"]["before"]["custom_spf"] is False and spf["diff"]["after"]["custom_spf"] is True
    assert "v=spf1 ip4:%s -all" % IP_A in [r["value"] for r in spf["dns_records"]]
    assert spf["domain"]["default"] is True

    # IPs: one add, one remove, never a new entry; check mode predicts the SPF value they give.
    predicted = ok(playbook(auth({**MANUAL, "custom_spf": True, "ips": [IP_B]}), check=True)).task("auth")
    simulator.clear_requests()
    ips = ok(playbook(auth({**MANUAL, "custom_spf": True, "ips": [IP_B]}))).task("auth")
    assert predicted["dns_records"] == ips["dns_records"]
    assert ips["domain"]["ips"] == [IP_B]
    assert writes(simulator) == [("POST", "%s/%s/ips" % (DOMAINS, domain_id)), ("DELETE", "%s/%s/ips/%s" % (DOMAINS, domain_id, IP_A))]
    current = {**MANUAL, "custom_spf": True, "ips": [IP_B]}

    # Subusers, multi style: one POST each, then a re-run writes nothing.
    simulator.clear_requests()
    associated = ok(playbook(auth(current, subusers=["shop", "news"]))).task("auth")
    assert associated["domain"]["subusers"] == ["news", "shop"]
    assert writes(simulator) == [("POST", "%s/%s/subuser:add" % (DOMAINS, domain_id))] * 2
    assert sorted(a["username"] for a in simulator.state()["accounts"] if domain_id in a["associated_domains"]) == ["news", "shop"]

    simulator.clear_requests()
    assert ok(playbook(auth(current, subusers=["news", "shop"]))).task("auth")["changed"] is False
    assert writes(simulator) == []

    # Purge with the single style: shop is disassociated from this domain only.
    simulator.clear_requests()
    purged = ok(playbook(auth(current, subusers=["news"], purge_subusers=True, subuser_association="single"))).task("auth")
    assert purged["domain"]["subusers"] == ["news"]
    assert [(r["method"], r["path"], r["query"]) for r in api_requests(simulator) if r["write"]] == [
        ("DELETE", "%s/%s/subuser" % (DOMAINS, domain_id), {"username": "shop"})
    ]

    # Check mode: the predicted state, and nothing written.
    before = simulator.state()["domains"]
    simulator.clear_requests()
    checked = ok(
        playbook(auth({**current, "ips": [IP_A], "default": False, "subusers": [], "purge_subusers": True}), check=True, diff=True)
    ).task("auth")
    assert checked["changed"] is True
    assert checked["diff"]["after"]["ips"] == [IP_A]
    assert checked["diff"]["after"]["default"] is False
    assert checked["diff"]["after"]["subusers"] == []
    assert checked["diff"]["before"]["subusers"] == ["news"]
    assert writes(simulator) == []
    assert simulator.state()["domains"] == before

    # Delete, then delete again.
    simulator.clear_requests()
    deleted = ok(playbook(auth(domain="example.com", subdomain="mail", state="absent"), diff=True)).task("auth")
    assert deleted["changed"] is True
    assert deleted["domain"] == {} and deleted["diff"]["after"] == {}
    assert writes(simulator) == [("DELETE", "%s/%s" % (DOMAINS, domain_id))]
    assert domains(simulator) == others

    simulator.clear_requests()
    assert ok(playbook(auth(domain="example.com", subdomain="mail", state="absent"))).task("auth")["changed"] is False
    assert writes(simulator) == []
    assert domains(simulator) == others


@pytest.mark.pins_default_dialect  # the exact record list (root_spf adds one)
def test_automatic_security_eu_and_selector_are_stable(simulator, playbook):
    """custom_dkim_selector and region are not echoed by SendGrid: a re-run must still write nothing."""
    args = {"domain": "example.eu", "region": "eu", "custom_dkim_selector": "k2x", "automatic_security": True}
    created = ok(playbook(auth(args))).task("auth")
    assert created["domain"]["region"] == "eu"
    assert created["domain"]["subdomain"].startswith("em")  # chosen by SendGrid
    assert [r["name"] for r in created["dns_records"]] == [
        "%s.example.eu" % created["domain"]["subdomain"],
        "k2x._domainkey.example.eu",
        "k2x2._domainkey.example.eu",
    ]

    simulator.clear_requests()
    again = ok(playbook(auth(args))).task("auth")
    assert again["changed"] is False
    assert writes(simulator) == []

    # A region change cannot be made in place: the module names it and changes nothing ...
    simulator.clear_requests()
    refused = playbook(auth({**args, "region": "global"}))
    assert refused.rc != 0 and refused.failed == ["auth"]
    assert "region (is 'eu', wanted 'global')" in refused.task("auth")["msg"]
    assert writes(simulator) == []

    # ... unless replace=true, which deletes and creates once.
    simulator.clear_requests()
    replaced = ok(playbook(auth({**args, "region": "global", "replace": True}))).task("auth")
    assert replaced["domain"]["region"] == "global"
    assert replaced["domain"]["subdomain"] == created["domain"]["subdomain"]
    assert writes(simulator) == [("DELETE", "%s/%s" % (DOMAINS, created["domain"]["id"])), ("POST", DOMAINS)]
    assert domains(simulator) == [("parent", "example.eu", created["domain"]["subdomain"])]


def test_one_default_converges(simulator, playbook):
    """SendGrid clears the previous default itself; a playbook that declares one default converges."""
    ok(playbook(auth(domain="example.org", subdomain="em", default=True)))
    play = tasks(
        ("a", MODULE, {"domain": "example.com", "subdomain": "em", "default": True}),
        ("b", MODULE, {"domain": "example.org", "subdomain": "em", "default": False}),
        ("c", MODULE, {"domain": "example.net", "subdomain": "em"}),
    )
    first = ok(playbook(play))
    assert first.changed == ["a", "c"]
    defaults = {d["domain"]: d["default"] for d in simulator.state()["domains"]}
    assert defaults == {"example.com": True, "example.org": False, "example.net": False}

    simulator.clear_requests()
    second = ok(playbook(play))
    assert second.changed == []
    assert writes(simulator) == []


def test_domain_in_a_subuser_account_via_on_behalf_of(simulator, playbook):
    simulator.add_subusers("shop")
    args = {"domain": "shop.example.com", "subdomain": "em", "on_behalf_of": "shop"}
    created = ok(playbook(auth(args))).task("auth")
    assert created["changed"] is True
    assert created["domain"]["username"] == "shop"
    assert domains(simulator) == [("shop", "shop.example.com", "em")]
    assert {r["account"] for r in api_requests(simulator)} == {"shop"}

    simulator.clear_requests()
    assert ok(playbook(auth(args))).task("auth")["changed"] is False
    assert writes(simulator) == []

    # The parent sees the same entry with username=shop: no duplicate ...
    simulator.clear_requests()
    parent_view = ok(playbook(auth(domain="shop.example.com", subdomain="em", username="shop"))).task("auth")
    assert parent_view["changed"] is False
    assert parent_view["domain"]["id"] == created["domain"]["id"]
    assert {r["account"] for r in api_requests(simulator)} == {"parent"}

    # ... and without username its own (empty) list: the subuser's entry is not adopted.
    simulator.clear_requests()
    checked = ok(playbook(auth(domain="shop.example.com", subdomain="em"), check=True)).task("auth")
    assert checked["changed"] is True and checked["domain"]["id"] is None
    assert writes(simulator) == []

    listed = ok(playbook(tasks(("info", INFO, {"on_behalf_of": "shop"})))).task("info")
    assert [(d["id"], d["username"], d["domain"]) for d in listed["domains"]] == [(created["domain"]["id"], "shop", "shop.example.com")]


def test_info_lists_exact_matches_and_the_default(simulator, playbook):
    ok(
        playbook(
            tasks(
                ("a", MODULE, {"domain": "example.com", "subdomain": "em", "default": True}),
                ("b", MODULE, {"domain": "mail.example.com", "subdomain": "em"}),
            )
        )
    )
    simulator.clear_requests()
    found = ok(playbook(tasks(("info", INFO, {"domain": "example.com", "include_default": True}), ("all", INFO, {})))).task("info")
    assert [d["domain"] for d in found["domains"]] == ["example.com"]
    assert found["default_domain"]["domain"] == "example.com"
    assert found["domains"][0]["dns_records"] == found["default_domain"]["dns_records"]
    assert writes(simulator) == []

    # An item fed back to the module is no change.
    item = {key: value for key, value in found["domains"][0].items() if key not in ("id", "user_id", "valid", "legacy", "dns_records")}
    simulator.clear_requests()
    fed_back = ok(playbook(auth(item))).task("auth")
    assert fed_back["changed"] is False
    assert writes(simulator) == []
