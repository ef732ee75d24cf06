# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The scenarios of the benchmark, shared with tests/integration/test_request_budget.py.

Everything here counts requests in the simulator's request log, which is deterministic for a given
scenario; the benchmark (``python -m tests.perf``) adds wall times on top, the regression test only
compares the counts.

- ``run_budget()``: one sender set up from nothing, again, in check mode, audited, torn down (and torn
  down again), as real ``ansible-playbook`` runs of the collection's playbooks.
- ``run_scale()``: one module run that finds an object at the end of a seeded list of thousands and
  leaves it unchanged, started directly (``python -m <module> args.json``, the way AnsiballZ runs it).
"""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from tests.support.collection import collections_path

REPO = Path(__file__).resolve().parents[2]
PLAYBOOKS = REPO / "playbooks"
PUBLISHER = PLAYBOOKS / "demo" / "publish_to_simulator.yml"
MODULE_PACKAGE = "ansible_collections.mailops.sendgrid.plugins.modules"

# The benchmark sender: everything the role does (pool, reverse DNS of two IPs, domain authentication,
# link branding, both as the default, one subuser allowed to send with them, records published into the
# simulator's DNS table, validation).
SENDER_DOMAIN = "perf-sender.example.com"
SENDER_IPS = ("192.0.2.20", "192.0.2.21")
SENDER_POOL = "perf-transactional"
SENDER_SUBUSERS = ("perf-agency-client",)

# What one no-change run has to read at the very least: the pool, one reverse DNS entry per IP, the
# authenticated domain (its object lists its subusers), the branded link, and for each listed subuser
# the link it uses (SendGrid's link object does not list its subusers, the only way to know is one
# GET /v3/whitelabel/links/subuser?username= per subuser).
MANAGED_OBJECTS = 1 + len(SENDER_IPS) + 1 + 1 + len(SENDER_SUBUSERS)

_RECAP = re.compile(r"^(\S+)\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", re.M)


# -- running things ------------------------------------------------------------------------------


def ansible_env(sim, extra: Optional[dict] = None) -> dict:
    env = dict(os.environ)
    env.update(
        {
            "ANSIBLE_COLLECTIONS_PATH": collections_path(),
            "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_RETRY_FILES_ENABLED": "0",
            "ANSIBLE_LOCALHOST_WARNING": "0",
            "ANSIBLE_INVENTORY_UNPARSED_WARNING": "0",
            "ANSIBLE_HOST_KEY_CHECKING": "0",
            "SENDGRID_API_URL": sim.base_url,
            "SENDGRID_API_KEY": sim.api_key,
        }
    )
    env.update(extra or {})
    return env


@dataclass
class PlaybookRun:
    rc: int
    stdout: str
    stderr: str
    seconds: float
    recap: dict  # host -> {"ok", "changed", "unreachable", "failed"}

    @property
    def changed(self) -> int:
        return sum(host["changed"] for host in self.recap.values())

    @property
    def failed(self) -> int:
        return sum(host["failed"] + host["unreachable"] for host in self.recap.values())

    def describe(self) -> str:
        return "rc=%s recap=%s\n--- stdout (end) ---\n%s\n--- stderr (end) ---\n%s" % (
            self.rc,
            self.recap,
            self.stdout[-6000:],
            self.stderr[-3000:],
        )


def run_playbook(sim, playbook, workdir: Path, extra_vars: Optional[dict] = None, args=(), inventory: str = "localhost,",
                 env: Optional[dict] = None, timeout: float = 1800) -> PlaybookRun:
    """Run ``ansible-playbook`` against the simulator; extra vars go through a JSON file."""
    workdir.mkdir(parents=True, exist_ok=True)
    command = [str(Path(sys.executable).parent / "ansible-playbook"), "-i", inventory, str(playbook)]
    if extra_vars:
        vars_file = workdir / ("extra-vars-%d.json" % time.monotonic_ns())
        vars_file.write_text(json.dumps(extra_vars))
        command += ["-e", "@%s" % vars_file]
    command += list(args)
    started = time.perf_counter()
    proc = subprocess.run(command, cwd=str(REPO), env=ansible_env(sim, env), capture_output=True, text=True, timeout=timeout, check=False)
    seconds = time.perf_counter() - started
    recap = {
        m.group(1): {"ok": int(m.group(2)), "changed": int(m.group(3)), "unreachable": int(m.group(4)), "failed": int(m.group(5))}
        for m in _RECAP.finditer(proc.stdout)
    }
    return PlaybookRun(proc.returncode, proc.stdout, proc.stderr, seconds, recap)


def run_module(sim, module: str, args: dict, workdir: Path) -> tuple[float, dict]:
    """Run one module the way AnsiballZ does (a fresh Python process) and answer (seconds, result)."""
    workdir.mkdir(parents=True, exist_ok=True)
    args_file = workdir / ("%s-args.json" % module)
    module_args = dict(args, api_url=sim.base_url, api_key=sim.api_key)
    args_file.write_text(json.dumps({"ANSIBLE_MODULE_ARGS": module_args}))
    env = dict(os.environ, PYTHONPATH=collections_path())
    env.pop("SENDGRID_API_KEY", None)
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "%s.%s" % (MODULE_PACKAGE, module), str(args_file)], cwd=str(workdir), env=env,
                          capture_output=True, text=True, timeout=600, check=False)
    seconds = time.perf_counter() - started
    try:
        result = json.loads(proc.stdout)
    except ValueError:
        result = {"failed": True, "msg": "no JSON from the module: %s %s" % (proc.stdout[-2000:], proc.stderr[-2000:])}
    return seconds, result


# -- counting ------------------------------------------------------------------------------------

_ID_SEGMENT = re.compile(r"^\d+$")
_IP_SEGMENT = re.compile(r"^\d{1,3}(\.\d{1,3}){3}$")


def endpoint(entry: dict) -> str:
    """``GET /v3/whitelabel/domains/{id}``: the request's method and path with ids, IPs and names as placeholders."""
    parts = entry["path"].split("/")
    for index, part in enumerate(parts):
        if _ID_SEGMENT.match(part):
            parts[index] = "{id}"
        elif _IP_SEGMENT.match(part):
            parts[index] = "{ip}"
        elif index > 0 and parts[index - 1] == "pools" and part:
            parts[index] = "{name}"
    return "%s %s" % (entry["method"], "/".join(parts))


