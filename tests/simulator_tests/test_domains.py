# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Domain authentication (``/v3/whitelabel/domains``, ``/v3/whitelabel/dns/email``)."""

from __future__ import annotations

import re

import pytest

from .helpers import messages

DOMAINS = "/v3/whitelabel/domains"
DOMAIN_KEYS = {"id", "user_id", "subdomain", "domain", "username", "ips", "custom_spf",
               "default", "legacy", "automatic_security", "valid", "dns", "subusers"}


def create(api, **body):
    body.setdefault("domain", "example.com")
    response = api.post(DOMAINS, json=body)
    assert response.status_code == 201, response.text
    return response.json()


def publish(simulator, domain):
    """Put every record the domain asks for into the simulator's DNS table."""
    simulator.add_dns([{"name": r["host"], "type": r["type"], "value": r["data"]}
                       for r in domain["dns"].values()])


def validated(simulator, api, **body):
    domain = create(api, **body)
    publish(simulator, domain)
    assert api.post(f"{DOMAINS}/{domain['id']}/validate").json()["valid"] is True
    return domain


def test_create_with_automatic_security(api):
    d = create(api, subdomain="em", default=True)
    assert set(d) == DOMAIN_KEYS
    assert isinstance(d["id"], int) and d["user_id"] == 1446440 and d["username"] == "parent"
    assert (d["domain"], d["subdomain"], d["automatic_security"], d["default"]) == \
        ("example.com", "em", True, True)
    assert (d["custom_spf"], d["legacy"], d["valid"], d["ips"]) == (False, False, False, [])
    target = re.fullmatch(r"u1446440\.wl\d{3}\.sendgrid\.net", d["dns"]["mail_cname"]["data"])
    assert target, d["dns"]
    assert d["dns"] == {
        "mail_cname": {"valid": False, "type": "cname", "host": "em.example.com",
                       "data": target.group(0)},
        "dkim1": {"valid": False, "type": "cname", "host": "s1._domainkey.example.com",
                  "data": "s1.domainkey." + target.group(0)},
        "dkim2": {"valid": False, "type": "cname", "host": "s2._domainkey.example.com",
                  "data": "s2.domainkey." + target.group(0)},
    }
    assert "region" not in d and "custom_dkim_selector" not in d


def test_generated_subdomain_is_deterministic(simulator, api):
    first = create(api)
    assert re.fullmatch(r"em\d{4}", first["subdomain"])
    simulator.reset()
    assert create(api)["subdomain"] == first["subdomain"]


def test_custom_dkim_selector(api):
    d = create(api, custom_dkim_selector="abc", region="eu")
    assert d["dns"]["dkim1"]["host"] == "abc._domainkey.example.com"
    assert d["dns"]["dkim2"]["host"] == "abc2._domainkey.example.com"
    assert d["dns"]["dkim1"]["data"].startswith("abc.domainkey.u1446440.")


def test_eu_pinned_domain_points_at_eu_hosts(api):
    d = create(api, region="eu")
    assert d["dns"]["mail_cname"]["data"].endswith(".eu.sendgrid.net")
    assert d["dns"]["dkim1"]["data"].endswith(".eu.sendgrid.net")
    assert ".eu." not in create(api, subdomain="other")["dns"]["mail_cname"]["data"]


def test_manual_security_records(simulator, api):
    simulator.add_ips(["192.0.2.1"])
    d = create(api, subdomain="mail", automatic_security=False, custom_spf=True,
               ips=["192.0.2.1"])
    dns = d["dns"]
    assert set(dns) == {"mail_server", "subdomain_spf", "domain_spf", "dkim"}
    assert dns["mail_server"] == {"valid": False, "type": "mx", "host": "mail.example.com",
                                  "data": "mx.sendgrid.net"}
    assert dns["subdomain_spf"]["type"] == "txt"
    assert dns["subdomain_spf"]["data"] == "v=spf1 ip4:192.0.2.1 -all"
    assert dns["domain_spf"] == {"valid": False, "type": "txt", "host": "example.com",
                                 "data": "v=spf1 include:mail.example.com -all"}
    assert dns["dkim"]["host"] == "m1._domainkey.example.com"
    assert dns["dkim"]["data"].startswith("k=rsa; t=s; p=")
    plain = create(api, domain="example.org", automatic_security=False)
    assert set(plain["dns"]) == {"mail_server", "subdomain_spf", "dkim"}


@pytest.mark.parametrize("body, field", [
    ({}, "domain"),
    ({"domain": "not a domain"}, "domain"),
    ({"domain": "example.com", "custom_dkim_selector": "toolong"}, "custom_dkim_selector"),
    ({"domain": "example.com", "region": "us"}, "region"),
    ({"domain": "example.com", "ips": ["203.0.113.200"]}, "ips"),
    ({"domain": "example.com", "username": "nobody"}, "username"),
])
def test_create_errors(api, body, field):
    response = api.post(DOMAINS, json=body)
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == field


