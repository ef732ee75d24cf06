#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: sendgrid_ip_pool_info
short_description: List SendGrid IP pools and their member IPs
version_added: 0.1.0
description:
  - List the IP pools of a SendGrid account, or one pool by name, each with its member IPs.
  - Each item has the shape of the options of M(mailops.sendgrid.sendgrid_ip_pool) (C(name), C(ips)),
    so it can be fed back to that module.
  - One pool costs one request. All pools cost the pool list plus the account's IP list (every page of it),
    whose items name the pools each IP belongs to, however many pools there are.
author:
  - mailops.sendgrid maintainers (@mailops)
extends_documentation_fragment:
  - mailops.sendgrid.sendgrid
  - mailops.sendgrid.sendgrid.info_attributes
options:
  name:
    description:
      - Only the pool with this exact name, 1 to 64 characters. Omit for all pools.
    type: str
notes:
  - Needs the API key scopes C(ips.pools.read) and, without O(name), C(ips.read).
  - O(on_behalf_of) is refused before any request, because SendGrid does not declare the on-behalf-of header for C(/v3/ips/pools) and may
    ignore it, acting on the parent account instead. IP pools belong to the parent account; the subusers send from the IPs assigned to them.
  - SendGrid says that an IP added to a pool may take up to 60 seconds to show up in reads.
seealso:
  - module: mailops.sendgrid.sendgrid_ip_pool
  - module: mailops.sendgrid.sendgrid_ip_info
"""

EXAMPLES = r"""
- name: All pools
  mailops.sendgrid.sendgrid_ip_pool_info:
  register: pools

- name: Pools without any IP
  ansible.builtin.debug:
    msg: "{{ pools.pools | rejectattr('ips') | map(attribute='name') | list }}"

- name: One pool
  mailops.sendgrid.sendgrid_ip_pool_info:
    name: transactional
  register: transactional

- name: Copy its membership to another pool
  mailops.sendgrid.sendgrid_ip_pool:
    name: transactional-copy
    ips: "{{ transactional.pools[0].ips }}"
  when: transactional.pools | length > 0
"""

RETURN = r"""
pools:
  description:
    - The pools, sorted by name. Empty when there is none or O(name) does not exist.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: Name of the pool.
      type: str
      sample: transactional
    ips:
      description: Member IPs, sorted.
      type: list
      elements: str
      sample: [192.0.2.10, 192.0.2.11]
  sample:
    - name: marketing
      ips: []
    - name: transactional
      ips: [192.0.2.10, 192.0.2.11]
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

from ansible_collections.mailops.sendgrid.plugins.module_utils._compare import sorted_ips
from ansible_collections.mailops.sendgrid.plugins.module_utils._ips import POOLS_PATH, list_ips, read_pool, validate_pool_name
from ansible_collections.mailops.sendgrid.plugins.module_utils._module import run_info


def all_pools(client):
    names = [item.get("name") for item in client.get(POOLS_PATH, expect=list) if isinstance(item, dict) and item.get("name")]
    if not names:
        return []
    members = dict((name, set()) for name in names)
    for item in list_ips(client):
        if not isinstance(item, dict) or not item.get("ip"):
            continue
        for pool in item.get("pools") or ():
            if pool in members:
                members[pool].add(item["ip"])
    return [{"name": name, "ips": sorted_ips(members[name])} for name in sorted(set(names))]


def gather(module):
    name = module.params["name"]
    if name is None:
        return dict(pools=all_pools(module.client))
    validate_pool_name(name, "name")
    pool = read_pool(module.client, name)
    return dict(pools=[pool] if pool is not None else [])


def main():
    run_info(dict(name=dict(type="str")), gather, parent_account_only="/v3/ips/pools")


if __name__ == "__main__":
    main()
