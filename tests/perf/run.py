# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The benchmark of mailops.sendgrid: ``python -m tests.perf`` (or ``make perf``).

Starts the simulator, runs the parts below and writes their tables into docs/performance.md
(sections that were not run keep what the file had). See tests/perf/README.md.

1. budget     requests per scenario of a sender's life cycle (reads and writes)
2. scale      one lookup in accounts of 3,000 domains, 3,000 links, 1,000 reverse DNS, 100 pools
3. overhead   a no-change role run against the same tasks calling a trivial built-in module
4. ratelimit  twenty senders in parallel against a simulator that allows N requests per second
5. fleet      1 to 500 senders, per-host path against the fleet path (sender_setup_fleet), no-change setup and audit
6. fleet_profile  where a no-change fleet run of 50 senders spends its time, task by task, against the same tasks as debug
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from tests.perf import fleet, overhead, ratelimit
from tests.support import scenarios
from tests.simulator.control import start_simulator

REPO = scenarios.REPO
SECTIONS = ("budget", "scale", "overhead", "ratelimit", "fleet", "fleet_profile")
FLEET_SIZES = (1, 20, 50, 200, 500)
API_KEY = "SG.perf-key-not-a-secret"
OVERHEAD_TARGET = 1.3
RATE_TARGET = 1.5


def log(message: str) -> None:
    print("[perf %s] %s" % (time.strftime("%H:%M:%S"), message), flush=True)


def fmt_s(seconds) -> str:
    return "—" if seconds is None else "%.2f s" % seconds


def wait_idle(ctx, what: str) -> None:
    """With --idle-load: wait (at most --idle-wait seconds) until the 1-minute load average drops to it."""
    if ctx.idle_load is None:
        return
    deadline = time.monotonic() + ctx.idle_wait
    if os.getloadavg()[0] > ctx.idle_load:
        log("waiting for a load average of %.1f or less before %s (now %.2f)" % (ctx.idle_load, what, os.getloadavg()[0]))
    while os.getloadavg()[0] > ctx.idle_load and time.monotonic() < deadline:
        time.sleep(5)
    if os.getloadavg()[0] > ctx.idle_load:
        log("load average still %.2f after %ds: measuring %s anyway" % (os.getloadavg()[0], ctx.idle_wait, what))


