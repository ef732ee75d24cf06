# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A write answered 2xx with a body that is not JSON was carried out (found by the reliability suite's fault
matrix: such a create used to fail with changed=false although the object existed). It counts as a change, and
a creating write reads again to learn the outcome, as after a lost answer."""

from __future__ import annotations

import pytest

from ansible_collections.mailops.sendgrid.plugins.module_utils._api import APIError, NetworkError
from ansible_collections.mailops.sendgrid.plugins.module_utils._module import refused, SendGridResource


def unreadable(status=201):
    return APIError("POST", "/v3/things", status, [{"field": None, "message": "the response body is not JSON: '<html>'"}])


@pytest.mark.parametrize(
    "exc, answer",
    [
        (APIError("POST", "/v3/things", 400, []), True),
        (APIError("POST", "/v3/things", 404, []), True),
        (APIError("POST", "/v3/things", 429, []), True),
        (APIError("POST", "/v3/things", 500, []), False),
        (unreadable(200), False),
        (unreadable(201), False),
        (NetworkError("lost"), False),
    ],
)
def test_refused(exc, answer):
    assert refused(exc) is answer


class Client:
    def __init__(self, exc):
        self.exc = exc

    def request(self, *args, **kwargs):
        raise self.exc


class Module:
    def __init__(self, exc):
        self.params = {}
        self.client = Client(exc)
        self.check_mode = False


def test_an_unreadable_2xx_answer_counts_as_a_change():
    res = SendGridResource(Module(unreadable()))
    with pytest.raises(APIError):
        res.write("PATCH", "/v3/things/1", {"default": True})
    assert res.changed is True


def test_a_create_with_an_unreadable_answer_is_read_again():
    res = SendGridResource(Module(unreadable()))
    assert res.write_or_reread("POST", "/v3/things", {"name": "a"}, lambda: {"id": 7}) == {"id": 7}
    assert res.changed is True
