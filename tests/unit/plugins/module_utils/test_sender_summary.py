# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The sender_setup role's summary lines and zone-file snippet (they were Jinja templates; the words are the same)."""

from __future__ import annotations

from ansible_collections.mailops.sendgrid.plugins.module_utils._sender_summary import summary_lines, zone_snippet_lines

HEADER = [
    "; DNS records for SendGrid sender ex.com, written by mailops.sendgrid.sender_setup.",
    "; Names are absolute (they end with a dot): paste them into any zone without the zone being appended again.",
    "; A TXT value longer than 255 characters is written as several strings of one record, as DNS requires.",
]


def test_every_line_of_the_summary_in_check_mode():
    facts = {
        "check_mode": True, "domain": "ex.com", "pool_result": {"changed": True, "pool": {"name": "p1", "ips": ["1.2.3.4", "1.2.3.5"]}},
        "reverse_dns_results": {
            "1.2.3.4": {"changed": False, "reverse_dns": {"rdns": "o1.email.ex.com", "valid": True}},
            "1.2.3.5": {"changed": True, "reverse_dns": {"valid": False}, "validation": {"results": {"a_record": {"valid": False, "reason": "no A"}}}},
        },
        "domain_result": {"changed": True, "domain": {"subdomain": "em", "valid": False}, "validation": {"skipped": True}},
        "link_result": {"changed": False, "link": {"subdomain": "", "valid": True, "subusers": ["a", "b"]}},
        "subusers": ["a"], "purge_subusers": False, "dmarc_value": "v=DMARC1; p=none", "dns_email": "dns@ex.com", "dns_email_result": None,
        "dns_check_result": {"records": [{"status": "found"}, {"status": "missing", "name": "a", "type": "A"}]},
        "readiness_result": {"ready": False, "checks": [{"status": "pass"}, {"status": "fail"}],
                             "findings": [{"status": "error", "rule": "spf", "message": "m", "bounce": "5.7.26"}]},
    }
    assert summary_lines(facts) == [
        "IP pool         p1 [1.2.3.4, 1.2.3.5]: would change",
        "Reverse DNS     o1.email.ex.com -> 1.2.3.4: unchanged, valid",
        "Reverse DNS     ? -> 1.2.3.5: would change, NOT VALID: no A",
        "Domain auth     em.ex.com: would change, NOT VALID (check mode: validation not requested), subusers: associated once valid",
        "Link branding   ?.ex.com: unchanged, valid, subusers: a, b",
        "DMARC           _dmarc.ex.com: v=DMARC1; p=none",
        "DNS email       records NOT emailed by this run (they go out on the run that creates or changes the domain or link; if that run was "
        "interrupted, run with sender_setup_dns_email_resend=true)",
        "DNS check       1 of 2 records found as expected; a A: missing",
        "Bulk mail       NOT ready for Gmail, Yahoo and Microsoft (1 of 2 checks passed); error spf: m [5.7.26]",
    ]


def test_a_sent_email_a_skipped_pool_and_nothing_to_say():
    facts = {"domain": "ex.com", "pool_result": {"skipped": True}, "domain_result": {"changed": False, "domain": {"subdomain": "em", "valid": True}},
             "dns_email": "dns@ex.com", "dns_email_result": {"changed": True}, "purge_subusers": True}
    assert summary_lines(facts) == ["Domain auth     em.ex.com: unchanged, valid", "DNS email       records emailed to dns@ex.com"]
    assert summary_lines(dict(facts, check_mode=True, dns_email_result={"changed": True}))[1] == "DNS email       records would be emailed to dns@ex.com"
    # As the lines of an empty text: one empty line.
    assert summary_lines({}) == [""]


def test_the_zone_snippet_of_records_with_their_notes():
    records = [
        {"name": "ex.com", "type": "MX", "value": "mx.sendgrid.net"},
        {"name": "ex.com", "type": "TXT", "value": "v=spf1 include:sendgrid.net ~all"},
        {"name": "_dmarc.ex.com", "type": "TXT", "value": "v=DMARC1; p=none"},
        {"name": "k._domainkey.ex.com", "type": "TXT", "value": "p=" + "a" * 300 + '"'},
        {"name": "em.ex.com", "type": "CNAME", "value": "u1.wl.sendgrid.net."},
        {"name": "o1.email.ex.com", "type": "A", "value": "192.0.2.1"},
        {"name": "x.ex.com", "type": "CNAME", "value": None},
    ]
    assert zone_snippet_lines({"domain": "ex.com", "ttl": 3600, "records": records}) == HEADER + [
        "ex.com. 3600 IN MX 10 mx.sendgrid.net.",
        '; SPF: if ex.com already has a "v=spf1" record, merge SendGrid\'s mechanisms into it instead of adding this',
        "; one: two SPF records at one name make every SPF check of it fail (RFC 7208, section 4.5).",
        'ex.com. 3600 IN TXT "v=spf1 include:sendgrid.net ~all"',
        '; DMARC: if _dmarc.ex.com already has a "v=DMARC1" record, keep only one of them: it is the domain\'s policy.',
        '_dmarc.ex.com. 3600 IN TXT "v=DMARC1; p=none"',
        # 255 characters a string; a quote is escaped (it is one character of the value).
        'k._domainkey.ex.com. 3600 IN TXT "p=%s" "%s\\""' % ("a" * 253, "a" * 47),
        "em.ex.com. 3600 IN CNAME u1.wl.sendgrid.net.",
        "o1.email.ex.com. 3600 IN A 192.0.2.1",
        "; x.ex.com. CNAME: its value is assigned by SendGrid when the entry is created (this is a check-mode run)",
    ]


def test_the_zone_snippet_of_merged_record_sets_holds_every_value_sorted():
    facts = {"domain": "ex.com", "ttl": 60, "merged_from": "127.0.0.1", "records": [{"name": "ignored", "type": "A", "value": "1"}],
             "record_sets": [{"name": "ex.com", "type": "TXT", "values": ["v=spf1 a ~all", "other"]}]}
    assert zone_snippet_lines(facts) == HEADER + [
        "; Merged with what the zone holds (read from 127.0.0.1):",
        "; every value a name must hold, SendGrid's and the ones that were there. Replace each set whole.",
        'ex.com. 60 IN TXT "other"',
        'ex.com. 60 IN TXT "v=spf1 a ~all"',
    ]
