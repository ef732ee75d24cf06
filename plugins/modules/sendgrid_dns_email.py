#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: sendgrid_dns_email
short_description: Have SendGrid email the DNS records of an authenticated domain or a branded link to someone
version_added: 0.1.0
description:
  - Asks SendGrid to send the DNS records of an authenticated domain, a branded link, or both, to an email address,
    for example the team that runs the DNS zone (C(POST /v3/whitelabel/dns/email)).
  - This is an action, not a state. Every run that is not in check mode sends one email and reports a change, so guard
    the task with C(when), for example on the C(changed) result of the task that created the domain, as the
    P(mailops.sendgrid.sender_setup#role) role does.
author:
  - mailops.sendgrid maintainers (@mailops)
extends_documentation_fragment:
  - mailops.sendgrid.sendgrid
attributes:
  check_mode:
    support: full
    description: Sends nothing and reports the email that would be sent as a change.
  diff_mode:
    support: none
    description: Sending an email changes no SendGrid object, so there is nothing to compare.
  action_group:
    support: full
    description: Use C(group/mailops.sendgrid.sendgrid) in C(module_defaults) to set default values for this module.
    membership:
      - mailops.sendgrid.sendgrid
options:
  email:
    description:
      - The address SendGrid sends the records to. Checked to look like an email address before any request.
    type: str
    required: true
  domain_id:
    description:
      - The id of the authenticated domain whose records to send (RV(mailops.sendgrid.sendgrid_domain_auth#module:domain.id)).
      - At least one of O(domain_id) and O(link_id) is required.
    type: int
  link_id:
    description:
      - The id of the branded link whose records to send (RV(mailops.sendgrid.sendgrid_link_branding#module:link.id)).
    type: int
  text:
    description:
      - A text SendGrid puts above the records (SendGrid's C(message)). When omitted, SendGrid uses its own.
    type: str
notes:
  - Needs the API key scope C(whitelabel.read).
  - One request per run, never retried after a server or connection error (a retry could send the email twice).
  - SendGrid's OpenAPI description marks both ids as required; the API takes either one or both.
seealso:
  - module: mailops.sendgrid.sendgrid_domain_auth
  - module: mailops.sendgrid.sendgrid_link_branding
"""

EXAMPLES = r"""
- name: Authenticate the domain
  mailops.sendgrid.sendgrid_domain_auth:
    domain: example.com
    subdomain: em
  register: domain_auth

- name: Branded links
  mailops.sendgrid.sendgrid_link_branding:
    domain: example.com
    subdomain: links
  register: link_branding

- name: Send the records to the DNS team when they are new
  mailops.sendgrid.sendgrid_dns_email:
    email: dns-team@example.com
    domain_id: "{{ domain_auth.domain.id }}"
    link_id: "{{ link_branding.link.id }}"
    text: Please publish these records for the example.com mail sender.
  when: domain_auth is changed or link_branding is changed
"""

RETURN = r"""
email:
  description: The address the records were sent to (in check mode, would be sent to).
  returned: always
  type: str
  sample: dns-team@example.com
domain_id:
  description: The id of the authenticated domain whose records were sent.
  returned: when O(domain_id) is set
  type: int
  sample: 1001
link_id:
  description: The id of the branded link whose records were sent.
  returned: when O(link_id) is set
  type: int
  sample: 2000001
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

from ansible_collections.mailops.sendgrid.plugins.module_utils._api import SendGridError
from ansible_collections.mailops.sendgrid.plugins.module_utils._errors import InputError
from ansible_collections.mailops.sendgrid.plugins.module_utils._module import refused, SendGridModule
from ansible_collections.mailops.sendgrid.plugins.module_utils._validators import validate_email

DNS_EMAIL = "/v3/whitelabel/dns/email"


def request_body(params):
    """The body of the request, after checking the options (no request is sent before)."""
    body = {"email": validate_email(params["email"], "email")}
    for option in ("domain_id", "link_id"):
        if params[option] is not None:
            if params[option] < 0:
                raise InputError("%s must be an id of 0 or more, got %d" % (option, params[option]))
            body[option] = params[option]
    if params["text"] is not None:
        body["message"] = params["text"]
    return body


class Outcome:
    """Whether a failed run may have sent the email (``SendGridModule.run`` reports it as ``changed``)."""

    changed = False


def main():
    module = SendGridModule(
        argument_spec=dict(
            email=dict(type="str", required=True),
            domain_id=dict(type="int"),
            link_id=dict(type="int"),
            text=dict(type="str"),
        ),
        required_one_of=[("domain_id", "link_id")],
        supports_check_mode=True,
    )

    outcome = Outcome()

    def send():
        body = request_body(module.params)
        if not module.check_mode:
            try:
                # Never retried (post's default): after a 5xx or a lost answer the email may have gone out already.
                module.client.post(DNS_EMAIL, body=body)
            except SendGridError as exc:
                outcome.changed = not refused(exc)
                raise
        return dict({key: body[key] for key in ("email", "domain_id", "link_id") if key in body}, changed=True)

    module.run(send, outcome)


if __name__ == "__main__":
    main()
