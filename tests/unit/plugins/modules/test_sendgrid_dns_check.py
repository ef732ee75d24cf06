# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""sendgrid_dns_check: the checks against a fake authoritative server, and the module around them."""

from __future__ import annotations

import dns.exception
import dns.message
import dns.resolver
import pytest

from ansible_collections.mailops.sendgrid.plugins.module_utils import _dns_check
from ansible_collections.mailops.sendgrid.plugins.module_utils._dns_check import (
    ERROR,
    NOERROR,
    NXDOMAIN,
    Answer,
    CheckInputError,
    Checker,
    DNSPythonLookup,
    answer_from_message,
    normalise_expected,
)
from ansible_collections.mailops.sendgrid.plugins.modules import sendgrid_dns_check as module

CNAME_TARGET = "u1234567.wl001.sendgrid.net"
DKIM_KEY = "k=rsa; t=s; p=" + "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQ" * 9 + "IDAQAB"
SPF = "v=spf1 include:sendgrid.net ~all"


class FakeDNS:
    """An authoritative server for a few zones, answering like BIND does (CNAME rules included).

    ``records`` are ``(name, type, value)``; a TXT value is a string (one string) or a tuple of the
    record's strings. ``broken`` names answer ERROR. Every query is logged in ``asked``.
    """

    def __init__(self, records, zones=("example.com", "example.org"), broken=()):
        self.records = list(records)
        self.zones = zones
        self.broken = set(broken)
        self.asked = []
        # As DNSPythonLookup: no query timed out, none was skipped.
        self.unreachable = None
        self.skipped = 0

    def _values(self, name, rtype):
        return [value if rtype != "TXT" or isinstance(value, tuple) else (value,) for owner, kind, value in self.records if owner == name and kind == rtype]

    def __call__(self, name, rtype):
        self.asked.append((name, rtype))
        if name in self.broken:
            return Answer(ERROR, error="SERVFAIL")
        zone = max((z for z in self.zones if name == z or name.endswith("." + z)), key=len, default=None)
        if zone is None:
            return Answer(ERROR, error="REFUSED")
        cnames = self._values(name, "CNAME")
        if cnames and rtype != "CNAME":
            records = [(name, "CNAME", target) for target in cnames]
            for target in cnames:
                records += [(target, rtype, value) for value in self._values(target, rtype)]
            return Answer(NOERROR, records)
        own = self._values(name, rtype)
        if own:
            return Answer(NOERROR, [(name, rtype, value) for value in own])
        exists = any(owner == name or owner.endswith("." + name) for owner, _kind, _value in self.records)
        return Answer(NOERROR if exists or name == zone else NXDOMAIN, zone=zone)


def check(records, expected):
    """Check ``expected`` (``(name, type, value)`` tuples) against a FakeDNS holding ``records``."""
    fake = FakeDNS(records)
    items = [normalise_expected({"name": n, "type": t, "value": v}, i) for i, (n, t, v) in enumerate(expected)]
    results, summary, ok = Checker(fake).check_all(items)
    return results, summary, ok, fake.asked


def one(records, name, rtype, value):
    results, _summary, _ok, asked = check(records, [(name, rtype, value)])
    return results[0], asked


# -- found --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "published, expected",
    [
        (("em1.example.com", "CNAME", CNAME_TARGET), ("em1.example.com", "CNAME", CNAME_TARGET.upper() + ".")),
        (("mail.example.com", "TXT", SPF), ("mail.example.com", "TXT", SPF)),
        (("mail.example.com", "MX", "10 mx.sendgrid.net"), ("mail.example.com", "MX", "mx.sendgrid.net")),
        (("mail.example.com", "MX", "10 mx.sendgrid.net"), ("mail.example.com", "MX", "10 mx.sendgrid.net.")),
        (("o1.ptr1.example.com", "A", "192.0.2.10"), ("o1.ptr1.example.com", "A", "192.0.2.10")),
        (("o1.ptr1.example.com", "AAAA", "2001:db8::1"), ("o1.ptr1.example.com", "AAAA", "2001:DB8:0::1")),
        # A long DKIM key split into 255-character strings inside ONE record is correct.
        (("m1._domainkey.example.com", "TXT", (DKIM_KEY[:255], DKIM_KEY[255:])), ("m1._domainkey.example.com", "TXT", DKIM_KEY)),
    ],
)
def test_found(published, expected):
    result, asked = one([published], *expected)
    assert (result["status"], result["problem"]) == ("found", None), result
    assert result["found"][0]["name"] == published[0]
    assert asked == [(expected[0], expected[1])], "a found record costs exactly one query"


