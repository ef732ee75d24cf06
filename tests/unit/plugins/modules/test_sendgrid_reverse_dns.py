# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest
from ansible.module_utils import basic

from ansible_collections.mailops.sendgrid.plugins.modules import sendgrid_reverse_dns as module
from ansible_collections.mailops.sendgrid.tests.unit.plugins.modules.answers import IP, USERS, entry
from ansible_collections.mailops.sendgrid.tests.unit.plugins.modules.utils import API_KEY, Call, writes

RDNS = "/v3/whitelabel/ips"


def lookup(ip=IP, answer=(), offset=0):
    return Call("GET", RDNS, 200, list(answer), query={"ip": ip, "limit": 500, "offset": offset})


def create_call(answer, ip=IP, domain="example.com", subdomain="email"):
    body = {"ip": ip, "domain": domain}
    if subdomain:
        body["subdomain"] = subdomain
    return Call("POST", RDNS, 201, answer, body=body)


def validation(valid, reason=None, record_id=11):
    return {"id": record_id, "valid": valid, "validation_results": {"a_record": {"valid": valid, "reason": reason}}}


def validate_call(answer, record_id=11):
    return Call("POST", "%s/%d/validate" % (RDNS, record_id), 200, answer)


REASON = "Failed to resolve A Record at o1.email.example.com: lookup o1.email.example.com: no such host"
PRESENT = {"ip": IP, "domain": "example.com", "subdomain": "email"}


@pytest.fixture
def warnings(monkeypatch):
    seen = []
    monkeypatch.setattr(basic.AnsibleModule, "warn", lambda self, message, **kwargs: seen.append(message))
    return seen


@pytest.fixture
def clock(monkeypatch):
    """A clock that only moves when the module sleeps, so validate_timeout is exact and instant."""
    now = [1000.0]
    slept = []

    def sleep(seconds):
        slept.append(seconds)
        now[0] += seconds

    monkeypatch.setattr("time.sleep", sleep)
    monkeypatch.setattr("time.time", lambda: now[0])
    return slept


# -- create / no change ---------------------------------------------------------------------------


def test_create(run):
    result = run(module, PRESENT, [lookup(), create_call(entry())], diff=True)
    assert result["changed"] is True
    assert result["reverse_dns"] == {
        "id": 11,
        "ip": IP,
        "rdns": "o1.email.example.com",
        "domain": "example.com",
        "subdomain": "email",
        "valid": False,
        "legacy": False,
        "users": USERS,
    }
    assert result["dns_record"] == {"name": "o1.email.example.com", "type": "A", "value": IP}
    assert result["dns_records"] == [result["dns_record"]]
    assert "validation" not in result
    assert result["diff"] == {
        "before": {},
        "after": {"ip": IP, "domain": "example.com", "subdomain": "email", "rdns": "o1.email.example.com", "valid": False},
    }


def test_create_without_subdomain_sends_none(run):
    answer = entry(subdomain="")
    result = run(module, {"ip": IP, "domain": "example.com"}, [lookup(), create_call(answer, subdomain=None)])
    assert result["changed"] is True
    assert result["reverse_dns"]["rdns"] == "o1.example.com"
    assert result["reverse_dns"]["subdomain"] == ""


def test_input_is_normalised_before_lookup_and_compare(run):
    result = run(
        module,
        {"ip": " 192.0.2.10 ", "domain": "Example.COM.", "subdomain": "Email"},
        [lookup(answer=[entry(valid=True)])],
    )
    assert result["changed"] is False


def test_no_change_is_one_get(run):
    result = run(module, dict(PRESENT, validate=True), [lookup(answer=[entry(valid=True)])], diff=True)
    assert result["changed"] is False
    assert writes(result) == []
    assert "validation" not in result
    assert result["diff"]["before"] == result["diff"]["after"]
    assert result["dns_records"] == [{"name": "o1.email.example.com", "type": "A", "value": IP}]


def test_omitted_subdomain_accepts_the_existing_one(run):
    result = run(module, {"ip": IP, "domain": "example.com"}, [lookup(answer=[entry(subdomain="mail")])])
    assert result["changed"] is False
    assert result["reverse_dns"]["subdomain"] == "mail"


