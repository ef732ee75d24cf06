# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The connection options and string options are checked before the first request (found by the
reliability suite: an empty key, an empty on_behalf_of or a negative rate_limit_timeout used to reach
SendGrid, a timeout of 0 crashed in requests, and a list given to a string option became its text)."""

from __future__ import annotations

import pytest

from ansible_collections.mailops.sendgrid.plugins.module_utils._errors import InputError
from ansible_collections.mailops.sendgrid.plugins.module_utils._validators import check_connection_options, check_string_options
from ansible_collections.mailops.sendgrid.plugins.modules import (
    sendgrid_domain_auth_info,
    sendgrid_ip,
    sendgrid_ip_info,
    sendgrid_ip_pool,
    sendgrid_ip_pool_info,
)
from ansible_collections.mailops.sendgrid.tests.unit.plugins.modules.utils import Call


@pytest.mark.parametrize(
    "option, value, words",
    [
        ("api_key", "", "api_key is empty"),
        ("api_key", "   ", "api_key is empty"),
        ("api_url", "   x", "api_url must be an http:// or https:// URL"),
        ("api_url", "api.sendgrid.com", "api_url must be an http:// or https:// URL"),
        ("api_url", "ftp://api.sendgrid.com", "api_url must be an http:// or https:// URL"),
        ("api_url", "https://", "api_url must be an http:// or https:// URL"),
        ("on_behalf_of", "", "on_behalf_of is empty"),
        ("on_behalf_of", " ", "on_behalf_of is empty"),
        ("timeout", 0, "timeout must be more than 0 and at most 3600 seconds, got 0"),
        ("timeout", -1, "timeout must be more than 0 and at most 3600 seconds, got -1"),
        ("timeout", "inf", "timeout must be a finite number of seconds, got inf"),
        ("timeout", "nan", "timeout must be a finite number of seconds, got nan"),
        ("rate_limit_timeout", -1, "rate_limit_timeout must be at least 0 and at most 86400 seconds, got -1"),
        ("rate_limit_timeout", "nan", "rate_limit_timeout must be a finite number of seconds, got nan"),
        ("api_key", "SG.one two", "api_key contains blanks inside it"),
        ("api_key", "SG.one\ntwo", "api_key contains a line break inside it"),
        ("on_behalf_of", "acme\r\nX-Injected: 1", "on_behalf_of contains a line break inside it"),
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
    args = {"name": "tx", "api_url": "http://127.0.0.1:8765/", "timeout": 0.5, "rate_limit_timeout": 0}
    result = run(sendgrid_ip_pool, args, [Call("GET", "/v3/ips/pools/tx", 200, {"pool_name": "tx", "ips": []})])
    assert result["changed"] is False and result["pool"] == {"name": "tx", "ips": []}
    listed = Call("GET", "/v3/whitelabel/domains", 200, [], query={"limit": "500", "offset": "0"})
    result = run(sendgrid_domain_auth_info, {"on_behalf_of": "account-id 42"}, [listed])
    assert result["_request_headers"][0]["on-behalf-of"] == "account-id 42"
    check_connection_options({"api_key": "SG.x", "api_url": None, "on_behalf_of": None, "timeout": 30, "rate_limit_timeout": 300})


def test_string_options_accept_scalars():
    spec = {"name": {"type": "str"}, "ips": {"type": "list", "elements": "str"}, "port": {"type": "int"}}
    check_string_options(spec, {"name": 5, "ips": ["192.0.2.1", 7], "port": [1]})
    with pytest.raises(InputError, match="ips must be a list of strings"):
        check_string_options(spec, {"ips": [{"ip": "192.0.2.1"}]})


def test_key_with_a_trailing_line_break_is_used_without_it(run, monkeypatch):
    from ansible_collections.mailops.sendgrid.tests.unit.plugins.modules import utils

    # The Conversation asserts the header is exactly "Bearer <key>": the line break must be gone.
    args = {"name": "tx", "api_key": utils.API_KEY + "\n"}
    result = run(sendgrid_ip_pool, args, [Call("GET", "/v3/ips/pools/tx", 200, {"pool_name": "tx", "ips": []})])
    assert result["changed"] is False


@pytest.mark.parametrize("value, words", [(0, "validate_delay must be at least 0.1"), (0.05, "validate_delay must be at least 0.1"), ("nan", "finite")])
def test_validate_delay_has_a_floor(run, value, words):
    from ansible_collections.mailops.sendgrid.plugins.modules import sendgrid_link_branding

    result = run(sendgrid_link_branding, {"domain": "example.com", "validate_delay": value}, [])
    assert result["failed"] is True and words in result["msg"] and result["_requests"] == []


def test_a_missing_key_names_the_option_and_the_environment_variable(run):
    result = run(sendgrid_ip_pool, {"name": "tx", "api_key": None}, [])
    assert result["failed"] is True and result["_requests"] == []
    assert "api_key is not set" in result["msg"] and "SENDGRID_API_KEY" in result["msg"]


def test_an_empty_api_url_from_the_environment_is_not_set(run, monkeypatch):
    monkeypatch.setenv("SENDGRID_API_URL", "")
    result = run(sendgrid_ip_pool, {"name": "tx"}, [Call("GET", "/v3/ips/pools/tx", 200, {"pool_name": "tx", "ips": []})])
    assert result["changed"] is False


def test_a_long_rate_limit_wait_is_said_in_a_warning(run, monkeypatch, _no_sleep):
    from ansible.module_utils import basic

    seen = []
    monkeypatch.setattr(basic.AnsibleModule, "warn", lambda self, message, **kwargs: seen.append(message))
    too_many = {"errors": [{"field": None, "message": "too many requests"}]}
    calls = [Call("GET", "/v3/ips/pools/tx", 429, too_many, headers={"Retry-After": "6"}),
             Call("GET", "/v3/ips/pools/tx", 200, {"pool_name": "tx", "ips": []})]
    result = run(sendgrid_ip_pool, {"name": "tx"}, calls)
    assert result["changed"] is False and _no_sleep == [6.0]
    assert seen == ["waited 6 s in total for SendGrid's rate limit (1 answers 429); many parallel tasks share one limit: "
                    "fewer forks, throttle, or a larger rate_limit_timeout if runs fail"]
    # The result says it too (issue 16, item 8).
    assert result["rate_limit"] == {"waited": 6.0, "answers_429": 1}


@pytest.mark.parametrize(
    "module, args, endpoint",
    [
        (sendgrid_ip_pool, {"name": "tx"}, "/v3/ips/pools"),
        (sendgrid_ip_pool_info, {}, "/v3/ips/pools"),
        (sendgrid_ip, {"ip": "192.0.2.1"}, "/v3/ips"),
        (sendgrid_ip_info, {}, "/v3/ips"),
    ],
)
def test_on_behalf_of_is_refused_where_sendgrid_does_not_declare_it(run, module, args, endpoint):
    # SendGrid declares on-behalf-of for the whitelabel endpoints only: on /v3/ips it may act on the parent's pools.
    result = run(module, dict(args, on_behalf_of="acme"), [])
    assert result["failed"] is True and result["_requests"] == []
    assert "on_behalf_of cannot be used with this module" in result["msg"] and endpoint in result["msg"]
    assert "omit on_behalf_of" in result["msg"]
