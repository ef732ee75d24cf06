# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: from_route53
short_description: Route 53 record sets as the record sets of M(mailops.sendgrid.sendgrid_dns_publish)
version_added: 0.2.0
description:
  - Turns the C(resource_record_sets) that M(amazon.aws.route53_info) returns (snake_case or CamelCase) into a list of
    C(name), C(type), C(values) and C(ttl), the shape O(mailops.sendgrid.sendgrid_dns_publish#module:current_record_sets) takes.
  - Names lose the trailing dot and Route 53's octal escapes (C(\052) is C(*)); TXT values are unquoted and their strings
    joined; CNAME targets and MX exchanges lose the trailing dot.
  - An alias record becomes one value C(ALIAS <target>), so that a CNAME planned at its name is a conflict.
author:
  - mailops.sendgrid maintainers (@mailops)
options:
  _input:
    description: The record sets, C(resource_record_sets) of M(amazon.aws.route53_info) with O(amazon.aws.route53_info#module:query=record_sets).
    type: list
    elements: dict
    required: true
"""

EXAMPLES = r"""
- name: Read the zone
  amazon.aws.route53_info:
    query: record_sets
    hosted_zone_id: Z0123456789ABCDEFGHIJ
  register: zone

- name: Merge SendGrid's records with it (plan only)
  mailops.sendgrid.sendgrid_dns_publish:
    records: "{{ auth.dns_records }}"
    current_record_sets: "{{ zone.resource_record_sets | mailops.sendgrid.from_route53 }}"
    zone: example.com
    publish: false
  register: plan
"""

RETURN = r"""
_value:
  description: The record sets, in the order given.
  type: list
  elements: dict
  sample:
    - {name: example.com, type: TXT, values: ["v=spf1 include:_spf.google.com ~all"], ttl: 300}
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.mailops.sendgrid.plugins.plugin_utils._dns_formats import FormatError, from_route53


def _from_route53(record_sets):
    try:
        return from_route53(record_sets)
    except FormatError as exc:
        raise AnsibleFilterError("from_route53: %s" % exc)


class FilterModule:
    def filters(self):
        return {"from_route53": _from_route53}
