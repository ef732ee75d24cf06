# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

from ansible_collections.mailops.sendgrid.plugins.modules import sendgrid_ip_info as module
from ansible_collections.mailops.sendgrid.tests.unit.plugins.modules.utils import API_KEY, Call, writes

IPS = "/v3/ips"
REMAINING = "/v3/ips/remaining"
REMAINING_ANSWER = {"results": [{"remaining": 2, "period": "month", "price_per_ip": 20}]}
REMAINING_RESULT = [{"remaining": 2, "period": "month", "price_per_ip": 20}]


def api_ip(ip, pools=(), warmup=False, start_date=None, rdns=None, subusers=(), assigned_at=1482883200):
    body = {
        "ip": ip,
        "subusers": list(subusers),
        "pools": list(pools),
        "warmup": warmup,
        "start_date": start_date,
        "whitelabeled": rdns is not None,
        "assigned_at": assigned_at,
    }
    if rdns is not None:
        body["rdns"] = rdns
    return body


def item(ip, pools=(), warmup=False, start_date=None, rdns=None, subusers=(), assigned_at=1482883200):
    return {
        "ip": ip,
        "pools": sorted(pools),
        "warmup": warmup,
        "start_date": start_date,
        "rdns": rdns,
        "whitelabeled": rdns is not None,
        "subusers": list(subusers),
        "assigned_at": assigned_at,
    }


def page(offset, limit=500):
    return {"limit": limit, "offset": offset}


def test_all_ips_and_remaining(run):
    result = run(
        module,
        {},
        [
            Call(
                "GET",
                IPS,
                200,
                [
                    api_ip("192.0.2.10", pools=("tx", "mkt"), rdns="o1.email.example.com"),
                    api_ip("192.0.2.11", warmup=True, start_date=1700000000, subusers=("eu-sub",)),
                ],
                query=page(0),
            ),
            Call("GET", REMAINING, 200, REMAINING_ANSWER),
        ],
    )
    assert result["changed"] is False
    assert result["ips"] == [
        item("192.0.2.10", pools=("mkt", "tx"), rdns="o1.email.example.com"),
        item("192.0.2.11", warmup=True, start_date=1700000000, subusers=("eu-sub",)),
    ]
    assert result["remaining_ips"] == REMAINING_RESULT


