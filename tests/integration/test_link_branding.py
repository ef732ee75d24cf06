# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""sendgrid_link_branding and sendgrid_link_branding_info, run by real ansible-playbook against the simulator."""

from __future__ import annotations

import pytest
from tests.support.api_log import api_calls as api_requests

import yaml

LINKS = "/v3/whitelabel/links"


def link_task(task="link", **options):
    """One task of sendgrid_link_branding; options are written as YAML (None values are left out)."""
    args = {key: value for key, value in options.items() if value is not None}
    return yaml.safe_dump([{"name": task, "mailops.sendgrid.sendgrid_link_branding": args}], sort_keys=False)


def info_task(task="info", **options):
    return yaml.safe_dump([{"name": task, "mailops.sendgrid.sendgrid_link_branding_info": options or None}], sort_keys=False)


def writes(simulator):
    return [(r["method"], r["path"]) for r in simulator.requests() if r["write"]]


def links(simulator):
    """(account, domain, subdomain, default, valid, region) of every link, by id."""
    found = []
    for link in simulator.state()["links"]:
        region = "eu" if link["dns"]["domain_cname"]["data"] == "eu.sendgrid.net" else "us"
        found.append((link["account"], link["domain"], link["subdomain"], link["default"], link["valid"], region))
    return found


def associations(simulator):
    return {a["username"]: a["associated_link"] for a in simulator.state()["accounts"] if a["parent"]}


def ok(run):
    assert run.rc == 0, run.stdout + run.stderr
    assert run.failed == []
    return run


def rerun_writes_nothing(simulator, playbook, text):
    """Run ``text`` again: every task unchanged and not one write request."""
    simulator.clear_requests()
    run = ok(playbook(text))
    assert run.changed == []
    assert writes(simulator) == []
    return run


@pytest.mark.pins_default_dialect  # validation with validate_timeout=0 is valid at once only without validation_lag
def test_life_cycle(simulator, playbook):
    simulator.add_subusers("shop", "news")
    base = dict(domain="example.com", subdomain="links")

    # Create: the default link of the account.
    create = link_task(default=True, **base)
    first = ok(playbook(create, diff=True)).task("link")
    assert first["changed"] is True
    assert first["diff"] == {
        "before": {},
        "after": {"domain": "example.com", "subdomain": "links", "default": True, "region": "us"},
    }
    link_id = first["link"]["id"]
    assert first["link"]["valid"] is False
    assert [r["name"] for r in first["dns_records"]] == ["links.example.com", "%s.example.com" % first["link"]["user_id"]]
    assert links(simulator) == [("parent", "example.com", "links", True, False, "us")]
    # The list again after the create: a copy a parallel run made would show up there.
    assert api_requests(simulator) == [("GET", LINKS), ("POST", LINKS), ("GET", LINKS)]
    rerun = rerun_writes_nothing(simulator, playbook, create)
    assert api_requests(simulator) == [("GET", LINKS)]
    assert rerun.task("link")["link"]["id"] == link_id

    # Publish the records, then validate and hand the link to two subusers.
    simulator.add_dns(first["dns_records"])
    validate = link_task(validate=True, validate_timeout=0, validate_delay=0.1, subusers=["shop", "news"], **base)
    second = ok(playbook(validate)).task("link")
    assert second["changed"] is True
    assert second["validation"]["valid"] is True
    assert set(second["validation"]["results"]) == {"domain_cname", "owner_cname"}
    assert second["link"]["valid"] is True
    assert second["link"]["subusers"] == ["news", "shop"]
    assert associations(simulator) == {"shop": link_id, "news": link_id}
    rerun_writes_nothing(simulator, playbook, validate)
    # The budget of an unchanged run: the list, then one read per listed subuser.
    assert api_requests(simulator) == [("GET", LINKS), ("GET", LINKS + "/subuser"), ("GET", LINKS + "/subuser")]

    # Purge: keep only shop.
    purge = link_task(subusers=["shop"], purge_subusers=True, **base)
    third = ok(playbook(purge, diff=True)).task("link")
    assert third["changed"] is True
    assert third["diff"]["before"]["subusers"] == ["news", "shop"]
    assert third["diff"]["after"]["subusers"] == ["shop"]
    assert associations(simulator) == {"shop": link_id, "news": None}
    rerun_writes_nothing(simulator, playbook, purge)

    # The info module sees the same link, in the shape of the module's options.
    info = ok(playbook(info_task(domain="example.com") + info_task(task="of shop", subuser="shop"))).task("info")
    assert [{k: item[k] for k in ("domain", "subdomain", "default", "region", "id", "valid")} for item in info["links"]] == [
        {"domain": "example.com", "subdomain": "links", "default": True, "region": "us", "id": link_id, "valid": True}
    ]

    # Region cannot change in place: without replace the task fails and nothing is written.
    simulator.clear_requests()
    refused = playbook(link_task(region="eu", **base))
    assert refused.rc != 0
    assert "cannot be changed in place: region" in refused.task("link")["msg"]
    assert writes(simulator) == []
    assert links(simulator) == [("parent", "example.com", "links", True, True, "us")]

    # With replace: deleted and created again, still the default, and only once.
    replace = link_task(region="eu", replace=True, **base)
    replaced = ok(playbook(replace)).task("link")
    assert replaced["changed"] is True
    assert replaced["link"]["id"] != link_id
    assert replaced["link"]["region"] == "eu"
    assert links(simulator) == [("parent", "example.com", "links", True, False, "eu")]
    assert {r["value"] for r in replaced["dns_records"]} == {"eu.sendgrid.net"}
    rerun_writes_nothing(simulator, playbook, replace)

    # Delete, then delete again.
    delete = link_task(state="absent", **base)
    gone = ok(playbook(delete)).task("link")
    assert gone["changed"] is True
    assert gone["link"] == {} and gone["dns_records"] == []
    assert links(simulator) == []
    rerun_writes_nothing(simulator, playbook, delete)
    assert simulator.violations() == []


