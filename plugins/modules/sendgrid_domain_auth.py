#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: sendgrid_domain_auth
short_description: Manage SendGrid domain authentication (SPF and DKIM for your sending domain)
version_added: 0.1.0
description:
  - Create, update, validate and delete an authenticated domain (formerly "domain whitelabel"), the SendGrid object
    that makes mail from O(domain) pass SPF and DKIM.
  - An authenticated domain is identified by O(domain), O(subdomain) and O(username), in the account the request is made
    for (the parent account, or the subuser or customer account named by O(on_behalf_of)).
  - The module returns the DNS records to publish (RV(dns_records)), can ask SendGrid to validate them, keeps the custom
    SPF IPs and the default flag as declared, and associates the domain with subusers of the parent account.
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
      - The domain to authenticate, normally the domain of your From address, for example V(example.com).
      - Must be a valid DNS name; it is checked before any request. Compared case-insensitively, without a trailing dot.
    type: str
    required: true
  subdomain:
    description:
      - The subdomain SendGrid uses as return path, for example V(em) for C(em.example.com).
      - Relative to O(domain). V(em.example.com) is refused for O(domain=example.com), because the records would be
        published as C(em.example.com.example.com).
      - When omitted, the module adopts the one existing entry of O(domain), or lets SendGrid choose the subdomain
        (C(em) and four digits) when it creates one. When O(domain) has several entries, the module fails and lists
        their subdomains, so that you can name one.
      - The module keeps one entry per domain and O(username). When the entry of O(domain) has another subdomain,
        this is a change SendGrid cannot make in place; see O(replace). With O(state=absent) only the entry with
        exactly this subdomain is deleted.
    type: str
  username:
    description:
      - Create and manage the entry for this subuser (SendGrid's C(username) parameter). The subuser can then see and
        change it. Use O(on_behalf_of) instead to work inside the subuser's account, or O(subusers) to let subusers
        send with a domain of the parent account.
      - When omitted, the entries of the account itself are managed and those of its subusers are ignored.
      - Part of the identity, like O(subdomain). SendGrid cannot move an entry to another user; an entry of
        another user is another entry.
    type: str
  state:
    description:
      - V(present) makes sure the entry exists as described; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  automatic_security:
    description:
      - V(true) lets SendGrid manage SPF and DKIM (three CNAME records, DKIM key rotation);
        V(false) is manual security (one MX and TXT records you keep up to date yourself).
      - Defaults to V(true) when the entry is created. When not set, an existing entry keeps what it has.
      - Cannot be changed in place; see O(replace).
    type: bool
  custom_spf:
    description:
      - Whether SendGrid generates a custom SPF record listing O(ips) (manual security only, so it cannot be V(true)
        together with O(automatic_security=true)).
      - Changed in place. Omit it to leave it alone.
    type: bool
  default:
    description:
      - Whether this is the account's default (fallback) authenticated domain.
      - Changed in place. When an entry becomes the default, SendGrid clears the flag of the previous default itself.
      - Omit it to leave the flag alone. A playbook that declares several entries of one account should set
        O(default=true) on one of them and leave it out (or set V(false)) on the others; two entries that both
        declare V(true) take the flag from each other on every run.
    type: bool
  ips:
    description:
      - The IPv4 addresses of the custom SPF record. They must be IPs of the account.
      - The exact list; compared as a set, order and duplicates do not matter. IPs that are missing are added and
        IPs that are not listed are removed, one request each, with SendGrid's add-IP and remove-IP endpoints; the
        entry is never recreated for this. V([]) removes every IP.
      - Omit to leave the IPs alone.
    type: list
    elements: str
  custom_dkim_selector:
    description:
      - A custom DKIM selector, exactly three lowercase letters or digits (for example V(sg1)); the DKIM records are
        then C(<selector>._domainkey.<domain>) instead of SendGrid's C(s1)/C(s2) (or C(m1) with manual security).
      - SendGrid does not return this setting; the module reads it back from the DKIM record names, so it does not
        cause a change on every run.
      - Omit to accept any selector for an existing entry. Cannot be changed in place; see O(replace).
    type: str
  region:
    description:
      - V(eu) pins the entry to SendGrid's EU infrastructure (for EU regional subusers); V(global) does not.
        SendGrid uses V(global) when an entry is created without it.
      - SendGrid does not return this setting. The module reads it back from the record values. The SendGrid host
        names of an EU entry have an C(eu) label (for example C(u1234.wl001.eu.sendgrid.net)), and the mail CNAME of a
        global entry with automatic security has none. When the records do not show the region (manual security
        records without an C(eu) label), O(region) is only used when the entry is created and is never compared, so it
        cannot cause a change or a conflict on later runs.
      - Omit to accept any region for an existing entry. Cannot be changed in place; see O(replace).
    type: str
    choices: [global, eu]
  replace:
    description:
      - What to do when the existing entry differs in something SendGrid cannot change in place
        (O(automatic_security), O(custom_dkim_selector), O(region), O(subdomain)), or has to change and is a legacy entry.
      - V(false) fails with a message that names those options; nothing is changed.
      - V(true) deletes the entry and creates it again. The new entry has a new id and new DNS records that have to be
        published and validated again, so mail is not authenticated in between. It keeps the old entry's settings
        unless the options say otherwise (default flag, custom SPF, IPs, subdomain), and it is associated with the
        subusers listed in O(subusers); other subuser associations of the old entry are lost.
    type: bool
    default: false
  subusers:
    description:
      - Usernames of subusers that may send with this domain of the parent account (SendGrid's association of a parent
        domain with a subuser). Existing associations are kept unless O(purge_subusers=true).
      - SendGrid only lets a parent account associate its own entries, so a non-empty list cannot be used with
        O(on_behalf_of) or O(username).
      - SendGrid also documents that the entry must be validated first. Set O(validate=true) together with
        O(subusers) on a new entry; the module validates before it associates.
      - Omit to leave the associations alone.
    type: list
    elements: str
  subuser_association:
    description:
      - Which SendGrid endpoint associates a subuser. SendGrid has two styles and you choose which one the module uses.
      - V(multi) (C(POST /v3/whitelabel/domains/{id}/subuser:add)) adds this domain to the subuser's domains
        (up to five per subuser); the subuser keeps its other domains. Reads use C(GET /v3/whitelabel/domains/subuser/all).
      - V(single) (C(POST /v3/whitelabel/domains/{id}/subuser)) is the one-domain-per-subuser association of the
        SendGrid console; it replaces whatever domain the subuser had. Reads use C(GET /v3/whitelabel/domains/subuser).
      - Either way, a subuser is disassociated with C(DELETE /v3/whitelabel/domains/{id}/subuser?username=), which
        removes only this domain from it, never its other domains.
    type: str
    choices: [single, multi]
    default: multi
  purge_subusers:
    description:
      - Also remove the associations of subusers that are not listed in O(subusers).
      - Uses the list of associated subusers that SendGrid includes in the domain object. When SendGrid's answer does
        not include it, only listed subusers can be seen, nothing is purged and the module warns.
      - Has no effect when O(subusers) is omitted.
    type: bool
    default: false
notes:
  - Needs the API key scope C(whitelabel.read), and C(whitelabel.create), C(whitelabel.update) and
    C(whitelabel.delete) for changes.
  - After a create the module reads the list once more, to remove identical copies another run created at the same
    time (RV(removed_duplicates)); setting O(default=true) reads which domain is the default now (RV(default_taken_from)).
  - Lookup. SendGrid's C(domain) filter is a search (it also returns C(mail.example.com) and C(example.com.au) for
    C(example.com)), so the module asks with the C(domain) filter (and C(username), or C(exclude_subusers=true) when
    O(username) is not set), reads every page and then matches the domain exactly.
  - Request budget. A run that changes nothing sends one request (one per page of the filtered list). Without the list
    of associated subusers in SendGrid's answer, every subuser listed in O(subusers) adds one read. A creation sends
    one read and one POST, plus one POST per subuser association and the validation requests when asked.
    In check mode no write request is sent.
  - A PATCH carries only the fields that differ (C(default), C(custom_spf)).
  - A creating request that fails on a server or connection error is not repeated; the module reads the list again to
    learn whether the entry was created.
