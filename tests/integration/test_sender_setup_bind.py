# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The sender_setup role against a real DNS server: BIND 9 with TSIG dynamic updates.

The role publishes with ``sender_setup_dns_mode: nsupdate`` (mailops.sendgrid.sendgrid_dns_publish: a merged
RFC 2136 update), checks the records on that BIND with sendgrid_dns_check, and asks SendGrid to validate. The
simulator runs in its own process with ``--dns-server`` pointing at the BIND, so validation is decided by real DNS
answers. How publishing treats records that are already in the zone is tested in test_dns_publish_bind.py.
"""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from tests.integration import bind
from tests.support.sender_setup import (
    IPS,
    PARENT_ID,
    SETUP,
    api_requests,
    last_fact,
    no_change_reads,
    ok,
    role_results,
    sender_objects,
    summary,
    writes,
)
from tests.simulator.control import start_simulator

DOMAIN = "bind-sender.example.com"
MANUAL_DOMAIN = "bind-manual.example.org"
DMARC_DOMAIN = "bind-dmarc.example.com"
POOL = "sender-it-pool"


@pytest.fixture(scope="module")
def named(tmp_path_factory):
    """BIND 9 serving the test domains, with TSIG dynamic updates (skips outside CI when named is missing)."""
    try:
        server = bind.start_bind(zones=(DOMAIN, MANUAL_DOMAIN, DMARC_DOMAIN), workdir=tmp_path_factory.mktemp("named"))
    except bind.BindUnavailable as exc:
        bind.skip_or_fail(exc)
    yield server
    server.stop()


@pytest.fixture
def dns_simulator(named, request):
    """A simulator of its own that validates DNS records by asking the BIND (default dialect for tests that pin it)."""
    with start_simulator(api_key="SG.bind-test-key", dns_server="%s:%d" % (named.host, named.port)) as sim:
        if request.node.get_closest_marker("pins_default_dialect"):
            sim.set_dialect({})
        sim.add_ips(IPS)
        yield sim


def bind_vars(named, tmp_path, domain, **more):
    values = {
        "sender_setup_domain": domain,
        "sender_setup_subdomain": "em",
        "sender_setup_link_subdomain": "links",
        **named.nsupdate_vars(),
        "sender_setup_dns_ttl": 60,
        "sender_setup_dns_check": True,
        "sender_setup_dns_check_nameservers": [named.host],
        "sender_setup_dns_check_port": named.port,
        "sender_setup_validate_timeout": 10,
        "sender_setup_validate_delay": 0.2,
        "sender_setup_zone_file": str(tmp_path / (domain + ".zone")),
    }
    values.update(more)
    return values


def run_env(sim):
    return {"SENDGRID_API_URL": sim.base_url, "SENDGRID_API_KEY": sim.api_key}


def published(named, records):
    """What BIND answers for each record, as ``(name, type, text)``."""
    return {(r["name"], r["type"]): named.query(r["name"], r["type"]) for r in records}


@pytest.mark.pins_default_dialect  # the exact record count (root_spf adds one)
def test_setup_publishes_with_nsupdate_and_validates_on_real_dns(dns_simulator, named, playbook, tmp_path):
    sim = dns_simulator
    env = run_env(sim)
    variables = bind_vars(named, tmp_path, DOMAIN, sender_setup_ips=IPS, sender_setup_ip_pool=POOL)

    first = ok(playbook(SETUP, extra_vars=variables, env=env))

    objects = sender_objects(sim, DOMAIN)
    assert [p["ips"] for p in objects["pools"]] == [list(IPS)]
    assert sorted((r["ip"], r["valid"]) for r in objects["reverse_dns"]) == [(IPS[0], True), (IPS[1], True)]
    assert [(d["subdomain"], d["valid"]) for d in objects["domains"]] == [("em", True)]
    assert [(link["subdomain"], link["valid"]) for link in objects["links"]] == [("links", True)]
    assert sim.violations() == []

    # BIND holds every record, as SendGrid asks for it.
    records = last_fact(first, "sender_setup_dns_records")
    assert len(records) == 7
    answers = published(named, records)
    for r in records:
        want = r["value"] + "." if r["type"] == "CNAME" else r["value"]
        assert list(answers[(r["name"], r["type"])]) == [(r["name"], r["type"], want)], r
    # The DNS check asked BIND before SendGrid was asked to validate, and found everything.
    (check,) = role_results(first, "Check that DNS answers what SendGrid expects")
    assert check["result"]["ok"] is True
    assert sorted(item["status"] for item in check["result"]["records"]) == ["found"] * 7
    assert summary(first)[-1] == "DNS check       7 of 7 records found as expected"
    assert all(line.endswith(": changed, valid") for line in summary(first)[1:-1]), summary(first)

    # Second run: DNS already right, nothing to validate, nothing written anywhere.
    sim.clear_requests()
    second = ok(playbook(SETUP, extra_vars=variables, env=env))
    assert second.changed == []
    assert writes(sim) == []
    assert [(r["method"], r["path"]) for r in api_requests(sim)] == [(m, p) for m, p, _what in no_change_reads(DOMAIN, IPS, POOL)]
    assert published(named, records) == answers


def test_manual_security_publishes_mx_and_txt_records(dns_simulator, named, playbook, tmp_path):
    """Manual security: MX and TXT records (SPF, a DKIM key) go through nsupdate as well."""
    sim = dns_simulator
    env = run_env(sim)
    variables = bind_vars(named, tmp_path, MANUAL_DOMAIN, sender_setup_automatic_security=False, sender_setup_link_branding=False)

    first = ok(playbook(SETUP, extra_vars=variables, env=env))

    ((domain,),) = [sender_objects(sim, MANUAL_DOMAIN)["domains"]]
    assert (domain["automatic_security"], domain["valid"]) == (False, True)
    records = last_fact(first, "sender_setup_dns_records")
    assert sorted(r["type"] for r in records) == ["MX", "TXT", "TXT"]
    dkim = [r for r in records if r["value"].startswith("k=rsa;")]
    assert len(dkim) == 1
    assert named.query(dkim[0]["name"], "TXT") == [(dkim[0]["name"], "TXT", '"%s"' % dkim[0]["value"])]
    assert named.query("em." + MANUAL_DOMAIN, "MX") == [("em." + MANUAL_DOMAIN, "MX", "10 mx.sendgrid.net.")]
    assert "u%d" % PARENT_ID not in str(records)  # manual security: no CNAME into SendGrid
    # The zone-file snippet loads into a BIND zone as it is (named-checkzone parses MX and TXT as named would).
    checkzone = shutil.which("named-checkzone") or "/usr/bin/named-checkzone"
    zone = tmp_path / "check.zone"
    zone.write_text(
        "$TTL 60\n@ IN SOA ns1.%(d)s. hostmaster.%(d)s. 1 60 60 600 60\n@ IN NS ns1.%(d)s.\nns1 IN A 127.0.0.1\n%(snippet)s"
        % {"d": MANUAL_DOMAIN, "snippet": (tmp_path / (MANUAL_DOMAIN + ".zone")).read_text()}
    )
    checked = subprocess.run([checkzone, MANUAL_DOMAIN, str(zone)], capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stdout + checked.stderr

    sim.clear_requests()
    second = ok(playbook(SETUP, extra_vars=variables, env=env))
    assert second.changed == []
    assert writes(sim) == []


def txt_values(named, name):
    """The TXT values named answers at ``name``, each record's strings joined, sorted."""
    return sorted("".join(re.findall(r'"((?:[^"\\]|\\.)*)"', text)) for _owner, _type, text in named.query(name, "TXT"))


