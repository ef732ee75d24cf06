# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The fault matrix: every request each module makes, times every fault, with the expected outcome.

A *scenario* is one module task with a prepared starting state; it makes a known list of requests
(*ops*). A *case* arms faults on some of those requests and runs the task once. The expected outcome
follows from how the collection treats a request (see docs/developing.md):

- ``read``: a GET, retried on 5xx and connection errors;
- ``write``: PUT/PATCH/DELETE, retried like reads (repeating them cannot duplicate anything);
- ``retry_post``: a POST that cannot create a second object (pool member add, validate, subuser
  association), retried like reads;
- ``create``: a creating POST, never repeated; after a 5xx or a lost answer the module reads again to
  learn whether the object exists;
- ``post``: a POST that is neither repeated nor re-read (adding an IP to an authenticated domain).

Every fault is armed once (``times: 1``). The faults a request survives are stacked on it, within the
client's retry budget, so one run shows it surviving each of them in turn (``cases_of``). A fault that must
fail the task gets a run of its own per request; those runs are chained so that each is also the re-run
of the one before it, and each chain ends with a run without faults (``chains``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Optional

IP_A = "203.0.113.10"
IP_B = "203.0.113.11"
DOMAIN = "example.com"
RATE_HEADERS = ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")
TIMEOUT = 1  # the modules' ``timeout`` in the matrix
DELAY = 1.5  # longer than TIMEOUT
COLLECTION = "mailops.sendgrid."


@dataclass(frozen=True)
class Op:
    method: str
    path: str  # a regular expression, anchored
    kind: str  # read, write, retry_post, create, post
    label: str  # how the doc names the request
    no_content: bool = False  # answered 204: there is no body to be "not JSON"

    @property
    def slug(self):
        return re.sub(r"[^A-Za-z0-9]+", "_", "%s %s" % (self.method, self.label.replace("/v3/", "/"))).strip("_")

    @property
    def retried(self):
        return self.kind in ("read", "write", "retry_post")


def op(method, label, kind, no_content=False):
    """``label`` is the request with ``{x}`` placeholders for path parameters."""
    regex = "^" + re.sub(r"\\\{[a-z_]+\\\}", "[^/]+", re.escape(label)) + "$"
    return Op(method, regex, kind, label, no_content)


@dataclass
class Scenario:
    module: str
    name: str
    args: dict
    ops: list
    setup: list = field(default_factory=list)
    changed: Optional[bool] = True  # expected ``changed`` when the task succeeds; None: read-only module
    check_state: Optional[Callable] = None  # state -> None (asserts), for managing modules
    check_result: Optional[Callable] = None  # result -> None (asserts), for info modules

    @property
    def info(self):
        return self.module.endswith("_info")


@dataclass(frozen=True)
class Fault:
    name: str
    spec: dict
    after_for_writes: bool = False  # armed "after" on writes (processed, then the answer is lost or late)
    writes_only: bool = False
    label: str = ""

    def armed(self, target):
        spec = dict(self.spec, method=target.method, path=target.path, times=1)
        if self.after_for_writes and target.kind != "read":
            spec["when"] = "after"
        return spec

    def when(self, target):
        return self.armed(target).get("when", "before")

    def applies(self, target):
        return not (self.writes_only and target.kind == "read")


FAULTS = [
    Fault("429_epoch", {"status": 429, "headers": {"X-RateLimit-Reset": "@epoch+1"}}, label="429, X-RateLimit-Reset as a Unix time"),
    Fault("429_seconds", {"status": 429, "headers": {"X-RateLimit-Reset": "1"}}, label="429, X-RateLimit-Reset in seconds"),
    Fault("429_bare", {"status": 429, "headers": {name: None for name in RATE_HEADERS}}, label="429 without rate-limit headers"),
    Fault("500", {"status": 500}, label="500"),
    Fault("502", {"status": 502}, label="502"),
    Fault("503", {"status": 503}, label="503"),
    Fault("timeout", {"action": "delay", "delay": DELAY, "when": "after"},
          label="answer %.1f s late (after processing), timeout=%s" % (DELAY, TIMEOUT)),
    Fault("drop_before", {"action": "drop"}, label="connection dropped before processing"),
    Fault("drop_after", {"action": "drop", "when": "after"}, label="connection dropped after processing (lost response)"),
    Fault("500_after", {"status": 500, "when": "after"}, writes_only=True, label="500 after processing (writes)"),
    Fault("not_json", {"action": "not_json"}, after_for_writes=True, label="body not JSON (writes: after processing)"),
    Fault("401", {"status": 401, "body": {"errors": [{"field": None, "message": "authorization required"}]}}, label="401"),
]
FAULTS_BY_NAME = {fault.name: fault for fault in FAULTS}

# Faults a request survives are stacked on it, one after the other, so that one run shows it surviving
# each in turn: every 429 (waited out, never counted as a retry), then as many of the faults that cost a
# retry as the client's retry budget allows (3; 1 for a POST that is not repeated but re-read).
FREE = ("429_epoch", "429_seconds", "429_bare")
COSTLY = ("500", "502", "503", "timeout", "drop_before", "drop_after", "500_after", "not_json")  # not_json: on a creating POST
RETRY_BUDGET = 3

# Known exceptions to the rules of ``expected``: (scenario, op slug, fault) -> (outcome, why, what the
# failure message says instead of the fault's status and message).
EXCEPTIONS: dict = {}


def expected(scenario, target, fault):
    """``ok`` (the task survives) or ``fail`` (it fails with a message naming the request)."""
    exception = EXCEPTIONS.get((scenario.name, target.slug, fault.name))
    if exception:
        return exception[0]
    if fault.name.startswith("429"):
        return "ok"
    if fault.name == "401":
        return "fail"
    if fault.name == "not_json":
        # A write answered 204 has no body to read: nothing is wrong with it. A creating POST whose answer
        # cannot be read was carried out: it is read again, as after a lost answer.
        return "ok" if fault.when(target) == "after" and (target.no_content or target.kind == "create") else "fail"
    if target.retried:
        return "ok"
    if target.kind == "create":
        # Re-read after the error: found when the server processed the POST.
        return "ok" if fault.when(target) == "after" else "fail"
    return "fail"  # post: neither repeated nor re-read


@dataclass
class Case:
    id: str
    scenario: Scenario
    arms: list  # [(Op, Fault)], armed in this order
    expect: str
    fresh: bool = True  # starts from the scenario's prepared state (else it goes on from the previous case)
    last: bool = True  # ends its chain of cases: the state must be right after it (see ``chains``)

    @property
    def targets(self):
        return list(dict.fromkeys(target for target, _fault in self.arms))

    @property
    def faults(self):
        return [fault.armed(target) for target, fault in self.arms]

    @property
    def fault_names(self):
        return list(dict.fromkeys(fault.name for _target, fault in self.arms))

    @property
    def converges(self):
        """Whether the case runs the task again without faults: after a failure, or when a processed
        request lost its answer (the server may hold more than the task saw)."""
        return not self.scenario.info and self.last and (self.expect == "fail" or any(f.when(t) == "after" for t, f in self.arms))


def costs_a_retry(target, fault):
    """Whether surviving ``fault`` uses up one of the request's retries (or the one re-read of a creating POST)."""
    return fault.name not in FREE and not (fault.name == "not_json" and target.retried)


def cases_of(scenario):
    """The survived faults stacked into as few runs as the retry budget allows; every other fault alone."""
    chunks = {}
    for target in scenario.ops:
        survived = [f for f in FAULTS if f.name not in FREE and f.applies(target) and expected(scenario, target, f) == "ok"]
        costly = [f for f in survived if costs_a_retry(target, f)]
        budget = RETRY_BUDGET if target.retried else 1
        chunks[target] = [costly[i:i + budget] for i in range(0, len(costly), budget)] or [[]]
        # A fault survived without a retry (a 204 whose body is not JSON) goes last, on the attempt that succeeds.
        free_after = [f for f in survived if not costs_a_retry(target, f)]
        chunks[target][0] = [FAULTS_BY_NAME[n] for n in FREE] + chunks[target][0] + free_after
    found = []
    for number in range(max(len(c) for c in chunks.values())):
        arms = [(target, fault) for target in scenario.ops if number < len(chunks[target]) for fault in chunks[target][number]]
        found.append(Case("%s-survive%d" % (scenario.name, number + 1), scenario, arms, "ok"))
    for chain in chains([(t, f) for t in scenario.ops for f in FAULTS if f.applies(t) and expected(scenario, t, f) == "fail"]):
        for number, (target, fault) in enumerate(chain):
            found.append(Case("%s-%s-%s" % (scenario.name, fault.name, target.slug), scenario, [(target, fault)], "fail",
                              fresh=number == 0, last=number == len(chain) - 1))
    # Faults no rule placed (a survived fault outside FREE and COSTLY) would go untested.
    placed = {(t, f.name) for case in found for t, f in case.arms}
    assert placed == {(t, f.name) for t in scenario.ops for f in FAULTS if f.applies(t)}, scenario.name
    return found


def chains(arms):
    """The faults that fail the task, one per run, in chains that start from the prepared state and end with one
    re-run without faults: each run of a chain is also the re-run of the one before it, up to its own fault.

    A chain walks the requests in the order the task sends them. A fault that stops a request before the server
    processes it leaves the request to be sent again by the next run; one that strikes after processing makes the
    next run skip the request (its work is done), so a request takes any number of the first kind and then at most
    one of the second per chain.
    """
    remaining = list(arms)
    found = []
    while remaining:
        chain = []
        for target in dict.fromkeys(t for t, _f in arms):
            mine = [(t, f) for t, f in remaining if t is target]
            chain += [(t, f) for t, f in mine if f.when(t) == "before"]
            chain += [(t, f) for t, f in mine if f.when(t) == "after"][:1]
        remaining = [arm for arm in remaining if arm not in chain]
        found.append(chain)
    return found


# -- state checks -------------------------------------------------------------------------------


def pools(state):
    return sorted((p["account"], p["name"], tuple(p["ips"])) for p in state["pools"])


def domains(state):
    return [d for d in state["domains"] if d["domain"] == DOMAIN]


def one(items, what):
    assert len(items) == 1, "expected exactly one %s, found %d: %r" % (what, len(items), items)
    return items[0]


def account(state, name):
    return one([a for a in state["accounts"] if a["username"] == name], "account %s" % name)


def check_domain(**want):
    def check(state):
        entry = one(domains(state), "authenticated domain")
        assert (entry["account"], entry["subdomain"]) == ("parent", "em"), entry
        for key, value in want.items():
            if key == "subusers":
                got = sorted(s["username"] for s in entry["subusers"])
            else:
                got = entry[key]
            assert got == value, "domain %s is %r, wanted %r" % (key, got, value)

    return check


def check_link(**want):
    def check(state):
        entry = one([link for link in state["links"] if link["domain"] == DOMAIN], "branded link")
        assert (entry["account"], entry["subdomain"]) == ("parent", "ln"), entry
        for key, value in want.items():
            if key == "associated":
                for name, linked in value.items():
                    got = account(state, name)["associated_link"]
                    assert (got == entry["id"]) is linked, "subuser %s uses link %r" % (name, got)
            else:
                assert entry[key] == value, "link %s is %r, wanted %r" % (key, entry[key], value)

    return check


def check_rdns(**want):
    def check(state):
        entry = one([r for r in state["reverse_dns"] if r["ip"] == IP_A], "reverse DNS of %s" % IP_A)
        assert (entry["account"], entry["domain"], entry["subdomain"]) == ("parent", DOMAIN, "email"), entry
        for key, value in want.items():
            assert entry[key] == value, "reverse DNS %s is %r, wanted %r" % (key, entry[key], value)

    return check


def check_none(kind):
    def check(state):
        assert state[kind] == [], "%s left: %r" % (kind, state[kind])

    return check


def check_warmup(on):
    def check(state):
        ip = one([i for i in state["ips"] if i["ip"] == IP_A], "IP %s" % IP_A)
        assert ip["warmup"] is on, ip

    return check


def no_duplicates(state):
    """Nothing anywhere exists twice (the simulator allows duplicate domains and links)."""
    keys = {
        "pools": lambda p: (p["account"], p["name"]),
        "domains": lambda d: (d["account"], d["domain"], d["subdomain"], d["username"]),
        "links": lambda link: (link["account"], link["domain"], link["subdomain"]),
        "reverse_dns": lambda r: (r["account"], r["ip"]),
    }
    for kind, key in keys.items():
        seen = [key(item) for item in state[kind]]
        duplicates = sorted({k for k in seen if seen.count(k) > 1})
        assert not duplicates, "duplicate %s: %r" % (kind, duplicates)


# -- the scenarios --------------------------------------------------------------------------------

POOL = COLLECTION + "sendgrid_ip_pool"
IP = COLLECTION + "sendgrid_ip"
RDNS = COLLECTION + "sendgrid_reverse_dns"
DOMAIN_AUTH = COLLECTION + "sendgrid_domain_auth"
LINK = COLLECTION + "sendgrid_link_branding"

D = "/v3/whitelabel/domains"
L = "/v3/whitelabel/links"
R = "/v3/whitelabel/ips"


def api(method, path, body=None):
    return {"api": [method, path, body] if body is not None else [method, path]}


PUBLISH = {"publish_dns": True}
RDNS_ARGS = {"ip": IP_A, "domain": DOMAIN, "subdomain": "email"}
DOMAIN_ARGS = {"domain": DOMAIN, "subdomain": "em"}
LINK_ARGS = {"domain": DOMAIN, "subdomain": "ln"}
A_POOL = [api("POST", "/v3/ips/pools", {"name": "tx"}), api("POST", "/v3/ips/pools/tx/ips", {"ip": IP_A})]
A_DOMAIN = [api("POST", D, dict(DOMAIN_ARGS))]
A_LINK = [api("POST", L, dict(LINK_ARGS))]
A_RDNS = [api("POST", R, dict(RDNS_ARGS))]
VALID_LINK = A_LINK + [PUBLISH, api("POST", L + "/{id}/validate")]


def ips_of(result):
    return sorted(item["ip"] for item in result["ips"])


def _check(condition, message):
    assert condition, message


SCENARIOS = [
    # sendgrid_ip_pool
    Scenario(POOL, "pool_create", {"name": "tx", "ips": [IP_A]},
             [op("GET", "/v3/ips/pools/{name}", "read"), op("GET", "/v3/ips", "read"), op("POST", "/v3/ips/pools", "create"),
              op("POST", "/v3/ips/pools/{name}/ips", "retry_post")],
             check_state=lambda s: _check(pools(s) == [("parent", "tx", (IP_A,))], pools(s))),
    Scenario(POOL, "pool_update", {"name": "old", "new_name": "new", "ips": [IP_A], "purge_ips": True},
             [op("PUT", "/v3/ips/pools/{name}", "write"), op("DELETE", "/v3/ips/pools/{name}/ips/{ip}", "write", no_content=True)],
             setup=[api("POST", "/v3/ips/pools", {"name": "old"}), api("POST", "/v3/ips/pools/old/ips", {"ip": IP_A}),
                    api("POST", "/v3/ips/pools/old/ips", {"ip": IP_B})],
             check_state=lambda s: _check(pools(s) == [("parent", "new", (IP_A,))], pools(s))),
    Scenario(POOL, "pool_delete", {"name": "tx", "state": "absent"}, [op("DELETE", "/v3/ips/pools/{name}", "write", no_content=True)],
             setup=[api("POST", "/v3/ips/pools", {"name": "tx"})], check_state=check_none("pools")),
    # sendgrid_ip
    Scenario(IP, "warmup_start", {"ip": IP_A, "warmup": True},
             [op("GET", "/v3/ips/{ip}", "read"), op("POST", "/v3/ips/warmup", "create")], check_state=check_warmup(True)),
    Scenario(IP, "warmup_stop", {"ip": IP_A, "warmup": False}, [op("DELETE", "/v3/ips/warmup/{ip}", "write", no_content=True)],
             setup=[api("POST", "/v3/ips/warmup", {"ip": IP_A})], check_state=check_warmup(False)),
    # sendgrid_reverse_dns
    Scenario(RDNS, "rdns_create", dict(RDNS_ARGS), [op("GET", R, "read"), op("POST", R, "create")],
             check_state=check_rdns(valid=False)),
    Scenario(RDNS, "rdns_validate", dict(RDNS_ARGS, validate=True), [op("POST", R + "/{id}/validate", "retry_post")],
             setup=A_RDNS + [PUBLISH], check_state=check_rdns(valid=True)),
    Scenario(RDNS, "rdns_delete", {"ip": IP_A, "state": "absent"}, [op("DELETE", R + "/{id}", "write", no_content=True)],
             setup=A_RDNS, check_state=check_none("reverse_dns")),
    # sendgrid_domain_auth
    Scenario(DOMAIN_AUTH, "domain_create", dict(DOMAIN_ARGS), [op("GET", D, "read"), op("POST", D, "create")],
             check_state=check_domain(valid=False)),
    Scenario(DOMAIN_AUTH, "domain_update",
             dict(DOMAIN_ARGS, default=True, ips=[IP_A], subusers=["acme"], purge_subusers=True),
             [op("GET", D + "/default", "read"), op("PATCH", D + "/{id}", "write"), op("POST", D + "/{id}/ips", "post"),
              op("DELETE", D + "/{id}/ips/{ip}", "write"), op("POST", D + "/{id}/subuser:add", "retry_post"),
              op("DELETE", D + "/{id}/subuser", "write", no_content=True)],
             setup=[api("POST", D, dict(DOMAIN_ARGS, ips=[IP_B])), PUBLISH, api("POST", D + "/{id}/validate"),
                    api("POST", D + "/{id}/subuser:add", {"username": "old"})],
             check_state=check_domain(default=True, ips=[IP_A], subusers=["acme"], valid=True)),
    Scenario(DOMAIN_AUTH, "domain_validate", dict(DOMAIN_ARGS, validate=True), [op("POST", D + "/{id}/validate", "retry_post")],
             setup=A_DOMAIN + [PUBLISH], check_state=check_domain(valid=True)),
    Scenario(DOMAIN_AUTH, "domain_delete", dict(DOMAIN_ARGS, state="absent"), [op("DELETE", D + "/{id}", "write", no_content=True)],
             setup=A_DOMAIN, check_state=check_none("domains")),
    # sendgrid_link_branding
    Scenario(LINK, "link_create", dict(LINK_ARGS), [op("GET", L, "read"), op("POST", L, "create")],
             check_state=check_link(valid=False)),
    Scenario(LINK, "link_update", dict(LINK_ARGS, default=True, subusers=["acme"], purge_subusers=True),
             [op("GET", "/v3/subusers", "read"), op("GET", L + "/subuser", "read"), op("PATCH", L + "/{id}", "write"),
              op("POST", L + "/{id}/subuser", "retry_post"), op("DELETE", L + "/subuser", "write", no_content=True)],
             setup=VALID_LINK + [api("POST", L + "/{id}/subuser", {"username": "old"})],
             check_state=check_link(default=True, valid=True, associated={"acme": True, "old": False})),
    Scenario(LINK, "link_validate", dict(LINK_ARGS, validate=True), [op("POST", L + "/{id}/validate", "retry_post")],
             setup=A_LINK + [PUBLISH], check_state=check_link(valid=True)),
    Scenario(LINK, "link_delete", dict(LINK_ARGS, state="absent"), [op("DELETE", L + "/{id}", "write", no_content=True)],
             setup=A_LINK, check_state=check_none("links")),
    # the info modules
    Scenario(COLLECTION + "sendgrid_ip_info", "ip_info", {}, [op("GET", "/v3/ips", "read"), op("GET", "/v3/ips/remaining", "read")],
             setup=A_POOL, changed=None,
             check_result=lambda r: _check(ips_of(r) == [IP_A, IP_B] and r["ips"][0]["pools"] == ["tx"] and r["remaining_ips"], r)),
    Scenario(COLLECTION + "sendgrid_ip_info", "ip_info_assigned", {"assigned_only": True}, [op("GET", "/v3/ips/assigned", "read")],
             changed=None, check_result=lambda r: _check(ips_of(r) == [IP_A, IP_B], r)),
    Scenario(COLLECTION + "sendgrid_ip_pool_info", "pool_info", {}, [op("GET", "/v3/ips/pools", "read"), op("GET", "/v3/ips", "read")],
             setup=A_POOL, changed=None, check_result=lambda r: _check(r["pools"] == [{"name": "tx", "ips": [IP_A]}], r)),
    Scenario(COLLECTION + "sendgrid_ip_pool_info", "pool_info_one", {"name": "tx"}, [op("GET", "/v3/ips/pools/{name}", "read")],
             setup=A_POOL, changed=None, check_result=lambda r: _check(r["pools"] == [{"name": "tx", "ips": [IP_A]}], r)),
    Scenario(COLLECTION + "sendgrid_reverse_dns_info", "rdns_info", {}, [op("GET", R, "read")], setup=A_RDNS, changed=None,
             check_result=lambda r: _check([(i["ip"], i["rdns"]) for i in r["reverse_dns"]] == [(IP_A, "o1.email.example.com")], r)),
    Scenario(COLLECTION + "sendgrid_domain_auth_info", "domain_info", {"include_default": True},
             [op("GET", D, "read"), op("GET", D + "/default", "read")], setup=A_DOMAIN, changed=None,
             check_result=lambda r: _check([d["domain"] for d in r["domains"]] == [DOMAIN] and "default_domain" in r, r)),
    Scenario(COLLECTION + "sendgrid_link_branding_info", "link_info", {}, [op("GET", L, "read")], setup=A_LINK, changed=None,
             check_result=lambda r: _check([link["subdomain"] for link in r["links"]] == ["ln"], r)),
    Scenario(COLLECTION + "sendgrid_link_branding_info", "link_info_id", {"id": 2000001}, [op("GET", L + "/{id}", "read")],
             setup=A_LINK, changed=None, check_result=lambda r: _check([link["id"] for link in r["links"]] == [2000001], r)),
    Scenario(COLLECTION + "sendgrid_link_branding_info", "link_info_subuser", {"subuser": "acme"}, [op("GET", L + "/subuser", "read")],
             setup=VALID_LINK + [api("POST", L + "/{id}/subuser", {"username": "acme"})], changed=None,
             check_result=lambda r: _check([link["id"] for link in r["links"]] == [2000001], r)),
    Scenario(COLLECTION + "sendgrid_link_branding_info", "link_info_default", {"domain": DOMAIN, "default": True},
             [op("GET", L + "/default", "read")], setup=VALID_LINK, changed=None,
             check_result=lambda r: _check([link["id"] for link in r["links"]] == [2000001], r)),
]

BASE_SETUP = [
    {"control": ["POST", "reset"]},
    {"control": ["POST", "subusers", {"usernames": ["acme", "old"]}]},
    {"control": ["POST", "ips", {"ips": [IP_A, IP_B]}]},
]

CASES = [case for scenario in SCENARIOS for case in cases_of(scenario)]
MODULES = sorted({scenario.module for scenario in SCENARIOS})
