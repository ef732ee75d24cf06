# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest
from ansible.module_utils import basic

from ansible_collections.mailops.sendgrid.plugins.modules import sendgrid_link_branding as module
from ansible_collections.mailops.sendgrid.tests.unit.plugins.modules.answers import link
from ansible_collections.mailops.sendgrid.tests.unit.plugins.modules.utils import API_KEY, Call, writes

LINKS = "/v3/whitelabel/links"
SUBUSER = LINKS + "/subuser"
LIST = {"limit": 3000}
NOT_FOUND = {"errors": [{"field": None, "message": "resource not found"}]}


def records(subdomain="links", domain="example.com", target="sendgrid.net", user_id=1446440):
    return [
        {"name": "%s.%s" % (subdomain, domain), "type": "CNAME", "value": target},
        {"name": "%s.%s" % (user_id, domain), "type": "CNAME", "value": "sendgrid.net"},
    ]


def options(subdomain="links", default=False, region="us", domain="example.com", **extra):
    return dict({"domain": domain, "subdomain": subdomain, "default": default, "region": region}, **extra)


def validation(valid, owner_reason=None, domain_reason=None):
    return {
        "id": 7,
        "valid": valid,
        "validation_results": {
            "domain_cname": {"valid": domain_reason is None, "reason": domain_reason},
            "owner_cname": {"valid": owner_reason is None, "reason": owner_reason},
        },
    }


@pytest.fixture
def warnings(monkeypatch):
    """The warnings the module emits (the harness replaces exit_json, which would otherwise return them)."""
    seen = []
    monkeypatch.setattr(basic.AnsibleModule, "warn", lambda self, warning, **kwargs: seen.append(warning))
    return seen


OTHER = link(5, domain="example.org", subdomain="click", default=True)


# -- create ----------------------------------------------------------------------------------


def test_create(run):
    result = run(
        module,
        {"domain": "Example.COM.", "subdomain": "Links", "default": True},
        [
            Call("GET", LINKS, json=[OTHER], query=LIST),
            Call("POST", LINKS, 201, link(7, default=True), body={"domain": "example.com", "subdomain": "links", "default": True}),
            Call("GET", LINKS, 200, [link(7, default=True)], query=LIST),  # the list again after the create: a run that raced shows up here
        ],
        diff=True,
    )
    assert result["changed"] is True
    assert result["link"] == {
        "id": 7,
        "domain": "example.com",
        "subdomain": "links",
        "default": True,
        "region": "us",
        "valid": False,
        "legacy": False,
        "username": "parent",
        "user_id": 1446440,
    }
    assert result["dns_records"] == records()
    assert result["diff"] == {"before": {}, "after": options(default=True)}
    assert "validation" not in result


def test_create_without_subdomain_lets_sendgrid_choose(run, warnings):
    result = run(
        module,
        {"domain": "example.com", "region": "eu"},
        [
            Call("GET", LINKS, json=[], query=LIST),
            Call("POST", LINKS, 201, link(7, subdomain="url1234", region="eu"), body={"domain": "example.com", "region": "eu"}),
            Call("GET", LINKS, 200, [link(7, subdomain="url1234", region="eu")], query=LIST),  # the list again after the create: a run that raced shows up here
        ],
    )
    assert result["changed"] is True
    assert result["link"]["subdomain"] == "url1234"
    assert result["link"]["region"] == "eu"
    assert result["dns_records"] == records(subdomain="url1234", target="eu.sendgrid.net")
    # An EU link in the parent account is of use only to EU subusers (issue 15, item 9): said, not refused.
    assert [w for w in warnings if "region=eu link branding example.com is made in the parent account" in w]


@pytest.mark.parametrize("connection", [{"data_residency": "eu"}, {"api_url": "https://api.eu.sendgrid.com"}])
def test_a_us_link_on_the_eu_api_is_refused_before_any_request(run, connection):
    result = run(module, dict(connection, domain="example.com", region="us"), [])
    assert result["failed"] is True
    assert result["msg"].startswith("region=us cannot be used with SendGrid's EU API (https://api.eu.sendgrid.com")
    assert result["_requests"] == []


