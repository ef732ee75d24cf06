# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Requests are checked against SendGrid's OpenAPI files; violations are 400 and logged."""

from __future__ import annotations

import pathlib

import pytest

from tests.simulator.spec import SpecValidator, apply_nullable

OPENAPI_DIR = pathlib.Path(__file__).resolve().parents[3] / "shared" / "openapi"
needs_spec = pytest.mark.skipif(not OPENAPI_DIR.is_dir(),
                                reason="SendGrid's OpenAPI files are not beside the checkout")


def assert_violation(simulator, response, field):
    assert response.status_code == 400, response.text
    error = response.json()["errors"][0]
    assert error["field"] == field
    entry = simulator.requests()[-1]
    assert entry["spec_violation"] == error
    assert simulator.violations()[-1]["field"] == field


@needs_spec
@pytest.mark.parametrize("method, path, body, params, field", [
    ("POST", "/v3/ips/pools", {"name": 5}, None, "name"),
    ("POST", "/v3/ips/pools", {"name": "n" * 65}, None, "name"),
    ("POST", "/v3/whitelabel/domains", {"subdomain": "mail"}, None, "domain"),
    ("POST", "/v3/whitelabel/domains", {"domain": "example.com", "ips": "192.0.2.1"}, None,
     "ips"),
    ("POST", "/v3/whitelabel/links", {"domain": "example.com", "region": "global"}, None,
     "region"),
    ("POST", "/v3/ips", {"count": "two"}, None, "count"),
    ("GET", "/v3/ips", None, {"limit": "abc"}, "limit"),
    ("GET", "/v3/whitelabel/links", None, {"sort": "id"}, "sort"),
    ("GET", "/v3/ips", None, {"sort_by_direction": "sideways"}, "sort_by_direction"),
    ("GET", "/v3/ips", None, {"offset": "-1"}, "offset"),
    ("GET", "/v3/whitelabel/domains", None, {"exclude_subusers": "maybe"}, "exclude_subusers"),
    ("GET", "/v3/whitelabel/domains/subuser", None, None, "username"),
    ("POST", "/v3/whitelabel/domains/abc/validate", None, None, "id"),
    # Fields the files forget to require (README "Known problems").
    ("PUT", "/v3/ips/pools/p", {}, None, "name"),
    ("POST", "/v3/ips/pools/p/ips", {}, None, "ip"),
    ("POST", "/v3/whitelabel/links/1/subuser", {}, None, "username"),
    ("DELETE", "/v3/whitelabel/domains/1/subuser", None, None, "username"),
])
def test_violations(simulator, api, method, path, body, params, field):
    assert_violation(simulator, api.call(method, path, json=body, params=params), field)


@needs_spec
def test_invalid_json_is_flagged(simulator, api):
    broken = api.session.post(simulator.url("/v3/ips/pools"), data="{broken", timeout=5)
    assert broken.status_code == 400
    assert simulator.requests()[-1]["spec_violation"]["message"] == \
        "request body is not valid JSON"


@needs_spec
def test_legal_requests_are_not_flagged_where_the_files_are_buggy(simulator, api):
    simulator.add_ips(["192.0.2.1"])
    domain = api.post("/v3/whitelabel/domains", json={"domain": "example.com"}).json()
    link = api.post("/v3/whitelabel/links", json={"domain": "example.com"}).json()
    rdns = api.post("/v3/whitelabel/ips", json={"ip": "192.0.2.1", "domain": "example.com"})
    # Id path parameters typed string in some operations and integer in others.
    assert api.get(f"/v3/whitelabel/domains/{domain['id']}").status_code == 200
    assert api.post(f"/v3/whitelabel/domains/{domain['id']}/validate").status_code == 200
    assert api.get(f"/v3/whitelabel/ips/{rdns.json()['id']}").status_code == 200
    # Email DNS records with only one of the two ids the files mark required.
    assert api.post("/v3/whitelabel/dns/email", json={"link_id": link["id"],
                                                      "email": "a@example.com"}).status_code \
        == 204
    assert api.get("/v3/ips", params={"exclude_whitelabels": "true", "limit": 500,
                                      "offset": 0, "sort_by_direction": "desc"}).status_code \
        == 200
    assert simulator.violations() == []


def test_offset_on_the_link_list_is_tolerated_and_recorded_as_a_deliberate_difference(simulator, api):
    # SendGrid ignores unknown parameters; the modules send offset only to read on after a possibly capped page.
    assert api.get("/v3/whitelabel/links", params={"limit": 3000, "offset": 12}).status_code == 200
    assert simulator.violations() == []


def test_without_the_openapi_files_nothing_is_flagged(tmp_path):
    from tests.simulator.control import start_simulator

    from .helpers import Api
    with start_simulator("SG.k", openapi_dir=str(tmp_path / "missing")) as sim:
        api = Api(sim)
        # The handler still refuses what SendGrid refuses, but it is not a spec violation.
        assert api.post("/v3/ips/pools", json={"name": "n" * 65}).status_code == 400
        assert api.get("/v3/whitelabel/links", params={"offset": 0}).status_code == 200
        assert sim.violations() == []


def test_nullable_means_also_null():
    schema = apply_nullable({"type": "object", "properties": {
        "reason": {"type": "string", "nullable": True},
        "kind": {"type": "string", "enum": ["a"], "nullable": True}}})
    assert schema["properties"]["reason"] == {"type": ["string", "null"]}
    assert schema["properties"]["kind"]["enum"] == ["a", None]


@needs_spec
def test_every_simulated_route_is_in_the_files():
    """A route the files do not describe would silently skip validation."""
    from tests.simulator.server import SimulatorApp
    app = SimulatorApp("SG.x", OPENAPI_DIR)
    assert isinstance(app.spec, SpecValidator)
    for route in app.router.routes:
        path = "/" + "/".join("1" if s.startswith("{") else s for s in route.segments)
        op, dummy = app.spec.find(route.method, path)
        assert op is not None and op.template == route.template, (route.method, route.template)
