# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

from ansible_collections.mailops.sendgrid.plugins.modules import sendgrid_ip_pool_info as module
from ansible_collections.mailops.sendgrid.tests.unit.plugins.modules.utils import API_KEY, Call, writes

POOLS = "/v3/ips/pools"
IPS = "/v3/ips"
NOT_FOUND = {"errors": [{"field": "error", "message": "Unable to locate specified IPs Pool"}]}


def api_ip(ip, *pools):
    return {"ip": ip, "pools": list(pools), "subusers": [], "warmup": False, "start_date": None, "whitelabeled": False, "assigned_at": 1}


def page(offset):
    return {"limit": 500, "offset": offset}


def test_one_pool_is_one_get(run):
    result = run(module, {"name": "tx"}, [Call("GET", POOLS + "/tx", 200, {"pool_name": "tx", "ips": ["192.0.2.11", "192.0.2.10"]})])
    assert result["changed"] is False
    assert result["pools"] == [{"name": "tx", "ips": ["192.0.2.10", "192.0.2.11"]}]


def test_one_pool_with_member_objects(run):
    result = run(module, {"name": "tx"}, [Call("GET", POOLS + "/tx", 200, {"pool_name": "tx", "ips": [{"ip": "192.0.2.10", "warmup": False}]})])
    assert result["pools"] == [{"name": "tx", "ips": ["192.0.2.10"]}]


def test_missing_pool_is_an_empty_list(run):
    result = run(module, {"name": "nope"}, [Call("GET", POOLS + "/nope", 404, NOT_FOUND)])
    assert result["changed"] is False
    assert result["pools"] == []


def test_pool_name_is_url_encoded(run):
    result = run(module, {"name": "Test Pool"}, [Call("GET", POOLS + "/Test%20Pool", 200, {"pool_name": "Test Pool", "ips": []})])
    assert result["pools"] == [{"name": "Test Pool", "ips": []}]


def test_all_pools_cost_the_pool_list_and_the_ip_list(run):
    result = run(
        module,
        {},
        [
            Call("GET", POOLS, 200, [{"name": "tx"}, {"name": "empty"}, {"name": "mkt"}]),
            Call(
                "GET",
                IPS,
                200,
                [api_ip("192.0.2.11", "tx", "mkt"), api_ip("192.0.2.10", "tx"), api_ip("192.0.2.12"), api_ip("192.0.2.13", "vanished")],
                query=page(0),
            ),
        ],
    )
    assert result["changed"] is False
    assert result["pools"] == [
        {"name": "empty", "ips": []},
        {"name": "mkt", "ips": ["192.0.2.11"]},
        {"name": "tx", "ips": ["192.0.2.10", "192.0.2.11"]},
    ]


def test_all_pools_follows_every_ip_page(run):
    first = [api_ip("10.0.%d.%d" % (n // 250, n % 250 + 1)) for n in range(500)]
    result = run(
        module,
        {},
        [
            Call("GET", POOLS, 200, [{"name": "tx"}]),
            Call("GET", IPS, 200, first, query=page(0)),
            Call("GET", IPS, 200, [api_ip("10.9.0.1", "tx")], query=page(500)),
        ],
    )
    assert result["pools"] == [{"name": "tx", "ips": ["10.9.0.1"]}]


def test_no_pools_is_one_request_and_an_empty_list(run):
    result = run(module, {}, [Call("GET", POOLS, 200, [])])
    assert result["pools"] == []


def test_items_can_be_fed_back_to_sendgrid_ip_pool(run):
    from ansible_collections.mailops.sendgrid.plugins.modules import sendgrid_ip_pool

    info = run(module, {"name": "tx"}, [Call("GET", POOLS + "/tx", 200, {"pool_name": "tx", "ips": ["192.0.2.10"]})])
    fed = dict(info["pools"][0], purge_ips=True)
    result = run(sendgrid_ip_pool, fed, [Call("GET", POOLS + "/tx", 200, {"pool_name": "tx", "ips": ["192.0.2.10"]})])
    assert result["changed"] is False
    assert writes(result) == []


def test_name_too_long_fails_before_any_request(run):
    result = run(module, {"name": "x" * 65}, [])
    assert result["failed"] is True
    assert "name must be 1 to 64 characters" in result["msg"]


def test_check_mode_reads_the_same(run):
    result = run(module, {"name": "tx"}, [Call("GET", POOLS + "/tx", 200, {"pool_name": "tx", "ips": []})], check_mode=True)
    assert result["changed"] is False
    assert writes(result) == []


def test_on_behalf_of_is_refused_before_any_request(run):
    result = run(module, {"on_behalf_of": "eu-sub"}, [])
    assert result["failed"] is True and "/v3/ips/pools" in result["msg"]


def test_server_error_is_retried(run):
    result = run(
        module,
        {"name": "tx"},
        [
            Call("GET", POOLS + "/tx", 502, {"errors": [{"field": None, "message": "bad gateway"}]}),
            Call("GET", POOLS + "/tx", 200, {"pool_name": "tx", "ips": []}),
        ],
    )
    assert result["pools"] == [{"name": "tx", "ips": []}]


def test_auth_error_is_reported_with_method_path_status(run):
    result = run(module, {}, [Call("GET", POOLS, 401, {"errors": [{"field": None, "message": "authorization required"}]})])
    assert result["failed"] is True
    assert result["msg"] == (
        "SendGrid API request GET /v3/ips/pools failed with HTTP 401: authorization required"
        " (SendGrid refused the API key: check api_key or SENDGRID_API_KEY (revoked, mistyped, or a key of another account;"
        " a key of an EU account works only with data_residency=eu))"
    )
    assert API_KEY not in repr(result)


def test_rate_limit_is_waited_out(run, _no_sleep):
    result = run(
        module,
        {"name": "tx"},
        [
            Call("GET", POOLS + "/tx", 429, {"errors": [{"field": None, "message": "too many requests"}]}),
            Call("GET", POOLS + "/tx", 200, {"pool_name": "tx", "ips": []}),
        ],
    )
    assert result["pools"] == [{"name": "tx", "ips": []}]
    assert _no_sleep == [1.0]
