# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible.module_utils import basic

from ansible_collections.mailops.sendgrid.plugins.modules import sendgrid_domain_auth as module
from ansible_collections.mailops.sendgrid.tests.unit.plugins.modules.answers import auto, manual
from ansible_collections.mailops.sendgrid.tests.unit.plugins.modules.utils import API_KEY, Call, writes

D = "/v3/whitelabel/domains"
OWN = {"domain": "example.com", "exclude_subusers": "true", "limit": 500, "offset": 0}
VALIDATE = D + "/1001/validate"
REASON = 'Expected CNAME for "em.example.com" to match "u7.wl001.sendgrid.net".'


@pytest.fixture
def warnings(monkeypatch):
    """The warnings the module emits (the harness replaces exit_json, which would otherwise return them)."""
    seen = []
    monkeypatch.setattr(basic.AnsibleModule, "warn", lambda self, message, **kwargs: seen.append(message))
    return seen


def listed(*objects, query=None):
    return Call("GET", D, 200, list(objects), query=query or OWN)


def error(message, field=None):
    return {"errors": [{"field": field, "message": message}]}


def validation(valid, **records):
    results = {key: {"valid": ok, "reason": None if ok else REASON} for key, ok in records.items()}
    return {"id": 1001, "valid": valid, "validation_results": results}


# -- create -----------------------------------------------------------------------------------------


def test_create_automatic_security(run):
    result = run(
        module,
        {"domain": "Example.COM.", "subdomain": "em", "default": True},
        [
            listed(),
            Call("GET", D + "/default", 200, {}),
            Call("POST", D, 201, auto(default=True), body={"domain": "example.com", "subdomain": "em", "default": True, "automatic_security": True}),
            listed(auto(default=True)),  # the list again after the create: a run that raced shows up here
        ],
    )
    assert result["changed"] is True
    assert result["domain"] == {
        "id": 1001,
        "user_id": 7,
        "domain": "example.com",
        "subdomain": "em",
        "username": "parent",
        "automatic_security": True,
        "custom_spf": False,
        "default": True,
        "ips": [],
        "custom_dkim_selector": None,
        "region": "global",
        "valid": False,
        "legacy": False,
        "subusers": [],
    }
    assert result["dns_records"] == [
        {"name": "em.example.com", "type": "CNAME", "value": "u7.wl001.sendgrid.net"},
        {"name": "s1._domainkey.example.com", "type": "CNAME", "value": "s1.domainkey.u7.wl001.sendgrid.net"},
        {"name": "s2._domainkey.example.com", "type": "CNAME", "value": "s2.domainkey.u7.wl001.sendgrid.net"},
    ]
    assert "validation" not in result


def test_create_manual_security_with_custom_spf_ips_and_selector(run):
    created = manual(selector="sg1", ips=["192.0.2.10", "192.0.2.9"], custom_spf=True)
    result = run(
        module,
        {
            "domain": "example.com",
            "subdomain": "mail",
            "automatic_security": False,
            "custom_spf": True,
            "ips": ["192.0.2.10", "192.0.2.9", "192.0.2.10"],
            "custom_dkim_selector": "sg1",
        },
        [
            listed(),
            Call(
                "POST",
                D,
                201,
                created,
                body={
                    "domain": "example.com",
                    "subdomain": "mail",
                    "custom_spf": True,
                    "ips": ["192.0.2.9", "192.0.2.10"],
                    "custom_dkim_selector": "sg1",
                    "automatic_security": False,
                },
            ),
            listed(created),  # the list again after the create: a run that raced shows up here
        ],
    )
    assert result["changed"] is True
    assert result["domain"]["custom_dkim_selector"] == "sg1"
    assert result["domain"]["ips"] == ["192.0.2.9", "192.0.2.10"]
    assert result["domain"]["region"] is None  # manual records do not show the region
    assert result["dns_records"] == [
        {"name": "mail.example.com", "type": "MX", "value": "mx.sendgrid.net"},
        {"name": "mail.example.com", "type": "TXT", "value": "v=spf1 ip4:192.0.2.10 ip4:192.0.2.9 -all"},
        {"name": "example.com", "type": "TXT", "value": "v=spf1 include:mail.example.com -all"},
        {"name": "sg1._domainkey.example.com", "type": "TXT", "value": "k=rsa; t=s; p=KEY"},
    ]


def test_create_without_subdomain_lets_sendgrid_choose(run):
    result = run(
        module,
        {"domain": "example.com", "region": "eu"},
        [
            listed(),
            Call("POST", D, 201, auto(subdomain="em4321", eu=True), body={"domain": "example.com", "region": "eu", "automatic_security": True}),
            listed(auto(subdomain="em4321", eu=True)),  # the list again after the create: a run that raced shows up here
        ],
    )
    assert result["domain"]["subdomain"] == "em4321"
    assert result["domain"]["region"] == "eu"


def test_a_global_domain_on_the_eu_api_is_refused_before_any_request(run):
    result = run(module, {"domain": "example.com", "region": "global", "data_residency": "eu"}, [])
    assert result["failed"] is True and result["_requests"] == []
    assert "region=global cannot be used with SendGrid's EU API" in result["msg"] and "set region=eu" in result["msg"]


