# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

from pathlib import Path

import pytest
import requests
import yaml

from ansible_collections.mailops.sendgrid.plugins.module_utils import _api
from ansible_collections.mailops.sendgrid.plugins.module_utils._api import (
    APIError,
    AuthenticationError,
    NetworkError,
    RateLimitedError,
    Refusal,
    SendGridClient,
    api_path,
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


@pytest.mark.parametrize("status", [400, 409])
def test_a_declared_refusal_is_returned_not_raised(requests_mock, client, status):
    requests_mock.post(URL + "/v3/ips/pools/p/ips", status_code=status, json={"errors": [{"field": "ip", "message": "IP Already Exists"}]})
    answer = client.post("/v3/ips/pools/p/ips", {"ip": "192.0.2.1"}, retry_safe=True, accept_errors=(400, 409))
    assert isinstance(answer, Refusal)
    assert answer.status == status
    assert answer.says_any(("already",)) and not answer.says_any(("duplicate",))
    assert answer.error.message == "SendGrid API request POST /v3/ips/pools/p/ips failed with HTTP %s: ip: IP Already Exists" % status
    assert len(requests_mock.request_history) == 1


def test_an_undeclared_refusal_and_a_server_error_are_raised_even_when_others_are_declared(requests_mock, client):
    requests_mock.post(URL + "/v3/a", status_code=403, json={"errors": [{"field": None, "message": "access forbidden"}]})
    requests_mock.post(URL + "/v3/b", status_code=500, json={"errors": [{"field": None, "message": "boom"}]})
    with pytest.raises(APIError) as info:
        client.post("/v3/a", {}, accept_errors=(400, 409))
    assert info.value.status == 403
    with pytest.raises(APIError) as info:
        client.post("/v3/b", {}, accept_errors=(500,))
    assert info.value.status == 500


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
        ({"X-RateLimit-Reset": str(int(NOW) - 9)}, None),
        ({"X-RateLimit-Reset": "0"}, None),
        ({"X-RateLimit-Reset": "-5"}, None),
        ({"X-RateLimit-Reset": "nan"}, None),
        ({"X-RateLimit-Reset": "inf"}, None),
        ({"Retry-After": "0"}, None),
        ({"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}, None),
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


# -- hostile conditions (issue 13): each of these failed before the client was hardened --------


def test_key_with_trailing_newline_is_stripped_before_use(requests_mock, clock):
    requests_mock.get(URL + "/v3/ips", json=[])
    SendGridClient(KEY + "\n", URL, on_behalf_of=" acme\n", sleep=clock.sleep, clock=clock.time).get("/v3/ips")
    assert requests_mock.last_request.headers["Authorization"] == "Bearer " + KEY
    assert requests_mock.last_request.headers["on-behalf-of"] == "acme"


@pytest.mark.parametrize("bad", ["SG.abc def", "SG.abc\ndef", "SG.abc\tdef", "SG.abc\x00def", "SG.abc\u2019def"])
def test_key_with_inner_blanks_or_control_characters_is_refused_without_echoing_it(bad):
    with pytest.raises(ValueError) as info:
        SendGridClient(bad, URL)
    assert "api_key" in str(info.value)
    assert bad not in str(info.value) and repr(bad)[1:-1] not in str(info.value) and "abc" not in str(info.value)


def test_every_form_of_the_key_is_redacted(requests_mock, clock):
    raw = KEY + "\n"
    client = SendGridClient(raw, URL, sleep=clock.sleep, clock=clock.time)
    for text in (raw, KEY, repr(raw), repr(KEY), "'Bearer %s'" % repr(raw)[1:-1]):
        assert KEY not in client.redact("header %s refused" % text)


def test_transport_exception_text_is_redacted(requests_mock, client):
    leaked = "Invalid leading whitespace, reserved character(s), or return character(s) in header value: 'Bearer %s\\n'" % KEY
    requests_mock.get(URL + "/v3/ips", exc=requests.exceptions.InvalidHeader(leaked))
    with pytest.raises(NetworkError) as info:
        client.get("/v3/ips")
    assert KEY not in str(info.value) and "GET /v3/ips" in str(info.value)


@pytest.mark.parametrize("reset", ["0", "-3", "nan", "soon", str(int(NOW) - 30), "inf"])
def test_429_with_a_useless_reset_backs_off_instead_of_busy_looping(requests_mock, client, clock, reset):
    requests_mock.get(URL + "/v3/ips", [{"status_code": 429, "json": TOO_MANY, "headers": {"X-RateLimit-Reset": reset}}] * 3 + [{"json": []}])
    client._random = lambda: 0.0
    assert client.get("/v3/ips") == []
    assert clock.sleeps == [1.0, 2.0, 4.0]


def test_429_attempts_are_bounded_even_when_every_wait_is_tiny(requests_mock, clock):
    client = SendGridClient(KEY, URL, rate_limit_timeout=1e9, sleep=clock.sleep, clock=clock.time, random_fraction=lambda: 0.0)
    requests_mock.get(URL + "/v3/ips", status_code=429, json=TOO_MANY, headers={"Retry-After": "0.001"})
    with pytest.raises(RateLimitedError) as info:
        client.get("/v3/ips")
    assert requests_mock.call_count == _api.RATE_LIMIT_MAX_ATTEMPTS
    assert "429 %d times" % _api.RATE_LIMIT_MAX_ATTEMPTS in str(info.value)


def test_429_waits_carry_a_growing_jitter(requests_mock, clock):
    client = SendGridClient(KEY, URL, sleep=clock.sleep, clock=clock.time, random_fraction=lambda: 1.0)
    requests_mock.get(URL + "/v3/ips", [{"status_code": 429, "json": TOO_MANY, "headers": {"X-RateLimit-Reset": "1"}}] * 3 + [{"json": []}])
    client.get("/v3/ips")
    assert clock.sleeps == [1.5, 2.0, 3.0]
    assert client.rate_limit_answers == 3


def test_paginate_stops_when_the_server_ignores_offset(requests_mock, client):
    page = [{"id": n} for n in range(1, 11)]
    requests_mock.get(URL + "/v3/whitelabel/domains", json=page)
    assert [d["id"] for d in client.paginate("/v3/whitelabel/domains", limit=10)] == list(range(1, 11))
    assert requests_mock.call_count == 2


def test_paginate_counts_an_object_served_twice_once(requests_mock, client):
    requests_mock.get(URL + "/v3/whitelabel/domains", [{"json": [{"id": n} for n in range(1, 11)]}, {"json": [{"id": 10}, {"id": 11}]}])
    assert [d["id"] for d in client.paginate("/v3/whitelabel/domains", limit=10)] == list(range(1, 12))


def test_paginate_reads_on_after_a_page_a_server_cap_may_have_cut_short(requests_mock, client):
    # Asked for 500, served at most 50: the first page is short only because of the cap.
    requests_mock.get(URL + "/v3/whitelabel/domains", [{"json": [{"id": n} for n in range(50)]}, {"json": [{"id": 50}]}])
    assert len(list(client.paginate("/v3/whitelabel/domains", limit=500))) == 51
    assert [r.qs["offset"] for r in requests_mock.request_history] == [["0"], ["50"]]


def test_paginate_of_a_handful_is_one_request(requests_mock, client):
    requests_mock.get(URL + "/v3/whitelabel/domains", json=[{"id": 1}, {"id": 2}])
    assert len(list(client.paginate("/v3/whitelabel/domains", limit=500))) == 2
    assert requests_mock.call_count == 1


def test_paginate_page_count_is_capped(requests_mock, client, monkeypatch):
    monkeypatch.setattr(_api, "MAX_PAGES", 3)
    counter = iter(range(10 ** 6))
    requests_mock.get(URL + "/v3/ips", json=lambda request, context: [{"ip": "ip-%d" % next(counter)} for _n in range(10)])
    with pytest.raises(APIError) as info:
        list(client.paginate("/v3/ips", limit=10))
    assert "did not end after 3 pages" in str(info.value)
    assert requests_mock.call_count == 3


@pytest.mark.parametrize("answer", [{}, {"result": [{"id": 1}]}, None, "text"])
def test_a_list_that_is_not_a_list_is_an_error_not_empty(requests_mock, client, answer):
    if answer is None:
        requests_mock.get(URL + "/v3/whitelabel/domains", text="")
    else:
        requests_mock.get(URL + "/v3/whitelabel/domains", json=answer)
    with pytest.raises(APIError) as info:
        list(client.paginate("/v3/whitelabel/domains", {"domain": "example.com"}))
    assert "GET /v3/whitelabel/domains" in str(info.value) and "HTTP 200" in str(info.value) and "not a list" in str(info.value)


@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_redirects_are_not_followed(requests_mock, client, status):
    requests_mock.post(URL + "/v3/whitelabel/domains", status_code=status, headers={"Location": "https://evil.example.net/v3/whitelabel/domains"})
    requests_mock.post("https://evil.example.net/v3/whitelabel/domains", status_code=201, json={"id": 1})
    with pytest.raises(APIError) as info:
        client.post("/v3/whitelabel/domains", {"domain": "example.com"})
    assert requests_mock.call_count == 1
    assert "evil.example.net" in str(info.value) and "HTTP %d" % status in str(info.value)


def test_expected_object_of_another_shape_names_the_request(requests_mock, client):
    requests_mock.get(URL + "/v3/ips/pools/tx", json=[1, 2])
    with pytest.raises(APIError) as info:
        client.get("/v3/ips/pools/tx", expect=dict)
    assert str(info.value).startswith("SendGrid API request GET /v3/ips/pools/tx failed with HTTP 200: expected a JSON object")


def test_answer_larger_than_the_cap_is_refused(requests_mock, client, monkeypatch):
    monkeypatch.setattr(_api, "MAX_BODY_BYTES", 1000)
    requests_mock.get(URL + "/v3/ips", content=b"[" + b"1," * 2000 + b"1]")
    with pytest.raises(APIError) as info:
        client.get("/v3/ips")
    assert "larger than" in str(info.value) and "GET /v3/ips" in str(info.value)


def test_declared_length_over_the_cap_is_refused_before_reading(requests_mock, client):
    requests_mock.get(URL + "/v3/ips", content=b"[]", headers={"Content-Length": str(400 * 1024 * 1024)})
    with pytest.raises(APIError) as info:
        client.get("/v3/ips")
    assert "larger than" in str(info.value)


def test_a_body_trickled_byte_by_byte_ends_at_the_deadline():
    import socket
    import threading

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    stop = threading.Event()

    def serve():
        while not stop.is_set():
            try:
                server.settimeout(0.2)
                conn, _addr = server.accept()
            except OSError:
                continue
            conn.recv(65536)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n[")
            for _byte in range(200):  # bounded: at most 200 bytes over 10 s
                if stop.is_set():
                    break
                try:
                    conn.sendall(b" ")
                except OSError:
                    break
                stop.wait(0.05)
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        client = SendGridClient(KEY, "http://127.0.0.1:%d" % server.getsockname()[1], timeout=0.5, max_retries=0)
        with pytest.raises(NetworkError) as info:
            client.get("/v3/ips")
        assert "took longer than timeout=0.5s" in str(info.value)
    finally:
        stop.set()
        thread.join(5)
        server.close()


def test_paginate_a_short_page_after_a_full_one_is_the_last(requests_mock, client):
    requests_mock.get(URL + "/v3/whitelabel/domains", [{"json": [{"id": n} for n in range(20)]}, {"json": [{"id": n} for n in range(20, 39)]}])
    assert len(list(client.paginate("/v3/whitelabel/domains", limit=20))) == 39
    assert requests_mock.call_count == 2


def test_paginate_a_capped_server_is_read_to_the_end_at_its_page_size(requests_mock, client):
    pages = [[{"id": n} for n in range(start, min(start + 50, 120))] for start in (0, 50, 100)]
    requests_mock.get(URL + "/v3/whitelabel/domains", [{"json": page} for page in pages])
    assert len(list(client.paginate("/v3/whitelabel/domains", limit=500))) == 120
    assert [r.qs["offset"] for r in requests_mock.request_history] == [["0"], ["50"], ["100"]]


def test_a_403_on_behalf_of_a_subuser_says_what_to_check(requests_mock, clock):
    client = SendGridClient(KEY, URL, on_behalf_of="ghost", sleep=clock.sleep, clock=clock.time)
    requests_mock.get(URL + "/v3/ips/pools", status_code=403, json={"errors": [{"field": None, "message": "access forbidden"}]})
    with pytest.raises(AuthenticationError) as info:
        client.get("/v3/ips/pools")
    assert "may not act on behalf of 'ghost'" in str(info.value) and "existing subuser" in str(info.value)


# -- the rate gate: one controller's forks take turns after a 429 ------------------------------------------


def _gated(clock, folder, **kwargs):
    return SendGridClient(
        KEY, URL, sleep=clock.sleep, clock=clock.time, random_fraction=lambda: 0.0,
        share_rate_limits=True, rate_gate_directory=str(folder), **kwargs
    )


def test_a_429_seen_by_one_fork_holds_back_the_next_fork_until_the_reset(requests_mock, clock, tmp_path):
    first, second = _gated(clock, tmp_path / "gate"), _gated(clock, tmp_path / "gate")
    requests_mock.get(URL + "/v3/ips", [{"status_code": 429, "json": TOO_MANY, "headers": {"X-RateLimit-Reset": str(int(NOW) + 10)}}, {"json": []}])
    assert first.get("/v3/ips") == []
    assert clock.sleeps == [10.0]
    requests_mock.get(URL + "/v3/whitelabel/domains", json=[])
    clock.now -= 4  # the second fork asks while the first still waits: it waits the rest instead of drawing a 429
    assert second.get("/v3/whitelabel/domains") == []
    assert clock.sleeps == [10.0, 4.0]
    assert [r.path for r in requests_mock.request_history] == ["/v3/ips", "/v3/ips", "/v3/whitelabel/domains"]
    assert second.rate_limit_answers == 0 and second.rate_limit_waited == 4.0


def test_a_fork_waiting_for_the_gate_sends_nothing_and_stops_at_rate_limit_timeout(requests_mock, clock, tmp_path):
    from ansible_collections.mailops.sendgrid.plugins.module_utils._rate_gate import RateGate

    holder = RateGate(URL, KEY, clock.sleep, clock.time, lambda: 0.0, str(tmp_path / "gate"))
    holder.acquire(0)
    holder.note_429(NOW + 100)
    waiting = _gated(clock, tmp_path / "gate", rate_limit_timeout=2)
    requests_mock.get(URL + "/v3/ips", json=[])
    with pytest.raises(RateLimitedError) as info:
        waiting.get("/v3/ips")
    assert requests_mock.call_count == 0
    assert "rate_limit_timeout=2" in str(info.value) and "GET /v3/ips" in str(info.value)
    holder.release()


def test_a_reset_another_fork_already_waited_out_while_this_one_waited_for_the_gate_is_not_waited_again(requests_mock, clock, tmp_path):
    """Found by tests/reliability/test_concurrency.py in CI: the wait was the other fork's reset minus now, which is
    negative once the turn came after that reset, and time.sleep refused it ("sleep length must be non-negative")."""
    from ansible_collections.mailops.sendgrid.plugins.module_utils._rate_gate import RateGate

    # The holder's clock runs ahead, so its note does not engage the gate before this fork's first request: this fork
    # draws its own 429 (reset in 1 s) and then waits for the holder's turn, which ends 10 s later.
    holder = RateGate(URL, KEY, clock.sleep, lambda: NOW + 1000, lambda: 0.0, str(tmp_path / "gate"))
    holder.acquire(0)
    holder.note_429(NOW + 5)  # the holder was told a later reset than this fork, but one before this fork's turn

    def sleep(seconds):
        if seconds < 0:
            raise ValueError("sleep length must be non-negative")
        clock.sleep(seconds)
        if holder.held:
            clock.now += 10
            holder.release()

    client = SendGridClient(
        KEY, URL, sleep=sleep, clock=clock.time, random_fraction=lambda: 0.0,
        share_rate_limits=True, rate_gate_directory=str(tmp_path / "gate"),
    )
    requests_mock.get(URL + "/v3/ips", [{"status_code": 429, "json": TOO_MANY, "headers": {"X-RateLimit-Reset": str(int(NOW) + 1)}}, {"json": []}])
    assert client.get("/v3/ips") == []
    assert requests_mock.call_count == 2
    # Only the gate's poll was slept: the reset had passed when the turn came.
    assert clock.sleeps == [0.05]


def test_the_gate_is_per_key_and_url(requests_mock, clock, tmp_path):
    from ansible_collections.mailops.sendgrid.plugins.module_utils._rate_gate import RateGate

    other = RateGate(URL, "SG.another-account", clock.sleep, clock.time, lambda: 0.0, str(tmp_path / "gate"))
    other.acquire(0)
    other.note_429(NOW + 100)
    requests_mock.get(URL + "/v3/ips", json=[])
    assert _gated(clock, tmp_path / "gate").get("/v3/ips") == [] and clock.sleeps == []
    assert not [p for p in (tmp_path / "gate").iterdir() if KEY in p.name]
    other.release()


@pytest.mark.parametrize("kind", ["shared", "symlink"])
def test_the_gate_refuses_a_folder_others_could_write(requests_mock, clock, tmp_path, kind):
    folder = tmp_path / "gate"
    if kind == "shared":
        folder.mkdir(mode=0o777)
        folder.chmod(0o777)
    else:
        (tmp_path / "elsewhere").mkdir(mode=0o700)
        folder.symlink_to(tmp_path / "elsewhere")
    client = _gated(clock, folder)
    assert client._gate is None
    requests_mock.get(URL + "/v3/ips", json=[])
    assert client.get("/v3/ips") == []


def test_the_user_agent_carries_the_version_of_galaxy_yml():
    # Tied to the release: a version bump in galaxy.yml without the client's constant fails here.
    galaxy = yaml.safe_load((Path(__file__).resolve().parents[4] / "galaxy.yml").read_text())
    assert _api.COLLECTION_VERSION == galaxy["version"]
    assert _api.USER_AGENT.startswith("mailops.sendgrid/%s " % galaxy["version"])


@pytest.mark.parametrize("steps, path", [
    (("a b", "ips", "192.0.2.1"), "/v3/ips/pools/a%20b/ips/192.0.2.1"),
    (("a/b",), "/v3/ips/pools/a%2Fb"),
    (("..",), "/v3/ips/pools/.."),
    ((7, "subuser:add"), "/v3/ips/pools/7/subuser:add"),
    (("ä?#",), "/v3/ips/pools/%C3%A4%3F%23"),
])
def test_every_path_step_is_quoted_whole(steps, path):
    # One builder for every endpoint: a name from the user stays one path step, whatever it holds.
    assert api_path("/v3/ips/pools", *steps) == path


def test_a_refusal_after_a_retry_says_that_the_first_try_may_have_done_it(requests_mock, client):
    # 500, then "already a member": the first POST may have been carried out, so the refusal is no proof of no change.
    requests_mock.post(URL + "/v3/ips/pools/p/ips", [
        {"status_code": 500, "json": {"errors": [{"field": None, "message": "internal error"}]}},
        {"status_code": 400, "json": {"errors": [{"field": "ip", "message": "IP already exists in pool"}]}},
    ])
    answer = client.post("/v3/ips/pools/p/ips", {"ip": "192.0.2.1"}, retry_safe=True, accept_errors=(400,))
    assert isinstance(answer, Refusal) and answer.after_retry is True
    requests_mock.post(URL + "/v3/ips/pools/q/ips", status_code=400, json={"errors": [{"field": "ip", "message": "IP already exists"}]})
    assert client.post("/v3/ips/pools/q/ips", {"ip": "192.0.2.1"}, retry_safe=True, accept_errors=(400,)).after_retry is False
