# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible_collections.mailops.sendgrid.plugins.modules import sendgrid_reverse_dns_info as module
from ansible_collections.mailops.sendgrid.tests.unit.plugins.modules.answers import USERS, entry
from ansible_collections.mailops.sendgrid.tests.unit.plugins.modules.utils import API_KEY, Call

RDNS = "/v3/whitelabel/ips"


def page(answer, offset=0, ip=None):
    query = {"limit": 500, "offset": offset}
    if ip is not None:
        query["ip"] = ip
    return Call("GET", RDNS, 200, list(answer), query=query)


def test_lists_everything_on_every_page(run):
    first = [entry("10.0.%d.%d" % (n // 250, n % 250 + 1), record_id=100 + n, number=n + 1) for n in range(500)]
    second = [entry("10.0.9.1", domain="example.org", subdomain="", record_id=900, number=501, valid=True)]
    result = run(module, {}, [page(first), page(second, offset=500)])
    assert result["changed"] is False
    assert len(result["reverse_dns"]) == 501
    assert result["reverse_dns"][0] == {
        "id": 100,
        "ip": "10.0.0.1",
        "rdns": "o1.email.example.com",
        "domain": "example.com",
        "subdomain": "email",
        "valid": False,
        "legacy": False,
        "users": USERS,
        "dns_records": [{"name": "o1.email.example.com", "type": "A", "value": "10.0.0.1"}],
    }
    assert result["reverse_dns"][-1]["rdns"] == "o501.example.org"
    assert result["reverse_dns"][-1]["subdomain"] == ""


def test_empty_account_is_an_empty_list(run):
    result = run(module, {}, [page([])])
    assert result == {"changed": False, "reverse_dns": [], "_requests": result["_requests"], "_request_headers": result["_request_headers"]}


def test_filter_by_ip_is_exact_despite_prefix_search(run):
    answer = [entry("1.2.3.40", record_id=5), entry("1.2.3.4", record_id=6), entry("1.2.3.41", record_id=7)]
    result = run(module, {"ip": "1.2.3.4"}, [page(answer, ip="1.2.3.4")])
    assert [item["id"] for item in result["reverse_dns"]] == [6]


def test_filter_by_ip_only_prefix_matches_is_empty(run):
    result = run(module, {"ip": "1.2.3.4"}, [page([entry("1.2.3.40", record_id=5)], ip="1.2.3.4")])
    assert result["reverse_dns"] == []


def test_filter_by_domain(run):
    answer = [
        entry("192.0.2.10", record_id=1),
        entry("192.0.2.11", domain="example.org", record_id=2),
        entry("192.0.2.12", domain="Example.COM", record_id=3),
        entry("192.0.2.13", domain="sub.example.com", record_id=4),
    ]
    result = run(module, {"domain": "example.com."}, [page(answer)])
    assert [item["id"] for item in result["reverse_dns"]] == [1, 3]


def test_filter_by_ip_and_domain(run):
    result = run(module, {"ip": "192.0.2.10", "domain": "example.org"}, [page([entry("192.0.2.10")], ip="192.0.2.10")])
    assert result["reverse_dns"] == []


def test_items_feed_back_as_module_options(run):
    result = run(module, {"ip": "192.0.2.10"}, [page([entry("192.0.2.10", legacy=True)], ip="192.0.2.10")])
    item = result["reverse_dns"][0]
    assert {k: item[k] for k in ("ip", "domain", "subdomain")} == {"ip": "192.0.2.10", "domain": "example.com", "subdomain": "email"}
    assert item["legacy"] is True


def test_check_mode_reads_the_same(run):
    result = run(module, {}, [page([entry("192.0.2.10")])], check_mode=True)
    assert result["changed"] is False
    assert len(result["reverse_dns"]) == 1


@pytest.mark.parametrize("ip", ["256.1.1.1", "1.2.3", "2001:db8::1"])
def test_bad_ip_fails_before_any_request(run, ip):
    result = run(module, {"ip": ip}, [])
    assert result["failed"] is True
    assert "ip must be an IPv4 address" in result["msg"]


def test_bad_domain_fails_before_any_request(run):
    result = run(module, {"domain": "not a domain"}, [])
    assert result["failed"] is True
    assert result["msg"].startswith("domain ")


def test_on_behalf_of_header(run):
    result = run(module, {"on_behalf_of": "sub-marketing"}, [page([])])
    assert result["_request_headers"][0].get("on-behalf-of") == "sub-marketing"


def test_api_error_is_reported(run):
    error = {"errors": [{"field": None, "message": "access forbidden"}]}
    result = run(module, {}, [Call("GET", RDNS, 403, error, query={"limit": 500, "offset": 0})])
    assert result["failed"] is True
    assert result["msg"] == (
        "SendGrid API request GET /v3/whitelabel/ips failed with HTTP 403: access forbidden"
        " (the key lacks a scope this request needs: give it the scopes listed in the module's notes)"
    )
    assert API_KEY not in repr(result)
