# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

from ansible_collections.mailops.sendgrid.plugins.modules import sendgrid_ip as module
from ansible_collections.mailops.sendgrid.tests.unit.plugins.modules.utils import API_KEY, Call, writes

IP = "192.0.2.10"
GET_IP = "/v3/ips/" + IP
WARMUP = "/v3/ips/warmup"
NOT_FOUND = {"errors": [{"field": None, "message": "resource not found"}]}


def api_ip(warmup=False, start_date=None, pools=("tx",), rdns="o1.email.example.com", subusers=("eu-sub",)):
    body = {
        "ip": IP,
        "subusers": list(subusers),
        "pools": list(pools),
        "warmup": warmup,
        "start_date": start_date,
        "whitelabeled": rdns is not None,
    }
    if rdns is not None:
        body["rdns"] = rdns
    return body


def expected(warmup=False, start_date=None, pools=("tx",), rdns="o1.email.example.com", subusers=("eu-sub",)):
    return {
        "ip": IP,
        "pools": sorted(pools),
        "warmup": warmup,
        "start_date": start_date,
        "rdns": rdns,
        "whitelabeled": rdns is not None,
        "subusers": list(subusers),
    }


def test_read_only_is_one_get(run):
    result = run(module, {"ip": IP}, [Call("GET", GET_IP, 200, api_ip(pools=("tx", "mkt")))])
    assert result["changed"] is False
    assert result["ip"] == expected(pools=("mkt", "tx"))


def test_no_change_when_warmup_already_on_is_one_get(run):
    result = run(module, {"ip": IP, "warmup": True}, [Call("GET", GET_IP, 200, api_ip(warmup=True, start_date=1700000000))], diff=True)
    assert result["changed"] is False
    assert writes(result) == []
    assert result["ip"] == expected(warmup=True, start_date=1700000000)
    assert result["diff"] == {"before": {"ip": IP, "warmup": True}, "after": {"ip": IP, "warmup": True}}


def test_no_change_when_warmup_already_off_is_one_get(run):
    result = run(module, {"ip": IP, "warmup": False}, [Call("GET", GET_IP, 200, api_ip())])
    assert result["changed"] is False
    assert writes(result) == []


def test_start_warmup(run):
    result = run(
        module,
        {"ip": IP, "warmup": True},
        [
            Call("GET", GET_IP, 200, api_ip()),
            Call("POST", WARMUP, 200, [{"ip": IP, "start_date": 1700000123}], body={"ip": IP}),
        ],
        diff=True,
    )
    assert result["changed"] is True
    assert result["ip"] == expected(warmup=True, start_date=1700000123)
    assert result["diff"] == {"before": {"ip": IP, "warmup": False}, "after": {"ip": IP, "warmup": True}}


def test_stop_warmup(run):
    result = run(
        module,
        {"ip": IP, "warmup": False},
        [Call("GET", GET_IP, 200, api_ip(warmup=True, start_date=1700000000)), Call("DELETE", WARMUP + "/" + IP, 204)],
        diff=True,
    )
    assert result["changed"] is True
    assert result["ip"] == expected(warmup=False, start_date=None)
    assert result["diff"] == {"before": {"ip": IP, "warmup": True}, "after": {"ip": IP, "warmup": False}}


def test_stop_warmup_that_already_ended_is_not_an_error(run):
    result = run(
        module,
        {"ip": IP, "warmup": False},
        [Call("GET", GET_IP, 200, api_ip(warmup=True, start_date=1700000000)), Call("DELETE", WARMUP + "/" + IP, 404, NOT_FOUND)],
    )
    assert result["changed"] is True
    assert result["ip"]["warmup"] is False


def test_check_mode_start_predicts_and_writes_nothing(run, monkeypatch):
    monkeypatch.setattr(module.time, "time", lambda: 1700000999.5)
    result = run(module, {"ip": IP, "warmup": True}, [Call("GET", GET_IP, 200, api_ip())], check_mode=True, diff=True)
    assert result["changed"] is True
    assert writes(result) == []
    assert result["ip"] == expected(warmup=True, start_date=1700000999)
    assert result["diff"]["after"] == {"ip": IP, "warmup": True}


def test_check_mode_stop_predicts_and_writes_nothing(run):
    result = run(
        module, {"ip": IP, "warmup": False}, [Call("GET", GET_IP, 200, api_ip(warmup=True, start_date=1700000000))], check_mode=True
    )
    assert result["changed"] is True
    assert writes(result) == []
    assert result["ip"] == expected(warmup=False, start_date=None)


def test_ip_not_on_account_fails_naming_it(run):
    result = run(module, {"ip": IP, "warmup": True}, [Call("GET", GET_IP, 404, NOT_FOUND)])
    assert result["failed"] is True
    assert result["changed"] is False
    assert "IP 192.0.2.10 is not a dedicated IP of this SendGrid account" in result["msg"]
    assert "ip" not in result  # the documented ip return is a dict; a failure does not return it