def test_an_eu_domain_for_an_eu_subuser_is_no_warning(run, monkeypatch):
    seen = []
    monkeypatch.setattr(basic.AnsibleModule, "warn", lambda self, warning, **kwargs: seen.append(warning))
    body = {"domain": "example.com", "region": "eu", "automatic_security": True}
    result = run(
        module,
        {"domain": "example.com", "region": "eu", "on_behalf_of": "eu-sub"},
        [listed(), Call("POST", D, 201, auto(subdomain="em4321", eu=True), body=body), listed(auto(subdomain="em4321", eu=True))],
    )
    assert result["changed"] is True and [w for w in seen if "region=eu" in w] == []


def test_create_then_validate_then_associate(run):
    result = run(
        module,
        {"domain": "example.com", "subdomain": "em", "validate": True, "subusers": ["shop", "news"]},
        [
            listed(),
            Call("POST", D, 201, auto(), body={"domain": "example.com", "subdomain": "em", "automatic_security": True}),
            listed(auto()),  # the list again after the create: a run that raced shows up here
            Call("POST", VALIDATE, 200, validation(True, mail_cname=True, dkim1=True, dkim2=True)),
            Call("POST", D + "/1001/subuser:add", 201, auto(subusers=["shop"]), body={"username": "shop"}),
            Call("POST", D + "/1001/subuser:add", 201, auto(subusers=["shop", "news"]), body={"username": "news"}),
        ],
    )
    assert result["changed"] is True
    assert result["domain"]["valid"] is True
    assert result["domain"]["subusers"] == ["news", "shop"]
    assert result["validation"]["valid"] is True
    assert result["validation"]["attempts"] == 1


def test_create_adds_an_ip_the_answer_lacks(run):
    result = run(
        module,
        {"domain": "example.com", "subdomain": "em", "ips": ["192.0.2.10"]},
        [
            listed(),
            Call("POST", D, 201, auto(), body={"domain": "example.com", "subdomain": "em", "ips": ["192.0.2.10"], "automatic_security": True}),
            listed(auto()),  # the list again after the create: a run that raced shows up here
            Call("POST", D + "/1001/ips", 200, auto(ips=["192.0.2.10"]), body={"ip": "192.0.2.10"}),
        ],
    )
    assert result["domain"]["ips"] == ["192.0.2.10"]


def test_creating_post_failure_rereads_and_is_not_retried(run):
    result = run(
        module,
        {"domain": "example.com", "subdomain": "em"},
        [
            listed(),
            Call("POST", D, 500, error("internal error"), body={"domain": "example.com", "subdomain": "em", "automatic_security": True}),
            listed(auto()),
        ],
    )
    assert result["changed"] is True
    assert result["domain"]["id"] == 1001


def test_creating_post_failure_when_nothing_was_created(run):
    result = run(
        module,
        {"domain": "example.com", "subdomain": "em"},
        [
            listed(),
            Call("POST", D, 502, error("bad gateway"), body={"domain": "example.com", "subdomain": "em", "automatic_security": True}),
            listed(),
        ],
    )
    assert result["failed"] is True
    assert result["changed"] is False
    assert result["msg"] == "SendGrid API request POST /v3/whitelabel/domains failed with HTTP 502: bad gateway"
    assert API_KEY not in repr(result)


def test_create_rejected_by_sendgrid_names_its_message(run):
    result = run(
        module,
        {"domain": "example.com", "ips": ["203.0.113.5"]},
        [
            listed(),
            Call(
                "POST",
                D,
                400,
                {"errors": [{"field": "ips", "message": "IP address 203.0.113.5 not found on this account"}]},
                body={"domain": "example.com", "ips": ["203.0.113.5"], "automatic_security": True},
            ),
        ],
    )
    assert result["failed"] is True
    assert result["changed"] is False
    assert "POST /v3/whitelabel/domains failed with HTTP 400: ips: IP address 203.0.113.5 not found" in result["msg"]


# -- no change -----------------------------------------------------------------------------------------


def test_no_change_is_one_get(run):
    current = manual(selector="sg1", ips=["192.0.2.10", "192.0.2.9"], custom_spf=True, default=True, valid=True)
    result = run(
        module,
        {
            "domain": "example.com",
            "subdomain": "mail",
            "automatic_security": False,
            "custom_spf": True,
            "default": True,
            "ips": ["192.0.2.9", "192.0.2.10"],
            "custom_dkim_selector": "sg1",
            "validate": True,
        },
        [listed(current)],
        diff=True,
    )
    assert result["changed"] is False
    assert writes(result) == []
    assert result["diff"]["before"] == result["diff"]["after"]


def test_settings_not_echoed_back_are_read_from_the_records(run):
    """custom_dkim_selector and region are not in SendGrid's answer; they must not cause a change."""
    result = run(
        module,
        {"domain": "example.com", "subdomain": "em", "custom_dkim_selector": "k2x", "region": "eu", "automatic_security": True},
        [listed(auto(selector="k2x", eu=True))],
    )
    assert result["changed"] is False
    assert result["domain"]["custom_dkim_selector"] == "k2x"
    assert result["domain"]["region"] == "eu"


def test_region_of_a_manual_entry_is_not_compared(run):
    result = run(module, {"domain": "example.com", "subdomain": "mail", "region": "eu"}, [listed(manual())])
    assert result["changed"] is False


def test_subdomain_omitted_adopts_the_one_entry(run):
    result = run(module, {"domain": "example.com", "default": False}, [listed(auto(subdomain="em4321"))])
    assert result["changed"] is False
    assert result["domain"]["subdomain"] == "em4321"


