# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest
import requests

from ansible_collections.mailops.sendgrid.plugins.module_utils import _api
from ansible_collections.mailops.sendgrid.plugins.module_utils._api import (
    APIError,
    AuthenticationError,
    NetworkError,
    RateLimitedError,
    SendGridClient,
    api_url_for,
    rate_limit_wait,
)

URL = "https://api.sendgrid.com"
KEY = "SG.client-test-key-do-not-leak"
NOW = 2_000_000_000.0
TOO_MANY = {"errors": [{"field": None, "message": "too many requests"}]}


class Clock:
    """A fake clock that sleeping moves forward, so waits are checked without real time."""

    def __init__(self):
        self.now = NOW
        self.sleeps = []

    def time(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def client(clock):
    return SendGridClient(KEY, URL, timeout=5, rate_limit_timeout=60, sleep=clock.sleep, clock=clock.time)


def test_headers_user_agent_and_json(requests_mock, client):
    requests_mock.post(URL + "/v3/ips/pools", json={"name": "tx"})
    assert client.post("/v3/ips/pools", {"name": "tx"}) == {"name": "tx"}
    sent = requests_mock.last_request
    assert sent.headers["Authorization"] == "Bearer " + KEY
    assert sent.headers["User-Agent"].startswith("mailops.sendgrid/" + _api.COLLECTION_VERSION)
    assert sent.headers["Content-Type"] == "application/json"
    assert sent.json() == {"name": "tx"}
    assert "on-behalf-of" not in sent.headers


def test_on_behalf_of_header(requests_mock, clock):
    requests_mock.get(URL + "/v3/whitelabel/domains", json=[])
    SendGridClient(KEY, URL, on_behalf_of="account-id 42", sleep=clock.sleep, clock=clock.time).get("/v3/whitelabel/domains")
    assert requests_mock.last_request.headers["on-behalf-of"] == "account-id 42"


def test_boolean_query_and_none_dropped(requests_mock, client):
    requests_mock.get(URL + "/v3/whitelabel/domains", json=[])
    client.get("/v3/whitelabel/domains", query={"exclude_subusers": True, "username": None, "domain": "example.com"})
    assert requests_mock.last_request.qs == {"exclude_subusers": ["true"], "domain": ["example.com"]}


def test_not_found_is_none_when_asked(requests_mock, client):
    requests_mock.get(URL + "/v3/ips/pools/x", status_code=404, json={"errors": [{"field": None, "message": "not found"}]})
    assert client.get("/v3/ips/pools/x", not_found_ok=True) is None
    with pytest.raises(APIError) as info:
        client.get("/v3/ips/pools/x")
    assert info.value.status == 404


def test_no_content_is_none(requests_mock, client):
    requests_mock.delete(URL + "/v3/ips/pools/x", status_code=204)
    assert client.delete("/v3/ips/pools/x") is None


def test_error_message_names_method_path_status_and_sendgrid_message(requests_mock, client):
    requests_mock.post(URL + "/v3/whitelabel/domains", status_code=400, json={"errors": [{"field": "domain", "message": "is invalid"}]})
    with pytest.raises(APIError) as info:
        client.post("/v3/whitelabel/domains", {"domain": "x"})
    assert str(info.value) == "SendGrid API request POST /v3/whitelabel/domains failed with HTTP 400: domain: is invalid"
    assert info.value.details["errors"] == [{"field": "domain", "message": "is invalid"}]


def test_error_shape_with_single_error_key(requests_mock, client):
    requests_mock.delete(URL + "/v3/ips/pools/x", status_code=404, json={"error": "Unable to locate specified IPs Pool"})
    with pytest.raises(APIError) as info:
        client.delete("/v3/ips/pools/x")
    assert "Unable to locate specified IPs Pool" in str(info.value)


@pytest.mark.parametrize("status", [401, 403])
def test_authentication_errors_are_typed(requests_mock, client, status):
    requests_mock.get(URL + "/v3/ips", status_code=status, json={"errors": [{"field": None, "message": "authorization required"}]})
    with pytest.raises(AuthenticationError) as info:
        client.get("/v3/ips")
    assert info.value.status == status


def test_body_that_is_not_json(requests_mock, client):
    requests_mock.get(URL + "/v3/ips", status_code=200, text="<html>oops</html>")
    with pytest.raises(APIError) as info:
        client.get("/v3/ips")
    assert "not JSON" in str(info.value)


def test_429_waits_out_reset_in_seconds(requests_mock, client, clock):
    requests_mock.get(
        URL + "/v3/ips",
        [{"status_code": 429, "json": TOO_MANY, "headers": {"X-RateLimit-Reset": "7"}}, {"status_code": 200, "json": []}],
    )
    assert client.get("/v3/ips") == []
    assert clock.sleeps == [7.0]


def test_429_waits_out_reset_as_epoch(requests_mock, client, clock):
    requests_mock.get(
        URL + "/v3/ips",
        [{"status_code": 429, "json": TOO_MANY, "headers": {"x-ratelimit-reset": str(int(NOW) + 12)}}, {"status_code": 200, "json": []}],
    )
    assert client.get("/v3/ips") == []
    assert clock.sleeps == [12.0]


def test_429_honours_retry_after(requests_mock, client, clock):
    requests_mock.get(URL + "/v3/ips", [{"status_code": 429, "json": TOO_MANY, "headers": {"Retry-After": "4"}}, {"status_code": 200, "json": []}])
    client.get("/v3/ips")
    assert clock.sleeps == [4.0]


def test_429_without_headers_backs_off_exponentially(requests_mock, client, clock):
    requests_mock.get(URL + "/v3/ips", [{"status_code": 429, "json": TOO_MANY}] * 3 + [{"status_code": 200, "json": []}])
    client.get("/v3/ips")
    assert clock.sleeps == [1.0, 2.0, 4.0]


def test_429_is_bounded_by_rate_limit_timeout(requests_mock, client, clock):
    requests_mock.get(URL + "/v3/ips", status_code=429, json=TOO_MANY, headers={"X-RateLimit-Reset": "25"})
    with pytest.raises(RateLimitedError) as info:
        client.get("/v3/ips")
    assert sum(clock.sleeps) <= 60
    assert clock.sleeps == [25.0, 25.0]
    assert "rate limited" in str(info.value) and "rate_limit_timeout=60" in str(info.value)
    assert info.value.status == 429


def test_429_on_creating_post_is_retried_because_it_was_not_processed(requests_mock, client, clock):
    answers = [{"status_code": 429, "json": TOO_MANY, "headers": {"X-RateLimit-Reset": "1"}}, {"status_code": 201, "json": {"id": 1}}]
    requests_mock.post(URL + "/v3/whitelabel/domains", answers)
    assert client.post("/v3/whitelabel/domains", {"domain": "example.com"}) == {"id": 1}
    assert requests_mock.call_count == 2


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_get_is_retried_on_server_errors(requests_mock, client, clock, status):
    requests_mock.get(URL + "/v3/ips", [{"status_code": status, "json": {}}, {"status_code": 200, "json": [{"ip": "192.0.2.1"}]}])
    assert client.get("/v3/ips") == [{"ip": "192.0.2.1"}]
    assert clock.sleeps == [0.5]


def test_server_errors_give_up_after_max_retries(requests_mock, client, clock):
    requests_mock.get(URL + "/v3/ips", status_code=503, json={"errors": [{"field": None, "message": "unavailable"}]})
    with pytest.raises(APIError) as info:
        client.get("/v3/ips")
    assert requests_mock.call_count == 4
    assert clock.sleeps == [0.5, 1.0, 2.0]
    assert info.value.status == 503


def test_creating_post_is_not_retried_on_server_error(requests_mock, client, clock):
    requests_mock.post(URL + "/v3/whitelabel/domains", status_code=500, json={"errors": [{"field": None, "message": "boom"}]})
    with pytest.raises(APIError):
        client.post("/v3/whitelabel/domains", {"domain": "example.com"})
    assert requests_mock.call_count == 1
    assert clock.sleeps == []


def test_creating_post_is_not_retried_on_connection_error(requests_mock, client, clock):
    requests_mock.post(URL + "/v3/whitelabel/domains", exc=requests.exceptions.ConnectionError("connection reset"))
    with pytest.raises(NetworkError) as info:
        client.post("/v3/whitelabel/domains", {"domain": "example.com"})
    assert requests_mock.call_count == 1
    assert "POST /v3/whitelabel/domains" in str(info.value)


def test_retry_safe_post_is_retried(requests_mock, client, clock):
    requests_mock.post(URL + "/v3/whitelabel/domains/1/validate", [{"status_code": 502, "json": {}}, {"status_code": 200, "json": {"id": 1, "valid": True}}])
    assert client.post("/v3/whitelabel/domains/1/validate", retry_safe=True)["valid"] is True


def test_timeout_on_get_is_retried_then_reported(requests_mock, client, clock):
    requests_mock.get(URL + "/v3/ips", exc=requests.exceptions.ReadTimeout("read timed out"))
    with pytest.raises(NetworkError) as info:
        client.get("/v3/ips")
    assert requests_mock.call_count == 4
    assert "timed out after 5s" in str(info.value)


def test_tls_error_is_clear_and_not_retried(requests_mock, client, clock):
    requests_mock.get(URL + "/v3/ips", exc=requests.exceptions.SSLError("certificate verify failed"))
    with pytest.raises(NetworkError) as info:
        client.get("/v3/ips")
    assert requests_mock.call_count == 1
    assert "validate_certs" in str(info.value) and "REQUESTS_CA_BUNDLE" in str(info.value)


def test_key_never_in_error_messages(requests_mock, client):
    echo = "invalid key %s" % KEY
    requests_mock.get(URL + "/v3/ips", status_code=401, json={"errors": [{"field": None, "message": echo}]})
    requests_mock.get(URL + "/v3/ips/assigned", exc=requests.exceptions.ConnectionError("cannot reach with " + KEY))
    requests_mock.get(URL + "/v3/ips/remaining", status_code=500, text="debug: Authorization: Bearer " + KEY)
    for path in ("/v3/ips", "/v3/ips/assigned", "/v3/ips/remaining"):
        with pytest.raises(_api.SendGridError) as info:
            client.get(path)
        assert KEY not in str(info.value)
        assert KEY not in repr(info.value.details)


def test_paginate_stops_on_short_page(requests_mock, client):
    requests_mock.get(
        URL + "/v3/whitelabel/domains",
        [{"json": [{"id": 1}, {"id": 2}]}, {"json": [{"id": 3}]}],
    )
    assert [d["id"] for d in client.paginate("/v3/whitelabel/domains", {"domain": "example.com"}, limit=2)] == [1, 2, 3]
    assert [r.qs for r in requests_mock.request_history] == [
        {"domain": ["example.com"], "limit": ["2"], "offset": ["0"]},
        {"domain": ["example.com"], "limit": ["2"], "offset": ["2"]},
    ]


def test_paginate_without_offset_is_one_request(requests_mock, client):
    requests_mock.get(URL + "/v3/whitelabel/links", json=[{"id": 1}])
    assert list(client.paginate("/v3/whitelabel/links", limit=2, offset=False)) == [{"id": 1}]
    assert requests_mock.call_count == 1


def test_session_is_reused_across_pages(requests_mock, client):
    requests_mock.get(URL + "/v3/ips", [{"json": [{"ip": "a"}]}, {"json": []}])
    session = client._session
    list(client.paginate("/v3/ips", limit=1))
    assert client._session is session


@pytest.mark.parametrize(
    "headers, expected",
    [
        ({}, None),
        ({"X-RateLimit-Reset": "3"}, 3.0),
        ({"X-RateLimit-Reset": str(int(NOW) + 9)}, 9.0),
        ({"X-RateLimit-Reset": str(int(NOW) - 9)}, 0.0),
        ({"retry-after": "2", "X-RateLimit-Reset": "5"}, 5.0),
        ({"X-RateLimit-Reset": "soon"}, None),
    ],
)
def test_rate_limit_wait(headers, expected):
    assert rate_limit_wait(headers, NOW) == expected


@pytest.mark.parametrize(
    "api_url, residency, expected",
    [(None, "global", _api.GLOBAL_API_URL), (None, "eu", _api.EU_API_URL), ("http://127.0.0.1:1", "eu", "http://127.0.0.1:1")],
)
def test_api_url_for(api_url, residency, expected):
    assert api_url_for(api_url, residency) == expected
