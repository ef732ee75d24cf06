# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The helpers domain authentication and link branding share (module_utils/_branding.py) and what each reads."""

from __future__ import annotations

import pytest

from ansible_collections.mailops.sendgrid.plugins.module_utils import _domain_auth, _link_branding
from ansible_collections.mailops.sendgrid.plugins.module_utils._branding import describe, first_object, is_eu_host, object_path
from ansible_collections.mailops.sendgrid.plugins.module_utils._validators import validate_username
from ansible_collections.mailops.sendgrid.plugins.module_utils._errors import InputError


@pytest.mark.parametrize(
    "value, eu",
    [
        ("eu.sendgrid.net", True),
        ("EU.SendGrid.net.", True),
        ("u7.wl001.eu.sendgrid.net", True),
        ("s1.domainkey.u7.wl001.eu.sendgrid.net", True),
        ("sendgrid.net", False),
        ("u7.wl001.sendgrid.net", False),
        ("europe.example.com", False),
        (None, False),
    ],
)
def test_eu_hosts(value, eu):
    assert is_eu_host(value) is eu


def test_both_objects_read_the_region_from_the_same_hosts():
    assert _domain_auth.region_of({}, {"mail_cname": {"data": "u7.wl001.eu.sendgrid.net"}}) == "eu"
    assert _domain_auth.region_of({}, {"mail_cname": {"data": "u7.wl001.sendgrid.net"}}) == "global"
    assert _link_branding.region_of({"dns": {"domain_cname": {"data": "eu.sendgrid.net."}}}) == "eu"
    assert _link_branding.region_of({"dns": {"domain_cname": {"data": "sendgrid.net"}}}) == "us"


def test_link_records_domain_cname_first():
    dns = {
        "extra": {"type": "txt", "host": "x.example.com", "data": "v"},
        "owner_cname": {"type": "cname", "host": "7.example.com", "data": "sendgrid.net"},
        "domain_cname": {"type": "cname", "host": "links.example.com.", "data": "sendgrid.net"},
    }
    assert [record["name"] for record in _link_branding.dns_records(dns)] == ["links.example.com", "7.example.com", "x.example.com"]


def test_first_object_takes_an_object_or_the_first_of_a_list():
    assert first_object({"id": 1}) == {"id": 1}
    assert first_object([{"id": 2}, {"id": 3}]) == {"id": 2}
    assert first_object([]) is None
    assert first_object({}) is None


def test_describe_sorts_by_subdomain_then_id():
    objects = [{"id": 2, "domain": "example.com", "subdomain": "em2"}, {"id": 1, "domain": "example.com", "subdomain": None}]
    assert describe(objects) == "example.com (id 1), em2.example.com (id 2)"


def test_object_path_quotes_only_what_needs_it():
    assert object_path("/v3/whitelabel/domains", 7, "subuser:add") == "/v3/whitelabel/domains/7/subuser:add"
    assert object_path("/v3/whitelabel/domains", 7, "ips", "192.0.2.1") == "/v3/whitelabel/domains/7/ips/192.0.2.1"


@pytest.mark.parametrize("value", ["a b", " ", "", None, 5])
def test_usernames_without_spaces(value):
    with pytest.raises(InputError, match="subusers must be a username without spaces"):
        validate_username(value, "subusers")


def test_username_is_stripped():
    assert validate_username(" shop ", "username") == "shop"
