# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The fleet path (issue 17): sender_setup_fleet reconciles every sender of the play in one module run that reads
each account once; the per-host results, the re-run without writes, a failing sender and the audit look as without it."""

from __future__ import annotations

import json
import os
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from tests.support.collection import collections_path
from tests.support.sender_setup import AUDIT, PUBLISHER, SETUP

SENDERS = {"shop": "192.0.2.60", "news": "192.0.2.61", "blog": "192.0.2.62"}


def inventory(tmp_path, broken=None):
    hosts = {}
    for name, ip in SENDERS.items():
        hosts[name] = {
            "sender_setup_domain": "%s.fleet.example.net" % name, "sender_setup_subdomain": "em", "sender_setup_link_subdomain": "links",
            "sender_setup_ips": [ip if name != broken else "198.51.100.99"], "sender_setup_ip_pool": "pool-" + name,
            "sender_setup_zone_file": str(tmp_path / ("%s.zone" % name)),
        }
    hosts["blog"]["sender_setup_on_behalf_of"] = "blog-sub"
    hosts["blog"]["sender_setup_ip_pool"] = ""  # a sender without a pool
    path = tmp_path / "fleet.json"
    common = {"ansible_connection": "local", "ansible_python_interpreter": sys.executable, "sender_setup_fleet": True,
              "sender_setup_dns_mode": "tasks", "sender_setup_dns_tasks_file": str(PUBLISHER), "sender_setup_dns_check": False,
              "sender_setup_validate_timeout": 5, "sender_setup_validate_delay": 0.1}
    path.write_text(json.dumps({"senders": {"hosts": hosts, "vars": common}}))
    return ["-i", str(path), "-e", "sendgrid_hosts=senders"]


# The tasks of a host on the fleet path when nothing follows its SendGrid objects (tasks/main.yml and fleet.yml); the
# two tasks for all hosts (the run, then the results of each) run once.
FLEET_HOST_TASKS = [
    "Check the role's variables",
    "The sender's dedicated IPs and SendGrid objects, its DNS records and what follows",
    "This sender's SendGrid objects",
]
FLEET_ONCE_TASKS = ["The SendGrid objects of every sender of the play, one snapshot per account",
                    "Each sender's results, named as the per-host steps register them"]
AFTER_STEPS = "What follows the SendGrid objects (publishing, checks, validation) and then the summary, the steps this sender has"


def api(simulator):
    return [r for r in simulator.requests() if r["path"].startswith("/v3/")]


def test_the_fleet_sets_up_every_sender_and_its_rerun_reads_each_account_once(simulator, playbook, tmp_path):
    simulator.add_subusers("blog-sub")
    simulator.add_ips(list(SENDERS.values()))
    simulator.add_ips([SENDERS["blog"]], subusers=["blog-sub"])
    args = inventory(tmp_path)
    first = playbook(SETUP, args=args)
    assert first.rc == 0, first.stdout[-4000:]
    state = simulator.state()
    assert sorted(d["domain"] for d in state["domains"]) == sorted("%s.fleet.example.net" % n for n in SENDERS)
    assert all(d["valid"] for d in state["domains"]) and all(link["valid"] for link in state["links"])
    assert sorted(p["name"] for p in state["pools"]) == ["pool-news", "pool-shop"]
    assert [d["account"] for d in state["domains"] if d["domain"].startswith("blog.")] == ["blog-sub"]
    # One module run for all three, then per-host publishing and validation.
    assert len([r for r in first.results if r["task"].endswith("The SendGrid objects of every sender of the play, one snapshot per account")]) == 1

    simulator.clear_requests()
    second = playbook(SETUP, args=args)
    assert second.rc == 0 and second.changed == [], second.changed
    assert [r for r in api(simulator) if r["write"]] == []
    # Two accounts (the parent, blog-sub), each list read once: not once per sender.
    assert len(api(simulator)) <= 12, [(r["method"], r["path"]) for r in api(simulator)]
    summary = [r for r in second.results if r["task"].endswith("Summary of the sender and the DNS records to publish")]
    assert len(summary) == 3

    # Nothing to publish, every object valid, validation on (the default): each host runs the fleet path's light tasks
    # and no more (every task is paid by every host of a large play): its check, its include, its report, and the
    # include of the steps after the SendGrid objects, which has nothing to do; the report shows the summary and records.
    third = playbook(SETUP, args=args + ["-e", "sender_setup_dns_mode=none", "-e", "sender_setup_zone_file="])
    assert third.rc == 0 and third.changed == [], third.changed
    once = [r for r in third.results if r["task"].split(" : ")[-1] in FLEET_ONCE_TASKS]
    assert [r["task"].split(" : ")[-1] for r in once] == FLEET_ONCE_TASKS
    for host in SENDERS:
        tasks = [r["task"].split(" : ")[-1] for r in third.results if r["host"] == host and r not in once]
        assert tasks == FLEET_HOST_TASKS + [AFTER_STEPS], (host, tasks)
        assert [r["status"] for r in third.results if r["host"] == host and r["task"].endswith(AFTER_STEPS)] == ["skipped"]
    shown = [r["result"] for r in third.results if r["host"] == "news" and r["task"].endswith("This sender's SendGrid objects")]
    assert shown[0]["msg"][0] == "IP pool         pool-news [192.0.2.61]: unchanged"
    # SendGrid numbers the reverse DNS names (o1, o2, ...) within the account.
    assert shown[0]["msg"][1].startswith("Reverse DNS     o") and shown[0]["msg"][1].endswith(".email.news.fleet.example.net -> 192.0.2.61: unchanged, valid")
    assert shown[0]["msg"][2:4] == ["Domain auth     em.news.fleet.example.net: unchanged, valid",
                                    "Link branding   links.news.fleet.example.net: unchanged, valid"]
    assert shown[0]["msg"][4:6] == ["", "; DNS records for SendGrid sender news.fleet.example.net, written by mailops.sendgrid.sender_setup."]
    # Once, not again at the end.
    assert not [r for r in third.results if r["task"].endswith("Summary of the sender and the DNS records to publish")]

    # Without validation, three tasks a host.
    fourth = playbook(SETUP, args=args + ["-e", "sender_setup_dns_mode=none", "-e", "sender_setup_zone_file=", "-e", "sender_setup_validate=false"])
    assert fourth.rc == 0 and fourth.changed == [], fourth.changed
    once = [r for r in fourth.results if r["task"].split(" : ")[-1] in FLEET_ONCE_TASKS]
    for host in SENDERS:
        assert [r["task"].split(" : ")[-1] for r in fourth.results if r["host"] == host and r not in once] == FLEET_HOST_TASKS


def test_each_host_reads_its_own_results_after_the_role(simulator, playbook, tmp_path):
    # The results task runs once and sets every host's facts (delegate_facts): what a later task of the play reads.
    simulator.add_subusers("blog-sub")
    simulator.add_ips(list(SENDERS.values()))
    simulator.add_ips([SENDERS["blog"]], subusers=["blog-sub"])
    args = inventory(tmp_path)
    play = tmp_path / "after_the_role.yml"
    play.write_text(textwrap.dedent("""\
        - hosts: senders
          gather_facts: false
          tasks:
            - name: Set up the sender
              ansible.builtin.import_role:
                name: mailops.sendgrid.sender_setup
            - name: What the play reads after the role
              ansible.builtin.debug:
                msg:
                  - "{{ sender_setup_domain_result.domain.domain }}"
                  - "{{ sender_setup_link_result.link.domain }}"
                  - "{{ sender_setup_reverse_dns_results.keys() | list }}"
                  - "{{ sender_setup_summary }}"
                  - "{{ sender_setup_dns_records | map(attribute='name') | list }}"
        """))
    run = playbook(play, args=args + ["-e", "sender_setup_dmarc=true"])
    assert run.rc == 0, run.stdout[-3000:]
    read = {r["host"]: r["result"]["msg"] for r in run.results if r["task"] == "What the play reads after the role"}
    assert sorted(read) == sorted(SENDERS)
    for host, ip in SENDERS.items():
        domain = "%s.fleet.example.net" % host
        assert read[host][:3] == [domain, domain, [ip]], (host, read[host])
        assert [line for line in read[host][3] if line.startswith("Domain auth     ")] == ["Domain auth     em.%s: changed, valid" % domain]
        # Its own records, the DMARC record last.
        assert read[host][4][-1] == "_dmarc." + domain and all(name.endswith(domain) or name.endswith(".in-addr.arpa") for name in read[host][4])


@pytest.mark.parametrize("fleet", [True, False], ids=["fleet", "per-host"])
def test_senders_with_different_steps_each_run_theirs_in_order(simulator, playbook, tmp_path, fleet):
    # The first host has nothing to publish, the others publish and then validate. Ansible merges the files that one
    # include loop includes by their first appearance over the hosts: a host whose list starts with a file that an
    # earlier host does not include would run it after the files the earlier host includes (validation before
    # publishing, then a failed validation).
    simulator.add_subusers("blog-sub")
    simulator.add_ips(list(SENDERS.values()))
    simulator.add_ips([SENDERS["blog"]], subusers=["blog-sub"])
    args = inventory(tmp_path)
    inventory_file = tmp_path / "fleet.json"
    hosts = json.loads(inventory_file.read_text())
    hosts["senders"]["hosts"]["shop"].update(sender_setup_dns_mode="none", sender_setup_zone_file="")
    hosts["senders"]["vars"]["sender_setup_fleet"] = fleet
    inventory_file.write_text(json.dumps(hosts))
    # One fork: the hosts' include results are read in inventory order, the first host's first.
    run = playbook(SETUP, args=args + ["-f", "1"])
    assert run.rc == 0, run.stdout[-3000:]
    for host in ("news", "blog"):
        tasks = [r["task"].split(" : ")[-1] for r in run.results if r["host"] == host]
        published = tasks.index("Publish the records with the task file of sender_setup_dns_tasks_file")
        assert published < tasks.index("Validate domain authentication") < tasks.index("Summary of the sender and the DNS records to publish"), tasks
    assert all(d["valid"] for d in simulator.state()["domains"] if not d["domain"].startswith("shop."))


def test_a_sender_that_buys_its_ips_has_them_before_its_objects_are_set_up(simulator, playbook, tmp_path):
    # A fleet play where the first host buys nothing: the sender that buys its IPs must have them before its pool and
    # reverse DNS are set up (it takes the per-host path; in the fleet run's include it ran after the run).
    simulator.add_subusers("blog-sub", "acme-sub")
    simulator.add_ips(list(SENDERS.values()))
    simulator.add_ips([SENDERS["blog"]], subusers=["blog-sub"])
    args = inventory(tmp_path)
    inventory_file = tmp_path / "fleet.json"
    hosts = json.loads(inventory_file.read_text())
    hosts["senders"]["hosts"]["acme"] = {
        "sender_setup_domain": "acme.fleet.example.net", "sender_setup_ips": [], "sender_setup_ip_pool": "pool-acme",
        "sender_setup_on_behalf_of": "acme-sub", "sender_setup_ip_count": 1, "sender_setup_allow_purchase": True,
        "sender_setup_link_branding": False, "sender_setup_zone_file": "",
    }
    inventory_file.write_text(json.dumps(hosts))
    run = playbook(SETUP, args=args + ["-f", "1"])
    assert run.rc == 0, run.stdout[-3000:]
    bought = [ip["ip"] for ip in simulator.state()["ips"] if "acme-sub" in ip["subusers"]]
    assert len(bought) == 1
    state = simulator.state()
    assert [p["ips"] for p in state["pools"] if p["name"] == "pool-acme"] == [bought]
    assert [r["ip"] for r in state["reverse_dns"] if r["rdns"].endswith(".acme.fleet.example.net")] == bought
    # The others were still set up in one run.
    assert len([r for r in run.results if r["task"].endswith("The SendGrid objects of every sender of the play, one snapshot per account")]) == 1


def test_a_failing_sender_fails_its_host_only(simulator, playbook, tmp_path):
    simulator.add_subusers("blog-sub")
    simulator.add_ips(list(SENDERS.values()))
    simulator.add_ips([SENDERS["blog"]], subusers=["blog-sub"])
    run = playbook(SETUP, args=inventory(tmp_path, broken="news"))
    assert run.rc != 0
    failed = [(r["host"], r["task"].split(" : ")[-1]) for r in run.results if r["status"] == "failed"]
    assert failed == [("news", "The failure in terms of the role's variables")]
    assert "198.51.100.99" in [r for r in run.results if r["status"] == "failed"][0]["result"]["msg"]
    assert sorted(d["domain"] for d in simulator.state()["domains"]) == ["blog.fleet.example.net", "shop.fleet.example.net"]


def test_hosts_that_skip_the_role_or_were_rescued_are_left_out_of_the_fleet_run(simulator, playbook, tmp_path):
    # A host whose role was skipped (when) or whose input check failed and was rescued has no checked sender of this
    # call: the fleet run sets up the others, and a sender checked by an earlier call of the role is not set up again.
    simulator.add_subusers("blog-sub")
    simulator.add_ips(list(SENDERS.values()))
    simulator.add_ips([SENDERS["blog"]], subusers=["blog-sub"])
    play = """
    - hosts: senders
      connection: local
      gather_facts: false
      tasks:
        - name: An earlier call of the role, for shop only
          ansible.builtin.include_role:
            name: mailops.sendgrid.sender_setup
          when: inventory_hostname == 'shop'
          vars:
            sender_setup_dns_mode: none
        - name: The senders other than shop; blog's inputs are refused and rescued
          block:
            - name: Set up
              ansible.builtin.include_role:
                name: mailops.sendgrid.sender_setup
              when: inventory_hostname != 'shop'
              vars:
                sender_setup_dmarc: "{{ inventory_hostname == 'blog' }}"
                sender_setup_dmarc_pct: 500
          rescue:
            - name: Rescued
              ansible.builtin.debug:
                msg: rescued
    """
    args = inventory(tmp_path)
    assert playbook(play, args=args + ["-e", "sender_setup_fleet=true"]).rc == 0
    simulator.clear_requests()
    run = playbook(play, args=args + ["-e", "sender_setup_fleet=true"])
    assert run.rc == 0, run.stdout[-4000:]
    assert [(r["host"], r["status"]) for r in run.results if r["task"].endswith("Check the role's variables") and r["status"] != "ok"] == [("blog", "rescued")]
    fleet_runs = [r["result"] for r in run.results if r["task"].endswith("The SendGrid objects of every sender of the play, one snapshot per account")]
    assert [sorted(result["senders"]) for result in fleet_runs] == [["shop"], ["news"]]
    assert sorted(d["domain"] for d in simulator.state()["domains"]) == ["news.fleet.example.net", "shop.fleet.example.net"]


def test_the_fleet_audit_reads_and_reports_per_sender(simulator, playbook, tmp_path):
    simulator.add_subusers("blog-sub")
    simulator.add_ips(list(SENDERS.values()))
    simulator.add_ips([SENDERS["blog"]], subusers=["blog-sub"])
    args = inventory(tmp_path)
    assert playbook(SETUP, args=args).rc == 0
    simulator.clear_requests()
    reports = tmp_path / "reports"
    audit = playbook(AUDIT, args=args + ["-e", "audit_report_dir=%s" % reports])
    assert audit.rc == 0, audit.stdout[-3000:]
    assert [r for r in api(simulator) if r["write"]] == []
    summary = json.loads((reports / "summary.json").read_text())
    assert sorted(s["domain"] for s in summary["senders"]) == sorted("%s.fleet.example.net" % n for n in SENDERS)
    assert summary["drifted"] == [] and summary["with_findings"] == []


def test_two_job_slices_at_once_set_up_their_halves_without_conflicts(simulator, tmp_path):
    # AWX job slicing: each slice is its own play over part of the inventory, run at the same time; each fleet run
    # reads its own snapshot of the one account. Two ansible-runner jobs with complementary --limit halves.
    ansible_runner = pytest.importorskip("ansible_runner", reason="ansible-runner is not installed (requirements-dev.txt)")
    simulator.add_subusers("blog-sub")
    simulator.add_ips(list(SENDERS.values()))
    simulator.add_ips([SENDERS["blog"]], subusers=["blog-sub"])
    inventory_args = inventory(tmp_path)
    jobs, threads = {}, []
    for ident, limit in (("slice1", "shop"), ("slice2", "news,blog")):
        root = tmp_path / ident
        (root / "project").mkdir(parents=True)
        (root / "project" / "setup.yml").write_text("---\n- name: Slice\n  ansible.builtin.import_playbook: mailops.sendgrid.sender_setup\n")

        def job(ident=ident, limit=limit, root=root):
            jobs[ident] = ansible_runner.run(
                private_data_dir=str(root), playbook="setup.yml", inventory=inventory_args[1], limit=limit, quiet=True, ident=ident,
                extravars={"sendgrid_hosts": "senders"},
                envvars={"SENDGRID_API_KEY": simulator.api_key, "SENDGRID_API_URL": simulator.base_url, "ANSIBLE_NOCOLOR": "1",
                         "ANSIBLE_COLLECTIONS_PATH": collections_path(),
                         "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])},
            )

        threads.append(threading.Thread(target=job))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(600)
    assert [jobs[ident].status for ident in ("slice1", "slice2")] == ["successful", "successful"], [jobs[i].stdout.read()[-2000:] for i in jobs]
    state = simulator.state()
    assert sorted(d["domain"] for d in state["domains"]) == sorted("%s.fleet.example.net" % n for n in SENDERS)  # no duplicate
    assert sorted(p["name"] for p in state["pools"]) == ["pool-news", "pool-shop"]
    assert len(state["links"]) == 3 and len(state["reverse_dns"]) == 3