def test_region_is_read_from_the_cname_when_the_answer_has_none(run):
    eu = link(7, region="eu")
    del eu["region"]
    result = run(module, {"domain": "example.com", "subdomain": "links", "region": "eu"}, [Call("GET", LINKS, json=[eu], query=LIST)])
    assert result["changed"] is False
    assert result["link"]["region"] == "eu"


def test_creating_post_failure_is_not_repeated_and_the_list_is_read_again(run):
    result = run(
        module,
        {"domain": "example.com", "subdomain": "links"},
        [
            Call("GET", LINKS, json=[], query=LIST),
            Call("POST", LINKS, 502, {"errors": [{"field": None, "message": "bad gateway"}]}, body={"domain": "example.com", "subdomain": "links"}),
            Call("GET", LINKS, json=[link(7)], query=LIST),
        ],
    )
    assert result["changed"] is True
    assert result["link"]["id"] == 7


def test_creating_post_failure_when_nothing_was_created_fails_with_the_api_message(run):
    result = run(
        module,
        {"domain": "example.com", "subdomain": "links"},
        [
            Call("GET", LINKS, json=[], query=LIST),
            Call("POST", LINKS, 500, {"errors": [{"field": None, "message": "internal error"}]}, body={"domain": "example.com", "subdomain": "links"}),
            Call("GET", LINKS, json=[], query=LIST),
        ],
    )
    assert result["failed"] is True
    assert result["changed"] is False
    assert result["msg"] == "SendGrid API request POST /v3/whitelabel/links failed with HTTP 500: internal error"
    assert API_KEY not in repr(result)


def test_api_error_on_create_names_method_path_and_message(run):
    result = run(
        module,
        {"domain": "example.com", "subdomain": "em1234"},
        [
            Call("GET", LINKS, json=[], query=LIST),
            Call(
                "POST",
                LINKS,
                400,
                {"errors": [{"field": "subdomain", "message": "subdomain must be different from the domain authentication subdomain"}]},
                body={"domain": "example.com", "subdomain": "em1234"},
            ),
        ],
    )
    assert result["failed"] is True
    assert result["changed"] is False
    assert result["msg"] == (
        "SendGrid API request POST /v3/whitelabel/links failed with HTTP 400: "
        "subdomain: subdomain must be different from the domain authentication subdomain"
    )


# -- no-op and adoption ------------------------------------------------------------------------


def test_no_change_is_one_get(run):
    result = run(
        module,
        {"domain": "example.com", "subdomain": "links", "default": True, "region": "us", "validate": True},
        [Call("GET", LINKS, json=[OTHER, link(7, default=True, valid=True)], query=LIST)],
        diff=True,
    )
    assert result["changed"] is False
    assert writes(result) == []
    assert result["diff"]["before"] == result["diff"]["after"] == options(default=True)
    assert "validation" not in result


def test_omitted_subdomain_adopts_the_one_link_of_the_domain(run):
    result = run(module, {"domain": "example.com"}, [Call("GET", LINKS, json=[OTHER, link(7, subdomain="url99")], query=LIST)])
    assert result["changed"] is False
    assert result["link"]["id"] == 7
    assert result["link"]["subdomain"] == "url99"


def test_omitted_subdomain_with_several_links_fails_and_lists_them(run):
    result = run(
        module,
        {"domain": "example.com", "default": True},
        [Call("GET", LINKS, json=[link(7, subdomain="links"), link(8, subdomain="click")], query=LIST)],
    )
    assert result["failed"] is True
    assert result["changed"] is False
    assert "set subdomain" in result["msg"]
    assert "click.example.com (id 8, region us)" in result["msg"] and "links.example.com (id 7, region us)" in result["msg"]


def test_omitted_subdomain_is_narrowed_by_region(run):
    result = run(
        module,
        {"domain": "example.com", "region": "eu"},
        [Call("GET", LINKS, json=[link(7, subdomain="links"), link(8, subdomain="click", region="eu")], query=LIST)],
    )
    assert result["changed"] is False
    assert result["link"]["id"] == 8


