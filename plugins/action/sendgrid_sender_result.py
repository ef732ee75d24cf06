# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Report one inventory host's part of a mailops.sendgrid.sendgrid_senders run (see the module's documentation).

It runs on the controller, like set_fact: one task per host costs no module process, which is what makes a play of
hundreds of senders fast (one sendgrid_senders run for all of them, then this per host). It sets no facts: only
set_fact's facts take a registered variable's precedence, so the role sets the results with set_fact before it.
"""

from __future__ import annotations

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase

from ansible_collections.mailops.sendgrid.plugins.module_utils._sender_summary import zone_snippet_lines

# The order of the steps, as the role runs them and as the per-host diff shows them.
STEPS = ("pool", "reverse_dns", "domain", "link")
ARGUMENT_SPEC = {
    "result": {"type": "dict", "required": True},
    "show": {"type": "bool", "default": False},
    "show_if_valid": {"type": "bool", "default": False},
    "summary": {"type": "list", "elements": "str"},
    "zone": {"type": "dict", "default": {}},
    "records": {"type": "list", "elements": "dict"},
}


def step_results(result):
    """``(step, result)`` of every step the sender ran, in the role's order (reverse DNS once per IP)."""
    for step in STEPS:
        value = result.get(step)
        if step == "reverse_dns":
            for ip_result in (value or {}).values():
                yield step, ip_result
        elif value:  # a step that did not run: absent, or {} as the role sets its result
            yield step, value


def shown_lines(summary, zone, records):
    """The summary, then the records as a zone-file snippet, as the role's summary.yml shows them."""
    if not records:
        return list(summary)
    return list(summary) + [""] + zone_snippet_lines(dict(zone, records=records))


def lines_to_show(args):
    """The lines the task shows (``None``: none): with ``show``, or with ``show_if_valid`` once every object of the
    sender is valid; the summary and records given, else the result's own."""
    result = args["result"]
    if not isinstance(result, dict):
        return None  # hand_over refuses it
    if not (args["show"] or (args["show_if_valid"] and result.get("valid") is True)):
        return None
    summary = args["summary"] if args["summary"] is not None else result.get("summary") or []
    records = args["records"] if args["records"] is not None else result.get("dns_records") or []
    return shown_lines(summary, args["zone"], records)


def hand_over(result, show=None):
    """The task result of this host: changed, the steps' diffs and warnings, and the failure of a step; ``show``, the
    lines to show as the task's output (as ansible.builtin.debug shows its msg) unless a step failed."""
    if not isinstance(result, dict):
        raise AnsibleActionFail("result must be one sender's entry of the senders returned by mailops.sendgrid.sendgrid_senders")
    steps = list(step_results(result))
    answer = {"changed": any(step.get("changed") for _name, step in steps)}
    diffs = [step["diff"] for _name, step in steps if isinstance(step.get("diff"), dict)]
    if diffs:
        answer["diff"] = diffs
    warnings = [warning for _name, step in steps for warning in step.get("warnings") or []]
    if warnings:
        answer["warnings"] = warnings
    failed = [(name, step) for name, step in steps if step.get("failed")]
    if failed:
        name, first = failed[0]
        # The failed step's own result (method, path, status, ...), so a rescue reads it as it reads a module's.
        answer.update({key: value for key, value in first.items() if key not in ("changed", "diff", "warnings", "dns_records")})
        answer.update(failed=True, step=name, msg=" | ".join(str(step.get("msg", "")) for _name, step in failed))
    elif show is not None:
        answer.update(msg=show, _ansible_verbose_always=True)
    return answer


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False
    _supports_check_mode = True
    _supports_async = False

    def run(self, tmp=None, task_vars=None):
        super().run(tmp, task_vars)
        _validation, args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)
        return hand_over(args["result"], lines_to_show(args))
