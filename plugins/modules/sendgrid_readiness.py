#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: sendgrid_readiness
short_description: Will Gmail, Yahoo and Microsoft accept bulk mail from this sender? A read-only DNS check
version_added: 0.2.0
description:
  - Answers, from DNS alone, whether a SendGrid sender meets the authentication rules Gmail, Yahoo and Microsoft set
    for bulk senders, and names each finding with the provider requirement it maps to and the bounce code users see.
  - "B(spf): the return path (O(return_path), else O(domain)) has exactly one SPF record, it needs at most 10 DNS lookups
    with its includes resolved, and every include has an SPF record; O(domain) has at most one SPF record."
  - "B(dkim): each selector of O(dkim_selectors) at O(domain) holds one DKIM key, reached through SendGrid's CNAMEs, of
    at least 1024 bits (a warning below 2048)."
  - "B(dmarc): a DMARC record applies to O(domain) (at C(_dmarc.<domain>), else at a parent: the DMARC tree walk), with
    a valid policy."
  - "B(alignment): mail from O(domain) can pass DMARC: SPF aligns (relaxed, or strict with the return path equal to the
    domain) or DKIM passes (SendGrid signs with C(d=<domain>))."
  - "B(reverse_dns): each IP of O(ips) has a PTR record, equal to its RV(checks[].name) reverse DNS name when given, whose
    A (or AAAA) record is the IP (forward-confirmed reverse DNS)."
  - "B(link): O(link_host), the branded link host, resolves to an address."
author:
  - mailops.sendgrid maintainers (@mailops)
extends_documentation_fragment:
  - mailops.sendgrid.sendgrid.dns
  - mailops.sendgrid.sendgrid
  - mailops.sendgrid.sendgrid.info_attributes
options:
  domain:
    description: The authenticated domain, the one in the From address (V(example.com)).
    type: str
    required: true
  return_path:
    description:
      - The return-path (envelope sender, bounce) domain SendGrid sends with, the name of the mail CNAME of the domain
        authentication (V(em1234.example.com)). The role passes it.
      - When not set, SPF is checked at O(domain).
    type: str
  dkim_selectors:
    description: The DKIM selectors to check at O(domain); SendGrid's automated security uses V(s1) and V(s2).
    type: list
    elements: str
    default: [s1, s2]
  link_host:
    description: The branded link host (V(url1234.example.com)), the name of the link branding's CNAME. Not checked when not set.
    type: str
  ips:
    description: The dedicated IPs that send the mail, each with the reverse DNS name it must have.
    type: list
    elements: dict
    default: []
    suboptions:
      ip:
        description: The IP address.
        type: str
        required: true
      rdns:
        description: The reverse DNS name (V(o1.email.example.com)), the C(rdns) of M(mailops.sendgrid.sendgrid_reverse_dns).
          When not set, any PTR name whose address record is the IP passes.
        type: str
  nameservers:
    description:
      - IP addresses of the nameservers to ask, tried in order (resolvers that recurse, since the names span the sender's
        zone, SendGrid's and the IPs' reverse zones).
      - When not set, the resolvers configured on the host that runs the module.
    type: list
    elements: str
  port:
    description: The port of O(nameservers).
    type: int
    default: 53
  fail_on_findings:
    description:
      - Fail the task when a check ends in an error (RV(ready=false)). Warnings (a 1024-bit DKIM key) never fail it.
      - The result still holds RV(findings) and RV(checks).
    type: bool
    default: false
notes:
  - The organizational domain of DMARC's relaxed alignment is taken as the domain where the DMARC record was found, or
    either name being under the other; no public suffix list is read.
  - DNS only. What receivers also weigh (TLS, one-click unsubscribe, spam rate, reputation) is not in DNS and not checked.
  - Never reports a change.
seealso:
  - module: mailops.sendgrid.sendgrid_dns_check
  - name: Google email sender guidelines
    description: What Gmail requires of all senders and of bulk senders.
    link: https://support.google.com/a/answer/81126
  - name: Microsoft, NDR 550 5.7.515
    description: Outlook.com's requirements for high-volume senders.
    link: https://support.microsoft.com/topic/fix-ndr-error-550-5-7-515-in-outlook-com-34cfe8f8-6fbf-457e-9e8b-9e4dbaf4e0ef
"""

EXAMPLES = r"""
- name: Authenticate the domain
  mailops.sendgrid.sendgrid_domain_auth:
    domain: example.com
    subdomain: em1234
  register: auth

- name: Is the sender ready for Gmail, Yahoo and Microsoft?
  mailops.sendgrid.sendgrid_readiness:
    domain: example.com
    return_path: "{{ auth.domain_auth.subdomain }}.example.com"
    link_host: url1234.example.com
    ips:
      - ip: 192.0.2.10
        rdns: o1.email.example.com
  register: readiness

- name: Say what is missing
  ansible.builtin.debug:
    msg: "{{ readiness.findings | map(attribute='message') | list }}"
  when: readiness.findings | length > 0

- name: Fail a nightly audit when a sender is not ready
  mailops.sendgrid.sendgrid_readiness:
    domain: example.com
    return_path: em1234.example.com
    fail_on_findings: true
"""

RETURN = r"""
ready:
  description: No check ended in an error (warnings allowed).
  returned: always
  type: bool
  sample: false
aligned:
  description: Whether SPF and DKIM align with O(domain) for DMARC (both V(false) without a DMARC record).
  returned: always
  type: dict
  sample: {"spf": true, "dkim": true}