@dataclass
class Count:
    """The requests of one scenario."""

    reads: int
    writes: int
    throttled: int
    requests: list = field(default_factory=list)

    @classmethod
    def of(cls, log: list) -> "Count":
        throttled = [e for e in log if e.get("status") == 429]
        served = [e for e in log if e.get("status") != 429]
        return cls(
            reads=sum(1 for e in served if not e["write"]),
            writes=sum(1 for e in served if e["write"]),
            throttled=len(throttled),
            requests=served,
        )

    def endpoints(self) -> dict:
        """``{"GET /v3/...": n}`` in the order first seen."""
        counts: dict = {}
        for entry in self.requests:
            key = endpoint(entry)
            counts[key] = counts.get(key, 0) + 1
        return counts

    def repeated(self) -> dict:
        """The identical requests (method, path and query) sent more than once: ``{"GET /v3/...?q=": n}``."""
        counts: dict = {}
        for entry in self.requests:
            key = "%s %s%s" % (entry["method"], entry["path"], "?" + urllib.parse.urlencode(entry["query"], doseq=True) if entry.get("query") else "")
            counts[key] = counts.get(key, 0) + 1
        return {key: n for key, n in counts.items() if n > 1}

    def listing(self) -> str:
        return "\n".join(
            "  %s%s %s%s -> %s" % ("W " if e["write"] else "R ", e["method"], e["path"],
                                   "?" + urllib.parse.urlencode(e["query"], doseq=True) if e.get("query") else "", e["status"])
            for e in self.requests
        )


# -- 1. the request budget of a sender's life cycle ----------------------------------------------


def sender_vars(zone_file: Path) -> dict:
    return {
        "sender_setup_domain": SENDER_DOMAIN,
        "sender_setup_ips": list(SENDER_IPS),
        "sender_setup_ip_pool": SENDER_POOL,
        "sender_setup_subdomain": "em",
        "sender_setup_link_subdomain": "links",
        "sender_setup_reverse_dns_subdomain": "email",
        "sender_setup_default": True,
        "sender_setup_link_default": True,
        "sender_setup_subusers": list(SENDER_SUBUSERS),
        "sender_setup_dns_mode": "tasks",
        "sender_setup_dns_tasks_file": str(PUBLISHER),
        # The simulator's DNS table is not a DNS server, so the DNS check has nobody to ask.
        "sender_setup_dns_check": False,
        "sender_setup_validate_timeout": 30,
        "sender_setup_validate_delay": 1,
        "sender_setup_zone_file": str(zone_file),
    }


@dataclass
class Scenario:
    key: str
    title: str
    playbook: Path
    extra: dict = field(default_factory=dict)
    args: tuple = ()
    # When True the run must report changed=0 in its recap.
    no_change: bool = False


