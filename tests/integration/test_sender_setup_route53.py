# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The sender_setup role's Route 53 publisher (issue 18, part 1), by real ansible-playbook with amazon.aws against
moto's server mode (a Route 53 API on 127.0.0.1, started here) and the simulator for SendGrid.

The sender ``mail.example.co.uk`` is in the hosted zone ``example.co.uk``, next to a zone ``co.uk`` of the same
account: the zone is found, not assumed to be the domain. The zone already holds data at the names SendGrid needs;
it is merged, never replaced, and a second run writes nothing.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import pytest

from tests.support.sender_setup import SETUP, last_fact, ok, role_results
from tests.tools import community_collections

boto3 = pytest.importorskip("boto3", reason="boto3 is in requirements-dev.txt: run make test")

DOMAIN = "mail.example.co.uk"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}
SPF_OTHER = "v=spf1 include:_spf.google.com ~all"
VERIFICATION = "google-site-verification=keep-me"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def moto_server(tmp_path_factory):
    """moto's Route 53 on 127.0.0.1 (a process of its own, as a user's CI would run it)."""
    log = tmp_path_factory.mktemp("moto") / "moto.log"
    port = free_port()
    with open(log, "wb") as output:
        proc = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)], stdout=output, stderr=subprocess.STDOUT)
    url = "http://127.0.0.1:%d" % port
    deadline = time.monotonic() + 60
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail("moto server did not start: %s" % log.read_text()[-2000:])
            time.sleep(0.2)
    yield url
    proc.terminate()
    proc.wait(timeout=30)


@pytest.fixture(scope="module")
def aws_collections():
    return community_collections.ensure_or_skip("amazon.aws")


