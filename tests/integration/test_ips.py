# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""sendgrid_ip and sendgrid_ip_info, run by real ansible-playbook against the simulator."""

from __future__ import annotations

from tests.support.api_log import api_calls as api_requests

IP_A = "203.0.113.20"
IP_B = "203.0.113.21"
NOT_OURS = "198.51.100.88"


def ip_task(ip=IP_A, warmup=None, task="ip", extra=""):
    lines = ["- name: %s" % task, "  mailops.sendgrid.sendgrid_ip:", "    ip: %s" % ip]
    if warmup is not None:
        lines.append("    warmup: %s" % ("true" if warmup else "false"))
    return "\n".join(lines) + "\n" + extra


def writes(simulator):
    return [(r["method"], r["path"]) for r in simulator.requests() if r["write"]]


def warming(simulator):
    return {ip["ip"]: ip["warmup"] for ip in simulator.state()["ips"]}


def ok(run):
    assert run.rc == 0, run.stdout + run.stderr
    assert run.failed == []
    return run


def test_warmup_round_trip(simulator, playbook):
    simulator.add_ips([IP_A, IP_B])

    started = ok(playbook(ip_task(warmup=True), diff=True)).task("ip")
    assert started["changed"] is True
    assert started["ip"]["ip"] == IP_A
    assert started["ip"]["warmup"] is True
    assert isinstance(started["ip"]["start_date"], int)
    assert started["diff"] == {"before": {"ip": IP_A, "warmup": False}, "after": {"ip": IP_A, "warmup": True}}
    assert warming(simulator) == {IP_A: True, IP_B: False}
    assert writes(simulator) == [("POST", "/v3/ips/warmup")]

    simulator.clear_requests()
    again = ok(playbook(ip_task(warmup=True))).task("ip")
    assert again["changed"] is False
    assert again["ip"]["start_date"] == started["ip"]["start_date"]
    # No change costs exactly one GET.
    assert api_requests(simulator) == [("GET", "/v3/ips/%s" % IP_A)]

    simulator.clear_requests()
    checked = ok(playbook(ip_task(warmup=False), check=True, diff=True)).task("ip")
    assert checked["changed"] is True
    assert checked["ip"]["warmup"] is False and checked["ip"]["start_date"] is None
    assert checked["diff"]["after"] == {"ip": IP_A, "warmup": False}
    assert writes(simulator) == []
    assert warming(simulator) == {IP_A: True, IP_B: False}

    simulator.clear_requests()
    stopped = ok(playbook(ip_task(warmup=False))).task("ip")
    assert stopped["changed"] is True
    assert writes(simulator) == [("DELETE", "/v3/ips/warmup/%s" % IP_A)]
    assert warming(simulator) == {IP_A: False, IP_B: False}

    simulator.clear_requests()
    restopped = ok(playbook(ip_task(warmup=False))).task("ip")
    assert restopped["changed"] is False
    assert writes(simulator) == []


def test_check_mode_start_writes_nothing(simulator, playbook):
    simulator.add_ips([IP_A])
    checked = ok(playbook(ip_task(warmup=True), check=True)).task("ip")
    assert checked["changed"] is True
    assert checked["ip"]["warmup"] is True
    assert writes(simulator) == []
    assert warming(simulator) == {IP_A: False}


def test_ip_not_on_account_fails_naming_it(simulator, playbook):
    simulator.add_ips([IP_A])
    run = playbook(ip_task(ip=NOT_OURS, warmup=True))
    assert run.rc != 0
    assert run.failed == ["ip"]
    assert NOT_OURS in run.task("ip")["msg"]
    assert writes(simulator) == []


def test_invalid_ip_fails_before_any_request(simulator, playbook):
    run = playbook(ip_task(ip="203.0.113.300"))
    assert run.failed == ["ip"]
    assert "ip must be an IPv4 address" in run.task("ip")["msg"]
    assert api_requests(simulator) == []


def test_ip_info_and_feed_back(simulator, playbook):
    simulator.add_subusers("eu-sub")
    simulator.add_ips([IP_A])
    simulator.add_ips([IP_B], subusers=["eu-sub"], warmup=True)
    ok(
        playbook(
            """
            - name: pool
              mailops.sendgrid.sendgrid_ip_pool:
                name: tx
                ips: [%s]
            """
            % IP_A
        )
    )

    simulator.clear_requests()
    run = ok(
        playbook(
            """
            - name: all
              mailops.sendgrid.sendgrid_ip_info:
              register: all_ips

            - name: one
              mailops.sendgrid.sendgrid_ip_info:
                ip: %s

            - name: of subuser
              mailops.sendgrid.sendgrid_ip_info:
                subuser: eu-sub

            - name: assigned
              mailops.sendgrid.sendgrid_ip_info:
                assigned_only: true

            - name: nothing
              mailops.sendgrid.sendgrid_ip_info:
                ip: %s

            - name: fed back
              mailops.sendgrid.sendgrid_ip:
                ip: "{{ item.ip }}"
                warmup: "{{ item.warmup }}"
              loop: "{{ all_ips.ips }}"
            """
            % (IP_A, NOT_OURS)
        )
    )
    everything = run.task("all")
    assert [i["ip"] for i in everything["ips"]] == [IP_A, IP_B]
    first, second = everything["ips"]
    assert first["pools"] == ["tx"] and first["warmup"] is False and first["subusers"] == []
    assert second["pools"] == [] and second["warmup"] is True and second["subusers"] == ["eu-sub"]
    assert isinstance(second["start_date"], int)
    assert everything["remaining_ips"] == [{"remaining": 10, "period": "month", "price_per_ip": 20}]
    assert [i["ip"] for i in run.task("one")["ips"]] == [IP_A]
    assert [i["ip"] for i in run.task("of subuser")["ips"]] == [IP_B]
    assert [(i["ip"], i["pools"], i["warmup"]) for i in run.task("assigned")["ips"]] == [(IP_A, ["tx"], False), (IP_B, [], True)]
    assert run.task("nothing")["ips"] == []
    assert run.changed == []
    assert writes(simulator) == []
    # The list is read with the server-side filters, page by page.
    ip_reads = [r["query"] for r in simulator.requests() if r["path"] == "/v3/ips"]
    assert ip_reads == [
        {"limit": "500", "offset": "0"},
        {"ip": IP_A, "limit": "500", "offset": "0"},
        {"subuser": "eu-sub", "limit": "500", "offset": "0"},
        {"ip": NOT_OURS, "limit": "500", "offset": "0"},
    ]
