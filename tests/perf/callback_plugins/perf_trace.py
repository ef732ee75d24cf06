# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import json
import os
import time

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = r"""
name: perf_trace
type: aggregate
short_description: Record every task of a run with its action, loop items, status and duration (benchmark only)
description:
  - Benchmark helper of mailops.sendgrid (tests/perf). Appends one JSON object per task result to the file named
    by the environment variable E(PERF_TRACE_FILE), so the benchmark can build a playbook with the same tasks that
    calls a trivial built-in module instead, and can say where the time of a run goes.
requirements:
  - PERF_TRACE_FILE set in the environment
"""


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "perf_trace"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._started = {}

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._started[task._uuid] = time.monotonic()

    def _record(self, result, status):
        path = os.environ.get("PERF_TRACE_FILE")
        if not path:
            return
        task = result._task
        started = self._started.get(task._uuid)
        items = result._result.get("results")
        entry = {
            "task": task.get_name(),
            "action": task.action,
            "host": result._host.get_name(),
            "status": status,
            "items": len(items) if isinstance(items, list) else None,
            "seconds": None if started is None else round(time.monotonic() - started, 4),
        }
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry) + "\n")

    def v2_runner_on_ok(self, result):
        self._record(result, "ok")

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record(result, "failed")

    def v2_runner_on_skipped(self, result):
        self._record(result, "skipped")

    def v2_runner_on_unreachable(self, result):
        self._record(result, "unreachable")
