# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: sender_zone_snippet
short_description: The DNS records of a sender as the lines of a BIND zone-file snippet
version_added: 0.2.0
description:
  - Absolute names, the TTL, TXT values longer than 255 characters split into several strings of one record, CNAME
    and MX targets with the trailing dot, a comment before an SPF or DMARC record that may need merging, and a comment
    for a record whose value SendGrid assigns on create (check mode).
  - With C(record_sets) (what a publisher merged with the zone), every value each name must hold instead.
author:
  - mailops.sendgrid maintainers (@mailops)
options:
  _input:
    description:
      - C(domain), C(ttl), C(records) (C(name), C(type), C(value) each); C(record_sets) (C(name), C(type), C(values)
        each) and C(merged_from) (the server or zone they were read from) when a publisher merged them.
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: Write the records of a domain as a zone-file snippet
  ansible.builtin.copy:
    content: "{{ ({'domain': 'example.com', 'ttl': 3600, 'records': auth.dns_records} | mailops.sendgrid.sender_zone_snippet | join('\n')) ~ '\n' }}"
    dest: sendgrid.zone
    mode: "0644"
"""

RETURN = r"""
_value:
  description: The lines of the snippet.
  type: list
  elements: str
  sample: ["; DNS records for SendGrid sender example.com, written by mailops.sendgrid.sender_setup.", "em.example.com. 3600 IN CNAME u1.wl.sendgrid.net."]
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.mailops.sendgrid.plugins.module_utils._sender_summary import zone_snippet_lines


def _sender_zone_snippet(facts):
    if not isinstance(facts, dict):
        raise AnsibleFilterError("sender_zone_snippet takes a dict (domain, ttl, records), got %s" % type(facts).__name__)
    try:
        return zone_snippet_lines(facts)
    except (KeyError, TypeError) as exc:
        raise AnsibleFilterError("sender_zone_snippet: a record or record set lacks %s" % exc) from exc


class FilterModule:
    def filters(self):
        return {"sender_zone_snippet": _sender_zone_snippet}
