#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: sendgrid_reverse_dns_info
short_description: List the reverse DNS (formerly IP whitelabel) of a SendGrid account
version_added: 0.1.0
description:
  - List every reverse DNS of the account (all pages), or only the one of an IP, or those of a domain.
  - Each item has the keys C(ip), C(domain) and C(subdomain) of M(mailops.sendgrid.sendgrid_reverse_dns), so it
    can be fed back to that module.
  - Never changes anything.
author:
  - mailops.sendgrid maintainers (@mailops)
extends_documentation_fragment:
  - mailops.sendgrid.sendgrid
  - mailops.sendgrid.sendgrid.info_attributes
options:
  ip:
    description:
      - Only the reverse DNS of exactly this IPv4 address.
      - The API's C(ip) filter is a prefix search (C(192.0.2.1) also matches C(192.0.2.10)); the module keeps only
        the exact IP.
    type: str
  domain:
    description:
      - Only reverse DNS whose root domain is exactly this one (case-insensitive, without a trailing dot).
      - The API has no domain filter, so every page is read and filtered here.
    type: str
notes:
  - Needs the API key scope C(whitelabel.read).
  - With both O(ip) and O(domain), an item must match both.
seealso:
  - module: mailops.sendgrid.sendgrid_reverse_dns
"""

EXAMPLES = r"""
- name: Every reverse DNS of the account
  mailops.sendgrid.sendgrid_reverse_dns_info:
  register: all_rdns

- name: Report the ones that are not validated yet
  ansible.builtin.debug:
    msg: "{{ all_rdns.reverse_dns | rejectattr('valid') | map(attribute='rdns') | list }}"

- name: The reverse DNS of one IP
  mailops.sendgrid.sendgrid_reverse_dns_info:
    ip: 192.0.2.10
  register: one

- name: Everything on example.com, in a subuser's account
  mailops.sendgrid.sendgrid_reverse_dns_info:
    domain: example.com
    on_behalf_of: marketing-team
  register: example_com

- name: Feed the items back to the module, here to validate every one of them
  mailops.sendgrid.sendgrid_reverse_dns:
    ip: "{{ item.ip }}"
    domain: "{{ item.domain }}"
    subdomain: "{{ item.subdomain }}"
    validate: true
    validate_failure: warn
  loop: "{{ example_com.reverse_dns }}"
  loop_control:
    label: "{{ item.rdns }}"
"""

RETURN = r"""
reverse_dns:
  description:
    - The matching reverse DNS, in the API's order. Empty when nothing matches.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: SendGrid's ID of the reverse DNS.
      type: int
      sample: 123
    ip:
      description: The IP address.
      type: str
      sample: 192.0.2.10
    rdns:
      description: The name SendGrid gave the IP.
      type: str
      sample: o1.email.example.com
    domain:
      description: The root domain.
      type: str
      sample: example.com
    subdomain:
      description: The subdomain, V("") when there is none.
      type: str
      sample: email
    valid:
      description: Whether SendGrid has validated the reverse DNS.
      type: bool
      sample: true
    legacy:
      description: Whether it was created with SendGrid's legacy whitelabel tool (it works but cannot be changed).
      type: bool
      sample: false
    users:
      description: The users that can send mail from the IP.
      type: list
      elements: dict
      contains:
        username:
          description: The user's name.
          type: str
          sample: example-parent
        user_id:
          description: The user's ID.
          type: int
          sample: 7
    dns_records:
      description: The C(A) record to publish for this reverse DNS, as a list of C({name, type, value}).
      type: list
      elements: dict
      contains:
        name:
          description: Fully qualified name, lower case, without the trailing dot.
          type: str
          sample: o1.email.example.com
        type:
          description: Record type, upper case.
          type: str
          sample: A
        value:
          description: The IP address.
          type: str
          sample: 192.0.2.10
  sample:
    - id: 123
      ip: 192.0.2.10
      rdns: o1.email.example.com
      domain: example.com
      subdomain: email
      valid: true
      legacy: false
      users: [{username: example-parent, user_id: 7}]
      dns_records: [{name: o1.email.example.com, type: A, value: 192.0.2.10}]
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

from ansible_collections.mailops.sendgrid.plugins.module_utils._module import run_info
from ansible_collections.mailops.sendgrid.plugins.module_utils._validators import validate_domain, validate_ipv4
from ansible_collections.mailops.sendgrid.plugins.module_utils._reverse_dns import dns_records_of, list_by_ip, public, to_object


def to_item(raw):
    """One reverse DNS in the shape that M(sendgrid_reverse_dns) returns, plus its DNS records."""
    obj = to_object(raw)
    return dict(public(obj), dns_records=dns_records_of(obj))


def list_reverse_dns(module):
    params = module.params
    ip = validate_ipv4(params["ip"], "ip") if params["ip"] is not None else None
    domain = validate_domain(params["domain"], "domain") if params["domain"] is not None else None
    items = [to_item(raw) for raw in list_by_ip(module.client, ip)]
    return {"reverse_dns": [item for item in items if domain is None or item["domain"] == domain]}


def main():
    run_info(dict(ip=dict(type="str"), domain=dict(type="str")), list_reverse_dns)


if __name__ == "__main__":
    main()