# -- update -------------------------------------------------------------------------------------------


def test_patch_carries_only_the_field_that_differs(run):
    current = manual(default=True)
    result = run(
        module,
        {"domain": "example.com", "subdomain": "mail", "custom_spf": True, "default": True, "automatic_security": False},
        [
            listed(current),
            Call("PATCH", D + "/1001", 200, manual(default=True, custom_spf=True), body={"custom_spf": True}),
        ],
        diff=True,
    )
    assert result["changed"] is True
    assert result["domain"]["custom_spf"] is True
    assert result["domain"]["default"] is True
    assert result["diff"]["before"]["custom_spf"] is False
    assert result["diff"]["after"]["custom_spf"] is True
    # The SPF records change with custom SPF: the diff shows them (issue 16, item 1).
    assert {k for k in result["diff"]["before"] if result["diff"]["before"][k] != result["diff"]["after"][k]} == {"custom_spf", "dns_records"}


def test_default_is_sent_only_when_it_differs(run):
    result = run(
        module,
        {"domain": "example.com", "subdomain": "em", "default": True},
        [listed(auto()), Call("GET", D + "/default", 200, {}), Call("PATCH", D + "/1001", 200, [auto(default=True)], body={"default": True})],
    )
    assert result["changed"] is True
    assert result["domain"]["default"] is True


def test_default_taken_from_another_domain_is_named_in_a_warning(run, warnings):
    other = auto(id=900, domain="example.org", subdomain="mail", default=True)
    result = run(
        module,
        {"domain": "example.com", "subdomain": "em", "default": True},
        [listed(auto()), Call("GET", D + "/default", 200, other), Call("PATCH", D + "/1001", 200, auto(default=True), body={"default": True})],
    )
    assert result["default_taken_from"] == {"id": 900, "name": "mail.example.org"}
    assert any("takes the default flag from authenticated domain mail.example.org (id 900)" in w for w in warnings)


def test_patch_answer_array_per_spec_or_object_both_work(run):
    result = run(
        module,
        {"domain": "example.com", "subdomain": "em", "default": False},
        [listed(auto(default=True)), Call("PATCH", D + "/1001", 200, auto(default=False), body={"default": False})],
    )
    assert result["domain"]["default"] is False


def test_ips_are_added_and_removed_never_recreated(run):
    current = manual(ips=["192.0.2.1", "192.0.2.2"], custom_spf=True)
    result = run(
        module,
        {"domain": "example.com", "subdomain": "mail", "ips": ["192.0.2.3", "192.0.2.2"]},
        [
            listed(current),
            Call("POST", D + "/1001/ips", 200, manual(ips=["192.0.2.1", "192.0.2.2", "192.0.2.3"], custom_spf=True), body={"ip": "192.0.2.3"}),
            Call("DELETE", D + "/1001/ips/192.0.2.1", 200, manual(ips=["192.0.2.2", "192.0.2.3"], custom_spf=True)),
        ],
        diff=True,
    )
    assert result["changed"] is True
    assert result["domain"]["ips"] == ["192.0.2.2", "192.0.2.3"]
    assert result["diff"]["before"]["ips"] == ["192.0.2.1", "192.0.2.2"]
    assert result["diff"]["after"]["ips"] == ["192.0.2.2", "192.0.2.3"]
    assert "v=spf1 ip4:192.0.2.2 ip4:192.0.2.3 -all" in [r["value"] for r in result["dns_records"]]


def test_empty_ips_removes_every_ip(run):
    result = run(
        module,
        {"domain": "example.com", "subdomain": "em", "ips": []},
        [listed(auto(ips=["192.0.2.1"])), Call("DELETE", D + "/1001/ips/192.0.2.1", 200, auto())],
    )
    assert result["domain"]["ips"] == []


# -- subusers -----------------------------------------------------------------------------------------


def test_multi_associate_and_purge_with_the_listed_subusers_of_the_answer(run):
    current = auto(valid=True, subusers=["old", "keep"])
    result = run(
        module,
        {"domain": "example.com", "subdomain": "em", "subusers": ["keep", "new"], "purge_subusers": True},
        [
            listed(current),
            Call("POST", D + "/1001/subuser:add", 201, auto(valid=True, subusers=["old", "keep", "new"]), body={"username": "new"}),
            Call("DELETE", D + "/1001/subuser", 204, query={"username": "old"}),
        ],
        diff=True,
    )
    assert result["changed"] is True
    assert result["domain"]["subusers"] == ["keep", "new"]
    assert result["diff"]["before"]["subusers"] == ["keep", "old"]
    assert result["diff"]["after"]["subusers"] == ["keep", "new"]


def test_deferred_subusers_of_an_entry_that_is_not_valid_are_reported_not_associated(run):
    result = run(
        module,
        {"domain": "example.com", "subdomain": "em", "subusers": ["shop", "news"], "defer_subusers": True},
        [listed(auto(subusers=["news"]))],
        diff=True,
    )
    assert result["changed"] is False
    assert result["deferred_subusers"] == ["shop"]
    assert result["domain"]["subusers"] == ["news"]
    assert result["diff"]["before"] == result["diff"]["after"]


def test_deferred_subusers_still_purge_unlisted_ones(run):
    result = run(
        module,
        {"domain": "example.com", "subdomain": "em", "subusers": ["shop"], "purge_subusers": True, "defer_subusers": True},
        [listed(auto(subusers=["old"])), Call("DELETE", D + "/1001/subuser", 204, query={"username": "old"})],
    )
    assert result["changed"] is True
    assert result["deferred_subusers"] == ["shop"]
    assert result["domain"]["subusers"] == []


