# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible_collections.mailops.sendgrid.plugins.modules import sendgrid_ip_pool as module
from ansible_collections.mailops.sendgrid.tests.unit.plugins.modules.utils import API_KEY, Call, writes

POOL = "/v3/ips/pools"
NOT_FOUND = {"errors": [{"field": "error", "message": "Unable to locate specified IPs Pool"}]}


# The account's IP list: read once before the first write when IPs are to be added (issue 16, item 6).
ACCOUNT_IPS = Call("GET", "/v3/ips", 200, [{"ip": ip} for ip in ("192.0.2.10", "192.0.2.11", "192.0.2.12")], query={"limit": "500", "offset": "0"})


def pool(name, *ips):
    return {"pool_name": name, "ips": list(ips)}


def test_create_with_members(run):
    result = run(
        module,
        {"name": "tx", "ips": ["192.0.2.11", "192.0.2.10"]},
        [
            Call("GET", POOL + "/tx", 404, NOT_FOUND),
            ACCOUNT_IPS,  # the IPs to add are checked before the first write
            Call("POST", POOL, 200, {"name": "tx"}, body={"name": "tx"}),
            Call("POST", POOL + "/tx/ips", 201, {"ip": "192.0.2.11"}, body={"ip": "192.0.2.11"}),
            Call("POST", POOL + "/tx/ips", 201, {"ip": "192.0.2.10"}, body={"ip": "192.0.2.10"}),
        ],
    )
    assert result["changed"] is True
    assert result["pool"] == {"name": "tx", "ips": ["192.0.2.10", "192.0.2.11"]}


def test_no_change_is_one_get(run):
    result = run(
        module,
        {"name": "tx", "ips": ["192.0.2.11", "192.0.2.10"], "purge_ips": True},
        [Call("GET", POOL + "/tx", 200, pool("tx", "192.0.2.10", "192.0.2.11"))],
    )
    assert result["changed"] is False
    assert writes(result) == []


def test_add_without_purge_keeps_others(run):
    result = run(
        module,
        {"name": "tx", "ips": ["192.0.2.12"]},
        [
            Call("GET", POOL + "/tx", 200, pool("tx", "192.0.2.10")),
            ACCOUNT_IPS,  # the IPs to add are checked before the first write
            Call("POST", POOL + "/tx/ips", 201, {"ip": "192.0.2.12"}, body={"ip": "192.0.2.12"}),
        ],
        diff=True,
    )
    assert result["changed"] is True
    assert result["pool"]["ips"] == ["192.0.2.10", "192.0.2.12"]
    assert result["diff"] == {
        "before": {"name": "tx", "ips": ["192.0.2.10"]},
        "after": {"name": "tx", "ips": ["192.0.2.10", "192.0.2.12"]},
    }


def test_purge_removes_unlisted(run):
    result = run(
        module,
        {"name": "tx", "ips": ["192.0.2.12"], "purge_ips": True},
        [
            Call("GET", POOL + "/tx", 200, pool("tx", "192.0.2.10", "192.0.2.12")),
            Call("DELETE", POOL + "/tx/ips/192.0.2.10", 204),
        ],
    )
    assert result["changed"] is True
    assert result["pool"] == {"name": "tx", "ips": ["192.0.2.12"]}


@pytest.mark.parametrize(
    "message",
    ["ip already exists in pool", "ip 192.0.2.10 already in pool tx", "IP address 192.0.2.10 is already assigned to the pool tx",
     "192.0.2.10 is a member of tx", "duplicate entry"],
)
def test_already_in_pool_within_read_lag_is_no_change(run, message):
    result = run(
        module,
        {"name": "tx", "ips": ["192.0.2.10"]},
        [
            Call("GET", POOL + "/tx", 200, pool("tx")),
            ACCOUNT_IPS,  # the IPs to add are checked before the first write
            Call("POST", POOL + "/tx/ips", 400, {"errors": [{"field": "ip", "message": message}]}, body={"ip": "192.0.2.10"}),
        ],
    )
    assert result["changed"] is False
    assert result["pool"]["ips"] == ["192.0.2.10"]


