# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What a no-change run costs beyond Ansible's own floor, and where a module's start-up time goes.

- ``trace_run()`` runs the role once with the ``perf_trace`` callback (every task: action, loop items,
  status, duration) and keeps the AnsiballZ files (ANSIBLE_KEEP_REMOTE_FILES).
- ``floor_playbook()`` turns that trace into a playbook with the same tasks, loop items and skips whose
  tasks call a trivial built-in module instead: ``debug`` (no module process at all) or ``ping`` for the
  tasks that run a module (a real AnsiballZ module that does nothing).
- ``ansiballz_profile()`` runs the kept AnsiballZ files directly (wall time, ``python -X importtime``)
  and measures their payloads.
"""

from __future__ import annotations

import base64
import io
import json
import re
import statistics
import subprocess
import sys
import time
import zipfile
from pathlib import Path

from tests.support import scenarios

PERF_DIR = Path(__file__).resolve().parent
CALLBACKS = PERF_DIR / "callback_plugins"

# Actions that run on the controller only (no module process on the target).
CONTROLLER_ACTIONS = frozenset(
    "ansible.builtin.%s" % name
    for name in ("assert", "debug", "fail", "include_role", "include_tasks", "include_vars", "import_role", "import_tasks", "meta",
                 "set_fact", "set_stats", "validate_argument_spec")
)


def trace_env(trace_file: Path, remote_tmp=None) -> dict:
    env = {
        "ANSIBLE_CALLBACK_PLUGINS": str(CALLBACKS),
        "ANSIBLE_CALLBACKS_ENABLED": "perf_trace",
        "PERF_TRACE_FILE": str(trace_file),
    }
    if remote_tmp is not None:
        env.update({"ANSIBLE_KEEP_REMOTE_FILES": "1", "ANSIBLE_REMOTE_TMP": str(remote_tmp)})
    return env


def read_trace(trace_file: Path) -> list:
    return [json.loads(line) for line in trace_file.read_text().splitlines() if line.strip()]


def floor_playbook(trace: list, variant: str) -> list:
    """The traced run's tasks, each calling ``debug`` (variant ``debug``), or ``ping`` where the task ran a
    module (variant ``ping``); same names, loop items and skips."""
    tasks = []
    for number, entry in enumerate(trace, 1):
        runs_module = entry["action"] not in CONTROLLER_ACTIONS
        if variant == "ping" and runs_module:
            task = {"name": entry["task"], "ansible.builtin.ping": {}}
        else:
            message = "task %d" % number + (" item {{ item }}" if entry["items"] is not None else "")
            task = {"name": entry["task"], "ansible.builtin.debug": {"msg": message}}
        if entry["items"] is not None:
            task["loop"] = list(range(entry["items"]))
        if entry["status"] == "skipped":
            task["when"] = False
        tasks.append(task)
    return [{"name": "Floor (%s)" % variant, "hosts": "localhost", "connection": "local", "gather_facts": False, "tasks": tasks}]


EMPTY_PLAYBOOK = [{"name": "Empty", "hosts": "localhost", "connection": "local", "gather_facts": False, "tasks": []}]


def write_playbook(path: Path, plays: list) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    # JSON is YAML: no YAML library needed to write it.
    path.write_text(json.dumps(plays, indent=1) + "\n")
    return path


def trace_summary(trace: list) -> dict:
    """Counts and summed durations of the traced tasks by kind."""
    summary = {"tasks": len(trace), "skipped": 0, "module_tasks": 0, "module_items": 0, "module_seconds": 0.0, "controller_seconds": 0.0,
               "by_action": {}}
    for entry in trace:
        seconds = entry["seconds"] or 0.0
        runs_module = entry["action"] not in CONTROLLER_ACTIONS
        if entry["status"] == "skipped":
            summary["skipped"] += 1
        elif runs_module:
            summary["module_tasks"] += 1
            summary["module_items"] += entry["items"] or 1
        key = "module" if runs_module and entry["status"] != "skipped" else "controller"
        summary["%s_seconds" % key] += seconds
        action = summary["by_action"].setdefault(entry["action"], {"tasks": 0, "items": 0, "seconds": 0.0})
        action["tasks"] += 1
        action["items"] += entry["items"] or (0 if entry["status"] == "skipped" else 1)
        action["seconds"] += seconds
    return summary


def paired_difference(role_trace: list, floor_trace: list) -> list:
    """Task by task (the floor has the role's tasks in the same order): ``[action, tasks, role s, floor s]``
    summed per action of the role's task, largest difference first."""
    rows: dict = {}
    for role_entry, floor_entry in zip(role_trace, floor_trace):
        row = rows.setdefault(role_entry["action"], [role_entry["action"], 0, 0.0, 0.0])
        row[1] += 1
        row[2] += role_entry["seconds"] or 0.0
        row[3] += floor_entry["seconds"] or 0.0
    return sorted(rows.values(), key=lambda row: row[3] - row[2])


def build_times(modules: list, repeat: int) -> dict:
    """Milliseconds the controller needs to build a module's AnsiballZ zip (``recursive_finder``: find and
    zip every module_utils file), median of ``repeat``. Ansible caches it for one ``ansible-playbook`` run
    only, so every run pays it once per distinct module. Measured in a separate process (it installs
    Ansible's collection loader); uses ansible-core internals, so ``{}`` when they moved."""
    proc = subprocess.run([sys.executable, "-m", "tests.perf.overhead", "build-times", str(repeat), *modules], cwd=str(scenarios.REPO),
                          capture_output=True, text=True, check=False, timeout=600)
    try:
        return json.loads(proc.stdout)
    except ValueError:
        return {}


def _build_times_here(modules: list, repeat: int) -> dict:
    # pylint: disable=import-outside-toplevel
    try:
        import datetime
        import importlib.util

        from ansible._internal._ansiballz import _builder
        from ansible.executor import module_common
        from ansible.utils.collection_loader._collection_finder import _AnsibleCollectionFinder
    except ImportError:
        return {}
    finder = _AnsibleCollectionFinder(paths=[scenarios.collections_path()])
    finder._install()  # pylint: disable=protected-access
    result = {}
    for fqn in modules:
        spec = importlib.util.find_spec(fqn)
        if spec is None or not spec.origin:
            continue
        data = Path(spec.origin).read_bytes()
        times = []
        for _round in range(repeat):
            started = time.perf_counter()
            try:
                with zipfile.ZipFile(io.BytesIO(), "w", compression=zipfile.ZIP_DEFLATED) as archive:
                    module_common.recursive_finder(fqn.rsplit(".", 1)[-1], fqn, data, archive, datetime.datetime.now(datetime.timezone.utc),
                                                   _builder.ExtensionManager.create(task_vars={}))
            except Exception:  # pylint: disable=broad-exception-caught  # internals changed: no number rather than a crash
                return {}
            times.append((time.perf_counter() - started) * 1000.0)
        result[fqn] = statistics.median(times)
    return result


# -- AnsiballZ -----------------------------------------------------------------------------------

_ZIP_DATA = re.compile(r"zip_data='([A-Za-z0-9+/=]+)'")


def kept_payloads(remote_tmp: Path) -> dict:
    """``{module short name: first AnsiballZ file}`` among the kept remote files."""
    found = {}
    for path in sorted(remote_tmp.glob("ansible-tmp-*/AnsiballZ_*.py"), key=lambda p: p.stat().st_mtime):
        name = path.name[len("AnsiballZ_"):-len(".py")]
        found.setdefault(name, path)
    return found


def payload_facts(path: Path) -> dict:
    """Size of the AnsiballZ file and of the zip it carries, split into Ansible's and this collection's files."""
    text = path.read_text()
    match = _ZIP_DATA.search(text)
    facts = {"file_bytes": len(text.encode()), "zip_bytes": 0, "files": 0, "source_bytes": 0, "collection_files": 0, "collection_source_bytes": 0,
             "collection_zip_bytes": 0}
    if not match:
        return facts
    data = base64.b64decode(match.group(1))
    facts["zip_bytes"] = len(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            facts["files"] += 1
            facts["source_bytes"] += info.file_size
            if info.filename.startswith("ansible_collections/mailops/"):
                facts["collection_files"] += 1
                facts["collection_source_bytes"] += info.file_size
                facts["collection_zip_bytes"] += info.compress_size
    return facts


def time_payload(path: Path, repeat: int) -> list:
    """Wall times of running the AnsiballZ file directly (the module process of one task)."""
    times = []
    for _round in range(repeat):
        started = time.perf_counter()
        subprocess.run([sys.executable, str(path)], cwd=str(path.parent), capture_output=True, check=False, timeout=300)
        times.append(time.perf_counter() - started)
    return times


_IMPORT_LINE = re.compile(r"^import time:\s+(\d+)\s+\|\s+(\d+)\s+\|(\s*)(\S+)")

IMPORT_GROUPS = (
    ("this collection (module_utils + module)", lambda name: name.startswith("ansible_collections.mailops")),
    ("ansible.module_utils (AnsibleModule)", lambda name: name == "ansible" or name.startswith(("ansible.", "ansible_collections"))),
    ("requests, urllib3, charset_normalizer, idna, certifi",
     lambda name: name.split(".")[0] in ("requests", "urllib3", "charset_normalizer", "idna", "certifi")),
    ("standard library", lambda name: True),
)


def import_profile(path: Path, repeat: int) -> dict:
    """``python -X importtime`` of the AnsiballZ file: milliseconds of import self time per group (medians)."""
    runs = []
    for _round in range(repeat):
        proc = subprocess.run([sys.executable, "-X", "importtime", str(path)], cwd=str(path.parent), capture_output=True, text=True,
                              check=False, timeout=300)
        groups = {label: 0 for label, _matches in IMPORT_GROUPS}
        cumulative = {}
        for line in proc.stderr.splitlines():
            match = _IMPORT_LINE.match(line)
            if not match:
                continue
            own, total, name = int(match.group(1)), int(match.group(2)), match.group(4)
            cumulative.setdefault(name, total)
            for label, belongs in IMPORT_GROUPS:
                if belongs(name):
                    groups[label] += own
                    break
        groups["total"] = sum(groups.values())
        for name in ("ipaddress", "email.utils"):
            groups["cumulative %s" % name] = cumulative.get(name, 0)
        runs.append(groups)
    return {key: statistics.median(run[key] for run in runs) / 1000.0 for key in runs[0]}


def import_cost(statement: str, repeat: int) -> float:
    """Median milliseconds of ``statement`` in a fresh interpreter that already imported AnsibleModule."""
    code = (
        "import time\nimport ansible.module_utils.basic\nstarted = time.perf_counter()\n%s\nprint((time.perf_counter() - started) * 1000)\n" % statement
    )
    values = []
    for _round in range(repeat):
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
        values.append(float(proc.stdout.strip()))
    return statistics.median(values)


def run_timed(sim, playbook: Path, workdir: Path, extra_vars=None, env=None) -> float:
    run = scenarios.run_playbook(sim, playbook, workdir, extra_vars, env=env)
    if run.rc != 0:
        raise RuntimeError("%s failed:\n%s" % (playbook, run.describe()))
    return run.seconds


if __name__ == "__main__" and len(sys.argv) > 2 and sys.argv[1] == "build-times":
    print(json.dumps(_build_times_here(sys.argv[3:], int(sys.argv[2]))))