def test_deferred_subusers_are_associated_once_validation_succeeds(run):
    result = run(
        module,
        {"domain": "example.com", "subdomain": "em", "subusers": ["shop"], "defer_subusers": True, "validate": True},
        [
            listed(auto()),
            Call("POST", VALIDATE, 200, validation(True, mail_cname=True, dkim1=True, dkim2=True)),
            Call("POST", D + "/1001/subuser:add", 201, auto(valid=True, subusers=["shop"]), body={"username": "shop"}),
        ],
    )
    assert result["changed"] is True
    assert "deferred_subusers" not in result
    assert result["domain"]["subusers"] == ["shop"]


def test_deferred_subusers_after_a_failed_validation_in_warn_mode(run, warnings):
    result = run(
        module,
        {"domain": "example.com", "subdomain": "em", "subusers": ["shop"], "defer_subusers": True, "validate": True,
         "validate_failure": "warn"},
        [listed(auto()), Call("POST", VALIDATE, 200, validation(False, mail_cname=False, dkim1=True, dkim2=True))],
    )
    assert result["changed"] is False
    assert result["deferred_subusers"] == ["shop"]
    assert len(warnings) == 1


def test_deferred_subusers_in_check_mode_with_validate_are_predicted_associated(run):
    result = run(
        module,
        {"domain": "example.com", "subdomain": "em", "subusers": ["shop"], "defer_subusers": True, "validate": True},
        [listed(auto())],
        check_mode=True,
        diff=True,
    )
    assert result["changed"] is True
    assert "deferred_subusers" not in result
    assert result["diff"]["after"]["subusers"] == ["shop"]


def test_defer_has_no_effect_on_a_valid_entry(run):
    result = run(
        module,
        {"domain": "example.com", "subdomain": "em", "subusers": ["shop"], "defer_subusers": True},
        [
            listed(auto(valid=True)),
            Call("POST", D + "/1001/subuser:add", 201, auto(valid=True, subusers=["shop"]), body={"username": "shop"}),
        ],
    )
    assert result["changed"] is True
    assert "deferred_subusers" not in result
    assert result["domain"]["subusers"] == ["shop"]


def test_associations_are_kept_without_purge(run):
    result = run(
        module,
        {"domain": "example.com", "subdomain": "em", "subusers": ["keep"]},
        [listed(auto(valid=True, subusers=["other", "keep"]))],
    )
    assert result["changed"] is False
    assert result["domain"]["subusers"] == ["keep", "other"]


def test_single_association_reads_each_listed_subuser_once(run):
    current = auto(valid=True, subusers=None)  # SendGrid's answer without the subusers list
    result = run(
        module,
        {"domain": "example.com", "subdomain": "em", "subusers": ["shop", "news", "blog"], "subuser_association": "single"},
        [
            listed(current),
            Call("GET", D + "/subuser", 200, auto(id=999, domain="example.org"), query={"username": "shop"}),
            Call("GET", D + "/subuser", 404, {"errors": [{"field": "username", "message": "no authenticated domain"}]}, query={"username": "news"}),
            Call("GET", D + "/subuser", 200, auto(valid=True, subusers=None), query={"username": "blog"}),
            Call("POST", D + "/1001/subuser", 201, auto(valid=True, subusers=None), body={"username": "shop"}),
            Call("POST", D + "/1001/subuser", 201, auto(valid=True, subusers=None), body={"username": "news"}),
        ],
        diff=True,
    )
    assert result["changed"] is True
    assert result["diff"]["before"]["subusers"] == ["blog"]
    assert result["domain"]["subusers"] == ["blog", "news", "shop"]


def test_multi_association_reads_and_disassociates(run, warnings):
    current = auto(valid=True, subusers=None)
    result = run(
        module,
        {"domain": "example.com", "subdomain": "em", "subusers": ["shop", "news"], "purge_subusers": True},
        [
            listed(current),
            Call("GET", D + "/subuser/all", 200, [auto(id=999, domain="example.org"), auto(valid=True)], query={"username": "shop"}),
            Call("GET", D + "/subuser/all", 200, [], query={"username": "news"}),
            Call("POST", D + "/1001/subuser:add", 201, auto(valid=True, subusers=None), body={"username": "news"}),
        ],
    )
    assert result["changed"] is True
    assert result["domain"]["subusers"] == ["news", "shop"]
    # Without SendGrid's list, unlisted subusers cannot be seen: nothing is purged, and the user is told.
    assert len(warnings) == 1 and "purge_subusers" in warnings[0] and "none was removed" in warnings[0]


def test_disassociate_with_the_single_style_removes_only_this_domain(run):
    result = run(
        module,
        {"domain": "example.com", "subdomain": "em", "subusers": [], "purge_subusers": True, "subuser_association": "single"},
        [listed(auto(valid=True, subusers=["shop"])), Call("DELETE", D + "/1001/subuser", 204, query={"username": "shop"})],
    )
    assert result["changed"] is True
    assert result["domain"]["subusers"] == []


