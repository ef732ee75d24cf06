# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""sendgrid_dedicated_ips (issue 20): buying IPs only when allowed, counted first, quoted in check mode."""

from __future__ import annotations

import pytest
from ansible.module_utils import basic

from ansible_collections.mailops.sendgrid.plugins.modules import sendgrid_dedicated_ips as module
from ansible_collections.mailops.sendgrid.tests.unit.plugins.modules.utils import Call, writes

IPS = "/v3/ips"
PAGE = {"limit": "500", "offset": "0"}
QUOTE = Call("GET", IPS + "/remaining", 200, {"results": [{"remaining": 5, "period": "month", "price_per_ip": 20}]})
SUBUSERS = Call("GET", "/v3/subusers", 200, [{"id": 5, "username": "acme"}], query=PAGE)


def ip(address, subusers=(), warmup=False):
    return {"ip": address, "subusers": list(subusers), "pools": [], "warmup": warmup, "start_date": None, "whitelabeled": False, "rdns": None}


def listed(*items):
    return Call("GET", IPS, 200, list(items), query=PAGE)


def test_enough_ips_is_one_read_and_no_change(run):
    result = run(module, {"count": 2}, [listed(ip("192.0.2.10"), ip("192.0.2.9"))], diff=True)
    assert result["changed"] is False and writes(result) == []
    assert result["ips"] == ["192.0.2.9", "192.0.2.10"] and result["added"] == []
    assert result["purchase"]["count"] == 0
    assert result["diff"] == {"before": {"count": 2}, "after": {"count": 2}}


def test_a_shortfall_without_allow_purchase_fails_before_any_write_and_says_the_cost(run):
    result = run(module, {"count": 3}, [listed(ip("192.0.2.10")), QUOTE])
    assert result["failed"] is True and writes(result) == []
    assert result["msg"] == ("1 dedicated IP(s) on the account, 3 wanted: 2 more would be bought (20 per IP and month, as SendGrid "
                             "quotes it). Adding IPs is a purchase: set allow_purchase=true to buy them")


def test_check_mode_quotes_and_buys_nothing(run):
    result = run(module, {"count": 3, "allow_purchase": True}, [listed(ip("192.0.2.10")), QUOTE], check_mode=True, diff=True)
    assert result["changed"] is True and writes(result) == []
    assert result["purchase"] == {"count": 2, "remaining": 5, "price_per_ip": 20, "period": "month"}
    assert result["ips"] == ["192.0.2.10"] and result["added"] == []


def test_a_purchase_for_a_subuser_counts_its_ips_and_assigns_the_new_ones(run):
    answer = {"ips": [{"ip": "192.0.2.12", "subusers": ["acme"]}], "remaining_ips": 4, "warmup": True}
    result = run(
        module,
        {"count": 2, "subusers": ["acme"], "warmup": True, "allow_purchase": True},
        [
            listed(ip("192.0.2.10"), ip("192.0.2.11", ["acme"])),
            SUBUSERS,
            QUOTE,
            Call("POST", IPS, 201, answer, body={"count": 1, "subusers": ["acme"], "warmup": True}),
        ],
    )
    assert result["changed"] is True
    assert result["ips"] == ["192.0.2.11", "192.0.2.12"] and result["added"] == ["192.0.2.12"]


def test_the_period_allowance_is_checked_before_buying(run):
    quote = Call("GET", IPS + "/remaining", 200, {"results": [{"remaining": 1, "period": "month", "price_per_ip": 20}]})
    result = run(module, {"count": 3, "allow_purchase": True}, [listed(ip("192.0.2.10")), quote])
    assert result["failed"] is True and writes(result) == []
    assert "2 more dedicated IP(s) are needed but SendGrid lets this account add 1 more this month" in result["msg"]


def test_an_unknown_subuser_fails_before_any_write(run):
    result = run(module, {"count": 1, "subusers": ["ghost"], "allow_purchase": True}, [listed(), SUBUSERS])
    assert result["failed"] is True and writes(result) == []
    assert result["msg"].startswith("subusers: ghost is not a subuser of this account")


def test_a_lost_purchase_answer_is_learned_by_reading_never_by_buying_again(run):
    result = run(
        module,
        {"count": 2, "allow_purchase": True},
        [
            listed(ip("192.0.2.10")),
            QUOTE,
            Call("POST", IPS, 500, {"errors": [{"field": None, "message": "internal error"}]}, body={"count": 1, "warmup": False}),
            listed(ip("192.0.2.10"), ip("192.0.2.11")),
        ],
    )
    assert result["changed"] is True and result["added"] == ["192.0.2.11"]
    assert writes(result) == [("POST", IPS)]


@pytest.mark.parametrize("count", [0, -1])
def test_a_count_below_one_is_refused_before_any_request(run, count):
    result = run(module, {"count": count}, [])
    assert result["failed"] is True and result["_requests"] == []
    assert "count must be 1 or more" in result["msg"]


def test_every_ip_warming_up_is_said_in_a_warning(run, monkeypatch):
    # Issue 20, the warm-up trap: the subuser's only IPs are warming up, so its pool sends the warmup volume only.
    seen = []
    monkeypatch.setattr(basic.AnsibleModule, "warn", lambda self, message, **kwargs: seen.append(message))
    run(module, {"count": 1, "subusers": ["acme"]}, [listed(ip("192.0.2.10", ["acme"], warmup=True), ip("192.0.2.11"))])
    assert seen == ["every IP assigned to acme (192.0.2.10) is warming up: a pool of warming IPs only sends SendGrid's warmup "
                    "volume, and a custom SPF record that lists only them limits the sender the same way; keep an IP with a "
                    "reputation in the pool until the warmup ends"]
    seen.clear()
    run(module, {"count": 1}, [listed(ip("192.0.2.10", warmup=True), ip("192.0.2.11"))])
    assert seen == []
