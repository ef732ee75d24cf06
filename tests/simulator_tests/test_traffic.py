# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Rate limiting, injected faults and the request log."""

from __future__ import annotations

import json
import time

import pytest
import requests

from .helpers import error

RATE_HEADERS = ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")


def test_every_api_response_carries_rate_limit_headers(simulator, api):
    for response in (api.get("/v3/ips"), api.get("/v3/nothing"),
                     requests.get(simulator.url("/v3/ips"), timeout=5)):
        for header in RATE_HEADERS:
            assert header in response.headers, (response.status_code, header)
        assert int(response.headers["X-RateLimit-Reset"]) >= int(time.time()) - 1


def test_rate_limit_answers_429(simulator, api):
    simulator.set_rate_limit(2)
    statuses = [api.get("/v3/ips") for _dummy in range(14)]
    limited = [r for r in statuses if r.status_code == 429]
    assert limited, "14 requests at 2 per second were never limited"
    assert limited[0].json() == error("too many requests")
    assert limited[0].headers["X-RateLimit-Limit"] == "2"
    assert limited[0].headers["X-RateLimit-Remaining"] == "0"
    assert int(limited[0].headers["X-RateLimit-Reset"]) > time.time() - 1
    assert 429 in [entry["status"] for entry in simulator.requests()]
    simulator.set_rate_limit(None)
    assert all(api.get("/v3/ips").status_code == 200 for _dummy in range(10))


def test_status_fault_once(simulator, api):
    fault = simulator.add_fault(path="^/v3/ips$", method="GET", status=503,
                                headers={"Retry-After": "1"}, body={"errors": [{"message": "x"}]})
    assert fault["times"] == 1 and fault["when"] == "before"
    first = api.get("/v3/ips")
    assert first.status_code == 503 and first.headers["Retry-After"] == "1"
    assert first.json() == {"errors": [{"message": "x"}]}
    assert api.get("/v3/ips").status_code == 200
    assert [e["fault"] for e in simulator.requests()] == ["status", None]
    assert simulator.faults() == []


def test_fault_header_null_removes_the_header(simulator, api):
    simulator.add_fault(status=429, headers={header: None for header in RATE_HEADERS})
    bare = api.get("/v3/ips")
    assert bare.status_code == 429
    assert not [header for header in RATE_HEADERS if header in bare.headers]
    assert all(header in api.get("/v3/ips").headers for header in RATE_HEADERS)


def test_fault_matching_by_method_and_regex(simulator, api):
    simulator.add_fault(path="/pools", method="POST", status=500, times=None)
    assert api.get("/v3/ips/pools").status_code == 200
    for _dummy in range(3):
        response = api.post("/v3/ips/pools", json={"name": "p"})
        assert response.status_code == 500
        assert response.json() == error("simulated fault")
    assert api.get("/v3/ips/pools").json() == []  # "before" faults stop the request
    assert len(simulator.faults()) == 1
    simulator.clear_faults()
    assert api.post("/v3/ips/pools", json={"name": "p"}).status_code == 200


def test_429_fault_has_the_rate_limit_body(simulator, api):
    simulator.add_fault(status=429, times=2)
    assert api.get("/v3/ips").json() == error("too many requests")
    assert api.get("/v3/ips").status_code == 429
    assert api.get("/v3/ips").status_code == 200


def test_drop_fault(simulator, api):
    simulator.add_fault(action="drop")
    with pytest.raises(requests.ConnectionError):
        api.get("/v3/ips")
    assert api.get("/v3/ips").status_code == 200
    dropped = simulator.requests()[0]
    assert dropped["fault"] == "drop" and dropped["status"] is None


def test_not_json_fault(simulator, api):
    simulator.add_fault(action="not_json", status=502)
    response = api.get("/v3/ips")
    assert response.status_code == 502
    with pytest.raises(ValueError):
        response.json()


def test_delay_fault_still_answers(simulator, api):
    simulator.add_fault(action="delay", delay=0.05)
    assert api.get("/v3/ips").status_code == 200
    assert simulator.requests()[0]["fault"] == "delay"


def test_after_faults_change_state_and_lose_the_answer(simulator, api):
    simulator.add_fault(path="^/v3/ips/pools$", method="POST", action="drop", when="after")
    with pytest.raises(requests.ConnectionError):
        api.post("/v3/ips/pools", json={"name": "lost"})
    assert api.get("/v3/ips/pools").json() == [{"name": "lost"}]
    simulator.add_fault(path="^/v3/whitelabel/links$", method="POST", status=500, when="after")
    response = api.post("/v3/whitelabel/links", json={"domain": "example.com"})
    assert response.status_code == 500
    assert len(api.get("/v3/whitelabel/links").json()) == 1
    log = simulator.requests()
    assert [(e["method"], e["fault"]) for e in log if e["fault"]] == \
        [("POST", "drop"), ("POST", "status")]


def test_bad_fault_definitions_are_refused(simulator):
    from tests.simulator.control import SimulatorError
    for bad in ({"action": "explode"}, {"when": "during"}, {"path": "("}, {"times": 0}):
        with pytest.raises(SimulatorError):
            simulator.control("POST", "faults", bad)


def test_request_log_entries(simulator, api, as_user):
    simulator.add_subusers("acme")
    api.get("/v3/ips", params={"limit": 5, "offset": 0})
    as_user("acme").post("/v3/ips/pools", json={"name": "p"})
    requests.get(simulator.url("/v3/ips"), timeout=5)
    first, second, third = simulator.requests()
    assert first == {"seq": 1, "method": "GET", "path": "/v3/ips",
                     "query": {"limit": "5", "offset": "0"}, "body": None, "status": 200,
                     "write": False, "account": "parent", "fault": None, "spec_violation": None}
    assert (second["write"], second["account"], second["body"]) == (True, "acme", {"name": "p"})
    assert (third["status"], third["account"]) == (401, None)
    simulator.clear_requests()
    assert simulator.requests() == []


def test_the_log_never_holds_the_key(simulator, api):
    api.get("/v3/ips")
    requests.get(simulator.url("/v3/ips"), headers={"Authorization": "Bearer SG.guess"},
                 timeout=5)
    dumped = json.dumps(simulator.requests()) + json.dumps(simulator.state())
    assert simulator.api_key not in dumped
    assert "SG.guess" not in dumped and "Authorization" not in dumped
