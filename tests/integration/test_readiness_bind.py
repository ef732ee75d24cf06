# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""sendgrid_readiness (issue 18, part 3) by real ansible-playbook against a real BIND 9 that serves the sender's zones,
a stand-in for SendGrid's own zone (sendgrid.net: the CNAME targets with SPF and the DKIM keys) and the IPs' reverse
zone. One sender is right; each of the others breaks one rule once, the way it goes wrong in real zones.
"""

from __future__ import annotations

import pytest

from tests.integration.bind import BindUnavailable, skip_or_fail, start_bind
from tests.tools.dkim_keys import dkim_record, real_spki, spki_of_size

ZONES = ("example.com", "example.org", "sendgrid.net", "2.0.192.in-addr.arpa")
SPF_SG = "v=spf1 ip4:167.89.0.0/17 include:sendgrid.net ~all"


def rec(name, rtype, value):
    return {"name": name, "type": rtype, "value": value}


def key(bits):
    return dkim_record(real_spki(bits) or spki_of_size(bits))


def sender(domain, user, **overrides):
    """The records SendGrid's automated security asks for (return path em.<domain>, s1/s2 DKIM CNAMEs, a link host,
    DMARC), each replaceable by an override keyed by its role."""
    records = {
        "return_path": [rec("em.%s" % domain, "CNAME", "%s.wl.sendgrid.net" % user)],
        "s1": [rec("s1._domainkey.%s" % domain, "CNAME", "s1.domainkey.%s.wl.sendgrid.net" % user)],
        "s2": [rec("s2._domainkey.%s" % domain, "CNAME", "s2.domainkey.%s.wl.sendgrid.net" % user)],
        "link": [rec("url.%s" % domain, "CNAME", "sendgrid.net")],
        "dmarc": [rec("_dmarc.%s" % domain, "TXT", "v=DMARC1; p=none; rua=mailto:dmarc@%s" % domain)],
    }
    records.update(overrides)
    return [item for items in records.values() for item in items]


SENDGRID_SIDE = [
    rec("sendgrid.net", "TXT", "v=spf1 ip4:208.117.48.0/20 ~all"),
    rec("sendgrid.net", "A", "167.89.118.35"),
    rec("u1.wl.sendgrid.net", "TXT", SPF_SG),
    rec("s1.domainkey.u1.wl.sendgrid.net", "TXT", key(2048)),
    rec("s2.domainkey.u1.wl.sendgrid.net", "TXT", key(2048)),
    # a user whose keys are weak: one below what Gmail takes, one below what it recommends
    rec("u2.wl.sendgrid.net", "TXT", SPF_SG),
    rec("s1.domainkey.u2.wl.sendgrid.net", "TXT", dkim_record(spki_of_size(512))),
    rec("s2.domainkey.u2.wl.sendgrid.net", "TXT", key(1024)),
]
REVERSE = [
    rec("10.2.0.192.in-addr.arpa", "PTR", "o1.email.good.example.com."),
    rec("o1.email.good.example.com", "A", "192.0.2.10"),
    rec("11.2.0.192.in-addr.arpa", "PTR", "o1.email.rdns.example.com."),
    rec("o1.email.rdns.example.com", "A", "192.0.2.99"),  # the PTR's name points elsewhere: not forward-confirmed
]
TOO_MANY_LOOKUPS = "v=spf1 " + " ".join("include:inc%d.example.com" % n for n in range(4)) + " include:sendgrid.net ~all"
PUBLISHED = (
    SENDGRID_SIDE + REVERSE
    + [rec("inc%d.example.com" % n, "TXT", "v=spf1 a mx ~all") for n in range(4)]
    + sender("good.example.com", "u1")
    + sender("twospf.example.com", "u1", return_path=[rec("em.twospf.example.com", "TXT", SPF_SG),
                                                      rec("em.twospf.example.com", "TXT", "v=spf1 include:_spf.google.com ~all")])
    + sender("lookups.example.com", "u1", return_path=[rec("em.lookups.example.com", "TXT", TOO_MANY_LOOKUPS)])
    + sender("nodkim.example.com", "u1", s2=[])  # the s2 CNAME never published
    + sender("weak.example.com", "u2")
    + sender("nodmarc.example.org", "u1", dmarc=[])
    + sender("strict.example.com", "u1", s1=[], s2=[],
             dmarc=[rec("_dmarc.strict.example.com", "TXT", "v=DMARC1; p=reject; aspf=s; adkim=s")])
    + sender("rdns.example.com", "u1")
    + sender("deadlink.example.com", "u1", link=[rec("url.deadlink.example.com", "CNAME", "u404.ct.sendgrid.net")])
)

SENDERS = [
    # (domain, ips, the findings expected as (rule, status, name))
    ("good.example.com", [{"ip": "192.0.2.10", "rdns": "o1.email.good.example.com"}], []),
    ("twospf.example.com", [], [("spf", "error", "em.twospf.example.com")]),
    ("lookups.example.com", [], [("spf", "error", "em.lookups.example.com")]),
    ("nodkim.example.com", [], [("dkim", "error", "s2._domainkey.nodkim.example.com")]),
    ("weak.example.com", [], [("dkim", "error", "s1._domainkey.weak.example.com"), ("dkim", "warning", "s2._domainkey.weak.example.com")]),
    ("nodmarc.example.org", [], [("dmarc", "error", "_dmarc.nodmarc.example.org")]),
    ("strict.example.com", [], [("dkim", "error", "s1._domainkey.strict.example.com"), ("dkim", "error", "s2._domainkey.strict.example.com"),
                                ("alignment", "error", "strict.example.com")]),
    ("rdns.example.com", [{"ip": "192.0.2.11", "rdns": "o1.email.rdns.example.com"}], [("reverse_dns", "error", "192.0.2.11")]),
    ("deadlink.example.com", [], [("link", "error", "url.deadlink.example.com")]),
]

PLAY = """
- name: readiness
  mailops.sendgrid.sendgrid_readiness:
    domain: "{{ item.domain }}"
    return_path: "em.{{ item.domain }}"
    link_host: "url.{{ item.domain }}"
    ips: "{{ item.ips }}"
    nameservers: ["{{ ns }}"]
    port: "{{ port }}"
    timeout: 3
  loop: "{{ senders }}"
  loop_control:
    label: "{{ item.domain }}"
