# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The setup playbook through ansible-runner, the engine AWX and Automation Platform run jobs with.

Set up like an AWX job: a private data dir with the project (a playbook that imports the collection's
``mailops.sendgrid.sender_setup`` playbook by its name), an inventory, the job template's extra vars, and the
API key injected as an environment variable, as the credential type in docs/awx/credential_type.yml does.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from tests.support.collection import collections_path
from tests.support.sender_setup import DOMAIN, IPS, PUBLISHER, api_requests, no_change_reads, reads, sender_objects, writes

try:
    import ansible_runner
except ImportError:  # requirements-dev.txt has it; outside `make test` it may be missing
    ansible_runner = None


@pytest.fixture
def runner():
    if ansible_runner is None:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("CI=true, so this test must run, but ansible-runner is not installed (see requirements-dev.txt)")
        pytest.skip("ansible-runner is not installed (pip install ansible-runner, see requirements-dev.txt)")
    return ansible_runner


def private_data_dir(root):
    project = root / "project"
    project.mkdir(parents=True)
    # An AWX project that runs the collection's playbook, as a job template would point at it.
    (project / "sendgrid_sender.yml").write_text("---\n- name: SendGrid sender\n  ansible.builtin.import_playbook: mailops.sendgrid.sender_setup\n")
    inventory = root / "inventory"
    inventory.mkdir()
    (inventory / "hosts").write_text("localhost ansible_connection=local ansible_python_interpreter=%s\n" % sys.executable)
    return root


def run_job(runner, simulator, root, extravars):
    """One job: the credential's environment variables, the job template's extra vars."""
    return runner.run(
        private_data_dir=str(root),
        playbook="sendgrid_sender.yml",
        extravars=extravars,
        envvars={
            # What the "SendGrid API key" credential injects.
            "SENDGRID_API_KEY": simulator.api_key,
            "SENDGRID_API_URL": simulator.base_url,
            # What the execution environment provides: the collection and a Python with its requirements.
            "ANSIBLE_COLLECTIONS_PATH": collections_path(),
            "ANSIBLE_NOCOLOR": "1",
            # ansible-runner starts the ansible-playbook it finds on PATH: this venv's.
            "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
        },
        quiet=True,
    )


def module_events(job):
    """``(task action, event, changed)`` of every module result of the collection."""
    found = []
    for event in job.events:
        data = event.get("event_data") or {}
        if event.get("event") in ("runner_on_ok", "runner_on_failed") and data.get("task_action", "").startswith("mailops.sendgrid."):
            found.append((data["task_action"], event["event"], bool((data.get("res") or {}).get("changed"))))
    return found


def test_setup_playbook_runs_under_ansible_runner(simulator, runner, tmp_path):
    simulator.add_ips(IPS)
    extravars = {
        "sender_setup_domain": DOMAIN,
        "sender_setup_ips": IPS,
        "sender_setup_subdomain": "em",
        "sender_setup_link_subdomain": "links",
        "sender_setup_dns_mode": "tasks",
        "sender_setup_dns_tasks_file": str(PUBLISHER),
        "sender_setup_dns_check": False,
        "sender_setup_validate_timeout": 5,
        "sender_setup_validate_delay": 0.1,
    }
    root = private_data_dir(tmp_path / "job")

    job = run_job(runner, simulator, root, extravars)
    assert (job.status, job.rc) == ("successful", 0), job.stdout.read()
    assert job.stats["failures"] == {} and job.stats["changed"].get("localhost", 0) > 0
    events = module_events(job)
    # The role's input check, the playbook's fleet path: one sendgrid_senders run, each host's part
    # (sendgrid_sender_result), then the validation calls of the single modules for what is not valid yet.
    assert {action for action, _event, _changed in events} == {
        "mailops.sendgrid.sendgrid_sender_inputs",
        "mailops.sendgrid.sendgrid_senders",
        "mailops.sendgrid.sendgrid_sender_result",
        "mailops.sendgrid.sendgrid_reverse_dns",
        "mailops.sendgrid.sendgrid_domain_auth",
        "mailops.sendgrid.sendgrid_link_branding",
    }
    assert all(event == "runner_on_ok" for _action, event, _changed in events)
    assert ("mailops.sendgrid.sendgrid_senders", "runner_on_ok", True) in events
    assert ("mailops.sendgrid.sendgrid_domain_auth", "runner_on_ok", True) in events
    stats = [e for e in job.events if e.get("event") == "playbook_on_stats"]
    assert len(stats) == 1
    objects = sender_objects(simulator)
    assert [d["valid"] for d in objects["domains"]] == [True]
    assert [link["valid"] for link in objects["links"]] == [True]
    assert sorted(r["valid"] for r in objects["reverse_dns"]) == [True, True]
    assert {r["account"] for r in api_requests(simulator)} == {"parent"}  # the injected key authenticated every request

    # The key the credential injected never shows in what AWX keeps of a job: its events and its stdout.
    # (ansible-runner's own artifacts/<id>/command records the process environment, so it holds the key: AWX
    # does not keep that file.)
    kept = [path for path in (root / "artifacts").rglob("*") if path.is_file() and (path.parent.name == "job_events" or path.name == "stdout")]
    assert len(kept) > 10
    for path in kept:
        assert simulator.api_key not in path.read_text(errors="replace"), path
    assert simulator.api_key not in json.dumps(list(job.events))

    # The same job again: successful, nothing changed, nothing written.
    simulator.clear_requests()
    again = run_job(runner, simulator, root, extravars)
    assert (again.status, again.rc) == ("successful", 0)
    assert again.stats["changed"] == {}
    assert all(not changed for _action, _event, changed in module_events(again))
    assert writes(simulator) == []
    assert reads(simulator) == no_change_reads(pool=None)


def test_the_audit_report_reaches_the_job_artifacts(simulator, runner, tmp_path):
    # Under ansible-runner the report lands in the job's artifact directory and the summary in its stats (AWX keeps
    # both with the job), not in the directory the command was typed in.
    simulator.add_ips(IPS)
    root = private_data_dir(tmp_path / "private")
    (root / "project" / "sendgrid_audit.yml").write_text("---\n- name: Audit\n  ansible.builtin.import_playbook: mailops.sendgrid.audit\n")
    variables = {"sender_setup_domain": DOMAIN, "sender_setup_dns_check": False, "sender_setup_link_branding": False}
    job = runner.run(private_data_dir=str(root), playbook="sendgrid_audit.yml", extravars=variables, quiet=True, ident="audit1",
                     envvars={"SENDGRID_API_KEY": simulator.api_key, "SENDGRID_API_URL": simulator.base_url,
                              "ANSIBLE_COLLECTIONS_PATH": collections_path(), "ANSIBLE_NOCOLOR": "1",
                              "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])})
    assert job.status == "successful", job.stdout.read()[-3000:]
    artifacts = root / "artifacts" / "audit1"
    assert (artifacts / "audit-reports" / (DOMAIN + ".md")).exists()
    assert (artifacts / "audit-reports" / (DOMAIN + ".json")).exists()
    found = [event["event_data"].get("artifact_data") for event in job.events if event.get("event") == "playbook_on_stats"]
    assert (artifacts / "audit-reports" / "summary.md").exists() and (artifacts / "audit-reports" / "summary.html").exists()
    # Nothing was set up, so every object is missing: the audit says it drifted, and which objects are missing.
    stats = found[-1]["mailops_sendgrid_audit"][DOMAIN] if found else {}
    assert stats["drifted"] is True and "domain_auth" in stats["missing"] and stats["not_valid"] == []
    assert stats["summary"].endswith("audit-reports/summary.md")
