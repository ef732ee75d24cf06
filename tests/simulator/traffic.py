# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What happens around a request: the request log, the rate limiter and injected faults.

None of these ever sees or stores request headers, so the API key cannot leak into the
log that tests and users read back.
"""

from __future__ import annotations

import math
import re
import threading
import time
from dataclasses import dataclass
from typing import Any, Optional

FAULT_ACTIONS = ("status", "delay", "drop", "not_json")
FAULT_WHEN = ("before", "after")
# Reported (never enforced) limit while rate limiting is off, so that every response still
# carries the three X-RateLimit-* headers as the live API's do.
NOMINAL_LIMIT = 1000


class RequestLog:
    def __init__(self):
        self._lock = threading.Lock()
        self._entries: list[dict] = []
        self._seq = 0

    def record(self, entry: dict) -> dict:
        with self._lock:
            self._seq += 1
            entry = {"seq": self._seq, **entry}
            self._entries.append(entry)
            return entry

    def entries(self) -> list:
        with self._lock:
            return [dict(e) for e in self._entries]

    def violations(self) -> list:
        return [{"seq": e["seq"], "method": e["method"], "path": e["path"],
                 **e["spec_violation"]} for e in self.entries() if e.get("spec_violation")]

    def clear(self) -> None:
        with self._lock:
            self._entries = []
            self._seq = 0


class RateLimiter:
    """A fixed one-second window, like the per-second limits SendGrid reports."""

    def __init__(self, requests_per_second: Optional[int] = None):
        self._lock = threading.Lock()
        self.limit = requests_per_second
        self._window = 0
        self._count = 0
        # The per_minute dialect: windows of 60 s (SendGrid's documented limits are per minute), still
        # ``limit`` requests per window.
        self.window_seconds = 1

    def configure(self, requests_per_second: Optional[int]) -> None:
        with self._lock:
            self.limit = requests_per_second
            self._count = 0

    def admit(self) -> tuple[bool, dict]:
        """Count one request; answer (allowed, the X-RateLimit-* headers to send)."""
        with self._lock:
            now = time.time()
            window = math.floor(now / self.window_seconds) * self.window_seconds
            if window != self._window:
                self._window, self._count = window, 0
            limit = self.limit if self.limit is not None else NOMINAL_LIMIT
            allowed = self.limit is None or self._count < self.limit
            if allowed:
                self._count += 1
            headers = {
                "X-RateLimit-Limit": str(limit),
                "X-RateLimit-Remaining": str(max(limit - self._count, 0)),
                "X-RateLimit-Reset": str(window + self.window_seconds),
            }
            return allowed, headers


@dataclass
class Fault:
    id: int
    method: str
    path: str
    action: str
    status: Optional[int]
    headers: dict
    body: Any
    delay: float
    times: Optional[int]  # None: every matching request
    when: str
    hits: int = 0

    def as_dict(self) -> dict:
        return {"id": self.id, "method": self.method, "path": self.path, "action": self.action,
                "status": self.status, "headers": self.headers, "body": self.body,
                "delay": self.delay, "times": self.times, "when": self.when, "hits": self.hits}


class FaultRules:
    def __init__(self):
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self._next_id = 1

    def add(self, spec: dict) -> Fault:
        fault = self._parse(spec)
        with self._lock:
            fault.id = self._next_id
            self._next_id += 1
            self._faults.append(fault)
        return fault

    @staticmethod
    def _parse(spec: dict) -> Fault:
        if not isinstance(spec, dict):
            raise ValueError("a fault is a JSON object")
        action = spec.get("action", "status")
        if action not in FAULT_ACTIONS:
            raise ValueError(f"action must be one of {', '.join(FAULT_ACTIONS)}")
        when = spec.get("when", "before")
        if when not in FAULT_WHEN:
            raise ValueError("when must be before or after")
        path = spec.get("path", ".*")
        try:
            re.compile(path)  # fail now, not on the next request
        except (re.error, TypeError) as err:
            raise ValueError(f"path is not a valid regular expression: {err}") from None
        times = spec.get("times", 1)
        if times is not None and (not isinstance(times, int) or times < 1):
            raise ValueError("times must be a positive integer or null")
        status = spec.get("status")
        if status is None and action == "status":
            status = 500
        return Fault(0, str(spec.get("method", "*")).upper(), path, action, status,
                     dict(spec.get("headers") or {}), spec.get("body"),
                     float(spec.get("delay") or 0), times, when)

    def take(self, method: str, path: str, when: str) -> Optional[Fault]:
        """The first armed fault matching this request, counting one use of it."""
        with self._lock:
            for fault in self._faults:
                if fault.when != when or fault.method not in ("*", method):
                    continue
                if not re.search(fault.path, path):
                    continue
                fault.hits += 1
                if fault.times is not None and fault.hits >= fault.times:
                    self._faults.remove(fault)
                return fault
        return None

    def list(self) -> list:
        with self._lock:
            return [f.as_dict() for f in self._faults]

    def clear(self) -> None:
        with self._lock:
            self._faults = []
