#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: sendgrid_senders
short_description: Set up or audit many SendGrid senders in one run, reading each account once
version_added: 0.1.0
description:
  - Reconciles the SendGrid objects of many senders (IP pool, reverse DNS of their IPs, domain authentication, link
    branding) in one module run, with the same options and the same results as
    M(mailops.sendgrid.sendgrid_ip_pool), M(mailops.sendgrid.sendgrid_reverse_dns),
    M(mailops.sendgrid.sendgrid_domain_auth) and M(mailops.sendgrid.sendgrid_link_branding) would give each of them.
  - Each account (the key's, and each subuser of O(senders[].on_behalf_of)) is read once per list, whole (its
    authenticated domains, branded links, reverse DNS, IPs and pools), and every sender's lookups are answered from
    that snapshot with the same exact-match rules as the single modules. A run with nothing to change sends about five
    requests per account, whatever the number of senders.
  - An account with one sender is not read whole; its lookups are the single modules' filtered ones, so one sender
    sends exactly the requests of the single modules.
  - This is the engine of the C(sender_setup) role's C(sender_setup_fleet) switch, which the bundled playbooks turn on;
    M(mailops.sendgrid.sendgrid_sender_result) hands each inventory host its own results. Call it directly to
    reconcile a list of senders from one task.
  - A sender that fails does not stop the others; its result has C(failed) and C(msg).
author:
  - mailops.sendgrid maintainers (@mailops)
extends_documentation_fragment:
  - mailops.sendgrid.sendgrid
  - mailops.sendgrid.sendgrid.attributes
