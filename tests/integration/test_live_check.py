# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""`make live-check` (tests/tools/live_check.py) through its real code path, pointed at a simulator as if it were
SendGrid: every step runs, the report holds no key, no ids and no names, and everything created is deleted."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.support.sender_setup import REPO
from tests.simulator.control import start_simulator

KEY = "SG.live-check-test-key-0123456789"
IP = "203.0.113.77"


def test_live_check_runs_every_step_writes_a_redacted_report_and_cleans_up(tmp_path):
    report = tmp_path / "report.md"
    with start_simulator(api_key=KEY) as sim:
        sim.add_ips([IP])
        env = dict(os.environ, SENDGRID_API_KEY=KEY + "\n", SENDGRID_API_URL=sim.base_url, LIVE_CHECK_DOMAIN="throwaway.example.net",
                   LIVE_CHECK_IP=IP, LIVE_CHECK_REPORT=str(report))
        proc = subprocess.run([sys.executable, "-m", "tests.tools.live_check"], cwd=str(REPO), env=env, capture_output=True,
                              text=True, timeout=300, check=False)
        state = sim.state()
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "0 answers differ in shape" in proc.stdout
    text = report.read_text()
    assert "| validate the authenticated domain | `POST /v3/whitelabel/domains/{id}/validate` | ok | same shape |" in text
    for secret in (KEY, "throwaway.example.net", IP, "1446440", "1000001"):
        assert secret not in text + proc.stdout + proc.stderr, secret
    assert state["domains"] == [] and state["links"] == [] and state["reverse_dns"] == [] and state["pools"] == []