@pytest.mark.parametrize(
    "message", ["domain 1001 is already associated with shop", "The subuser shop already has this domain", "conflict"]
)
def test_already_associated_answer_is_decided_by_a_read_whatever_its_wording(run, message):
    result = run(
        module,
        {"domain": "example.com", "subdomain": "em", "subusers": ["shop"]},
        [
            listed(auto(valid=True, subusers=[])),
            Call("POST", D + "/1001/subuser:add", 400, error(message, "username"), body={"username": "shop"}),
            Call("GET", D + "/subuser/all", 200, [auto(valid=True)], query={"username": "shop"}),
        ],
    )
    assert result["changed"] is False
    assert result["domain"]["subusers"] == ["shop"]


def test_an_association_refused_for_another_reason_is_the_error(run):
    result = run(
        module,
        {"domain": "example.com", "subdomain": "em", "subusers": ["shop"]},
        [
            listed(auto(valid=True, subusers=[])),
            Call("POST", D + "/1001/subuser:add", 400, error("subuser has 5 domains already", "username"), body={"username": "shop"}),
            Call("GET", D + "/subuser/all", 200, [], query={"username": "shop"}),
        ],
    )
    assert result["failed"] is True and "subuser has 5 domains already" in result["msg"]


# -- replace-only fields -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args, current, named",
    [
        ({"automatic_security": False}, auto(), "automatic_security (is True, wanted False)"),
        ({"custom_dkim_selector": "abc"}, auto(), "custom_dkim_selector (is None, wanted 'abc')"),
        ({"region": "global"}, auto(eu=True), "region (is 'eu', wanted 'global')"),
        ({"subdomain": "mail"}, auto(subdomain="em"), "subdomain (is 'em', wanted 'mail')"),
    ],
)
def test_replace_only_field_fails_without_replace(run, args, current, named):
    params = {"domain": "example.com"}
    params.update(args)
    result = run(module, params, [listed(current)])
    assert result["failed"] is True
    assert result["changed"] is False
    assert named in result["msg"]
    assert "replace=true" in result["msg"]


def test_replace_deletes_and_creates_keeping_unset_settings(run):
    current = auto(default=True, ips=["192.0.2.1"], valid=True, subusers=["shop"])
    created = manual(subdomain="em", default=True, ips=["192.0.2.1"], subusers=[])
    result = run(
        module,
        {"domain": "example.com", "subdomain": "em", "automatic_security": False, "replace": True},
        [
            listed(current),
            Call("DELETE", D + "/1001", 204),
            Call(
                "POST",
                D,
                201,
                created,
                body={"domain": "example.com", "subdomain": "em", "default": True, "ips": ["192.0.2.1"], "region": "global", "automatic_security": False},
            ),
            listed(created),  # the list again after the create: a run that raced shows up here
        ],
        diff=True,
    )
    assert result["changed"] is True
    assert result["domain"]["automatic_security"] is False
    assert result["domain"]["default"] is True
    assert result["diff"]["before"]["automatic_security"] is True
    assert result["diff"]["after"]["automatic_security"] is False
    assert [r["type"] for r in result["dns_records"]] == ["MX", "TXT", "TXT"]


def test_replace_of_a_subdomain_change(run):
    result = run(
        module,
        {"domain": "example.com", "subdomain": "mail", "replace": True},
        [
            listed(auto(subdomain="em4321")),
            Call("DELETE", D + "/1001", 204),
            Call(
                "POST",
                D,
                201,
                auto(id=1002, subdomain="mail"),
                body={"domain": "example.com", "subdomain": "mail", "region": "global", "automatic_security": True},
            ),
            listed(auto(id=1002, subdomain="mail")),  # the list again after the create: a run that raced shows up here
        ],
    )
    assert result["domain"]["id"] == 1002
    assert result["domain"]["subdomain"] == "mail"


def test_replace_that_would_be_refused_deletes_nothing(run):
    result = run(
        module,
        {"domain": "example.com", "subdomain": "mail", "automatic_security": True, "custom_dkim_selector": "abc", "custom_spf": True, "replace": True},
        [],
    )
    assert result["failed"] is True
    assert "custom_spf=true needs manual security" in result["msg"]


def test_legacy_entry_cannot_be_patched(run):
    result = run(module, {"domain": "example.com", "subdomain": "em", "default": True}, [listed(auto(legacy=True))])
    assert result["failed"] is True
    assert "legacy" in result["msg"] and "replace=true" in result["msg"]


# -- validation ---------------------------------------------------------------------------------------


def test_validate_until_valid_reports_reasons(run, _no_sleep):
    result = run(
        module,
        {"domain": "example.com", "subdomain": "em", "validate": True, "validate_timeout": 60, "validate_delay": 5},
        [
            listed(auto()),
            Call("POST", VALIDATE, 200, validation(False, mail_cname=False, dkim1=True, dkim2=True)),
            Call("POST", VALIDATE, 200, validation(True, mail_cname=True, dkim1=True, dkim2=True)),
        ],
    )
    assert result["changed"] is True
    assert result["domain"]["valid"] is True
    assert result["validation"]["attempts"] == 2
    assert result["validation"]["results"]["mail_cname"] == {"valid": True, "reason": None}
    assert _no_sleep == [5]


def test_validate_timeout_fails_with_every_reason(run):
    result = run(
        module,
        {"domain": "example.com", "subdomain": "em", "validate": True},
        [listed(auto()), Call("POST", VALIDATE, 200, validation(False, mail_cname=False, dkim1=True, dkim2=False))],
    )
    assert result["failed"] is True
    assert "is not valid after 1 validation attempt(s)" in result["msg"]
    assert "mail_cname: " + REASON in result["msg"]
    assert "dkim2: " + REASON in result["msg"]
    assert result["validation"]["results"]["dkim2"] == {"valid": False, "reason": REASON}