def test_empty_subdomain_means_none(run):
    result = run(module, {"ip": IP, "domain": "example.com", "subdomain": ""}, [lookup(answer=[entry(subdomain="")])])
    assert result["changed"] is False


# -- conflicts and replace --------------------------------------------------------------------------


def test_conflict_without_replace_fails_and_names_fields(run):
    result = run(module, {"ip": IP, "domain": "example.org", "subdomain": "mail"}, [lookup(answer=[entry()])])
    assert result["failed"] is True
    assert result["changed"] is False
    assert writes(result) == []
    assert result["differences"] == ["domain", "subdomain"]
    # The one wording of the plan for every resource (issue 17): each field with its value and the wanted one.
    assert "cannot be changed in place: domain (is 'example.com', wanted 'example.org'), subdomain (is 'email', wanted 'mail')" in result["msg"]
    assert "set replace=true" in result["msg"]
    assert result["reverse_dns"]["rdns"] == "o1.email.example.com"


def test_conflict_on_subdomain_only_names_only_subdomain(run):
    result = run(module, dict(PRESENT, subdomain="mail"), [lookup(answer=[entry()])])
    assert result["failed"] is True
    assert result["differences"] == ["subdomain"]
    assert " domain (is" not in result["msg"] and "subdomain (is 'email', wanted 'mail')" in result["msg"]


def test_replace_deletes_and_creates(run):
    new = entry(domain="example.org", subdomain="mail", record_id=12, number=2)
    result = run(
        module,
        {"ip": IP, "domain": "example.org", "subdomain": "mail", "replace": True},
        [
            lookup(answer=[entry(valid=True)]),
            Call("DELETE", RDNS + "/11", 204),
            create_call(new, domain="example.org", subdomain="mail"),
        ],
        diff=True,
    )
    assert result["changed"] is True
    assert result["reverse_dns"]["id"] == 12
    assert result["dns_record"] == {"name": "o2.mail.example.org", "type": "A", "value": IP}
    assert result["diff"] == {
        "before": {"ip": IP, "domain": "example.com", "subdomain": "email", "rdns": "o1.email.example.com", "valid": True},
        "after": {"ip": IP, "domain": "example.org", "subdomain": "mail", "rdns": "o2.mail.example.org", "valid": False},
    }


def test_replace_create_failure_says_the_old_one_is_gone(run):
    error = {"errors": [{"field": "domain", "message": "invalid domain"}]}
    result = run(
        module,
        {"ip": IP, "domain": "example.org", "subdomain": "mail", "replace": True},
        [
            lookup(answer=[entry()]),
            Call("DELETE", RDNS + "/11", 204),
            Call("POST", RDNS, 400, error, body={"ip": IP, "domain": "example.org", "subdomain": "mail"}),
            # A refused create is checked by a read (a parallel run may have made it): there is none.
            lookup(),
        ],
    )
    assert result["failed"] is True
    assert result["changed"] is True
    assert result["msg"] == (
        "SendGrid API request POST /v3/whitelabel/ips failed with HTTP 400: domain: invalid domain "
        "(the previous reverse DNS o1.email.example.com of IP 192.0.2.10 was already deleted)"
    )


def test_replace_without_difference_is_no_change(run):
    result = run(module, dict(PRESENT, replace=True), [lookup(answer=[entry()])])
    assert result["changed"] is False


def test_replace_in_check_mode_writes_nothing(run):
    result = run(
        module,
        {"ip": IP, "domain": "example.org", "subdomain": "mail", "replace": True, "validate": True},
        [lookup(answer=[entry(valid=True)])],
        check_mode=True,
        diff=True,
    )
    assert result["changed"] is True
    assert writes(result) == []
    assert result["reverse_dns"]["domain"] == "example.org"
    assert result["reverse_dns"]["rdns"] is None
    assert result["dns_records"] == []
    assert result["validation"]["skipped"] is True
    assert result["diff"]["before"]["rdns"] == "o1.email.example.com"
    assert result["diff"]["after"] == {"ip": IP, "domain": "example.org", "subdomain": "mail", "rdns": None, "valid": False}