def test_a_full_list_without_the_link_is_reported_as_possibly_incomplete(run, warnings):
    many = [link(100 + n, domain="d%d.example.net" % n) for n in range(3000)]
    result = run(module, {"domain": "example.com", "subdomain": "links", "state": "absent"}, [Call("GET", LINKS, json=many, query=LIST)])
    assert result["changed"] is False
    assert warnings == [
        "SendGrid returned 3000 branded links, the most one account can have and one request can ask for, and none of them "
        "is links.example.com; if SendGrid now allows more, the list may be incomplete"
    ]


def test_a_full_list_that_holds_the_link_is_no_warning(run, warnings):
    many = [link(100 + n, domain="d%d.example.net" % n) for n in range(2999)] + [link(7, valid=True)]
    result = run(module, {"domain": "example.com", "subdomain": "links"}, [Call("GET", LINKS, json=many, query=LIST)])
    assert result["changed"] is False
    assert result["link"]["id"] == 7
    assert warnings == []


# -- default -----------------------------------------------------------------------------------


def test_default_on_is_patched_in_place(run):
    result = run(
        module,
        {"domain": "example.com", "subdomain": "links", "default": True},
        [
            Call("GET", LINKS, json=[OTHER, link(7)], query=LIST),
            Call("PATCH", LINKS + "/7", 200, link(7, default=True), body={"default": True}),
        ],
        diff=True,
    )
    assert result["changed"] is True
    assert result["link"]["default"] is True
    assert result["diff"] == {"before": options(), "after": options(default=True)}


def test_default_off_is_patched_in_place(run):
    result = run(
        module,
        {"domain": "example.com", "subdomain": "links", "default": False},
        [
            Call("GET", LINKS, json=[link(7, default=True)], query=LIST),
            Call("PATCH", LINKS + "/7", 200, link(7, default=False), body={"default": False}),
        ],
    )
    assert result["changed"] is True
    assert result["link"]["default"] is False


def test_omitted_default_leaves_the_flag_alone(run):
    result = run(module, {"domain": "example.org", "subdomain": "click"}, [Call("GET", LINKS, json=[OTHER, link(7, default=True)], query=LIST)])
    assert result["changed"] is False
    assert result["link"]["default"] is True


# -- subusers ----------------------------------------------------------------------------------


def test_subusers_are_associated(run):
    result = run(
        module,
        {"domain": "example.com", "subdomain": "links", "subusers": ["shop", "news", "shop"]},
        [
            Call("GET", LINKS, json=[link(7, valid=True)], query=LIST),
            Call("GET", SUBUSER, 404, NOT_FOUND, query={"username": "shop"}),
            Call("GET", SUBUSER, 200, link(5, domain="example.org"), query={"username": "news"}),
            Call("POST", LINKS + "/7/subuser", 200, link(7, valid=True), body={"username": "shop"}),
            Call("POST", LINKS + "/7/subuser", 200, link(7, valid=True), body={"username": "news"}),
        ],
        diff=True,
    )
    assert result["changed"] is True
    assert result["link"]["subusers"] == ["news", "shop"]
    assert result["diff"] == {"before": options(subusers=[]), "after": options(subusers=["news", "shop"])}


def test_associated_subusers_cost_one_get_each_and_no_write(run):
    result = run(
        module,
        {"domain": "example.com", "subdomain": "links", "subusers": ["shop", "news"], "purge_subusers": False},
        [
            Call("GET", LINKS, json=[link(7, valid=True)], query=LIST),
            Call("GET", SUBUSER, 200, link(7, valid=True), query={"username": "shop"}),
            Call("GET", SUBUSER, 200, link(7, valid=True), query={"username": "news"}),
        ],
    )
    assert result["changed"] is False
    assert writes(result) == []
    assert result["link"]["subusers"] == ["news", "shop"]


def test_purge_disassociates_only_unlisted_subusers_of_this_link(run):
    result = run(
        module,
        {"domain": "example.com", "subdomain": "links", "subusers": ["shop"], "purge_subusers": True},
        [
            Call("GET", LINKS, json=[link(7, valid=True)], query=LIST),
            Call(
                "GET",
                "/v3/subusers",
                json=[{"username": "shop", "id": 2}, {"username": "old", "id": 3}, {"username": "other", "id": 4}],
                query={"limit": 500, "offset": 0},
            ),
            Call("GET", SUBUSER, 200, link(7, valid=True), query={"username": "shop"}),
            Call("GET", SUBUSER, 200, link(7, valid=True), query={"username": "old"}),
            Call("GET", SUBUSER, 200, link(5, domain="example.org"), query={"username": "other"}),
            Call("DELETE", SUBUSER, 204, query={"username": "old"}),
        ],
        diff=True,
    )
    assert result["changed"] is True
    assert result["link"]["subusers"] == ["shop"]
    assert result["diff"]["before"]["subusers"] == ["old", "shop"]
    assert result["diff"]["after"]["subusers"] == ["shop"]