def test_ip_not_on_account_names_the_ip(run):
    result = run(
        module,
        {"name": "tx", "ips": ["198.51.100.7"]},
        [Call("GET", POOL + "/tx", 200, pool("tx")), ACCOUNT_IPS],
    )
    assert result["failed"] is True and result["changed"] is False
    assert "198.51.100.7" in result["msg"] and "not a dedicated IP" in result["msg"]


def test_check_mode_sees_an_ip_that_is_not_on_the_account(run):
    # Issue 16, item 6: check mode used to predict success, and the real run created the pool and then failed.
    result = run(module, {"name": "tx", "ips": ["192.0.2.10", "198.51.100.7"]}, [Call("GET", POOL + "/tx", 404, NOT_FOUND), ACCOUNT_IPS], check_mode=True)
    assert result["failed"] is True and result["changed"] is False
    assert result["msg"].startswith("ips: 198.51.100.7 is not a dedicated IP of this SendGrid account (GET /v3/ips lists its IPs); nothing was changed")
    assert writes(result) == []


def test_a_404_on_add_still_names_the_ip(run):
    # The IP list had it, the add did not (removed from the account in between): still named, nothing hidden.
    result = run(
        module,
        {"name": "tx", "ips": ["192.0.2.12"]},
        [
            Call("GET", POOL + "/tx", 200, pool("tx")),
            ACCOUNT_IPS,
            Call("POST", POOL + "/tx/ips", 404, {"errors": [{"field": None, "message": "resource not found"}]}, body={"ip": "192.0.2.12"}),
        ],
    )
    assert result["failed"] is True
    assert "192.0.2.12" in result["msg"] and "not a dedicated IP" in result["msg"]


def test_rename_when_only_old_exists(run):
    result = run(
        module,
        {"name": "old", "new_name": "new"},
        [
            Call("GET", POOL + "/old", 200, pool("old", "192.0.2.10")),
            Call("GET", POOL + "/new", 404, NOT_FOUND),
            Call("PUT", POOL + "/old", 200, {"name": "new"}, body={"name": "new"}),
        ],
        diff=True,
    )
    assert result["changed"] is True
    assert result["diff"]["before"]["name"] == "old"
    assert result["diff"]["after"] == {"name": "new", "ips": ["192.0.2.10"]}


def test_rename_whose_first_answer_was_lost_reads_the_new_name(run):
    # The first PUT renamed the pool but its answer was lost (503); the retry finds the old name gone.
    result = run(
        module,
        {"name": "old", "new_name": "new"},
        [
            Call("GET", POOL + "/old", 200, pool("old", "192.0.2.10")),
            Call("GET", POOL + "/new", 404, NOT_FOUND),
            Call("PUT", POOL + "/old", 503, {"errors": [{"field": None, "message": "unavailable"}]}, body={"name": "new"}),
            Call("PUT", POOL + "/old", 404, {"errors": [{"field": None, "message": "ip pool not found"}]}, body={"name": "new"}),
            Call("GET", POOL + "/new", 200, pool("new", "192.0.2.10")),
        ],
    )
    assert result["changed"] is True
    assert result["pool"] == {"name": "new", "ips": ["192.0.2.10"]}


def test_rename_of_a_pool_deleted_meanwhile_fails(run):
    result = run(
        module,
        {"name": "old", "new_name": "new"},
        [
            Call("GET", POOL + "/old", 200, pool("old")),
            Call("GET", POOL + "/new", 404, NOT_FOUND),
            Call("PUT", POOL + "/old", 404, {"errors": [{"field": None, "message": "ip pool not found"}]}, body={"name": "new"}),
            Call("GET", POOL + "/new", 404, NOT_FOUND),
        ],
    )
    assert result["failed"] is True
    assert "disappeared" in result["msg"]


def test_rename_when_only_new_exists_is_no_change(run):
    result = run(
        module,
        {"name": "old", "new_name": "new"},
        [Call("GET", POOL + "/old", 404, NOT_FOUND), Call("GET", POOL + "/new", 200, pool("new"))],
    )
    assert result["changed"] is False
    assert result["pool"]["name"] == "new"


