# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""IP addresses and IP warmup."""

from __future__ import annotations

from .helpers import error

IP_KEYS = {"ip", "subusers", "pools", "warmup", "start_date", "whitelabeled", "assigned_at"}


def test_list_is_empty_on_a_new_account(api):
    response = api.get("/v3/ips")
    assert response.status_code == 200
    assert response.json() == []


def test_list_shape_and_default_page_of_ten(simulator, api):
    simulator.add_ips([f"203.0.113.{n}" for n in range(1, 13)])
    page = api.get("/v3/ips").json()
    assert len(page) == 10  # the spec's default limit
    assert set(page[0]) == IP_KEYS  # no rdns key without a reverse DNS record
    assert page[0] == {"ip": "203.0.113.1", "subusers": [], "pools": [], "warmup": False,
                       "start_date": None, "whitelabeled": False,
                       "assigned_at": page[0]["assigned_at"]}
    assert isinstance(page[0]["assigned_at"], int)


def test_pagination_with_limit_and_offset(simulator, api):
    simulator.add_ips([f"203.0.113.{n}" for n in range(1, 8)])
    first = api.get("/v3/ips", params={"limit": 3, "offset": 0}).json()
    second = api.get("/v3/ips", params={"limit": 3, "offset": 3}).json()
    last = api.get("/v3/ips", params={"limit": 3, "offset": 6}).json()
    assert [ip["ip"] for ip in first + second + last] == [f"203.0.113.{n}" for n in range(1, 8)]
    assert len(last) == 1


def test_ips_sort_numerically_and_by_direction(simulator, api):
    simulator.add_ips(["10.0.0.10", "10.0.0.9", "10.0.0.100"])
    ascending = [ip["ip"] for ip in api.get("/v3/ips").json()]
    assert ascending == ["10.0.0.9", "10.0.0.10", "10.0.0.100"]
    descending = api.get("/v3/ips", params={"sort_by_direction": "desc"}).json()
    assert [ip["ip"] for ip in descending] == list(reversed(ascending))


def test_filters_ip_subuser_and_exclude_whitelabels(simulator, api):
    simulator.add_subusers("acme")
    simulator.add_ips(["203.0.113.1"], subusers=["acme"])
    simulator.add_ips(["203.0.113.2"])
    assert api.post("/v3/whitelabel/ips", json={"ip": "203.0.113.2", "domain": "example.com",
                                                "subdomain": "mail"}).status_code == 201
    assert [i["ip"] for i in api.get("/v3/ips", params={"ip": "203.0.113.2"}).json()] == \
        ["203.0.113.2"]
    assert [i["ip"] for i in api.get("/v3/ips", params={"subuser": "acme"}).json()] == \
        ["203.0.113.1"]
    kept = api.get("/v3/ips", params={"exclude_whitelabels": "true"}).json()
    assert [i["ip"] for i in kept] == ["203.0.113.1"]
    whitelabeled = api.get("/v3/ips/203.0.113.2").json()
    assert whitelabeled["whitelabeled"] is True
    assert whitelabeled["rdns"] == "o1.mail.example.com"


def test_list_rejects_a_limit_below_one(api):
    response = api.get("/v3/ips", params={"limit": 0})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "limit"


def test_subuser_sees_only_its_assigned_ips(simulator, as_user):
    simulator.add_subusers("acme", "other")
    simulator.add_ips(["203.0.113.1"], subusers=["acme"])
    simulator.add_ips(["203.0.113.2"])
    assert [i["ip"] for i in as_user("acme").get("/v3/ips").json()] == ["203.0.113.1"]
    assert as_user("other").get("/v3/ips").json() == []
    assert as_user("other").get("/v3/ips/203.0.113.1").status_code == 404


def test_get_one_ip_and_404(simulator, api):
    simulator.add_ips(["203.0.113.1"])
    assert api.get("/v3/ips/203.0.113.1").json()["ip"] == "203.0.113.1"
    response = api.get("/v3/ips/198.51.100.1")
    assert response.status_code == 404
    assert response.json() == error("resource not found")


def test_add_ips_allocates_deterministically(simulator, api):
    simulator.add_subusers("acme")
    response = api.post("/v3/ips", json={"count": 2, "subusers": ["acme"], "warmup": True})
    assert response.status_code == 201
    body = response.json()
    assert body["ips"] == [{"ip": "149.72.0.1", "subusers": ["acme"]},
                           {"ip": "149.72.0.2", "subusers": ["acme"]}]
    assert body["warmup"] is True
    assert body["remaining_ips"] == 8
    listed = api.get("/v3/ips/149.72.0.1").json()
    assert listed["warmup"] is True and isinstance(listed["start_date"], int)
    remaining = api.get("/v3/ips/remaining").json()
    assert remaining == {"results": [{"remaining": 8, "period": "month", "price_per_ip": 20}]}


def test_add_ips_errors(simulator, api):
    response = api.post("/v3/ips", json={"count": 1, "subusers": ["nobody"]})
    assert response.status_code == 400
    assert response.json() == error("one or more subusers do not belong to this user")
    simulator.config(remaining_ips=1)
    assert api.post("/v3/ips", json={"count": 2}).status_code == 400


def test_assigned_ips(simulator, api):
    simulator.add_ips(["203.0.113.1"], warmup=True)
    body = api.get("/v3/ips/assigned").json()
    assert len(body) == 1
    assert set(body[0]) == {"ip", "pools", "warmup", "start_date"}
    assert body[0]["warmup"] is True


def test_warmup_lifecycle(simulator, api):
    simulator.add_ips(["203.0.113.1"])
    assert api.get("/v3/ips/warmup").json() == []
    started = api.post("/v3/ips/warmup", json={"ip": "203.0.113.1"})
    assert started.status_code == 200
    [entry] = started.json()
    assert entry["ip"] == "203.0.113.1" and isinstance(entry["start_date"], int)
    assert api.get("/v3/ips/warmup").json() == [entry]
    assert api.get("/v3/ips/warmup/203.0.113.1").json() == [entry]
    again = api.post("/v3/ips/warmup", json={"ip": "203.0.113.1"})
    assert again.status_code == 400
    assert api.delete("/v3/ips/warmup/203.0.113.1").status_code == 204
    assert api.get("/v3/ips/warmup/203.0.113.1").status_code == 404
    assert api.delete("/v3/ips/warmup/203.0.113.1").json() == error("resource not found")


def test_warmup_unknown_ip(api):
    response = api.post("/v3/ips/warmup", json={"ip": "198.51.100.1"})
    assert response.status_code == 404
    assert response.json() == error("resource not found")