seealso:
  - module: mailops.sendgrid.sendgrid_domain_auth_info
  - module: mailops.sendgrid.sendgrid_link_branding
  - name: Domain authentication (SendGrid documentation)
    description: How domain authentication works and which records it needs.
    link: https://www.twilio.com/docs/sendgrid/ui/account-and-settings/how-to-set-up-domain-authentication
"""

EXAMPLES = r"""
- name: Authenticate example.com with automatic security, as the account's default
  mailops.sendgrid.sendgrid_domain_auth:
    domain: example.com
    subdomain: em
    default: true
  register: auth

# Names are fully qualified without the trailing dot. A DNS module that wants names relative
# to the zone must get the zone stripped, or the records end up as em.example.com.example.com.
- name: Publish the records in Route 53
  amazon.aws.route53:
    state: present
    zone: example.com
    record: "{{ item.name }}"
    type: "{{ item.type }}"
    value: "{{ item.value }}"
    ttl: 3600
  loop: "{{ auth.dns_records }}"

- name: Validate, waiting up to 10 minutes for DNS, and let two subusers send with the domain
  mailops.sendgrid.sendgrid_domain_auth:
    domain: example.com
    subdomain: em
    validate: true
    validate_timeout: 600
    validate_delay: 30
    subusers:
      - shop-eu
      - newsletter

