# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The merge plan of SendGrid's records into a live zone (issue 14): what a name holds is never replaced
wholesale; TXT and SPF are merged; CNAME, MX, A and DKIM conflicts are refused unless opted in."""

from __future__ import annotations

import pytest

from ansible_collections.mailops.sendgrid.plugins.module_utils._dns_merge import (
    PlanConflict,
    diff,
    merge_spf,
    plan,
    record_sets,
    spf_lookups,
)

APEX = "apex.example.net"
OURS_SPF = "v=spf1 include:em.apex.example.net -all"


def zone(data):
    return lambda name: data.get(name, {})


def one(changes, name, rtype):
    (change,) = [c for c in changes if c["name"] == name and c["type"] == rtype]
    return change


def test_apex_txt_values_are_kept_and_the_existing_spf_gets_sendgrid_merged_in():
    here = {APEX: {"TXT": ["google-site-verification=keep-me", "v=spf1 include:_spf.google.com ~all"]}}
    changes = plan([{"name": APEX, "type": "TXT", "value": OURS_SPF}], zone(here))
    change = one(changes, APEX, "TXT")
    assert change["action"] == "merge"
    assert change["after"] == ["google-site-verification=keep-me", "v=spf1 include:_spf.google.com include:em.apex.example.net ~all"]
    assert diff(changes) == {
        "before": {"apex.example.net TXT": here[APEX]["TXT"]},
        "after": {"apex.example.net TXT": change["after"]},
    }


def test_the_merged_record_is_a_no_op_the_second_time():
    merged = "v=spf1 include:_spf.google.com include:em.apex.example.net ~all"
    changes = plan([{"name": APEX, "type": "TXT", "value": OURS_SPF}], zone({APEX: {"TXT": ["keep", merged]}}))
    assert [c["action"] for c in changes] == ["none"]


def test_a_txt_value_is_added_next_to_the_others():
    changes = plan([{"name": APEX, "type": "TXT", "value": OURS_SPF}], zone({APEX: {"TXT": ["google-site-verification=keep-me"]}}))
    assert one(changes, APEX, "TXT")["after"] == ["google-site-verification=keep-me", OURS_SPF]


@pytest.mark.parametrize(
    "existing, ours, merged",
    [
        ("v=spf1 include:_spf.google.com ~all", "v=spf1 include:sendgrid.net ~all", "v=spf1 include:_spf.google.com include:sendgrid.net ~all"),
        ("v=spf1 ip4:192.0.2.1 -all", "v=spf1 ip4:192.0.2.1 ip4:192.0.2.2 -all", "v=spf1 ip4:192.0.2.1 ip4:192.0.2.2 -all"),
        ("v=spf1 mx redirect=_spf.example.net", "v=spf1 include:sendgrid.net ~all", "v=spf1 mx include:sendgrid.net redirect=_spf.example.net"),
        ("v=spf1 include:sendgrid.net ?all", "v=spf1 include:sendgrid.net -all", "v=spf1 include:sendgrid.net ?all"),
        ("v=spf1 a", "v=spf1 include:sendgrid.net ~all", "v=spf1 a include:sendgrid.net"),
    ],
)
def test_merge_spf_keeps_the_existing_mechanisms_and_qualifier(existing, ours, merged):
    assert merge_spf(existing, ours) == merged


def test_spf_lookups_follow_includes():
    records = {"a.example.net": "v=spf1 include:b.example.net mx -all", "b.example.net": "v=spf1 a ip4:192.0.2.1 -all"}
    assert spf_lookups("v=spf1 include:a.example.net include:elsewhere.example ~all", records.get) == (5, ["elsewhere.example"])


def test_a_merged_spf_over_ten_lookups_is_refused_naming_the_record_and_the_count():
    existing = "v=spf1 " + " ".join("include:i%d.example.net" % n for n in range(10)) + " ~all"
    with pytest.raises(PlanConflict) as info:
        plan([{"name": APEX, "type": "TXT", "value": OURS_SPF}], zone({APEX: {"TXT": [existing]}}), replace_conflicts=True)
    assert "needs 11 DNS lookups" in str(info.value) and existing in str(info.value)
    assert "replace_conflicts" not in str(info.value)  # no opt-in can fix that


def test_two_spf_records_already_are_refused():
    with pytest.raises(PlanConflict) as info:
        plan([{"name": APEX, "type": "TXT", "value": OURS_SPF}], zone({APEX: {"TXT": ["v=spf1 a -all", "v=spf1 mx -all"]}}))
    assert "2 SPF records" in str(info.value)


def test_a_cname_where_other_data_is_is_refused_then_replaced_when_opted_in():
    here = {"em.apex.example.net": {"CNAME": ["old.example.org"]}}
    record = {"name": "em.apex.example.net", "type": "CNAME", "value": "u1.wl.sendgrid.net"}
    with pytest.raises(PlanConflict) as info:
        plan([record], zone(here), replace_option="sender_setup_dns_replace_conflicts")
    assert "old.example.org" in str(info.value) and "sender_setup_dns_replace_conflicts" in str(info.value)
    changes = plan([record], zone(here), replace_conflicts=True)
    assert one(changes, "em.apex.example.net", "CNAME") == {
        "name": "em.apex.example.net", "type": "CNAME", "action": "replace", "before": ["old.example.org"], "after": ["u1.wl.sendgrid.net"], "note": None,
    }


def test_a_cname_next_to_a_txt_is_a_conflict():
    with pytest.raises(PlanConflict) as info:
        plan([{"name": "em.apex.example.net", "type": "CNAME", "value": "u1.wl.sendgrid.net"}], zone({"em.apex.example.net": {"TXT": ["x"]}}))
    assert "TXT 'x'" in str(info.value)


def test_an_mx_at_the_return_path_name_is_a_conflict():
    record = {"name": "em.apex.example.net", "type": "MX", "value": "mx.sendgrid.net"}
    with pytest.raises(PlanConflict) as info:
        plan([record], zone({"em.apex.example.net": {"MX": ["10 mail.apex.example.net"]}}))
    assert "bounce handling" in str(info.value)
    assert [c["action"] for c in plan([record], zone({"em.apex.example.net": {"MX": ["10 mx.sendgrid.net"]}}))] == ["none"]


def test_a_second_address_for_a_reverse_dns_name_is_a_conflict():
    with pytest.raises(PlanConflict) as info:
        plan([{"name": "o1.apex.example.net", "type": "A", "value": "192.0.2.10"}], zone({"o1.apex.example.net": {"A": ["192.0.2.99"]}}))
    assert "forward-confirmed reverse DNS" in str(info.value)


def test_another_dkim_key_at_the_selector_is_a_conflict():
    with pytest.raises(PlanConflict):
        name = "m1._domainkey.apex.example.net"
        plan([{"name": name, "type": "TXT", "value": "k=rsa; p=NEW"}], zone({name: {"TXT": ["k=rsa; p=OLD"]}}))


def test_every_conflict_is_named_at_once_and_nothing_is_planned():
    here = {"a.example.net": {"CNAME": ["x.example.org"]}, "b.example.net": {"A": ["192.0.2.1"]}}
    records = [{"name": "a.example.net", "type": "TXT", "value": "t"}, {"name": "b.example.net", "type": "A", "value": "192.0.2.2"}]
    with pytest.raises(PlanConflict) as info:
        plan(records, zone(here))
    assert len(info.value.conflicts) == 2


def test_record_sets_carry_the_merged_values():
    here = {APEX: {"TXT": ["keep-me"]}}
    changes = plan([{"name": APEX, "type": "TXT", "value": OURS_SPF}, {"name": "em." + APEX, "type": "MX", "value": "mx.sendgrid.net"}], zone(here))
    assert record_sets(changes) == [
        {"name": APEX, "type": "TXT", "values": ["keep-me", OURS_SPF]},
        {"name": "em." + APEX, "type": "MX", "values": ["10 mx.sendgrid.net"]},
    ]


# -- DMARC (issue 18): the domain owner's policy is never replaced unless asked --------------------------------

DMARC = "v=DMARC1; p=none; rua=mailto:dmarc@example.com"


def test_a_dmarc_record_is_added_where_there_is_none():
    (change,) = plan([{"name": "_dmarc.example.com", "type": "TXT", "value": DMARC}], lambda name: {"TXT": ["google-site-verification=x"]})
    assert change["action"] == "add" and change["after"] == ["google-site-verification=x", DMARC]


def test_an_existing_dmarc_record_is_a_conflict_unless_replace_dmarc():
    existing = "v=DMARC1; p=reject; rua=mailto:security@example.com"
    records = [{"name": "_dmarc.example.com", "type": "TXT", "value": DMARC}]
    with pytest.raises(PlanConflict) as info:
        plan(records, lambda name: {"TXT": [existing]}, replace_conflicts=True, replace_dmarc_option="sender_setup_dmarc_replace")
    assert "holds a DMARC record already" in info.value.conflicts[0]["message"]
    assert "set sender_setup_dmarc_replace to replace it" in info.value.conflicts[0]["message"]
    (change,) = plan(records, lambda name: {"TXT": [existing, "other=1"]}, replace_dmarc=True)
    assert change["action"] == "replace" and change["after"] == ["other=1", DMARC]
    (same,) = plan(records, lambda name: {"TXT": [DMARC]})
    assert same["action"] == "none"