options:
  senders:
    description: The senders, each with the settings of the C(sender_setup) role of the same name (without C(sender_setup_)).
    type: list
    elements: dict
    required: true
    suboptions:
      host:
        description: The key of this sender in RV(senders) (the role uses the inventory host name).
        type: str
        required: true
      domain:
        description: The sending domain.
        type: str
        required: true
      subdomain:
        description: The subdomain of the domain authentication; omitted lets SendGrid choose.
        type: str
      ips:
        description: The sender's dedicated IPs (pool members and reverse DNS).
        type: list
        elements: str
        default: []
      ip_pool:
        description: The sender's IP pool; omitted skips the pool.
        type: str
      purge_pool_ips:
        description: Remove pool members not in O(senders[].ips).
        type: bool
        default: false
      reverse_dns:
        description: Set up reverse DNS for O(senders[].ips).
        type: bool
        default: true
      reverse_dns_domain:
        description: Domain of the reverse DNS names; omitted uses O(senders[].domain).
        type: str
      reverse_dns_subdomain:
        description: Subdomain of the reverse DNS names.
        type: str
        default: email
      link_branding:
        description: Set up link branding.
        type: bool
        default: true
      link_subdomain:
        description: The subdomain of the branded link; omitted lets SendGrid choose.
        type: str
      automatic_security:
        description: As in M(mailops.sendgrid.sendgrid_domain_auth).
        type: bool
        default: true
      custom_spf:
        description: As in M(mailops.sendgrid.sendgrid_domain_auth); the sender's IPs go into the SPF record.
        type: bool
        default: false
      custom_dkim_selector:
        description: As in M(mailops.sendgrid.sendgrid_domain_auth).
        type: str
      default:
        description: Make the authenticated domain the default one; omitted leaves the flag alone.
        type: bool
      link_default:
        description: Make the branded link the default one; omitted leaves the flag alone.
        type: bool
      region:
        description: V(eu) pins the domain and the link to SendGrid's EU infrastructure.
        type: str
        choices: [global, eu]
        default: global
      subusers:
        description: Subusers that may send with the domain and the link (associated once they are valid).
        type: list
        elements: str
        default: []
      purge_subusers:
        description: Remove associations with subusers not in O(senders[].subusers).
        type: bool
        default: false
      replace:
        description: Delete and create again what SendGrid cannot change in place.
        type: bool
        default: false
      on_behalf_of:
        description: The subuser whose account the sender lives in (its pool stays the parent's).
        type: str
      validate_timeout:
        description: Seconds to wait for SendGrid's validation (validation itself is the role's later, per-host step).
        type: float
        default: 0
      validate_delay:
        description: Seconds between validation requests.
        type: float
        default: 10
      validate_failure:
        description: What a validation that fails does.
        type: str
        choices: [warn, fail]
        default: warn
      summary_facts:
        description:
          - What the sender's summary lines (RV(senders.summary)) say beyond its SendGrid objects, as the filter
            P(mailops.sendgrid.sender_summary#filter) takes them (C(dmarc_value), C(dns_email)); the C(sender_setup)
            role passes them.
        type: dict
        default: {}
      extra_dns_records:
        description:
          - DNS records the sender needs besides those of its SendGrid objects, added at the end of its
            RV(senders.dns_records); the C(sender_setup) role passes its DMARC record. Each has C(name), C(type) and
            C(value), as the steps' records.
        type: list
        elements: dict
        default: []
  state:
    description:
      - V(present) sets up every sender's objects.
      - V(absent) deletes them, in the order of the bundled C(teardown) playbook (link branding, domain
        authentication, reverse DNS of O(senders[].ips), the IP pool), with the same options that name them; a sender's
        settings that only shape an object (IPs of a pool, subusers, defaults) are then ignored. An IP pool several
        senders share is deleted once.
    type: str
    choices: [present, absent]
    default: present
notes:
  - The API key needs the scopes of the four modules named above.
  - Objects are never validated here (that needs the DNS records published first); the role validates per host after
    publishing.
seealso:
  - module: mailops.sendgrid.sendgrid_domain_auth
  - module: mailops.sendgrid.sendgrid_link_branding
  - module: mailops.sendgrid.sendgrid_reverse_dns
  - module: mailops.sendgrid.sendgrid_ip_pool
"""

EXAMPLES = r"""
- name: Every sender of the play in one run
  mailops.sendgrid.sendgrid_senders:
    senders:
      - {host: shop, domain: shop.example.com, subdomain: em, ips: [192.0.2.10], ip_pool: shop}
      - {host: news, domain: news.example.com, subdomain: em, ips: [192.0.2.11], ip_pool: news}
  register: fleet

- name: The records of one of them
  ansible.builtin.debug:
    msg: "{{ fleet.senders.shop.domain.dns_records }}"

- name: Tear every sender of the play down (what the bundled teardown playbook does)
  mailops.sendgrid.sendgrid_senders:
    senders:
      - host: shop
        domain: shop.example.com
        subdomain: em
        link_subdomain: links
        ips: [192.0.2.10]
        ip_pool: transactional
    state: absent
"""

RETURN = r"""
senders:
  description:
    - Per sender (keyed by O(senders[].host)), the result of each step, as the single module returns it (C(changed),
      the object, C(dns_records), C(diff) with C(--diff)); a failed step has C(failed) and C(msg) and ends that sender.
  returned: always
  type: dict
  contains:
    pool:
      description: The result of M(mailops.sendgrid.sendgrid_ip_pool), with O(senders[].ip_pool).
      type: dict
      returned: with O(senders[].ip_pool)
    reverse_dns:
      description: Per IP, the result of M(mailops.sendgrid.sendgrid_reverse_dns).
      type: dict
      returned: with O(senders[].ips) and O(senders[].reverse_dns)
    domain:
      description: The result of M(mailops.sendgrid.sendgrid_domain_auth).
      type: dict
      returned: unless an earlier step failed
    link:
      description: The result of M(mailops.sendgrid.sendgrid_link_branding).
      type: dict
      returned: with O(senders[].link_branding), unless an earlier step failed
    summary:
      description:
        - The sender's summary lines, one per object with its state and validity (and DMARC and the DNS email with
          O(senders[].summary_facts)), as the filter P(mailops.sendgrid.sender_summary#filter) makes them.
      type: list
      elements: str
      returned: with O(state=present)
    valid:
      description: Whether every object of the sender is valid (each reverse DNS entry, the domain, the link with O(senders[].link_branding)).
      type: bool
      returned: with O(state=present)
    dns_records:
      description:
        - Every DNS record of the sender's steps (reverse DNS per IP, domain authentication, link branding), in that order,
          then O(senders[].extra_dns_records).
      type: list
      elements: dict
      returned: with O(state=present)
  sample:
    shop:
      domain: {changed: false, domain: {domain: shop.example.com, subdomain: em, valid: true}, dns_records: []}
failed_hosts:
  description: The senders (O(senders[].host)) of which a step failed.
  returned: always
  type: list
  elements: str
  sample: [news]
accounts:
  description: The accounts read (C(parent) for the key's own), one snapshot each.
  returned: always
  type: list
  elements: str
  sample: [parent, client-acme]
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

from ansible_collections.mailops.sendgrid.plugins.module_utils._fleet import AccountSnapshot, run_sender, run_teardown
from ansible_collections.mailops.sendgrid.plugins.module_utils._errors import InputError
from ansible_collections.mailops.sendgrid.plugins.module_utils._module import SendGridModule
from ansible_collections.mailops.sendgrid.plugins.module_utils._sender_summary import summary_lines

SENDER_OPTIONS = dict(
    host=dict(type="str", required=True),
    domain=dict(type="str", required=True),
    subdomain=dict(type="str"),
    ips=dict(type="list", elements="str", default=[]),
    ip_pool=dict(type="str"),
    purge_pool_ips=dict(type="bool", default=False),
    reverse_dns=dict(type="bool", default=True),
    reverse_dns_domain=dict(type="str"),
    reverse_dns_subdomain=dict(type="str", default="email"),
    link_branding=dict(type="bool", default=True),
    link_subdomain=dict(type="str"),
    automatic_security=dict(type="bool", default=True),
    custom_spf=dict(type="bool", default=False),
    custom_dkim_selector=dict(type="str"),
    default=dict(type="bool"),
    link_default=dict(type="bool"),
    region=dict(type="str", choices=["global", "eu"], default="global"),
    subusers=dict(type="list", elements="str", default=[]),
    purge_subusers=dict(type="bool", default=False),
    replace=dict(type="bool", default=False),
    on_behalf_of=dict(type="str"),
    validate_timeout=dict(type="float", default=0),
    validate_delay=dict(type="float", default=10),
    validate_failure=dict(type="str", choices=["warn", "fail"], default="warn"),
    summary_facts=dict(type="dict", default={}),
    extra_dns_records=dict(type="list", elements="dict", default=[]),
)


def gathered_records(result):
    """Every DNS record of a sender's steps, in the role's order: reverse DNS per IP, domain authentication, link."""
    steps = list((result.get("reverse_dns") or {}).values()) + [result.get("domain"), result.get("link")]
    return [record for step in steps if step for record in step.get("dns_records") or []]


def all_valid(sender, result):
    """Whether every object of the sender is valid: each reverse DNS entry, the domain, the link (with link_branding)."""
    objects = [(step or {}).get("reverse_dns") for step in (result.get("reverse_dns") or {}).values()]
    objects.append((result.get("domain") or {}).get("domain"))
    if sender.get("link_branding", True):
        objects.append((result.get("link") or {}).get("link"))
    return all(isinstance(obj, dict) and obj.get("valid") is True for obj in objects)


def main():
    module = SendGridModule(
        argument_spec=dict(senders=dict(type="list", elements="dict", required=True, options=SENDER_OPTIONS),
                           state=dict(type="str", choices=["present", "absent"], default="present")),
        parent_account_only=("every account of the senders", "; give each sender its on_behalf_of instead"),
        supports_check_mode=True,
    )

    def work():
        senders = module.params["senders"]
        hosts = [sender["host"] for sender in senders]
        duplicated = sorted({host for host in hosts if hosts.count(host) > 1})
        if duplicated:
            raise InputError("senders: each host must be given once, got %s more than once" % ", ".join(duplicated))
        connection = {name: module.params[name] for name in ("api_url", "data_residency")}
        behalf_of = [(sender.get("on_behalf_of") or "").strip() for sender in senders]
        pooled = sum(1 for sender in senders if sender.get("ip_pool"))

        def reader(client, senders_of_account):
            # A snapshot reads five lists whole; one sender's filtered lookups are four requests (one per IP of its
            # reverse DNS): one sender keeps the single modules' requests exactly.
            return AccountSnapshot(client) if senders_of_account > 1 else client

        parent_senders = behalf_of.count("")
        parent = reader(module.client, max(parent_senders, pooled))
        accounts = {"": parent}
        results, failed = {}, []
        for sender, behalf in zip(senders, behalf_of):
            if behalf not in accounts:
                accounts[behalf] = reader(module.client_for(behalf), behalf_of.count(behalf))
            run = run_sender if module.params["state"] == "present" else run_teardown
            result = run(sender, connection, parent, accounts[behalf], module.check_mode, module.diff_mode)
            if module.params["state"] == "present":
                result["dns_records"] = gathered_records(result) + sender["extra_dns_records"]
                result["valid"] = all_valid(sender, result)
                result["summary"] = summary_lines(dict(sender["summary_facts"], check_mode=module.check_mode, domain=sender["domain"],
                                                       subusers=sender["subusers"], purge_subusers=sender["purge_subusers"],
                                                       pool_result=result.get("pool"), reverse_dns_results=result.get("reverse_dns"),
                                                       domain_result=result.get("domain"), link_result=result.get("link")))
            results[sender["host"]] = result
            steps = [result.get("pool"), result.get("domain"), result.get("link")] + list((result.get("reverse_dns") or {}).values())
            if any(step and step.get("failed") for step in steps):
                failed.append(sender["host"])
        changed = any(step and step.get("changed") for result in results.values()
                      for step in [result.get("pool"), result.get("domain"), result.get("link")] + list((result.get("reverse_dns") or {}).values()))
        return {"changed": changed, "senders": results, "failed_hosts": failed, "accounts": ["parent" if not name else name for name in accounts]}

    module.run(work)


if __name__ == "__main__":
    main()
