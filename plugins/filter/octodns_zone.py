# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: octodns_zone
short_description: DNS records as the content of an octoDNS zone file
version_added: 0.2.0
description:
  - Turns records (C(name), C(type), C(value)) or record sets (C(name), C(type), C(values)) into what an octoDNS
    C(YamlProvider) zone file holds. Names are relative to the zone (the apex is the empty name), with one record or a
    list of records per name; CNAME targets and MX exchanges get the trailing dot, and semicolons of TXT values are escaped.
  - A record whose value is null (check mode of a create, SendGrid has not assigned it) is left out.
  - Fails naming the records that are not in the zone.
author:
  - mailops.sendgrid maintainers (@mailops)
options:
  _input:
    description: The records or record sets (C(dns_records) of the modules, C(record_sets) of M(mailops.sendgrid.sendgrid_dns_publish)).
    type: list
    elements: dict
    required: true
  zone:
    description: The zone, V(example.com).
    type: str
    required: true
  ttl:
    description: The TTL of a record set that carries none.
    type: int
    default: 3600
"""

EXAMPLES = r"""
- name: Write the records into the zone file kept in git
  ansible.builtin.copy:
    content: "{{ auth.dns_records | mailops.sendgrid.octodns_zone('example.com', 3600) | ansible.builtin.to_nice_yaml }}"
    dest: dns/zones/example.com.yaml
    mode: "0644"
"""

RETURN = r"""
_value:
  description: The zone file's content.
  type: dict
  sample:
    em1234: {type: CNAME, ttl: 3600, value: u1234567.wl001.sendgrid.net.}
    _dmarc: {type: TXT, ttl: 3600, values: ["v=DMARC1\\; p=none"]}
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.mailops.sendgrid.plugins.plugin_utils._dns_formats import FormatError, octodns_zone


def _octodns_zone(records, zone, ttl=3600):
    try:
        return octodns_zone(records, zone, ttl)
    except FormatError as exc:
        raise AnsibleFilterError("octodns_zone: %s" % exc)


class FilterModule:
    def filters(self):
        return {"octodns_zone": _octodns_zone}
