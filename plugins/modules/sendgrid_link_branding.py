#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: sendgrid_link_branding
short_description: Manage SendGrid link branding (branded click-tracking links)
version_added: 0.1.0
description:
  - Create, update, validate and delete a branded link (formerly "link whitelabel"), so that the click-tracked
    links, opens and images of your mail are served from your own domain (for example V(url1234.example.com))
    instead of V(sendgrid.net).
  - A link is identified by O(domain) and O(subdomain), in the account the request is made for
    (the parent account, or the subuser or customer account named by O(on_behalf_of)).
  - Makes sure the link is or is not the default link, asks SendGrid to validate its DNS records,
    and associates it with subusers of the parent account.
  - Only the options you set are compared and changed. An option you leave out is left as it is.
author:
  - mailops.sendgrid maintainers (@mailops)
extends_documentation_fragment:
  - mailops.sendgrid.sendgrid
  - mailops.sendgrid.sendgrid.attributes
  - mailops.sendgrid.sendgrid.validation
  - mailops.sendgrid.sendgrid.defer_subusers
options:
  domain:
    description:
      - The root domain of the link, normally the domain of your From address, for example V(example.com).
      - Compared case-insensitively, without a trailing dot.
    type: str
    required: true
  subdomain:
    description:
      - The subdomain the links are served from, for example V(links) for C(links.example.com).
      - It must differ from the subdomain of the domain authentication of the same domain. SendGrid rejects the
        request otherwise; the module does not check it beforehand, because that would cost one more request on every run.
      - When omitted, the module adopts the one existing link of O(domain) (narrowed down by O(region) when set),
        or lets SendGrid choose the subdomain when it creates a link. When O(domain) has several links, the module
        fails and lists their subdomains, so that you can name one.
      - A link with another subdomain is another link; the module leaves it alone. To move a domain's links to a new
        subdomain, declare the new link and remove the old one with O(state=absent).
    type: str
  state:
    description:
      - V(present) makes sure the link exists as described; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  default:
    description:
      - Whether this link is the account's default (fallback) branded link.
      - Changed in place. When a link becomes the default, SendGrid removes the default flag from the previous
        default link by itself.
      - Omit it to leave the flag alone. In particular, when a playbook declares several links of one account, set
        O(default=true) on one of them and leave it out on the others; setting O(default=false) on the others
        is also stable, but never set V(true) on two links.
    type: bool
  region:
    description:
      - Where the links are served from. V(eu) is for the EU regional infrastructure (C(eu.sendgrid.net)).
      - SendGrid uses V(us) when a link is created without it. Omit it to accept any region for an existing link.
      - Cannot be changed in place; see O(replace).
    type: str
    choices: [us, eu]
  replace:
    description:
      - What to do when an existing link differs in an attribute that SendGrid cannot change in place (O(region)).
      - V(false) fails and names those attributes; nothing is changed.
      - V(true) deletes the link and creates it again. The new link has a new id and has to be validated again;
        it keeps its default flag unless O(default) says otherwise, and it is associated with the subusers listed
        in O(subusers) (other subuser associations of the old link are lost).
    type: bool
    default: false
  subusers:
    description:
      - Usernames of subusers that must use this link (an association made by the parent account).
      - A subuser can use one branded link; associating it with this link takes it away from its previous link.
        Do not list one subuser for two links.
      - SendGrid only lets a parent account associate a link it owns, so this cannot be used with O(on_behalf_of).
      - Each listed subuser costs one read request per run.
      - Omit to leave the associations alone.
    type: list
    elements: str
  purge_subusers:
    description:
      - Take this link away from subusers that use it but are not listed in O(subusers).
      - SendGrid can only tell which link one named subuser uses, so this reads the list of all subusers of the
        account and then asks once for every subuser that is not listed. Use it with care in accounts with many subusers.
      - Has no effect when O(subusers) is omitted.
    type: bool
    default: false
