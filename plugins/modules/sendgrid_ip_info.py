#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: sendgrid_ip_info
short_description: List the dedicated IPs of a SendGrid account
version_added: 0.1.0
description:
  - List the dedicated IP addresses of a SendGrid account with their pools, warmup state, reverse DNS and subusers.
  - Also returns how many IPs can still be added to the account and at what price.
  - Every page of the list is read, so the result is complete however many IPs the account has.
  - Filters are sent to SendGrid as query parameters; O(ip) is then matched exactly.
author:
  - mailops.sendgrid maintainers (@mailops)
extends_documentation_fragment:
  - mailops.sendgrid.sendgrid
  - mailops.sendgrid.sendgrid.info_attributes
options:
  ip:
    description:
      - Only this IPv4 address. Checked to be an IPv4 address before any request is sent.
    type: str
  subuser:
    description:
      - Only the IPs that this subuser may send from.
      - Cannot be used with O(assigned_only=true).
    type: str
  exclude_whitelabels:
    description:
      - Leave out the IPs that have a reverse DNS record (SendGrid's C(exclude_whitelabels) filter).
      - Cannot be used with O(assigned_only=true).
    type: bool
    default: false
  assigned_only:
    description:
      - Only the IPs assigned to the account, read from SendGrid's C(GET /v3/ips/assigned) list.
      - That list does not carry reverse DNS, subusers or assignment dates, so RV(ips[].rdns),
        RV(ips[].whitelabeled) and RV(ips[].assigned_at) are V(null) and RV(ips[].subusers) is empty.
    type: bool
    default: false
notes:
  - Needs the API key scope C(ips.read), and also C(ips.assigned.read) with O(assigned_only=true).
  - O(on_behalf_of) is refused before any request, because SendGrid does not declare the on-behalf-of header for C(/v3/ips) and may
    answer with the parent account's IPs. Use O(subuser) to list the IPs a subuser may send from.
seealso:
  - module: mailops.sendgrid.sendgrid_ip
  - module: mailops.sendgrid.sendgrid_ip_pool_info
"""

EXAMPLES = r"""
- name: All dedicated IPs of the account
  mailops.sendgrid.sendgrid_ip_info:
  register: account_ips

- name: IPs that are still warming up
  ansible.builtin.debug:
    msg: "{{ account_ips.ips | selectattr('warmup') | map(attribute='ip') | list }}"

- name: One IP
  mailops.sendgrid.sendgrid_ip_info:
    ip: 192.0.2.10
  register: one_ip

- name: IPs a subuser sends from
  mailops.sendgrid.sendgrid_ip_info:
    subuser: eu-marketing

- name: Only the IPs assigned to the account
  mailops.sendgrid.sendgrid_ip_info:
    assigned_only: true
  register: assigned

- name: How many more IPs can be bought, and at what price
  ansible.builtin.debug:
    msg: "{{ assigned.remaining_ips[0].remaining | default(0) }} more IPs per {{ assigned.remaining_ips[0].period | default('period') }}"
"""

RETURN = r"""
ips:
  description:
    - The matching IPs, in SendGrid's order. Empty when nothing matches.
    - The C(ip) and C(warmup) of each item can be fed to M(mailops.sendgrid.sendgrid_ip).
  returned: always
  type: list
  elements: dict
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
      sample: false
    start_date:
      description: Unix time when the warmup started, or V(null).
      type: int
      sample: 1700000000
    rdns:
      description: The reverse DNS name of the IP; V(null) when it has none or with O(assigned_only=true).
      type: str
      sample: o1.email.example.com
    whitelabeled:
      description: Whether the IP has a reverse DNS record; V(null) with O(assigned_only=true).
      type: bool
      sample: true
    subusers:
      description: Subusers that may send from the IP; always empty with O(assigned_only=true).
      type: list
      elements: str
      sample: [eu-marketing]
    assigned_at:
      description: Unix time when the IP was assigned to the account; V(null) when unknown or with O(assigned_only=true).
      type: int
      sample: 1482883200
remaining_ips:
  description:
    - How many IPs can still be added to the account, per period, and the price of one (C(GET /v3/ips/remaining)).
    - Empty when SendGrid gives no figure.
  returned: always
  type: list
  elements: dict
  contains:
    remaining:
      description: Number of IPs that can still be added.
      type: int
      sample: 2
    period:
      description: The period the count applies to.
      type: str
      sample: month
    price_per_ip:
      description: Price of one more IP.
      type: float
      sample: 20
  sample:
    - remaining: 2
      period: month
      price_per_ip: 20
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

from ansible_collections.mailops.sendgrid.plugins.module_utils._ips import IPS_PATH, list_ips, normalise_ip
from ansible_collections.mailops.sendgrid.plugins.module_utils._errors import InputError
from ansible_collections.mailops.sendgrid.plugins.module_utils._module import run_info
from ansible_collections.mailops.sendgrid.plugins.module_utils._validators import validate_ipv4, validate_username


def normalise_remaining(answer):
    return [
        {"remaining": item.get("remaining"), "period": item.get("period"), "price_per_ip": item.get("price_per_ip")}
        for item in (answer or {}).get("results") or ()
        if isinstance(item, dict)
    ]


def gather(module):
    params = module.params
    ip = validate_ipv4(params["ip"], "ip") if params["ip"] is not None else None
    if params["subuser"] is not None:
        params["subuser"] = validate_username(params["subuser"], "subuser")
    if params["assigned_only"]:
        for option in ("subuser", "exclude_whitelabels"):
            if params[option]:
                raise InputError("%s cannot be used with assigned_only=true: SendGrid's assigned list has no such filter" % option)
    client = module.client
    if params["assigned_only"]:
        items = client.get(IPS_PATH + "/assigned", expect=list)
    else:
        items = list_ips(client, {"ip": ip, "subuser": params["subuser"], "exclude_whitelabels": True if params["exclude_whitelabels"] else None})
    ips = [dict(normalise_ip(item), assigned_at=item.get("assigned_at")) for item in items if isinstance(item, dict)]
    if ip is not None:
        ips = [item for item in ips if item["ip"] == ip]
    return dict(ips=ips, remaining_ips=normalise_remaining(client.get(IPS_PATH + "/remaining", expect=dict)))


def main():
    run_info(
        dict(
            ip=dict(type="str"),
            subuser=dict(type="str"),
            exclude_whitelabels=dict(type="bool", default=False),
            assigned_only=dict(type="bool", default=False),
        ),
        gather,
        parent_account_only=("/v3/ips", "; the subuser option lists them"),
    )


if __name__ == "__main__":
    main()