def test_a_dmarc_rollout_publishes_once_and_never_replaces_the_owners_record_unless_told(dns_simulator, named, playbook, tmp_path):
    # Issue 18, part 2: policy none with reports first, then a stricter policy; an existing policy is the owner's.
    sim = dns_simulator
    env = run_env(sim)
    name = "_dmarc." + DMARC_DOMAIN
    named.update(add=[{"name": name, "type": "TXT", "value": "v=DMARC1; p=reject"}, {"name": name, "type": "TXT", "value": "other=kept"}])
    variables = bind_vars(named, tmp_path, DMARC_DOMAIN, sender_setup_link_branding=False, sender_setup_dmarc=True,
                          sender_setup_dmarc_rua=["dmarc-reports@example.com"], sender_setup_dmarc_aspf="s")

    refused = playbook(SETUP, extra_vars=variables, env=env)
    assert refused.rc != 0, refused.stdout[-3000:]
    assert [r["status"] for r in refused.results if r["status"] not in ("ok", "skipped")], refused.stdout[-3000:] + refused.stderr[-3000:]
    (failed,) = [r for r in refused.results if r["status"] == "failed"]
    assert "holds a DMARC record already ('v=DMARC1; p=reject')" in failed["result"]["msg"]
    assert "set sender_setup_dmarc_replace to replace it" in failed["result"]["msg"]
    assert txt_values(named, name) == ["other=kept", "v=DMARC1; p=reject"]

    first = ok(playbook(SETUP, extra_vars=dict(variables, sender_setup_dmarc_replace=True), env=env))
    wanted = "v=DMARC1; p=none; rua=mailto:dmarc-reports@example.com; aspf=s"
    assert txt_values(named, name) == ["other=kept", wanted]
    (alignment,) = role_results(first, "How DMARC will align for this sender")
    assert alignment["result"]["msg"].startswith("WARNING: sender_setup_dmarc_aspf=s cannot pass")
    assert "DKIM aligns (SendGrid signs with d=%s)" % DMARC_DOMAIN in alignment["result"]["msg"]
    assert "DMARC           %s: %s" % (name, wanted) in summary(first)
    (check,) = role_results(first, "Check that DNS answers what SendGrid expects")
    assert [item["status"] for item in check["result"]["records"] if item["name"] == name] == ["found"]

    # Again: nothing to change in SendGrid or in the zone.
    sim.clear_requests()
    second = ok(playbook(SETUP, extra_vars=dict(variables, sender_setup_dmarc_replace=True), env=env))
    assert second.changed == [] and writes(sim) == []

    # Bad input is refused before any request.
    sim.clear_requests()
    bad = playbook(SETUP, extra_vars=dict(variables, sender_setup_dmarc_pct=150, sender_setup_dmarc_rua=["not-an-address"]), env=env)
    assert bad.rc != 0 and api_requests(sim) == []
    (problem,) = [r for r in bad.results if r["status"] == "failed"]
    assert "sender_setup_dmarc_pct must be between 0 and 100, got 150" in problem["result"]["msg"]
    assert "must hold email addresses (name@domain), got mailto:not-an-address" in problem["result"]["msg"]
