# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The /_simulator/ control API and the read-only Subusers API."""

from __future__ import annotations

import pytest
import requests

from tests.simulator.control import SimulatorError

from .helpers import Api


def test_health_needs_no_key(simulator):
    assert requests.get(simulator.url("/_simulator/health"), timeout=5).json() == {"ok": True}


def test_reset_keeps_only_the_parent_and_the_key(simulator, api):
    simulator.add_subusers("acme")
    simulator.add_ips(["192.0.2.1"])
    simulator.add_api_key("SG.extra", None)
    simulator.config(pool_ip_visibility_delay=5)
    simulator.set_rate_limit(1)
    simulator.add_fault(status=500, times=None)
    simulator.add_dns([{"name": "a.example.com", "type": "A", "value": "192.0.2.1"}])
    simulator.reset()
    state = simulator.state()
    assert [a["username"] for a in state["accounts"]] == ["parent"]
    assert state["ips"] == [] and state["domains"] == [] and state["pools"] == []
    assert state["config"]["pool_ip_visibility_delay"] == 0
    assert simulator.faults() == [] and simulator.dns() == [] and simulator.requests() == []
    assert simulator.control("GET", "rate_limit") == {"requests_per_second": None}
    assert api.get("/v3/ips").status_code == 200
    assert Api(simulator, key="SG.extra").get("/v3/ips").status_code == 401


def test_subusers(simulator, api):
    created = simulator.add_subusers("acme", "beta")
    assert created == [{"username": "acme", "user_id": 1446441},
                       {"username": "beta", "user_id": 1446442}]
    assert simulator.add_subusers("acme") == [{"username": "acme", "user_id": 1446441}]
    listed = api.get("/v3/subusers").json()
    assert listed == [{"id": 1446441, "username": "acme", "email": "acme@example.com",
                       "disabled": False},
                      {"id": 1446442, "username": "beta", "email": "beta@example.com",
                       "disabled": False}]
    assert [s["username"] for s in api.get("/v3/subusers",
                                           params={"username": "beta"}).json()] == ["beta"]
    assert [s["username"] for s in api.get("/v3/subusers",
                                           params={"limit": 1, "offset": 1}).json()] == ["beta"]
    simulator.control("POST", "subusers", {"usernames": ["eu-user"], "region": "eu"})
    in_eu = api.get("/v3/subusers", params={"region": "eu", "include_region": "true"}).json()
    assert in_eu == [{"id": 1446443, "username": "eu-user", "email": "eu-user@example.com",
                      "disabled": False, "region": "eu"}]
    with pytest.raises(SimulatorError):
        simulator.add_subusers("parent")


def test_ips(simulator):
    simulator.add_subusers("acme")
    added = simulator.add_ips(["192.0.2.1"], subusers=["acme"], warmup=True)
    assert added[0]["subusers"] == ["acme"] and added[0]["warmup"] is True
    assert [ip["ip"] for ip in simulator.control("GET", "ips")["ips"]] == ["192.0.2.1"]
    with pytest.raises(SimulatorError):
        simulator.add_ips(["192.0.2.2"], subusers=["ghost"])
    with pytest.raises(SimulatorError):
        simulator.add_ips(["not-an-ip"])


def test_api_keys_validation(simulator):
    with pytest.raises(SimulatorError):
        simulator.control("POST", "api_keys", {"key": "SG.x", "scopes": "ips.read"})
    with pytest.raises(SimulatorError):
        simulator.add_api_key("SG.x", ["ips.read"], username="ghost")
    answer = simulator.control("POST", "api_keys", {"key": "SG.x", "scopes": ["ips.read"]})
    assert "key" not in answer


def test_config(simulator):
    assert simulator.config()["pool_ip_visibility_delay"] == 0
    assert simulator.config(pool_ip_visibility_delay=60)["pool_ip_visibility_delay"] == 60
    with pytest.raises(SimulatorError):
        simulator.config(unknown_setting=1)
    with pytest.raises(SimulatorError):
        simulator.config(pool_ip_visibility_delay=-1)