def test_found_txt_lists_its_strings():
    result, _asked = one([("m1._domainkey.example.com", "TXT", (DKIM_KEY[:255], DKIM_KEY[255:]))], "m1._domainkey.example.com", "TXT", DKIM_KEY)
    assert result["found"] == [
        {"name": "m1._domainkey.example.com", "type": "TXT", "value": DKIM_KEY, "strings": [DKIM_KEY[:255], DKIM_KEY[255:]]}
    ]


def test_other_txt_records_next_to_spf_are_fine():
    result, _asked = one([("example.com", "TXT", SPF), ("example.com", "TXT", "google-site-verification=abc")], "example.com", "TXT", SPF)
    assert result["status"] == "found"
    assert len(result["found"]) == 2


def test_expected_txt_given_as_quoted_strings_means_joined():
    result, _asked = one([("mail.example.com", "TXT", SPF)], "mail.example.com", "TXT", '"v=spf1 include:sendgrid.net" " ~all"')
    assert result["status"] == "found"
    assert result["value"] == SPF


def test_alias_whose_target_has_the_value_is_found():
    records = [("mail.example.com", "CNAME", "mail.example.org"), ("mail.example.org", "TXT", SPF)]
    result, _asked = one(records, "mail.example.com", "TXT", SPF)
    assert (result["status"], result["problem"]) == ("found", None)
    assert "CNAME to mail.example.org" in result["message"]


# -- missing / wrong value ----------------------------------------------------------------------


def test_missing_name_checks_the_doubled_name_once():
    result, asked = one([], "em1.example.com", "CNAME", CNAME_TARGET)
    assert (result["status"], result["problem"]) == ("missing", "missing")
    assert result["found"] == []
    assert "em1.example.com does not exist" in result["message"]
    assert asked == [("em1.example.com", "CNAME"), ("em1.example.com.example.com", "CNAME")]


def test_missing_type_at_existing_name():
    result, asked = one([("mail.example.com", "MX", "10 mx.sendgrid.net")], "mail.example.com", "TXT", SPF)
    assert (result["status"], result["problem"]) == ("missing", "missing")
    assert "has no TXT record" in result["message"]
    assert asked == [("mail.example.com", "TXT"), ("mail.example.com.example.com", "TXT")]


@pytest.mark.parametrize(
    "published, expected, shown",
    [
        (("em1.example.com", "CNAME", "u999.wl001.sendgrid.net"), ("em1.example.com", "CNAME", CNAME_TARGET), "points to u999.wl001.sendgrid.net"),
        (("mail.example.com", "TXT", "v=spf1 -all"), ("mail.example.com", "TXT", SPF), "'v=spf1 -all'"),
        (("mail.example.com", "MX", "10 mx.other.net"), ("mail.example.com", "MX", "mx.sendgrid.net"), "10 mx.other.net"),
        (("mail.example.com", "MX", "20 mx.sendgrid.net"), ("mail.example.com", "MX", "10 mx.sendgrid.net"), "20 mx.sendgrid.net"),
        (("o1.ptr1.example.com", "A", "192.0.2.99"), ("o1.ptr1.example.com", "A", "192.0.2.10"), "192.0.2.99"),
    ],
)
def test_wrong_value(published, expected, shown):
    result, _asked = one([published], *expected)
    assert (result["status"], result["problem"]) == ("wrong_value", "wrong_value")
    assert shown in result["message"]
    assert [item["value"] for item in result["found"]] == [published[2]]


# -- the named mistakes -------------------------------------------------------------------------


def test_zone_appended_twice_cname():
    result, asked = one([("em1.example.com.example.com", "CNAME", CNAME_TARGET)], "em1.example.com", "CNAME", CNAME_TARGET)
    assert (result["status"], result["problem"]) == ("missing", "zone_appended_twice")
    assert result["found"] == [{"name": "em1.example.com.example.com", "type": "CNAME", "value": CNAME_TARGET}]
    assert "em1.example.com.example.com" in result["message"]
    assert asked == [("em1.example.com", "CNAME"), ("em1.example.com.example.com", "CNAME")]


def test_zone_appended_twice_txt_uses_the_zone_from_the_soa():
    # example.org's zone is "example.org"; the name is three labels deep below it.
    records = [("s1._domainkey.mail.example.org.example.org", "TXT", DKIM_KEY)]
    result, asked = one(records, "s1._domainkey.mail.example.org", "TXT", DKIM_KEY)
    assert result["problem"] == "zone_appended_twice"
    assert asked[-1] == ("s1._domainkey.mail.example.org.example.org", "TXT")