def test_without_purge_unlisted_subusers_are_not_read_or_touched(run):
    result = run(
        module,
        {"domain": "example.com", "subdomain": "links", "subusers": []},
        [Call("GET", LINKS, json=[link(7, valid=True)], query=LIST)],
    )
    assert result["changed"] is False
    assert result["link"]["subusers"] == []


def test_subusers_with_on_behalf_of_fail_before_any_request(run):
    result = run(module, {"domain": "example.com", "subusers": ["shop"], "on_behalf_of": "shop"}, [])
    assert result["failed"] is True
    assert "subusers cannot be used with on_behalf_of" in result["msg"]


def test_new_link_is_validated_before_subusers_are_associated(run):
    result = run(
        module,
        {"domain": "example.com", "subdomain": "links", "subusers": ["shop"], "validate": True},
        [
            Call("GET", LINKS, json=[], query=LIST),
            Call("POST", LINKS, 201, link(7), body={"domain": "example.com", "subdomain": "links"}),
            Call("GET", LINKS, 200, [link(7)], query=LIST),  # the list again after the create: a run that raced shows up here
            Call("POST", LINKS + "/7/validate", 200, validation(True)),
            Call("POST", LINKS + "/7/subuser", 200, link(7, valid=True), body={"username": "shop"}),
        ],
    )
    assert result["changed"] is True
    assert result["link"]["valid"] is True
    assert result["link"]["subusers"] == ["shop"]
    assert result["validation"]["valid"] is True


def test_deferred_subusers_of_a_link_that_is_not_valid_are_read_and_reported(run):
    result = run(
        module,
        {"domain": "example.com", "subdomain": "links", "subusers": ["shop", "news"], "defer_subusers": True},
        [
            Call("GET", LINKS, json=[link(7)], query=LIST),
            Call("GET", SUBUSER, 404, NOT_FOUND, query={"username": "shop"}),
            Call("GET", SUBUSER, 404, NOT_FOUND, query={"username": "news"}),
        ],
        diff=True,
    )
    assert result["changed"] is False
    assert result["deferred_subusers"] == ["news", "shop"]
    assert result["link"]["subusers"] == []
    assert result["diff"]["before"] == result["diff"]["after"]


def test_new_link_with_deferred_subusers_is_created_without_associations(run):
    result = run(
        module,
        {"domain": "example.com", "subdomain": "links", "subusers": ["shop"], "defer_subusers": True},
        [
            Call("GET", LINKS, json=[], query=LIST),
            Call("POST", LINKS, 201, link(7), body={"domain": "example.com", "subdomain": "links"}),
            Call("GET", LINKS, 200, [link(7)], query=LIST),  # the list again after the create: a run that raced shows up here
        ],
    )
    assert result["changed"] is True
    assert result["deferred_subusers"] == ["shop"]
    assert result["link"]["subusers"] == []


def test_deferred_subusers_of_a_valid_link_are_associated(run):
    result = run(
        module,
        {"domain": "example.com", "subdomain": "links", "subusers": ["shop"], "defer_subusers": True},
        [
            Call("GET", LINKS, json=[link(7, valid=True)], query=LIST),
            Call("GET", SUBUSER, 404, NOT_FOUND, query={"username": "shop"}),
            Call("POST", LINKS + "/7/subuser", 200, link(7, valid=True), body={"username": "shop"}),
        ],
    )
    assert result["changed"] is True
    assert "deferred_subusers" not in result
    assert result["link"]["subusers"] == ["shop"]


# -- replace -----------------------------------------------------------------------------------


