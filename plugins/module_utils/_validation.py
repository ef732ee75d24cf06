# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""SendGrid's validation answers read tolerantly, and the bounded wait until an object is valid.

PRIVATE: internal to the mailops.sendgrid collection, not a public API.
"""

from __future__ import annotations

import time


def normalise_validation(response):
    """A validate answer as ``{valid, results: {record: {valid, reason}}}``."""
    results = {}
    for key, item in ((response or {}).get("validation_results") or {}).items():
        if isinstance(item, dict):
            results[key] = {"valid": bool(item.get("valid")), "reason": item.get("reason")}
    return {"valid": bool((response or {}).get("valid")), "results": results}


def invalid_reasons(validation):
    return ["%s: %s" % (key, item.get("reason") or "not valid") for key, item in sorted(validation["results"].items()) if not item["valid"]]


def wait_for_validation(validate_once, timeout, delay, sleep=None, clock=None):
    """Call ``validate_once()`` until it answers valid or ``timeout`` seconds pass.

    Returns ``(validation, attempts)`` where ``validation`` is the last normalised answer.
    """
    sleep = sleep or time.sleep
    clock = clock or time.time
    deadline = clock() + max(timeout or 0, 0)
    attempts = 0
    while True:
        validation = validate_once()
        attempts += 1
        if validation["valid"] or clock() + delay > deadline:
            return validation, attempts
        sleep(delay)
