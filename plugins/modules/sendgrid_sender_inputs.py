#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: sendgrid_sender_inputs
short_description: Check the sender_setup role's variables of one host and give back its sender
version_added: 0.1.0
description:
  - The first task of the C(mailops.sendgrid.sender_setup) role, on every host. It refuses role variables that do
    not exist (naming the closest inputs), checks every input against the role's argument specification
    (C(meta/argument_specs.yml), entry point C(main)) as ansible-core's own role validation does, and refuses inputs
    that contradict each other, naming the role variables.
  - Returns the host's sender in the shape of O(mailops.sendgrid.sendgrid_senders#module:senders), for the fleet path.
  - Runs on the controller (an action plugin), templates only the role's variables and sends no request. The bundled
    playbooks import the role with C(rolespec_validate=false), since this task checks the same specification (on a
    play of hundreds of senders each per-host task costs seconds).
author:
  - mailops.sendgrid maintainers (@mailops)
options:
  role_path:
    description:
      - The role's directory; its C(meta/argument_specs.yml) is read. Defaults to the directory of the role the task is
        in (its C(role_path)); required for a task outside a role.
    type: path
  outputs:
    description: Variables with the role's prefix that are the role's results, not inputs.
    type: list
    elements: str
    default: []
attributes:
  action:
    support: full
    description: Runs on the controller as an action plugin.
  check_mode:
    support: full
    description: Changes nothing in either mode.
  diff_mode:
    support: none
    description: Changes nothing, so there is nothing to show.
  platform:
    support: full
    description: Runs on the controller.
    platforms: all
seealso:
  - module: mailops.sendgrid.sendgrid_senders
"""

EXAMPLES = r"""
# The first task of the sender_setup role (tasks/main.yml); outside a role, give role_path.
- name: Check the role's variables of this host
  mailops.sendgrid.sendgrid_sender_inputs:
    # Variables with the role's prefix that the role sets itself (not typos).
    outputs: [sender_setup_domain_result, sender_setup_summary]
  register: checked
"""

RETURN = r"""
fleet:
  description:
    - Whether the host takes the fleet path - C(sender_setup_fleet), unless the sender's IPs are bought or assigned to
      its subuser first (RV(dedicated_ips)), which takes the per-host path.
  returned: success
  type: bool
  sample: true
dedicated_ips:
  description: Whether the sender's IPs are bought (C(sender_setup_ip_count)) or assigned to its subuser (C(sender_setup_assign_ips)) first.
  returned: success
  type: bool
  sample: false
call:
  description: This task's identity, the same for every host of one call of the role; the fleet run takes the hosts of its own call.
  returned: success
  type: str
  sample: 0242ac11-0002-36b3-7e5f-000000000012
sender:
  description: The host's entry of O(mailops.sendgrid.sendgrid_senders#module:senders), from its role variables.
  returned: success
  type: dict
  sample:
    host: shop
    domain: shop.example.com
    ips: [203.0.113.10]
    ip_pool: shop-transactional
    summary_facts: {dmarc_value: "", dns_email: ""}
    extra_dns_records: []
after_steps:
  description:
    - The role's task files after the SendGrid objects that apply to the host, in order (publishing, checks, ...).
      C(validate.yml) is listed when validation is on.
  returned: success
  type: list
  elements: str
  sample: [records_files.yml, publish_nsupdate.yml, dns_check.yml, validate.yml]
after_steps_when_valid:
  description: RV(after_steps) without C(validate.yml), for a sender whose objects are all valid.
  returned: success
  type: list
  elements: str
  sample: [records_files.yml, publish_nsupdate.yml, dns_check.yml]
path_steps:
  description:
    - The role's task files the role's second task includes, in order - C(fleet.yml) and, when RV(after_steps) has
      any, C(fleet_after.yml); or C(per_host.yml) alone (which starts with the dedicated IPs when asked for).
  returned: success
  type: list
  elements: str
  sample: [fleet.yml, fleet_after.yml]
show_result:
  description:
    - Whether the fleet path's report (M(mailops.sendgrid.sendgrid_sender_result)) shows the summary and the records,
      as it does when nothing follows the SendGrid objects (RV(after_steps) is empty).
  returned: success
  type: bool
  sample: false
show_result_if_valid:
  description:
    - Whether it shows them once every object is valid, when validation is the only step after the SendGrid objects
      (and is then skipped).
  returned: success
  type: bool
  sample: true
dmarc_value:
  description: The DMARC record's value (RFC 7489) with C(sender_setup_dmarc), else empty.
  returned: success
  type: str
  sample: "v=DMARC1; p=none; rua=mailto:dmarc@example.com"
dmarc_records:
  description: The DMARC record as C({name, type, value}) with C(sender_setup_dmarc), else empty.
  returned: success
  type: list
  elements: dict
  sample: [{name: _dmarc.shop.example.com, type: TXT, value: "v=DMARC1; p=none"}]
zone:
  description: C(domain) and C(ttl) of the sender's zone-file snippet.
  returned: success
  type: dict
  sample: {domain: shop.example.com, ttl: 3600}
summary_facts:
  description: What the summary lines say beyond the SendGrid objects (C(domain), C(subusers), C(purge_subusers), C(dmarc_value), C(dns_email)).
  returned: success
  type: dict
  sample: {domain: shop.example.com, subusers: [], purge_subusers: false, dmarc_value: "", dns_email: ""}
argument_errors:
  description: What the argument specification refused, one message each.
  returned: when a variable does not fit its specification
  type: list
  elements: str
  sample: ["argument 'sender_setup_dmarc_pct' is of type str and we were unable to convert to int"]
"""

from ansible.module_utils.basic import AnsibleModule


def main():
    # The work is done by the action plugin of the same name on the controller; this file documents it.
    module = AnsibleModule(
        argument_spec=dict(role_path=dict(type="path"), outputs=dict(type="list", elements="str", default=[])),
        supports_check_mode=True,
    )
    module.fail_json(msg="mailops.sendgrid.sendgrid_sender_inputs runs on the controller as an action plugin; it cannot run as a module")


if __name__ == "__main__":
    main()