def test_setting_a_second_default_does_not_flip_back(simulator, playbook):
    # Yesterday's playbook made example.com the default.
    ok(playbook(link_task(domain="example.com", subdomain="links", default=True)))
    # Today's declares both links and only one default: example.org.
    both = link_task(task="first", domain="example.com", subdomain="links") + link_task(
        task="second", domain="example.org", subdomain="click", default=True
    )
    run = ok(playbook(both))
    assert run.changed == ["second"]
    assert run.task("first")["link"]["default"] is True  # read before SendGrid moved the flag
    assert links(simulator) == [
        ("parent", "example.com", "links", False, False, "us"),
        ("parent", "example.org", "click", True, False, "us"),
    ]
    # The next run of the same playbook changes nothing: the first link does not take the flag back.
    again = rerun_writes_nothing(simulator, playbook, both)
    assert again.task("first")["link"]["default"] is False
    assert again.task("second")["link"]["default"] is True
    assert links(simulator) == [
        ("parent", "example.com", "links", False, False, "us"),
        ("parent", "example.org", "click", True, False, "us"),
    ]


def test_check_mode_writes_nothing(simulator, playbook):
    simulator.add_subusers("shop")
    text = link_task(domain="example.com", subdomain="links", default=True, validate=True, subusers=["shop"])

    # A new link: predicted, not created.
    simulator.clear_requests()
    predicted = ok(playbook(text, check=True, diff=True)).task("link")
    assert predicted["changed"] is True
    assert predicted["link"]["subdomain"] == "links" and predicted["link"]["default"] is True and predicted["link"]["id"] is None
    assert predicted["validation"]["skipped"] is True
    assert predicted["diff"]["before"] == {}
    assert predicted["diff"]["after"]["subusers"] == ["shop"]
    assert writes(simulator) == []
    assert links(simulator) == []

    # An existing link: a default change, a subuser and a delete are predicted, not made.
    simulator.seed(links=1, valid=True)
    seeded = simulator.state()["links"][0]
    change = link_task(domain=seeded["domain"], default=True, subusers=["shop"])
    simulator.clear_requests()
    result = ok(playbook(change, check=True, diff=True)).task("link")
    assert result["changed"] is True
    assert result["diff"]["before"]["default"] is False and result["diff"]["after"]["default"] is True
    assert result["link"]["subusers"] == ["shop"]
    delete = link_task(task="delete", domain=seeded["domain"], state="absent")
    assert ok(playbook(delete, check=True)).task("delete")["changed"] is True
    assert writes(simulator) == []
    assert simulator.state()["links"] == [seeded]
    assert associations(simulator) == {"shop": None}


def test_link_in_a_subuser_account(simulator, playbook):
    simulator.add_subusers("shop")
    text = link_task(on_behalf_of="shop", domain="shop.example.com", subdomain="links", region="eu")
    created = ok(playbook(text)).task("link")
    assert created["changed"] is True
    assert created["link"]["username"] == "shop"
    assert links(simulator) == [("shop", "shop.example.com", "links", False, False, "eu")]
    assert {r["account"] for r in simulator.requests() if r["path"].startswith("/v3/")} == {"shop"}
    rerun_writes_nothing(simulator, playbook, text)
    # The parent's own list does not hold it.
    info = ok(playbook(info_task())).task("info")
    assert info["links"] == []


def test_subdomain_chosen_by_sendgrid_is_adopted_on_the_next_run(simulator, playbook):
    text = link_task(domain="example.com")
    created = ok(playbook(text)).task("link")
    assert created["changed"] is True
    chosen = created["link"]["subdomain"]
    assert chosen
    again = rerun_writes_nothing(simulator, playbook, text)
    assert again.task("link")["link"]["subdomain"] == chosen
    assert len(links(simulator)) == 1