def test_rename_when_both_exist_fails(run):
    result = run(
        module,
        {"name": "old", "new_name": "new"},
        [Call("GET", POOL + "/old", 200, pool("old")), Call("GET", POOL + "/new", 200, pool("new"))],
    )
    assert result["failed"] is True
    assert "both pools exist" in result["msg"]


def test_delete(run):
    result = run(module, {"name": "tx", "state": "absent"}, [Call("GET", POOL + "/tx", 200, pool("tx")), Call("DELETE", POOL + "/tx", 204)])
    assert result["changed"] is True
    assert result["pool"] == {}


def test_delete_missing_is_no_change(run):
    result = run(module, {"name": "tx", "state": "absent"}, [Call("GET", POOL + "/tx", 404, NOT_FOUND)])
    assert result["changed"] is False


def test_check_mode_predicts_and_writes_nothing(run):
    result = run(
        module,
        {"name": "tx", "ips": ["192.0.2.10"]},
        [Call("GET", POOL + "/tx", 404, NOT_FOUND), ACCOUNT_IPS],
        check_mode=True,
        diff=True,
    )
    assert result["changed"] is True
    assert result["pool"] == {"name": "tx", "ips": ["192.0.2.10"]}
    assert result["diff"] == {"before": {}, "after": {"name": "tx", "ips": ["192.0.2.10"]}}


def test_name_too_long_fails_before_any_request(run):
    result = run(module, {"name": "x" * 65}, [])
    assert result["failed"] is True
    assert "name must be 1 to 64 characters" in result["msg"]


def test_bad_ip_fails_before_any_request(run):
    result = run(module, {"name": "tx", "ips": ["256.1.1.1"]}, [])
    assert result["failed"] is True
    assert "ips must be an IPv4 address" in result["msg"]


def test_server_error_on_read_is_retried(run):
    result = run(
        module,
        {"name": "tx"},
        [Call("GET", POOL + "/tx", 503, {"errors": [{"message": "unavailable"}]}), Call("GET", POOL + "/tx", 200, pool("tx"))],
    )
    assert result["changed"] is False


def test_rate_limit_is_waited_out(run, _no_sleep):
    result = run(
        module,
        {"name": "tx"},
        [
            Call("GET", POOL + "/tx", 429, {"errors": [{"field": None, "message": "too many requests"}]}, headers={"X-RateLimit-Reset": "3"}),
            Call("GET", POOL + "/tx", 200, pool("tx")),
        ],
    )
    assert result["changed"] is False
    assert _no_sleep == [3.0]


def test_creating_post_failure_is_not_retried_and_key_not_shown(run):
    result = run(
        module,
        {"name": "tx"},
        [
            Call("GET", POOL + "/tx", 404, NOT_FOUND),
            Call("POST", POOL, 500, {"errors": [{"field": None, "message": "internal error"}]}, body={"name": "tx"}),
            # Not repeated: the module reads again to learn whether the pool was created.
            Call("GET", POOL + "/tx", 404, NOT_FOUND),
        ],
    )
    assert result["failed"] is True
    assert result["msg"] == "SendGrid API request POST /v3/ips/pools failed with HTTP 500: internal error"
    assert result["status"] == 500
    assert result["changed"] is False
    assert API_KEY not in repr(result)


def test_refused_add_on_existing_pool_is_not_changed(run):
    result = run(
        module,
        {"name": "tx", "ips": ["192.0.2.10"]},
        [
            Call("GET", POOL + "/tx", 200, pool("tx")),
            ACCOUNT_IPS,  # the IPs to add are checked before the first write
            Call("POST", POOL + "/tx/ips", 400, {"errors": [{"field": "ip", "message": "ip is not activated"}]}, body={"ip": "192.0.2.10"}),
        ],
    )
    assert result["failed"] is True
    assert result["changed"] is False
    assert result["msg"] == "SendGrid API request POST /v3/ips/pools/tx/ips failed with HTTP 400: ip: ip is not activated"


def test_refused_add_after_rename_still_reports_the_rename(run):
    result = run(
        module,
        {"name": "old", "new_name": "new", "ips": ["192.0.2.10"]},
        [
            Call("GET", POOL + "/old", 200, pool("old")),
            Call("GET", POOL + "/new", 404, NOT_FOUND),
            ACCOUNT_IPS,  # the IPs to add are checked before the first write
            Call("PUT", POOL + "/old", 200, {"name": "new"}, body={"name": "new"}),
            Call("POST", POOL + "/new/ips", 400, {"errors": [{"field": "ip", "message": "ip is not activated"}]}, body={"ip": "192.0.2.10"}),
        ],
    )
    assert result["failed"] is True
    assert result["changed"] is True


