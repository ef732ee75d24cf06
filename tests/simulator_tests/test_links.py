# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Link branding (``/v3/whitelabel/links``)."""

from __future__ import annotations

import re

LINKS = "/v3/whitelabel/links"
LINK_KEYS = {"id", "domain", "subdomain", "username", "user_id", "default", "valid", "legacy",
             "dns"}


def create(api, **body):
    body.setdefault("domain", "example.com")
    response = api.post(LINKS, json=body)
    assert response.status_code == 201, response.text
    return response.json()


def publish(simulator, link):
    simulator.add_dns([{"name": r["host"], "type": r["type"], "value": r["data"]}
                       for r in link["dns"].values()])


def test_create_shape(api):
    link = create(api, subdomain="links", default=True)
    assert set(link) == LINK_KEYS
    assert (link["domain"], link["subdomain"], link["default"], link["valid"], link["legacy"]) \
        == ("example.com", "links", True, False, False)
    assert (link["username"], link["user_id"]) == ("parent", 1446440)
    assert link["dns"] == {
        "domain_cname": {"valid": False, "type": "cname", "host": "links.example.com",
                         "data": "sendgrid.net"},
        "owner_cname": {"valid": False, "type": "cname", "host": "1446440.example.com",
                        "data": "sendgrid.net"},
    }
    assert "region" not in link


def test_generated_subdomain_and_eu_region(api):
    link = create(api, region="eu")
    assert re.fullmatch(r"url\d+", link["subdomain"])
    assert link["dns"]["domain_cname"]["data"] == "eu.sendgrid.net"
    bad = api.post(LINKS, json={"domain": "example.com", "region": "global"})
    assert bad.status_code == 400
    assert api.post(LINKS, json={"subdomain": "x"}).status_code == 400


def test_list_takes_only_limit(api):
    ids = [create(api, domain=f"d{n}.example.com")["id"] for n in range(3)]
    assert [link["id"] for link in api.get(LINKS).json()] == ids
    assert [link["id"] for link in api.get(LINKS, params={"limit": 2}).json()] == ids[:2]
    assert api.get(LINKS, params={"limit": 3000}).status_code == 200
    too_big = api.get(LINKS, params={"limit": 3001})
    assert too_big.status_code == 400 and too_big.json()["errors"][0]["field"] == "limit"
    # ``offset`` is not a parameter of this list: refused only by the OpenAPI check (test_spec_validation).


def test_get_patch_delete(api):
    link = create(api)
    path = f"{LINKS}/{link['id']}"
    assert api.get(path).json() == link
    patched = api.patch(path, json={"default": True})
    assert patched.status_code == 200 and patched.json()["default"] is True
    assert api.patch(path, json={"subdomain": "x"}).status_code == 400
    assert api.delete(path).status_code == 204
    assert api.get(path).status_code == 404
    assert api.delete(path).status_code == 404


def test_one_default_per_account(api):
    first = create(api, default=True)
    second = create(api, domain="example.org", default=True)
    assert api.get(f"{LINKS}/{first['id']}").json()["default"] is False
    api.patch(f"{LINKS}/{first['id']}", json={"default": True})
    assert api.get(f"{LINKS}/{second['id']}").json()["default"] is False


def test_default_endpoint(simulator, api):
    fallback = api.get(f"{LINKS}/default").json()
    assert fallback["domain"] == "sendgrid.net"
    link = create(api, default=True)
    # Only a validated default counts.
    assert api.get(f"{LINKS}/default").json()["domain"] == "sendgrid.net"
    publish(simulator, link)
    assert api.post(f"{LINKS}/{link['id']}/validate").json()["valid"] is True
    assert api.get(f"{LINKS}/default").json()["id"] == link["id"]
    other = create(api, domain="example.org")
    publish(simulator, other)
    api.post(f"{LINKS}/{other['id']}/validate")
    matched = api.get(f"{LINKS}/default", params={"domain": "example.org"}).json()
    assert matched["id"] == other["id"]


def test_validate(simulator, api):
    link = create(api, subdomain="links")
    path = f"{LINKS}/{link['id']}/validate"
    failed = api.post(path).json()
    assert failed["valid"] is False
    assert set(failed["validation_results"]) == {"domain_cname", "owner_cname"}
    assert "links.example.com" in failed["validation_results"]["domain_cname"]["reason"]
    simulator.add_dns([{"name": "links.example.com", "type": "CNAME", "value": "example.com"}])
    wrong = api.post(path).json()["validation_results"]["domain_cname"]
    assert wrong["valid"] is False and '"example.com"' in wrong["reason"]
    publish(simulator, link)  # the new CNAME replaces the wrong one
    passed = api.post(path).json()
    assert passed == {"id": link["id"], "valid": True, "validation_results": {
        "domain_cname": {"valid": True, "reason": None},
        "owner_cname": {"valid": True, "reason": None}}}
    assert api.get(f"{LINKS}/{link['id']}").json()["dns"]["owner_cname"]["valid"] is True


def test_subuser_association(simulator, api, as_user):
    simulator.add_subusers("acme")
    link = create(api)
    path = f"{LINKS}/{link['id']}/subuser"
    assert api.post(path, json={"username": "acme"}).status_code == 400  # not validated yet
    publish(simulator, link)
    api.post(f"{LINKS}/{link['id']}/validate")
    associated = api.post(path, json={"username": "acme"})
    assert associated.status_code == 200
    assert associated.json()["id"] == link["id"]
    assert api.get(f"{LINKS}/subuser", params={"username": "acme"}).json()["id"] == link["id"]
    assert api.post(path, json={"username": "ghost"}).status_code == 404
    assert api.post(path, json={}).status_code == 400
    assert as_user("acme").post(path, json={"username": "acme"}).status_code == 404
    assert api.delete(f"{LINKS}/subuser", params={"username": "acme"}).status_code == 204
    assert api.get(f"{LINKS}/subuser", params={"username": "acme"}).status_code == 404


def test_links_are_scoped_to_their_account(simulator, api, as_user):
    simulator.add_subusers("acme")
    theirs = create(as_user("acme"), domain="acme.com")
    assert theirs["username"] == "acme"
    assert theirs["dns"]["owner_cname"]["host"] == "1446441.acme.com"
    assert api.get(LINKS).json() == []
    assert api.get(f"{LINKS}/{theirs['id']}").status_code == 404
    assert as_user("account-id 1446441").get(LINKS).json() == [theirs]


def test_link_limit_is_configurable(simulator, api):
    simulator.config(max_links=1)
    create(api)
    assert api.post(LINKS, json={"domain": "example.org"}).status_code == 400