# -- legacy -----------------------------------------------------------------------------------------


def test_legacy_record_is_reported_not_rewritten(run, warnings):
    result = run(module, PRESENT, [lookup(answer=[entry(legacy=True, valid=True)])])
    assert result["changed"] is False
    assert writes(result) == []
    assert result["reverse_dns"]["legacy"] is True
    assert len(warnings) == 1 and "legacy" in warnings[0] and "o1.email.example.com" in warnings[0]


def test_legacy_record_conflict_without_replace_fails(run, warnings):
    result = run(module, dict(PRESENT, domain="example.org"), [lookup(answer=[entry(legacy=True)])])
    assert result["failed"] is True
    assert writes(result) == []


def test_legacy_record_replaced_only_with_replace_and_a_warning(run, warnings):
    result = run(
        module,
        dict(PRESENT, domain="example.org", replace=True),
        [
            lookup(answer=[entry(legacy=True)]),
            Call("DELETE", RDNS + "/11", 204),
            create_call(entry(domain="example.org", record_id=12, number=2), domain="example.org"),
        ],
    )
    assert result["changed"] is True
    assert result["reverse_dns"]["legacy"] is False
    assert len(warnings) == 1 and "replacing the legacy" in warnings[0]


# -- delete -----------------------------------------------------------------------------------------


def test_delete(run):
    result = run(module, {"ip": IP, "state": "absent"}, [lookup(answer=[entry()]), Call("DELETE", RDNS + "/11", 204)], diff=True)
    assert result["changed"] is True
    assert result["reverse_dns"] == {}
    assert result["dns_records"] == []
    assert result["diff"]["after"] == {}
    assert result["diff"]["before"]["rdns"] == "o1.email.example.com"


def test_delete_of_missing_is_no_change(run):
    result = run(module, {"ip": IP, "state": "absent"}, [lookup()])
    assert result["changed"] is False
    assert result["reverse_dns"] == {}


def test_delete_already_gone_between_read_and_delete(run):
    gone = {"errors": [{"message": "Reverse DNS record not found."}]}
    result = run(module, {"ip": IP, "state": "absent"}, [lookup(answer=[entry()]), Call("DELETE", RDNS + "/11", 404, gone)])
    assert result.get("failed") is not True


def test_delete_refuses_when_named_domain_differs(run):
    result = run(module, {"ip": IP, "domain": "example.org", "state": "absent"}, [lookup(answer=[entry()])])
    assert result["failed"] is True
    assert writes(result) == []
    assert "not deleted" in result["msg"] and "example.org" in result["msg"]


def test_delete_with_matching_domain(run):
    result = run(module, dict(PRESENT, state="absent"), [lookup(answer=[entry()]), Call("DELETE", RDNS + "/11", 204)])
    assert result["changed"] is True


def test_delete_in_check_mode_writes_nothing(run):
    result = run(module, {"ip": IP, "state": "absent"}, [lookup(answer=[entry()])], check_mode=True)
    assert result["changed"] is True
    assert writes(result) == []
    assert result["reverse_dns"] == {}


# -- validation -------------------------------------------------------------------------------------


def test_create_and_validate_success(run):
    result = run(
        module,
        dict(PRESENT, validate=True),
        [lookup(), create_call(entry()), validate_call(validation(True))],
        diff=True,
    )
    assert result["changed"] is True
    assert result["reverse_dns"]["valid"] is True
    assert result["validation"].pop("waited") >= 0  # seconds this run waited for SendGrid's answers
    assert result["validation"] == {"valid": True, "results": {"a_record": {"valid": True, "reason": None}}, "attempts": 1}
    assert result["diff"]["after"]["valid"] is True


def test_validate_existing_until_valid(run, clock):
    result = run(
        module,
        dict(PRESENT, validate=True, validate_timeout=60, validate_delay=5),
        [
            lookup(answer=[entry()]),
            validate_call(validation(False, REASON)),
            validate_call(validation(True)),
        ],
        diff=True,
    )
    assert result["changed"] is True
    assert result["validation"]["attempts"] == 2
    assert clock == [5]
    assert result["diff"]["before"]["valid"] is False
    assert result["diff"]["after"]["valid"] is True