def test_domain_limit_is_configurable(simulator, api):
    simulator.config(max_domains=1)
    create(api)
    assert api.post(DOMAINS, json={"domain": "example.org"}).status_code == 400


def test_list_filters_and_pagination(simulator, api, as_user):
    simulator.add_subusers("acme")
    mine = [create(api, domain=name)["id"] for name in ("example.com", "mail.example.com",
                                                        "other.org")]
    theirs = create(as_user("acme"), domain="acme.example.com")["id"]
    made_for = create(api, domain="acme.net", username="acme")
    assert made_for["username"] == "acme" and made_for["user_id"] == 1446441
    listed = [d["id"] for d in api.get(DOMAINS).json()]
    assert listed == mine + [theirs, made_for["id"]]  # the parent sees subuser domains too
    assert [d["id"] for d in api.get(DOMAINS, params={"exclude_subusers": "true"}).json()] == mine
    assert [d["id"] for d in api.get(DOMAINS, params={"username": "acme"}).json()] == \
        [theirs, made_for["id"]]
    searched = [d["domain"] for d in api.get(DOMAINS, params={"domain": "example.com"}).json()]
    assert searched == ["example.com", "mail.example.com", "acme.example.com"]  # a search
    page = api.get(DOMAINS, params={"limit": 2, "offset": 2}).json()
    assert [d["id"] for d in page] == [mine[2], theirs]
    assert [d["id"] for d in as_user("acme").get(DOMAINS).json()] == [theirs, made_for["id"]]


def test_get_patch_delete(api):
    d = create(api)
    path = f"{DOMAINS}/{d['id']}"
    assert api.get(path).json() == d
    patched = api.patch(path, json={"default": True, "custom_spf": True})
    assert patched.status_code == 200
    assert patched.json()["default"] is True and patched.json()["custom_spf"] is True
    refused = api.patch(path, json={"subdomain": "other"})
    assert refused.status_code == 400 and refused.json()["errors"][0]["field"] == "subdomain"
    assert api.delete(path).status_code == 204
    assert api.get(path).status_code == 404
    assert api.patch(path, json={"default": True}).status_code == 404
    assert api.delete(path).status_code == 404
    assert api.get(f"{DOMAINS}/not-a-number").status_code == 404


def test_one_default_per_account(simulator, api, as_user):
    simulator.add_subusers("acme")
    first = create(api, default=True)
    theirs = create(as_user("acme"), domain="acme.com", default=True)
    second = create(api, domain="example.org", default=True)
    assert api.get(f"{DOMAINS}/{first['id']}").json()["default"] is False
    assert api.get(f"{DOMAINS}/{theirs['id']}").json()["default"] is True
    api.patch(f"{DOMAINS}/{first['id']}", json={"default": True})
    assert api.get(f"{DOMAINS}/{second['id']}").json()["default"] is False


def test_default_endpoint(api):
    assert api.get(f"{DOMAINS}/default").json() == {}
    plain = create(api, domain="example.org")
    default = create(api, default=True)
    assert api.get(f"{DOMAINS}/default").json()["id"] == default["id"]
    matched = api.get(f"{DOMAINS}/default", params={"domain": "example.org"}).json()
    assert matched["id"] == plain["id"]  # a single object, not a list


def test_ips_on_a_domain(simulator, api):
    simulator.add_ips(["192.0.2.1", "192.0.2.2"])
    d = create(api, automatic_security=False, custom_spf=True)
    added = api.post(f"{DOMAINS}/{d['id']}/ips", json={"ip": "192.0.2.2"})
    assert added.status_code == 200
    assert added.json()["ips"] == ["192.0.2.2"]
    assert added.json()["dns"]["subdomain_spf"]["data"] == "v=spf1 ip4:192.0.2.2 -all"
    assert api.post(f"{DOMAINS}/{d['id']}/ips", json={"ip": "192.0.2.2"}).status_code == 400
    assert api.post(f"{DOMAINS}/{d['id']}/ips", json={"ip": "198.51.100.1"}).status_code == 400
    removed = api.delete(f"{DOMAINS}/{d['id']}/ips/192.0.2.2")
    assert removed.status_code == 200 and removed.json()["ips"] == []
    assert api.delete(f"{DOMAINS}/{d['id']}/ips/192.0.2.2").status_code == 404


