# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Publishing into a live zone without destroying records (issue 14), against a real BIND 9.

Each zone already holds what a company's zone holds: TXT values at the apex (a site verification, the company's
own SPF for its Google mail), SPF include chains close to the 10-lookup limit, a CNAME or an MX where SendGrid
wants a record. Every test reads the zone's full answer before and after, and a second run changes nothing.
The reproduction of the issue is the first test: the role with nsupdate, manual security and custom SPF used to
leave only SendGrid's SPF at the apex.
"""

from __future__ import annotations

import json

import pytest

from tests.integration import bind
from tests.support.sender_setup import SETUP, ok, role_results, summary
from tests.simulator.control import start_simulator

APEX = "apex.example.net"
OTHER = "conflict.example.org"
GOOGLE_SPF = "v=spf1 include:_spf.google.com ~all"
VERIFY = "google-site-verification=keep-me"
TYPES = ("A", "CNAME", "MX", "TXT")


@pytest.fixture(scope="module")
def named(tmp_path_factory):
    try:
        server = bind.start_bind(zones=(APEX, OTHER), workdir=tmp_path_factory.mktemp("named"))
    except bind.BindUnavailable as exc:
        bind.skip_or_fail(exc)
    yield server
    server.stop()


def zone_answer(named, names):
    """Everything BIND answers for ``names`` (every type a record could clash with), as a sorted list."""
    # A query for A at a CNAME's name answers the CNAME too: keep only the records of the type asked for.
    return sorted(item for name in names for rtype in TYPES for item in named.query(name, rtype) if item[1] == rtype)


def serial(named, zone):
    ((_owner, _type, soa),) = named.query(zone, "SOA")
    return int(soa.split()[2])


def reset(named, zone, names, records):
    named.update(delete=[{"name": name} for name in names])
    if records:
        named.update(add=records)


def connection(named):
    return {"server": named.host, "port": named.port, "key_name": named.key_name, "key_secret": named.key_secret,
            "key_algorithm": named.key_algorithm}


def publish_task(named, records, **options):
    args = dict(connection(named), records=records, ttl=60, **options)
    return "- name: publish\n  mailops.sendgrid.sendgrid_dns_publish: %s\n" % json.dumps(args)


def test_the_role_keeps_the_apex_txt_and_merges_spf_then_changes_nothing(named, playbook, tmp_path):
    names = [APEX, "em." + APEX, "m1._domainkey." + APEX]
    reset(named, APEX, names, [{"name": APEX, "type": "TXT", "value": VERIFY}, {"name": APEX, "type": "TXT", "value": GOOGLE_SPF}])
    before = zone_answer(named, names)
    assert before == sorted([(APEX, "TXT", '"%s"' % GOOGLE_SPF), (APEX, "TXT", '"%s"' % VERIFY)])
    with start_simulator(api_key="SG.bind-merge-key", dns_server="%s:%d" % (named.host, named.port)) as sim:
        env = {"SENDGRID_API_URL": sim.base_url, "SENDGRID_API_KEY": sim.api_key}
        variables = {
            "sender_setup_domain": APEX,
            "sender_setup_subdomain": "em",
            "sender_setup_link_branding": False,
            "sender_setup_automatic_security": False,
            "sender_setup_custom_spf": True,
            **named.nsupdate_vars(),
            "sender_setup_dns_ttl": 60,
            "sender_setup_dns_check_nameservers": [named.host],
            "sender_setup_dns_check_port": named.port,
            "sender_setup_validate_timeout": 10,
            "sender_setup_validate_delay": 0.2,
            "sender_setup_zone_file": str(tmp_path / "apex.zone"),
        }
        first = ok(playbook(SETUP, extra_vars=variables, env=env))
        after = zone_answer(named, names)
        apex_txt = sorted(text for owner, rtype, text in after if owner == APEX and rtype == "TXT")
        # Both values the company had stay; its SPF (its Google mail) now also allows SendGrid; one SPF record.
        assert apex_txt == ['"%s"' % VERIFY, '"v=spf1 include:_spf.google.com include:em.apex.example.net ~all"']
        (publish,) = role_results(first, "Publish the records into the zone with a dynamic update (merged with what is there)")
        (merged,) = [c for c in publish["result"]["changes"] if c["name"] == APEX]
        assert merged["action"] == "merge" and sorted(merged["before"]) == sorted([GOOGLE_SPF, VERIFY])
        assert sorted(merged["after"]) == sorted(["v=spf1 include:_spf.google.com include:em.apex.example.net ~all", VERIFY])
        # The domain validated against the merged SPF, on real DNS answers.
        assert any(line.startswith("Domain auth") and line.endswith("valid") and "NOT" not in line for line in summary(first)), summary(first)
        # The zone-file snippet carries the merged values, not a second SPF record.
        snippet = (tmp_path / "apex.zone").read_text()
        assert "include:_spf.google.com include:em.apex.example.net ~all" in snippet and VERIFY in snippet
        assert snippet.count("v=spf1") == 2  # the apex SPF (merged) and em's own SPF, one each

        revision = serial(named, APEX)
        second = ok(playbook(SETUP, extra_vars=variables, env=env))
        (publish,) = role_results(second, "Publish the records into the zone with a dynamic update (merged with what is there)")
        assert publish["result"]["changed"] is False
        assert serial(named, APEX) == revision and zone_answer(named, names) == after

        # Someone removes SendGrid's MX: check mode with --diff shows exactly that record set coming back, and sends nothing.
        named.update(delete=[{"name": "em." + APEX, "type": "MX"}])
        revision = serial(named, APEX)
        check = ok(playbook(SETUP, extra_vars=variables, env=env, check=True, diff=True))
        (publish,) = role_results(check, "Publish the records into the zone with a dynamic update (merged with what is there)")
        assert publish["result"]["diff"] == {"before": {"em.apex.example.net MX": []}, "after": {"em.apex.example.net MX": ["10 mx.sendgrid.net"]}}
        assert serial(named, APEX) == revision


@pytest.mark.parametrize("chain, accepted", [(9, True), (10, False)])
def test_an_spf_include_chain_near_ten_lookups(named, playbook, chain, accepted):
    # The apex SPF includes c0, which includes c1, ... each include one lookup; SendGrid's include adds one more.
    names = [APEX] + ["c%d.%s" % (n, APEX) for n in range(chain)]

    def link(n):
        return "include:c%d.%s " % (n + 1, APEX) if n + 1 < chain else "ip4:192.0.2.1 "

    records = [{"name": "c%d.%s" % (n, APEX), "type": "TXT", "value": "v=spf1 %s-all" % link(n)} for n in range(chain)]
    records.append({"name": APEX, "type": "TXT", "value": "v=spf1 include:c0.%s ~all" % APEX})
    reset(named, APEX, names, records)
    before = zone_answer(named, names)
    run = playbook(publish_task(named, [{"name": APEX, "type": "TXT", "value": "v=spf1 include:sendgrid.net ~all"}]))
    result = run.task("publish")
    if accepted:
        assert run.rc == 0 and result["changed"] is True
        assert ('"v=spf1 include:c0.%s include:sendgrid.net ~all"' % APEX) in [t for _o, _r, t in zone_answer(named, [APEX])]
        again = playbook(publish_task(named, [{"name": APEX, "type": "TXT", "value": "v=spf1 include:sendgrid.net ~all"}]))
        assert again.rc == 0 and again.task("publish")["changed"] is False
    else:
        assert run.rc != 0
        assert "needs 11 DNS lookups" in result["msg"] and "v=spf1 include:c0.%s ~all" % APEX in result["msg"]
        assert zone_answer(named, names) == before


def test_an_unrelated_cname_is_refused_then_replaced_only_when_opted_in(named, playbook):
    name = "em." + OTHER
    reset(named, OTHER, [name], [{"name": name, "type": "CNAME", "value": "shop.example.com"}])
    before = zone_answer(named, [name])
    record = [{"name": name, "type": "CNAME", "value": "u1446440.wl001.sendgrid.net"}]
    refused = playbook(publish_task(named, record))
    assert refused.rc != 0
    msg = refused.task("publish")["msg"]
    assert "shop.example.com" in msg and "replace_conflicts" in msg
    assert zone_answer(named, [name]) == before
    replaced = playbook(publish_task(named, record, replace_conflicts=True), diff=True)
    assert replaced.rc == 0
    assert zone_answer(named, [name]) == [(name, "CNAME", "u1446440.wl001.sendgrid.net.")]
    again = playbook(publish_task(named, record))
    assert again.rc == 0 and again.task("publish")["changed"] is False


def test_an_mx_at_the_return_path_name_is_refused_and_left_alone(named, playbook):
    name = "mail." + OTHER
    reset(named, OTHER, [name], [{"name": name, "type": "MX", "value": "10 mx1.mailhost.example."}, {"name": name, "type": "TXT", "value": "keep"}])
    before = zone_answer(named, [name])
    run = playbook(publish_task(named, [{"name": name, "type": "MX", "value": "mx.sendgrid.net"},
                                        {"name": name, "type": "TXT", "value": "v=spf1 include:sendgrid.net ~all"}]))
    assert run.rc != 0 and "bounce handling" in run.task("publish")["msg"]
    # Nothing of the update was sent: the TXT that would have been fine waits for the conflict to be resolved.
    assert zone_answer(named, [name]) == before


def test_the_zone_is_found_from_its_soa_for_a_sender_below_the_apex(named, playbook):
    name = "em.mail." + APEX
    reset(named, APEX, [name], [])
    run = playbook(publish_task(named, [{"name": name, "type": "CNAME", "value": "u1.wl001.sendgrid.net"}]))
    assert run.rc == 0 and run.task("publish")["zones"] == {name: APEX}
    assert zone_answer(named, [name]) == [(name, "CNAME", "u1.wl001.sendgrid.net.")]
