#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: sendgrid_reverse_dns
short_description: Manage SendGrid reverse DNS (formerly IP whitelabel) of a dedicated IP
version_added: 0.1.0
description:
  - Set up, validate and delete the reverse DNS of a dedicated sending IP of a SendGrid account.
  - SendGrid gives the IP a name such as C(o1.email.example.com). You publish an C(A) record for that name
    pointing at the IP (the module returns it as RV(dns_record)), then ask SendGrid to validate it (O(validate)).
  - The IP is the identity of a reverse DNS; an IP has at most one. The module looks it up with the API's
    C(ip) filter, which is a prefix search, and keeps only the entry for exactly that IP.
  - SendGrid cannot update a reverse DNS. When the existing one has another O(domain) or O(subdomain), the
    module fails and names the differing fields, unless O(replace=true) asks it to delete and create it again.
author:
  - mailops.sendgrid maintainers (@mailops)
extends_documentation_fragment:
  - mailops.sendgrid.sendgrid
  - mailops.sendgrid.sendgrid.attributes
  - mailops.sendgrid.sendgrid.validation
options:
  ip:
    description:
      - The dedicated IPv4 address, for example V(192.0.2.10). It must be an IP of the account.
      - Checked before any request is sent.
    type: str
    required: true
  domain:
    description:
      - The root (sending) domain, for example V(example.com). Compared case-insensitively, without a trailing dot.
      - Required with O(state=present).
      - With O(state=absent) it is optional; when set and the existing reverse DNS has another domain, the module
        fails instead of deleting it.
    type: str
  subdomain:
    description:
      - The subdomain of O(domain) that the IP's name is built from, for example V(email) gives C(o1.email.example.com).
        SendGrid recommends the subdomain of the sender's authenticated domain.
      - V("") (the empty string) means no subdomain.
      - When omitted, the subdomain of an existing reverse DNS is accepted as it is, and a new one is created
        without a subdomain.
      - With O(state=absent) it is optional; when set and the existing reverse DNS has another subdomain, the module
        fails instead of deleting it.
    type: str
  state:
    description:
      - V(present) makes sure the IP has a reverse DNS with O(domain) and O(subdomain); V(absent) deletes the
        IP's reverse DNS.
    type: str
    choices: [present, absent]
    default: present
  replace:
    description:
      - When the IP's existing reverse DNS has another O(domain) or O(subdomain), delete it and create it again.
        The IP gets a new name and the new C(A) record must be published and validated again.
      - When V(false), such a difference makes the module fail without changing anything; the failure lists the
        differing options in C(differences) and the existing reverse DNS in C(reverse_dns).
      - A legacy reverse DNS (created with SendGrid's old whitelabel tool) is replaced too, with a warning.
    type: bool
    default: false
notes:
  - Needs the API key scopes C(whitelabel.read), C(whitelabel.create), C(whitelabel.update) (validation)
    and C(whitelabel.delete).
  - Reverse DNS is available for dedicated IPs only.
  - O(validate) applies to O(state=present) only. Publish the C(A) record of RV(dns_record) (also in RV(dns_records))
    before validating; the module does not write DNS.
  - Requests sent are one C(GET) when nothing changes; one C(GET) and one C(POST) to create; one C(GET), one C(DELETE)
    and one C(POST) to replace; plus one C(POST) per validation attempt.
  - The diff's C(before) and C(after) have the keys C(ip), C(domain) and C(subdomain) (the module's options) and the
    read-only C(rdns) and C(valid), so a replacement (new C(rdns)) and a validation (C(valid)) are visible.
    In check mode, a reverse DNS that would be created has C(rdns=null), because SendGrid picks the name.
seealso:
  - module: mailops.sendgrid.sendgrid_reverse_dns_info
  - module: mailops.sendgrid.sendgrid_ip
  - module: mailops.sendgrid.sendgrid_domain_auth
  - name: How to set up reverse DNS
    description: SendGrid's guide to reverse DNS.
    link: https://www.twilio.com/docs/sendgrid/ui/account-and-settings/how-to-set-up-reverse-dns
"""

EXAMPLES = r"""
- name: Give a dedicated IP the name o<n>.email.example.com
  mailops.sendgrid.sendgrid_reverse_dns:
    ip: 192.0.2.10
    domain: example.com
    subdomain: email
  register: rdns

- name: Publish the A record SendGrid asks for (any DNS module works)
  community.general.cloudflare_dns:
    zone: example.com
    record: "{{ rdns.dns_record.name }}"
    type: "{{ rdns.dns_record.type }}"
    value: "{{ rdns.dns_record.value }}"
    api_token: "{{ cloudflare_token }}"

- name: Validate, retrying for up to five minutes while DNS propagates
  mailops.sendgrid.sendgrid_reverse_dns:
    ip: 192.0.2.10
    domain: example.com
    subdomain: email
    validate: true
    validate_timeout: 300
    validate_delay: 15

