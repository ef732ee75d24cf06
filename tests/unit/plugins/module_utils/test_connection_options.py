# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The connection options and string options are checked before the first request (found by the
reliability suite: an empty key, an empty on_behalf_of or a negative rate_limit_timeout used to reach
SendGrid, a timeout of 0 crashed in requests, and a list given to a string option became its text)."""

from __future__ import annotations

import pytest

from ansible_collections.mailops.sendgrid.plugins.module_utils._module import InputError, check_connection_options, check_string_options
from ansible_collections.mailops.sendgrid.plugins.modules import sendgrid_ip_pool
from ansible_collections.mailops.sendgrid.tests.unit.plugins.modules.utils import Call


@pytest.mark.parametrize(
    "option, value, words",
    [
        ("api_key", "", "api_key is empty"),
        ("api_key", "   ", "api_key is empty"),
        ("api_url", "", "api_url must be an http:// or https:// URL"),
        ("api_url", "api.sendgrid.com", "api_url must be an http:// or https:// URL"),
        ("api_url", "ftp://api.sendgrid.com", "api_url must be an http:// or https:// URL"),
        ("api_url", "https://", "api_url must be an http:// or https:// URL"),
        ("on_behalf_of", "", "on_behalf_of is empty"),
        ("on_behalf_of", " ", "on_behalf_of is empty"),
        ("timeout", 0, "timeout must be more than 0 seconds"),
        ("timeout", -1, "timeout must be more than 0 seconds"),
        ("rate_limit_timeout", -1, "rate_limit_timeout must be 0 or more seconds"),
        ("name", ["a", "b"], "name must be a string, got a list"),
        ("name", {"a": 1}, "name must be a string, got a mapping"),
        ("ips", [["192.0.2.1"]], "ips must be a list of strings"),
    ],
)
def test_bad_option_fails_before_any_request(run, option, value, words):
    result = run(sendgrid_ip_pool, {"name": "tx", option: value}, [])
    assert result["failed"] is True and result["changed"] is False
    assert words in result["msg"]
    assert result["_requests"] == []


def test_good_connection_options_pass(run):
    args = {"name": "tx", "api_url": "http://127.0.0.1:8765/", "on_behalf_of": "account-id 42", "timeout": 0.5, "rate_limit_timeout": 0}
    result = run(sendgrid_ip_pool, args, [Call("GET", "/v3/ips/pools/tx", 200, {"pool_name": "tx", "ips": []})])
    assert result["changed"] is False and result["pool"] == {"name": "tx", "ips": []}
    assert result["_request_headers"][0]["on-behalf-of"] == "account-id 42"
    check_connection_options({"api_key": "SG.x", "api_url": None, "on_behalf_of": None, "timeout": 30, "rate_limit_timeout": 300})


def test_string_options_accept_scalars():
    spec = {"name": {"type": "str"}, "ips": {"type": "list", "elements": "str"}, "port": {"type": "int"}}
    check_string_options(spec, {"name": 5, "ips": ["192.0.2.1", 7], "port": [1]})
    with pytest.raises(InputError, match="ips must be a list of strings"):
        check_string_options(spec, {"ips": [{"ip": "192.0.2.1"}]})
