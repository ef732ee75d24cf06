#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: sendgrid_ip_pool
short_description: Manage SendGrid IP pools and their member IPs
version_added: 0.1.0
description:
  - Create, rename and delete an IP pool of a SendGrid account, and make it hold the dedicated IPs you list.
  - Members are compared as a set; their order never causes a change.
  - Membership changes go through SendGrid's add-IP and remove-IP endpoints, so a pool is never recreated.
author:
  - mailops.sendgrid maintainers (@mailops)
extends_documentation_fragment:
  - mailops.sendgrid.sendgrid
  - mailops.sendgrid.sendgrid.attributes
options:
  name:
    description:
      - Name of the pool, 1 to 64 characters.
      - With O(new_name), the pool's current name.
    type: str
    required: true
  new_name:
    description:
      - Rename the pool to this name, idempotently.
      - When only O(name) exists it is renamed; when only O(new_name) exists nothing is renamed;
        when both exist the module fails; when neither exists a pool named O(new_name) is created.
      - Cannot be used with O(state=absent).
    type: str
  state:
    description:
      - V(present) makes sure the pool exists with the listed IPs; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  ips:
    description:
      - IPv4 addresses that must be members of the pool. They must be dedicated IPs of the account.
      - Omit to leave the membership alone.
    type: list
    elements: str
  purge_ips:
    description:
      - Remove members that are not listed in O(ips).
      - Has no effect when O(ips) is omitted.
    type: bool
    default: false
notes:
  - Needs the API key scopes C(ips.pools.read), C(ips.pools.create), C(ips.pools.update) and C(ips.pools.delete)
    (C(ips.pools.ips.create) and C(ips.pools.ips.delete) for membership changes).
  - O(on_behalf_of) is refused before any request, because SendGrid does not declare the on-behalf-of header for C(/v3/ips/pools) and may
    ignore it, acting on the parent account instead. IP pools belong to the parent account; the subusers send from the IPs assigned to them.
  - When IPs are to be added, the account's IP list (C(GET /v3/ips)) is read once before the first write, and an IP that
    is not on it fails the task before anything is created or added, also in check mode.
  - SendGrid says that an IP added to a pool may take up to 60 seconds to show up in reads. If a run
    starts within that window, the module asks to add the IP again; SendGrid answers that it is already
    in the pool, and the module counts that as no change. Check mode sends no add, so within that window
    it reports the IP as one to add.
seealso:
  - module: mailops.sendgrid.sendgrid_ip_pool_info
  - module: mailops.sendgrid.sendgrid_ip
"""

EXAMPLES = r"""
- name: Transactional mail goes out on exactly these two IPs
  mailops.sendgrid.sendgrid_ip_pool:
    name: transactional
    ips:
      - 192.0.2.10
      - 192.0.2.11
    purge_ips: true

- name: Rename a pool (safe to run again after the rename)
  mailops.sendgrid.sendgrid_ip_pool:
    name: marketing
    new_name: marketing-eu

- name: Delete a pool
  mailops.sendgrid.sendgrid_ip_pool:
    name: old-pool
    state: absent
"""

RETURN = r"""
pool:
  description:
    - The pool after the run, in the shape of the module's options. In check mode, the pool as it would be.
    - Empty when O(state=absent).
  returned: always
  type: dict
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
    name: transactional
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

from ansible_collections.mailops.sendgrid.plugins.module_utils._module import run_resource, SendGridModule
from ansible_collections.mailops.sendgrid.plugins.module_utils._resource_ip_pool import IPPool, argument_spec


def main():
    module = SendGridModule(
        argument_spec=argument_spec(),
        parent_account_only="/v3/ips/pools",
        supports_check_mode=True,
    )
    run_resource(module, IPPool)


if __name__ == "__main__":
    main()