def test_region_conflict_without_replace_fails_naming_the_option(run):
    result = run(
        module,
        {"domain": "example.com", "subdomain": "links", "region": "eu", "default": True},
        [Call("GET", LINKS, json=[link(7)], query=LIST)],
    )
    assert result["failed"] is True
    assert result["changed"] is False
    assert "cannot be changed in place: region (is 'us', wanted 'eu')" in result["msg"]
    assert "replace=true" in result["msg"]


def test_region_conflict_with_replace_deletes_and_creates_keeping_default(run):
    result = run(
        module,
        {"domain": "example.com", "subdomain": "links", "region": "eu", "replace": True},
        [
            Call("GET", LINKS, json=[link(7, default=True, valid=True)], query=LIST),
            Call("DELETE", LINKS + "/7", 204),
            Call(
                "POST",
                LINKS,
                201,
                link(9, default=True, region="eu"),
                body={"domain": "example.com", "subdomain": "links", "default": True, "region": "eu"},
            ),
            Call("GET", LINKS, 200, [link(9, default=True, region="eu")], query=LIST),  # the list again after the create: a run that raced shows up here
        ],
        diff=True,
    )
    assert result["changed"] is True
    assert result["link"]["id"] == 9
    assert result["link"]["region"] == "eu"
    assert result["dns_records"][0] == {"name": "links.example.com", "type": "CNAME", "value": "eu.sendgrid.net"}
    assert result["diff"] == {"before": options(default=True), "after": options(default=True, region="eu")}


# -- validation --------------------------------------------------------------------------------


def test_validate_success(run):
    result = run(
        module,
        {"domain": "example.com", "subdomain": "links", "validate": True},
        [Call("GET", LINKS, json=[link(7)], query=LIST), Call("POST", LINKS + "/7/validate", 200, validation(True))],
    )
    assert result["changed"] is True
    assert result["link"]["valid"] is True
    assert result["validation"].pop("waited") >= 0  # seconds this run waited for SendGrid's answers
    assert result["validation"] == {
        "valid": True,
        "results": {"domain_cname": {"valid": True, "reason": None}, "owner_cname": {"valid": True, "reason": None}},
        "attempts": 1,
    }


@pytest.fixture
def clock(monkeypatch):
    """A fake clock that only moves when the module sleeps."""
    now = {"t": 1000.0, "slept": []}

    def sleep(seconds):
        now["slept"].append(seconds)
        now["t"] += seconds

    monkeypatch.setattr("time.sleep", sleep)
    monkeypatch.setattr("time.time", lambda: now["t"])
    return now


def test_validate_timeout_fails_with_per_record_reasons(run, clock):
    reason = 'Expected CNAME to match "sendgrid.net." but found none.'
    result = run(
        module,
        {"domain": "example.com", "subdomain": "links", "validate": True, "validate_timeout": 25, "validate_delay": 10},
        [
            Call("GET", LINKS, json=[link(7)], query=LIST),
            Call("POST", LINKS + "/7/validate", 200, validation(False, domain_reason=reason)),
            Call("POST", LINKS + "/7/validate", 200, validation(False, domain_reason=reason)),
            Call("POST", LINKS + "/7/validate", 200, validation(False, domain_reason=reason)),
        ],
    )
    assert result["failed"] is True
    assert clock["slept"] == [10, 10]
    # The time spent (two waits of 10 s), not the option.
    assert "link branding links.example.com is not valid after 3 validation attempt(s) in 20.0s (validate_timeout=25.0)" in result["msg"]
    assert "domain_cname: %s" % reason in result["msg"]
    assert result["validation"]["results"]["domain_cname"] == {"valid": False, "reason": reason}
    assert result["validation"]["attempts"] == 3


def test_validate_timeout_with_warn_returns_the_link(run, clock, warnings):
    result = run(
        module,
        {"domain": "example.com", "subdomain": "links", "validate": True, "validate_failure": "warn"},
        [
            Call("GET", LINKS, json=[link(7)], query=LIST),
            Call("POST", LINKS + "/7/validate", 200, validation(False, owner_reason="no CNAME found")),
        ],
    )
    assert "failed" not in result
    assert result["changed"] is False
    assert result["link"]["valid"] is False
    assert result["validation"]["results"]["owner_cname"] == {"valid": False, "reason": "no CNAME found"}
    assert len(warnings) == 1 and "owner_cname: no CNAME found" in warnings[0]


