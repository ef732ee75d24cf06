# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""sendgrid_subuser_ips (issue 20): PUT replaces the whole list, so the module writes the union (or, with purge, the exact list)."""

from __future__ import annotations

from ansible_collections.mailops.sendgrid.plugins.modules import sendgrid_subuser_ips as module
from ansible_collections.mailops.sendgrid.tests.unit.plugins.modules.utils import Call, writes

IPS = "/v3/ips"
PAGE = {"limit": "500", "offset": "0"}


def assigned(*ips):
    return Call("GET", IPS, 200, [{"ip": ip, "subusers": ["acme"]} for ip in ips], query=dict(PAGE, subuser="acme"))


ACCOUNT = Call("GET", IPS, 200, [{"ip": ip} for ip in ("192.0.2.9", "192.0.2.10", "192.0.2.11")], query=PAGE)
SUBUSER = Call("GET", "/v3/subusers", 200, [{"id": 5, "username": "acme"}], query=dict(PAGE, username="acme"))


def test_no_change_is_one_read(run):
    result = run(module, {"subuser": "acme", "ips": ["192.0.2.10"]}, [assigned("192.0.2.10", "192.0.2.9")])
    assert result["changed"] is False and writes(result) == []
    assert result["subuser"] == {"subuser": "acme", "ips": ["192.0.2.9", "192.0.2.10"]}


def test_an_added_ip_is_written_with_the_ones_the_subuser_has(run):
    result = run(
        module,
        {"subuser": "acme", "ips": ["192.0.2.11"]},
        [assigned("192.0.2.10"), SUBUSER, ACCOUNT,
         Call("PUT", "/v3/subusers/acme/ips", 200, {"ips": ["192.0.2.10", "192.0.2.11"]}, body=["192.0.2.10", "192.0.2.11"])],
        diff=True,
    )
    assert result["changed"] is True
    assert result["diff"] == {"before": {"subuser": "acme", "ips": ["192.0.2.10"]}, "after": {"subuser": "acme", "ips": ["192.0.2.10", "192.0.2.11"]}}


def test_purge_writes_the_exact_list(run):
    result = run(
        module,
        {"subuser": "acme", "ips": ["192.0.2.11"], "purge_ips": True},
        [assigned("192.0.2.10", "192.0.2.11"), SUBUSER, ACCOUNT,
         Call("PUT", "/v3/subusers/acme/ips", 200, {"ips": ["192.0.2.11"]}, body=["192.0.2.11"])],
    )
    assert result["changed"] is True and result["subuser"]["ips"] == ["192.0.2.11"]


def test_check_mode_predicts_and_writes_nothing(run):
    result = run(module, {"subuser": "acme", "ips": ["192.0.2.11"]}, [assigned("192.0.2.10"), SUBUSER, ACCOUNT], check_mode=True)
    assert result["changed"] is True and writes(result) == []
    assert result["subuser"]["ips"] == ["192.0.2.10", "192.0.2.11"]


def test_an_ip_not_on_the_account_or_an_unknown_subuser_fails_before_any_write(run):
    result = run(module, {"subuser": "acme", "ips": ["198.51.100.7"]}, [assigned(), SUBUSER, ACCOUNT])
    assert result["failed"] is True and writes(result) == [] and "ips: 198.51.100.7 is not a dedicated IP" in result["msg"]
    nobody = Call("GET", "/v3/subusers", 200, [], query=dict(PAGE, username="ghost"))
    ghost = Call("GET", IPS, 200, [], query=dict(PAGE, subuser="ghost"))
    result = run(module, {"subuser": "ghost", "ips": ["192.0.2.10"]}, [ghost, nobody])
    assert result["failed"] is True and writes(result) == [] and result["msg"].startswith("subuser: ghost is not a subuser")


def test_bad_input_is_refused_before_any_request(run):
    assert "ips must be an IPv4 address" in run(module, {"subuser": "acme", "ips": ["nope"]}, [])["msg"]
    assert "at least one IP" in run(module, {"subuser": "acme", "ips": []}, [])["msg"]
    assert "on_behalf_of cannot be used" in run(module, {"subuser": "acme", "ips": ["192.0.2.1"], "on_behalf_of": "acme"}, [])["msg"]