def test_validate_timeout_fails_with_reason(run, clock):
    result = run(
        module,
        dict(PRESENT, validate=True, validate_timeout=20, validate_delay=10),
        [lookup(answer=[entry()])] + [validate_call(validation(False, REASON))] * 3,
    )
    assert result["failed"] is True
    assert result["changed"] is False
    assert clock == [10, 10]
    assert "not valid after 3 validation attempt(s)" in result["msg"]
    assert "a_record: " + REASON in result["msg"]
    assert result["validation"]["results"]["a_record"] == {"valid": False, "reason": REASON}
    # The failure still says what to publish.
    assert result["dns_record"] == {"name": "o1.email.example.com", "type": "A", "value": IP}
    assert result["reverse_dns"]["id"] == 11


def test_validate_timeout_warns_with_reason(run, clock, warnings):
    result = run(
        module,
        dict(PRESENT, validate=True, validate_timeout=20, validate_delay=10, validate_failure="warn"),
        [lookup()] + [create_call(entry())] + [validate_call(validation(False, REASON))] * 3,
    )
    assert result.get("failed") is not True
    assert result["changed"] is True  # it was created
    assert result["reverse_dns"]["valid"] is False
    assert result["validation"]["attempts"] == 3
    # The 20 s wait is said (issue 16, item 8), then why the record is not valid.
    assert result["validation"]["waited"] == 20.0
    assert len(warnings) == 2 and warnings[0].startswith("waited 20 s for SendGrid to validate reverse DNS") and REASON in warnings[1]


def test_validate_once_when_timeout_is_zero(run, clock):
    result = run(
        module,
        dict(PRESENT, validate=True, validate_failure="warn"),
        [lookup(answer=[entry()]), validate_call(validation(False, REASON))],
    )
    assert result["validation"]["attempts"] == 1
    assert clock == []


def test_validate_is_retried_on_server_error(run):
    result = run(
        module,
        dict(PRESENT, validate=True),
        [
            lookup(answer=[entry()]),
            Call("POST", RDNS + "/11/validate", 500, {"errors": [{"message": "internal error getting rDNS"}]}),
            validate_call(validation(True)),
        ],
    )
    assert result["reverse_dns"]["valid"] is True


# -- check mode -------------------------------------------------------------------------------------


def test_check_mode_create_predicts_and_writes_nothing(run):
    result = run(module, dict(PRESENT, validate=True), [lookup()], check_mode=True, diff=True)
    assert result["changed"] is True
    assert writes(result) == []
    assert result["reverse_dns"] == {
        "id": None,
        "ip": IP,
        "rdns": None,
        "domain": "example.com",
        "subdomain": "email",
        "valid": False,
        "legacy": False,
        "users": [],
    }
    assert result["dns_record"] == {} and result["dns_records"] == []
    assert result["validation"]["skipped"] is True
    assert "would be asked to validate" in result["validation"]["msg"]
    assert result["diff"] == {
        "before": {},
        "after": {"ip": IP, "domain": "example.com", "subdomain": "email", "rdns": None, "valid": False},
    }


def test_check_mode_validation_of_existing_is_skipped_and_counts_as_a_change(run):
    result = run(module, dict(PRESENT, validate=True), [lookup(answer=[entry()])], check_mode=True)
    assert writes(result) == []
    assert result["changed"] is True  # the real run would send the validation request
    assert result["validation"]["skipped"] is True
    assert "o1.email.example.com" in result["validation"]["msg"]
    assert result["reverse_dns"]["valid"] is False


def test_check_mode_no_change(run):
    result = run(module, PRESENT, [lookup(answer=[entry(valid=True)])], check_mode=True)
    assert result["changed"] is False


# -- input validation -------------------------------------------------------------------------------


@pytest.mark.parametrize("ip", ["256.1.1.1", "1.2.3", "2001:db8::1", "", "192.0.2.10/32"])
def test_bad_ip_fails_before_any_request(run, ip):
    result = run(module, dict(PRESENT, ip=ip), [])
    assert result["failed"] is True
    assert "ip must be an IPv4 address" in result["msg"]