"""


@pytest.fixture(scope="module")
def zones(tmp_path_factory):
    try:
        server = start_bind(zones=ZONES, workdir=tmp_path_factory.mktemp("bind"))
    except BindUnavailable as exc:
        skip_or_fail(exc)
    try:
        server.update(add=PUBLISHED)
        yield server
    finally:
        server.stop()


def found(result):
    return [(item["rule"], item["status"], item["name"]) for item in result["findings"]]


def test_each_rule_fails_once_against_real_zones(zones, playbook, simulator):
    senders = [{"domain": domain, "ips": ips} for domain, ips, _expected in SENDERS]
    run = playbook(PLAY, extra_vars={"senders": senders, "ns": zones.host, "port": zones.port}, check=True)
    assert run.rc == 0, run.stdout + run.stderr
    assert run.changed == [] and run.failed == []
    results = {item["item"]["domain"]: item for item in run.task("readiness")["results"]}
    for domain, _ips, expected in SENDERS:
        result = results[domain]
        assert found(result) == expected, (domain, result["findings"])
        assert result["ready"] is not any(status == "error" for _rule, status, _name in expected), domain
        for finding in result["findings"]:
            assert finding["requirement"] and finding["bounce"], finding

    good = results["good.example.com"]
    assert good["aligned"] == {"spf": True, "dkim": True}
    by_rule = {}
    for check in good["checks"]:
        by_rule.setdefault(check["rule"], check)  # the first of each rule (s1 of the two DKIM checks)
    assert by_rule["spf"]["via"] == ["u1.wl.sendgrid.net"] and by_rule["spf"]["lookups"] == 1
    assert by_rule["dkim"]["bits"] == 2048 and by_rule["dkim"]["via"] == ["s1.domainkey.u1.wl.sendgrid.net"]
    assert by_rule["reverse_dns"]["message"] == "192.0.2.10 -> o1.email.good.example.com -> 192.0.2.10"
    assert by_rule["link"]["message"] == "resolves to 167.89.118.35"

    lookups = results["lookups.example.com"]["findings"][0]
    assert lookups["lookups"] == 13 and "5.7.27" in lookups["bounce"]
    weak = results["weak.example.com"]["findings"]
    assert weak[0]["bits"] == 512 and weak[1]["bits"] == 1024
    strict = results["strict.example.com"]
    assert strict["aligned"] == {"spf": False, "dkim": False}
    assert "aspf=s" in strict["findings"][-1]["message"]
    assert "192.0.2.99" in results["rdns.example.com"]["findings"][0]["message"]
    assert "no such name" in results["deadlink.example.com"]["findings"][0]["message"]
    assert simulator.requests() == [], "sendgrid_readiness never talks to SendGrid"


def test_fail_on_findings_fails_the_task_naming_each_error(zones, playbook):
    text = PLAY.replace("    timeout: 3\n", "    timeout: 3\n    fail_on_findings: true\n") + "  ignore_errors: true\n"
    senders = [{"domain": "good.example.com", "ips": []}, {"domain": "nodmarc.example.org", "ips": []}]
    run = playbook(text, extra_vars={"senders": senders, "ns": zones.host, "port": zones.port})
    results = run.task("readiness")["results"]
    assert [item.get("failed", False) for item in results] == [False, True]
    assert results[1]["msg"].startswith("nodmarc.example.org is not ready for bulk mail: dmarc: no DMARC record applies")


# -- the role, end to end: publish with nsupdate, validate, then the readiness check ------------------------------

ROLE_DOMAIN = "role.example.com"
ROLE_IPS = ("192.0.2.20", "192.0.2.21")
PARENT_TARGET = "u1446440.wl001.sendgrid.net"  # the simulator's parent account


@pytest.fixture
def role_simulator(zones):
    """SendGrid's side of the sender: the keys and SPF behind the simulator's CNAME targets, and the PTRs SendGrid sets
    for its IPs, then a simulator that validates against this BIND."""
    from tests.simulator.control import start_simulator

    zones.update(replace=[
        rec(PARENT_TARGET, "TXT", SPF_SG),
        rec("s1.domainkey." + PARENT_TARGET, "TXT", key(2048)),
        rec("s2.domainkey." + PARENT_TARGET, "TXT", key(2048)),
        rec("20.2.0.192.in-addr.arpa", "PTR", "o1.email.%s." % ROLE_DOMAIN),
        rec("21.2.0.192.in-addr.arpa", "PTR", "o2.email.%s." % ROLE_DOMAIN),
    ])
    with start_simulator(api_key="SG.readiness-role-key", dns_server="%s:%d" % (zones.host, zones.port)) as sim:
        sim.set_dialect({})
        sim.add_ips(ROLE_IPS)
        yield sim


def test_the_role_ends_with_a_sender_ready_for_bulk_mail(zones, role_simulator, playbook, tmp_path):
    from tests.support.sender_setup import SETUP, ok, role_results, summary

    sim = role_simulator
    variables = {
        "sender_setup_domain": ROLE_DOMAIN,
        "sender_setup_subdomain": "em",
        "sender_setup_link_subdomain": "links",
        "sender_setup_ips": list(ROLE_IPS),
        "sender_setup_ip_pool": "readiness-pool",
        "sender_setup_dmarc": True,
        **zones.nsupdate_vars(),
        "sender_setup_dns_ttl": 60,
        "sender_setup_dns_check_nameservers": [zones.host],
        "sender_setup_dns_check_port": zones.port,
        "sender_setup_validate_timeout": 10,
        "sender_setup_validate_delay": 0.2,
        "sender_setup_readiness": True,
        "sender_setup_readiness_fail": True,
    }
    env = {"SENDGRID_API_URL": sim.base_url, "SENDGRID_API_KEY": sim.api_key}
    run = ok(playbook(SETUP, extra_vars=variables, env=env))
    # The sender is not a zone apex: nsupdate found the zone example.com from the SOA records, for every name.
    (publish,) = role_results(run, "Publish the records into the zone with a dynamic update (merged with what is there)")
    assert set(publish["result"]["zones"].values()) == {"example.com"} and "em." + ROLE_DOMAIN in publish["result"]["zones"]
    (result,) = role_results(run, "Check the sender's readiness for bulk mail (Gmail, Yahoo, Microsoft)")
    readiness = result["result"]
    assert readiness["ready"] is True and readiness["findings"] == [], readiness["findings"]
    assert [(c["rule"], c["name"]) for c in readiness["checks"]] == [
        ("spf", "em." + ROLE_DOMAIN), ("dkim", "s1._domainkey." + ROLE_DOMAIN), ("dkim", "s2._domainkey." + ROLE_DOMAIN),
        ("dmarc", "_dmarc." + ROLE_DOMAIN), ("alignment", ROLE_DOMAIN), ("reverse_dns", ROLE_IPS[0]), ("reverse_dns", ROLE_IPS[1]),
        ("link", "links." + ROLE_DOMAIN),
    ]
    assert summary(run)[-1] == "Bulk mail       ready for Gmail, Yahoo and Microsoft (8 of 8 checks passed)"

    # The owner of SendGrid's side revokes a key: the role fails the host, naming the rule and the bounce code.
    zones.update(replace=[rec("s2.domainkey." + PARENT_TARGET, "TXT", "v=DKIM1; p=")])
    failed = playbook(SETUP, extra_vars=variables, env=env)
    assert failed.rc != 0
    assert "dkim: the DKIM key at s2._domainkey.%s is not usable: the key is revoked" % ROLE_DOMAIN in failed.stdout, failed.stdout[-3000:]