# -- delete ------------------------------------------------------------------------------------


def test_delete(run):
    result = run(
        module,
        {"domain": "example.com", "subdomain": "links", "state": "absent", "subusers": ["ignored"]},
        [Call("GET", LINKS, json=[OTHER, link(7)], query=LIST), Call("DELETE", LINKS + "/7", 204)],
        diff=True,
    )
    assert result["changed"] is True
    assert result["link"] == {}
    assert result["dns_records"] == []
    assert result["diff"] == {"before": options(), "after": {}}


def test_delete_missing_is_no_change(run):
    result = run(module, {"domain": "example.com", "subdomain": "links", "state": "absent"}, [Call("GET", LINKS, json=[OTHER], query=LIST)])
    assert result["changed"] is False
    assert writes(result) == []


def test_delete_with_omitted_subdomain_and_several_links_deletes_nothing(run):
    result = run(
        module,
        {"domain": "example.com", "state": "absent"},
        [Call("GET", LINKS, json=[link(7, subdomain="links"), link(8, subdomain="click")], query=LIST)],
    )
    assert result["failed"] is True
    assert writes(result) == []


# -- check mode --------------------------------------------------------------------------------


def test_check_mode_create_predicts_and_writes_nothing(run):
    result = run(
        module,
        {"domain": "example.com", "subdomain": "links", "default": True, "validate": True, "subusers": ["shop"]},
        [Call("GET", LINKS, json=[OTHER], query=LIST)],
        check_mode=True,
        diff=True,
    )
    assert result["changed"] is True
    assert writes(result) == []
    assert result["link"] == {
        "id": None,
        "domain": "example.com",
        "subdomain": "links",
        "default": True,
        "region": "us",
        "valid": False,
        "legacy": False,
        "username": None,
        "user_id": None,
        "subusers": ["shop"],
    }
    assert result["dns_records"] == [{"name": "links.example.com", "type": "CNAME", "value": "sendgrid.net"}]
    assert result["validation"]["skipped"] is True
    assert result["diff"] == {"before": {}, "after": options(default=True, subusers=["shop"])}


def test_check_mode_update_predicts_and_writes_nothing(run):
    result = run(
        module,
        {"domain": "example.com", "subdomain": "links", "default": True, "subusers": ["shop"], "purge_subusers": True},
        [
            Call("GET", LINKS, json=[link(7, valid=True)], query=LIST),
            Call("GET", "/v3/subusers", json=[{"username": "old"}], query={"limit": 500, "offset": 0}),
            Call("GET", SUBUSER, 404, NOT_FOUND, query={"username": "shop"}),
            Call("GET", SUBUSER, 200, link(7, valid=True), query={"username": "old"}),
        ],
        check_mode=True,
        diff=True,
    )
    assert result["changed"] is True
    assert writes(result) == []
    assert result["link"]["default"] is True
    assert result["link"]["subusers"] == ["shop"]
    assert result["diff"] == {"before": options(subusers=["old"]), "after": options(default=True, subusers=["shop"])}


def test_check_mode_replace_writes_nothing(run):
    result = run(
        module,
        {"domain": "example.com", "subdomain": "links", "region": "eu", "replace": True},
        [Call("GET", LINKS, json=[link(7)], query=LIST)],
        check_mode=True,
    )
    assert result["changed"] is True
    assert writes(result) == []
    assert result["link"]["region"] == "eu"
    assert result["link"]["id"] is None


def test_check_mode_delete_writes_nothing(run):
    result = run(module, {"domain": "example.com", "subdomain": "links", "state": "absent"}, [Call("GET", LINKS, json=[link(7)], query=LIST)], check_mode=True)
    assert result["changed"] is True
    assert writes(result) == []


# -- input and connection ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args, message",
    [
        ({"domain": "example"}, "domain must be a fully qualified DNS name"),
        ({"domain": "exa mple.com"}, "domain is not a valid DNS name"),
        ({"domain": "example.com", "subdomain": "-links"}, "subdomain is not a valid DNS name"),
        ({"domain": "example.com", "region": "global"}, "region"),
        ({"domain": "example.com", "subusers": ["two words"]}, "subusers must hold subuser usernames"),
        ({"domain": "example.com", "validate_timeout": -1}, "validate_timeout must be at least 0 and at most 86400 seconds, got -1"),
    ],
)
def test_bad_input_fails_before_any_request(run, args, message):
    result = run(module, args, [])
    assert result["failed"] is True
    assert message in result["msg"]