@pytest.mark.parametrize("domain", ["example", "exa mple.com", "-bad.example.com", "under_score.com", "a" * 64 + ".com"])
def test_bad_domain_fails_before_any_request(run, domain):
    result = run(module, dict(PRESENT, domain=domain), [])
    assert result["failed"] is True
    assert result["msg"].startswith("domain ")


def test_bad_subdomain_fails_before_any_request(run):
    result = run(module, dict(PRESENT, subdomain="bad_label"), [])
    assert result["failed"] is True
    assert result["msg"].startswith("subdomain ")


def test_domain_required_when_present(run):
    result = run(module, {"ip": IP}, [])
    assert result["failed"] is True
    assert "domain" in result["msg"]


def test_negative_validate_timeout_fails_before_any_request(run):
    result = run(module, dict(PRESENT, validate=True, validate_timeout=-1), [])
    assert result["failed"] is True
    assert "validate_timeout" in result["msg"]


# -- lookup ------------------------------------------------------------------------------------------


def test_prefix_match_is_not_the_ip(run):
    """ip=1.2.3.4 is a prefix search: the entry of 1.2.3.40 must not be taken for it."""
    other = entry(ip="1.2.3.40", record_id=5, valid=True)
    result = run(
        module,
        dict(PRESENT, ip="1.2.3.4"),
        [lookup(ip="1.2.3.4", answer=[other]), create_call(entry(ip="1.2.3.4", record_id=12, number=2), ip="1.2.3.4")],
    )
    assert result["changed"] is True
    assert result["reverse_dns"]["ip"] == "1.2.3.4"


def test_prefix_match_delete_does_not_touch_the_other_ip(run):
    result = run(module, {"ip": "1.2.3.4", "state": "absent"}, [lookup(ip="1.2.3.4", answer=[entry(ip="1.2.3.40", record_id=5)])])
    assert result["changed"] is False
    assert writes(result) == []


def test_exact_ip_found_among_prefix_matches(run):
    answer = [entry(ip="1.2.3.40", record_id=5), entry(ip="1.2.3.4", record_id=6, valid=True), entry(ip="1.2.3.41", record_id=7)]
    result = run(module, dict(PRESENT, ip="1.2.3.4"), [lookup(ip="1.2.3.4", answer=answer)])
    assert result["changed"] is False
    assert result["reverse_dns"]["id"] == 6


