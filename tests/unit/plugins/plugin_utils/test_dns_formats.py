# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The Route 53 and octoDNS converters (issue 18, part 1). tests/integration/test_sender_setup_route53.py and
tests/integration/test_exporters.py run them against moto and octodns-validate."""

from __future__ import annotations

import pytest

from ansible_collections.mailops.sendgrid.plugins.plugin_utils._dns_formats import (
    FormatError,
    from_route53,
    hosted_zone_for,
    octodns_zone,
    quote_txt,
    to_route53,
    unquote_txt,
)


def test_route53_record_sets_in_the_collections_shape():
    sets = [
        {"name": "Example.COM.", "type": "TXT", "ttl": 600, "resource_records": [{"value": '"v=spf1 " "-all"'}, {"value": '"say \\"hi\\""'}]},
        {"Name": "\\052.example.com.", "Type": "CNAME", "TTL": 60, "ResourceRecords": [{"Value": "Target.Example.NET."}]},
        {"name": "example.com.", "type": "MX", "ttl": 300, "resource_records": [{"value": "10 MX.sendgrid.net."}]},
        {"name": "www.example.com.", "type": "A", "alias_target": {"dns_name": "d111.cloudfront.net.", "hosted_zone_id": "Z2"}},
    ]
    assert from_route53(sets) == [
        {"name": "example.com", "type": "TXT", "values": ["v=spf1 -all", 'say "hi"'], "ttl": 600},
        {"name": "*.example.com", "type": "CNAME", "values": ["target.example.net"], "ttl": 60},
        {"name": "example.com", "type": "MX", "values": ["10 mx.sendgrid.net"], "ttl": 300},
        {"name": "www.example.com", "type": "A", "values": ["ALIAS d111.cloudfront.net"]},
    ]
    with pytest.raises(FormatError, match="record set 0 has no name or type"):
        from_route53([{"type": "A"}])
    with pytest.raises(FormatError, match="expected the list"):
        from_route53({"resource_record_sets": []})


def test_txt_values_for_route53_are_quoted_and_split_at_255_characters():
    key = "k=rsa; p=" + "A" * 400
    (value,) = to_route53([key], "TXT")
    parts = value[1:-1].split('" "')
    assert [len(p) for p in parts] == [255, 154] and "".join(parts) == key
    assert unquote_txt(value) == key
    assert quote_txt('a "b" \\c') == '"a \\"b\\" \\\\c"' and unquote_txt(quote_txt('a "b" \\c')) == 'a "b" \\c'
    assert to_route53("sendgrid.net", "CNAME") == ["sendgrid.net"]


def test_the_hosted_zone_is_the_longest_public_one_the_domain_is_in():
    zones = [
        {"id": "/hostedzone/ZCOUK", "name": "co.uk.", "config": {"private_zone": False}},
        {"id": "/hostedzone/ZEX", "name": "example.co.uk.", "config": {"private_zone": False}},
        {"id": "/hostedzone/ZPRIV", "name": "mail.example.co.uk.", "config": {"private_zone": True}},
        {"Id": "/hostedzone/ZOTHER", "Name": "other-example.co.uk.", "Config": {"PrivateZone": False}},
    ]
    assert hosted_zone_for("mail.example.co.uk", zones) == {"id": "ZEX", "name": "example.co.uk"}
    assert hosted_zone_for("mail.example.co.uk", zones, private=True) == {"id": "ZPRIV", "name": "mail.example.co.uk"}
    assert hosted_zone_for("example.co.uk", zones)["id"] == "ZEX"
    with pytest.raises(FormatError, match=r"no public Route 53 hosted zone holds example.org \(zones: co.uk, example.co.uk, mail"):
        hosted_zone_for("example.org", zones)
    twins = zones + [{"id": "/hostedzone/ZEX2", "name": "example.co.uk.", "config": {"private_zone": False}}]
    with pytest.raises(FormatError, match="2 public hosted zones are named example.co.uk .ZEX, ZEX2.: set sender_setup_route53_zone_id"):
        hosted_zone_for("mail.example.co.uk", twins)


def test_octodns_zone_content_relative_names_escaped_semicolons_and_types_per_name():
    records = [
        {"name": "em.example.com", "type": "CNAME", "value": "u1.wl001.sendgrid.net"},
        {"name": "example.com", "type": "MX", "value": "10 mx.sendgrid.net"},
        {"name": "example.com", "type": "TXT", "value": "v=spf1 include:sendgrid.net ~all"},
        {"name": "_dmarc.example.com", "type": "TXT", "value": "v=DMARC1; p=none"},
        {"name": "s1._domainkey.example.com", "type": "CNAME", "value": None},  # check mode of a create
        {"name": "example.com", "type": "TXT", "values": ["v=spf1 include:sendgrid.net ~all", "keep=me"], "ttl": 60},
    ]
    assert octodns_zone(records, "example.com", 300) == {
        "": [
            {"type": "MX", "ttl": 300, "values": [{"preference": 10, "exchange": "mx.sendgrid.net."}]},
            {"type": "TXT", "ttl": 300, "values": ["keep=me", "v=spf1 include:sendgrid.net ~all"]},
        ],
        "_dmarc": {"type": "TXT", "ttl": 300, "values": ["v=DMARC1\\; p=none"]},
        "em": {"type": "CNAME", "ttl": 300, "value": "u1.wl001.sendgrid.net."},
    }
    with pytest.raises(FormatError, match="_dmarc.example.com, em.example.com, example.com are not in the zone example.org"):
        octodns_zone(records, "example.org")
