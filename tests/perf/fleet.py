# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Part 5 of the benchmark, "fleet" (issue 17): senders by the number, the per-host path against the fleet path.

One inventory host per sender (the documented pattern), each with its own domain, IP, reverse DNS and link, ten
senders to an IP pool (SendGrid allows 100 pools per account), all in the parent account. For each size: the
senders are set up once, then ``playbooks/sender_setup.yml`` (no change, ``SETUP_RUNS`` times, the median reported)
and ``playbooks/audit.yml`` run with ``sender_setup_fleet`` off (per host) and on (one module run for all), counting
requests and wall time; and the first-time setup of ``FIRST_TIME`` senders on both paths. The per-host path is measured
up to ``PER_HOST_MAX`` senders (past that it takes many minutes per run on 2 cores; its requests grow by the same
four per sender).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from tests.perf import overhead
from tests.support import scenarios

PER_HOST_MAX = 50
FIRST_TIME = 50
FORKS = 10
# A no-change setup is timed this many times and the median run reported: one run of a few seconds varies by a tenth
# of its time on this machine, as much as what the targets compare.
SETUP_RUNS = 3


def ip_of(number: int) -> str:
    # 198.18.0.0/15 is the benchmarking range: enough addresses for 500 senders.
    return "198.18.%d.%d" % (number // 250, number % 250 + 1)


def inventory(senders: int, workdir: Path, fleet: bool) -> Path:
    shared = scenarios.sender_vars(Path("/dev/null"))
    for name in ("sender_setup_domain", "sender_setup_ips", "sender_setup_ip_pool"):
        shared.pop(name)
    shared.update({"sender_setup_default": None, "sender_setup_link_default": None, "sender_setup_subusers": [], "sender_setup_zone_file": "",
                   "sender_setup_dns_mode": "none", "sender_setup_validate": False, "sender_setup_fleet": fleet,
                   "ansible_connection": "local", "ansible_python_interpreter": sys.executable})
    hosts = {
        "sender%03d" % number: {"sender_setup_domain": "sender%03d.fleet.example.com" % number, "sender_setup_ips": [ip_of(number)],
                                # SendGrid allows 100 pools per account: ten senders share one.
                                "sender_setup_ip_pool": "pool-%02d" % ((number - 1) // 10)}
        for number in range(1, senders + 1)
    }
    workdir.mkdir(parents=True, exist_ok=True)
    path = workdir / ("fleet-%d-%s.json" % (senders, "fleet" if fleet else "per-host"))
    path.write_text(json.dumps({"senders": {"vars": shared, "hosts": hosts}}))
    return path


def run(sim, playbook, senders: int, workdir: Path, fleet: bool, check: bool = False, env=None) -> dict:
    """One run of a bundled playbook (a name) or of any playbook (a path) over ``senders`` inventory hosts."""
    path = inventory(senders, workdir, fleet)
    sim.clear_requests()
    args = ["--forks", str(FORKS)] + (["-e", "audit_report_dir=%s" % (workdir / "reports")] if playbook == "audit.yml" else [])
    playbook_path = scenarios.PLAYBOOKS / playbook if isinstance(playbook, str) else playbook
    result = scenarios.run_playbook(sim, playbook_path, workdir, {"sendgrid_hosts": "senders"}, args=args, inventory=str(path), env=env)
    count = scenarios.Count.of(sim.requests())
    failed = sum(host["failed"] for host in result.recap.values())
    if result.rc != 0 and playbook != "audit.yml":
        raise RuntimeError("%s of %d senders (%s) failed:\n%s" % (playbook, senders, "fleet" if fleet else "per host", result.describe()))
    return {"seconds": result.seconds, "reads": count.reads, "writes": count.writes, "hosts": len(result.recap), "failed": failed,
            "changed": sum(host["changed"] for host in result.recap.values())}


def median_run(runs: list) -> dict:
    """The run of median wall time, with every run's ``all_seconds`` (requests are the same in each no-change run)."""
    chosen = dict(sorted(runs, key=lambda result: result["seconds"])[len(runs) // 2])
    chosen["all_seconds"] = [result["seconds"] for result in runs]
    return chosen


def prepare(sim, senders: int):
    sim.reset()
    sim.add_ips([ip_of(number) for number in range(1, senders + 1)])


def measure(sim, sizes, workdir: Path, log) -> dict:
    """``{"sizes": {n: {path: {setup, audit}}}, "first_time": {path: {...}}}``."""
    results: dict = {"sizes": {}, "first_time": {}}
    for fleet in (False, True):
        label = "fleet" if fleet else "per-host"
        prepare(sim, FIRST_TIME)
        log("fleet: first-time setup of %d senders, %s" % (FIRST_TIME, label))
        results["first_time"][label] = run(sim, "sender_setup.yml", FIRST_TIME, workdir, fleet)
    for senders in sizes:
        prepare(sim, senders)
        log("fleet: setting up %d senders" % senders)
        run(sim, "sender_setup.yml", senders, workdir, True)
        row = {}
        for fleet in (False, True):
            if not fleet and senders > PER_HOST_MAX:
                continue
            label = "fleet" if fleet else "per-host"
            log("fleet: %d senders, no change and audit, %s" % (senders, label))
            setup = median_run([run(sim, "sender_setup.yml", senders, workdir, fleet) for _repeat in range(SETUP_RUNS)])
            row[label] = {"setup": setup, "audit": run(sim, "audit.yml", senders, workdir, fleet)}
        results["sizes"][senders] = row
    return results


def plot(results: dict, path: Path) -> bool:
    """Wall time and requests of a no-change setup against senders, both paths; False without matplotlib."""
    try:
        import matplotlib  # pylint: disable=import-outside-toplevel

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt  # pylint: disable=import-outside-toplevel
    except ImportError:
        return False
    sizes = sorted(results["sizes"])
    figure, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    for label, style in (("per-host", "o-"), ("fleet", "s-")):
        xs = [n for n in sizes if label in results["sizes"][n]]
        left.plot(xs, [results["sizes"][n][label]["setup"]["seconds"] for n in xs], style, label=label)
        right.plot(xs, [results["sizes"][n][label]["setup"]["reads"] + results["sizes"][n][label]["setup"]["writes"] for n in xs], style, label=label)
    left.set(title="No-change sender_setup.yml: wall time", xlabel="senders", ylabel="seconds")
    right.set(title="No-change sender_setup.yml: requests", xlabel="senders", ylabel="requests to SendGrid", yscale="log")
    for axes in (left, right):
        axes.grid(True, alpha=0.3)
        axes.legend()
    figure.tight_layout()
    figure.savefig(str(path), dpi=110)
    return True


def task_times(trace: list) -> list:
    """``[task, hosts, seconds]`` per task of a traced linear run, in order: a task lasts from its start until its last
    host answered (each result's ``seconds`` counts from the task's start)."""
    tasks: list = []
    for entry in trace:
        if not tasks or tasks[-1][0] != entry["task"]:
            tasks.append([entry["task"], 0, 0.0, entry])
        tasks[-1][1] += 1
        tasks[-1][2] = max(tasks[-1][2], entry["seconds"] or 0.0)
    return tasks


def floor_tasks(tasks: list) -> list:
    """The same tasks, each an ``ansible.builtin.debug`` over the same hosts (a task that ran on one host runs once) and
    the same loop items (the role's loop over every sender, run once, loops as often)."""
    plays = []
    for number, (name, hosts, _seconds, entry) in enumerate(tasks, 1):
        task = {"name": name, "ansible.builtin.debug": {"msg": "task %d" % number + (" item {{ item }}" if entry.get("items") is not None else "")}}
        if entry.get("items") is not None:
            task["loop"] = list(range(entry["items"]))
        if hosts == 1:
            task["run_once"] = True
        if entry["status"] == "skipped":
            task["when"] = False
        plays.append(task)
    return [{"name": "Floor", "hosts": "{{ sendgrid_hosts }}", "connection": "local", "gather_facts": False, "tasks": plays}]


def profile(sim, senders: int, workdir: Path, log) -> dict:
    """Where a no-change fleet run of ``senders`` spends its time: each task's wall time, the same task list as
    ``debug`` tasks over the same hosts (Ansible's floor for it), and a one-sender run for the target (3x)."""
    prepare(sim, senders)
    log("fleet profile: setting up %d senders" % senders)
    run(sim, "sender_setup.yml", senders, workdir, True)
    one = run(sim, "sender_setup.yml", 1, workdir, True)
    trace_file = workdir / "trace-fleet.jsonl"
    if trace_file.exists():
        trace_file.unlink()
    log("fleet profile: traced no-change run of %d senders" % senders)
    traced = run(sim, "sender_setup.yml", senders, workdir, True, env=overhead.trace_env(trace_file))
    if traced["writes"]:
        raise RuntimeError("the traced fleet run was not a no-change run")
    tasks = task_times(overhead.read_trace(trace_file))
    floor_playbook = overhead.write_playbook(workdir / "floor-fleet.yml", floor_tasks(tasks))
    floor_trace = workdir / "trace-floor.jsonl"
    if floor_trace.exists():
        floor_trace.unlink()
    log("fleet profile: the same tasks as debug tasks")
    floor = run(sim, floor_playbook, senders, workdir, True, env=overhead.trace_env(floor_trace))
    floor_times = {name: seconds for name, _hosts, seconds, _entry in task_times(overhead.read_trace(floor_trace))}
    return {"senders": senders, "one": one, "run": traced, "floor": floor,
            "tasks": [{"task": name, "hosts": hosts, "seconds": seconds, "floor": floor_times.get(name)} for name, hosts, seconds, _entry in tasks]}
