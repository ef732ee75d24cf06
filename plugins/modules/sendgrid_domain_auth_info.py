#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: sendgrid_domain_auth_info
short_description: List SendGrid authenticated domains and their DNS records
version_added: 0.1.0
description:
  - List the authenticated domains (formerly "domain whitelabels") of a SendGrid account, with the DNS records each one
    needs, and optionally the account's default authenticated domain.
  - Every page of SendGrid's list is read.
  - The items use the option names of M(mailops.sendgrid.sendgrid_domain_auth), so an audit can compare them with the
    declared state and a playbook can pass them back to that module.
author:
  - mailops.sendgrid maintainers (@mailops)
extends_documentation_fragment:
  - mailops.sendgrid.sendgrid
  - mailops.sendgrid.sendgrid.info_attributes
options:
  domain:
    description:
      - Only entries of exactly this domain, for example V(example.com).
      - Sent as SendGrid's C(domain) filter, which is a search (it also returns C(mail.example.com) and
        C(example.com.au)); the module then keeps only the exact matches. Compared case-insensitively, without a trailing dot.
    type: str
  username:
    description:
      - Only entries that belong to this user (a subuser, or the account itself), with SendGrid's C(username) filter.
    type: str
  exclude_subusers:
    description:
      - Leave out the entries of the account's subusers (SendGrid's C(exclude_subusers) filter). By default a parent
        account's list includes them.
    type: bool
    default: false
  include_default:
    description:
      - Also read the account's default authenticated domain (C(GET /v3/whitelabel/domains/default)) into RV(default_domain).
      - Costs one more request.
    type: bool
    default: false
notes:
  - Needs the API key scope C(whitelabel.read).
seealso:
  - module: mailops.sendgrid.sendgrid_domain_auth
  - module: mailops.sendgrid.sendgrid_link_branding_info
"""

EXAMPLES = r"""
- name: Every authenticated domain of the account and its subusers
  mailops.sendgrid.sendgrid_domain_auth_info:
  register: all_domains

- name: The entries of example.com in the parent account, and the default domain
  mailops.sendgrid.sendgrid_domain_auth_info:
    domain: example.com
    exclude_subusers: true
    include_default: true
  register: found

- name: Fail when example.com is not validated
  ansible.builtin.assert:
    that: found.domains | selectattr('valid') | list | length > 0
    fail_msg: "example.com is not validated: {{ found.domains | map(attribute='dns_records') | list }}"

- name: The domains a subuser created in its own account
  mailops.sendgrid.sendgrid_domain_auth_info:
    on_behalf_of: shop-eu
  register: shop_domains
"""

RETURN = r"""
domains:
  description:
    - The matching authenticated domains, in SendGrid's order. Empty when nothing matches.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: The id of the entry.
      type: int
      sample: 1000001
    domain:
      description: The authenticated domain.
      type: str
      sample: example.com
    subdomain:
      description: The return-path subdomain.
      type: str
      sample: em
    username:
      description: The account the entry belongs to.
      type: str
      sample: parent
    user_id:
      description: The id of the account the entry belongs to.
      type: int
      sample: 1446440
    automatic_security:
      description: Whether SendGrid manages SPF and DKIM.
      type: bool
      sample: true
    custom_spf:
      description: Whether the entry uses a custom SPF record.
      type: bool
      sample: false
    default:
      description: Whether this is the default authenticated domain of its account.
      type: bool
      sample: true
    ips:
      description: The IPs of the custom SPF record, sorted.
      type: list
      elements: str
      sample: []
    custom_dkim_selector:
      description: The custom DKIM selector, read from the DKIM record names. V(null) when SendGrid's own selectors are used.
      type: str
      sample: null
    region:
      description: V(global) or V(eu), read from the record values. V(null) when the records do not show it (manual security).
      type: str
      sample: global
    valid:
      description: Whether SendGrid found the DNS records valid at its last validation.
      type: bool
      sample: true
    legacy:
      description: Whether the entry was made with the old whitelabel tool.
      type: bool
      sample: false
    subusers:
      description: Subusers of the parent account associated with the entry, sorted.
      returned: when SendGrid's answer lists them
      type: list
      elements: str
      sample: [shop-eu]
    dns_records:
      description:
        - The DNS records the entry needs, in SendGrid's order; names fully qualified without the trailing dot,
          types upper case.
      type: list
      elements: dict
      sample:
        - {name: em.example.com, type: CNAME, value: u1446440.wl001.sendgrid.net}
        - {name: s1._domainkey.example.com, type: CNAME, value: s1.domainkey.u1446440.wl001.sendgrid.net}
        - {name: s2._domainkey.example.com, type: CNAME, value: s2.domainkey.u1446440.wl001.sendgrid.net}
default_domain:
  description:
    - The account's default authenticated domain, in the same shape as the items of RV(domains).
    - Empty when the account has no default.
  returned: when O(include_default=true)
  type: dict
  sample:
    id: 1000001
    domain: example.com
    subdomain: em
    username: parent
    user_id: 1446440
    automatic_security: true
    custom_spf: false
    default: true
    ips: []
    custom_dkim_selector: null
    region: global
    valid: true
    legacy: false
    subusers: []
    dns_records:
      - {name: em.example.com, type: CNAME, value: u1446440.wl001.sendgrid.net}
rate_limit:
  description:
    - How long SendGrid's rate limit held this task, and how many answers 429 it drew. A wait of 5 seconds or more is
      also a warning.
  returned: when the task waited for the rate limit
  type: dict
  contains:
    waited:
      description: Seconds waited, in total.
      type: float
      sample: 6.2
    answers_429:
      description: Answers 429 this task received.
      type: int
      sample: 2
"""

from ansible_collections.mailops.sendgrid.plugins.module_utils._branding import first_object
from ansible_collections.mailops.sendgrid.plugins.module_utils._domain_auth import DOMAINS, from_api, list_domains
from ansible_collections.mailops.sendgrid.plugins.module_utils._module import run_info
from ansible_collections.mailops.sendgrid.plugins.module_utils._validators import validate_domain, validate_username


def item(entry):
    """An entry as an item of ``domains``: ``subusers`` only when SendGrid's answer lists them."""
    if entry["subusers"] is None:
        del entry["subusers"]
    return entry


def default_domain(module):
    """SendGrid answers with one object (the spec says a list) or ``{}`` when there is no default."""
    raw = first_object(module.client.get(DOMAINS + "/default"))
    return item(from_api(raw)) if raw is not None else {}


def gather(module):
    params = module.params
    if params["domain"] is not None:
        params["domain"] = validate_domain(params["domain"], "domain")
    if params["username"] is not None:
        params["username"] = validate_username(params["username"], "username")
    domains = list_domains(module.client, params["domain"], params["username"], params["exclude_subusers"])
    result = dict(domains=[item(entry) for entry in domains])
    if params["include_default"]:
        result["default_domain"] = default_domain(module)
    return result


def main():
    run_info(
        dict(
            domain=dict(type="str"),
            username=dict(type="str"),
            exclude_subusers=dict(type="bool", default=False),
            include_default=dict(type="bool", default=False),
        ),
        gather,
    )


if __name__ == "__main__":
    main()