- name: Manual security with a custom SPF record listing two dedicated IPs and a custom DKIM selector
  mailops.sendgrid.sendgrid_domain_auth:
    domain: example.org
    subdomain: mail
    automatic_security: false
    custom_spf: true
    ips:
      - 192.0.2.10
      - 192.0.2.11
    custom_dkim_selector: sg1

- name: An entry created by the parent for a subuser, pinned to the EU
  mailops.sendgrid.sendgrid_domain_auth:
    domain: shop.example.eu
    username: shop-eu
    region: eu

- name: An entry inside a subuser's own account
  mailops.sendgrid.sendgrid_domain_auth:
    on_behalf_of: newsletter
    domain: news.example.com
    subdomain: em

- name: Switch to manual security (deletes and creates the entry again; publish and validate the new records)
  mailops.sendgrid.sendgrid_domain_auth:
    domain: example.org
    subdomain: mail
    automatic_security: false
    replace: true

- name: Delete an entry
  mailops.sendgrid.sendgrid_domain_auth:
    domain: example.org
    subdomain: mail
    state: absent
"""

RETURN = r"""
domain:
  description:
    - The authenticated domain after the run, in the shape of the module's options plus what SendGrid assigns.
      In check mode, the entry as it would be; values SendGrid assigns on creation (RV(domain.id),
      RV(domain.user_id), RV(domain.username), and RV(domain.subdomain) when O(subdomain) is omitted) are then V(null).
    - Empty when O(state=absent).
  returned: always
  type: dict
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
      description: Whether this is the account's default authenticated domain.
      type: bool
      sample: true
    ips:
      description: The IPs of the custom SPF record, sorted.
      type: list
      elements: str
      sample: [192.0.2.10]
    custom_dkim_selector:
      description:
        - The custom DKIM selector, read from the DKIM record names. V(null) when SendGrid's own selectors are used.
      type: str
      sample: sg1
    region:
      description:
        - V(global) or V(eu), read from the record values. V(null) when the records do not show it (manual security).
      type: str
      sample: global
    valid:
      description: Whether SendGrid found the DNS records valid at its last validation.
      type: bool
      sample: false
    legacy:
      description: Whether the entry was made with the old whitelabel tool. Legacy entries cannot be changed, only replaced.
      type: bool
      sample: false
    subusers:
      description:
        - Subusers associated with the entry, sorted. The complete list when SendGrid's answer includes it, otherwise
          the subusers listed in O(subusers) that are associated.
      returned: when known
      type: list
      elements: str
      sample: [newsletter, shop-eu]
