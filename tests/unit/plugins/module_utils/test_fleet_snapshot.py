# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""AccountSnapshot: which write keeps a list read before it, and which makes the next lookup read it again."""

from __future__ import annotations

import pytest

from ansible_collections.mailops.sendgrid.plugins.module_utils._api import APIError
from ansible_collections.mailops.sendgrid.plugins.module_utils._fleet import AccountSnapshot

LINKS = "/v3/whitelabel/links"


class FakeClient:
    def __init__(self, error=None):
        self.reads = 0
        self.error = error

    def paginate(self, path, query=None, report=None, **options):
        self.reads += 1
        return [{"id": 7, "domain": "a.example.com"}, {"id": 8, "domain": "b.example.com"}]

    def request(self, method, path, **kwargs):
        if self.error is not None:
            raise self.error
        return None


def links_after(method, path, error=None):
    """(list reads, ids the next lookup sees) after ``method path`` between two lookups."""
    client = FakeClient(error)
    snapshot = AccountSnapshot(client)
    snapshot.paginate(LINKS, limit=3000)
    try:
        snapshot.request(method, path)
    except APIError:
        pass
    ids = [item["id"] for item in snapshot.paginate(LINKS, limit=3000)]
    return client.reads, ids


def test_a_confirmed_delete_of_one_listed_object_takes_it_out_without_reading_again():
    assert links_after("DELETE", LINKS + "/7") == (1, [8])


@pytest.mark.parametrize("method, path", [
    ("DELETE", LINKS + "/subuser"),  # a disassociation: a step of the endpoint, not an object
    ("DELETE", LINKS + "/7/ips"),
    ("PATCH", LINKS + "/7"),
    ("POST", LINKS),
])
def test_any_other_write_makes_the_next_lookup_read_the_list_again(method, path):
    assert links_after(method, path) == (2, [7, 8])


def test_a_delete_whose_answer_was_an_error_makes_the_next_lookup_read_again():
    error = APIError("DELETE", LINKS + "/7", 500, [{"field": None, "message": "boom"}])
    assert links_after("DELETE", LINKS + "/7", error) == (2, [7, 8])


@pytest.mark.parametrize("verb", ["put", "patch", "delete"])
def test_the_client_verbs_go_through_the_snapshot_too(verb):
    client = FakeClient()
    snapshot = AccountSnapshot(client)
    snapshot.paginate(LINKS, limit=3000)
    getattr(snapshot, verb)(LINKS + "/7")
    snapshot.paginate(LINKS, limit=3000)
    assert client.reads == (1 if verb == "delete" else 2)