def test_cname_flattened_to_a_records():
    records = [("em1.example.com", "A", "104.16.1.1"), ("em1.example.com", "A", "104.16.2.1")]
    result, asked = one(records, "em1.example.com", "CNAME", CNAME_TARGET)
    assert (result["status"], result["problem"]) == ("wrong_value", "cname_flattened")
    assert [item["value"] for item in result["found"]] == ["104.16.1.1", "104.16.2.1"]
    assert "proxied" in result["message"]
    assert asked == [("em1.example.com", "CNAME"), ("em1.example.com", "A")]


def test_cname_flattened_to_aaaa_only():
    result, asked = one([("em1.example.com", "AAAA", "2606:4700::1")], "em1.example.com", "CNAME", CNAME_TARGET)
    assert result["problem"] == "cname_flattened"
    assert result["found"] == [{"name": "em1.example.com", "type": "AAAA", "value": "2606:4700::1"}]
    assert asked == [("em1.example.com", "CNAME"), ("em1.example.com", "A"), ("em1.example.com", "AAAA")]


def test_txt_split_into_separate_records():
    records = [("m1._domainkey.example.com", "TXT", DKIM_KEY[200:]), ("m1._domainkey.example.com", "TXT", DKIM_KEY[:200])]
    result, _asked = one(records, "m1._domainkey.example.com", "TXT", DKIM_KEY)
    assert (result["status"], result["problem"]) == ("wrong_value", "txt_split")
    assert "2 separate TXT records" in result["message"]
    assert "adds or drops spaces" not in result["message"]


def test_txt_split_into_separate_records_that_also_lose_a_space():
    records = [("mail.example.com", "TXT", "v=spf1 include:sendgrid.net"), ("mail.example.com", "TXT", "~all")]
    result, _asked = one(records, "mail.example.com", "TXT", SPF)
    assert result["problem"] == "txt_split"
    assert "adds or drops spaces" in result["message"]


def test_txt_split_inside_one_record_that_changes_the_value():
    records = [("mail.example.com", "TXT", ("v=spf1 include:sendgrid.net", "~all"))]
    result, _asked = one(records, "mail.example.com", "TXT", SPF)
    assert (result["status"], result["problem"]) == ("wrong_value", "txt_split")
    assert "'v=spf1 include:sendgrid.net~all'" in result["message"]
    assert result["found"][0]["strings"] == ["v=spf1 include:sendgrid.net", "~all"]


def test_conflict_cname_where_a_txt_record_is_expected():
    records = [("mail.example.com", "CNAME", "elsewhere.example.org"), ("elsewhere.example.org", "TXT", "v=spf1 -all")]
    result, _asked = one(records, "mail.example.com", "TXT", SPF)
    assert (result["status"], result["problem"]) == ("wrong_value", "conflict")
    assert result["found"] == [
        {"name": "mail.example.com", "type": "CNAME", "value": "elsewhere.example.org"},
        {"name": "elsewhere.example.org", "type": "TXT", "value": "v=spf1 -all", "strings": ["v=spf1 -all"]},
    ]
    assert "cannot hold its own TXT record" in result["message"]


def test_conflict_cname_where_an_mx_record_is_expected():
    result, _asked = one([("mail.example.com", "CNAME", "elsewhere.example.net")], "mail.example.com", "MX", "mx.sendgrid.net")
    assert result["problem"] == "conflict"


def test_conflict_other_records_where_a_cname_is_expected():
    result, asked = one([("em1.example.com", "TXT", "hello")], "em1.example.com", "CNAME", CNAME_TARGET)
    assert (result["status"], result["problem"]) == ("wrong_value", "conflict")
    assert result["found"] == [{"name": "em1.example.com", "type": "TXT", "value": "hello", "strings": ["hello"]}]
    assert asked == [("em1.example.com", "CNAME"), ("em1.example.com", "A"), ("em1.example.com", "AAAA"), ("em1.example.com", "TXT"), ("em1.example.com", "MX")]


def test_conflict_two_cnames():
    records = [("em1.example.com", "CNAME", CNAME_TARGET), ("em1.example.com", "CNAME", "other.example.net")]
    result, _asked = one(records, "em1.example.com", "CNAME", CNAME_TARGET)
    assert (result["status"], result["problem"]) == ("wrong_value", "conflict")
    assert "2 different CNAME records" in result["message"]