dns_records:
  description:
    - The DNS records to publish, in SendGrid's order. With automatic security three CNAME records
      (C(mail_cname), C(dkim1), C(dkim2)); with manual security an MX record and TXT records (C(mail_server),
      C(subdomain_spf), C(domain_spf) with custom SPF, C(dkim)).
    - Names are fully qualified without the trailing dot; types are upper case.
    - Empty when O(state=absent).
    - In check mode, after a change, the records the real run will give the entry. SendGrid's record formats follow
      from the options (the SPF values from O(custom_spf) and O(ips)), except what it assigns when it creates an entry
      (the CNAME targets, the DKIM key); for an entry that does not exist yet, or is replaced, those values are
      V(null), and without O(subdomain) the records of the mail host (whose name SendGrid chooses) are left out.
      M(mailops.sendgrid.sendgrid_dns_publish) and M(mailops.sendgrid.sendgrid_dns_check) leave null values out.
    - With C(--diff), the diff shows the records too when they change.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The record's name.
      type: str
      sample: em.example.com
    type:
      description: The record type (V(CNAME), V(MX) or V(TXT)).
      type: str
      sample: CNAME
    value:
      description: The record's value, V(null) in check mode where SendGrid assigns it on creation.
      type: str
      sample: u1446440.wl001.sendgrid.net
  sample:
    - {name: em.example.com, type: CNAME, value: u1446440.wl001.sendgrid.net}
    - {name: s1._domainkey.example.com, type: CNAME, value: s1.domainkey.u1446440.wl001.sendgrid.net}
    - {name: s2._domainkey.example.com, type: CNAME, value: s2.domainkey.u1446440.wl001.sendgrid.net}
dns_records_at_domain:
  description:
    - The records of RV(dns_records) whose name is the authenticated domain itself (SendGrid's C(domain_spf) with custom
      SPF; some answers with automatic security carry an C(spf) record there too).
    - That name is often the zone apex and holds the domain's own SPF and verification records. Merge these values into
      what it holds (M(mailops.sendgrid.sendgrid_dns_publish) does); two SPF records at one name make every SPF check fail.
  returned: always
  type: list
  elements: dict
  sample: [{name: example.com, type: TXT, value: "v=spf1 include:mail.example.com -all"}]
validation:
  description:
    - The result of the validation this run asked for, with SendGrid's reason for every invalid record.
    - Not returned when O(validate=false) or when the entry was valid already.
  returned: when the module validated
  type: dict
  contains:
    valid:
      description: Whether every record is valid. V(null) in check mode.
      type: bool
      sample: false
    results:
      description: Per record (C(mail_cname), C(dkim1), C(dkim2), or C(mail_server), C(subdomain_spf), C(dkim)),
        whether it is valid and, if not, SendGrid's reason.
      type: dict
      sample:
        mail_cname: {valid: false, reason: 'Expected CNAME for "em.example.com" to match "u1446440.wl001.sendgrid.net".'}
        dkim1: {valid: true, reason: null}
        dkim2: {valid: true, reason: null}
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
      sample: "check mode: SendGrid would be asked to validate authenticated domain em.example.com"
deferred_subusers:
  description:
    - Subusers of O(subusers) that are not associated yet because the entry is not valid (O(defer_subusers=true)), sorted.
      They are not in the object's C(subusers).
  returned: when O(defer_subusers=true) left associations for a later run
  type: list
  elements: str
  sample: [agency-client]
removed_duplicates:
  description:
    - Ids of identical authenticated domains this run deleted, sorted.
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
from ansible_collections.mailops.sendgrid.plugins.module_utils._resource_domain_auth import DomainAuth, argument_spec


def main():
    module = SendGridModule(argument_spec=argument_spec(), supports_check_mode=True)
    run_resource(module, DomainAuth)


if __name__ == "__main__":
    main()