- name: Move the IP to another domain (deletes and creates the reverse DNS again)
  mailops.sendgrid.sendgrid_reverse_dns:
    ip: 192.0.2.10
    domain: example.org
    subdomain: mail
    replace: true

- name: Set up reverse DNS in a subuser's account
  mailops.sendgrid.sendgrid_reverse_dns:
    ip: 192.0.2.11
    domain: example.com
    subdomain: email
    on_behalf_of: marketing-team

- name: Delete the reverse DNS of an IP
  mailops.sendgrid.sendgrid_reverse_dns:
    ip: 192.0.2.10
    state: absent
"""

RETURN = r"""
reverse_dns:
  description:
    - The IP's reverse DNS after the run. In check mode, the reverse DNS as it would be (C(id) and C(rdns)
      are V(null) for one that would be created).
    - Empty when O(state=absent).
  returned: always
  type: dict
  contains:
    id:
      description: SendGrid's ID of the reverse DNS.
      type: int
      sample: 123
    ip:
      description: The IP address.
      type: str
      sample: 192.0.2.10
    rdns:
      description: The name SendGrid gave the IP; the reverse lookup of the IP answers it once validated.
      type: str
      sample: o1.email.example.com
    domain:
      description: The root domain.
      type: str
      sample: example.com
    subdomain:
      description: The subdomain, V("") when there is none.
      type: str
      sample: email
    valid:
      description: Whether SendGrid has validated the reverse DNS.
      type: bool
      sample: true
    legacy:
      description: Whether it was created with SendGrid's legacy whitelabel tool (it works but cannot be changed).
      type: bool
      sample: false
    users:
      description: The users that can send mail from the IP.
      type: list
      elements: dict
      contains:
        username:
          description: The user's name.
          type: str
          sample: example-parent
        user_id:
          description: The user's ID.
          type: int
          sample: 7
  sample:
    id: 123
    ip: 192.0.2.10
    rdns: o1.email.example.com
    domain: example.com
    subdomain: email
    valid: false
    legacy: false
    users: [{username: example-parent, user_id: 7}]
dns_record:
  description:
    - The C(A) record to publish so that SendGrid can validate the reverse DNS.
    - Empty when O(state=absent), and in check mode when the reverse DNS would be created (SendGrid picks the name).
  returned: always
  type: dict
  contains:
    name:
      description: Fully qualified name, lower case, without the trailing dot.
      type: str
      sample: o1.email.example.com
    type:
      description: Record type, upper case.
      type: str
      sample: A
    value:
      description: The IP address.
      type: str
      sample: 192.0.2.10
  sample: {name: o1.email.example.com, type: A, value: 192.0.2.10}
dns_records:
  description:
    - RV(dns_record) as a list, the shape every module of this collection returns DNS records in.
    - Empty when RV(dns_record) is empty.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: Fully qualified name, lower case, without the trailing dot.
      type: str
    type:
      description: Record type, upper case.
      type: str
    value:
      description: Record value.
      type: str
  sample: [{name: o1.email.example.com, type: A, value: 192.0.2.10}]
validation:
  description:
    - SendGrid's answer to the last validation request.
    - Also in the failure result when the record is still not valid after O(validate_timeout).
  returned: when O(validate=true), O(state=present) and the reverse DNS was not valid yet
  type: dict
  contains:
    valid:
      description: Whether SendGrid found the reverse DNS valid. V(null) in check mode.
      type: bool
      sample: true
    results:
      description: Per record (C(a_record)), whether it is valid and SendGrid's reason when it is not.
      type: dict
      sample: {a_record: {valid: false, reason: "Failed to resolve A Record at o1.email.example.com: no such host"}}
    attempts:
      description: Number of validation requests sent.
      type: int
      sample: 1
    waited:
      description: Seconds this run waited for SendGrid's validation answers (a wait of 10 seconds or more is also a warning).
      type: float
      returned: when a validation request was sent
      sample: 12.4
    skipped:
      description: V(true) in check mode, where the validation request is not sent.
      type: bool
      returned: in check mode
      sample: true
    msg:
      description: Says what would have been validated.
      type: str
      returned: in check mode
      sample: "check mode: SendGrid would be asked to validate reverse DNS o1.email.example.com of IP 192.0.2.10"
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

from ansible_collections.mailops.sendgrid.plugins.module_utils._module import run_resource, SendGridModule
from ansible_collections.mailops.sendgrid.plugins.module_utils._resource_reverse_dns import ReverseDns, argument_spec


def main():
    module = SendGridModule(
        argument_spec=argument_spec(),
        required_if=[("state", "present", ["domain"])],
        supports_check_mode=True,
    )
    run_resource(module, ReverseDns)


if __name__ == "__main__":
    main()
