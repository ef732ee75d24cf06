# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""sendgrid_ip_pool and sendgrid_ip_pool_info, run by real ansible-playbook against the simulator."""

from __future__ import annotations

from tests.support.api_log import api_calls

IP_A = "203.0.113.10"
IP_B = "203.0.113.11"
IP_C = "203.0.113.12"
NOT_OURS = "198.51.100.77"


def pool_task(name="tx", ips=None, state="present", purge_ips=False, new_name=None, task="pool"):
    lines = ["- name: %s" % task, "  mailops.sendgrid.sendgrid_ip_pool:", "    name: %s" % name, "    state: %s" % state]
    if ips is not None:
        lines.append("    ips: [%s]" % ", ".join(ips))
        lines.append("    purge_ips: %s" % ("true" if purge_ips else "false"))
    if new_name is not None:
        lines.append("    new_name: %s" % new_name)
    return "\n".join(lines) + "\n"


def writes(simulator):
    return [(r["method"], r["path"]) for r in simulator.requests() if r["write"]]


def api_requests(simulator):
    return api_calls(simulator, fields=("method", "path", "status"))


def pools(simulator):
    return sorted(((p["account"], p["name"], tuple(p["ips"])) for p in simulator.state()["pools"]))


def ok(run):
    assert run.rc == 0, run.stdout + run.stderr
    assert run.failed == []
    return run


def test_create_rerun_check_delete_redelete(simulator, playbook):
    simulator.add_ips([IP_A, IP_B, IP_C])

    first = ok(playbook(pool_task(ips=[IP_B, IP_A]), diff=True)).task("pool")
    assert first["changed"] is True
    assert first["pool"] == {"name": "tx", "ips": [IP_A, IP_B]}
    assert first["diff"] == {"before": {}, "after": {"name": "tx", "ips": [IP_A, IP_B]}}
    assert pools(simulator) == [("parent", "tx", (IP_A, IP_B))]
    # One GET, the account's IP list (the members must be its IPs), one POST for the pool, one POST per member.
    assert [(m, p) for m, p, _status in api_requests(simulator)] == [
        ("GET", "/v3/ips/pools/tx"),
        ("GET", "/v3/ips"),
        ("POST", "/v3/ips/pools"),
        ("POST", "/v3/ips/pools/tx/ips"),
        ("POST", "/v3/ips/pools/tx/ips"),
    ]

    simulator.clear_requests()
    again = ok(playbook(pool_task(ips=[IP_A, IP_B], purge_ips=True))).task("pool")
    assert again["changed"] is False
    assert again["pool"] == {"name": "tx", "ips": [IP_A, IP_B]}
    assert writes(simulator) == []
    assert [(m, p) for m, p, _status in api_requests(simulator)] == [("GET", "/v3/ips/pools/tx")]

    simulator.clear_requests()
    checked = ok(playbook(pool_task(ips=[IP_C], purge_ips=True), check=True, diff=True)).task("pool")
    assert checked["changed"] is True
    assert checked["pool"] == {"name": "tx", "ips": [IP_C]}
    assert checked["diff"] == {"before": {"name": "tx", "ips": [IP_A, IP_B]}, "after": {"name": "tx", "ips": [IP_C]}}
    assert writes(simulator) == []
    assert pools(simulator) == [("parent", "tx", (IP_A, IP_B))]

    simulator.clear_requests()
    changed = ok(playbook(pool_task(ips=[IP_C], purge_ips=True))).task("pool")
    assert changed["changed"] is True
    assert pools(simulator) == [("parent", "tx", (IP_C,))]
    assert writes(simulator) == [
        ("POST", "/v3/ips/pools/tx/ips"),
        ("DELETE", "/v3/ips/pools/tx/ips/%s" % IP_A),
        ("DELETE", "/v3/ips/pools/tx/ips/%s" % IP_B),
    ]

    simulator.clear_requests()
    deleted = ok(playbook(pool_task(state="absent"), diff=True)).task("pool")
    assert deleted["changed"] is True
    assert deleted["pool"] == {}
    assert deleted["diff"] == {"before": {"name": "tx", "ips": [IP_C]}, "after": {}}
    assert pools(simulator) == []
    assert writes(simulator) == [("DELETE", "/v3/ips/pools/tx")]

    simulator.clear_requests()
    redeleted = ok(playbook(pool_task(state="absent"))).task("pool")
    assert redeleted["changed"] is False
    assert writes(simulator) == []


def test_check_mode_create_writes_nothing(simulator, playbook):
    simulator.add_ips([IP_A])
    checked = ok(playbook(pool_task(ips=[IP_A]), check=True, diff=True)).task("pool")
    assert checked["changed"] is True
    assert checked["pool"] == {"name": "tx", "ips": [IP_A]}
    assert checked["diff"] == {"before": {}, "after": {"name": "tx", "ips": [IP_A]}}
    assert writes(simulator) == []
    assert pools(simulator) == []