def test_validate_failure_warn_returns_the_reasons(run, warnings):
    result = run(
        module,
        {"domain": "example.com", "subdomain": "em", "validate": True, "validate_failure": "warn"},
        [listed(auto()), Call("POST", VALIDATE, 200, validation(False, mail_cname=False, dkim1=True, dkim2=True))],
    )
    assert "failed" not in result
    assert result["domain"]["valid"] is False
    assert result["validation"]["results"]["mail_cname"]["reason"] == REASON
    assert len(warnings) == 1 and "mail_cname: " + REASON in warnings[0]


def test_valid_entry_is_not_validated_again(run):
    result = run(module, {"domain": "example.com", "subdomain": "em", "validate": True}, [listed(auto(valid=True))])
    assert result["changed"] is False
    assert "validation" not in result


# -- delete -------------------------------------------------------------------------------------------


def test_delete(run):
    result = run(module, {"domain": "example.com", "subdomain": "em", "state": "absent"}, [listed(auto()), Call("DELETE", D + "/1001", 204)], diff=True)
    assert result["changed"] is True
    assert result["domain"] == {}
    assert result["dns_records"] == []
    assert result["diff"]["after"] == {}


def test_delete_missing_is_no_change(run):
    result = run(module, {"domain": "example.com", "subdomain": "em", "state": "absent"}, [listed()])
    assert result["changed"] is False


def test_delete_never_touches_another_subdomain(run):
    result = run(module, {"domain": "example.com", "subdomain": "mail", "state": "absent"}, [listed(auto(subdomain="em"))])
    assert result["changed"] is False


# -- check mode and diff ------------------------------------------------------------------------------


def test_check_mode_create_predicts_and_writes_nothing(run):
    result = run(
        module,
        {"domain": "example.com", "subdomain": "em", "default": True, "ips": ["192.0.2.1"], "validate": True, "subusers": ["shop"]},
        [listed(), Call("GET", D + "/default", 200, {})],
        check_mode=True,
        diff=True,
    )
    assert result["changed"] is True
    assert writes(result) == []
    assert result["diff"]["before"] == {}
    assert result["diff"]["after"] == {
        "domain": "example.com",
        "subdomain": "em",
        "username": None,
        "automatic_security": True,
        "custom_spf": False,
        "default": True,
        "ips": ["192.0.2.1"],
        "custom_dkim_selector": None,
        "region": "global",
        "subusers": ["shop"],
        # The records the create makes: their names are known, the CNAME targets are SendGrid's to assign.
        "dns_records": [
            {"name": "em.example.com", "type": "CNAME", "value": None},
            {"name": "s1._domainkey.example.com", "type": "CNAME", "value": None},
            {"name": "s2._domainkey.example.com", "type": "CNAME", "value": None},
        ],
    }
    assert result["domain"]["id"] is None
    assert result["validation"]["skipped"] is True


def test_check_mode_update_predicts_and_writes_nothing(run):
    current = manual(ips=["192.0.2.1"], subusers=["old"])
    result = run(
        module,
        {"domain": "example.com", "subdomain": "mail", "custom_spf": True, "ips": ["192.0.2.2"], "subusers": ["new"], "purge_subusers": True},
        [listed(current)],
        check_mode=True,
        diff=True,
    )
    assert result["changed"] is True
    assert writes(result) == []
    assert result["diff"]["after"]["custom_spf"] is True
    assert result["diff"]["after"]["ips"] == ["192.0.2.2"]
    assert result["diff"]["after"]["subusers"] == ["new"]
    assert result["diff"]["before"]["subusers"] == ["old"]


def test_check_mode_replace_writes_nothing(run):
    result = run(
        module,
        {"domain": "example.com", "subdomain": "em", "region": "eu", "replace": True},
        [listed(auto())],
        check_mode=True,
        diff=True,
    )
    assert result["changed"] is True
    assert writes(result) == []
    assert result["diff"]["before"]["region"] == "global"
    assert result["diff"]["after"]["region"] == "eu"


# -- input --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args, message",
    [
        ({"domain": "exa mple.com"}, "domain is not a valid DNS name"),
        ({"domain": "localhost"}, "domain must be a fully qualified DNS name"),
        ({"domain": "example.com", "custom_dkim_selector": "ABC"}, "custom_dkim_selector must be exactly three lowercase letters or digits"),
        ({"domain": "example.com", "custom_dkim_selector": "s1"}, "custom_dkim_selector must be exactly three lowercase letters or digits"),
        ({"domain": "example.com", "subdomain": "em.example.com"}, "subdomain must be relative to domain: use 'em'"),
        ({"domain": "example.com", "subdomain": "-em"}, "subdomain is not a valid DNS name"),
        ({"domain": "example.com", "ips": ["192.0.2.300"]}, "ips must be an IPv4 address"),
        ({"domain": "example.com", "custom_spf": True, "automatic_security": True}, "custom_spf=true needs manual security"),
        ({"domain": "example.com", "subusers": ["a b"]}, "subusers must be a username without spaces"),
        ({"domain": "example.com", "validate_timeout": -1}, "validate_timeout must be at least 0 and at most 86400 seconds, got -1"),
        ({"domain": "example.com", "subusers": ["shop"], "on_behalf_of": "news"}, "subusers cannot be used with on_behalf_of"),
        ({"domain": "example.com", "subusers": ["shop"], "username": "news"}, "subusers cannot be used with username"),
    ],
)
def test_bad_input_fails_before_any_request(run, args, message):
    result = run(module, args, [])
    assert result["failed"] is True
    assert message in result["msg"]