def test_conflict_two_spf_records_even_with_the_right_one():
    records = [("mail.example.com", "TXT", SPF), ("mail.example.com", "TXT", "v=spf1 include:_spf.google.com ~all")]
    result, _asked = one(records, "mail.example.com", "TXT", SPF)
    assert (result["status"], result["problem"]) == ("wrong_value", "conflict")
    assert "2 SPF TXT records" in result["message"]


def test_conflict_two_dkim_records_without_the_right_one():
    records = [("m1._domainkey.example.com", "TXT", "k=rsa; p=AAAA"), ("m1._domainkey.example.com", "TXT", "k=rsa; p=BBBB")]
    result, _asked = one(records, "m1._domainkey.example.com", "TXT", DKIM_KEY)
    assert result["problem"] == "conflict"
    assert "2 DKIM TXT records" in result["message"]


def test_lookup_failed():
    fake = FakeDNS([], broken={"em1.example.com"})
    item = normalise_expected({"name": "em1.example.com", "type": "CNAME", "value": CNAME_TARGET}, 0)
    results, summary, ok = Checker(fake).check_all([item])
    assert (results[0]["status"], results[0]["problem"]) == ("error", "lookup_failed")
    assert "SERVFAIL" in results[0]["message"]
    assert ok is False
    assert summary["error"] == 1


def test_summary_ok_and_one_query_per_name_and_type():
    records = [
        ("em1.example.com", "CNAME", CNAME_TARGET),
        ("mail.example.com", "MX", "10 mx.sendgrid.net"),
        ("mail.example.com", "TXT", SPF),
    ]
    expected = [r[:2] + (r[2].split()[-1] if r[1] == "MX" else r[2],) for r in records]
    results, summary, ok, asked = check(records, expected + [expected[2]])
    assert ok is True
    assert summary == {"total": 4, "found": 4, "missing": 0, "wrong_value": 0, "error": 0, "problems": {}}
    assert len(asked) == len(set(asked)) == 3

    results, summary, ok, _asked = check(records[:1], expected)
    assert ok is False
    assert summary == {"total": 3, "found": 1, "missing": 2, "wrong_value": 0, "error": 0, "problems": {"missing": 2}}
    assert [r["status"] for r in results] == ["found", "missing", "missing"]


# -- input ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "item, message",
    [
        ({"name": "em1.example.com", "type": "SRV", "value": "x"}, "records[0].type must be one of"),
        ({"name": "em1", "type": "CNAME", "value": CNAME_TARGET}, "records[0].name must be a fully qualified"),
        ({"name": "em 1.example.com", "type": "CNAME", "value": CNAME_TARGET}, "records[0].name is not a valid DNS name"),
        ({"name": "o1.example.com", "type": "A", "value": "sendgrid.net"}, "records[0].value must be an IP address"),
        ({"name": "o1.example.com", "type": "A", "value": "2001:db8::1"}, "is not an IPv4 address"),
        ({"name": "mail.example.com", "type": "MX", "value": "10 20 mx"}, "records[0].value must be an MX exchange"),
        ({"name": "mail.example.com", "type": "TXT", "value": ""}, "records[0].value is required"),
    ],
)
def test_bad_input_names_the_option(item, message):
    with pytest.raises(CheckInputError) as info:
        normalise_expected(item, 0)
    assert message in str(info.value)


def test_underscore_names_are_valid():
    assert normalise_expected({"name": "_DMARC.Example.com.", "type": "txt", "value": "v=DMARC1; p=none"}, 0)["name"] == "_dmarc.example.com"


# -- dnspython glue -------------------------------------------------------------------------------


RESPONSE = """id 1
opcode QUERY
rcode NOERROR
flags QR AA
;QUESTION
mail.example.com. IN TXT
;ANSWER
mail.example.com. 60 IN CNAME Target.Example.org.
target.example.org. 60 IN TXT "v=spf1 include:sendgrid.net" " ~all"
target.example.org. 60 IN MX 10 MX.SendGrid.net.
;AUTHORITY
example.org. 60 IN SOA ns1.example.org. hostmaster.example.org. 1 60 60 600 60
"""


def test_answer_from_message():
    answer = answer_from_message(dns.message.from_text(RESPONSE), NOERROR)
    assert answer.records == [
        ("mail.example.com", "CNAME", "target.example.org"),
        ("target.example.org", "TXT", ("v=spf1 include:sendgrid.net", " ~all")),
        ("target.example.org", "MX", "10 mx.sendgrid.net"),
    ]
    assert answer.zone == "example.org"