def git(*args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=str(REPO), capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        return ""


def stamp() -> str:
    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = " (with uncommitted changes)" if git("status", "--porcelain", "--untracked-files=no") else ""
    load = " ".join("%.2f" % value for value in os.getloadavg())
    return "Measured %s on commit `%s`%s; load average before: %s." % (
        datetime.datetime.now().strftime("%Y-%m-%d %H:%M"), commit, dirty, load)


def machine_facts() -> list:
    import ansible.release  # pylint: disable=import-outside-toplevel
    import requests  # pylint: disable=import-outside-toplevel

    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = "%.1f GiB" % (int(line.split()[1]) / 1024.0 / 1024.0)
                break
    except OSError:
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return [
        ("date", datetime.datetime.now().strftime("%Y-%m-%d %H:%M %Z").strip()),
        ("nproc", "%s (of %s CPUs)" % (usable, os.cpu_count())),
        ("CPU", cpu),
        ("memory", memory),
        ("OS", platform.platform()),
        ("python", "%s (%s)" % (platform.python_version(), sys.executable)),
        ("ansible-core", ansible.release.__version__),
        ("requests", requests.__version__),
        ("load average at start", " ".join("%.2f" % value for value in os.getloadavg())),
    ]


def table(header: list, rows: list, align: str = "") -> str:
    align = align or "l" * len(header)
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---:" if a == "r" else "---" for a in align) + "|"]
    for row in rows:
        lines.append("| " + " | ".join(str(cell) for cell in row) + " |")
    return "\n".join(lines)


def endpoints_cell(count: scenarios.Count) -> str:
    return "<br>".join("`%s`%s" % (name, " ×%d" % n if n > 1 else "") for name, n in count.endpoints().items()) or "none"


# -- 1. budget -----------------------------------------------------------------------------------


def section_budget(sim, ctx) -> str:
    log("budget: one sender's life cycle")

    def progress(result):
        log("  %-15s reads=%d writes=%d changed=%d rc=%d %.1fs" % (result.scenario.key, result.count.reads, result.count.writes,
                                                                   result.run.changed, result.run.rc, result.run.seconds))

    results = scenarios.run_budget(sim, ctx.workdir / "budget", on_result=progress,
                                   before=lambda scenario: wait_idle(ctx, "scenario %s" % scenario.key))
    violations = sim.violations()
    rows = []
    for result in results:
        rows.append([result.scenario.title, result.count.reads, result.count.writes, result.run.changed,
                     "ok" if result.run.rc == 0 else "**rc=%d**" % result.run.rc, fmt_s(result.run.seconds), endpoints_cell(result.count)])
    by_key = {result.scenario.key: result for result in results}
    rerun, check = by_key["rerun"], by_key["check"]
    lines = [
        "## 1. Request budget per scenario",
        "",
        stamp(),
        "",
        "One sender, `%s`: an IP pool with %d dedicated IPs, reverse DNS for both, domain authentication and link "
        "branding (both the default), subuser `%s` allowed to send with them, DNS records published into the simulator's "
        "DNS table (`sender_setup_dns_mode: tasks`), validation. The collection's own playbooks run with the same "
        "variables (`tests/support/scenarios.py`, `sender_vars`), one after the other on one account. Requests are counted "
        "from the simulator's request log: a read is a `GET`, a write anything else. Changed = the `changed` count of "
        "the play recap (the audit's are its report files, not SendGrid objects). Wall time: one run."
        % (scenarios.SENDER_DOMAIN, len(scenarios.SENDER_IPS), ", ".join(scenarios.SENDER_SUBUSERS)),
        "",
        table(["scenario", "reads", "writes", "changed", "result", "wall time", "requests"], rows, "lrrrlrl"),
        "",
        "Requests that break SendGrid's OpenAPI description: %d." % len(violations),
        "",
        "**Target**: a no-change run of the whole role makes exactly one read per managed object and zero writes. "
        "Managed objects here: %d — the pool, %d reverse DNS entries, the authenticated domain (its object lists its "
        "subusers), the branded link, and per listed subuser the link it uses (SendGrid's link object does not list its "
        "subusers; `GET /v3/whitelabel/links/subuser?username=` is the only way to know)."
        % (scenarios.MANAGED_OBJECTS, len(scenarios.SENDER_IPS)),
        "",
    ]
    for result in (rerun, check):
        verdict = "met" if (result.count.reads, result.count.writes) == (scenarios.MANAGED_OBJECTS, 0) else "**missed**"
        lines.append("- %s: %d reads, %d writes for %d managed objects — %s." % (
            result.scenario.title, result.count.reads, result.count.writes, scenarios.MANAGED_OBJECTS, verdict))
        repeated = result.count.repeated()
        if repeated:
            lines.append("  Sent more than once: %s." % ", ".join("`%s` ×%d" % item for item in repeated.items()))
    ctx.findings["budget"] = _budget_findings(by_key)
    return "\n".join(lines)


def _budget_findings(by_key) -> list:
    findings = []
    links = by_key["rerun"].count.endpoints().get("GET /v3/whitelabel/links", 0)
    if links > 1:
        findings.append(
            "**The no-change run reads the link list %d times.** Every `sendgrid_link_branding` call finds the link with "
            "one read of the list (`GET /v3/whitelabel/links?limit=3000`), so a no-change run of the role should make "
            "exactly one such call; look for a role step that calls the module again for something the first call "
            "could do (`roles/sender_setup/tasks/`)." % links)
    return findings


# -- 2. scale ------------------------------------------------------------------------------------


def section_scale(sim, ctx) -> str:
    rows = []
    checks = []
    measured = {}
    for layout in ("account", "subusers"):
        for seeded in (True, False):
            wait_idle(ctx, "scale")
            log("scale: layout %s, %s" % (layout, "seeded" if seeded else "targets only"))
            sizes, results = scenarios.run_scale(sim, layout, ctx.workdir / "scale", repeat=ctx.repeat, seeded=seeded)
            measured[(layout, seeded)] = (sizes, {result.lookup.key: result for result in results})
    sizes_note = {}
    for layout in ("account", "subusers"):
        sizes, seeded_results = measured[(layout, True)]
        empty_results = measured[(layout, False)][1]
        for key, result in seeded_results.items():
            empty = empty_results[key]
            list_size = _list_size(layout, key)
            get_limits = sorted({entry["query"].get("limit") for entry in result.count.requests if entry["method"] == "GET" and entry["query"].get("limit")})
            rows.append([
                "one account" if layout == "account" else "10 subusers",
                result.lookup.title,
                list_size,
                "%d / %d" % (result.count.reads, result.count.writes),
                result.items,
                ", ".join(get_limits) or "—",
                fmt_s(result.median),
                fmt_s(empty.median),
                "changed" if result.result.get("changed") else ("**failed**" if result.result.get("failed") else "unchanged"),
            ])
            checks.append((layout, key, result))
        sizes_note[layout] = sizes
    lines = [
        "## 2. Scale",
        "",
        stamp(),
        "",
        "The simulator is seeded (`POST /_simulator/seed`) with %s authenticated domains, %s branded links, %s reverse "
        "DNS entries and %s IP pools, in two layouts: **one account** (everything in the parent account the modules "
        "manage) and **10 subusers** (the same totals spread evenly over `perf-sub-01` … `perf-sub-10`; the parent "
        "sees all 3,000 domains of its subusers). The object each lookup looks for is created by the module itself "
        "after the seed, so it is the last of its list. Then one module run finds it and leaves it unchanged; the "
        "module is started the way AnsiballZ starts it (a fresh `python -m <module> args.json`), so the wall time is "
        "the whole module process including its imports, median of %d runs. \"Targets only\" is the same run in an "
        "account that holds only the targets."
        % ("{:,}".format(scenarios.SCALE_COUNTS["domains"]), "{:,}".format(scenarios.SCALE_COUNTS["links"]),
           "{:,}".format(scenarios.SCALE_COUNTS["reverse_dns"]), scenarios.SCALE_COUNTS["pools"], ctx.repeat),
        "",
        table(["layout", "lookup", "list it searches", "requests (reads / writes)", "items read", "`limit` sent", "module run, seeded",
               "module run, targets only", "result"], rows, "llrrrlrrl"),
        "",
        "**Targets**: domain and reverse-DNS lookups stay at one or two requests whatever the account size; link lookups "
        "use the largest page the API allows (3,000, SendGrid's maximum number of branded links per user, so one "
        "request is the whole list).",
        "",
    ]
    for layout, key, result in checks:
        verdict = _scale_verdict(key, result)
        if verdict:
            lines.append("- %s (%s): %s" % (result.lookup.title, "one account" if layout == "account" else "10 subusers", verdict))
    ctx.findings["scale"] = _scale_findings(measured)
    return "\n".join(lines)


def _list_size(layout: str, key: str) -> str:
    counts = scenarios.SCALE_COUNTS
    if layout == "account":
        return {"domain": "%d domains (search `domain=`)" % counts["domains"], "domain_broad": "%d domains (search `domain=`)" % counts["domains"],
                "link": "%d links (no filter)" % counts["links"], "reverse_dns": "%d entries (prefix `ip=`)" % counts["reverse_dns"],
                "pool": "%d pools (by name)" % counts["pools"]}[key]
    share = {kind: total // len(scenarios.SCALE_SUBUSERS) for kind, total in counts.items()}
    return {"domain_username": "%d domains of all subusers (`username=`)" % counts["domains"],
            "domain_obo": "%d domains (search `domain=`)" % share["domains"], "link_obo": "%d links (no filter)" % share["links"],
            "reverse_dns_obo": "%d entries (prefix `ip=`)" % share["reverse_dns"], "pool_obo": "%d pools (by name)" % share["pools"]}[key]


def _scale_verdict(key: str, result) -> str:
    requests = result.count.reads + result.count.writes
    if result.result.get("failed") or result.result.get("changed"):
        return "**the run did not leave the object unchanged** (%s)" % (result.result.get("msg") or "changed")
    if key.startswith(("domain", "reverse_dns")):
        if requests <= 2:
            return "%d request(s) — met." % requests
        return "%d requests — **missed** (see the findings)." % requests
    if key.startswith("link"):
        limits = {entry["query"].get("limit") for entry in result.count.requests if entry["path"] == "/v3/whitelabel/links"}
        return "%d request(s) with `limit=%s` — %s." % (requests, ",".join(sorted(limits)), "met" if limits == {"3000"} and requests == 1 else "**missed**")
    return "%d request(s)." % requests


def _scale_findings(measured) -> list:
    findings = []
    broad = measured[("account", True)][1].get("domain_broad")
    if broad is not None and broad.count.reads > 2:
        findings.append(
            "**Domain lookups are one request only while the name is not a substring of many other entries.** SendGrid's "
            "`domain=` filter is a search, not an exact match: looking up `%s` in an account whose 3,000 entries are all "
            "`*.%s` pages through every one of them (%d requests of `limit=500`, %d items read). It is the worst case, "
            "but a real one for agencies that authenticate `example.com` next to `eu.example.com`, `mail.example.com`, … "
            "The module cannot filter better (the API has no exact filter); what it could do is ask for bigger pages. "
            "SendGrid documents no maximum `limit` for this list, so 500 is a safe choice; if the live API accepts more "
            "(e.g. 3,000, the per-user maximum of domains), one request would always do. Not changed here: it needs "
            "checking against the live API." % (scenarios.BROAD_DOMAIN, scenarios.BROAD_DOMAIN, broad.count.reads, broad.items))
    link = measured[("account", True)][1].get("link")
    warnings = (link.result.get("warnings") or []) if link is not None else []
    if warnings:
        findings.append(
            "**`sendgrid_link_branding` warned while it found an existing link in a full account:** %s. A lookup that "
            "finds its link needs no warning, whatever the size of the list." % "; ".join(warnings))
    return findings


# -- 3. overhead ---------------------------------------------------------------------------------


def section_overhead(sim, ctx) -> str:
    workdir = ctx.workdir / "overhead"
    if workdir.exists():
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True)
    log("overhead: set up the sender, then trace a no-change run")
    scenarios.prepare_sender_account(sim)
    sender = scenarios.sender_vars(workdir / "sender.zone")
    role_playbook = scenarios.PLAYBOOKS / "sender_setup.yml"
    overhead.run_timed(sim, role_playbook, workdir, sender)
    trace_file, remote_tmp = workdir / "trace-role.jsonl", workdir / "remote-tmp"
    sim.clear_requests()
    wait_idle(ctx, "the traced run")
    overhead.run_timed(sim, role_playbook, workdir, sender, env=overhead.trace_env(trace_file, remote_tmp))
    if any(entry["write"] for entry in sim.requests()):
        raise RuntimeError("the traced role run was not a no-change run")
    trace = overhead.read_trace(trace_file)
    summary = overhead.trace_summary(trace)
    floor_debug = overhead.write_playbook(workdir / "floor-debug.yml", overhead.floor_playbook(trace, "debug"))
    floor_ping = overhead.write_playbook(workdir / "floor-ping.yml", overhead.floor_playbook(trace, "ping"))
    empty = overhead.write_playbook(workdir / "empty.yml", overhead.EMPTY_PLAYBOOK)
    ping_trace_file = workdir / "trace-ping.jsonl"
    wait_idle(ctx, "the traced ping floor")
    overhead.run_timed(sim, floor_ping, workdir, env=overhead.trace_env(ping_trace_file, remote_tmp))
    ping_trace = overhead.read_trace(ping_trace_file)

    variants = [("default", {})]
    if not ctx.quick:
        variants.append(("pipelining", {"ANSIBLE_PIPELINING": "1"}))
    runs = {}
    order = [("role", role_playbook, sender), ("debug", floor_debug, None), ("ping", floor_ping, None), ("empty", empty, None)]
    for variant, env in variants:
        for round_number in range(ctx.repeat):
            wait_idle(ctx, "an overhead round")
            log("overhead: %s round %d/%d" % (variant, round_number + 1, ctx.repeat))
            shift = round_number % len(order)
            for name, playbook, extra in order[shift:] + order[:shift]:
                runs.setdefault((variant, name), []).append(overhead.run_timed(sim, playbook, workdir, extra, env=env))

    def med(variant, name):
        return statistics.median(runs[(variant, name)])

    labels = {
        "role": "no-change run of the role (`playbooks/sender_setup.yml`)",
        "ping": "same tasks; those that ran a module call `ansible.builtin.ping`, the others `debug`",
        "debug": "same tasks, every one calls `ansible.builtin.debug`",
        "empty": "empty play (`ansible-playbook` start-up)",
    }
    rows = []
    for variant, _label in variants:
        for name in ("role", "ping", "debug", "empty"):
            values = runs[(variant, name)]
            rows.append([variant, labels[name], fmt_s(statistics.median(values)), fmt_s(min(values)), fmt_s(max(values)),
                         "%.2f×" % statistics.median(value / base for value, base in zip(values, runs[(variant, "debug")])),
                         "%.2f×" % statistics.median(value / base for value, base in zip(values, runs[(variant, "ping")]))])

    def round_ratio(variant, floor):
        # Per round (the runs of one round are back to back, so they share the machine's load), then the median.
        return statistics.median(role / base for role, base in zip(runs[(variant, "role")], runs[(variant, floor)]))

    ratio_debug = round_ratio("default", "debug")
    ratio_ping = round_ratio("default", "ping")
    paired = [["`%s`" % action, tasks, fmt_s(role_s), fmt_s(floor_s), "%+.2f s" % (role_s - floor_s)]
              for action, tasks, role_s, floor_s in overhead.paired_difference(trace, ping_trace)]

    wait_idle(ctx, "the module start-up profile")
    log("overhead: AnsiballZ payloads, module process times, imports")
    payloads = overhead.kept_payloads(remote_tmp)
    payload_rows, import_rows, process = [], [], {}
    ordered = ["ping"] + sorted(name for name in payloads if name.startswith("sendgrid_"))
    fqns = {"ping": "ansible.modules.ping"}
    fqns.update({name: "%s.%s" % (scenarios.MODULE_PACKAGE, name) for name in ordered if name != "ping"})
    builds = overhead.build_times([fqns[name] for name in ordered if name in payloads], ctx.repeat)
    sim.clear_requests()
    for name in ordered:
        path = payloads.get(name)
        if path is None:
            continue
        facts = overhead.payload_facts(path)
        process[name] = statistics.median(overhead.time_payload(path, ctx.repeat))
        build = builds.get(fqns[name])
        payload_rows.append([
            "`%s`" % name, "{:,}".format(facts["file_bytes"]), facts["files"], "{:,}".format(facts["source_bytes"]),
            "%d files, {:,} B ({:,} B zipped)".format(facts["collection_source_bytes"], facts["collection_zip_bytes"])
            % facts["collection_files"],
            "—" if build is None else "%.0f ms" % build,
            fmt_s(process[name]),
        ])
        profile = overhead.import_profile(path, ctx.repeat)
        import_rows.append(["`%s`" % name] + ["%.0f" % profile[label] for label, _matches in overhead.IMPORT_GROUPS] + ["%.0f" % profile["total"]])
    if any(entry["write"] for entry in sim.requests()):
        raise RuntimeError("a kept AnsiballZ module wrote to the simulator: not a no-change run")
    requests_ms = overhead.import_cost("import requests", ctx.repeat)
    urls_ms = overhead.import_cost("import ansible.module_utils.urls", ctx.repeat)

    lines = [
        "## 3. Overhead",
        "",
        stamp(),
        "",
        "The sender of part 1 is set up, then its no-change run is traced (`tests/perf/callback_plugins/perf_trace.py`: "
        "every task with its action, loop items, status and duration). From the trace two floor playbooks are written "
        "with the same %d tasks, the same loop items and the same skipped tasks: one where every task calls "
        "`ansible.builtin.debug` (a controller-side action, no module process at all), and one where the %d tasks that "
        "ran a module (%d module runs: this collection's modules, `template` for the zone file, `uri` of the demo DNS "
        "publisher) call `ansible.builtin.ping` instead — Ansible's floor for a task that runs a module. They run side "
        "by side, in rotated order, %d rounds; the table has the median, min and max wall time of the whole "
        "`ansible-playbook` process. `pipelining` is the same with `ANSIBLE_PIPELINING=1`."
        % (summary["tasks"], summary["module_tasks"], summary["module_items"], ctx.repeat),
        "",
        table(["variant", "playbook", "median", "min", "max", "vs debug floor", "vs ping floor"], rows, "llrrrrr"),
        "",
        "The ratios are medians of the per-round ratios (the runs of one round share the machine's load).",
        "",
        "**Target**: at most %.1f× the floor. Measured: **%.2f×** the `debug` floor and **%.2f×** the `ping` floor — %s."
        % (OVERHEAD_TARGET, ratio_debug, ratio_ping,
           "met" if ratio_debug <= OVERHEAD_TARGET else "**missed** against the debug floor, %s against the ping floor"
           % ("met" if ratio_ping <= OVERHEAD_TARGET else "**missed**")),
        "",
        "Where the difference to the ping floor is (the traced role run and a traced run of the ping floor, task by "
        "task, summed by the role task's action; one run each, so only a rough split):",
        "",
        table(["role task's action", "tasks", "role run", "ping floor", "difference"], paired, "lrrrr"),
        "",
        "### Module start-up",
        "",
        "The AnsiballZ files of the traced run were kept (`ANSIBLE_KEEP_REMOTE_FILES=1`) and are run again directly "
        "while the simulator still holds the sender, so each is a real no-change module process (median of %d). "
        "\"Build\" is the controller's time to find and zip the module's module_utils (`recursive_finder`), which "
        "Ansible caches for one `ansible-playbook` run only: every run pays it once per distinct module." % ctx.repeat,
        "",
        table(["module", "AnsiballZ file (B)", "files in zip", "source in zip (B)", "this collection's files", "build", "module process"],
              payload_rows, "lrrrlrr"),
        "",
        "Import time inside those processes (`python -X importtime`, self time summed per group, milliseconds, median "
        "of %d). Everything but `requests` and its dependencies comes from the AnsiballZ zip and is compiled on every "
        "run; `requests` comes from site-packages with cached bytecode." % ctx.repeat,
        "",
        table(["module"] + [label for label, _matches in overhead.IMPORT_GROUPS] + ["total"], import_rows, "l" + "r" * (len(overhead.IMPORT_GROUPS) + 1)),
        "",
        "What could be cut: `import requests` costs %.0f ms in a process that has already imported `AnsibleModule`; "
        "`ansible.module_utils.urls`, the dependency-free alternative, costs %.0f ms there (plus its compile from the zip "
        "on every run). `email.utils` and `ipaddress` (imported by `_api.py` and `_validators.py`) are already imported "
        "by `requests` and `AnsibleModule`, so importing them lazily would save nothing; this collection's own code is "
        "the first column above." % (requests_ms, urls_ms),
    ]
    own_ms = [float(row[1]) for row in import_rows if row[0] != "`ping`"]
    ctx.findings["overhead"] = _overhead_findings(summary, ping_trace, med, variants, process, builds, fqns, (requests_ms, urls_ms, own_ms))
    return "\n".join(lines)


def _overhead_findings(summary, ping_trace, med, variants, process, builds, fqns, imports) -> list:
    requests_ms, urls_ms, own_ms = imports
    ours = {action: data for action, data in summary["by_action"].items() if action.startswith("mailops.sendgrid.")}
    our_runs = sum(data["items"] for data in ours.values())
    our_seconds = sum(data["seconds"] for data in ours.values())
    ping_runs = [entry["seconds"] for entry in ping_trace if entry["action"] == "ansible.builtin.ping" and entry["seconds"]]
    ping_task = statistics.median(ping_runs) if ping_runs else None
    extra_process = [process[name] - process["ping"] for name in process if name != "ping" and "ping" in process]
    extra_process_ms = 1000 * statistics.median(extra_process) if extra_process else None
    build_ours = [builds[fqns[name]] for name in process if name != "ping" and fqns.get(name) in builds]
    findings = [
        "**A no-change run is bounded by Ansible's cost per module task, not by SendGrid or by this collection's "
        "code.** In the traced run the %d runs of this collection's modules took %s (%s each) where a `ping` task takes "
        "%s. Per run, the module process itself costs %s more than `ping` (its imports, mostly `requests`, and one HTTP "
        "round trip); each distinct module also costs one AnsiballZ build per `ansible-playbook` run (%s here, `ping` %s), "
        "and the role uses %d distinct modules where the ping floor uses one. The `debug` floor runs no module process "
        "at all: a run that has to read %d objects through modules cannot come near %.1f× of it on any machine."
        % (our_runs, fmt_s(our_seconds), fmt_s(our_seconds / our_runs) if our_runs else "—", fmt_s(ping_task),
           "—" if extra_process_ms is None else "%.0f ms (median over the modules)" % extra_process_ms,
           "%.0f–%.0f ms" % (min(build_ours), max(build_ours)) if build_ours else "not measured",
           "%.0f ms" % builds["ansible.modules.ping"] if "ansible.modules.ping" in builds else "not measured",
           len(ours) + sum(1 for action in summary["by_action"] if not action.startswith("mailops.") and action not in overhead.CONTROLLER_ACTIONS),
           scenarios.MANAGED_OBJECTS, OVERHEAD_TARGET),
        "**No cheap cut in module_utils.** Replacing `requests` by `ansible.module_utils.urls` would save about %.0f ms "
        "per module run (%.0f vs %.0f ms of imports) at the price of rewriting the HTTP client; the collection's own "
        "module and module_utils compile and import in %s per run." % (
            requests_ms - urls_ms, urls_ms, requests_ms, "%.0f–%.0f ms" % (min(own_ms), max(own_ms)) if own_ms else "—"),
    ]
    if len(variants) > 1:
        role_default, role_pipelining = med("default", "role"), med("pipelining", "role")
        change = (role_pipelining - role_default) / role_default * 100.0
        findings.append(
            "**Pipelining** (`ANSIBLE_PIPELINING=1`, or `pipelining = True` under `[connection]` in ansible.cfg; the module "
            "goes to Python on stdin instead of through a temporary file): the no-change role run took %s instead of %s "
            "(%+.0f%%): %s." % (fmt_s(role_pipelining), fmt_s(role_default), change,
                                "worth recommending for AWX/controller runs" if change < -5 else
                                ("no gain in this measurement" if change > 5 else "no measurable difference")))
    return findings


# -- 4. rate limit -------------------------------------------------------------------------------


def section_ratelimit(sim, ctx) -> str:
    workdir = ctx.workdir / "ratelimit"
    senders = ctx.senders
    log("ratelimit: %d senders without a limit" % senders)
    ratelimit.prepare_fleet(sim, senders)
    wait_idle(ctx, "the first fleet run")
    free_setup = ratelimit.run_fleet(sim, "setup", senders, workdir)
    wait_idle(ctx, "the next fleet run")
    free_rerun = ratelimit.run_fleet(sim, "rerun", senders, workdir)
    rate = ctx.rate_limit
    if rate is None:
        # The limit, not this machine, must be the bottleneck: ideal time about twice the unlimited run.
        rate = max(1, int((free_setup.count.reads + free_setup.count.writes) / (2.0 * free_setup.seconds)))
    log("ratelimit: %d senders at %d requests/s" % (senders, rate))
    ratelimit.prepare_fleet(sim, senders)
    wait_idle(ctx, "the next fleet run")
    limited_setup = ratelimit.run_fleet(sim, "setup", senders, workdir, rate)
    wait_idle(ctx, "the next fleet run")
    limited_rerun = ratelimit.run_fleet(sim, "rerun", senders, workdir, rate)
    runs = [free_setup, free_rerun, limited_setup, limited_rerun]
    if not ctx.quick:
        log("ratelimit: %d senders at %d requests/s, strategy free" % (senders, rate))
        ratelimit.prepare_fleet(sim, senders)
        wait_idle(ctx, "the next fleet run")
        runs.append(ratelimit.run_fleet(sim, "setup", senders, workdir, rate, strategy="free"))
    rows = []
    for run in runs:
        unlimited = free_setup if run.label == "setup" else free_rerun
        bound = max(run.ideal or 0.0, unlimited.seconds)
        rows.append([
            "set up from nothing" if run.label == "setup" else "again (no change)",
            run.strategy,
            "none" if not run.rate_limit else "%d/s" % run.rate_limit,
            run.count.reads + run.count.writes,
            run.count.throttled,
            "%.2f" % per_served(run),
            "%d of %d" % (run.failed, run.hosts) if run.failed else "0",
            fmt_s(run.seconds),
            fmt_s(run.ideal),
            "%.2f×" % run.ratio if run.ratio else "—",
            "%.2f×" % (run.seconds / bound) if run.rate_limit else "—",
            ("%s / %s" % (fmt_s(run.api_seconds), fmt_s(run.other_seconds))) if run.api_seconds is not None else "—",
        ])
    verdict = limited_setup.ratio is not None and limited_setup.ratio <= RATE_TARGET and limited_setup.failed == 0
    lines = [
        "## 4. Rate limit",
        "",
        stamp(),
        "",
        "%d senders set up in parallel: one inventory host each (`ansible_connection=local`), each with its own domain, "
        "dedicated IP, pool, reverse DNS and link (no default flags and no subusers, which one account's senders would "
        "fight over), `playbooks/sender_setup.yml` with `--forks %d`, on its default path (the fleet path: one "
        "`sendgrid_senders` run sends the requests of every sender, one after another). First without a limit (what this machine needs "
        "anyway), then with the simulator limited to **N = %d requests per second** (`POST /_simulator/rate_limit`; a fixed "
        "one-second window like SendGrid's, 429 with `X-RateLimit-Reset` beyond it). N was %s. Ideal = served requests "
        "/ N. \"vs bound\" compares with the larger of the ideal and the unlimited run's time. \"SendGrid tasks / other\" "
        "splits a linear run into the time of the tasks that call SendGrid and the rest (a task lasts until its last "
        "host answered)." % (senders, senders, rate, "given on the command line" if ctx.rate_limit else
                             "chosen so that the ideal time is about twice the unlimited set-up time"),
        "",
        table(["run", "strategy", "limit", "requests", "429 answers", "429 per served request", "failed hosts", "wall time", "ideal",
               "vs ideal", "vs bound", "SendGrid tasks / other"], rows, "lllrrrlrrrrl"),
        "",
        "**Target**: within %.1f× of the ideal, zero failures, at most one 429 per served request. Set-up run at %d/s: "
        "%s× the ideal, %d failed hosts, %.2f 429 answers per served request — %s."
        % (RATE_TARGET, rate, "%.2f" % limited_setup.ratio if limited_setup.ratio else "—", limited_setup.failed,
           per_served(limited_setup), "met" if verdict and per_served(limited_setup) <= 1.0 else "**missed**"),
    ]
    ctx.findings["ratelimit"] = _ratelimit_findings(limited_setup, runs)
    return "\n".join(lines)


def per_served(run) -> float:
    """429 answers per served request of a fleet run."""
    # reads and writes count served requests only (Count.of leaves the 429 answers out)
    return run.count.throttled / float(max(run.count.reads + run.count.writes, 1))


def _ratelimit_findings(limited_setup, runs) -> list:
    findings = []
    if limited_setup.api_seconds:
        efficiency = limited_setup.ideal / limited_setup.api_seconds if limited_setup.ideal else 0.0
        findings.append(
            "**The client keeps the limit busy; what is lost is Ansible's lock-step.** While the SendGrid tasks ran, "
            "requests were served at %.0f%% of the limit (%s of tasks for %s of ideal). The remaining time is the other "
            "tasks (set_fact, template, the DNS publisher, includes): with the default linear strategy every host waits "
            "for the slowest at each task, and no request flows meanwhile. `strategy: free` lets each host go on on its "
            "own and overlaps that with the other hosts' requests%s." % (
                100.0 * efficiency, fmt_s(limited_setup.api_seconds), fmt_s(limited_setup.ideal),
                "".join(" (%s, %.2f× the ideal, in the run above)" % (fmt_s(run.seconds), run.ratio)
                        for run in runs if run.strategy == "free" and run.ratio)))
    if limited_setup.count.throttled:
        findings.append(
            "**%d answers were 429 (%.2f per served request).** On the fleet path one module process sends every "
            "sender's requests, so each window past the limit costs one 429: the client waits out `X-RateLimit-Reset` "
            "(plus jitter) and sends the next request after it. On the per-host path (`sender_setup_fleet: false`) the "
            "module processes of the %d hosts take turns through a lock file after a 429 (`_rate_gate`, issue 13), so "
            "that a window also costs about one 429 instead of one per fork; measured on that path (commit `2e35aa5`, "
            "2 requests/s): 0.50 per served request, 1.32x the ideal; with jitter alone 2.46 (commit `b13dc01`), with "
            "neither 12.5." % (limited_setup.count.throttled, per_served(limited_setup), limited_setup.hosts))
    return findings


# -- 5. fleet ------------------------------------------------------------------------------------


def section_fleet(sim, ctx) -> str:
    workdir = ctx.workdir / "fleet"
    sizes = ctx.fleet_sizes
    results = fleet.measure(sim, sizes, workdir, log)
    plot_path = REPO / "docs" / "fleet-benchmark.png"
    plotted = fleet.plot(results, plot_path)
    one = results["sizes"].get(1, {})
    rows = []
    for senders in sorted(results["sizes"]):
        for label in ("per-host", "fleet"):
            runs = results["sizes"][senders].get(label)
            if not runs:
                rows.append(["%d" % senders, label, "not measured (over %d senders)" % fleet.PER_HOST_MAX, "", "", "", ""])
                continue
            base = one.get(label, {}).get("setup", {}).get("seconds")
            setup, audit = runs["setup"], runs["audit"]
            spread = setup.get("all_seconds") or [setup["seconds"]]
            rows.append(["%d" % senders, label, "%d / %d" % (setup["reads"], setup["writes"]),
                         "%.1f s (%.1f-%.1f)" % (setup["seconds"], min(spread), max(spread)),
                         "%.1fx" % (setup["seconds"] / base) if base else "", "%d / %d" % (audit["reads"], audit["writes"]), "%.1f s" % audit["seconds"]])
    first = results["first_time"]
    lines = [
        "## 5. Fleet",
        "",
        "Measured %s on commit `%s`; %d forks. One inventory host per sender (own domain, IP, reverse DNS, link; ten senders "
        "to a pool, as SendGrid allows 100 pools per account; all in the parent account), `sender_setup_dns_mode: none`, "
        "no validation. \"per-host\": `sender_setup_fleet: false`, each host "
        "calling the modules; \"fleet\": the bundled playbooks' default, one `sendgrid_senders` run for all hosts, then a few "
        "light tasks per host. The senders were set "
        "up before each size; the per-host path is measured up to %d senders. The no-change setup ran %d times: its wall "
        "time is the median run's (the fastest and slowest in brackets), and \"vs 1 sender\" compares medians; the audit ran "
        "once." % (
            time.strftime("%Y-%m-%d %H:%M"), git("rev-parse", "--short", "HEAD") or "unknown", fleet.FORKS, fleet.PER_HOST_MAX,
            fleet.SETUP_RUNS),
        "",
        table(["senders", "path", "no-change setup: reads / writes", "wall time", "vs 1 sender", "audit: reads / writes", "audit wall time"], rows),
        "",
        "First-time setup of %d senders: per host %.1f s (%d reads / %d writes), fleet %.1f s (%d reads / %d writes)." % (
            fleet.FIRST_TIME, first["per-host"]["seconds"], first["per-host"]["reads"], first["per-host"]["writes"],
            first["fleet"]["seconds"], first["fleet"]["reads"], first["fleet"]["writes"]),
        "",
        "![wall time and requests against senders](fleet-benchmark.png)" if plotted else "_No plot: matplotlib is not installed._",
    ]
    ctx.findings["fleet"] = _fleet_findings(results)
    return "\n".join(lines)


def _fleet_findings(results) -> list:
    sizes = results["sizes"]
    findings = []
    one = sizes.get(1, {}).get("fleet", {}).get("setup")
    one_per_host = sizes.get(1, {}).get("per-host", {}).get("setup")
    for senders, requests_max, seconds_max in ((50, 12, None), (500, 30, 60.0)):
        run = sizes.get(senders, {}).get("fleet", {}).get("setup")
        if not run or not one:
            continue
        requests = run["reads"] + run["writes"]
        if seconds_max is not None:
            met = requests <= requests_max and run["seconds"] <= seconds_max
            findings.append("**%d senders, no change, fleet: %d requests and %.1f s** (target: at most %d requests and under %.0f s) - %s." % (
                senders, requests, run["seconds"], requests_max, seconds_max, "met" if met else "**missed**"))
            continue
        # "3x the wall time of a 1-sender run": the issue measured its 1-sender run on the per-host path (the only one
        # then); the fleet path's own 1-sender run is reported beside it.
        verdicts = []
        for label, base in (("the per-host path's 1-sender run (the issue's baseline, ", one_per_host), ("the fleet path's own 1-sender run (", one)):
            if base:
                bound = 3 * base["seconds"]
                verdicts.append("against %s%.1f s, 3x = %.1f s): %s (%.1fx)" % (
                    label, base["seconds"], bound, "met" if requests <= requests_max and run["seconds"] <= bound else "**missed**",
                    run["seconds"] / base["seconds"]))
        findings.append("**%d senders, no change, fleet: %d requests and %.1f s** (target: at most %d requests and 3x the wall "
                        "time of a 1-sender run) - %s." % (senders, requests, run["seconds"], requests_max, "; ".join(verdicts)))
    return findings


# -- the document --------------------------------------------------------------------------------

# -- 6. where a fleet run's time goes -----------------------------------------------------------


PROFILE_SENDERS = 50


def section_fleet_profile(sim, ctx) -> str:
    workdir = ctx.workdir / "fleet-profile"
    wait_idle(ctx, "the fleet profile")
    result = fleet.profile(sim, PROFILE_SENDERS, workdir, log)
    total = sum(task["seconds"] for task in result["tasks"])
    rows = [[task["task"].split(" : ", 1)[-1], "%d" % task["hosts"], fmt_s(task["seconds"]), fmt_s(task["floor"]) if task["floor"] is not None else ""]
            for task in result["tasks"]]
    one, traced, floor = result["one"], result["run"], result["floor"]
    lines = [
        "## 6. Where a fleet run's time goes",
        "",
        "Measured %s on commit `%s`; %d forks. A no-change run of `playbooks/sender_setup.yml` (the fleet path) over the %d "
        "senders of part 5's inventory, traced task by task (`tests/perf/callback_plugins/perf_trace.py`; a task lasts from its "
        "start until its last host answered), then the same task list with every task an `ansible.builtin.debug` over the same "
        "hosts (a task that ran once runs once) and the same loop items: what Ansible itself costs for these tasks." % (
            time.strftime("%Y-%m-%d %H:%M"), git("rev-parse", "--short", "HEAD") or "unknown", fleet.FORKS, result["senders"]),
        "",
        table(["task", "hosts", "wall time", "as debug"], rows),
        "",
        "Whole run: %s (%d requests; the tasks above add up to %s), the debug floor of the same tasks %s, one sender %s "
        "(the target for %d senders is 3x that: %s)." % (
            fmt_s(traced["seconds"]), traced["reads"] + traced["writes"], fmt_s(total), fmt_s(floor["seconds"]), fmt_s(one["seconds"]),
            result["senders"], fmt_s(3 * one["seconds"])),
    ]
    findings = []
    if floor["seconds"] > 3 * one["seconds"]:
        findings.append("Fleet, %d senders: even the same %d tasks as `debug` take %s, over 3x one sender (%s): with this many tasks a "
                        "host the target cannot be met by making the tasks cheaper; the fleet path needs fewer tasks a host." % (
                            result["senders"], len(result["tasks"]), fmt_s(floor["seconds"]), fmt_s(3 * one["seconds"])))
    slowest = sorted(result["tasks"], key=lambda task: task["seconds"] - (task["floor"] or 0.0), reverse=True)[:3]
    findings.append("Fleet, %d senders: the tasks that cost most over their debug floor: %s." % (
        result["senders"], "; ".join("%s (%s, as debug %s)" % (task["task"].split(" : ", 1)[-1], fmt_s(task["seconds"]), fmt_s(task["floor"] or 0.0))
                                     for task in slowest)))
    ctx.findings["fleet_profile"] = findings
    return "\n".join(lines)


RUNNERS = {"budget": section_budget, "scale": section_scale, "overhead": section_overhead, "ratelimit": section_ratelimit,
           "fleet": section_fleet, "fleet_profile": section_fleet_profile}


class Context:
    def __init__(self, args):
        self.workdir = Path(args.workdir)
        self.repeat = args.repeat
        self.quick = args.quick
        self.senders = args.senders
        self.rate_limit = args.rate_limit
        self.findings = {}
        self.idle_load = args.idle_load
        self.idle_wait = args.idle_wait
        self.fleet_sizes = tuple(int(n) for n in args.fleet_sizes.split(",") if n.strip())


def _block(name: str, body: str) -> str:
    return "<!-- perf:%s -->\n%s\n<!-- /perf:%s -->" % (name, body.strip(), name)


def _existing_blocks(text: str) -> dict:
    blocks = {}
    for name in SECTIONS + tuple("findings-%s" % section for section in SECTIONS):
        start, end = "<!-- perf:%s -->" % name, "<!-- /perf:%s -->" % name
        if start in text and end in text:
            blocks[name] = text.split(start, 1)[1].split(end, 1)[0].strip()
    return blocks


def render(out: Path, sections: dict, findings: dict, facts: list, command: str) -> str:
    old = _existing_blocks(out.read_text()) if out.exists() else {}
    parts = [
        "# Performance and scale",
        "",
        "<!-- Written by `python -m tests.perf` (make perf). Do not edit by hand: the next run overwrites it. -->",
        "",
        "What the collection costs: requests per scenario, lookups in accounts of thousands of objects, the time of a "
        "no-change run against Ansible's own floor, and twenty senders against a rate limit. Every number comes from "
        "the bundled SendGrid simulator (`tests/simulator/`) on the machine below; request counts are deterministic "
        "(and pinned by `tests/integration/test_request_budget.py`), times are not. How to run it: "
        "`tests/perf/README.md`.",
        "",
        "## Machine",
        "",
        "Last command: `%s`." % command,
        "",
        table(["", ""], [["**%s**" % key, value] for key, value in facts]),
        "",
    ]
    for name in SECTIONS:
        body = sections.get(name) or old.get(name) or "## %s\n\n_Not measured yet: `python -m tests.perf --only %s`._" % (
            {"budget": "1. Request budget per scenario", "scale": "2. Scale", "overhead": "3. Overhead", "ratelimit": "4. Rate limit",
             "fleet": "5. Fleet", "fleet_profile": "6. Where a fleet run's time goes"}[name], name)
        parts += [_block(name, body), ""]
    parts += ["## Findings", ""]
    for name in SECTIONS:
        if name in sections:
            body = "\n".join("- %s" % finding for finding in findings.get(name, [])) or "- Nothing to report from part %s." % name
        else:
            body = old.get("findings-%s" % name, "")
        if body:
            parts += [_block("findings-%s" % name, body), ""]
    return "\n".join(parts).rstrip() + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.perf", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default=",".join(SECTIONS), help="comma-separated parts to run (default: all): %s" % ", ".join(SECTIONS))
    parser.add_argument("--repeat", type=int, default=5, help="runs per timed measurement, the median is reported (default 5)")
    parser.add_argument("--senders", type=int, default=20, help="parallel senders of part 4 (default 20)")
    parser.add_argument("--rate-limit", type=int, default=None, metavar="N",
                        help="requests per second for part 4 (default: chosen so that the ideal time is twice the unlimited run's)")
    parser.add_argument("--idle-load", type=float, default=None, metavar="LOAD",
                        help="before each timed part, wait until the 1-minute load average is at most LOAD (default: do not wait)")
    parser.add_argument("--idle-wait", type=int, default=600, metavar="SECONDS", help="the longest such wait (default 600)")
    parser.add_argument("--fleet-sizes", default=",".join(str(n) for n in FLEET_SIZES), help="senders of part 5 (default %(default)s)")
    parser.add_argument("--quick", action="store_true", help="skip the pipelining and strategy-free variants")
    parser.add_argument("--out", default=str(REPO / "docs" / "performance.md"), help="the Markdown file to write (default docs/performance.md)")
    parser.add_argument("--workdir", default=str(REPO / ".build" / "perf"), help="scratch directory (default .build/perf)")
    args = parser.parse_args(argv)
    selected = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = [name for name in selected if name not in SECTIONS]
    if unknown:
        parser.error("unknown part(s) %s; choose from %s" % (", ".join(unknown), ", ".join(SECTIONS)))
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    ctx = Context(args)
    if ctx.workdir.exists():
        shutil.rmtree(ctx.workdir)
    ctx.workdir.mkdir(parents=True)
    facts = machine_facts()
    sections = {}
    started = time.perf_counter()
    with start_simulator(api_key=API_KEY) as sim:
        log("simulator at %s" % sim.base_url)
        for name in SECTIONS:
            if name in selected:
                sections[name] = RUNNERS[name](sim, ctx)
    facts.append(("load average at end", " ".join("%.2f" % value for value in os.getloadavg())))
    facts.append(("benchmark wall time", "%.0f s" % (time.perf_counter() - started)))
    command = "python -m tests.perf" + ("" if argv is None and len(sys.argv) <= 1 else " " + " ".join(argv if argv is not None else sys.argv[1:]))
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render(out, sections, ctx.findings, facts, command))
    log("wrote %s" % out)
    return 0