@pytest.fixture
def route53(moto_server):
    client = boto3.client("route53", endpoint_url=moto_server, aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1")
    for zone in client.list_hosted_zones()["HostedZones"]:  # a fresh account for each test
        for item in client.list_resource_record_sets(HostedZoneId=zone["Id"])["ResourceRecordSets"]:
            if item["Type"] not in ("SOA", "NS"):
                client.change_resource_record_sets(HostedZoneId=zone["Id"], ChangeBatch={"Changes": [{"Action": "DELETE", "ResourceRecordSet": item}]})
        client.delete_hosted_zone(Id=zone["Id"])
    zones = {}
    for name in ("example.co.uk", "co.uk"):
        zones[name] = client.create_hosted_zone(Name=name + ".", CallerReference="%s-%f" % (name, time.time()))["HostedZone"]["Id"]
    client.endpoint = moto_server
    client.zones = zones
    return client


def upsert(client, zone, name, rtype, values, ttl=600):
    client.change_resource_record_sets(HostedZoneId=zone, ChangeBatch={"Changes": [{"Action": "UPSERT", "ResourceRecordSet": {
        "Name": name + ".", "Type": rtype, "TTL": ttl, "ResourceRecords": [{"Value": value} for value in values]}}]})


def record_sets(client, zone):
    """Every record set but SOA and NS: ``{(name, type): (ttl, [values])}``."""
    found = {}
    for item in client.list_resource_record_sets(HostedZoneId=zone)["ResourceRecordSets"]:
        if item["Type"] not in ("SOA", "NS"):
            found[(item["Name"].rstrip("."), item["Type"])] = (item.get("TTL"), sorted(r["Value"] for r in item.get("ResourceRecords", [])))
    return found


def route53_vars(client, tmp_path, **more):
    values = {
        "sender_setup_domain": DOMAIN,
        "sender_setup_subdomain": "em",
        "sender_setup_link_subdomain": "links",
        "sender_setup_automatic_security": False,
        "sender_setup_dmarc": True,
        "sender_setup_dmarc_rua": ["dmarc@example.co.uk"],
        "sender_setup_dns_mode": "route53",
        "sender_setup_route53_endpoint_url": client.endpoint,
        "sender_setup_dns_ttl": 300,
        # moto serves the API, not DNS: nothing for the DNS check or SendGrid's validation to ask.
        "sender_setup_dns_check": False,
        "sender_setup_validate": False,
        "sender_setup_zone_file": str(tmp_path / "sender.zone"),
        "sender_setup_octodns_file": str(tmp_path / "example.co.uk.yaml"),
    }
    values.update(more)
    return values


def route53_env(aws_collections):
    from tests.support.collection import collections_path

    return dict(CREDENTIALS, ANSIBLE_COLLECTIONS_PATH=os.pathsep.join([collections_path(), str(aws_collections)]))


def write_tasks(run):
    return [r for r in role_results(run, "Write each record set the plan changes (Route 53)") + role_results(run, "Remove the data a CNAME replaces (Route 53)")
            if r["result"].get("results")]


def test_route53_finds_the_zone_merges_what_is_there_and_a_rerun_writes_nothing(route53, aws_collections, playbook, tmp_path):
    zone = route53.zones["example.co.uk"]
    upsert(route53, zone, "em." + DOMAIN, "TXT", ['"%s"' % SPF_OTHER, '"%s"' % VERIFICATION], ttl=600)
    upsert(route53, zone, DOMAIN, "A", ["192.0.2.80"])
    before = record_sets(route53, zone)
    decoy = record_sets(route53, route53.zones["co.uk"])
    env = route53_env(aws_collections)
    variables = route53_vars(route53, tmp_path)

    # Check mode and diff: the plan, exactly, and no write to Route 53.
    checked = ok(playbook(SETUP, extra_vars=variables, env=env, check=True, diff=True))
    assert record_sets(route53, zone) == before
    plan = role_results(checked, "Merge the records with what the zone holds (plan only)")[0]["result"]
    assert {c["name"]: c["action"] for c in plan["changes"] if c["type"] == "TXT"}["em." + DOMAIN] == "merge"
    assert "em.%s TXT" % DOMAIN in checked.stdout and "include:sendgrid.net" in checked.stdout

    first = ok(playbook(SETUP, extra_vars=variables, env=env))
    records = last_fact(first, "sender_setup_dns_records")
    after = record_sets(route53, zone)
    # The SPF record is merged, the other TXT value kept, and the set keeps its TTL; the unrelated A record is untouched.
    assert after[("em." + DOMAIN, "TXT")] == (600, sorted(['"%s"' % VERIFICATION, '"v=spf1 include:_spf.google.com include:sendgrid.net ~all"']))
    assert after[(DOMAIN, "A")] == before[(DOMAIN, "A")]
    assert after[("em." + DOMAIN, "MX")] == (300, ["10 mx.sendgrid.net"])
    dkim = next(r for r in records if r["type"] == "TXT" and r["value"].startswith("k=rsa;"))
    ttl, (value,) = after[(dkim["name"], "TXT")]
    assert "".join(value[1:-1].split('" "')) == dkim["value"]  # split into quoted strings of at most 255 characters
    assert all(len(part) <= 255 for part in value[1:-1].split('" "'))
    assert after[("_dmarc." + DOMAIN, "TXT")] == (300, ['"v=DMARC1; p=none; rua=mailto:dmarc@example.co.uk"'])
    assert ("links." + DOMAIN, "CNAME") in after
    assert record_sets(route53, route53.zones["co.uk"]) == decoy, "the shorter zone co.uk is never written"
    # The exporters hold the merged values.
    assert "include:_spf.google.com include:sendgrid.net" in (tmp_path / "sender.zone").read_text()
    assert "google-site-verification" in (tmp_path / "example.co.uk.yaml").read_text()

    second = ok(playbook(SETUP, extra_vars=variables, env=env))
    assert write_tasks(second) == [], "a second run writes nothing to Route 53"
    assert second.changed == []
    assert record_sets(route53, zone) == after


def test_route53_never_replaces_the_owners_dmarc_policy_unless_told(route53, aws_collections, playbook, tmp_path):
    zone = route53.zones["example.co.uk"]
    upsert(route53, zone, "_dmarc." + DOMAIN, "TXT", ['"v=DMARC1; p=reject"'])
    before = record_sets(route53, zone)
    env = route53_env(aws_collections)
    run = playbook(SETUP, extra_vars=route53_vars(route53, tmp_path), env=env)
    assert run.rc != 0
    assert "sender_setup_dmarc_replace" in run.stdout, run.stdout[-3000:]
    assert record_sets(route53, zone) == before, "nothing is written when the plan has a conflict"

    replaced = ok(playbook(SETUP, extra_vars=route53_vars(route53, tmp_path, sender_setup_dmarc_replace=True), env=env))
    assert record_sets(route53, zone)[("_dmarc." + DOMAIN, "TXT")][1] == ['"v=DMARC1; p=none; rua=mailto:dmarc@example.co.uk"']
    assert write_tasks(replaced)


def test_a_domain_in_no_hosted_zone_fails_naming_the_zones(route53, aws_collections, playbook, tmp_path):
    run = playbook(SETUP, extra_vars=route53_vars(route53, tmp_path, sender_setup_domain="mail.example.org", sender_setup_dmarc=False),
                   env=route53_env(aws_collections))
    assert run.rc != 0
    assert "no public Route 53 hosted zone holds mail.example.org (zones: co.uk, example.co.uk)" in run.stdout, run.stdout[-3000:]