def test_on_behalf_of_is_refused_before_any_request(run):
    # /v3/ips does not declare on-behalf-of: it could start the warmup of the parent's IP without a word.
    result = run(module, {"ip": IP, "warmup": True, "on_behalf_of": "eu-sub"}, [])
    assert result["failed"] is True and "/v3/ips" in result["msg"] and "omit on_behalf_of" in result["msg"]


def test_invalid_ip_fails_before_any_request(run):
    result = run(module, {"ip": "192.0.2.300", "warmup": True}, [])
    assert result["failed"] is True
    assert "ip must be an IPv4 address" in result["msg"]


def test_ipv6_is_refused_before_any_request(run):
    result = run(module, {"ip": "2001:db8::1"}, [])
    assert result["failed"] is True
    assert "ip must be an IPv4 address" in result["msg"]


def test_ip_is_normalised_before_the_request(run):
    result = run(module, {"ip": " 192.0.2.10 "}, [Call("GET", GET_IP, 200, api_ip())])
    assert result["changed"] is False


def test_start_warmup_server_error_is_not_repeated_and_read_again(run):
    result = run(
        module,
        {"ip": IP, "warmup": True},
        [
            Call("GET", GET_IP, 200, api_ip()),
            Call("POST", WARMUP, 500, {"errors": [{"field": None, "message": "internal error"}]}, body={"ip": IP}),
            Call("GET", GET_IP, 200, api_ip()),
        ],
    )
    assert result["failed"] is True
    assert result["msg"] == "SendGrid API request POST /v3/ips/warmup failed with HTTP 500: internal error"
    assert result["changed"] is False
    assert API_KEY not in repr(result)


def test_start_warmup_server_error_but_warmup_started(run):
    result = run(
        module,
        {"ip": IP, "warmup": True},
        [
            Call("GET", GET_IP, 200, api_ip()),
            Call("POST", WARMUP, 502, {"errors": [{"field": None, "message": "bad gateway"}]}, body={"ip": IP}),
            Call("GET", GET_IP, 200, api_ip(warmup=True, start_date=1700000200)),
        ],
    )
    assert result["changed"] is True
    assert result["ip"] == expected(warmup=True, start_date=1700000200)


def test_start_warmup_client_error_is_reported(run):
    result = run(
        module,
        {"ip": IP, "warmup": True},
        [
            Call("GET", GET_IP, 200, api_ip()),
            Call("POST", WARMUP, 400, {"errors": [{"field": "ip", "message": "IP cannot be warmed up"}]}, body={"ip": IP}),
        ],
    )
    assert result["failed"] is True
    assert result["msg"] == "SendGrid API request POST /v3/ips/warmup failed with HTTP 400: ip: IP cannot be warmed up"
    assert result["changed"] is False


def test_read_server_error_is_retried(run):
    result = run(
        module,
        {"ip": IP},
        [Call("GET", GET_IP, 503, {"errors": [{"field": None, "message": "unavailable"}]}), Call("GET", GET_IP, 200, api_ip())],
    )
    assert result["changed"] is False


def test_stop_server_error_is_retried(run):
    result = run(
        module,
        {"ip": IP, "warmup": False},
        [
            Call("GET", GET_IP, 200, api_ip(warmup=True, start_date=1)),
            Call("DELETE", WARMUP + "/" + IP, 503, {"errors": [{"field": None, "message": "unavailable"}]}),
            Call("DELETE", WARMUP + "/" + IP, 204),
        ],
    )
    assert result["changed"] is True


def test_rate_limit_is_waited_out(run, _no_sleep):
    result = run(
        module,
        {"ip": IP},
        [
            Call("GET", GET_IP, 429, {"errors": [{"field": None, "message": "too many requests"}]}, headers={"Retry-After": "2"}),
            Call("GET", GET_IP, 200, api_ip()),
        ],
    )
    assert result["changed"] is False
    assert _no_sleep == [2.0]


def test_ip_without_reverse_dns(run):
    result = run(module, {"ip": IP}, [Call("GET", GET_IP, 200, api_ip(rdns=None, pools=(), subusers=()))])
    assert result["ip"] == expected(rdns=None, pools=(), subusers=())


def test_answer_without_whitelabeled_flag_says_whether_the_ip_has_a_name(run):
    named = {key: value for key, value in api_ip().items() if key != "whitelabeled"}
    unnamed = {key: value for key, value in api_ip(rdns=None).items() if key != "whitelabeled"}
    assert run(module, {"ip": IP}, [Call("GET", GET_IP, 200, named)])["ip"]["whitelabeled"] is True
    assert run(module, {"ip": IP}, [Call("GET", GET_IP, 200, unnamed)])["ip"]["whitelabeled"] is False
