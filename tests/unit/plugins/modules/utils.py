# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Run a module in-process against an exact, ordered list of expected HTTP calls.

Every test states the whole conversation with SendGrid: a missing call, an extra call or a call in
another order fails the test. That is how the request budget of each module is pinned.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from ansible.module_utils import basic
from ansible.module_utils.common.text.converters import to_bytes

API = "https://api.sendgrid.com"
API_KEY = "SG.unit-test-key-0123456789"


@dataclass
class Call:
    """One expected request and the answer to give it."""

    method: str
    path: str
    status: int = 200
    json: Any = None
    query: dict | None = None
    body: Any = field(default=None)
    headers: dict | None = None
    check_body: bool = True

    def __repr__(self):
        return "%s %s%s" % (self.method, self.path, (" ?%s" % self.query) if self.query else "")


class ModuleExit(Exception):
    def __init__(self, result, failed):
        super().__init__(result)
        self.result = result
        self.failed = failed


def _exit_json(self, **kwargs):
    kwargs.setdefault("changed", False)
    raise ModuleExit(kwargs, failed=False)


def _fail_json(self, msg, **kwargs):
    kwargs["msg"] = msg
    kwargs["failed"] = True
    raise ModuleExit(kwargs, failed=True)


class Conversation:
    """A requests-mock matcher that serves the expected calls in order and records what happened."""

    def __init__(self, calls):
        self.expected = list(calls)
        self.seen = []
        self.headers = []

    def __call__(self, request):
        import requests_mock  # local: only the tests need it

        index = len(self.seen)
        url = urlsplit(request.url)
        query = {k: v[0] if len(v) == 1 else v for k, v in parse_qs(url.query).items()}
        body = json.loads(request.body) if request.body else None
        headers = dict(request.headers)
        # Checked here and kept out of the result, so tests can assert the key appears nowhere else.
        assert headers.pop("Authorization", None) == "Bearer %s" % API_KEY, "request #%d: missing bearer token" % (index + 1)
        self.seen.append((request.method, url.path, query, body))
        self.headers.append(headers)
        if index >= len(self.expected):
            raise AssertionError("unexpected extra request #%d: %s %s %s body=%r" % (index + 1, request.method, url.path, query, body))
        call = self.expected[index]
        assert (request.method, url.path) == (call.method, call.path), "request #%d: expected %r, got %s %s" % (
            index + 1,
            call,
            request.method,
            url.path,
        )
        if call.query is not None:
            assert query == {k: str(v) for k, v in call.query.items()}, "request #%d %r: query %r" % (index + 1, call, query)
        if call.check_body:
            assert body == call.body, "request #%d %r: body %r, expected %r" % (index + 1, call, body, call.body)
        response = requests_mock.create_response(
            request,
            status_code=call.status,
            json=call.json if call.status != 204 else None,
            headers=call.headers or {},
        )
        return response


def run_module(module, args, calls, check_mode=False, diff=False, requests_mock=None, env=None, monkeypatch=None):
    """Run ``module.main()`` with ``args``; assert the HTTP conversation equals ``calls`` exactly."""
    args = dict(args)
    args.setdefault("api_key", API_KEY)
    if check_mode:
        args["_ansible_check_mode"] = True
    if diff:
        args["_ansible_diff"] = True
    conversation = Conversation(calls)
    requests_mock.add_matcher(conversation)
    serialized = json.dumps({"ANSIBLE_MODULE_ARGS": args})
    monkeypatch.setattr(basic, "_ANSIBLE_ARGS", to_bytes(serialized))
    monkeypatch.setattr(basic, "_ANSIBLE_PROFILE", "legacy", raising=False)
    monkeypatch.setattr(basic.AnsibleModule, "exit_json", _exit_json)
    monkeypatch.setattr(basic.AnsibleModule, "fail_json", _fail_json)
    with pytest.raises(ModuleExit) as info:
        module.main()
    assert len(conversation.seen) == len(conversation.expected), "missing requests: expected %r, sent %r" % (
        conversation.expected[len(conversation.seen):],
        [call[:2] for call in conversation.seen],
    )
    info.value.result["_requests"] = conversation.seen
    info.value.result["_request_headers"] = conversation.headers
    return info.value.result


def writes(result):
    return [call[:2] for call in result["_requests"] if call[0] != "GET"]