class Raising:
    def __init__(self, exc):
        self.exc = exc
        self.asked = []

    def resolve(self, qname, rtype, raise_on_no_answer=True):
        self.asked.append((qname.to_text(), rtype, raise_on_no_answer))
        raise self.exc


def test_lookup_setup_with_nameservers():
    lookup = DNSPythonLookup(["192.0.2.53", "198.51.100.53"], port=5353, timeout=2)
    assert lookup.nameservers == ["192.0.2.53", "198.51.100.53"]
    assert lookup.port == 5353
    assert (lookup.resolver.timeout, lookup.resolver.lifetime) == (2, 4)
    assert lookup.resolver.edns == 0


@pytest.mark.parametrize(
    "exc, rcode, text",
    [
        (dns.resolver.NXDOMAIN(qnames=[dns.name.from_text("x.example.com.")], responses={}), NXDOMAIN, None),
        (dns.resolver.NoNameservers(), ERROR, "no nameserver gave a usable answer"),
        (dns.exception.Timeout(), ERROR, "no answer within 2"),
        (dns.resolver.YXDOMAIN(), ERROR, "YXDOMAIN"),
    ],
)
def test_lookup_errors(exc, rcode, text):
    lookup = DNSPythonLookup(["192.0.2.53"], timeout=2)
    raising = Raising(exc)
    lookup.resolver.resolve = raising.resolve
    answer = lookup("x.example.com", "TXT")
    assert answer.rcode == rcode
    assert (text or "") in (answer.error or "")
    assert raising.asked == [("x.example.com.", "TXT", False)], "absolute name, no NoAnswer exception"


def test_nxdomain_keeps_the_zone_of_the_soa():
    question = RESPONSE.replace("rcode NOERROR", "rcode NXDOMAIN").split(";ANSWER", maxsplit=1)[0]
    message = dns.message.from_text(question + ";AUTHORITY\n" + RESPONSE.split(";AUTHORITY\n", maxsplit=1)[1])
    qname = dns.name.from_text("mail.example.com.")
    lookup = DNSPythonLookup(["192.0.2.53"])
    lookup.resolver.resolve = Raising(dns.resolver.NXDOMAIN(qnames=[qname], responses={qname: message})).resolve
    answer = lookup("mail.example.com", "TXT")
    assert (answer.rcode, answer.zone, answer.records) == (NXDOMAIN, "example.org", [])


# -- the module -----------------------------------------------------------------------------------


@pytest.fixture
def fake_dns(monkeypatch):
    """Replace the real resolver by a FakeDNS; ``fake_dns.made`` records how the module set it up."""
    state = {"records": [], "made": []}

    def factory(nameservers, port, timeout):
        fake = FakeDNS(state["records"])
        fake.nameservers = list(nameservers) or ["10.0.0.2"]
        fake.port = port if nameservers else 53
        state["made"].append((list(nameservers), port, timeout))
        state["fake"] = fake
        return fake

    monkeypatch.setattr(module, "DNSPythonLookup", factory)
    return state


WRONG_RECORDS = [
    ("em1.example.com.example.com", "CNAME", CNAME_TARGET),
    ("s1._domainkey.example.com", "A", "104.16.1.1"),
    ("mail.example.com", "TXT", ("v=spf1 include:sendgrid.net", "~all")),
    ("url1.example.com", "CNAME", "sendgrid.net"),
]
EXPECTED = [
    {"name": "em1.example.com", "type": "CNAME", "value": CNAME_TARGET},
    {"name": "s1._domainkey.example.com", "type": "CNAME", "value": "s1.domainkey." + CNAME_TARGET},
    {"name": "mail.example.com", "type": "TXT", "value": SPF},
    {"name": "url1.example.com", "type": "CNAME", "value": "sendgrid.net"},
]


