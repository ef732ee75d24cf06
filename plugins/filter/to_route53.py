# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: to_route53
short_description: The values of one record set as M(amazon.aws.route53) takes them
version_added: 0.2.0
description:
  - TXT values are quoted, split into strings of at most 255 characters (a DKIM key is longer), with quotes and
    backslashes escaped; other values are passed as they are.
author:
  - mailops.sendgrid maintainers (@mailops)
options:
  _input:
    description: The values (the C(after) of a change of M(mailops.sendgrid.sendgrid_dns_publish)), or one value.
    type: list
    elements: str
    required: true
  rtype:
    description: The record type.
    type: str
    required: true
"""

EXAMPLES = r"""
- name: Publish one planned change
  amazon.aws.route53:
    state: present
    hosted_zone_id: Z0123456789ABCDEFGHIJ
    record: "{{ change.name }}"
    type: "{{ change.type }}"
    ttl: 300
    value: "{{ change.after | mailops.sendgrid.to_route53(change.type) }}"
    overwrite: true
"""

RETURN = r"""
_value:
  description: The values for O(amazon.aws.route53#module:value).
  type: list
  elements: str
  sample: ['"v=spf1 include:_spf.google.com include:sendgrid.net ~all"']
"""

from ansible_collections.mailops.sendgrid.plugins.plugin_utils._dns_formats import to_route53


class FilterModule:
    def filters(self):
        return {"to_route53": to_route53}
