# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest
import yaml
from ansible.module_utils import basic

from ansible_collections.mailops.sendgrid.plugins.modules import sendgrid_link_branding, sendgrid_link_branding_info as module
from ansible_collections.mailops.sendgrid.tests.unit.plugins.modules import answers
from ansible_collections.mailops.sendgrid.tests.unit.plugins.modules.utils import API_KEY, Call

LINKS = "/v3/whitelabel/links"
LIST = {"limit": 3000}
NOT_FOUND = {"errors": [{"field": None, "message": "resource not found"}]}


def link(link_id, valid=True, **fields):
    # Listed links are valid unless a test says otherwise.
    return answers.link(link_id, valid=valid, **fields)


def item(link_id, domain="example.com", subdomain="links", default=False, valid=True, region="us", user_id=1446440):
    return {
        "domain": domain,
        "subdomain": subdomain,
        "default": default,
        "region": region,
        "id": link_id,
        "valid": valid,
        "legacy": False,
        "username": "parent",
        "user_id": user_id,
        "dns_records": [
            {"name": "%s.%s" % (subdomain, domain), "type": "CNAME", "value": "eu.sendgrid.net" if region == "eu" else "sendgrid.net"},
            {"name": "%s.%s" % (user_id, domain), "type": "CNAME", "value": "sendgrid.net"},
        ],
    }


ALL = [link(9, domain="example.org", subdomain="click", default=True), link(8, subdomain="zz", region="eu"), link(7)]


def test_all_links_in_one_request_sorted(run):
    result = run(module, {}, [Call("GET", LINKS, json=ALL, query=LIST)])
    assert result["changed"] is False
    assert result["links"] == [item(7), item(8, subdomain="zz", region="eu"), item(9, domain="example.org", subdomain="click", default=True)]


def test_links_of_a_domain(run):
    result = run(module, {"domain": "EXAMPLE.com."}, [Call("GET", LINKS, json=ALL, query=LIST)])
    assert [link["id"] for link in result["links"]] == [7, 8]


def test_link_of_a_domain_and_subdomain(run):
    result = run(module, {"domain": "example.com", "subdomain": "zz"}, [Call("GET", LINKS, json=ALL, query=LIST)])
    assert result["links"] == [item(8, subdomain="zz", region="eu")]


def test_no_link_is_an_empty_list(run):
    result = run(module, {"domain": "example.net"}, [Call("GET", LINKS, json=ALL, query=LIST)])
    assert result == {"changed": False, "links": [], "_requests": result["_requests"], "_request_headers": result["_request_headers"]}


def test_one_by_id(run):
    result = run(module, {"id": 7}, [Call("GET", LINKS + "/7", json=link(7))])
    assert result["links"] == [item(7)]


def test_unknown_id_is_an_empty_list(run):
    result = run(module, {"id": 70}, [Call("GET", LINKS + "/70", 404, NOT_FOUND)])
    assert result["links"] == []


def test_default_link_for_a_domain(run):
    result = run(module, {"domain": "example.org", "default": True}, [Call("GET", LINKS + "/default", json=ALL[0], query={"domain": "example.org"})])
    assert result["links"] == [item(9, domain="example.org", subdomain="click", default=True)]


def test_default_link_of_the_account(run):
    result = run(module, {"default": True}, [Call("GET", LINKS + "/default", json=ALL[0], query={})])
    assert [link["id"] for link in result["links"]] == [9]


def test_link_of_a_subuser(run):
    result = run(module, {"subuser": "shop"}, [Call("GET", LINKS + "/subuser", json=link(7), query={"username": "shop"})])
    assert result["links"] == [item(7)]


def test_subuser_without_link_is_an_empty_list(run):
    result = run(module, {"subuser": "shop"}, [Call("GET", LINKS + "/subuser", 404, NOT_FOUND, query={"username": "shop"})])
    assert result["links"] == []


def test_items_are_module_options(run):
    result = run(module, {"id": 7}, [Call("GET", LINKS + "/7", json=link(7))])
    documented = set(yaml.safe_load(sendgrid_link_branding.DOCUMENTATION)["options"])
    assert {"domain", "subdomain", "default", "region"} <= documented
    assert {"domain", "subdomain", "default", "region"} <= set(result["links"][0])


def test_check_mode_reads_the_same(run):
    result = run(module, {}, [Call("GET", LINKS, json=[link(7)], query=LIST)], check_mode=True)
    assert result["changed"] is False
    assert result["links"] == [item(7)]


def test_a_full_list_is_the_whole_list_and_no_warning(run, monkeypatch):
    seen = []
    monkeypatch.setattr(basic.AnsibleModule, "warn", lambda self, warning, **kwargs: seen.append(warning))
    many = [link(100 + n, domain="d%d.example.net" % n) for n in range(3000)]
    result = run(module, {"domain": "example.com"}, [Call("GET", LINKS, json=many, query=LIST)])
    assert result["links"] == []
    assert seen == []  # 3000 is the most links SendGrid lets one user have


@pytest.mark.parametrize(
    "args, message",
    [
        ({"id": 7, "subuser": "shop"}, "only one of id, subuser and domain/default"),
        ({"id": 7, "domain": "example.com"}, "only one of id, subuser and domain/default"),
        ({"subuser": "shop", "default": True}, "only one of id, subuser and domain/default"),
        ({"subdomain": "links"}, "subdomain requires domain"),
        ({"domain": "example.com", "subdomain": "links", "default": True}, "subdomain cannot be used with default=true"),
        ({"domain": "not a.domain"}, "domain is not a valid DNS name"),
        ({"id": 0}, "id must be a positive link id"),
        ({"subuser": "shop", "on_behalf_of": "shop"}, "subuser cannot be used with on_behalf_of"),
    ],
)
def test_bad_input_fails_before_any_request(run, args, message):
    result = run(module, args, [])
    assert result["failed"] is True
    assert message in result["msg"]


def test_api_error_is_reported_without_the_key(run):
    result = run(module, {}, [Call("GET", LINKS, 403, {"errors": [{"field": None, "message": "access forbidden"}]}, query=LIST)])
    assert result["failed"] is True
    assert result["msg"] == (
        "SendGrid API request GET /v3/whitelabel/links failed with HTTP 403: access forbidden"
        " (the key lacks a scope this request needs: give it the scopes listed in the module's notes)"
    )
    assert API_KEY not in repr({k: v for k, v in result.items() if not k.startswith("_")})