findings:
  description: The checks that did not pass (RV(checks[].status) V(error) or V(warning)), in the order of RV(checks).
  returned: always
  type: list
  elements: dict
  sample:
    - rule: dmarc
      status: error
      name: _dmarc.example.com
      message: "no DMARC record applies to example.com (asked _dmarc.example.com): publish one, p=none to start (sender_setup_dmarc)"
      requirement: "Gmail, Yahoo and Microsoft (bulk senders): a DMARC record for the From domain, p=none at least"
      bounce: Gmail 4.7.40/5.7.40 (no DMARC policy), Microsoft 550 5.7.515
checks:
  description: Every check, passed or not.
  returned: always
  type: list
  elements: dict
  contains:
    rule:
      description: V(spf), V(dkim), V(dmarc), V(alignment), V(reverse_dns) or V(link).
      type: str
      sample: dkim
    status:
      description: V(pass), V(warning) or V(error).
      type: str
      sample: pass
    name:
      description: The DNS name (or the IP) the check is about.
      type: str
      sample: s1._domainkey.example.com
    message:
      description: What was found, and what to do when it is not right.
      type: str
      sample: a 2048-bit key
    requirement:
      description: The provider requirement the rule maps to (checks that did not pass).
      type: str
      sample: "Gmail, Yahoo and Microsoft: DKIM must pass (bulk senders)"
    bounce:
      description: The bounce code users see when it is not met (checks that did not pass).
      type: str
      sample: Gmail 4.7.30/5.7.30 (DKIM did not pass), Microsoft 550 5.7.515
    via:
      description: The CNAMEs followed to the data (V(dkim), V(spf), V(link)).
      type: list
      elements: str
      sample: [s1.domainkey.u1234567.wl001.sendgrid.net]
    bits:
      description: The DKIM key size (V(dkim)).
      type: int
      sample: 2048
    lookups:
      description: The DNS lookups the SPF record needs (V(spf)).
      type: int
      sample: 2
nameserver_unreachable:
  description: Set when a query got no answer within O(timeout) seconds; the remaining queries were not sent.
  returned: when a query timed out
  type: str
  sample: 192.0.2.53 did not answer a query for example.com TXT within 5.0s
"""

import ipaddress

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.mailops.sendgrid.plugins.module_utils._dns_check import (
    DNSPYTHON_IMPORT_ERROR,
    HAS_DNSPYTHON,
    CheckInputError,
    DNSPythonLookup,
    check_resolver_options,
    validate_name,
)
from ansible_collections.mailops.sendgrid.plugins.module_utils._argspec import sendgrid_argument_spec
from ansible_collections.mailops.sendgrid.plugins.module_utils._readiness import Readiness


def argument_spec():
    spec = sendgrid_argument_spec()
    spec["timeout"] = dict(spec["timeout"], default=5)
    spec.update(
        domain=dict(type="str", required=True),
        return_path=dict(type="str"),
        dkim_selectors=dict(type="list", elements="str", default=["s1", "s2"]),
        link_host=dict(type="str"),
        ips=dict(type="list", elements="dict", default=[], options=dict(ip=dict(type="str", required=True), rdns=dict(type="str"))),
        nameservers=dict(type="list", elements="str"),
        port=dict(type="int", default=53),
        fail_on_findings=dict(type="bool", default=False),
    )
    return spec


def check_input(params):
    """Validate every option before the first DNS query; the message names the option."""
    for option in ("domain", "return_path", "link_host"):
        if params[option] is not None:
            validate_name(params[option], option)
    for index, selector in enumerate(params["dkim_selectors"]):
        validate_name("%s._domainkey.example.com" % selector, "dkim_selectors[%d]" % index)
    ips = []
    for index, item in enumerate(params["ips"]):
        try:
            ip = str(ipaddress.ip_address(str(item["ip"]).strip()))
        except ValueError:
            raise CheckInputError("ips[%d].ip must be an IP address, got %r" % (index, item["ip"]))
        if item.get("rdns"):
            validate_name(item["rdns"], "ips[%d].rdns" % index)
        ips.append({"ip": ip, "rdns": item.get("rdns")})
    return ips, check_resolver_options(params)


def main():
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True)
    if not HAS_DNSPYTHON:
        module.fail_json(msg=missing_required_lib("dnspython"), exception=str(DNSPYTHON_IMPORT_ERROR))
    params = module.params
    try:
        ips, nameservers = check_input(params)
    except CheckInputError as exc:
        module.fail_json(msg=str(exc), changed=False)
    try:
        lookup = DNSPythonLookup(nameservers, params["port"], params["timeout"])
    except Exception as exc:  # no resolv.conf, or one dnspython cannot read
        module.fail_json(msg="cannot set up the DNS resolver: %s. Set nameservers" % exc, changed=False)
    result = Readiness(lookup).run(params["domain"], params["return_path"], params["dkim_selectors"], params["link_host"], ips)
    result["changed"] = False
    if lookup.unreachable is not None:
        result["nameserver_unreachable"] = lookup.unreachable
        module.warn("%s; the other queries were not sent and their checks are errors. Check nameservers and port" % lookup.unreachable)
    if params["fail_on_findings"] and not result["ready"]:
        errors = [item for item in result["findings"] if item["status"] == "error"]
        module.fail_json(
            msg="%s is not ready for bulk mail: %s" % (params["domain"], "; ".join("%s: %s" % (item["rule"], item["message"]) for item in errors)),
            **result
        )
    module.exit_json(**result)


if __name__ == "__main__":
    main()