notes:
  - Needs the API key scopes C(whitelabel.read), and C(whitelabel.create), C(whitelabel.update) and
    C(whitelabel.delete) for changes. O(purge_subusers) also needs C(subusers.read).
  - SendGrid's list of branded links has no filter by domain and no offset, only a C(limit). The module finds a link
    with one request for up to 3000 links, the most links one account can have, and matches O(domain) and O(subdomain) itself.
    If SendGrid answers with 3000 links and none of them is the link the task names, the module warns that the list may be
    incomplete.
    C(GET /v3/whitelabel/links/default?domain=) is not used, because it returns only one link per domain (falling back to
    other links), so it cannot replace the list and would only add a request.
  - An answer of 10 or more links that is shorter than asked may have been cut short by a page cap SendGrid does not
    document, so the list is asked again from where it ended (with C(offset)); when SendGrid ignores that, a missing
    link is created with a warning that it may exist beyond the cap.
  - After a create the module reads the list once more, to remove identical copies another run created at the same
    time (RV(removed_duplicates)).
  - Request budget. A run that changes nothing and does not set O(subusers) sends one request. Every listed subuser
    adds one read request. In check mode no write request is sent.
  - A creating request that fails on a server or connection error is not repeated; the module reads the list again to learn
    whether the link was created.
  - SendGrid documents that a link must be validated before it can be associated with a subuser. Set O(validate=true)
    together with O(subusers) on a new link; the module validates before it associates.
seealso:
  - module: mailops.sendgrid.sendgrid_link_branding_info
  - module: mailops.sendgrid.sendgrid_domain_auth
  - name: Link branding (SendGrid documentation)
    description: How link branding works and which records it needs.
    link: https://www.twilio.com/docs/sendgrid/ui/account-and-settings/how-to-set-up-link-branding
"""

EXAMPLES = r"""
- name: Branded links on links.example.com, the account's default
  mailops.sendgrid.sendgrid_link_branding:
    domain: example.com
    subdomain: links
    default: true
  register: link

- name: Publish the CNAME records (any DNS module will do)
  ansible.builtin.debug:
    msg: "{{ item.name }} {{ item.type }} {{ item.value }}"
  loop: "{{ link.dns_records }}"

- name: Validate, waiting up to 10 minutes for DNS, and let two subusers use the link
  mailops.sendgrid.sendgrid_link_branding:
    domain: example.com
    subdomain: links
    validate: true
    validate_timeout: 600
    validate_delay: 30
    subusers:
      - shop-eu
      - newsletter

- name: A second link of the same account; its default flag is left alone
  mailops.sendgrid.sendgrid_link_branding:
    domain: example.org
    subdomain: click

- name: A link in a subuser's own account, served from the EU
  mailops.sendgrid.sendgrid_link_branding:
    on_behalf_of: shop-eu
    domain: shop.example.eu
    subdomain: links
    region: eu

- name: Move a link to the EU infrastructure (deletes and creates it again)
  mailops.sendgrid.sendgrid_link_branding:
    domain: example.com
    subdomain: links
    region: eu
    replace: true

- name: Delete a link
  mailops.sendgrid.sendgrid_link_branding:
    domain: example.org
    subdomain: click
    state: absent
"""

RETURN = r"""
link:
  description:
    - The link after the run. In check mode, the link as it would be; values SendGrid assigns on creation
      (RV(link.id), RV(link.user_id), RV(link.username), and RV(link.subdomain) when O(subdomain) is omitted) are then V(null).
    - Empty when O(state=absent).
  returned: always
  type: dict
  contains:
    id:
      description: The id of the link.
      type: int
      sample: 2000001
    domain:
      description: The root domain.
      type: str
      sample: example.com
    subdomain:
      description: The subdomain the links are served from.
      type: str
      sample: links
    default:
      description: Whether this is the account's default link.
      type: bool
      sample: true
    region:
      description:
        - V(us) or V(eu). Taken from SendGrid's answer, or from the target of the domain CNAME (C(eu.sendgrid.net)) when
          the answer has no region.
      type: str
      sample: us
    valid:
      description: Whether SendGrid found the DNS records valid at its last validation.
      type: bool
      sample: false
    legacy:
      description: Whether the link was created with the old whitelabel wizard. Legacy links cannot be changed, only replaced.
      type: bool
      sample: false
    username:
      description: The account the link belongs to.
      type: str
      sample: parent
    user_id:
      description: The id of the account the link belongs to.
      type: int
      sample: 1446440
    subusers:
      description:
        - Subusers that use this link, sorted. Only subusers listed in O(subusers) are read, plus, with
          O(purge_subusers=true), every subuser of the account.
      returned: when O(subusers) is set
      type: list
      elements: str
      sample: [newsletter, shop-eu]
