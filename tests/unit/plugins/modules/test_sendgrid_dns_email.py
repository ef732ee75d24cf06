# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible_collections.mailops.sendgrid.plugins.modules import sendgrid_dns_email as module
from ansible_collections.mailops.sendgrid.tests.unit.plugins.modules.utils import Call

DNS_EMAIL = "/v3/whitelabel/dns/email"
BAD_ID = {"errors": [{"field": "domain_id", "message": "domain 99 not found"}]}


def test_sends_the_domain_and_the_link_in_one_request(run):
    result = run(
        module,
        {"email": " dns-team@example.com ", "domain_id": 1001, "link_id": 7, "text": "Please publish"},
        [Call("POST", DNS_EMAIL, 204, body={"email": "dns-team@example.com", "domain_id": 1001, "link_id": 7, "message": "Please publish"})],
    )
    assert result["changed"] is True
    assert (result["email"], result["domain_id"], result["link_id"]) == ("dns-team@example.com", 1001, 7)


def test_one_id_is_enough_and_message_is_left_to_sendgrid(run):
    result = run(module, {"email": "dns@example.com", "link_id": 7}, [Call("POST", DNS_EMAIL, 204, body={"email": "dns@example.com", "link_id": 7})])
    assert result["changed"] is True
    assert "domain_id" not in result


def test_check_mode_sends_nothing_and_reports_the_change(run):
    result = run(module, {"email": "dns@example.com", "domain_id": 1001}, [], check_mode=True)
    assert result["changed"] is True
    assert result["domain_id"] == 1001


def test_refused_request_fails_with_sendgrid_message_and_no_change(run):
    body = {"email": "dns@example.com", "domain_id": 99}
    result = run(module, body, [Call("POST", DNS_EMAIL, 400, BAD_ID, body=body)])
    assert result["failed"] is True
    assert result["changed"] is False
    assert "POST /v3/whitelabel/dns/email" in result["msg"] and "domain 99 not found" in result["msg"]


def test_server_error_is_not_retried_and_may_have_sent_the_email(run):
    body = {"email": "dns@example.com", "domain_id": 1001}
    result = run(module, body, [Call("POST", DNS_EMAIL, 500, {"errors": [{"message": "boom"}]}, body=body)])
    assert result["failed"] is True
    assert result["changed"] is True


@pytest.mark.parametrize("args, named", [
    ({"email": "dns.example.com", "domain_id": 1}, "email"),
    ({"email": "dns@team@example.com", "domain_id": 1}, "email"),
    ({"email": "dns@example.com", "domain_id": -1}, "domain_id"),
    ({"email": "dns@example.com", "link_id": -5}, "link_id"),
    ({"email": "dns@example.com"}, "domain_id, link_id"),
])
def test_bad_input_fails_before_any_request(run, args, named):
    result = run(module, args, [])
    assert result["failed"] is True
    assert named in result["msg"]
