# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Request budgets: the exact number of reads and writes of every benchmark scenario (tests/perf).

The scenarios are the benchmark's own (``tests/support/scenarios.py``), run against the simulator; the counts
come from its request log and are deterministic, so they are compared exactly. No times are measured here.

When a count changes, the failure lists every request of the scenario. If it grew, find the request that
was added and whether it is needed. If it shrank on purpose, lower the number below and refresh
docs/performance.md with ``python -m tests.perf --only budget,scale``.
"""

from __future__ import annotations

import pytest

from tests.support import scenarios

# scenario -> (reads, writes). The target is one read per managed object (scenarios.MANAGED_OBJECTS = 6)
# and no write for a run with nothing to do.
BUDGET = {
    # 14 reads: since issue 13, one list read after each create (domain, link) finds copies a parallel run made, and
    # a create with default=true reads which domain loses the flag; since issue 16, the pool reads the account's IPs
    # before it adds them (an IP not on the account fails before anything is written).
    "setup": (14, 13),
    "rerun": (6, 0),
    "check": (6, 0),
    "audit": (6, 0),
    "teardown": (5, 5),
    "teardown_again": (5, 0),
}

# (layout, lookup) -> (reads, writes) of one no-change module run in an account of 3,000 domains,
# 3,000 links, 1,000 reverse DNS entries and 100 pools.
SCALE = {
    "account": {
        "domain": (1, 0),
        # SendGrid's domain filter is a search: every seeded *.example.net entry matches example.net,
        # so the lookup pages through 3,000 entries, 500 at a time.
        "domain_broad": (6, 0),
        "link": (1, 0),
        "reverse_dns": (1, 0),
        "pool": (1, 0),
    },
    "subusers": {
        "domain_username": (1, 0),
        "domain_obo": (1, 0),
        # The subuser holds 300 links: fewer than the 3,000 asked for, so possibly a server-side page cap; the
        # list is asked once more with offset (SendGrid ignores it: the same page, nothing new, the list ends).
        "link_obo": (2, 0),
        "reverse_dns_obo": (1, 0),
    },
}


def test_budget_table_matches_the_scenarios(tmp_path):
    assert sorted(BUDGET) == sorted(s.key for s in scenarios.budget_scenarios(tmp_path))
    for layout, lookups in SCALE.items():
        assert sorted(lookups) == sorted(lookup.key for lookup in scenarios.scale_lookups(layout))


@pytest.mark.pins_default_dialect  # the default budget; the budget under every alternative is pinned in test_dialects.py
def test_sender_life_cycle_request_budget(simulator, tmp_path):
    results = scenarios.run_budget(simulator, tmp_path)

    problems = []
    for result in results:
        key, count, run = result.scenario.key, result.count, result.run
        if run.rc != 0:
            problems.append("%s: ansible-playbook failed\n%s" % (key, run.describe()))
            continue
        if result.scenario.no_change and run.changed:
            problems.append("%s: expected changed=0, got changed=%d" % (key, run.changed))
        if count.throttled:
            problems.append("%s: %d requests were answered 429 (no rate limit is set)" % (key, count.throttled))
        want = BUDGET[key]
        if (count.reads, count.writes) != want:
            problems.append("%s (%s): expected %d reads / %d writes, got %d / %d:\n%s"
                            % (key, result.scenario.title, want[0], want[1], count.reads, count.writes, count.listing()))
    assert not problems, "\n\n".join(problems)
    assert simulator.violations() == []

    by_key = {result.scenario.key: result for result in results}
    # What the numbers above stand for, independent of their values: runs with nothing to do write nothing,
    # and the set-up run really built the sender (the re-run found every managed object).
    for key in ("rerun", "check", "audit", "teardown_again"):
        assert by_key[key].count.writes == 0
    assert by_key["setup"].count.writes > 0 and by_key["teardown"].count.writes > 0
    assert by_key["rerun"].count.reads >= scenarios.MANAGED_OBJECTS


@pytest.mark.parametrize("layout", sorted(SCALE))
@pytest.mark.pins_default_dialect  # request counts with SendGrid's pages uncapped (page_cap has its own test)
def test_lookup_request_count_at_scale(simulator, tmp_path, layout):
    sizes = scenarios.prepare_scale(simulator, layout, seeded=True)
    assert sizes == scenarios.SCALE_COUNTS
    scenarios.create_targets(simulator, layout, tmp_path)
    state = simulator.state()
    assert len(state["domains"]) == scenarios.SCALE_COUNTS["domains"]
    assert len(state["links"]) == scenarios.SCALE_COUNTS["links"]
    assert len(state["reverse_dns"]) == scenarios.SCALE_COUNTS["reverse_dns"]

    problems = []
    for lookup in scenarios.scale_lookups(layout):
        result = scenarios.measure_lookup(simulator, lookup, tmp_path)
        module_result = result.result
        if module_result.get("failed") or module_result.get("changed"):
            problems.append("%s: expected an unchanged object, got %s" % (lookup.key, module_result))
            continue
        want = SCALE[layout][lookup.key]
        if (result.count.reads, result.count.writes) != want:
            problems.append("%s: expected %d reads / %d writes, got %d / %d:\n%s"
                            % (lookup.key, want[0], want[1], result.count.reads, result.count.writes, result.count.listing()))
        if lookup.module == "sendgrid_link_branding":
            limits = {entry["query"].get("limit") for entry in result.count.requests}
            if limits != {"3000"}:
                problems.append("%s: the link list must be read with the largest page (limit=3000), got %s" % (lookup.key, limits))
    assert not problems, "\n\n".join(problems)
