# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: record_results
type: aggregate
short_description: Write every task result of a run to a JSON file (integration tests only)
description:
  - Test helper of mailops.sendgrid. Appends one JSON object per task result to the file named by
    the environment variable E(RECORD_RESULTS_FILE), so tests can assert on real module results.
requirements:
  - RECORD_RESULTS_FILE set in the environment
"""

import json
import os

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "record_results"
    CALLBACK_NEEDS_ENABLED = True

    def _record(self, result, status):
        path = os.environ.get("RECORD_RESULTS_FILE")
        if not path:
            return
        entry = {
            "task": result._task.get_name(),
            "action": result._task.action,
            "host": result._host.get_name(),
            "status": status,
            "result": self._clean(result._result),
        }
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry, default=str) + "\n")

    @staticmethod
    def _clean(value):
        return json.loads(json.dumps(value, default=str))

    def v2_runner_on_ok(self, result):
        self._record(result, "ok")

    def v2_runner_on_failed(self, result, ignore_errors=False):
        # A failure that a block's rescue takes over (the role names its variables there) is not the play's failure.
        self._record(result, "rescued" if _in_rescued_block(result._task) else "failed")

    def v2_runner_on_skipped(self, result):
        self._record(result, "skipped")

    def v2_runner_on_unreachable(self, result):
        self._record(result, "unreachable")


def _in_rescued_block(task):
    child, parent = task, getattr(task, "_parent", None)
    while parent is not None:
        if getattr(parent, "rescue", None) and any(getattr(item, "_uuid", None) == getattr(child, "_uuid", None) for item in parent.block or ()):
            return True
        child, parent = parent, getattr(parent, "_parent", None)
    return False
