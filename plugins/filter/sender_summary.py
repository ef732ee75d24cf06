# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: sender_summary
short_description: The summary lines of a sender of the sender_setup role
version_added: 0.2.0
description:
  - One line per SendGrid object of a sender (IP pool, reverse DNS per IP, domain authentication, link branding) with
    its state and validity, then DMARC, the DNS email, the DNS check and the readiness check when they ran. The
    C(sender_setup) role sets them as C(sender_setup_summary) and shows them.
author:
  - mailops.sendgrid maintainers (@mailops)
options:
  _input:
    description:
      - The sender's facts, C(check_mode), C(domain), C(pool_result), C(reverse_dns_results) (per IP),
        C(domain_result), C(link_result) (the results of the modules, empty when a step did not run), C(subusers),
        C(purge_subusers), C(dmarc_value) (empty without DMARC), C(dns_email), C(dns_email_result),
        C(dns_check_result), C(readiness_result) (null when the step did not run).
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: The summary of a sender set up with the modules
  ansible.builtin.debug:
    msg: >-
      {{ {'domain': 'example.com', 'check_mode': ansible_check_mode, 'domain_result': auth, 'link_result': link}
         | mailops.sendgrid.sender_summary }}
"""

RETURN = r"""
_value:
  description: The lines.
  type: list
  elements: str
  sample: ["Domain auth     em.example.com: unchanged, valid", "Link branding   links.example.com: changed, NOT VALID"]
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.mailops.sendgrid.plugins.module_utils._sender_summary import summary_lines


def _sender_summary(facts):
    if not isinstance(facts, dict):
        raise AnsibleFilterError("sender_summary takes the sender's facts as a dict, got %s" % type(facts).__name__)
    return summary_lines(facts)


class FilterModule:
    def filters(self):
        return {"sender_summary": _sender_summary}
