# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Reverse DNS (``/v3/whitelabel/ips``)."""

from __future__ import annotations

import pytest

RDNS_KEYS = {"id", "ip", "rdns", "users", "subdomain", "domain", "valid", "legacy", "a_record"}
NOT_FOUND = {"errors": [{"message": "Reverse DNS record not found."}]}


@pytest.fixture
def ips(simulator):
    simulator.add_ips(["192.0.2.1", "192.0.2.2", "198.51.100.1"])


def create(api, ip, domain="example.com", subdomain="mail"):
    response = api.post("/v3/whitelabel/ips", json={"ip": ip, "domain": domain,
                                                    "subdomain": subdomain})
    assert response.status_code == 201, response.text
    return response.json()


def test_create_shape(api, ips):
    record = create(api, "192.0.2.1")
    assert set(record) == RDNS_KEYS
    assert isinstance(record["id"], int)
    assert record["rdns"] == "o1.mail.example.com"
    assert record["users"] == [{"username": "parent", "user_id": 1446440}]
    assert record["legacy"] is False and record["valid"] is False
    assert record["a_record"] == {"valid": False, "type": "a", "host": "o1.mail.example.com",
                                  "data": "192.0.2.1"}
    second = create(api, "192.0.2.2")
    assert second["rdns"] == "o2.mail.example.com"


def test_create_errors(api, ips):
    assert api.post("/v3/whitelabel/ips", json={"ip": "192.0.2.1"}).status_code == 400
    unknown = api.post("/v3/whitelabel/ips", json={"ip": "203.0.113.99", "domain": "example.com"})
    assert unknown.status_code == 400
    assert "203.0.113.99" in unknown.json()["errors"][0]["message"]
    create(api, "192.0.2.1")
    twice = api.post("/v3/whitelabel/ips", json={"ip": "192.0.2.1", "domain": "example.org"})
    assert twice.status_code == 400


def test_list_prefix_filter_and_pagination(api, ips):
    ids = [create(api, ip)["id"] for ip in ("192.0.2.1", "192.0.2.2", "198.51.100.1")]
    assert [r["id"] for r in api.get("/v3/whitelabel/ips").json()] == ids
    assert [r["ip"] for r in api.get("/v3/whitelabel/ips", params={"ip": "192."}).json()] == \
        ["192.0.2.1", "192.0.2.2"]
    page = api.get("/v3/whitelabel/ips", params={"limit": 2, "offset": 1}).json()
    assert [r["id"] for r in page] == ids[1:]
    assert api.get("/v3/whitelabel/ips", params={"ip": "10."}).json() == []


def test_get_delete_and_404(api, ips):
    record = create(api, "192.0.2.1")
    assert api.get(f"/v3/whitelabel/ips/{record['id']}").json() == record
    assert api.delete(f"/v3/whitelabel/ips/{record['id']}").status_code == 204
    missing = api.get(f"/v3/whitelabel/ips/{record['id']}")
    assert missing.status_code == 404 and missing.json() == NOT_FOUND
    assert api.delete(f"/v3/whitelabel/ips/{record['id']}").status_code == 404
    assert api.post(f"/v3/whitelabel/ips/{record['id']}/validate").status_code == 404
    assert api.get("/v3/ips/192.0.2.1").json()["whitelabeled"] is False


def test_validate_against_the_dns_table(simulator, api, ips):
    record = create(api, "192.0.2.1")
    path = f"/v3/whitelabel/ips/{record['id']}/validate"
    failed = api.post(path).json()
    assert failed["id"] == record["id"] and failed["valid"] is False
    reason = failed["validation_results"]["a_record"]["reason"]
    assert "o1.mail.example.com" in reason
    simulator.add_dns([{"name": "O1.Mail.Example.com.", "type": "A", "value": "192.0.2.9"}])
    wrong = api.post(path).json()["validation_results"]["a_record"]
    assert wrong["valid"] is False and "192.0.2.9" in wrong["reason"]
    simulator.add_dns([{"name": "o1.mail.example.com", "type": "A", "value": "192.0.2.1"}],
                      replace=True)
    passed = api.post(path).json()
    assert passed == {"id": record["id"], "valid": True,
                      "validation_results": {"a_record": {"valid": True, "reason": None}}}
    after = api.get(f"/v3/whitelabel/ips/{record['id']}").json()
    assert after["valid"] is True and after["a_record"]["valid"] is True
    assert isinstance(after["last_validation_attempt_at"], int)


def test_scoped_to_the_account(simulator, api, as_user):
    simulator.add_subusers("acme")
    simulator.add_ips(["192.0.2.50"], subusers=["acme"])
    record = create(as_user("acme"), "192.0.2.50")
    assert record["users"] == [{"username": "acme", "user_id": 1446441}]
    assert api.get("/v3/whitelabel/ips").json() == []
    assert api.get(f"/v3/whitelabel/ips/{record['id']}").status_code == 404
    assert as_user("acme").get(f"/v3/whitelabel/ips/{record['id']}").status_code == 200


def test_seeded_legacy_records(simulator, api):
    simulator.seed(reverse_dns=2, legacy=True)
    records = api.get("/v3/whitelabel/ips").json()
    assert [r["legacy"] for r in records] == [True, True]
    assert records[0]["domain"] == "seed-00001.example.net"
