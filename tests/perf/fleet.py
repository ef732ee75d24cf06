# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Part 5 of the benchmark, "fleet" (issue 17): senders by the number, the per-host path against the fleet path.

One inventory host per sender (the documented pattern), each with its own domain, IP, reverse DNS and link, ten
senders to an IP pool (SendGrid allows 100 pools per account), all in the parent account. For each size: the
senders are set up once, then ``playbooks/sender_setup.yml`` (no change)
and ``playbooks/audit.yml`` run with ``sender_setup_fleet`` off (per host) and on (one module run for all), counting
requests and wall time; and the first-time setup of ``FIRST_TIME`` senders on both paths. The per-host path is measured
up to ``PER_HOST_MAX`` senders (past that it takes many minutes per run on 2 cores; its requests grow by the same
four per sender).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from tests.support import scenarios

PER_HOST_MAX = 50
FIRST_TIME = 50
FORKS = 10


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


def run(sim, playbook: str, senders: int, workdir: Path, fleet: bool, check: bool = False) -> dict:
    path = inventory(senders, workdir, fleet)
    sim.clear_requests()
    args = ["--forks", str(FORKS)] + (["-e", "audit_report_dir=%s" % (workdir / "reports")] if playbook == "audit.yml" else [])
    result = scenarios.run_playbook(sim, scenarios.PLAYBOOKS / playbook, workdir, {"sendgrid_hosts": "senders"}, args=args, inventory=str(path))
    count = scenarios.Count.of(sim.requests())
    failed = sum(host["failed"] for host in result.recap.values())
    if result.rc != 0 and playbook != "audit.yml":
        raise RuntimeError("%s of %d senders (%s) failed:\n%s" % (playbook, senders, "fleet" if fleet else "per host", result.describe()))
    return {"seconds": result.seconds, "reads": count.reads, "writes": count.writes, "hosts": len(result.recap), "failed": failed,
            "changed": sum(host["changed"] for host in result.recap.values())}


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
            row[label] = {"setup": run(sim, "sender_setup.yml", senders, workdir, fleet), "audit": run(sim, "audit.yml", senders, workdir, fleet)}
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
