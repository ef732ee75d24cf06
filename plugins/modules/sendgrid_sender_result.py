#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: sendgrid_sender_result
short_description: Give one inventory host its part of a sendgrid_senders run
version_added: 0.1.0
description:
  - The per-host half of the fleet path. M(mailops.sendgrid.sendgrid_senders) runs once for every sender of the play;
    this task, run by every host, takes that host's entry of the result and reports it as the single modules would
    have on that host. It reports C(changed) when a step of the sender changed, shows each step's before and after
    with C(--diff), repeats the steps' warnings, and fails the host (with the failed step's message and details) when
    a step of the sender failed, so the others go on.
  - It sets no facts; the C(sender_setup) role sets the results with C(set_fact) before it.
  - Runs on the controller (an action plugin) and sends no request; the cost of a host is that of C(set_fact).
author:
  - mailops.sendgrid maintainers (@mailops)
options:
  result:
    description: This host's entry of RV(mailops.sendgrid.sendgrid_senders#module:senders).
    type: dict
    required: true
  show:
    description:
      - Show O(summary) and then O(records) as a zone-file snippet as this task's output, as M(ansible.builtin.debug)
        shows its C(msg) (the C(sender_setup) role does when nothing follows the sender's SendGrid objects). Not
        shown when a step failed.
    type: bool
    default: false
  show_if_valid:
    description:
      - Show as with O(show) when every object of the sender is valid (C(valid) of O(result)); the C(sender_setup)
        role does for a sender whose only step after its SendGrid objects is validation, which is then skipped.
    type: bool
    default: false
  summary:
    description:
      - The sender's summary lines; without it, those of O(result)
        (RV(mailops.sendgrid.sendgrid_senders#module:senders.summary)).
    type: list
    elements: str
  zone:
    description: C(domain) and C(ttl) of the zone-file snippet, as the filter P(mailops.sendgrid.sender_zone_snippet#filter) takes them.
    type: dict
    default: {}
  records:
    description:
      - The sender's DNS records (C(name), C(type), C(value)) for the snippet; without it, those of O(result)
        (RV(mailops.sendgrid.sendgrid_senders#module:senders.dns_records)). An empty list shows the summary alone.
    type: list
    elements: dict
attributes:
  action:
    support: full
    description: Runs on the controller as an action plugin.
  check_mode:
    support: full
    description: Reports what the check-mode run of M(mailops.sendgrid.sendgrid_senders) predicted.
  diff_mode:
    support: full
    description: Shows the before and after of each step of this sender.
  platform:
    support: full
    description: Runs on the controller.
    platforms: all
seealso:
  - module: mailops.sendgrid.sendgrid_senders
"""

EXAMPLES = r"""
- name: Every sender of the play in one run
  mailops.sendgrid.sendgrid_senders:
    senders: "{{ ansible_play_hosts | map('extract', hostvars, 'sender') | list }}"
  run_once: true
  register: fleet

- name: This host's part of it (changed, diff and failure per host)
  mailops.sendgrid.sendgrid_sender_result:
    result: "{{ fleet.senders[inventory_hostname] }}"

- name: The same, showing the sender's summary and its records as a zone-file snippet
  mailops.sendgrid.sendgrid_sender_result:
    result: "{{ fleet.senders[inventory_hostname] }}"
    show: true
    zone: {domain: "{{ sender.domain }}", ttl: 3600}
"""

RETURN = r"""
step:
  description: The step that failed (C(pool), C(reverse_dns), C(domain) or C(link)).
  returned: when a step failed
  type: str
  sample: domain
msg:
  description: The failed steps' messages, joined by C( | ); with O(show) (or O(show_if_valid)), the lines shown.
  returned: when a step failed, or when the lines are shown
  type: raw
  sample: SendGrid API request POST /v3/whitelabel/domains failed with HTTP 502 - bad gateway
"""

from ansible.module_utils.basic import AnsibleModule


def main():
    # The work is done by the action plugin of the same name on the controller; this file documents it.
    module = AnsibleModule(
        argument_spec=dict(result=dict(type="dict", required=True), show=dict(type="bool", default=False),
                           show_if_valid=dict(type="bool", default=False), summary=dict(type="list", elements="str"),
                           zone=dict(type="dict", default={}), records=dict(type="list", elements="dict")),
        supports_check_mode=True,
    )
    module.fail_json(msg="mailops.sendgrid.sendgrid_sender_result runs on the controller as an action plugin; it cannot run as a module")


if __name__ == "__main__":
    main()