@pytest.mark.parametrize("check_mode", [False, True])
def test_module_reports_and_never_changes(run, fake_dns, check_mode):
    fake_dns["records"] = WRONG_RECORDS
    result = run(module, {"records": EXPECTED, "nameservers": ["127.0.0.1"], "port": 5300, "timeout": 1.5}, [], check_mode=check_mode)
    assert result["_requests"] == [], "sendgrid_dns_check never talks to SendGrid"
    assert result["changed"] is False
    assert result.get("failed") is not True
    assert result["ok"] is False
    assert [(r["status"], r["problem"]) for r in result["records"]] == [
        ("missing", "zone_appended_twice"),
        ("wrong_value", "cname_flattened"),
        ("wrong_value", "txt_split"),
        ("found", None),
    ]
    assert result["summary"] == {
        "total": 4,
        "found": 1,
        "missing": 1,
        "wrong_value": 2,
        "error": 0,
        "problems": {"zone_appended_twice": 1, "cname_flattened": 1, "txt_split": 1},
    }
    assert fake_dns["made"] == [(["127.0.0.1"], 5300, 1.5)]
    assert (result["nameservers"], result["port"]) == (["127.0.0.1"], 5300)


def test_module_fail_on_mismatch(run, fake_dns):
    fake_dns["records"] = WRONG_RECORDS
    result = run(module, {"records": EXPECTED, "fail_on_mismatch": True}, [])
    assert result["failed"] is True
    assert result["msg"].startswith("3 of 4 DNS records are not published as expected: CNAME em1.example.com: zone_appended_twice (")
    assert len(result["records"]) == 4
    assert result["changed"] is False
    assert fake_dns["made"] == [([], 53, 5)], "system resolver, default port and timeout"


def test_module_fail_on_mismatch_passes_when_all_found(run, fake_dns):
    fake_dns["records"] = [("url1.example.com", "CNAME", "sendgrid.net")]
    result = run(module, {"records": EXPECTED[3:], "fail_on_mismatch": True, "api_key": None}, [])
    assert result.get("failed") is not True
    assert result["ok"] is True
    assert result["records"][0]["message"] == "CNAME url1.example.com -> sendgrid.net is published"


def test_module_accepts_and_ignores_the_connection_options(run, fake_dns):
    args = {
        "records": [],
        "api_url": "https://api.eu.sendgrid.com",
        "data_residency": "eu",
        "on_behalf_of": "sub",
        "validate_certs": False,
        "rate_limit_timeout": 1,
    }
    result = run(module, args, [])
    assert result["ok"] is True
    assert result["records"] == []
    assert result["summary"]["total"] == 0


@pytest.mark.parametrize(
    "args, message",
    [
        ({"nameservers": ["ns1.example.com"]}, "nameservers must hold IP addresses, got 'ns1.example.com'"),
        ({"port": 0}, "port must be between 1 and 65535"),
        ({"timeout": 0}, "timeout must be a finite number of seconds, more than 0"),
        ({"timeout": float("nan")}, "timeout must be a finite number of seconds"),
        ({"records": [{"name": "o1.example.com", "type": "A", "value": "x"}]}, "records[0].value must be an IP address"),
        ({"records": [{"name": "o1.example.com", "type": "cname", "value": "x"}]}, "records"),
    ],
)
def test_module_input_errors_before_any_query(run, fake_dns, args, message):
    args = dict({"records": EXPECTED[:1]}, **args)
    result = run(module, args, [])
    assert result["failed"] is True
    assert message in result["msg"]
    assert fake_dns["made"] == [], "no resolver, no query"


def test_module_without_dnspython(run, monkeypatch):
    monkeypatch.setattr(module, "HAS_DNSPYTHON", False)
    monkeypatch.setattr(module, "DNSPYTHON_IMPORT_ERROR", ImportError("No module named 'dns'"))
    result = run(module, {"records": EXPECTED}, [])
    assert result["failed"] is True
    assert "dnspython" in result["msg"]


def test_module_api_key_never_in_the_result(run, fake_dns):
    fake_dns["records"] = WRONG_RECORDS
    result = run(module, {"records": EXPECTED, "api_key": "SG.secret-key-value", "fail_on_mismatch": True}, [])
    assert "SG.secret-key-value" not in repr({k: v for k, v in result.items() if not k.startswith("_")})


def test_private_module_says_so():
    assert "PRIVATE" in _dns_check.__doc__


def test_a_null_value_through_the_argument_spec_is_pending_not_required(requests_mock, monkeypatch):
    # ansible-core turns null into "" for a str option; the value option is raw so that check mode's nulls stay null.
    from tests.unit.plugins.modules.utils import run_module

    records = [{"name": "em1.example.com", "type": "CNAME", "value": None}]
    result = run_module(module, {"records": records, "nameservers": ["127.0.0.1"]}, [], requests_mock=requests_mock, monkeypatch=monkeypatch)
    assert "failed" not in result, result.get("msg")
    assert result["pending"] == records and result["ok"] is True and result["records"] == []
