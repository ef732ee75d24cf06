# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""sendgrid_sender_result: one host's part of a sendgrid_senders run, as the per-host modules would have reported it."""

from __future__ import annotations

import pytest

from ansible.errors import AnsibleActionFail

from ansible_collections.mailops.sendgrid.plugins.action.sendgrid_sender_result import hand_over, lines_to_show, shown_lines

RDNS = {"changed": True, "reverse_dns": {"rdns": "o1.email.shop.example.com"}, "dns_records": [{"name": "o1", "type": "A", "value": "192.0.2.10"}],
        "diff": {"before": {}, "after": {"ip": "192.0.2.10"}}}
DOMAIN = {"changed": False, "domain": {"id": 1001}, "dns_records": [{"name": "em", "type": "CNAME", "value": "u1.wl.sendgrid.net"}],
          "warnings": ["not valid yet"]}
LINK = {"changed": False, "link": {"id": 7}, "dns_records": [{"name": "links", "type": "CNAME", "value": "sendgrid.net"}]}
POOL = {"changed": True, "pool": {"name": "shop", "ips": ["192.0.2.10"]}, "diff": {"before": {"ips": []}, "after": {"ips": ["192.0.2.10"]}}}


def test_changed_diff_and_warnings_come_from_every_step_in_the_roles_order():
    answer = hand_over({"pool": POOL, "reverse_dns": {"192.0.2.10": RDNS}, "domain": DOMAIN, "link": LINK})
    assert answer["changed"] is True and "failed" not in answer and "ansible_facts" not in answer
    assert answer["diff"] == [POOL["diff"], RDNS["diff"]]
    assert answer["warnings"] == ["not valid yet"]


def test_nothing_changed_is_not_changed_and_shows_no_diff():
    answer = hand_over({"domain": DOMAIN, "link": LINK})
    assert answer == {"changed": False, "warnings": ["not valid yet"]}


def test_a_failed_step_fails_the_host_with_its_message_and_details():
    failed = {"failed": True, "changed": False, "msg": "SendGrid API request POST /v3/whitelabel/domains failed with HTTP 502: bad gateway",
              "status": 502, "method": "POST", "path": "/v3/whitelabel/domains"}
    answer = hand_over({"pool": POOL, "domain": failed})
    assert answer["failed"] is True and answer["step"] == "domain"
    assert answer["msg"] == failed["msg"] and answer["status"] == 502 and answer["path"] == "/v3/whitelabel/domains"
    assert answer["changed"] is True  # the pool step before it did change


def test_a_result_that_is_not_a_senders_entry_is_refused():
    with pytest.raises(AnsibleActionFail, match="one sender's entry"):
        hand_over(["shop"])


def test_the_summary_and_the_records_are_shown_as_debug_shows_its_msg():
    summary = ["Domain auth     em.shop.example.com: unchanged, valid"]
    answer = hand_over({"domain": DOMAIN}, show=shown_lines(summary, {"domain": "shop.example.com", "ttl": 300}, DOMAIN["dns_records"]))
    assert answer["_ansible_verbose_always"] is True
    assert answer["msg"][0] == "Domain auth     em.shop.example.com: unchanged, valid" and answer["msg"][1] == ""
    assert answer["msg"][2].startswith("; DNS records for SendGrid sender shop.example.com")
    assert answer["msg"][-1] == "em. 300 IN CNAME u1.wl.sendgrid.net."
    # Without records, the summary alone; a failed step shows its failure instead.
    assert shown_lines(["a line"], {"domain": "x", "ttl": 1}, []) == ["a line"]
    failed = hand_over({"domain": {"failed": True, "msg": "boom"}}, show=["a line"])
    assert failed["msg"] == "boom" and "_ansible_verbose_always" not in failed


def test_without_summary_and_records_the_result_s_own_are_shown():
    # The module's EXAMPLES show a sender with show alone: its summary and records are the sendgrid_senders entry's.
    entry = {"domain": DOMAIN, "summary": ["Domain auth     em.shop.example.com: unchanged, valid"], "dns_records": DOMAIN["dns_records"], "valid": True}
    lines = lines_to_show({"result": entry, "show": True, "show_if_valid": False, "summary": None, "zone": {"domain": "shop.example.com", "ttl": 300},
                           "records": None})
    assert lines[0] == entry["summary"][0] and lines[-1] == "em. 300 IN CNAME u1.wl.sendgrid.net."
    # Given ones win (the role passes the records with its DMARC record).
    assert lines_to_show({"result": entry, "show": True, "show_if_valid": False, "summary": ["mine"], "zone": {}, "records": []}) == ["mine"]


def test_show_if_valid_shows_only_a_sender_whose_objects_are_all_valid():
    # The role: a sender whose only step after its SendGrid objects is validation shows its summary here once valid.
    args = {"show": False, "show_if_valid": True, "summary": ["line"], "zone": {}, "records": []}
    assert lines_to_show(dict(args, result={"domain": DOMAIN, "valid": True})) == ["line"]
    assert lines_to_show(dict(args, result={"domain": DOMAIN, "valid": False})) is None
    assert lines_to_show(dict(args, result={"domain": DOMAIN})) is None
    assert lines_to_show(dict(args, show_if_valid=False, result={"domain": DOMAIN, "valid": True})) is None


def test_a_result_that_is_not_a_senders_entry_shows_nothing_and_is_refused_as_such():
    # With show, the refusal is hand_over's message, not an error of reading the lines to show.
    args = {"result": ["shop"], "show": True, "show_if_valid": False, "summary": None, "zone": {}, "records": None}
    assert lines_to_show(args) is None
    with pytest.raises(AnsibleActionFail, match="one sender's entry"):
        hand_over(args["result"], lines_to_show(args))
