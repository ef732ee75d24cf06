# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A thin ``requests`` wrapper so each test reads as the API call it makes."""

from __future__ import annotations

import requests


class Api:
    def __init__(self, sim, key=None, on_behalf_of=None):
        self.sim = sim
        self.session = requests.Session()
        self.session.headers.update(sim.auth_headers(on_behalf_of=on_behalf_of, api_key=key))

    def call(self, method, path, json=None, params=None, headers=None):
        return self.session.request(method, self.sim.url(path), json=json, params=params,
                                    headers=headers, timeout=10)

    def get(self, path, **kw):
        return self.call("GET", path, **kw)

    def post(self, path, json=None, **kw):
        return self.call("POST", path, json=json, **kw)

    def put(self, path, json=None, **kw):
        return self.call("PUT", path, json=json, **kw)

    def patch(self, path, json=None, **kw):
        return self.call("PATCH", path, json=json, **kw)

    def delete(self, path, **kw):
        return self.call("DELETE", path, **kw)


def error(message, field=None):
    return {"errors": [{"field": field, "message": message}]}


def messages(response):
    return " ".join(e.get("message") or "" for e in response.json().get("errors", []))
