# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""API keys, scopes, on-behalf-of and unknown routes."""

from __future__ import annotations

import requests

from .helpers import Api, error

AUTH_REQUIRED = error("authorization required")
FORBIDDEN = error("access forbidden")


def test_missing_or_wrong_key_is_401(simulator):
    url = simulator.url("/v3/ips")
    assert requests.get(url, timeout=5).json() == AUTH_REQUIRED
    for header in ("Bearer SG.wrong", "Token SG.test-key", "Bearer", "SG.test-key"):
        response = requests.get(url, headers={"Authorization": header}, timeout=5)
        assert response.status_code == 401, header
        assert response.json() == AUTH_REQUIRED


def test_the_session_key_works(simulator, api):
    assert simulator.api_key == "SG.test-key"
    assert api.get("/v3/ips").status_code == 200


def test_restricted_key_gets_403_without_the_scope(simulator):
    simulator.add_api_key("SG.read-only", ["ips.read", "whitelabel.read"])
    reader = Api(simulator, key="SG.read-only")
    assert reader.get("/v3/ips").status_code == 200
    assert reader.get("/v3/whitelabel/domains").status_code == 200
    for method, path in (("POST", "/v3/ips/pools"), ("GET", "/v3/ips/pools"),
                         ("POST", "/v3/whitelabel/domains"), ("DELETE", "/v3/whitelabel/links/1"),
                         ("POST", "/v3/ips/warmup")):
        response = reader.call(method, path, json={})
        assert response.status_code == 403, (method, path)
        assert response.json() == FORBIDDEN


def test_scope_names_follow_sendgrid(simulator):
    simulator.add_api_key("SG.pools", ["ips.pools.create", "ips.pools.read"])
    pools = Api(simulator, key="SG.pools")
    assert pools.post("/v3/ips/pools", json={"name": "p"}).status_code == 200
    assert pools.get("/v3/ips/pools").status_code == 200
    assert pools.delete("/v3/ips/pools/p").status_code == 403


def test_on_behalf_of_a_subuser_and_an_account_id(simulator, api, as_user):
    [acme] = simulator.add_subusers("acme")
    created = as_user("acme").post("/v3/whitelabel/links", json={"domain": "acme.com"})
    assert created.json()["username"] == "acme"
    by_id = as_user(f"account-id {acme['user_id']}").get("/v3/whitelabel/links").json()
    assert [link["id"] for link in by_id] == [created.json()["id"]]
    log = simulator.requests()
    assert [entry["account"] for entry in log] == ["acme", "acme"]


def test_unknown_on_behalf_of_is_403(simulator, as_user):
    assert as_user("ghost").get("/v3/ips").json() == FORBIDDEN
    assert as_user("ghost").get("/v3/ips").status_code == 403
    assert as_user("account-id 999").get("/v3/ips").status_code == 403


def test_a_subuser_key_acts_as_the_subuser(simulator):
    simulator.add_subusers("acme", "other")
    simulator.add_api_key("SG.acme", None, username="acme")
    acme = Api(simulator, key="SG.acme")
    assert acme.post("/v3/whitelabel/links", json={"domain": "acme.com"}).json()["username"] \
        == "acme"
    assert Api(simulator, key="SG.acme", on_behalf_of="other").get("/v3/ips").status_code == 403


def test_unknown_paths_and_methods(simulator, api):
    missing = api.get("/v3/nothing/here")
    assert missing.status_code == 404 and missing.json() == error("resource not found")
    assert api.put("/v3/whitelabel/links", json={}).status_code == 405
    assert requests.get(simulator.url("/v2/ips"), timeout=5).status_code == 404
