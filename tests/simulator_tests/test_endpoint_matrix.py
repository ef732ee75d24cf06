# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""401, 403 and 429 on every simulated endpoint, whatever its own errors are."""

from __future__ import annotations

import pytest
import requests

from tests.simulator import domains, ips, links, reverse_dns, subusers

from .helpers import Api, error

ROUTES = ips.ROUTES + reverse_dns.ROUTES + domains.ROUTES + links.ROUTES + subusers.ROUTES
SAMPLE = {"ip_address": "192.0.2.1", "ip": "192.0.2.1", "pool_name": "p"}


def concrete(route):
    return "/" + "/".join(SAMPLE.get(s[1:-1], "1") if s.startswith("{") else s
                          for s in route.segments)


def route_id(route):
    return f"{route.method} {route.template}"


@pytest.mark.parametrize("route", ROUTES, ids=route_id)
def test_401_without_a_valid_key(simulator, route):
    response = requests.request(route.method, simulator.url(concrete(route)), json={},
                                headers={"Authorization": "Bearer SG.nope"}, timeout=5)
    assert response.status_code == 401
    assert response.json() == error("authorization required")


@pytest.mark.parametrize("route", ROUTES, ids=route_id)
def test_403_without_the_scope(simulator, route):
    simulator.add_api_key("SG.no-scopes", [])
    response = Api(simulator, key="SG.no-scopes").call(route.method, concrete(route), json={})
    assert response.status_code == 403
    assert response.json() == error("access forbidden")


@pytest.mark.parametrize("route", ROUTES, ids=route_id)
def test_429_over_the_rate_limit(simulator, route):
    simulator.set_rate_limit(1)
    api = Api(simulator)
    for _dummy in range(50):  # the second request in the same second is limited
        response = api.call(route.method, concrete(route), json={})
        if response.status_code == 429:
            break
    assert response.status_code == 429
    assert response.json() == error("too many requests")
