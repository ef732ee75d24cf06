# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Bad input (issue 8, part 2): every option of every module, given wrong types, empty strings, invalid
IPs and domains, names too long, unknown choices and contradictory combinations, must fail with a
message that names the option, before any request.

One playbook per module runs all its cases (failures kept, not fatal), all playbooks at once against the
session's simulator. Each case points ``api_url`` at ``<simulator>/case-<n>``: a request a case let
through would show up in the simulator's log under that prefix, so it is pinned to its case.
"""

from __future__ import annotations

import pytest

from tests.reliability import report
from tests.reliability.helpers import Playbook, tasks_play, write_playbook

C = "mailops.sendgrid."
A = "203.0.113.10"
MAPPING = {"wrong": "type"}
BAD_IPS = [("empty", ""), ("256.1.1.1", "256.1.1.1"), ("three_octets", "1.2.3"), ("ipv6", "2001:db8::1"), ("mapping", MAPPING)]
BAD_DOMAINS = [
    ("empty", ""),
    ("space", "exa mple.com"),
    ("double_dot", "example..com"),
    ("trailing_junk", "example.com!"),
    ("label_64", "a" * 64 + ".com"),
    ("name_258", ".".join(["a" * 50] * 5) + ".com"),
    ("mapping", MAPPING),
]
BAD_SUBDOMAINS = [("space", "mail box"), ("double_dot", "a..b"), ("label_64", "x" * 64), ("mapping", MAPPING)]
BAD_POOL_NAMES = [("empty", ""), ("65_chars", "p" * 65), ("mapping", MAPPING), ("dot", "."), ("dotdot", ".."), ("newline", "tx\n")]
BAD_USERNAMES = [("empty", ""), ("space", "two words"), ("mapping", MAPPING)]
VALIDATION = [
    ("validate", "not_bool", "maybe"),
    ("validate_timeout", "not_number", "soon"),
    ("validate_timeout", "negative", -1),
    ("validate_delay", "negative", -1),
    ("validate_delay", "zero", 0),
    ("validate_timeout", "nan", "nan"),
    ("validate_failure", "unknown", "explode"),
]
SHARED_ALL = [
    ("api_key", "empty", ""),
    ("api_key", "blank", "   "),
    ("api_key", "mapping", MAPPING),
    ("api_key", "inner_line_break", "SG.one\ntwo"),
    ("api_url", "no_scheme", "api.sendgrid.com"),
    ("api_url", "ftp", "ftp://api.sendgrid.com"),
    ("data_residency", "unknown", "mars"),
    ("on_behalf_of", "empty", ""),
    ("on_behalf_of", "mapping", MAPPING),
    ("timeout", "zero", 0),
    ("timeout", "negative", -1),
    ("timeout", "not_number", "soon"),
    ("validate_certs", "not_bool", "maybe"),
    ("rate_limit_timeout", "negative", -1),
    ("rate_limit_timeout", "not_number", "soon"),
    ("rate_limit_timeout", "nan", "nan"),
    ("timeout", "infinite", "inf"),
]
SHARED_SOME = [("api_key", "empty", ""), ("timeout", "zero", 0), ("on_behalf_of", "empty", "")]


class Case:
    def __init__(self, module, label, args, option, base):
        self.module = C + module
        self.short = module.replace("sendgrid_", "")
        self.id = "%s-%s" % (self.short, label)
        self.args = dict(base, **args)
        self.option = option


def cases_for(module, base, options, shared=None, contradictions=()):
    """``options``: [(option, label, value)]; ``contradictions``: [(label, args, option named)]."""
    found = [Case(module, "%s-%s" % (option, label), {option: value}, option, base) for option, label, value in options]
    found += [Case(module, "%s-%s" % (option, label), {option: value}, option, base) for option, label, value in (SHARED_SOME if shared is None else shared)]
    found += [Case(module, "contradiction-%s" % label, args, option, base) for label, args, option in contradictions]
    return found


def values(option, table):
    return [(option, label, value) for label, value in table]


def listed(option, table):
    return [(option, label, [value]) for label, value in table if label != "mapping"] + [(option, "mapping", MAPPING)]


CASES = (
    cases_for(
        "sendgrid_ip_pool",
        {"name": "tx"},
        values("name", BAD_POOL_NAMES) + values("new_name", BAD_POOL_NAMES) + listed("ips", BAD_IPS)
        + [("ips", "item_list", [[A]]), ("state", "unknown", "gone"), ("purge_ips", "not_bool", "maybe")],
        shared=SHARED_ALL,
        contradictions=[("rename_absent", {"new_name": "tx2", "state": "absent"}, "new_name")],
    )
    + cases_for("sendgrid_ip", {"ip": A}, values("ip", BAD_IPS) + [("warmup", "not_bool", "maybe")])
    + cases_for(
        "sendgrid_reverse_dns",
        {"ip": A, "domain": "example.com"},
        values("ip", BAD_IPS) + values("domain", BAD_DOMAINS) + values("subdomain", BAD_SUBDOMAINS)
        + [("state", "unknown", "gone"), ("replace", "not_bool", "maybe")] + VALIDATION,
        contradictions=[("present_without_domain", {"domain": None}, "domain")],
    )
    + cases_for(
        "sendgrid_domain_auth",
        {"domain": "example.com"},
        values("domain", BAD_DOMAINS) + values("subdomain", BAD_SUBDOMAINS + [("empty", "")]) + values("username", BAD_USERNAMES)
        + listed("ips", BAD_IPS) + listed("subusers", BAD_USERNAMES)
        + [
            ("state", "unknown", "gone"),
            ("automatic_security", "not_bool", "maybe"),
            ("custom_spf", "not_bool", "maybe"),
            ("default", "not_bool", "maybe"),
            ("custom_dkim_selector", "empty", ""),
            ("custom_dkim_selector", "four_chars", "abcd"),
            ("custom_dkim_selector", "symbols", "A!b"),
            ("region", "unknown", "mars"),
            ("region", "link_region_us", "us"),
            ("replace", "not_bool", "maybe"),
            ("subuser_association", "unknown", "triple"),
            ("purge_subusers", "not_bool", "maybe"),
        ]
        + VALIDATION,
        contradictions=[
            ("subdomain_contains_domain", {"subdomain": "em.example.com"}, "subdomain"),
            ("custom_spf_with_automatic_security", {"custom_spf": True, "automatic_security": True}, "custom_spf"),
            ("subusers_on_behalf_of", {"subusers": ["acme"], "on_behalf_of": "acme"}, "subusers"),
            ("subusers_username", {"subusers": ["acme"], "username": "acme"}, "subusers"),
        ],
    )
    + cases_for(
        "sendgrid_link_branding",
        {"domain": "example.com"},
        values("domain", BAD_DOMAINS) + values("subdomain", BAD_SUBDOMAINS + [("empty", "")]) + listed("subusers", BAD_USERNAMES)
        + [
            ("state", "unknown", "gone"),
            ("default", "not_bool", "maybe"),
            ("region", "unknown", "mars"),
            ("region", "domain_region_global", "global"),
            ("replace", "not_bool", "maybe"),
            ("purge_subusers", "not_bool", "maybe"),
        ]
        + VALIDATION,
        contradictions=[("subusers_on_behalf_of", {"subusers": ["acme"], "on_behalf_of": "acme"}, "subusers")],
    )
    + cases_for(
        "sendgrid_ip_info",
        {},
        values("ip", BAD_IPS) + values("subuser", BAD_USERNAMES[:1] + BAD_USERNAMES[2:])
        + [("exclude_whitelabels", "not_bool", "maybe"), ("assigned_only", "not_bool", "maybe")],
        contradictions=[
            ("assigned_only_subuser", {"assigned_only": True, "subuser": "acme"}, "subuser"),
            ("assigned_only_exclude_whitelabels", {"assigned_only": True, "exclude_whitelabels": True}, "exclude_whitelabels"),
        ],
    )
    + cases_for("sendgrid_ip_pool_info", {}, values("name", BAD_POOL_NAMES))
    + cases_for("sendgrid_reverse_dns_info", {}, values("ip", BAD_IPS) + values("domain", BAD_DOMAINS))
    + cases_for(
        "sendgrid_domain_auth_info",
        {},
        values("domain", BAD_DOMAINS) + values("username", BAD_USERNAMES)
        + [("exclude_subusers", "not_bool", "maybe"), ("include_default", "not_bool", "maybe")],
    )
    + cases_for(
        "sendgrid_link_branding_info",
        {},
        [("id", "not_int", "abc"), ("id", "zero", 0), ("id", "negative", -1), ("default", "not_bool", "maybe")]
        + values("domain", BAD_DOMAINS) + [("subdomain", label, value) for label, value in BAD_SUBDOMAINS]
        + values("subuser", BAD_USERNAMES[:1] + BAD_USERNAMES[2:]),
        contradictions=[
            ("id_and_domain", {"id": 5, "domain": "example.com"}, "id"),
            ("subdomain_without_domain", {"subdomain": "ln"}, "subdomain"),
            ("subdomain_with_default", {"domain": "example.com", "subdomain": "ln", "default": True}, "subdomain"),
            ("subuser_on_behalf_of", {"subuser": "acme", "on_behalf_of": "acme"}, "subuser"),
        ],
    )
    + cases_for(
        "sendgrid_dns_email",
        {"email": "dns-team@example.com", "domain_id": 1},
        [
            ("email", "no_at", "dns-team.example.com"),
            ("email", "blank", " "),
            ("email", "two_at", "dns@team@example.com"),
            ("domain_id", "not_int", "abc"),
            ("domain_id", "negative", -1),
            ("link_id", "negative", -1),
        ],
        contradictions=[("no_id", {"domain_id": None}, "domain_id")],
    )
    + cases_for(
        "sendgrid_dns_check",
        {"records": []},
        [
            ("records", "not_list", MAPPING),
            ("records", "missing_value", [{"name": "em.example.com", "type": "CNAME"}]),
            ("records", "unknown_type", [{"name": "em.example.com", "type": "SRV", "value": "x"}]),
            ("nameservers", "not_ip", ["ns1.example.com"]),
            ("nameservers", "256.1.1.1", ["256.1.1.1"]),
            ("port", "zero", 0),
            ("port", "too_big", 70000),
            ("port", "not_int", "abc"),
            ("timeout", "zero", 0),
            ("timeout", "not_number", "soon"),
            ("fail_on_mismatch", "not_bool", "maybe"),
        ],
        shared=[],
    )
)
# A subdomain for link_branding_info is checked only with a domain.
for _case in CASES:
    if _case.short == "link_branding_info" and _case.option == "subdomain" and "contradiction" not in _case.id:
        _case.args["domain"] = "example.com"
    # ``None`` removes an option from the base arguments (the task then omits it).
    _case.args = {k: v for k, v in _case.args.items() if v is not None}

MODULES = sorted({case.module for case in CASES})
# Known defects, reported to the module owners; strict, so a fix turns them into failures to remove.
KNOWN: dict = {}


def prefix(index):
    return "/case-%d/" % index


@pytest.fixture(scope="module")
def bad_runs(simulator_session, tmp_path_factory):
    sim = simulator_session
    sim.reset()
    sim.clear_requests()
    workdir = tmp_path_factory.mktemp("bad-input")
    running = {}
    for module in MODULES:
        tasks = []
        for index, case in enumerate(CASES):
            if case.module != module:
                continue
            args = dict(case.args)
            if "api_url" not in args and not module.endswith("dns_check"):
                args["api_url"] = sim.base_url + prefix(index).rstrip("/")
            tasks.append({"name": case.id, module: args, "ignore_errors": True})
        short = module.rsplit(".", 1)[-1]
        running[module] = Playbook(sim, write_playbook(workdir / ("%s.yml" % short), [tasks_play(tasks, connection="local")]), workdir, label=short)
    runs = {module: process.wait() for module, process in running.items()}
    log = sim.requests()
    report.record(
        "bad_input",
        cases=len(CASES),
        modules=len(MODULES),
        options=len({(case.module, case.option) for case in CASES}),
        requests=len(log),
        per_module={m.rsplit(".", 1)[-1]: sum(1 for case in CASES if case.module == m) for m in MODULES},
        categories=sorted({case.id.split("-", 2)[-1] for case in CASES}),
        known_defects=sorted(KNOWN.items()),
    )
    return runs, log


def test_every_case_ran(bad_runs):
    runs, _log = bad_runs
    for module, run in runs.items():
        assert run.rc == 0, run.output[-3000:]
        assert sorted(r["task"] for r in run.results) == sorted(case.id for case in CASES if case.module == module)


def test_no_request_outside_the_cases(bad_runs):
    _runs, log = bad_runs
    assert [e["path"] for e in log if not e["path"].startswith("/case-")] == []


@pytest.mark.parametrize(
    "index, case",
    [
        pytest.param(index, case, id=case.id, marks=[pytest.mark.xfail(strict=True, reason=KNOWN[case.id])] if case.id in KNOWN else [])
        for index, case in enumerate(CASES)
    ],
)
def test_bad_input(bad_runs, index, case):
    runs, log = bad_runs
    entry = runs[case.module].entry(case.id)
    msg = entry["result"].get("msg") or ""
    sent = ["%s %s" % (e["method"], e["path"]) for e in log if e["path"].startswith(prefix(index))]
    assert entry["status"] == "failed", "accepted: %r (requests: %r)" % (case.args, sent)
    assert sent == [], "requests sent before failing: %r (%s)" % (sent, msg)
    assert case.option in msg, "the message does not name %s: %s" % (case.option, msg)
    assert "Traceback" not in msg and "MODULE FAILURE" not in msg, msg
