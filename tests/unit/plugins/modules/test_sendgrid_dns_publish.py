# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""sendgrid_dns_publish with current_record_sets (issue 18: a DNS provider's API is read instead of a nameserver).
The nameserver path is tested against a real BIND in tests/integration/test_dns_publish_bind.py."""

from __future__ import annotations

import pytest

from ansible_collections.mailops.sendgrid.plugins.modules import sendgrid_dns_publish
from tests.unit.plugins.modules.utils import run_module

SPF_OTHER = "v=spf1 include:_spf.google.com ~all"
RECORDS = [
    {"name": "em.example.com", "type": "TXT", "value": "v=spf1 include:sendgrid.net ~all"},
    {"name": "em.example.com", "type": "MX", "value": "10 mx.sendgrid.net"},
    {"name": "_dmarc.example.com", "type": "TXT", "value": "v=DMARC1; p=none"},
]
CURRENT = [
    {"name": "em.example.com.", "type": "TXT", "values": [SPF_OTHER, "keep=me"], "ttl": 600},
    {"name": "example.com", "type": "A", "values": ["192.0.2.80"]},
]


def publish(requests_mock, monkeypatch, **args):
    options = dict(records=RECORDS, current_record_sets=CURRENT, zone="example.com", publish=False)
    options.update(args)
    return run_module(sendgrid_dns_publish, options, [], requests_mock=requests_mock, monkeypatch=monkeypatch, diff=True)


def test_the_plan_merges_into_the_given_record_sets_without_any_query(requests_mock, monkeypatch):
    result = publish(requests_mock, monkeypatch)
    assert result["changed"] is False and "failed" not in result
    assert [(c["name"], c["type"], c["action"], c["after"]) for c in result["changes"]] == [
        ("em.example.com", "TXT", "merge", ["v=spf1 include:_spf.google.com include:sendgrid.net ~all", "keep=me"]),
        ("em.example.com", "MX", "add", ["10 mx.sendgrid.net"]),
        ("_dmarc.example.com", "TXT", "add", ["v=DMARC1; p=none"]),
    ]
    assert result["zones"] == {"_dmarc.example.com": "example.com", "em.example.com": "example.com"}
    assert result["diff"]


def test_a_second_plan_over_what_the_first_wrote_is_empty(requests_mock, monkeypatch):
    first = publish(requests_mock, monkeypatch)
    written = [{"name": c["name"], "type": c["type"], "values": c["after"]} for c in first["changes"]] + CURRENT[1:]
    second = publish(requests_mock, monkeypatch, current_record_sets=written)
    assert [c["action"] for c in second["changes"]] == ["none", "none", "none"]


@pytest.mark.parametrize("args, message", [
    ({"publish": True}, "current_record_sets plans only: set publish=false"),
    ({"zone": "example.org"}, "_dmarc.example.com, em.example.com are not in the zone example.org (zone)"),
    ({"current_record_sets": [{"name": "x.example.com", "type": "TXT", "values": "not a list"}]},
     "current_record_sets[0] must have name, type and a list of values"),
])
def test_bad_input_is_refused_naming_the_option(requests_mock, monkeypatch, args, message):
    result = publish(requests_mock, monkeypatch, **args)
    assert result["failed"] and message in result["msg"], result["msg"]


def test_an_existing_dmarc_policy_is_a_conflict_naming_replace_dmarc(requests_mock, monkeypatch):
    current = CURRENT + [{"name": "_dmarc.example.com", "type": "TXT", "values": ["v=DMARC1; p=reject"]}]
    result = publish(requests_mock, monkeypatch, current_record_sets=current)
    assert result["failed"] and "replace_dmarc" in result["msg"]


def test_a_record_whose_value_sendgrid_has_not_assigned_is_pending_not_an_error(requests_mock, monkeypatch):
    # Check mode of a create (manual security): SendGrid assigns the DKIM key, the record's value is null.
    records = RECORDS + [{"name": "m1._domainkey.example.com", "type": "TXT", "value": None}]
    result = publish(requests_mock, monkeypatch, records=records)
    assert "failed" not in result, result.get("msg")
    assert result["pending"] == [{"name": "m1._domainkey.example.com", "type": "TXT", "value": None}]
    assert [c["name"] for c in result["changes"]] == ["em.example.com", "em.example.com", "_dmarc.example.com"]
