# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The README's main command (`make demo`): a sender set up from nothing against the simulator.

Starts the bundled SendGrid simulator, gives its account two dedicated IPs, runs
playbooks/sender_setup.yml for demo-sender.example.com twice (the second run must change nothing
and send no write request), prints the zone-file snippet, and stops the simulator.

By default it runs this checkout. To run it against an installed collection instead (the release check
`make artifact` does), set
  MAILOPS_COLLECTIONS_PATH  a collections path holding ansible_collections/mailops/sendgrid (for example
                            what `ansible-galaxy collection install -p DIR` wrote); its playbooks are run
  MAILOPS_PYTHON            the Python of the environment that runs Ansible: ansible-playbook next to it
                            runs the playbooks and it runs the modules (default: this Python)
The simulator always runs with this Python from this checkout.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.simulator.control import start_simulator
from tests.support.collection import collections_path

REPO = Path(__file__).resolve().parents[2]
BUILD = REPO / ".build"
DEMO_KEY = "SG.demo-key-not-a-real-secret"
DEMO_IPS = ["192.0.2.10", "192.0.2.11"]


def ansible_python():
    return os.environ.get("MAILOPS_PYTHON") or sys.executable


def playbooks_dir():
    """The playbooks of the collection that runs: the installed one, or this checkout's."""
    if os.environ.get("MAILOPS_COLLECTIONS_PATH"):
        installed = Path(os.environ["MAILOPS_COLLECTIONS_PATH"]) / "ansible_collections" / "mailops" / "sendgrid" / "playbooks"
        if not installed.is_dir():
            raise SystemExit("demo: MAILOPS_COLLECTIONS_PATH=%s holds no mailops.sendgrid collection" % os.environ["MAILOPS_COLLECTIONS_PATH"])
        return installed
    return REPO / "playbooks"


def run_playbook(env, title):
    print("\n=== %s ===" % title, flush=True)
    playbooks = playbooks_dir()
    command = [
        str(Path(ansible_python()).parent / "ansible-playbook"),
        str(playbooks / "sender_setup.yml"),
        "-e",
        "@" + str(playbooks / "demo" / "vars.yml"),
    ]
    process = subprocess.Popen(command, cwd=str(REPO), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output = []
    for line in process.stdout:
        output.append(line)
        sys.stdout.write(line)
    sys.stdout.flush()
    rc = process.wait()
    recap = re.search(r"ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", "".join(output))
    if rc != 0 or recap is None:
        raise SystemExit("demo: %s failed (exit code %s)" % (title, rc))
    return int(recap.group(2))


def main():
    zone_file = BUILD / "demo" / "demo-sender.example.com.zone"
    zone_file.parent.mkdir(parents=True, exist_ok=True)
    with start_simulator(api_key=DEMO_KEY) as sim:
        print("SendGrid simulator listening on %s" % sim.base_url, flush=True)
        print("Collection: %s (playbooks in %s); Ansible: %s" % (collections_path(), playbooks_dir(), ansible_python()), flush=True)
        sim.add_ips(DEMO_IPS)
        env = dict(
            os.environ,
            SENDGRID_API_URL=sim.base_url,
            SENDGRID_API_KEY=DEMO_KEY,
            DEMO_ZONE_FILE=str(zone_file),
            ANSIBLE_COLLECTIONS_PATH=collections_path(),
            ANSIBLE_PYTHON_INTERPRETER=ansible_python(),
            ANSIBLE_LOCALHOST_WARNING="false",
            ANSIBLE_INVENTORY_UNPARSED_WARNING="false",
            ANSIBLE_DISPLAY_SKIPPED_HOSTS="false",
            ANSIBLE_RETRY_FILES_ENABLED="false",
            ANSIBLE_NOCOLOR="1",
        )
        run_playbook(env, "First run: from nothing to a validated sender")
        first_writes = sum(1 for r in sim.requests() if r["write"])
        sim.clear_requests()
        changed = run_playbook(env, "Second run: nothing left to do")
        second = sim.requests()
        writes = [r for r in second if r["write"]]
        violations = sim.violations()

    print("\n=== Zone-file snippet (%s) ===" % zone_file)
    print(zone_file.read_text())
    print("First run: %d write request(s) to SendGrid." % first_writes)
    print("Second run: changed=%d, %d request(s), %d write(s)." % (changed, len(second), len(writes)))
    problems = []
    if changed or writes:
        problems.append("the second run was not a no-op: changed=%d, writes=%s" % (changed, [(r["method"], r["path"]) for r in writes]))
    if violations:
        problems.append("requests that violate SendGrid's OpenAPI description: %s" % violations)
    if problems:
        raise SystemExit("demo: " + "; ".join(problems))
    print("Demo OK: demo-sender.example.com is authenticated, branded, reverse-DNS'd, in its own IP pool and validated.")


if __name__ == "__main__":
    main()