def test_validate(simulator, api):
    d = create(api, subdomain="em1234")
    path = f"{DOMAINS}/{d['id']}/validate"
    failed = api.post(path).json()
    assert failed["id"] == d["id"] and failed["valid"] is False
    assert set(failed["validation_results"]) == {"mail_cname", "dkim1", "dkim2"}
    mail = failed["validation_results"]["mail_cname"]
    assert mail == {"valid": False, "reason": 'Expected CNAME for "em1234.example.com" to match '
                    f'"{d["dns"]["mail_cname"]["data"]}".'}
    publish(simulator, d)
    passed = api.post(path).json()
    assert passed["valid"] is True
    assert all(r == {"valid": True, "reason": None}
               for r in passed["validation_results"].values())
    after = api.get(f"{DOMAINS}/{d['id']}").json()
    assert after["valid"] is True and all(r["valid"] for r in after["dns"].values())


def test_validate_manual_security_records(simulator, api):
    d = create(api, automatic_security=False)
    simulator.add_dns([{"name": d["dns"]["mail_server"]["host"], "type": "MX",
                        "value": "10 mx.sendgrid.net."},
                       {"name": d["dns"]["subdomain_spf"]["host"], "type": "TXT",
                        "value": '"v=spf1 include:sendgrid.net" " ~all"'}])
    results = api.post(f"{DOMAINS}/{d['id']}/validate").json()["validation_results"]
    assert results["mail_server"]["valid"] is True
    assert results["subdomain_spf"]["valid"] is True  # multi-string TXT joined
    assert results["dkim"]["valid"] is False


def test_subuser_association_single(simulator, api):
    simulator.add_subusers("acme")
    unvalidated = create(api, domain="example.org")
    refused = api.post(f"{DOMAINS}/{unvalidated['id']}/subuser", json={"username": "acme"})
    assert refused.status_code == 400
    d = validated(simulator, api)
    response = api.post(f"{DOMAINS}/{d['id']}/subuser", json={"username": "acme"})
    assert response.status_code == 201
    assert response.json()["subusers"] == [{"user_id": 1446441, "username": "acme"}]
    assert api.get(f"{DOMAINS}/subuser", params={"username": "acme"}).json()["id"] == d["id"]
    assert api.post(f"{DOMAINS}/{d['id']}/subuser", json={"username": "ghost"}).status_code \
        == 404
    assert api.delete(f"{DOMAINS}/subuser", params={"username": "acme"}).status_code == 204
    assert api.get(f"{DOMAINS}/subuser", params={"username": "acme"}).status_code == 404


def test_subuser_association_multiple(simulator, api):
    simulator.add_subusers("acme")
    ids = [validated(simulator, api, domain=f"d{n}.example.com")["id"] for n in range(6)]
    for domain_id in ids[:5]:
        assert api.post(f"{DOMAINS}/{domain_id}/subuser:add",
                        json={"username": "acme"}).status_code == 201
    over = api.post(f"{DOMAINS}/{ids[5]}/subuser:add", json={"username": "acme"})
    assert over.status_code == 400
    twice = api.post(f"{DOMAINS}/{ids[0]}/subuser:add", json={"username": "acme"})
    assert twice.status_code == 400
    listed = api.get(f"{DOMAINS}/subuser/all", params={"username": "acme"}).json()
    assert [d["id"] for d in listed] == ids[:5]
    removed = api.delete(f"{DOMAINS}/{ids[0]}/subuser", params={"username": "acme"})
    assert removed.status_code == 204
    listed = api.get(f"{DOMAINS}/subuser/all", params={"username": "acme"}).json()
    assert [d["id"] for d in listed] == ids[1:5]
    # The single association replaces the whole set.
    assert api.post(f"{DOMAINS}/{ids[5]}/subuser", json={"username": "acme"}).status_code == 201
    assert [d["id"] for d in api.get(f"{DOMAINS}/subuser/all",
                                     params={"username": "acme"}).json()] == [ids[5]]


def test_associations_are_for_the_parent(simulator, api, as_user):
    simulator.add_subusers("acme")
    d = validated(simulator, api)
    assert as_user("acme").post(f"{DOMAINS}/{d['id']}/subuser",
                                json={"username": "acme"}).status_code == 403


def test_email_dns_records(api):
    d = create(api)
    link = api.post("/v3/whitelabel/links", json={"domain": "example.com"}).json()
    ok = api.post("/v3/whitelabel/dns/email", json={"domain_id": d["id"], "link_id": link["id"],
                                                    "email": "it@example.com"})
    assert ok.status_code == 204 and ok.content == b""
    only_domain = api.post("/v3/whitelabel/dns/email",
                           json={"domain_id": d["id"], "email": "it@example.com"})
    assert only_domain.status_code == 204
    unknown = api.post("/v3/whitelabel/dns/email", json={"domain_id": 1, "link_id": link["id"],
                                                         "email": "it@example.com"})
    assert unknown.status_code == 400 and "domain" in messages(unknown)
