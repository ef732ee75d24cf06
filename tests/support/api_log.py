# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The simulator's request log, as the tests read it: the SendGrid API requests only (``/v3/``), not the
``/_simulator/`` control calls the tests make themselves."""

from __future__ import annotations


def api_requests(simulator) -> list:
    """Every SendGrid API request the simulator served, as its log entry (method, path, query, status, write, ...)."""
    return [entry for entry in simulator.requests() if entry["path"].startswith("/v3/")]


def api_calls(simulator, fields=("method", "path")) -> list:
    """The same requests as tuples of ``fields`` (by default ``(method, path)``), for exact ordered comparisons."""
    return [tuple(entry[name] for name in fields) for entry in api_requests(simulator)]


def api_writes(simulator) -> list:
    """``(method, path)`` of every write request."""
    return [(entry["method"], entry["path"]) for entry in api_requests(simulator) if entry["write"]]