def test_custom_spf_on_an_automatic_entry_fails_before_writing(run):
    result = run(module, {"domain": "example.com", "subdomain": "em", "custom_spf": True}, [listed(auto())])
    assert result["failed"] is True
    assert "custom_spf=true needs manual security" in result["msg"]


# -- lookup -------------------------------------------------------------------------------------------


def test_domain_filter_is_a_search_not_an_equality_test(run):
    """SendGrid returns mail.example.com and example.com.au for example.com: neither is example.com."""
    result = run(
        module,
        {"domain": "example.com", "subdomain": "em"},
        [
            listed(auto(id=1, domain="mail.example.com"), auto(id=2, domain="example.com.au")),
            Call("POST", D, 201, auto(id=3), body={"domain": "example.com", "subdomain": "em", "automatic_security": True}),
            listed(auto(id=3)),  # the list again after the create: a run that raced shows up here
        ],
    )
    assert result["changed"] is True
    assert result["domain"]["id"] == 3


def test_exact_match_among_search_results(run):
    result = run(
        module,
        {"domain": "example.com", "subdomain": "em", "state": "absent"},
        [
            listed(auto(id=1, domain="mail.example.com"), auto(id=2), auto(id=3, domain="example.com.au")),
            Call("DELETE", D + "/2", 204),
        ],
    )
    assert result["changed"] is True


def test_every_page_is_read(run):
    page1 = [auto(id=i, domain="x%d.example.com" % i) for i in range(1, 501)]
    result = run(
        module,
        {"domain": "example.com", "subdomain": "em"},
        [listed(*page1), listed(auto(id=2000), query=dict(OWN, offset=500))],
    )
    assert result["changed"] is False
    assert result["domain"]["id"] == 2000


def test_username_filter_then_exact_match(run):
    query = {"domain": "example.com", "username": "bob", "limit": 500, "offset": 0}
    result = run(
        module,
        {"domain": "example.com", "username": "bob"},
        [
            listed(auto(id=1, username="bobby"), query=query),
            Call("POST", D, 201, auto(id=2, username="bob"), body={"domain": "example.com", "username": "bob", "automatic_security": True}),
            listed(auto(id=2, username="bob"), query=query),  # the list again after the create: a run that raced shows up here
        ],
    )
    assert result["changed"] is True
    assert result["domain"]["username"] == "bob"


def test_several_entries_without_subdomain_fail_and_list_them(run):
    result = run(module, {"domain": "example.com"}, [listed(auto(id=1, subdomain="em1"), auto(id=2, subdomain="em2"))])
    assert result["failed"] is True
    assert "em1.example.com (id 1), em2.example.com (id 2)" in result["msg"]
    assert "set subdomain" in result["msg"]


def test_on_behalf_of_header_is_sent(run):
    result = run(
        module,
        {"domain": "example.com", "subdomain": "em", "on_behalf_of": "shop"},
        [
            listed(),
            Call("POST", D, 201, auto(username="shop"), body={"domain": "example.com", "subdomain": "em", "automatic_security": True}),
            listed(auto(username="shop")),  # the list again after the create: a run that raced shows up here
        ],
    )
    assert [headers.get("on-behalf-of") for headers in result["_request_headers"]] == ["shop", "shop", "shop"]
    assert API_KEY not in repr({k: v for k, v in result.items() if k != "_request_headers"})


# -- creates under concurrency (issue 13) --------------------------------------------------------

CREATE_EM = {"domain": "example.com", "subdomain": "em", "automatic_security": True}


def test_a_copy_another_run_created_at_the_same_time_is_removed(run, warnings):
    result = run(
        module,
        {"domain": "example.com", "subdomain": "em"},
        [
            listed(),
            Call("POST", D, 201, auto(id=1001), body=CREATE_EM),
            listed(auto(id=1001), auto(id=1002)),
            Call("DELETE", D + "/1002", 204),
        ],
    )
    assert result["changed"] is True and result["domain"]["id"] == 1001
    assert result["removed_duplicates"] == [1002]
    assert any("kept id 1001" in w and "1002" in w for w in warnings)


def test_the_run_whose_copy_is_newer_removes_its_own_and_reports_the_older(run):
    result = run(
        module,
        {"domain": "example.com", "subdomain": "em"},
        [
            listed(),
            Call("POST", D, 201, auto(id=1002), body=CREATE_EM),
            listed(auto(id=1001), auto(id=1002)),
            Call("DELETE", D + "/1002", 204),
        ],
    )
    assert result["domain"]["id"] == 1001 and result["removed_duplicates"] == [1002]


def test_an_entry_that_is_not_a_copy_is_never_removed_by_the_race_check(run):
    # Another entry of the domain appeared meanwhile, with another subdomain: not a copy, not this run's business.
    other = auto(id=900, subdomain="other")
    result = run(
        module,
        {"domain": "example.com", "subdomain": "em"},
        [listed(), Call("POST", D, 201, auto(id=1001), body=CREATE_EM), listed(other, auto(id=1001))],
    )
    assert result["domain"]["id"] == 1001 and "removed_duplicates" not in result


