# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The audit report shown in docs/audit-report.md: ``python -m tests.tools.audit_example [OUT_DIR]``.

Against the simulator, three senders of one inventory: ``shop`` set up and untouched, ``news`` set up and then
changed behind the playbook's back (no longer the default domain, its branded link deleted), ``blog`` never set up.
Runs playbooks/audit.yml over all three and leaves its reports in OUT_DIR (default .build/audit-example): the
per-sender Markdown and JSON, summary.md, summary.json and summary.html (screenshot it with
``chromium --headless --screenshot=... summary.html``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import requests

from tests.simulator.control import start_simulator
from tests.support.collection import collections_path

REPO = Path(__file__).resolve().parents[2]
KEY = "SG.audit-example-not-a-secret"
SENDERS = {
    "shop": {"sender_setup_domain": "shop.example.com", "sender_setup_default": False},
    "news": {"sender_setup_domain": "news.example.com", "sender_setup_default": True},
    "blog": {"sender_setup_domain": "blog.example.com", "sender_setup_default": False},
}


def main(argv):
    out = Path(argv[0]) if argv else REPO / ".build" / "audit-example"
    out.mkdir(parents=True, exist_ok=True)
    inventory = out / "senders.json"
    hosts = {name: dict(values, sender_setup_reverse_dns=False, sender_setup_dns_check=False) for name, values in SENDERS.items()}
    inventory.write_text(json.dumps({"senders": {"hosts": hosts, "vars": {"ansible_connection": "local", "ansible_python_interpreter": sys.executable}}}))
    with start_simulator(api_key=KEY) as sim:
        env = dict(os.environ, SENDGRID_API_KEY=KEY, SENDGRID_API_URL=sim.base_url, ANSIBLE_COLLECTIONS_PATH=collections_path(),
                   ANSIBLE_NOCOLOR="1", ANSIBLE_STDOUT_CALLBACK="ansible.builtin.default")

        def playbook(name, *args):
            command = [str(Path(sys.executable).parent / "ansible-playbook"), "-i", str(inventory), str(REPO / "playbooks" / name)]
            return subprocess.run(command + list(args), env=env, cwd=str(REPO), capture_output=True, text=True, check=False)

        setup = playbook("sender_setup.yml", "-e", "sendgrid_hosts=senders", "-e", "sender_setup_dns_mode=none", "--limit", "shop,news")
        if setup.returncode != 0:
            raise SystemExit(setup.stdout[-3000:] + setup.stderr[-2000:])
        state = sim.state()
        news = [d for d in state["domains"] if d["domain"] == "news.example.com"][0]
        link = [item for item in state["links"] if item["domain"] == "news.example.com"][0]
        headers = sim.auth_headers()
        requests.patch(sim.url("/v3/whitelabel/domains/%d" % news["id"]), json={"default": False}, headers=headers, timeout=10).raise_for_status()
        requests.delete(sim.url("/v3/whitelabel/links/%d" % link["id"]), headers=headers, timeout=10).raise_for_status()
        audit = playbook("audit.yml", "-e", "sendgrid_hosts=senders", "-e", "audit_report_dir=%s" % out)
    print(audit.stdout[-1500:])
    print("reports in %s (audit exit status %d)" % (out, audit.returncode))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