def budget_scenarios(workdir: Path) -> list:
    return [
        Scenario("setup", "Full sender setup from nothing", PLAYBOOKS / "sender_setup.yml"),
        Scenario("rerun", "The same run again (no change)", PLAYBOOKS / "sender_setup.yml", no_change=True),
        Scenario("check", "The same in check mode (`--check --diff`)", PLAYBOOKS / "sender_setup.yml", args=("--check", "--diff"),
                 no_change=True),
        Scenario("audit", "Audit (`playbooks/audit.yml`)", PLAYBOOKS / "audit.yml", {"audit_report_dir": str(workdir / "audit-reports")}),
        Scenario("teardown", "Teardown (`playbooks/teardown.yml`, confirmed)", PLAYBOOKS / "teardown.yml",
                 {"sender_setup_teardown_confirm": True}),
        Scenario("teardown_again", "Teardown again (nothing left)", PLAYBOOKS / "teardown.yml", {"sender_setup_teardown_confirm": True},
                 no_change=True),
    ]


def prepare_sender_account(sim) -> None:
    """An empty account with the sender's dedicated IPs and subusers."""
    sim.reset()
    sim.clear_requests()
    sim.clear_faults()
    sim.clear_dns()
    sim.add_ips(list(SENDER_IPS))
    sim.add_subusers(*SENDER_SUBUSERS)


@dataclass
class BudgetResult:
    scenario: Scenario
    count: Count
    run: PlaybookRun


def run_budget(sim, workdir: Path, on_result=None, before=None) -> list:
    """Run every budget scenario in order on a fresh account; answer a ``BudgetResult`` per scenario.
    ``before(scenario)`` and ``on_result(result)`` are called around each run (the benchmark waits for an
    idle machine and reports progress there)."""
    prepare_sender_account(sim)
    base_vars = sender_vars(workdir / "zone" / ("%s.zone" % SENDER_DOMAIN))
    (workdir / "zone").mkdir(parents=True, exist_ok=True)
    results = []
    for scenario in budget_scenarios(workdir):
        if before is not None:
            before(scenario)
        sim.clear_requests()
        run = run_playbook(sim, scenario.playbook, workdir, dict(base_vars, **scenario.extra), scenario.args)
        result = BudgetResult(scenario, Count.of(sim.requests()), run)
        results.append(result)
        if on_result is not None:
            on_result(result)
    return results


# -- 2. scale: one lookup in an account of thousands ---------------------------------------------

SCALE_COUNTS = {"domains": 3000, "links": 3000, "reverse_dns": 1000, "pools": 100}
SCALE_SUBUSERS = tuple("perf-sub-%02d" % n for n in range(1, 11))
TARGET_DOMAIN = "perf-target.example.org"
# A name that SendGrid's domain search (a substring search) matches for every seeded entry
# (seed-NNNNN.example.net): the worst case of the domain lookup.
BROAD_DOMAIN = "example.net"
# Taken out of the seed range (198.18.0.0/15) before seeding, so the seeded entries 198.18.3.10-19 and
# 198.18.3.100-199 share its prefix: the reverse DNS list's ip filter is a prefix search.
TARGET_IP = "198.18.3.1"
TARGET_POOL = "perf-target-pool"


@dataclass
class Lookup:
    key: str
    title: str
    module: str
    args: dict
    on_behalf_of: Optional[str] = None


def scale_lookups(layout: str) -> list:
    """The module runs of one layout: ``account`` (everything in the parent) or ``subusers``."""
    if layout == "account":
        return [
            Lookup("domain", "authenticated domain `%s`" % TARGET_DOMAIN, "sendgrid_domain_auth",
                   {"domain": TARGET_DOMAIN, "subdomain": "em"}),
            Lookup("domain_broad", "authenticated domain `%s` (the search matches every entry)" % BROAD_DOMAIN, "sendgrid_domain_auth",
                   {"domain": BROAD_DOMAIN, "subdomain": "em"}),
            Lookup("link", "branded link `links.%s`" % TARGET_DOMAIN, "sendgrid_link_branding",
                   {"domain": TARGET_DOMAIN, "subdomain": "links"}),
            Lookup("reverse_dns", "reverse DNS of `%s`" % TARGET_IP, "sendgrid_reverse_dns",
                   {"ip": TARGET_IP, "domain": TARGET_DOMAIN, "subdomain": "email"}),
            Lookup("pool", "IP pool `%s`" % TARGET_POOL, "sendgrid_ip_pool", {"name": TARGET_POOL}),
        ]
    owner = SCALE_SUBUSERS[-1]
    return [
        Lookup("domain_username", "authenticated domain of subuser `%s`, from the parent (`username`)" % owner, "sendgrid_domain_auth",
               {"domain": TARGET_DOMAIN, "subdomain": "em", "username": owner}),
        Lookup("domain_obo", "authenticated domain, as the subuser (`on_behalf_of`)", "sendgrid_domain_auth",
               {"domain": TARGET_DOMAIN, "subdomain": "em"}, owner),
        Lookup("link_obo", "branded link, as the subuser", "sendgrid_link_branding", {"domain": TARGET_DOMAIN, "subdomain": "links"}, owner),
        Lookup("reverse_dns_obo", "reverse DNS of `%s`, as the subuser" % TARGET_IP, "sendgrid_reverse_dns",
               {"ip": TARGET_IP, "domain": TARGET_DOMAIN, "subdomain": "email"}, owner),
    ]