def test_follows_every_page(run):
    first = [api_ip("10.0.%d.%d" % (n // 250, n % 250 + 1)) for n in range(500)]
    second = [api_ip("10.9.0.1")]
    result = run(
        module,
        {},
        [
            Call("GET", IPS, 200, first, query=page(0)),
            Call("GET", IPS, 200, second, query=page(500)),
            Call("GET", REMAINING, 200, REMAINING_ANSWER),
        ],
    )
    assert len(result["ips"]) == 501
    assert result["ips"][-1]["ip"] == "10.9.0.1"


def test_exact_page_size_reads_one_empty_page_more(run):
    first = [api_ip("10.0.%d.%d" % (n // 250, n % 250 + 1)) for n in range(500)]
    result = run(
        module,
        {},
        [
            Call("GET", IPS, 200, first, query=page(0)),
            Call("GET", IPS, 200, [], query=page(500)),
            Call("GET", REMAINING, 200, REMAINING_ANSWER),
        ],
    )
    assert len(result["ips"]) == 500


def test_one_ip_uses_the_server_side_filter_and_matches_exactly(run):
    result = run(
        module,
        {"ip": "192.0.2.1"},
        [
            # A prefix-matching answer must not leak 192.0.2.10 into the result.
            Call("GET", IPS, 200, [api_ip("192.0.2.1"), api_ip("192.0.2.10")], query=dict(page(0), ip="192.0.2.1")),
            Call("GET", REMAINING, 200, REMAINING_ANSWER),
        ],
    )
    assert [i["ip"] for i in result["ips"]] == ["192.0.2.1"]


def test_no_match_returns_empty_lists(run):
    result = run(
        module,
        {"ip": "198.51.100.7"},
        [Call("GET", IPS, 200, [], query=dict(page(0), ip="198.51.100.7")), Call("GET", REMAINING, 200, {"results": []})],
    )
    assert result["changed"] is False
    assert result["ips"] == []
    assert result["remaining_ips"] == []


def test_subuser_and_exclude_whitelabels_filters(run):
    result = run(
        module,
        {"subuser": "eu-sub", "exclude_whitelabels": True},
        [
            Call("GET", IPS, 200, [api_ip("192.0.2.11", subusers=("eu-sub",))], query=dict(page(0), subuser="eu-sub", exclude_whitelabels="true")),
            Call("GET", REMAINING, 200, REMAINING_ANSWER),
        ],
    )
    assert result["ips"] == [item("192.0.2.11", subusers=("eu-sub",))]


def test_assigned_only_uses_the_assigned_list(run):
    result = run(
        module,
        {"assigned_only": True},
        [
            Call("GET", "/v3/ips/assigned", 200, [{"ip": "192.0.2.10", "pools": ["tx"], "warmup": True, "start_date": 1409616000}]),
            Call("GET", REMAINING, 200, REMAINING_ANSWER),
        ],
    )
    assert result["ips"] == [
        {
            "ip": "192.0.2.10",
            "pools": ["tx"],
            "warmup": True,
            "start_date": 1409616000,
            "rdns": None,
            "whitelabeled": None,
            "subusers": [],
            "assigned_at": None,
        }
    ]


def test_assigned_only_with_ip_filters_exactly(run):
    result = run(
        module,
        {"assigned_only": True, "ip": "192.0.2.11"},
        [
            Call("GET", "/v3/ips/assigned", 200, [{"ip": "192.0.2.10", "pools": [], "warmup": False, "start_date": None}]),
            Call("GET", REMAINING, 200, REMAINING_ANSWER),
        ],
    )
    assert result["ips"] == []


def test_assigned_only_with_subuser_fails_before_any_request(run):
    result = run(module, {"assigned_only": True, "subuser": "eu-sub"}, [])
    assert result["failed"] is True
    assert "subuser cannot be used with assigned_only=true" in result["msg"]


def test_assigned_only_with_exclude_whitelabels_fails_before_any_request(run):
    result = run(module, {"assigned_only": True, "exclude_whitelabels": True}, [])
    assert result["failed"] is True
    assert "exclude_whitelabels cannot be used with assigned_only=true" in result["msg"]


def test_invalid_ip_fails_before_any_request(run):
    result = run(module, {"ip": "not-an-ip"}, [])
    assert result["failed"] is True
    assert "ip must be an IPv4 address" in result["msg"]


def test_check_mode_reads_the_same(run):
    result = run(
        module,
        {},
        [Call("GET", IPS, 200, [api_ip("192.0.2.10")], query=page(0)), Call("GET", REMAINING, 200, REMAINING_ANSWER)],
        check_mode=True,
    )
    assert result["changed"] is False
    assert writes(result) == []
    assert len(result["ips"]) == 1


def test_on_behalf_of_is_refused_and_names_the_subuser_option(run):
    result = run(module, {"on_behalf_of": "eu-sub"}, [])
    assert result["failed"] is True and "the subuser option lists them" in result["msg"]


def test_server_error_is_retried(run):
    result = run(
        module,
        {},
        [
            Call("GET", IPS, 500, {"errors": [{"field": None, "message": "internal error"}]}, query=page(0)),
            Call("GET", IPS, 200, [], query=page(0)),
            Call("GET", REMAINING, 200, REMAINING_ANSWER),
        ],
    )
    assert result["ips"] == []


def test_persistent_server_error_fails_with_method_path_status(run):
    error = {"errors": [{"field": None, "message": "unavailable"}]}
    result = run(module, {}, [Call("GET", IPS, 503, error, query=page(0))] * 4)
    assert result["failed"] is True
    assert result["msg"] == "SendGrid API request GET /v3/ips failed with HTTP 503: unavailable"
    assert API_KEY not in repr(result)


def test_rate_limit_is_waited_out(run, _no_sleep):
    result = run(
        module,
        {},
        [
            Call("GET", IPS, 429, {"errors": [{"field": None, "message": "too many requests"}]}, query=page(0), headers={"X-RateLimit-Reset": "4"}),
            Call("GET", IPS, 200, [], query=page(0)),
            Call("GET", REMAINING, 200, REMAINING_ANSWER),
        ],
    )
    assert result["ips"] == []
    assert _no_sleep == [4.0]