def test_next_page_only_when_needed(run):
    full_page = [entry(ip="10.0.%d.%d" % (n // 250, n % 250 + 1), record_id=100 + n) for n in range(500)]
    result = run(
        module,
        dict(PRESENT, ip="10.0.9.1"),
        [
            lookup(ip="10.0.9.1", answer=full_page),
            lookup(ip="10.0.9.1", answer=[entry(ip="10.0.9.1", record_id=9, valid=True)], offset=500),
        ],
    )
    assert result["changed"] is False
    assert result["reverse_dns"]["id"] == 9


def test_found_on_a_full_first_page_reads_no_further(run):
    full_page = [entry(ip="10.0.%d.%d" % (n // 250, n % 250 + 1), record_id=100 + n, valid=True) for n in range(500)]
    result = run(module, dict(PRESENT, ip="10.0.0.1"), [lookup(ip="10.0.0.1", answer=full_page)])
    assert result["changed"] is False
    assert result["reverse_dns"]["id"] == 100


# -- connection, errors -----------------------------------------------------------------------------


def test_on_behalf_of_header_sent_on_every_request(run):
    result = run(module, dict(PRESENT, on_behalf_of="sub-marketing"), [lookup(), create_call(entry())])
    assert [h.get("on-behalf-of") for h in result["_request_headers"]] == ["sub-marketing", "sub-marketing"]


def test_no_on_behalf_of_header_by_default(run):
    result = run(module, PRESENT, [lookup(answer=[entry()])])
    assert "on-behalf-of" not in result["_request_headers"][0]


def test_create_error_names_method_path_status_and_message(run):
    error = {"errors": [{"field": "ip", "message": "IP address 192.0.2.10 not found on this account"}]}
    result = run(module, PRESENT, [lookup(), Call("POST", RDNS, 400, error, body={"ip": IP, "domain": "example.com", "subdomain": "email"}), lookup()])
    assert result["failed"] is True
    assert result["changed"] is False
    assert result["msg"] == "SendGrid API request POST /v3/whitelabel/ips failed with HTTP 400: ip: IP address 192.0.2.10 not found on this account"
    assert API_KEY not in repr(result)


@pytest.mark.parametrize(
    "message",
    ["a reverse DNS record already exists for IP 192.0.2.10", "Duplicate entry", "whitelabel exists", "conflict"],
)
def test_create_refused_because_a_parallel_run_made_it_continues_with_that_one(run, message):
    # The read decides, whatever SendGrid's wording: the record the task asks for exists now.
    error = {"errors": [{"field": None, "message": message}]}
    result = run(
        module,
        PRESENT,
        [lookup(), Call("POST", RDNS, 400, error, body={"ip": IP, "domain": "example.com", "subdomain": "email"}), lookup(answer=[entry()])],
    )
    assert not result.get("failed") and result["changed"] is False
    assert result["reverse_dns"]["id"] == 11


@pytest.mark.parametrize("answer", [{}, [], {"ip": IP}])
def test_create_answer_without_an_id_is_an_unknown_outcome_read_again(run, answer):
    body = {"ip": IP, "domain": "example.com", "subdomain": "email"}
    found = run(module, PRESENT, [lookup(), Call("POST", RDNS, 201, answer, body=body), lookup(answer=[entry()])])
    assert not found.get("failed") and found["changed"] is True and found["reverse_dns"]["id"] == 11
    missing = run(module, PRESENT, [lookup(), Call("POST", RDNS, 201, answer, body=body), lookup()])
    assert missing["failed"] is True
    assert "POST /v3/whitelabel/ips failed with HTTP 201" in missing["msg"] and "outcome is unknown" in missing["msg"]
    assert "None" not in missing["msg"]


def test_create_server_error_rereads_and_finds_it_created(run):
    result = run(
        module,
        PRESENT,
        [
            lookup(),
            Call("POST", RDNS, 500, {"errors": [{"message": "internal error"}]}, body={"ip": IP, "domain": "example.com", "subdomain": "email"}),
            lookup(answer=[entry()]),
        ],
    )
    assert result.get("failed") is not True
    assert result["changed"] is True
    assert result["reverse_dns"]["id"] == 11


def test_create_server_error_not_created_fails_unchanged(run):
    result = run(
        module,
        PRESENT,
        [
            lookup(),
            Call("POST", RDNS, 500, {"errors": [{"message": "internal error"}]}, body={"ip": IP, "domain": "example.com", "subdomain": "email"}),
            lookup(),
        ],
    )
    assert result["failed"] is True
    assert result["changed"] is False
    assert "POST /v3/whitelabel/ips failed with HTTP 500: internal error" in result["msg"]


# -- SendGrid's own naming without a subdomain (issue 15) -------------------------------------------


def test_a_record_sendgrid_named_o1_ptr_is_what_no_subdomain_means_no_churn(run):
    # Made without a subdomain, SendGrid answers o1.ptr123.example.com with subdomain ptr123 (its support article).
    named = entry(subdomain="ptr123")
    for subdomain in ("", "ptr123"):
        result = run(module, {"ip": IP, "domain": "example.com", "subdomain": subdomain, "replace": True}, [lookup(answer=[named])])
        assert result["changed"] is False and writes(result) == [], subdomain
    omitted = run(module, {"ip": IP, "domain": "example.com"}, [lookup(answer=[named])])
    assert omitted["changed"] is False


def test_a_chosen_subdomain_still_differs_from_another_one_the_task_sets(run):
    result = run(module, {"ip": IP, "domain": "example.com", "subdomain": "email"}, [lookup(answer=[entry(subdomain="ptr123")])])
    assert result["failed"] is True and "ptr123" in result["msg"]