dns_records:
  description:
    - The DNS records the link needs, C(domain_cname) first, then C(owner_cname).
    - Names are fully qualified without the trailing dot; types are upper case.
    - Empty when O(state=absent). In check mode for a new link, only the domain CNAME can be predicted, and only
      when O(subdomain) is set; the owner CNAME contains the account id SendGrid assigns.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The record's name.
      type: str
      sample: links.example.com
    type:
      description: The record type.
      type: str
      sample: CNAME
    value:
      description: The record's value.
      type: str
      sample: sendgrid.net
  sample:
    - {name: links.example.com, type: CNAME, value: sendgrid.net}
    - {name: 1446440.example.com, type: CNAME, value: sendgrid.net}
validation:
  description:
    - The result of the validation this run asked for.
    - Not returned when O(validate=false) or when the link was valid already.
  returned: when the module validated
  type: dict
  contains:
    valid:
      description: Whether every record is valid. V(null) in check mode.
      type: bool
      sample: false
    results:
      description: Per record (C(domain_cname), C(owner_cname)), whether it is valid and, if not, SendGrid's reason.
      type: dict
      sample:
        domain_cname: {valid: false, reason: 'Expected CNAME to match "sendgrid.net." but found none.'}
        owner_cname: {valid: true, reason: null}
    attempts:
      description: How many validation requests were sent.
      type: int
      sample: 3
    waited:
      description: Seconds this run waited for SendGrid's validation answers (a wait of 10 seconds or more is also a warning).
      type: float
      returned: when a validation request was sent
      sample: 12.4
    skipped:
      description: V(true) in check mode, where no validation request is sent.
      type: bool
      returned: in check mode
      sample: true
    msg:
      description: What would have been validated, in check mode.
      type: str
      returned: in check mode
      sample: "check mode: SendGrid would be asked to validate link branding links.example.com"
deferred_subusers:
  description:
    - Subusers of O(subusers) that are not associated yet because the link is not valid (O(defer_subusers=true)), sorted.
      They are not in the object's C(subusers).
  returned: when O(defer_subusers=true) left associations for a later run
  type: list
  elements: str
  sample: [agency-client]
removed_duplicates:
  description:
    - Ids of identical branded links this run deleted, sorted.
    - After a create, copies that another run created at the same time (two hosts of a play, a re-launched run) are
      deleted, keeping the valid one, else the default one, else the one with the lowest id; only objects that appeared
      while this run was creating are touched. With O(state=absent), every identical copy is deleted.
  returned: when copies were deleted
  type: list
  elements: int
  sample: [1000002]
default_taken_from:
  description:
    - The object that had the account's default flag and loses it because this run sets O(default=true) (a warning says
      so too, since two configurations that both ask for the default take it from each other on every run).
  returned: when O(default=true) takes the flag from another object
  type: dict
  contains:
    id:
      description: Its id.
      type: int
      sample: 1000001
    name:
      description: Its full name.
      type: str
      sample: em.example.org
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
from ansible_collections.mailops.sendgrid.plugins.module_utils._resource_link_branding import LinkBranding, argument_spec


def main():
    module = SendGridModule(argument_spec=argument_spec(), supports_check_mode=True)
    run_resource(module, LinkBranding)


if __name__ == "__main__":
    main()