def test_creating_post_failure_but_pool_exists_goes_on(run):
    result = run(
        module,
        {"name": "tx", "ips": ["192.0.2.10"]},
        [
            Call("GET", POOL + "/tx", 404, NOT_FOUND),
            ACCOUNT_IPS,  # the IPs to add are checked before the first write
            Call("POST", POOL, 502, {"errors": [{"field": None, "message": "bad gateway"}]}, body={"name": "tx"}),
            Call("GET", POOL + "/tx", 200, pool("tx")),
            Call("POST", POOL + "/tx/ips", 201, {"ip": "192.0.2.10"}, body={"ip": "192.0.2.10"}),
        ],
    )
    assert result["changed"] is True
    assert result["pool"] == {"name": "tx", "ips": ["192.0.2.10"]}


def test_ip_not_on_account_after_create_reports_the_created_pool(run):
    result = run(
        module,
        {"name": "tx", "ips": ["198.51.100.7"]},
        [
            Call("GET", POOL + "/tx", 404, NOT_FOUND),
            Call("GET", "/v3/ips", 200, [{"ip": "198.51.100.7"}], query={"limit": "500", "offset": "0"}),
            Call("POST", POOL, 200, {"name": "tx"}, body={"name": "tx"}),
            Call("POST", POOL + "/tx/ips", 404, {"errors": [{"field": "ip", "message": "resource not found"}]}, body={"ip": "198.51.100.7"}),
        ],
    )
    assert result["failed"] is True
    assert "198.51.100.7" in result["msg"]
    # The pool was created before the add failed (the IP left the account after the list was read): not hidden.
    assert result["changed"] is True
    assert result["ip"] == "198.51.100.7"


def test_ip_not_on_account_without_other_write_is_not_changed(run):
    result = run(
        module,
        {"name": "tx", "ips": ["192.0.2.10", "198.51.100.7"]},
        [
            Call("GET", POOL + "/tx", 200, pool("tx", "192.0.2.10")),
            ACCOUNT_IPS,
        ],
    )
    assert result["failed"] is True
    assert result["changed"] is False
    assert "ips: 198.51.100.7 is not a dedicated IP" in result["msg"]


def test_add_server_error_is_retried_because_adding_twice_is_harmless(run):
    result = run(
        module,
        {"name": "tx", "ips": ["192.0.2.10"]},
        [
            Call("GET", POOL + "/tx", 200, pool("tx")),
            ACCOUNT_IPS,  # the IPs to add are checked before the first write
            Call("POST", POOL + "/tx/ips", 503, {"errors": [{"field": None, "message": "unavailable"}]}, body={"ip": "192.0.2.10"}),
            Call("POST", POOL + "/tx/ips", 201, {"ip": "192.0.2.10"}, body={"ip": "192.0.2.10"}),
        ],
    )
    assert result["changed"] is True
    assert result["pool"]["ips"] == ["192.0.2.10"]


def test_members_compared_as_set_ignoring_order_and_duplicates(run):
    result = run(
        module,
        {"name": "tx", "ips": ["192.0.2.11", "192.0.2.10", "192.0.2.11"], "purge_ips": True},
        [Call("GET", POOL + "/tx", 200, {"pool_name": "tx", "ips": [{"ip": "192.0.2.11"}, {"ip": "192.0.2.10"}]})],
    )
    assert result["changed"] is False
    assert result["pool"] == {"name": "tx", "ips": ["192.0.2.10", "192.0.2.11"]}


def test_omitted_ips_leave_members_alone_even_with_purge(run):
    result = run(
        module,
        {"name": "tx", "purge_ips": True},
        [Call("GET", POOL + "/tx", 200, pool("tx", "192.0.2.10"))],
    )
    assert result["changed"] is False
    assert result["pool"]["ips"] == ["192.0.2.10"]


