# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible_collections.mailops.sendgrid.plugins.module_utils._compare import missing_items
from ansible_collections.mailops.sendgrid.plugins.module_utils._errors import InputError
from ansible_collections.mailops.sendgrid.plugins.module_utils._records import normalise_dns_records
from ansible_collections.mailops.sendgrid.plugins.module_utils._validation import normalise_validation, wait_for_validation
from ansible_collections.mailops.sendgrid.plugins.module_utils._validators import validate_domain, validate_ipv4, validate_length, validate_subdomain


@pytest.mark.parametrize("value", ["256.1.1.1", "1.2.3", "::1", "2001:db8::1", "", " ", "1.2.3.4.5", "a.b.c.d", None, 12])
def test_bad_ipv4_names_the_option(value):
    with pytest.raises(InputError, match="^ip must be an IPv4 address"):
        validate_ipv4(value, "ip")


def test_ipv4_is_canonical():
    assert validate_ipv4(" 192.0.2.1 ", "ip") == "192.0.2.1"


@pytest.mark.parametrize(
    "value",
    [
        "exa mple.com",
        "example..com",
        "example.com/x",
        "-bad.example.com",
        "bad-.example.com",
        "a" * 64 + ".com",
        ".".join(["a" * 50] * 6),
        "com",
        "",
        "ex_ample.com",
    ],
)
def test_bad_domains_name_the_option(value):
    with pytest.raises(InputError, match="^domain "):
        validate_domain(value, "domain")


def test_domain_is_normalised():
    assert validate_domain("Mail.Example.COM.", "domain") == "mail.example.com"


def test_subdomain_may_be_one_label():
    assert validate_subdomain("em", "subdomain") == "em"
    with pytest.raises(InputError, match="^subdomain "):
        validate_subdomain("e m", "subdomain")


def test_length():
    assert validate_length("x" * 64, "name", 64) == "x" * 64
    with pytest.raises(InputError, match="name must be 1 to 64 characters long, got 65"):
        validate_length("x" * 65, "name", 64)
    with pytest.raises(InputError, match="got 0"):
        validate_length("", "name", 64)


def test_missing_items_keeps_order_without_duplicates():
    assert missing_items(["b"], ["c", "a", "b", "c"]) == ["c", "a"]


def test_dns_records_are_normalised_in_api_order():
    dns = {
        "mail_cname": {"valid": False, "type": "cname", "host": "em1.Example.com.", "data": "u1.wl1.sendgrid.net"},
        "dkim1": {"valid": False, "type": "cname", "host": "s1._domainkey.example.com", "data": "s1.domainkey.u1.wl1.sendgrid.net"},
    }
    assert normalise_dns_records(dns) == [
        {"name": "em1.example.com", "type": "CNAME", "value": "u1.wl1.sendgrid.net"},
        {"name": "s1._domainkey.example.com", "type": "CNAME", "value": "s1.domainkey.u1.wl1.sendgrid.net"},
    ]


def test_validation_is_normalised():
    answer = {"id": 1, "valid": False, "validation_results": {"a_record": {"valid": False, "reason": "no A record"}}}
    assert normalise_validation(answer) == {"valid": False, "results": {"a_record": {"valid": False, "reason": "no A record"}}}


def test_wait_for_validation_stops_when_valid():
    answers = iter([{"valid": False, "results": {}}, {"valid": True, "results": {}}])
    slept = []
    validation, attempts = wait_for_validation(lambda: next(answers), timeout=60, delay=5, sleep=slept.append, clock=lambda: 0)
    assert validation["valid"] is True and attempts == 2 and slept == [5]


def test_wait_for_validation_respects_timeout():
    now = [0.0]

    def sleep(seconds):
        now[0] += seconds

    validation, attempts = wait_for_validation(lambda: {"valid": False, "results": {}}, timeout=12, delay=5, sleep=sleep, clock=lambda: now[0])
    assert validation["valid"] is False
    assert attempts == 3
    assert now[0] == 10


def test_an_internationalized_domain_is_used_in_its_ascii_form_with_a_note():
    from ansible_collections.mailops.sendgrid.plugins.module_utils import _validators

    del _validators.NOTES[:]
    assert _validators.validate_domain("Bücher.Example", "domain") == "xn--bcher-kva.example"
    assert _validators.NOTES == ["domain 'Bücher.Example' is an internationalized name: used in its ASCII form xn--bcher-kva.example, "
                                 "as DNS and SendGrid need it"]
    del _validators.NOTES[:]
