#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: sendgrid_ip
short_description: Manage the settings of one dedicated IP of a SendGrid account
version_added: 0.1.0
description:
  - Manage the settings of one dedicated IP address that SendGrid lets an API client change.
    Today that is the automated IP warmup, started and stopped through SendGrid's IP warmup endpoints.
  - The module does not add or remove IPs from the account (that is a purchase) and does not change
    pool membership (use M(mailops.sendgrid.sendgrid_ip_pool)) or reverse DNS
    (use M(mailops.sendgrid.sendgrid_reverse_dns)).
  - Returns the IP as SendGrid describes it, with its pools, warmup state, reverse DNS and subusers.
  - When nothing has to change, the module sends exactly one request (C(GET /v3/ips/{ip})).
author:
  - mailops.sendgrid maintainers (@mailops)
extends_documentation_fragment:
  - mailops.sendgrid.sendgrid
  - mailops.sendgrid.sendgrid.attributes
options:
  ip:
    description:
      - The dedicated IPv4 address. It must be an IP of the account.
      - Checked to be an IPv4 address before any request is sent.
    type: str
    required: true
  warmup:
    description:
      - V(true) puts the IP into SendGrid's automated warmup if it is not warming up already;
        V(false) takes it out of warmup if it is warming up.
      - Omit to leave the warmup state alone.
    type: bool
notes:
  - Needs the API key scopes C(ips.read), plus C(ips.warmup.create) to start and C(ips.warmup.delete) to stop a warmup.
  - O(on_behalf_of) is refused before any request, because SendGrid does not declare the on-behalf-of header for C(/v3/ips) and may
    ignore it, acting on the parent account instead. Dedicated IPs and their warmup belong to the parent account; the subusers
    send from the IPs assigned to them.
  - An IP that is not on the account makes the module fail with a message that names the IP.
seealso:
  - module: mailops.sendgrid.sendgrid_ip_info
  - module: mailops.sendgrid.sendgrid_ip_pool
  - name: IP warmup API
    description: SendGrid's description of the automated warmup schedule.
    link: https://www.twilio.com/docs/sendgrid/api-reference/ip-warmup
"""

EXAMPLES = r"""
- name: Warm up a newly purchased IP
  mailops.sendgrid.sendgrid_ip:
    ip: 192.0.2.10
    warmup: true

- name: The IP has a reputation now, stop limiting it
  mailops.sendgrid.sendgrid_ip:
    ip: 192.0.2.10
    warmup: false

- name: Read one IP (no change is made without options)
  mailops.sendgrid.sendgrid_ip:
    ip: 192.0.2.10
  register: dedicated

- name: Show its pools
  ansible.builtin.debug:
    msg: "{{ dedicated.ip.pools }}"
"""

RETURN = r"""
ip:
  description:
    - The IP after the run, as SendGrid describes it. In check mode, the IP as it would be.
  returned: success
  type: dict
  contains:
    ip:
      description: The IP address.
      type: str
      sample: 192.0.2.10
    pools:
      description: Names of the IP pools the IP belongs to, sorted.
      type: list
      elements: str
      sample: [transactional]
    warmup:
      description: Whether the IP is in SendGrid's automated warmup.
      type: bool
      sample: true
    start_date:
      description:
        - Unix time when the warmup started; V(null) when the IP is not warming up.
        - In check mode, when the warmup would start, the time of the run.
      type: int
      sample: 1700000000
    rdns:
      description: The reverse DNS name of the IP; V(null) when it has none.
      type: str
      sample: o1.email.example.com
    whitelabeled:
      description: Whether the IP has a reverse DNS record.
      type: bool
      sample: true
    subusers:
      description: Subusers that may send from the IP.
      type: list
      elements: str
      sample: [eu-marketing]
  sample:
    ip: 192.0.2.10
    pools: [transactional]
    warmup: true
    start_date: 1700000000
    rdns: o1.email.example.com
    whitelabeled: true
    subusers: []
rate_limit:
  description:
    - How long SendGrid's rate limit held this task, and how many answers 429 it drew. A wait of 5 seconds or more is
      also a warning.
  returned: when the task waited for the rate limit
  type: dict
  contains:
    waited:
      description: Seconds waited, in total.
      type: float
      sample: 6.2
    answers_429:
      description: Answers 429 this task received.
      type: int
      sample: 2
"""

import time

from ansible_collections.mailops.sendgrid.plugins.module_utils._api import SendGridError
from ansible_collections.mailops.sendgrid.plugins.module_utils._ips import IPS_PATH, ip_path, normalise_ip
from ansible_collections.mailops.sendgrid.plugins.module_utils._module import run_resource, SendGridModule, SendGridResource
from ansible_collections.mailops.sendgrid.plugins.module_utils._validators import validate_ipv4
from ansible_collections.mailops.sendgrid.plugins.module_utils._plan import STEP, Field


class DedicatedIP(SendGridResource):
    # The warmup starts and stops with requests of its own.
    FIELDS = (Field("warmup", STEP),)
    NOUN = "dedicated IP"

    def check_input(self):
        self.params["ip"] = validate_ipv4(self.params["ip"], "ip")

    def find(self):
        item = self.client.get(ip_path(self.params["ip"]), not_found_ok=True, expect=dict)
        if item is None:
            return None
        # This answer always says whether the IP has a reverse DNS; a missing flag means "if it has a name".
        return dict(normalise_ip(item), whitelabeled=bool(item.get("whitelabeled", item.get("rdns"))))

    def to_options(self, obj):
        return {"ip": obj["ip"], "warmup": obj["warmup"]}

    def create(self):
        # Buying an IP is not something this module does: an unknown IP is an error.
        ip = self.params["ip"]
        raise SendGridError("IP %s is not a dedicated IP of this SendGrid account (GET /v3/ips/%s answered 404)" % (ip, ip), status=404)

    def desired(self):
        return {"warmup": self.params["warmup"]}

    def change_warmup(self, current):
        if self.params["warmup"]:
            # Not repeated blindly after a 5xx or a dropped connection: read again to learn whether it started.
            return self.write_or_reread(
                "POST",
                IPS_PATH + "/warmup",
                {"ip": current["ip"]},
                reread=self.reread_warming_up,
                absorb=lambda answer: dict(current, warmup=True, start_date=self.start_date(answer)),
            )
        # 404 here means the warmup ended between the read and this request: the goal is reached.
        self.write("DELETE", ip_path("warmup", current["ip"]), not_found_ok=True)
        return dict(current, warmup=False, start_date=None)

    def reread_warming_up(self):
        again = self.find()
        return again if again is not None and again["warmup"] else None

    def start_date(self, answer):
        """The warmup start SendGrid reported; in check mode, the time of this run."""
        if self.check_mode:
            return int(time.time())
        for entry in answer or ():
            if isinstance(entry, dict) and entry.get("ip") == self.params["ip"]:
                return entry.get("start_date")
        return None

    def result(self, obj):
        return {"ip": obj}


def main():
    module = SendGridModule(
        argument_spec=dict(
            ip=dict(type="str", required=True),
            warmup=dict(type="bool"),
        ),
        parent_account_only="/v3/ips and /v3/ips/warmup",
        supports_check_mode=True,
    )
    run_resource(module, DedicatedIP)


if __name__ == "__main__":
    main()
