# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""sendgrid_dns_check, run by real ansible-playbook against a real BIND 9 serving deliberately wrong records.

The records are published the way a DNS console does it: RFC 2136 updates signed with TSIG. The
conflicting CNAME + TXT is sent as such, and named drops the TXT ("attempt to add non-CNAME alongside
CNAME ignored") exactly as a DNS provider refuses it; the test asserts that too, so the scenario is real.
"""

from __future__ import annotations

import pytest

from tests.integration import bind

# A pytest fixture (module scope): importing it is what makes it available to the tests below.
from tests.integration.bind import bind_server  # noqa: F401  # pylint: disable=unused-import

TARGET = "u1446440.wl001.sendgrid.net"
SPF = "v=spf1 include:sendgrid.net ~all"
DKIM = "k=rsa; t=s; p=" + "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC" * 10 + "IDAQAB"  # > 255: several strings in one record


def rec(name, rtype, value):
    return {"name": name, "type": rtype, "value": value}


# What the zones hold after the updates (what the user typed into the DNS console).
PUBLISHED = [
    # right
    rec("em100.example.com", "CNAME", TARGET),
    rec("s1._domainkey.example.com", "CNAME", "s1.domainkey." + TARGET),
    rec("m1._domainkey.example.org", "TXT", DKIM),  # bind.py splits it into 255-byte strings of ONE record
    rec("mail.example.org", "MX", "10 mx.sendgrid.net"),
    rec("mail.example.org", "TXT", SPF),
    rec("o1.ptr1.example.com", "A", "192.0.2.10"),
    # the zone appended twice: "em200.example.com" typed into the example.com zone
    rec("em200.example.com.example.com", "CNAME", TARGET),
    # a CNAME published as A records (proxy on)
    rec("s2._domainkey.example.com", "A", "104.16.1.1"),
    rec("s2._domainkey.example.com", "A", "104.16.2.1"),
    # a TXT split in two strings that drops the space before ~all
    rec("mail.example.com", "TXT", ["v=spf1 include:sendgrid.net", "~all"]),
    # a long DKIM value published as two separate TXT records
    rec("m2._domainkey.example.com", "TXT", DKIM[:200]),
    rec("m2._domainkey.example.com", "TXT", DKIM[200:]),
    # a CNAME and a TXT at the same name: named keeps the CNAME and drops the TXT
    rec("bounce.example.com", "CNAME", "elsewhere.example.com"),
    rec("bounce.example.com", "TXT", SPF),
    rec("elsewhere.example.com", "TXT", "v=spf1 -all"),
    # ... and the other way round: a TXT first, then the CNAME (dropped)
    rec("url200.example.com", "TXT", "google-site-verification=abc"),
    rec("url200.example.com", "CNAME", "sendgrid.net"),
    # two SPF records at one name
    rec("spf2.example.org", "TXT", SPF),
    rec("spf2.example.org", "TXT", "v=spf1 include:_spf.google.com ~all"),
    # a wrong value
    rec("url100.example.com", "CNAME", "u999.wl001.sendgrid.net"),
]

# What SendGrid asks for, and what the check must say about each.
EXPECTED = [
    (rec("em100.example.com", "CNAME", TARGET), "found", None),
    (rec("s1._domainkey.example.com", "CNAME", "s1.domainkey." + TARGET), "found", None),
    (rec("m1._domainkey.example.org", "TXT", DKIM), "found", None),
    (rec("mail.example.org", "MX", "mx.sendgrid.net"), "found", None),
    (rec("mail.example.org", "TXT", SPF), "found", None),
    (rec("o1.ptr1.example.com", "A", "192.0.2.10"), "found", None),
    (rec("em200.example.com", "CNAME", TARGET), "missing", "zone_appended_twice"),
    (rec("s2._domainkey.example.com", "CNAME", "s2.domainkey." + TARGET), "wrong_value", "cname_flattened"),
    (rec("mail.example.com", "TXT", SPF), "wrong_value", "txt_split"),
    (rec("m2._domainkey.example.com", "TXT", DKIM), "wrong_value", "txt_split"),
    (rec("bounce.example.com", "TXT", SPF), "wrong_value", "conflict"),
    (rec("url200.example.com", "CNAME", "sendgrid.net"), "wrong_value", "conflict"),
    (rec("spf2.example.org", "TXT", SPF), "wrong_value", "conflict"),
    (rec("url100.example.com", "CNAME", "sendgrid.net"), "wrong_value", "wrong_value"),
    (rec("em300.example.com", "CNAME", TARGET), "missing", "missing"),
]
RECORDS = [item for item, _status, _problem in EXPECTED]
RIGHT = [item for item, status, _problem in EXPECTED if status == "found"]

CHECK = """
- name: check
  mailops.sendgrid.sendgrid_dns_check:
    records: "{{ records }}"
    nameservers: ["{{ ns }}"]
    port: "{{ port }}"
    timeout: 3
"""


@pytest.fixture(scope="module")
def zones(bind_server):  # noqa: F811  (the imported fixture)
    for item in PUBLISHED:
        bind_server.update(add=[item])  # one update each, in this order: the conflicts depend on it
    # named really dropped the second record of each CNAME conflict, as a DNS provider would.
    assert bind_server.query("bounce.example.com", "TXT") == [
        ("bounce.example.com", "CNAME", "elsewhere.example.com."),
        ("elsewhere.example.com", "TXT", '"v=spf1 -all"'),  # the alias target's TXT, not bounce's own
    ]
    assert bind_server.query("url200.example.com", "CNAME") == []
    assert bind_server.query("url200.example.com", "TXT") == [("url200.example.com", "TXT", '"google-site-verification=abc"')]
    assert len(bind_server.query("m1._domainkey.example.org", "TXT")) == 1
    return bind_server


def variables(server, records):
    return {"records": records, "ns": server.host, "port": server.port}


def assert_detected(result):
    got = [(item["name"], item["type"], item["status"], item["problem"]) for item in result["records"]]
    want = [(item["name"], item["type"], status, problem) for item, status, problem in EXPECTED]
    assert got == want
    assert result["ok"] is False
    assert result["changed"] is False
    assert result["summary"] == {
        "total": 15,
        "found": 6,
        "missing": 2,
        "wrong_value": 7,
        "error": 0,
        "problems": {"zone_appended_twice": 1, "cname_flattened": 1, "txt_split": 2, "conflict": 3, "wrong_value": 1, "missing": 1},
    }
    by_name = {(item["name"], item["type"]): item for item in result["records"]}
    assert by_name["em200.example.com", "CNAME"]["found"] == [{"name": "em200.example.com.example.com", "type": "CNAME", "value": TARGET}]
    assert sorted(item["value"] for item in by_name["s2._domainkey.example.com", "CNAME"]["found"]) == ["104.16.1.1", "104.16.2.1"]
    assert by_name["mail.example.com", "TXT"]["found"][0]["strings"] == ["v=spf1 include:sendgrid.net", "~all"]
    assert "v=spf1 include:sendgrid.net~all" in by_name["mail.example.com", "TXT"]["message"]
    assert "2 separate TXT records" in by_name["m2._domainkey.example.com", "TXT"]["message"]
    assert [(f["type"], f["value"]) for f in by_name["bounce.example.com", "TXT"]["found"]] == [
        ("CNAME", "elsewhere.example.com"),
        ("TXT", "v=spf1 -all"),
    ]
    assert "holds TXT records" in by_name["url200.example.com", "CNAME"]["message"]
    assert "2 SPF TXT records" in by_name["spf2.example.org", "TXT"]["message"]
    assert by_name["url100.example.com", "CNAME"]["found"][0]["value"] == "u999.wl001.sendgrid.net"
    assert by_name["m1._domainkey.example.org", "TXT"]["found"][0]["strings"] == [DKIM[:255], DKIM[255:]]
    assert result["nameservers"] == ["127.0.0.1"]


def test_every_mistake_is_named(zones, playbook, simulator):
    run = playbook(CHECK, extra_vars=variables(zones, RECORDS))
    assert run.rc == 0, run.stdout + run.stderr
    assert run.failed == [] and run.changed == []
    result = run.task("check")
    assert_detected(result)
    assert result["port"] == zones.port

    # Check mode reads the same and reports the same.
    checked = playbook(CHECK, extra_vars=variables(zones, RECORDS), check=True, diff=True)
    assert checked.rc == 0, checked.stdout + checked.stderr
    assert_detected(checked.task("check"))
    assert checked.changed == []

    assert simulator.requests() == [], "sendgrid_dns_check never talks to SendGrid"


def test_fail_on_mismatch_and_module_defaults_of_the_group(zones, playbook, simulator):
    text = """
    - name: play
      hosts: localhost
      gather_facts: false
      module_defaults:
        group/mailops.sendgrid.sendgrid:
          api_key: SG.ignored-by-dns-check
          timeout: 3
          validate_certs: true
      tasks:
        - name: right records pass with fail_on_mismatch
          mailops.sendgrid.sendgrid_dns_check:
            records: "{{ right }}"
            nameservers: ["{{ ns }}"]
            port: "{{ port }}"
            fail_on_mismatch: true
        - name: wrong records fail with fail_on_mismatch
          mailops.sendgrid.sendgrid_dns_check:
            records: "{{ records }}"
            nameservers: ["{{ ns }}"]
            port: "{{ port }}"
            fail_on_mismatch: true
          ignore_errors: true
    """
    run = playbook(text, extra_vars=dict(variables(zones, RECORDS), right=RIGHT))
    passed = run.task("right records pass with fail_on_mismatch")
    assert passed["ok"] is True and passed["summary"]["found"] == len(RIGHT), run.stdout + run.stderr
    assert passed["changed"] is False
    assert run.failed == ["wrong records fail with fail_on_mismatch"]
    failed = run.task("wrong records fail with fail_on_mismatch")
    assert failed["msg"].startswith("9 of 15 DNS records are not published as expected: CNAME em200.example.com: zone_appended_twice")
    assert_detected(failed)
    assert "SG.ignored-by-dns-check" not in run.stdout + run.stderr
    assert simulator.requests() == []


def test_unreachable_nameserver_is_an_error_not_missing(playbook, simulator):
    # A closed port: nothing answers, every record is "error", never "missing".
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        run = playbook(CHECK.replace("timeout: 3", "timeout: 0.5"), extra_vars={"records": RIGHT[:1], "ns": "127.0.0.1", "port": port})
    result = run.task("check")
    assert run.rc == 0, run.stdout + run.stderr
    assert [(r["status"], r["problem"]) for r in result["records"]] == [("error", "lookup_failed")]
    assert result["ok"] is False


# -- the fixture's policy when named is missing ---------------------------------------------------


@pytest.fixture
def no_named(monkeypatch):
    """No named anywhere, and whatever runs as a subprocess recorded (the fixture must not install anything)."""
    commands = []
    monkeypatch.setattr(bind, "find_named", lambda: None)
    monkeypatch.setattr(bind.subprocess, "run", lambda command, *args, **kwargs: commands.append(command))
    monkeypatch.delenv("CI", raising=False)
    return commands


@pytest.mark.parametrize("env", [{}, {"MAILOPS_INSTALL_BIND": "1"}])
def test_missing_named_skips_with_the_reason_and_the_fixture_installs_nothing(no_named, monkeypatch, env):
    # Installing is the test command's set-up step (harness.sh, stage servers), never a fixture's.
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(bind.BindUnavailable) as info:
        bind.start_bind()
    assert "MAILOPS_INSTALL_BIND=1 make test" in str(info.value) and "apt-get install bind9 bind9-utils" in str(info.value)
    assert no_named == []
    with pytest.raises(pytest.skip.Exception) as skipped:
        bind.skip_or_fail(info.value)
    assert "BIND 9 is not available" in str(skipped.value)


def test_missing_named_under_ci_fails(monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception) as failed:
        bind.skip_or_fail(bind.BindUnavailable("apt-get install failed"))
    assert "CI=true, so this test must run" in str(failed.value)