def test_read_lag_rerun_is_no_change_and_no_failure(simulator, playbook):
    """SendGrid: an added IP may take up to 60 s to show up in reads (simulated with the config)."""
    simulator.add_ips([IP_A, IP_B])
    simulator.config(pool_ip_visibility_delay=60)

    first = ok(playbook(pool_task(ips=[IP_A, IP_B]))).task("pool")
    assert first["changed"] is True
    # The members exist but reads do not show them yet: the lag is really in effect.
    state = [p for p in simulator.state()["pools"] if p["name"] == "tx"]
    assert state == [{"account": "parent", "name": "tx", "ips": [IP_A, IP_B], "visible_ips": []}]

    simulator.clear_requests()
    again = ok(playbook(pool_task(ips=[IP_A, IP_B]))).task("pool")
    assert again["changed"] is False
    assert again["pool"] == {"name": "tx", "ips": [IP_A, IP_B]}
    # Nothing was created or removed: the adds were answered "already in the pool".
    assert [(m, p) for m, p in writes(simulator) if not (m == "POST" and p == "/v3/ips/pools/tx/ips")] == []
    assert [s for m, p, s in api_requests(simulator) if m == "POST"] == [400, 400]
    assert pools(simulator) == [("parent", "tx", (IP_A, IP_B))]


def test_ip_not_on_account_fails_naming_it(simulator, playbook):
    simulator.add_ips([IP_A])
    run = playbook(pool_task(ips=[IP_A, NOT_OURS]))
    assert run.rc != 0
    assert run.failed == ["pool"]
    result = run.task("pool")
    assert NOT_OURS in result["msg"] and "nothing was changed" in result["msg"]
    # Issue 16, item 6: the IPs are checked before the first write, so nothing is half-made (before, the pool
    # and the valid member were written and then the unknown IP was refused); check mode sees it too.
    assert result["changed"] is False
    assert pools(simulator) == []
    assert [r for r in simulator.requests() if r["write"]] == []
    checked = playbook(pool_task(ips=[IP_A, NOT_OURS]), check=True)
    assert checked.failed == ["pool"] and NOT_OURS in checked.task("pool")["msg"]


def test_name_too_long_fails_before_any_request(simulator, playbook):
    run = playbook(pool_task(name="p" * 65))
    assert run.rc != 0
    assert run.failed == ["pool"]
    assert "name must be 1 to 64 characters" in run.task("pool")["msg"]
    assert api_requests(simulator) == []


def test_rename_in_all_three_situations(simulator, playbook):
    simulator.add_ips([IP_A])
    ok(playbook(pool_task(name="old", ips=[IP_A])))

    simulator.clear_requests()
    renamed = ok(playbook(pool_task(name="old", new_name="new"), diff=True)).task("pool")
    assert renamed["changed"] is True
    assert renamed["diff"] == {"before": {"name": "old", "ips": [IP_A]}, "after": {"name": "new", "ips": [IP_A]}}
    assert pools(simulator) == [("parent", "new", (IP_A,))]
    assert writes(simulator) == [("PUT", "/v3/ips/pools/old")]

    simulator.clear_requests()
    again = ok(playbook(pool_task(name="old", new_name="new"))).task("pool")
    assert again["changed"] is False
    assert again["pool"] == {"name": "new", "ips": [IP_A]}
    assert writes(simulator) == []

    ok(playbook(pool_task(name="old")))
    simulator.clear_requests()
    both = playbook(pool_task(name="old", new_name="new"))
    assert both.rc != 0
    assert both.failed == ["pool"]
    assert "both pools exist" in both.task("pool")["msg"]
    assert writes(simulator) == []
    assert pools(simulator) == [("parent", "new", (IP_A,)), ("parent", "old", ())]


def test_pool_info_round_trip(simulator, playbook):
    simulator.add_ips([IP_A, IP_B, IP_C])
    ok(playbook(pool_task(name="tx", ips=[IP_B, IP_A]) + pool_task(name="mkt", ips=[IP_C], task="mkt") + pool_task(name="empty", ips=[], task="empty")))

    simulator.clear_requests()
    run = ok(
        playbook(
            """
            - name: all pools
              mailops.sendgrid.sendgrid_ip_pool_info:
              register: all_pools

            - name: one pool
              mailops.sendgrid.sendgrid_ip_pool_info:
                name: tx

            - name: missing pool
              mailops.sendgrid.sendgrid_ip_pool_info:
                name: nope

            - name: fed back
              mailops.sendgrid.sendgrid_ip_pool:
                name: "{{ item.name }}"
                ips: "{{ item.ips }}"
                purge_ips: true
              loop: "{{ all_pools.pools }}"
            """
        )
    )
    assert run.task("all pools")["pools"] == [
        {"name": "empty", "ips": []},
        {"name": "mkt", "ips": [IP_C]},
        {"name": "tx", "ips": [IP_A, IP_B]},
    ]
    assert run.task("one pool")["pools"] == [{"name": "tx", "ips": [IP_A, IP_B]}]
    assert run.task("missing pool")["pools"] == []
    assert run.changed == []
    assert writes(simulator) == []


def test_on_behalf_of_is_refused_because_sendgrid_does_not_declare_it_for_pools(simulator, playbook):
    # A SendGrid that ignores on-behalf-of on /v3/ips would make this pool in the parent account without a word.
    simulator.add_subusers("eu-sub")
    simulator.add_ips([IP_A], subusers=["eu-sub"])
    run = playbook(
        """
        - name: pool
          mailops.sendgrid.sendgrid_ip_pool:
            name: sub-pool
            ips: [%s]
            on_behalf_of: eu-sub
          ignore_errors: true
        """
        % IP_A
    )
    assert "on_behalf_of cannot be used with this module" in run.task("pool")["msg"]
    assert simulator.requests() == [] and simulator.state()["pools"] == []
