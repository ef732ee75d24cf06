# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""IP pools, including the membership visibility lag."""

from __future__ import annotations

import time

import pytest

from .helpers import error, messages


@pytest.fixture
def ip(simulator):
    simulator.add_ips(["203.0.113.10", "203.0.113.11"])
    return "203.0.113.10"


def test_create_list_get(api):
    created = api.post("/v3/ips/pools", json={"name": "marketing"})
    assert created.status_code == 200  # pool creation answers 200, not 201
    assert created.json() == {"name": "marketing"}
    api.post("/v3/ips/pools", json={"name": "alpha"})
    assert api.get("/v3/ips/pools").json() == [{"name": "alpha"}, {"name": "marketing"}]
    assert api.get("/v3/ips/pools/marketing").json() == {"pool_name": "marketing", "ips": []}


def test_name_rules(api):
    assert api.post("/v3/ips/pools", json={"name": "x" * 64}).status_code == 200
    too_long = api.post("/v3/ips/pools", json={"name": "y" * 65})
    assert too_long.status_code == 400
    assert too_long.json()["errors"][0]["field"] == "name"
    duplicate = api.post("/v3/ips/pools", json={"name": "x" * 64})
    assert duplicate.status_code == 400
    assert "already exists" in messages(duplicate)
    assert api.post("/v3/ips/pools", json={}).status_code == 400


def test_pool_limit_is_configurable(simulator, api):
    simulator.config(max_pools=2)
    assert api.post("/v3/ips/pools", json={"name": "a"}).status_code == 200
    assert api.post("/v3/ips/pools", json={"name": "b"}).status_code == 200
    assert api.post("/v3/ips/pools", json={"name": "c"}).status_code == 400


def test_names_with_spaces_are_url_encoded(api, ip):
    assert api.post("/v3/ips/pools", json={"name": "Test Pool"}).status_code == 200
    assert api.post("/v3/ips/pools/Test%20Pool/ips", json={"ip": ip}).status_code == 201
    assert api.get("/v3/ips/pools/Test%20Pool").json() == {"pool_name": "Test Pool", "ips": [ip]}


def test_missing_pool_errors_in_each_endpoints_shape(api, ip):
    assert api.get("/v3/ips/pools/none").json() == \
        error("Unable to locate specified IPs Pool", "error")
    renamed = api.put("/v3/ips/pools/none", json={"name": "x"})
    assert renamed.status_code == 404
    assert renamed.json() == error("ip pool not found")
    deleted = api.delete("/v3/ips/pools/none")
    assert deleted.status_code == 404
    assert deleted.json() == {"error": "Unable to locate specified IPs Pool"}  # older shape
    added = api.post("/v3/ips/pools/none/ips", json={"ip": ip})
    assert added.status_code == 404
    assert added.json() == error("resource not found")
    removed = api.delete(f"/v3/ips/pools/none/ips/{ip}")
    assert removed.status_code == 404
    assert removed.json() == {"error": "Unable to locate specified IPs Pool"}


def test_rename_keeps_members(api, ip):
    api.post("/v3/ips/pools", json={"name": "old"})
    api.post("/v3/ips/pools/old/ips", json={"ip": ip})
    response = api.put("/v3/ips/pools/old", json={"name": "new"})
    assert response.status_code == 200
    assert response.json() == {"name": "new"}
    assert api.get("/v3/ips/pools/old").status_code == 404
    assert api.get("/v3/ips/pools/new").json()["ips"] == [ip]
    api.post("/v3/ips/pools", json={"name": "taken"})
    assert api.put("/v3/ips/pools/new", json={"name": "taken"}).status_code == 400
    assert api.put("/v3/ips/pools/new", json={"name": "z" * 65}).status_code == 400


def test_add_and_remove_ip(api, ip):
    api.post("/v3/ips/pools", json={"name": "marketing"})
    added = api.post("/v3/ips/pools/marketing/ips", json={"ip": ip})
    assert added.status_code == 201
    assert added.json() == {"ip": ip, "pools": ["marketing"], "start_date": None,
                            "warmup": False}
    assert api.get(f"/v3/ips/{ip}").json()["pools"] == ["marketing"]
    again = api.post("/v3/ips/pools/marketing/ips", json={"ip": ip})
    assert again.status_code == 400
    assert "already in pool" in messages(again)
    assert api.delete(f"/v3/ips/pools/marketing/ips/{ip}").status_code == 204
    assert api.get("/v3/ips/pools/marketing").json()["ips"] == []
    gone = api.delete(f"/v3/ips/pools/marketing/ips/{ip}")
    assert gone.status_code == 404 and "error" in gone.json()


def test_ip_not_on_the_account(api, ip):
    api.post("/v3/ips/pools", json={"name": "marketing"})
    response = api.post("/v3/ips/pools/marketing/ips", json={"ip": "198.51.100.7"})
    assert response.status_code == 404
    assert "198.51.100.7" in messages(response)


def test_delete_pool(api, ip):
    api.post("/v3/ips/pools", json={"name": "marketing"})
    api.post("/v3/ips/pools/marketing/ips", json={"ip": ip})
    assert api.delete("/v3/ips/pools/marketing").status_code == 204
    assert api.get("/v3/ips/pools").json() == []
    assert api.get(f"/v3/ips/{ip}").json()["pools"] == []


def test_membership_visibility_delay(simulator, api, ip):
    simulator.config(pool_ip_visibility_delay=0.3)
    api.post("/v3/ips/pools", json={"name": "marketing"})
    assert api.post("/v3/ips/pools/marketing/ips", json={"ip": ip}).status_code == 201
    assert api.get("/v3/ips/pools/marketing").json()["ips"] == []
    assert api.get(f"/v3/ips/{ip}").json()["pools"] == []
    again = api.post("/v3/ips/pools/marketing/ips", json={"ip": ip})
    assert again.status_code == 400 and "already in pool" in messages(again)
    deadline = time.time() + 10
    while api.get("/v3/ips/pools/marketing").json()["ips"] != [ip]:
        assert time.time() < deadline, "the member never became visible"
        time.sleep(0.05)
    assert api.get(f"/v3/ips/{ip}").json()["pools"] == ["marketing"]


def test_pools_are_scoped_to_their_account(simulator, api, as_user):
    simulator.add_subusers("acme")
    simulator.add_ips(["203.0.113.20"], subusers=["acme"])
    acme = as_user("acme")
    assert acme.post("/v3/ips/pools", json={"name": "shared-name"}).status_code == 200
    assert api.get("/v3/ips/pools").json() == []
    assert api.post("/v3/ips/pools", json={"name": "shared-name"}).status_code == 200
    assert acme.post("/v3/ips/pools/shared-name/ips", json={"ip": "203.0.113.20"}).status_code \
        == 201
    assert api.get("/v3/ips/pools/shared-name").json()["ips"] == []
    # A subuser cannot put the parent's unassigned IPs in its pools.
    assert acme.post("/v3/ips/pools/shared-name/ips", json={"ip": "203.0.113.10"}).status_code \
        == 404
