# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""SendGridResource.write_or_reread: a creating write is sent once; a lost answer is settled by reading again."""

from __future__ import annotations

import pytest

from ansible_collections.mailops.sendgrid.plugins.module_utils._api import APIError, NetworkError, Refusal, SendGridError
from ansible_collections.mailops.sendgrid.plugins.module_utils._module import SendGridResource


class FakeClient:
    def __init__(self, outcome):
        self.outcome = outcome
        self.requests = []

    def request(self, method, path, query=None, body=None, not_found_ok=False, retry_safe=None, accept_errors=()):
        # As SendGridClient.request: a declared 4xx comes back as a Refusal, anything else is raised.
        self.requests.append((method, path, query, body, retry_safe))
        if isinstance(self.outcome, APIError) and self.outcome.status in accept_errors and 400 <= self.outcome.status < 500:
            return Refusal(self.outcome)
        if isinstance(self.outcome, Exception):
            raise self.outcome
        return self.outcome


class FakeModule:
    def __init__(self, outcome, check_mode=False):
        self.params = {}
        self.client = FakeClient(outcome)
        self.check_mode = check_mode


def resource(outcome, check_mode=False, changed=False):
    res = SendGridResource(FakeModule(outcome, check_mode))
    res.changed = changed
    return res


class Reread:
    def __init__(self, found):
        self.found = found
        self.calls = 0

    def __call__(self):
        self.calls += 1
        return self.found


def server_error():
    return APIError("POST", "/v3/things", 500, [{"field": None, "message": "internal error"}])


def test_success_is_absorbed_and_not_reread():
    res = resource({"id": 1})
    reread = Reread({"id": 2})
    assert res.write_or_reread("POST", "/v3/things", {"name": "a"}, reread, absorb=lambda answer: dict(answer, seen=True)) == {"id": 1, "seen": True}
    assert res.changed is True
    assert reread.calls == 0
    assert res.client.requests == [("POST", "/v3/things", None, {"name": "a"}, False)]


def test_success_without_absorb_is_the_answer():
    res = resource({"id": 1})
    assert res.write_or_reread("POST", "/v3/things", {"name": "a"}, Reread(None)) == {"id": 1}


def test_check_mode_sends_nothing_and_absorbs_none():
    res = resource(AssertionError("no request in check mode"), check_mode=True)
    assert res.write_or_reread("POST", "/v3/things", {"name": "a"}, Reread(None), absorb=lambda answer: {"predicted": answer}) == {"predicted": None}
    assert res.changed is True
    assert res.client.requests == []


@pytest.mark.parametrize("changed", [False, True])
def test_refused_write_is_raised_without_reread(changed):
    res = resource(APIError("POST", "/v3/things", 400, [{"field": "name", "message": "bad"}]), changed=changed)
    reread = Reread({"id": 1})
    with pytest.raises(APIError) as info:
        res.write_or_reread("POST", "/v3/things", {"name": "a"}, reread)
    assert info.value.status == 400
    assert reread.calls == 0
    assert res.changed is changed


@pytest.mark.parametrize("error", [server_error(), NetworkError("POST /v3/things could not connect")])
def test_lost_answer_found_by_reread_is_a_change(error):
    res = resource(error)
    reread = Reread({"id": 7})
    assert res.write_or_reread("POST", "/v3/things", {"name": "a"}, reread, absorb=lambda answer: {"not": "used"}) == {"id": 7}
    assert reread.calls == 1
    assert res.changed is True
    assert len(res.client.requests) == 1


@pytest.mark.parametrize("changed", [False, True])
@pytest.mark.parametrize("error", [server_error(), NetworkError("POST /v3/things could not connect")])
def test_lost_answer_not_found_raises_the_write_error(error, changed):
    res = resource(error, changed=changed)
    reread = Reread(None)
    with pytest.raises(type(error)) as info:
        res.write_or_reread("POST", "/v3/things", {"name": "a"}, reread)
    assert info.value is error
    assert reread.calls == 1
    assert res.changed is changed  # earlier writes of the run still count


def test_when_the_read_after_a_lost_answer_fails_too_the_message_names_the_write():
    class Client:
        last_request = None

        def request(self, method, path, **kwargs):
            raise NetworkError("SendGrid API request POST /v3/things could not connect: refused", method=method, path=path)

    class Module:
        check_mode = False
        params = {}
        client = Client()

    resource = SendGridResource(Module())

    def reread():
        raise NetworkError("SendGrid API request GET /v3/things could not connect: refused", method="GET", path="/v3/things")

    with pytest.raises(SendGridError) as info:
        resource.write_or_reread("POST", "/v3/things", {"name": "x"}, reread)
    message = str(info.value)
    assert message.startswith("the outcome of POST /v3/things is unknown")
    assert "GET /v3/things could not connect" in message and resource.changed is True


@pytest.mark.parametrize("status", [400, 409, 422])
def test_a_conflict_found_by_reread_is_someone_elses_object_and_no_change(status):
    # A parallel run made the object first: the read decides, whatever SendGrid's words are.
    res = resource(APIError("POST", "/v3/things", status, [{"field": None, "message": "words nobody documented"}]))
    reread = Reread({"id": 7})
    assert res.write_or_reread("POST", "/v3/things", {"name": "a"}, reread, reread_refused=True) == {"id": 7}
    assert res.changed is False
    assert reread.calls == 1


def test_a_conflict_the_reread_does_not_explain_raises_the_refusal():
    refusal = APIError("POST", "/v3/things", 409, [{"field": None, "message": "taken"}])
    res = resource(refusal)
    with pytest.raises(APIError) as info:
        res.write_or_reread("POST", "/v3/things", {"name": "a"}, Reread(None), reread_refused=True)
    assert info.value is refusal
    assert res.changed is False


@pytest.mark.parametrize("status", [401, 403, 404])
def test_other_refusals_are_raised_without_a_read_even_when_conflicts_are_reread(status):
    res = resource(APIError("POST", "/v3/things", status, [{"field": None, "message": "no"}]))
    reread = Reread({"id": 7})
    with pytest.raises(APIError):
        res.write_or_reread("POST", "/v3/things", {"name": "a"}, reread, reread_refused=True)
    assert reread.calls == 0


@pytest.mark.parametrize("after_retry, changed", [(False, False), (True, True)])
def test_a_declared_refusal_is_no_change_unless_an_earlier_try_may_have_done_it(after_retry, changed):
    refusal = Refusal(APIError("POST", "/v3/things/1/members", 400, [{"field": None, "message": "already a member"}]), after_retry=after_retry)
    res = resource(refusal)
    res.client.request = lambda *args, **kwargs: refusal
    assert res.write("POST", "/v3/things/1/members", {"ip": "192.0.2.1"}, retry_safe=True, accept_errors=(400,)) is refusal
    assert res.changed is changed