def test_on_behalf_of_is_sent_and_key_is_not_shown(run):
    result = run(
        module,
        {"domain": "example.com", "subdomain": "links", "on_behalf_of": "shop"},
        [Call("GET", LINKS, json=[link(7)], query=LIST)],
    )
    assert result["_request_headers"][0]["on-behalf-of"] == "shop"
    assert API_KEY not in repr({k: v for k, v in result.items() if not k.startswith("_")})


def test_a_link_another_run_created_at_the_same_time_is_removed(run, warnings):
    result = run(
        module,
        {"domain": "example.com", "subdomain": "links"},
        [
            Call("GET", LINKS, json=[OTHER], query=LIST),
            Call("POST", LINKS, 201, link(8), body={"domain": "example.com", "subdomain": "links"}),
            Call("GET", LINKS, 200, [OTHER, link(7), link(8)], query=LIST),
            Call("DELETE", LINKS + "/8", 204),
        ],
    )
    assert result["changed"] is True and result["link"]["id"] == 7 and result["removed_duplicates"] == [8]
    assert any("kept id 7" in w for w in warnings)


def test_identical_links_are_chosen_deterministically_and_absent_removes_them(run, warnings):
    found = run(module, {"domain": "example.com", "subdomain": "links"}, [Call("GET", LINKS, json=[link(9), link(8, default=True)], query=LIST)])
    assert found["changed"] is False and found["link"]["id"] == 8 and warnings
    gone = run(
        module,
        {"domain": "example.com", "subdomain": "links", "state": "absent"},
        [Call("GET", LINKS, json=[link(9), link(8)], query=LIST), Call("DELETE", LINKS + "/8", 204), Call("DELETE", LINKS + "/9", 204)],
    )
    assert gone["changed"] is True and gone["removed_duplicates"] == [9]


def test_default_taken_from_another_link_is_named_without_another_request(run, warnings):
    # OTHER (click.example.org) is the account's default; the list read already says so.
    result = run(
        module,
        {"domain": "example.com", "subdomain": "links", "default": True},
        [
            Call("GET", LINKS, json=[OTHER, link(7)], query=LIST),
            Call("PATCH", LINKS + "/7", 200, link(7, default=True), body={"default": True}),
        ],
    )
    assert result["default_taken_from"] == {"id": 5, "name": "click.example.org"}
    assert any("takes the default flag from link branding click.example.org (id 5)" in w for w in warnings)


def test_a_list_that_may_be_capped_is_read_on_with_offset(run):
    # 12 links answered to limit=3000: perhaps a server-side cap, so the next page is asked for; it has the link.
    first = [link(100 + n, domain="other%d.example.org" % n) for n in range(12)]
    result = run(
        module,
        {"domain": "example.com", "subdomain": "links"},
        [
            Call("GET", LINKS, json=first, query=LIST),
            Call("GET", LINKS, json=[link(7)], query={"limit": 3000, "offset": 12}),
        ],
    )
    assert result["changed"] is False and result["link"]["id"] == 7


def test_a_possibly_capped_list_whose_server_ignores_offset_warns_before_creating(run, warnings):
    first = [link(100 + n, domain="other%d.example.org" % n) for n in range(12)]
    result = run(
        module,
        {"domain": "example.com", "subdomain": "links"},
        [
            Call("GET", LINKS, json=first, query=LIST),
            Call("GET", LINKS, json=first, query={"limit": 3000, "offset": 12}),
            Call("POST", LINKS, 201, link(7), body={"domain": "example.com", "subdomain": "links"}),
            Call("GET", LINKS, json=first + [link(7)], query=LIST),
            Call("GET", LINKS, json=first + [link(7)], query={"limit": 3000, "offset": 13}),
        ],
    )
    assert result["changed"] is True
    assert any("ignored offset" in w and "could make a second one" in w for w in warnings)