def test_empty_ips_with_purge_removes_every_member(run):
    result = run(
        module,
        {"name": "tx", "ips": [], "purge_ips": True},
        [
            Call("GET", POOL + "/tx", 200, pool("tx", "192.0.2.10", "192.0.2.11")),
            Call("DELETE", POOL + "/tx/ips/192.0.2.10", 204),
            Call("DELETE", POOL + "/tx/ips/192.0.2.11", 204),
        ],
    )
    assert result["changed"] is True
    assert result["pool"] == {"name": "tx", "ips": []}


def test_add_and_remove_in_one_run_with_diff(run):
    result = run(
        module,
        {"name": "tx", "ips": ["192.0.2.12"], "purge_ips": True},
        [
            Call("GET", POOL + "/tx", 200, pool("tx", "192.0.2.10")),
            ACCOUNT_IPS,  # the IPs to add are checked before the first write
            Call("POST", POOL + "/tx/ips", 201, {"ip": "192.0.2.12"}, body={"ip": "192.0.2.12"}),
            Call("DELETE", POOL + "/tx/ips/192.0.2.10", 204),
        ],
        diff=True,
    )
    assert result["changed"] is True
    assert result["diff"] == {"before": {"name": "tx", "ips": ["192.0.2.10"]}, "after": {"name": "tx", "ips": ["192.0.2.12"]}}


def test_check_mode_on_existing_pool_predicts_members_and_writes_nothing(run):
    result = run(
        module,
        {"name": "tx", "ips": ["192.0.2.12"], "purge_ips": True},
        [Call("GET", POOL + "/tx", 200, pool("tx", "192.0.2.10")), ACCOUNT_IPS],
        check_mode=True,
        diff=True,
    )
    assert result["changed"] is True
    assert writes(result) == []
    assert result["pool"] == {"name": "tx", "ips": ["192.0.2.12"]}
    assert result["diff"]["after"] == {"name": "tx", "ips": ["192.0.2.12"]}


def test_check_mode_delete_writes_nothing(run):
    result = run(module, {"name": "tx", "state": "absent"}, [Call("GET", POOL + "/tx", 200, pool("tx"))], check_mode=True, diff=True)
    assert result["changed"] is True
    assert writes(result) == []
    assert result["diff"] == {"before": {"name": "tx", "ips": []}, "after": {}}


def test_rename_when_neither_exists_creates_new_name(run):
    result = run(
        module,
        {"name": "old", "new_name": "new", "ips": ["192.0.2.10"]},
        [
            Call("GET", POOL + "/old", 404, NOT_FOUND),
            Call("GET", POOL + "/new", 404, NOT_FOUND),
            ACCOUNT_IPS,  # the IPs to add are checked before the first write
            Call("POST", POOL, 200, {"name": "new"}, body={"name": "new"}),
            Call("POST", POOL + "/new/ips", 201, {"ip": "192.0.2.10"}, body={"ip": "192.0.2.10"}),
        ],
    )
    assert result["changed"] is True
    assert result["pool"] == {"name": "new", "ips": ["192.0.2.10"]}


def test_rename_in_check_mode_writes_nothing(run):
    result = run(
        module,
        {"name": "old", "new_name": "new"},
        [Call("GET", POOL + "/old", 200, pool("old")), Call("GET", POOL + "/new", 404, NOT_FOUND)],
        check_mode=True,
    )
    assert result["changed"] is True
    assert result["pool"] == {"name": "new", "ips": []}


def test_new_name_with_absent_fails_before_any_request(run):
    result = run(module, {"name": "old", "new_name": "new", "state": "absent"}, [])
    assert result["failed"] is True
    assert "new_name cannot be used with state=absent" in result["msg"]


def test_new_name_too_long_fails_before_any_request(run):
    result = run(module, {"name": "old", "new_name": "n" * 65}, [])
    assert result["failed"] is True
    assert "new_name must be 1 to 64 characters" in result["msg"]


def test_pool_name_is_url_encoded(run):
    result = run(module, {"name": "Test Pool/1"}, [Call("GET", POOL + "/Test%20Pool%2F1", 200, pool("Test Pool/1"))])
    assert result["changed"] is False