def test_dns_table(simulator):
    records = simulator.add_dns([{"name": "Em.Example.com.", "type": "cname", "value": "a."}])
    assert records == [{"name": "em.example.com", "type": "CNAME", "value": "a."}]
    simulator.add_dns([{"name": "em.example.com", "type": "CNAME", "value": "b"},
                       {"name": "example.com", "type": "TXT", "value": "v=spf1 -all"}])
    assert [r["value"] for r in simulator.dns()] == ["b", "v=spf1 -all"]
    simulator.add_dns([{"name": "x.example.com", "type": "A", "value": "192.0.2.1"}],
                      replace=True)
    assert [r["name"] for r in simulator.dns()] == ["x.example.com"]
    simulator.clear_dns()
    assert simulator.dns() == []
    with pytest.raises(SimulatorError):
        simulator.add_dns([{"name": "x", "type": "SRV", "value": "y"}])
    with pytest.raises(SimulatorError):
        simulator.add_dns([{"name": "x"}])


def test_seed_is_deterministic_and_big(simulator, api, as_user):
    answer = simulator.seed(domains=1000, links=1000, reverse_dns=1000, pools=3,
                            ips=["192.0.2.1"])
    created = answer["created"]
    assert answer["account"] == "parent"
    assert [len(created[kind]) for kind in ("domains", "links", "reverse_dns", "pools")] == \
        [1000, 1000, 1000, 3]
    assert created["pools"] == ["seed-pool-00001", "seed-pool-00002", "seed-pool-00003"]
    first = api.get(f"/v3/whitelabel/domains/{created['domains'][0]}").json()
    assert first["domain"] == "seed-00001.example.net"
    assert api.get("/v3/ips/192.0.2.1").status_code == 200
    assert len(api.get("/v3/whitelabel/links", params={"limit": 3000}).json()) == 1000
    assert len(api.get("/v3/whitelabel/domains", params={"limit": 500, "offset": 500}).json()) \
        == 500
    more = simulator.seed(domains=1)["created"]["domains"]
    assert api.get(f"/v3/whitelabel/domains/{more[0]}").json()["domain"] == \
        "seed-01001.example.net"
    theirs = simulator.seed(account="acme", links=2, valid=True)
    assert theirs["account"] == "acme"
    links = as_user("acme").get("/v3/whitelabel/links").json()
    assert [link["valid"] for link in links] == [True, True]


def test_seed_input_errors(simulator):
    with pytest.raises(SimulatorError):
        simulator.seed(domains=-1)
    with pytest.raises(SimulatorError):
        simulator.seed(links="many")


def test_state_lists_every_object_of_every_account(simulator, api, as_user):
    simulator.add_subusers("acme")
    simulator.add_ips(["192.0.2.1"])
    api.post("/v3/whitelabel/domains", json={"domain": "example.com"})
    as_user("acme").post("/v3/whitelabel/domains", json={"domain": "example.com"})
    as_user("acme").post("/v3/whitelabel/links", json={"domain": "example.com"})
    api.post("/v3/ips/pools", json={"name": "p"})
    api.post("/v3/ips/pools/p/ips", json={"ip": "192.0.2.1"})
    state = simulator.state()
    assert [(d["account"], d["domain"]) for d in state["domains"]] == \
        [("parent", "example.com"), ("acme", "example.com")]
    assert [link["account"] for link in state["links"]] == ["acme"]
    assert state["pools"] == [{"account": "parent", "name": "p", "ips": ["192.0.2.1"],
                               "visible_ips": ["192.0.2.1"]}]


def test_unknown_control_endpoint(simulator):
    response = requests.get(simulator.url("/_simulator/nothing"), timeout=5)
    assert response.status_code == 404
    assert requests.put(simulator.url("/_simulator/reset"), timeout=5).status_code == 405
    bad_json = requests.post(simulator.url("/_simulator/faults"), data="{", timeout=5)
    assert bad_json.status_code == 400
