# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible_collections.mailops.sendgrid.plugins.modules import sendgrid_domain_auth_info as module
from ansible_collections.mailops.sendgrid.tests.unit.plugins.modules.answers import auto, manual
from ansible_collections.mailops.sendgrid.tests.unit.plugins.modules.utils import Call, writes

D = "/v3/whitelabel/domains"
PAGE = {"limit": 500, "offset": 0}


def test_lists_every_page_in_both_record_shapes(run):
    page1 = [auto(id=i, domain="d%d.example.com" % i, subusers=None) for i in range(1, 501)]
    last = manual(id=2000, domain="example.org", selector="sg1", ips=["192.0.2.1"], custom_spf=True, subusers=["shop"])
    result = run(module, {}, [Call("GET", D, 200, page1, query=PAGE), Call("GET", D, 200, [last], query=dict(PAGE, offset=500))])
    assert result["changed"] is False
    assert writes(result) == []
    assert len(result["domains"]) == 501
    assert result["domains"][0] == {
        "id": 1,
        "user_id": 7,
        "domain": "d1.example.com",
        "subdomain": "em",
        "username": "parent",
        "automatic_security": True,
        "custom_spf": False,
        "default": False,
        "ips": [],
        "custom_dkim_selector": None,
        "region": "global",
        "valid": False,
        "legacy": False,
        "dns_records": [
            {"name": "em.d1.example.com", "type": "CNAME", "value": "u7.wl001.sendgrid.net"},
            {"name": "s1._domainkey.d1.example.com", "type": "CNAME", "value": "s1.domainkey.u7.wl001.sendgrid.net"},
            {"name": "s2._domainkey.d1.example.com", "type": "CNAME", "value": "s2.domainkey.u7.wl001.sendgrid.net"},
        ],
    }
    item = result["domains"][-1]
    assert item["automatic_security"] is False
    assert item["custom_dkim_selector"] == "sg1"
    assert item["region"] is None
    assert item["subusers"] == ["shop"]
    assert [r["type"] for r in item["dns_records"]] == ["MX", "TXT", "TXT", "TXT"]


def test_domain_filter_is_a_search_so_only_exact_matches_are_kept(run):
    answer = [auto(id=1, domain="mail.example.com"), auto(id=2), auto(id=3, domain="example.com.au")]
    result = run(module, {"domain": "EXAMPLE.com."}, [Call("GET", D, 200, answer, query=dict(PAGE, domain="example.com"))])
    assert [d["id"] for d in result["domains"]] == [2]


def test_username_and_exclude_subusers_filters(run):
    answer = [auto(id=1, username="bobby"), auto(id=2, username="bob")]
    result = run(
        module,
        {"username": "bob", "exclude_subusers": True},
        [Call("GET", D, 200, answer, query=dict(PAGE, username="bob", exclude_subusers="true"))],
    )
    assert [d["id"] for d in result["domains"]] == [2]


def test_nothing_matches_is_an_empty_list(run):
    result = run(module, {"domain": "example.com"}, [Call("GET", D, 200, [], query=dict(PAGE, domain="example.com"))])
    assert result["domains"] == []


@pytest.mark.parametrize("answer", [auto(default=True), [auto(default=True)]], ids=["object", "array-per-spec"])
def test_default_domain(run, answer):
    result = run(
        module,
        {"include_default": True},
        [Call("GET", D, 200, [auto(default=True)], query=PAGE), Call("GET", D + "/default", 200, answer)],
    )
    assert result["default_domain"]["id"] == 1001
    assert result["default_domain"]["default"] is True


def test_no_default_domain_is_empty(run):
    result = run(module, {"include_default": True}, [Call("GET", D, 200, [], query=PAGE), Call("GET", D + "/default", 200, {})])
    assert result["default_domain"] == {}


def test_default_is_not_read_unless_asked(run):
    result = run(module, {}, [Call("GET", D, 200, [], query=PAGE)])
    assert "default_domain" not in result


def test_on_behalf_of_header_is_sent(run):
    result = run(module, {"on_behalf_of": "shop"}, [Call("GET", D, 200, [], query=PAGE)])
    assert result["_request_headers"][0]["on-behalf-of"] == "shop"


def test_bad_domain_fails_before_any_request(run):
    result = run(module, {"domain": "bad_name.example.com"}, [])
    assert result["failed"] is True
    assert "domain is not a valid DNS name" in result["msg"]