def _split(total: int, parts: int) -> list:
    return [total // parts + (1 if n < total % parts else 0) for n in range(parts)]


def prepare_scale(sim, layout: str, seeded: bool = True) -> dict:
    """Seed the account (``seeded=False``: the targets only) and create the targets last. Answers the
    number of objects of each kind in the account that each lookup searches."""
    sim.reset()
    sim.clear_requests()
    targets = {"domains": 2 if layout == "account" else 1, "links": 1, "reverse_dns": 1, "pools": 1}
    if layout == "account":
        sim.add_ips([TARGET_IP])
        if seeded:
            sim.seed(**{kind: total - targets[kind] for kind, total in SCALE_COUNTS.items()})
    else:
        sim.add_subusers(*SCALE_SUBUSERS)
        sim.add_ips([TARGET_IP], subusers=[SCALE_SUBUSERS[-1]])
        if seeded:
            shares = {kind: _split(total, len(SCALE_SUBUSERS)) for kind, total in SCALE_COUNTS.items()}
            for index, name in enumerate(SCALE_SUBUSERS):
                counts = {kind: shares[kind][index] for kind in SCALE_COUNTS}
                if index == len(SCALE_SUBUSERS) - 1:
                    counts = {kind: count - targets[kind] for kind, count in counts.items()}
                sim.seed(account=name, **counts)
    return {kind: (SCALE_COUNTS[kind] if seeded else targets[kind]) for kind in SCALE_COUNTS}


def _lookup_args(lookup: Lookup) -> dict:
    args = dict(lookup.args)
    if lookup.on_behalf_of:
        args["on_behalf_of"] = lookup.on_behalf_of
    return args


def create_targets(sim, layout: str, workdir: Path) -> None:
    """The objects the lookups look for, created by the modules themselves after the seed (end of each list)."""
    for lookup in scale_lookups(layout):
        if lookup.key == "domain_obo":
            continue  # the same entry as domain_username: the parent creates it for the subuser
        result = run_module(sim, lookup.module, _lookup_args(lookup), workdir)[1]
        if result.get("failed"):
            raise RuntimeError("creating the target of %s failed: %s" % (lookup.key, result.get("msg")))


@dataclass
class LookupResult:
    lookup: Lookup
    count: Count
    seconds: list
    items: int
    result: dict

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def read_items(sim, count: Count) -> int:
    """How many list items the lookup's GETs returned (replayed with the same query and account)."""
    items = 0
    for entry in count.requests:
        if entry["write"]:
            continue
        url = sim.base_url + entry["path"]
        if entry.get("query"):
            url += "?" + urllib.parse.urlencode(entry["query"], doseq=True)
        account = entry.get("account")
        headers = sim.auth_headers(on_behalf_of=account if account and account != "parent" else None)
        request = urllib.request.Request(url, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                body = json.loads(response.read() or b"null")
        except urllib.error.HTTPError:
            continue
        items += len(body) if isinstance(body, list) else (1 if body else 0)
    return items


def measure_lookup(sim, lookup: Lookup, workdir: Path, repeat: int = 1) -> LookupResult:
    """Run the no-change lookup ``repeat`` times; the count is the first run's (all runs must agree)."""
    counts, seconds, result = [], [], {}
    for _round in range(repeat):
        sim.clear_requests()
        elapsed, result = run_module(sim, lookup.module, _lookup_args(lookup), workdir)
        counts.append(Count.of(sim.requests()))
        seconds.append(elapsed)
    first = counts[0]
    if any((c.reads, c.writes) != (first.reads, first.writes) for c in counts):
        raise RuntimeError("%s: the request count differs between identical runs: %s" % (lookup.key, [(c.reads, c.writes) for c in counts]))
    items = read_items(sim, first)
    sim.clear_requests()
    return LookupResult(lookup, first, seconds, items, result)


def run_scale(sim, layout: str, workdir: Path, repeat: int = 1, seeded: bool = True) -> tuple[dict, list]:
    sizes = prepare_scale(sim, layout, seeded)
    create_targets(sim, layout, workdir)
    return sizes, [measure_lookup(sim, lookup, workdir, repeat) for lookup in scale_lookups(layout)]
