# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: route53_hosted_zone
short_description: The Route 53 hosted zone a domain is in
version_added: 0.2.0
description:
  - Of the hosted zones M(amazon.aws.route53_info) lists, the one with the longest name that is the domain or one of its
    parents, so a sender C(mail.example.co.uk) goes into C(example.co.uk) and never into a zone C(co.uk) of the same account.
    The domain is not assumed to be a zone apex.
  - Fails naming the zones when none holds the domain, and when two zones of the same visibility have that name.
author:
  - mailops.sendgrid maintainers (@mailops)
options:
  _input:
    description: The domain (or any name in it).
    type: str
    required: true
  zones:
    description: The hosted zones, C(hosted_zones) (or C(HostedZones)) of M(amazon.aws.route53_info) with O(amazon.aws.route53_info#module:query=hosted_zone).
    type: list
    elements: dict
    required: true
  private:
    description: Choose among private hosted zones instead of public ones.
    type: bool
    default: false
"""

EXAMPLES = r"""
- name: List the hosted zones
  amazon.aws.route53_info:
    query: hosted_zone
    hosted_zone_method: list
  register: hosted

- name: The zone of the sender
  ansible.builtin.set_fact:
    zone: "{{ 'mail.example.co.uk' | mailops.sendgrid.route53_hosted_zone(hosted.hosted_zones) }}"
"""

RETURN = r"""
_value:
  description: The zone's C(id) (without C(/hostedzone/)) and C(name) (without the trailing dot).
  type: dict
  sample: {id: Z0123456789ABCDEFGHIJ, name: example.co.uk}
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.mailops.sendgrid.plugins.plugin_utils._dns_formats import FormatError, hosted_zone_for


def _hosted_zone(domain, zones, private=False):
    try:
        return hosted_zone_for(domain, zones, private)
    except FormatError as exc:
        raise AnsibleFilterError("route53_hosted_zone: %s" % exc)


class FilterModule:
    def filters(self):
        return {"route53_hosted_zone": _hosted_zone}