def test_identical_copies_found_are_chosen_deterministically_with_a_warning(run, warnings):
    result = run(module, {"domain": "example.com", "subdomain": "em"}, [listed(auto(id=1003), auto(id=1002, valid=True), auto(id=1001))])
    assert result["changed"] is False and result["domain"]["id"] == 1002
    assert any("3 identical authenticated domains em.example.com" in w and "uses id 1002" in w for w in warnings)


def test_absent_removes_every_identical_copy(run, warnings):
    result = run(
        module,
        {"domain": "example.com", "subdomain": "em", "state": "absent"},
        [listed(auto(id=1001), auto(id=1002)), Call("DELETE", D + "/1001", 204), Call("DELETE", D + "/1002", 204)],
    )
    assert result["changed"] is True and result["removed_duplicates"] == [1002]


def test_entries_that_differ_still_need_a_subdomain_and_the_hint_says_so(run):
    result = run(module, {"domain": "example.com"}, [listed(auto(id=1001, subdomain="em1"), auto(id=1002, subdomain="em2"))])
    assert result["failed"] is True and "set subdomain to choose one" in result["msg"]


# -- check mode predicts the records (issue 16, item 1) ---------------------------------------------------------

A, B, C = "192.0.2.1", "192.0.2.2", "192.0.2.3"
RECORD_CHANGES = [
    # (current entry, options, the real run's writes as (method, path suffix, body, SendGrid's answer))
    (manual(ips=[A]), {"custom_spf": True}, [("PATCH", "", {"custom_spf": True}, manual(ips=[A], custom_spf=True))]),
    (manual(ips=[A]), {"custom_spf": True, "ips": [A, B]}, [
        ("PATCH", "", {"custom_spf": True}, manual(ips=[A], custom_spf=True)),
        ("POST", "/ips", {"ip": B}, manual(ips=[A, B], custom_spf=True)),
    ]),
    (manual(ips=[A], custom_spf=True), {"ips": [C]}, [
        ("POST", "/ips", {"ip": C}, manual(ips=[A, C], custom_spf=True)),
        ("DELETE", "/ips/" + A, None, manual(ips=[C], custom_spf=True)),
    ]),
    (manual(ips=[A], custom_spf=True), {"custom_spf": False}, [("PATCH", "", {"custom_spf": False}, manual(ips=[A]))]),
]


def _real_calls(current, writes):
    return [listed(current)] + [Call(method, D + "/1001" + suffix, 200, answer, body=body) for method, suffix, body, answer in writes]


@pytest.mark.parametrize("current, options, writes", RECORD_CHANGES)
def test_check_mode_predicts_the_records_the_real_run_gives(run, current, options, writes):
    args = dict({"domain": "example.com", "subdomain": "mail", "automatic_security": False}, **options)
    predicted = run(module, args, [listed(current)], check_mode=True, diff=True)
    real = run(module, args, _real_calls(current, writes), diff=True)
    assert predicted["changed"] is real["changed"] is True
    assert predicted["dns_records"] == real["dns_records"]
    assert predicted["diff"] == real["diff"]
    assert predicted["diff"]["before"]["dns_records"] != predicted["diff"]["after"]["dns_records"]


def test_check_mode_create_names_the_records_and_leaves_what_sendgrid_assigns_empty(run):
    args = {"domain": "example.com", "subdomain": "mail", "automatic_security": False, "custom_spf": True, "ips": ["192.0.2.1"]}
    result = run(module, args, [listed()], check_mode=True)
    assert result["dns_records"] == [
        {"name": "mail.example.com", "type": "MX", "value": "mx.sendgrid.net"},
        {"name": "mail.example.com", "type": "TXT", "value": "v=spf1 ip4:192.0.2.1 -all"},
        {"name": "example.com", "type": "TXT", "value": "v=spf1 include:mail.example.com -all"},
        {"name": "m1._domainkey.example.com", "type": "TXT", "value": None},  # the DKIM key SendGrid makes
    ]
    auto_result = run(module, {"domain": "example.com", "subdomain": "em", "custom_dkim_selector": "k2x"}, [listed()], check_mode=True)
    assert auto_result["dns_records"] == [
        {"name": "em.example.com", "type": "CNAME", "value": None},
        {"name": "k2x._domainkey.example.com", "type": "CNAME", "value": None},
        {"name": "k2x2._domainkey.example.com", "type": "CNAME", "value": None},
    ]


def test_absent_when_already_gone_is_one_read_and_no_change(run):
    result = run(module, {"domain": "example.com", "subdomain": "mail", "state": "absent"}, [listed()], diff=True)
    assert result["changed"] is False and result["domain"] == {} and result["diff"] == {"before": {}, "after": {}}


def test_records_at_the_bare_domain_are_marked(run):
    # Issue 15, item 3: SendGrid's root SPF (custom SPF here; some automatic-security answers carry one too) sits at
    # the domain itself, which holds the domain's own records: it is listed apart so publishers merge it.
    result = run(module, {"domain": "example.com", "subdomain": "mail"}, [listed(manual(ips=["192.0.2.1"], custom_spf=True))])
    assert result["dns_records_at_domain"] == [{"name": "example.com", "type": "TXT", "value": "v=spf1 include:mail.example.com -all"}]
    plain = run(module, {"domain": "example.com", "subdomain": "em"}, [listed(auto())])
    assert plain["dns_records_at_domain"] == []