def test_auth_error_names_method_path_and_status(run):
    result = run(module, {"name": "tx"}, [Call("GET", POOL + "/tx", 403, {"errors": [{"field": None, "message": "access forbidden"}]})])
    assert result["failed"] is True
    assert result["msg"] == (
        "SendGrid API request GET /v3/ips/pools/tx failed with HTTP 403: access forbidden"
        " (the key lacks a scope this request needs: give it the scopes listed in the module's notes)"
    )


def test_rate_limit_longer_than_timeout_fails_clearly(run, _no_sleep):
    result = run(
        module,
        {"name": "tx", "rate_limit_timeout": 5},
        [Call("GET", POOL + "/tx", 429, {"errors": [{"field": None, "message": "too many requests"}]}, headers={"Retry-After": "60"})],
    )
    assert result["failed"] is True
    assert "rate limited" in result["msg"] and "HTTP 429" in result["msg"]
    assert _no_sleep == []


def test_members_as_objects_are_read_as_ips(run):
    """Older answers list members as ``{"ip": ...}`` objects; one without an IP is not a member."""
    answer = {"pool_name": "tx", "ips": [{"ip": "192.0.2.11"}, "192.0.2.10", {"ip": None}, {}]}
    result = run(module, {"name": "tx", "ips": ["192.0.2.10", "192.0.2.11"], "purge_ips": True}, [Call("GET", POOL + "/tx", 200, answer)])
    assert result["changed"] is False
    assert result["pool"] == {"name": "tx", "ips": ["192.0.2.10", "192.0.2.11"]}


# -- hostile conditions (issue 13) -------------------------------------------------------------

@pytest.mark.parametrize("name", [".", "..", " .. ", "tx\n", "a\tb", "tx\x00"])
def test_names_that_are_path_steps_or_control_characters_are_refused_before_any_request(run, name):
    result = run(module, {"name": name}, [])
    assert result["failed"] is True and result["_requests"] == []
    # ansible-core 2.21 refuses a NUL in any parameter itself, when it logs the module's arguments, before the
    # module's own check: the name is refused before any request either way.
    assert result["msg"].startswith("name ") or (name == "tx\x00" and "embedded null character" in result["msg"]), result["msg"]


def test_new_name_is_checked_the_same_way(run):
    result = run(module, {"name": "tx", "new_name": ".."}, [])
    assert result["failed"] is True and result["msg"].startswith("new_name cannot be") and result["_requests"] == []


@pytest.mark.parametrize("message", ["pool name tx already exists", "Pool already exists", "duplicate"])
def test_create_refused_because_another_host_made_the_pool_goes_on_with_it(run, message):
    result = run(
        module,
        {"name": "tx", "ips": ["192.0.2.10"]},
        [
            Call("GET", POOL + "/tx", 404, NOT_FOUND),
            ACCOUNT_IPS,  # the IPs to add are checked before the first write
            Call("POST", POOL, 400, {"errors": [{"field": "name", "message": message}]}, body={"name": "tx"}),
            Call("GET", POOL + "/tx", 200, pool("tx")),
            Call("POST", POOL + "/tx/ips", 201, {"ip": "192.0.2.10"}, body={"ip": "192.0.2.10"}),
        ],
    )
    assert not result.get("failed")
    assert result["changed"] is True and result["pool"] == {"name": "tx", "ips": ["192.0.2.10"]}


def test_create_refused_and_no_pool_on_reading_is_the_refusal(run):
    result = run(
        module,
        {"name": "tx"},
        [
            Call("GET", POOL + "/tx", 404, NOT_FOUND),
            Call("POST", POOL, 400, {"errors": [{"field": "name", "message": "too many pools"}]}, body={"name": "tx"}),
            Call("GET", POOL + "/tx", 404, NOT_FOUND),
        ],
    )
    assert result["failed"] is True and result["changed"] is False and "too many pools" in result["msg"]


def test_pool_answer_of_the_wrong_shape_names_the_request(run):
    result = run(module, {"name": "tx"}, [Call("GET", POOL + "/tx", 200, [1, 2])])
    assert result["failed"] is True
    assert result["msg"].startswith("SendGrid API request GET /v3/ips/pools/tx failed with HTTP 200: expected a JSON object")
