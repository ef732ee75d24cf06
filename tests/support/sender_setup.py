# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The bundled playbooks as the integration tests run them: the test sender, its variables, and how a run's
results, facts, steps, summary and requests are read (on the fleet path, the playbooks' default, and per host)."""

from __future__ import annotations

from tests.support.api_log import api_requests, api_writes
from tests.support.collection import REPO

SETUP = REPO / "playbooks" / "sender_setup.yml"
AUDIT = REPO / "playbooks" / "audit.yml"
TEARDOWN = REPO / "playbooks" / "teardown.yml"

# The test modules read the writes of a run as writes(simulator).
writes = api_writes
PUBLISHER = REPO / "playbooks" / "demo" / "publish_to_simulator.yml"

DOMAIN = "sender-it.example.net"
IPS = ("192.0.2.20", "192.0.2.21")
POOL = "sender-it-pool"
PARENT_ID = 1446440


def sender_vars(tmp_path, **more):
    """Everything the role can do (like the demo), for this test's own domain."""
    values = {
        "sender_setup_domain": DOMAIN,
        "sender_setup_ips": IPS,
        "sender_setup_ip_pool": POOL,
        "sender_setup_subdomain": "em",
        "sender_setup_link_subdomain": "links",
        "sender_setup_default": True,
        "sender_setup_link_default": True,
        "sender_setup_dns_mode": "tasks",
        "sender_setup_dns_tasks_file": str(PUBLISHER),
        # The simulator's DNS table is not a DNS server: there is nothing for the DNS check to ask.
        "sender_setup_dns_check": False,
        "sender_setup_validate_timeout": 5,
        "sender_setup_validate_delay": 0.1,
        "sender_setup_zone_file": str(tmp_path / "sender.zone"),
    }
    values.update(more)
    return values


# -- helpers ------------------------------------------------------------------------------------------


def ok(run):
    assert run.rc == 0, run.stdout[-6000:] + run.stderr[-3000:]
    assert run.failed == []
    return run


def role_results(run, name):
    """Results of the role's task called ``name`` (the callback names them ``<role> : <name>``), in run order."""
    return [r for r in run.results if r["task"].split(" : ", 1)[-1] == name]


def role_task(run, name):
    found = role_results(run, name)
    assert len(found) == 1, "task %r ran %d times: %s" % (name, len(found), [r["task"] for r in run.results])
    return found[0]["result"]


def fact(run, task, name):
    return role_task(run, task)["ansible_facts"][name]


def facts_set(entry):
    """``(host, facts)`` of each host a recorded result set facts for: a task's own host, or, for the fleet path's
    results task (a loop over the run's senders, host name to result, that sets each item's host's facts), each item's."""
    result = entry["result"]
    if result.get("ansible_facts"):
        yield entry["host"], result["ansible_facts"]
    for_each_sender = entry["task"].split(" : ", 1)[-1] == FLEET_RESULTS
    for item in result.get("results") or []:
        if isinstance(item, dict) and item.get("ansible_facts"):
            yield item["item"]["key"] if for_each_sender else entry["host"], item["ansible_facts"]


def last_fact(run, name, host=None):
    """The value the run last set for the fact ``name`` (of ``host``, if given), whichever task of the role set it (both
    paths set the same facts)."""
    found = [facts[name] for entry in run.results for fact_host, facts in facts_set(entry)
             if name in facts and host in (None, fact_host)]
    assert found, "no task set %s: %s" % (name, [r["task"] for r in run.results])
    return found[-1]


# The SendGrid steps of the setup: on the fleet path (the playbooks' default) the host's part of the sendgrid_senders
# run, which one task sets as each host's results; on the per-host path (sender_setup_fleet=false) the module tasks.
FLEET_RESULTS = "Each sender's results, named as the per-host steps register them"
FLEET_OUTPUTS = {"pool": "sender_setup_pool_result", "domain": "sender_setup_domain_result", "link": "sender_setup_link_result",
                 "reverse_dns": "sender_setup_reverse_dns_results"}
PER_HOST_STEPS = {"pool": "The sender's IPs are in its IP pool", "domain": "Domain authentication of the sender", "link": "Link branding of the sender"}


def fleet_step(run, name):
    """The fleet path's result of the step ``name`` for the run's one sender, or None on the per-host path."""
    fleet = role_results(run, FLEET_RESULTS)
    if not fleet:
        return None
    assert len(fleet) == 1
    (facts,) = [facts for _host, facts in facts_set(fleet[0])]
    return facts[FLEET_OUTPUTS[name]]


def step(run, name):
    """The result of the setup step ``name`` (pool, domain, link) in the shape its single module returns."""
    found = fleet_step(run, name)
    return found if found is not None else role_task(run, PER_HOST_STEPS[name])


def reverse_dns_steps(run):
    """The reverse DNS results of the setup, one per IP, on either path."""
    found = fleet_step(run, "reverse_dns")
    if found is not None:
        return list(found.values())
    (rdns,) = role_results(run, "Reverse DNS of the sender's IPs: set up")
    return rdns["result"]["results"]


def summary(run):
    """The summary the run ended with: a fleet sender with nothing after its SendGrid objects has it from the task that
    sets its results, every other sender from summary.yml's "Build the summary"."""
    return last_fact(run, "sender_setup_summary")


def reads(simulator):
    """``(method, path, what)`` of every read; ``what`` is the filter (ip, domain or username), if any."""
    found = []
    for r in api_requests(simulator):
        if not r["write"]:
            query = r["query"]
            found.append((r["method"], r["path"], query.get("ip") or query.get("domain") or query.get("username")))
    return found


def no_change_reads(domain=DOMAIN, ips=IPS, pool=POOL, link=True):
    """One read per managed object: the pool, each reverse DNS entry, the domain, the link."""
    expected = [("GET", "/v3/ips/pools/%s" % pool, None)] if pool else []
    expected += [("GET", "/v3/whitelabel/ips", ip) for ip in ips]
    expected.append(("GET", "/v3/whitelabel/domains", domain))
    if link:
        expected.append(("GET", "/v3/whitelabel/links", None))
    return expected


def record(name, rtype, value):
    return {"name": name, "type": rtype, "value": value}


def expected_records(domain=DOMAIN, ips=IPS, user_id=PARENT_ID):
    """What SendGrid (the simulator) asks for, in the shared shape and in the role's order."""
    target = "u%d.wl001.sendgrid.net" % user_id
    records = [record("o%d.email.%s" % (n, domain), "A", ip) for n, ip in enumerate(ips, 1)]
    records += [
        record("em.%s" % domain, "CNAME", target),
        record("s1._domainkey.%s" % domain, "CNAME", "s1.domainkey." + target),
        record("s2._domainkey.%s" % domain, "CNAME", "s2.domainkey." + target),
        record("links.%s" % domain, "CNAME", "sendgrid.net"),
        record("%d.%s" % (user_id, domain), "CNAME", "sendgrid.net"),
    ]
    return records


def sender_objects(simulator, domain=DOMAIN):
    """The sender's objects in the simulator, by kind."""
    state = simulator.state()
    return {
        "pools": [p for p in state["pools"] if p["name"] == POOL],
        "reverse_dns": [r for r in state["reverse_dns"] if r["rdns"].endswith("." + domain)],
        "domains": [d for d in state["domains"] if d["domain"] == domain],
        "links": [link for link in state["links"] if link["domain"] == domain],
    }
