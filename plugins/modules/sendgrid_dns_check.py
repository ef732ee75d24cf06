#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: sendgrid_dns_check
short_description: Check that the DNS records SendGrid needs are published, and name the usual mistakes
version_added: 0.1.0
description:
  - Looks up each record of O(records) in DNS, read only, and says whether it is published with the expected value.
  - O(records) takes exactly what the C(dns_records) result of M(mailops.sendgrid.sendgrid_domain_auth),
    M(mailops.sendgrid.sendgrid_link_branding) and M(mailops.sendgrid.sendgrid_reverse_dns) holds, so the
    check can run right after publishing the records and before asking SendGrid to validate them.
  - Asks the nameservers of O(nameservers) (for example the zone's authoritative servers, to skip caches)
    or, when O(nameservers) is not set, the resolvers of the host that runs the module.
  - Besides missing records and wrong values, it names the usual mistakes, see RV(records[].problem).
author:
  - mailops.sendgrid maintainers (@mailops)
extends_documentation_fragment:
  - mailops.sendgrid.sendgrid.dns
  - mailops.sendgrid.sendgrid
  - mailops.sendgrid.sendgrid.info_attributes
options:
  records:
    description:
      - The records that must be published, each with O(records[].name), O(records[].type) and O(records[].value).
      - Usually the C(dns_records) result of another module of this collection.
      - An empty list checks nothing and returns RV(ok=true).
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description:
          - The fully qualified name of the record, with or without the trailing dot, for example V(em1234.example.com).
        type: str
        required: true
      type:
        description:
          - The record type.
        type: str
        required: true
        choices: [A, AAAA, CNAME, MX, TXT]
      value:
        description:
          - The value the record must have.
          - For V(CNAME) the target name; for V(MX) the exchange, optionally after its preference (V(10 mx.sendgrid.net));
            for V(A) and V(AAAA) the address.
          - For V(TXT) the whole text. A value written as quoted strings (V("v=spf1 " "-all")) means those strings joined.
          - V(null) is a value SendGrid has not assigned yet (check mode of a create); such a record is not checked and is
            listed in RV(pending).
        type: raw
        required: true
  nameservers:
    description:
      - IP addresses of the nameservers to ask, tried in order.
      - When not set, the resolvers configured on the host that runs the module (C(/etc/resolv.conf)) are asked.
    type: list
    elements: str
  port:
    description:
      - The port of the servers in O(nameservers). Not used when O(nameservers) is not set.
    type: int
    default: 53
  timeout:
    description:
      - Seconds to wait for each DNS answer from each nameserver.
      - A nameserver that does not answer makes the affected records RV(records[].status=error).
    type: float
    default: 5
  fail_on_mismatch:
    description:
      - Fail the task when a record is not published as expected (RV(ok=false)).
      - The result still holds RV(records) and RV(summary).
      - When V(false), the task succeeds and RV(ok) tells whether every record is right.
    type: bool
    default: false
notes:
  - Needs no SendGrid API key and no scope. The connection options shared by the collection's modules are accepted and
    ignored (except O(timeout)). The shared notes about HTTP requests and the C(requests) requirement do not apply to
    this module.
  - A TXT value longer than 255 characters must be one TXT record made of several strings; such a record counts as
    found. The same value published as several TXT records is reported as RV(records[].problem=txt_split).
  - DNS caches may answer old data for up to the records' TTL. Point O(nameservers) at the zone's authoritative
    servers to see what is published right now.
  - Never reports a change.
seealso:
  - module: mailops.sendgrid.sendgrid_domain_auth
  - module: mailops.sendgrid.sendgrid_link_branding
  - module: mailops.sendgrid.sendgrid_reverse_dns
  - name: dnspython
    description: The DNS toolkit this module uses.
    link: https://www.dnspython.org/
"""

EXAMPLES = r"""
- name: Authenticate the sending domain
  mailops.sendgrid.sendgrid_domain_auth:
    domain: example.com
    subdomain: em1234
  register: auth

- name: Check the records on the zone's authoritative servers before asking SendGrid to validate
  mailops.sendgrid.sendgrid_dns_check:
    records: "{{ auth.dns_records }}"
    nameservers: [198.51.100.53, 203.0.113.53]
    fail_on_mismatch: true

- name: Audit what the public resolvers of this host see, without failing
  mailops.sendgrid.sendgrid_dns_check:
    records:
      - name: em1234.example.com
        type: CNAME
        value: u1234567.wl001.sendgrid.net
      - name: s1._domainkey.example.com
        type: CNAME
        value: s1.domainkey.u1234567.wl001.sendgrid.net
      - name: mail.example.com
        type: TXT
        value: v=spf1 include:sendgrid.net ~all
  register: dns

- name: Show what is wrong
  ansible.builtin.debug:
    msg: "{{ dns.records | rejectattr('status', 'eq', 'found') | map(attribute='message') | list }}"
  when: not dns.ok

- name: Link branding, checked on a local test DNS server; the group's API key is accepted and ignored
  module_defaults:
    group/mailops.sendgrid.sendgrid:
      api_key: "{{ vault_sendgrid_api_key }}"
  block:
    - name: Brand the links
      mailops.sendgrid.sendgrid_link_branding:
        domain: example.com
        subdomain: url1234
      register: link

    - name: Check its records
      mailops.sendgrid.sendgrid_dns_check:
        records: "{{ link.dns_records }}"
        nameservers: [127.0.0.1]
        port: 5353
        timeout: 2
"""

RETURN = r"""
nameserver_unreachable:
  description:
    - Set when a query got no answer within O(timeout) seconds. The nameservers are then taken as unreachable and the
      remaining queries are not sent (a dead nameserver would cost the timeout once per record); their records have
      RV(records[].status=error) with a message that says so, and a warning names the servers.
  returned: when a query timed out
  type: str
  sample: 192.0.2.53 did not answer a query for em.example.com CNAME within 5.0s
pending:
  description:
    - The records of O(records) whose value is null, left out. Check mode of a module that would create a SendGrid
      object returns such records, whose value SendGrid assigns on creation (a CNAME target, a DKIM key).
  returned: always
  type: list
  elements: dict
  sample: [{"name": "em.example.com", "type": "CNAME", "value": null}]
ok:
  description: Whether every record is published as expected (every RV(records[].status) is V(found)).
  returned: always
  type: bool
  sample: false
records:
  description:
    - One item per item of O(records), in the same order.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: Name of the expected record, lower case, without the trailing dot.
      type: str
      sample: em1234.example.com
    type:
      description: Type of the expected record.
      type: str
      sample: CNAME
    value:
      description:
        - The expected value. CNAME targets and MX exchanges lower case without the trailing dot, TXT values joined.
      type: str
      sample: u1234567.wl001.sendgrid.net
    status:
      description:
        - V(found) when the record is published as expected.
        - V(missing) when there is no record of that type at the name.
        - V(wrong_value) when there is, but not as expected (see RV(records[].problem)).
        - V(error) when the nameservers gave no usable answer.
      type: str
      choices: [found, missing, wrong_value, error]
      sample: wrong_value
    problem:
      description:
        - V(null) when the record is found. Otherwise what is wrong.
        - V(missing) and V(wrong_value) when nothing more precise applies.
        - V(zone_appended_twice) when the name does not exist but C(<name>.<zone>) has the record, as when
          C(em1234.example.com) was typed into a DNS console that appends C(example.com) itself.
        - V(cname_flattened) when a CNAME is expected but the name answers A or AAAA records (CNAME
          flattening, or a proxy such as Cloudflare's orange cloud).
        - V(txt_split) when a TXT value was published as several TXT records, or split into strings in a way
          that adds or drops spaces (the strings of a record are joined without separator).
        - V(conflict) when a CNAME shares its name with other records, a name has several CNAMEs, or a name
          has several SPF, DKIM or DMARC TXT records.
        - V(lookup_failed) when RV(records[].status=error).
      type: str
      choices: [missing, wrong_value, zone_appended_twice, cname_flattened, txt_split, conflict, lookup_failed]
      sample: cname_flattened
    message:
      description: What was found and what to do, for humans.
      type: str
      sample: >-
        em1234.example.com answers A records (104.16.1.1, 104.16.2.1) instead of the CNAME to u1234567.wl001.sendgrid.net:
        the CNAME is flattened or proxied (for example Cloudflare's proxy). Publish it as a plain DNS-only CNAME
    found:
      description:
        - The records DNS answered that bear on this record, in the same C({name, type, value}) shape. Empty when
          nothing was found.
        - They may have another name or type than the expected record, for example the A records of a flattened
          CNAME or the record at the doubled name.
      type: list
      elements: dict
      contains:
        name:
          description: Name of the record found.
          type: str
          sample: em1234.example.com
        type:
          description: Type of the record found.
          type: str
          sample: A
        value:
          description: Its value; for TXT the strings of the record joined, for MX C(<preference> <exchange>).
          type: str
          sample: 104.16.1.1
        strings:
          description: TXT records only, the character-strings the record is made of.
          type: list
          elements: str
          returned: for TXT records
          sample: ["v=spf1 include:sendgrid.net", "~all"]
  sample:
    - name: em1234.example.com
      type: CNAME
      value: u1234567.wl001.sendgrid.net
      status: found
      problem: null
      message: CNAME em1234.example.com -> u1234567.wl001.sendgrid.net is published
      found:
        - name: em1234.example.com
          type: CNAME
          value: u1234567.wl001.sendgrid.net
summary:
  description: Counts of the records by status and by problem.
  returned: always
  type: dict
  contains:
    total:
      description: Number of records checked.
      type: int
      sample: 3
    found:
      description: Records with RV(records[].status=found).
      type: int
      sample: 1
    missing:
      description: Records with RV(records[].status=missing).
      type: int
      sample: 1
    wrong_value:
      description: Records with RV(records[].status=wrong_value).
      type: int
      sample: 1
    error:
      description: Records with RV(records[].status=error).
      type: int
      sample: 0
    problems:
      description: Number of records per RV(records[].problem) code; only codes that occurred.
      type: dict
      sample: {zone_appended_twice: 1, cname_flattened: 1}
  sample:
    total: 3
    found: 1
    missing: 1
    wrong_value: 1
    error: 0
    problems: {zone_appended_twice: 1, cname_flattened: 1}
nameservers:
  description: The nameservers asked (O(nameservers), or the host's resolvers).
  returned: always
  type: list
  elements: str
  sample: [198.51.100.53, 203.0.113.53]
port:
  description: The port the nameservers were asked on.
  returned: always
  type: int
  sample: 53
"""


from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.mailops.sendgrid.plugins.module_utils._dns_check import (
    DNSPYTHON_IMPORT_ERROR,
    HAS_DNSPYTHON,
    CheckInputError,
    Checker,
    DNSPythonLookup,
    check_resolver_options,
    normalise_expected,
    split_pending,
)
from ansible_collections.mailops.sendgrid.plugins.module_utils._argspec import dns_argument_spec

RECORD_TYPES = ["A", "AAAA", "CNAME", "MX", "TXT"]


def argument_spec():
    spec = dns_argument_spec(RECORD_TYPES)
    spec.update(
        nameservers=dict(type="list", elements="str"),
        port=dict(type="int", default=53),
        fail_on_mismatch=dict(type="bool", default=False),
    )
    return spec


def check_input(params):
    """Validate the options before any DNS query; return the normalised records and nameservers."""
    wanted, pending = split_pending(params["records"])
    records = [normalise_expected(item, index) for index, item in enumerate(wanted)]
    return records, check_resolver_options(params), pending


def failure_message(results):
    wrong = [item for item in results if item["status"] != "found"]
    return "%d of %d DNS records are not published as expected: %s" % (
        len(wrong),
        len(results),
        "; ".join("%s %s: %s (%s)" % (item["type"], item["name"], item["problem"], item["message"]) for item in wrong),
    )


def main():
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True)
    if not HAS_DNSPYTHON:
        module.fail_json(msg=missing_required_lib("dnspython"), exception=str(DNSPYTHON_IMPORT_ERROR))
    params = module.params
    try:
        records, nameservers, pending = check_input(params)
    except CheckInputError as exc:
        module.fail_json(msg=str(exc), changed=False)
    try:
        lookup = DNSPythonLookup(nameservers, params["port"], params["timeout"])
    except Exception as exc:  # no resolv.conf, or one dnspython cannot read
        module.fail_json(msg="cannot set up the DNS resolver: %s. Set nameservers" % exc, changed=False)
    results, summary, ok = Checker(lookup).check_all(records)
    result = dict(changed=False, ok=ok, records=results, summary=summary, nameservers=lookup.nameservers, port=lookup.port, pending=pending)
    if lookup.unreachable is not None:
        # One timeout, then no more queries: the finding says so, and so does a warning (the wait is not silent).
        # Not "unreachable": Ansible reads that result key as an unreachable host.
        result["nameserver_unreachable"] = lookup.unreachable
        module.warn("%s; the other %d quer%s not sent and their records are reported as errors. Check nameservers and port"
                    % (lookup.unreachable, lookup.skipped, "y was" if lookup.skipped == 1 else "ies were"))
    if params["fail_on_mismatch"] and not ok:
        module.fail_json(msg=failure_message(results), **result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
