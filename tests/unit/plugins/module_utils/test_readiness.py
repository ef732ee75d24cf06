# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The readiness rules (issue 18, part 3) on a zone held in memory: each rule passes on a good sender and fails once
for each way it can go wrong. tests/integration/test_readiness_bind.py runs the module against a real BIND."""

from __future__ import annotations

import base64

import pytest

from ansible_collections.mailops.sendgrid.plugins.module_utils._dns_check import NOERROR, NXDOMAIN, Answer
from ansible_collections.mailops.sendgrid.plugins.module_utils._readiness import Readiness, dkim_tags, key_strength, rsa_key_bits
from tests.tools.dkim_keys import bare_rsa_key, dkim_record, real_spki, spki_of_size


def dkim(bits):
    return dkim_record(spki_of_size(bits))


SG = "u1234.wl001.sendgrid.net"


class Zone:
    """A fake resolver over ``{(name, type): [values]}``; CNAMEs are followed by the caller, as a stub resolver may."""

    def __init__(self, data):
        self.data = {(name, rtype): list(values) for (name, rtype), values in data.items()}
        self.asked = []

    def __call__(self, name, rtype):
        self.asked.append((name, rtype))
        records = [(name, rtype, (value,) if rtype == "TXT" else value) for value in self.data.get((name, rtype), [])]
        if not records:
            records = [(name, "CNAME", value) for value in self.data.get((name, "CNAME"), [])]
        if not records and not any(key[0] == name for key in self.data):
            return Answer(NXDOMAIN)
        return Answer(NOERROR, records)


def good_sender(changes=None):
    data = {
        ("em1234.example.com", "CNAME"): [SG],
        (SG, "TXT"): ["v=spf1 ip4:167.89.0.0/17 include:sendgrid.net ~all"],
        ("sendgrid.net", "TXT"): ["v=spf1 ip4:208.117.48.0/20 ~all"],
        ("s1._domainkey.example.com", "CNAME"): ["s1.domainkey." + SG],
        ("s2._domainkey.example.com", "CNAME"): ["s2.domainkey." + SG],
        ("s1.domainkey." + SG, "TXT"): [dkim(2048)],
        ("s2.domainkey." + SG, "TXT"): [dkim(2048)],
        ("_dmarc.example.com", "TXT"): ["v=DMARC1; p=none; rua=mailto:dmarc@example.com"],
        ("10.2.0.192.in-addr.arpa", "PTR"): ["o1.email.example.com."],
        ("o1.email.example.com", "A"): ["192.0.2.10"],
        ("url1234.example.com", "CNAME"): ["sendgrid.net"],
        ("sendgrid.net", "A"): ["167.89.118.35"],
    }
    data.update(changes or {})
    return {key: value for key, value in data.items() if value is not None}


def run(data, **kwargs):
    options = dict(domain="example.com", return_path="em1234.example.com", link_host="url1234.example.com",
                   ips=[{"ip": "192.0.2.10", "rdns": "o1.email.example.com"}])
    options.update(kwargs)
    return Readiness(Zone(data)).run(**options)


def failures(result):
    return [(item["rule"], item["status"], item["name"]) for item in result["findings"]]


def test_a_good_sender_is_ready_with_every_check_passed_and_both_alignments():
    result = run(good_sender())
    assert result["ready"] and result["findings"] == []
    assert [(c["rule"], c["name"]) for c in result["checks"]] == [
        ("spf", "em1234.example.com"), ("dkim", "s1._domainkey.example.com"), ("dkim", "s2._domainkey.example.com"),
        ("dmarc", "_dmarc.example.com"), ("alignment", "example.com"), ("reverse_dns", "192.0.2.10"), ("link", "url1234.example.com"),
    ]
    assert result["aligned"] == {"spf": True, "dkim": True}
    spf = result["checks"][0]
    assert spf["lookups"] == 1 and spf["via"] == [SG]
    assert result["checks"][1]["bits"] == 2048


@pytest.mark.parametrize("case, changes, expected", [
    ("no SPF at the return path", {(SG, "TXT"): None}, [("spf", "error", "em1234.example.com")]),
    ("two SPF records", {(SG, "TXT"): ["v=spf1 include:sendgrid.net ~all", "v=spf1 -all"]}, [("spf", "error", "em1234.example.com")]),
    ("two SPF records at the domain itself", {("example.com", "TXT"): ["v=spf1 mx ~all", "v=spf1 -all"]}, [("spf", "error", "example.com")]),
    ("an include without SPF", {("sendgrid.net", "TXT"): ["google-site-verification=x"]}, [("spf", "error", "em1234.example.com")]),
    ("a missing DKIM key", {("s2.domainkey." + SG, "TXT"): None}, [("dkim", "error", "s2._domainkey.example.com")]),
    ("a 512-bit DKIM key", {("s1.domainkey." + SG, "TXT"): [dkim(512)]}, [("dkim", "error", "s1._domainkey.example.com")]),
    ("a 1024-bit DKIM key", {("s1.domainkey." + SG, "TXT"): [dkim(1024)]}, [("dkim", "warning", "s1._domainkey.example.com")]),
    ("a revoked DKIM key", {("s1.domainkey." + SG, "TXT"): ["v=DKIM1; p="]}, [("dkim", "error", "s1._domainkey.example.com")]),
    ("no DMARC", {("_dmarc.example.com", "TXT"): None}, [("dmarc", "error", "_dmarc.example.com")]),
    ("a DMARC record without a policy", {("_dmarc.example.com", "TXT"): ["v=DMARC1; rua=mailto:x@example.com"]},
     [("dmarc", "error", "_dmarc.example.com")]),
    ("two DMARC records", {("_dmarc.example.com", "TXT"): ["v=DMARC1; p=none", "v=DMARC1; p=reject"]}, [("dmarc", "error", "_dmarc.example.com")]),
    ("no PTR", {("10.2.0.192.in-addr.arpa", "PTR"): None}, [("reverse_dns", "error", "192.0.2.10")]),
    ("a PTR to another name", {("10.2.0.192.in-addr.arpa", "PTR"): ["mail.example.net."]}, [("reverse_dns", "error", "192.0.2.10")]),
    ("a PTR whose name points elsewhere", {("o1.email.example.com", "A"): ["192.0.2.99"]}, [("reverse_dns", "error", "192.0.2.10")]),
    ("a link host that does not resolve", {("url1234.example.com", "CNAME"): None}, [("link", "error", "url1234.example.com")]),
])
def test_each_rule_fails_once_for_each_way_it_can_go_wrong(case, changes, expected):
    result = run(good_sender(changes))
    assert failures(result) == expected, case
    finding = result["findings"][0]
    assert finding["requirement"] and finding["bounce"] and finding["message"]
    assert result["ready"] is (expected[0][1] == "warning")


def test_more_than_ten_spf_lookups_is_an_error_naming_the_count():
    includes = {("inc%d.example.net" % n, "TXT"): ["v=spf1 a mx ~all"] for n in range(5)}
    spf = "v=spf1 " + " ".join("include:inc%d.example.net" % n for n in range(5)) + " ~all"
    result = run(good_sender(includes | {(SG, "TXT"): [spf]}))
    assert failures(result) == [("spf", "error", "em1234.example.com")]
    assert result["findings"][0]["lookups"] == 15 and "15 DNS lookups" in result["findings"][0]["message"]
    # DMARC still passes through DKIM: the SPF failure costs alignment through SPF only.
    assert result["aligned"] == {"spf": False, "dkim": True}


def test_strict_spf_alignment_with_a_failing_dkim_cannot_pass_dmarc():
    result = run(good_sender({("_dmarc.example.com", "TXT"): ["v=DMARC1; p=reject; aspf=s"],
                              ("s1.domainkey." + SG, "TXT"): None, ("s2.domainkey." + SG, "TXT"): None}))
    assert ("alignment", "error", "example.com") in failures(result)
    alignment = next(item for item in result["findings"] if item["rule"] == "alignment")
    assert "aspf=s" in alignment["message"] and "5.7.26" in alignment["bounce"]
    assert result["aligned"] == {"spf": False, "dkim": False}


def test_dmarc_of_the_parent_applies_to_a_subdomain_sender_with_its_sp_policy():
    data = {key: value for key, value in good_sender().items() if key[0] != "_dmarc.example.com"}
    data[("_dmarc.example.com", "TXT")] = ["v=DMARC1; p=reject; sp=quarantine"]
    moved = {}
    for (name, rtype), values in data.items():
        if name.endswith("._domainkey.example.com"):
            name = name.replace(".example.com", ".mail.example.com")
        moved[(name, rtype)] = values
    moved[("em1234.mail.example.com", "CNAME")] = [SG]
    result = Readiness(Zone(moved)).run("mail.example.com", "em1234.mail.example.com")
    assert result["ready"], result["findings"]
    dmarc = next(item for item in result["checks"] if item["rule"] == "dmarc")
    assert dmarc["name"] == "_dmarc.example.com" and dmarc["policy"] == "quarantine"
    zone = Zone(moved)
    Readiness(zone).run("mail.example.com", "em1234.mail.example.com")
    assert ("_dmarc.mail.example.com", "TXT") in zone.asked and ("_dmarc.com", "TXT") not in zone.asked


def test_key_sizes_of_a_spki_a_bare_rsa_key_and_ed25519():
    assert rsa_key_bits(spki_of_size(2048)) == 2048
    assert rsa_key_bits(bare_rsa_key(1024)) == 1024
    real = real_spki(2048)
    if real is not None:  # a key as a key generator writes it, not only as this test builds one
        assert rsa_key_bits(real) == 2048
    assert key_strength(dkim_tags("k=ed25519; p=" + base64.b64encode(b"\x01" * 32).decode())) == (256, None)
    assert key_strength(dkim_tags("p=not base64!"))[1] == "p= is not base64"
    assert "not an RSA public key" in key_strength(dkim_tags("p=" + base64.b64encode(b"\x30\x03\x01\x01\x00").decode()))[1]
    # A key split over several TXT strings (long keys are) has no spaces once joined.
    assert dkim_tags("v=DKIM1; p=MIIB IjAN")["p"] == "MIIBIjAN"
