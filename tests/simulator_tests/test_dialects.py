# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Each dialect alone (tests/simulator/dialects.py): the alternative behaviour it plays, and that a reset
comes back to the default guesses."""

from __future__ import annotations

import time

import pytest

from tests.simulator import dialects
from tests.simulator.control import SimulatorError

IP = "203.0.113.10"


def test_the_control_api_sets_reads_and_refuses_dialects(simulator):
    assert simulator.control("GET", "dialect") == {"dialect": {}}
    assert simulator.set_dialect("page_cap=20,no_echo") == {"page_cap": 20, "no_echo": True}
    assert simulator.set_dialect("all") == {name: value for name, (value, _what) in dialects.DIALECTS.items()}
    with pytest.raises(SimulatorError, match="unknown dialect"):
        simulator.set_dialect({"page_kap": 3})
    with pytest.raises(SimulatorError, match="positive integer"):
        simulator.set_dialect({"page_cap": -1})
    simulator.reset()
    assert simulator.control("GET", "dialect") == {"dialect": {}}


def test_page_cap_cuts_every_list_and_the_link_list_then_pages(simulator, api):
    simulator.seed(domains=30, links=30, reverse_dns=30)
    simulator.set_dialect({"page_cap": 12})
    assert len(api.get("/v3/whitelabel/domains", params={"limit": 500}).json()) == 12
    assert len(api.get("/v3/whitelabel/ips", params={"limit": 500}).json()) == 12
    assert len(api.get("/v3/whitelabel/links", params={"limit": 3000}).json()) == 12
    assert len(api.get("/v3/whitelabel/links", params={"limit": 3000, "offset": 24}).json()) == 6


def test_without_page_cap_the_link_list_ignores_offset(simulator, api):
    simulator.seed(links=5)
    assert len(api.get("/v3/whitelabel/links", params={"limit": 3000, "offset": 3}).json()) == 5


def test_no_echo_and_ips_empty_on_create(simulator, api):
    simulator.add_ips([IP])
    simulator.set_dialect("no_echo,ips_empty_on_create")
    created = api.post("/v3/whitelabel/domains", json={"domain": "example.com", "subdomain": "em", "ips": [IP]}).json()
    assert created["ips"] == [] and "subusers" not in created
    assert api.get("/v3/whitelabel/domains/%d" % created["id"]).json()["ips"] == [IP]


def test_root_spf_adds_an_spf_record_at_the_domain_and_validates_it(simulator, api):
    simulator.set_dialect("root_spf")
    created = api.post("/v3/whitelabel/domains", json={"domain": "example.com", "subdomain": "em"}).json()
    assert created["dns"]["spf"] == {"valid": False, "type": "txt", "host": "example.com", "data": "v=spf1 include:sendgrid.net ~all"}
    assert "spf" in api.post("/v3/whitelabel/domains/%d/validate" % created["id"]).json()["validation_results"]


def test_ptr_naming_names_a_reverse_dns_without_subdomain_as_sendgrid_does(simulator, api):
    simulator.add_ips([IP])
    simulator.set_dialect("ptr_naming")
    created = api.post("/v3/whitelabel/ips", json={"ip": IP, "domain": "example.com"}).json()
    assert created["rdns"] == "o1.ptr6440.example.com" and created["subdomain"] == "ptr6440"


def test_alt_errors_word_the_undocumented_errors_otherwise(simulator, api):
    simulator.add_ips([IP])
    simulator.set_dialect("alt_errors")
    api.post("/v3/ips/pools", json={"name": "tx"})
    duplicate = api.post("/v3/ips/pools", json={"name": "tx"}).json()["errors"][0]["message"]
    assert duplicate == "A pool with the name tx exists already"
    api.post("/v3/ips/pools/tx/ips", json={"ip": IP})
    again = api.post("/v3/ips/pools/tx/ips", json={"ip": IP}).json()["errors"][0]["message"]
    assert again == "IP address %s is already assigned to the pool tx" % IP


def test_validation_lag_answers_invalid_for_k_requests(simulator, api):
    simulator.set_dialect({"validation_lag": 2})
    created = api.post("/v3/whitelabel/links", json={"domain": "example.com", "subdomain": "ln"}).json()
    simulator.add_dns([{"name": r["host"], "type": "CNAME", "value": r["data"]} for r in created["dns"].values()])
    answers = [api.post("/v3/whitelabel/links/%d/validate" % created["id"]).json()["valid"] for _n in range(3)]
    assert answers == [False, False, True]


def test_per_minute_windows_reset_at_the_next_minute(simulator, api):
    simulator.set_dialect("per_minute")
    reset = int(api.get("/v3/ips/pools").headers["X-RateLimit-Reset"])
    assert reset % 60 == 0 and 0 < reset - time.time() <= 60
