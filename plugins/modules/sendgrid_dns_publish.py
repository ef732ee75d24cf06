#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: sendgrid_dns_publish
short_description: Publish SendGrid's DNS records into a live zone without destroying what is there (RFC 2136)
version_added: 0.2.0
description:
  - Reads, from the zone's primary nameserver O(server), what each name of O(records) holds, merges the records
    into it, and sends the change as one RFC 2136 dynamic update per zone, signed with a TSIG key.
  - A zone is shared with everything else a company runs, so nothing is replaced wholesale. TXT values are added
    and every other TXT value at the name is kept. An existing SPF record (C(v=spf1 ...)) gets SendGrid's mechanisms
    merged into it, keeping its other mechanisms and its C(all) qualifier, because two SPF records at one name are a
    permanent error for every SPF check (RFC 7208 section 4.5); a merged record that would need more than 10 DNS
    lookups is refused. A CNAME is written only where the name holds nothing else; an MX or an A record only where
    the name holds no other value of that type; a DKIM key only where its selector holds no other key. Anything
    else is a conflict, and the module fails before writing anything, naming each record and what is there, unless
    O(replace_conflicts=true).
  - The update carries prerequisites (each record set it changes must still be what was read), so a zone changed
    by someone else between the read and the update is not overwritten; the update is refused and the module says so.
  - With O(publish=false) nothing is written; the module only returns the plan and the merged record sets, for a
    publisher of your own (a DNS provider's API, a zone file in git).
author:
  - mailops.sendgrid maintainers (@mailops)
extends_documentation_fragment:
  - mailops.sendgrid.sendgrid.dns
  - mailops.sendgrid.sendgrid
attributes:
  check_mode:
    support: full
    description: Reads the zone and returns the plan and the diff of every record set; sends no update.
  diff_mode:
    support: full
    description: Shows each record set the run changes (C(<name> <TYPE>)) before and after, with every value.
  action_group:
    support: full
    description: Use C(group/mailops.sendgrid.sendgrid) in C(module_defaults) to set default values for this module.
    membership:
      - mailops.sendgrid.sendgrid
options:
  records:
    description:
      - The records SendGrid needs, each with O(records[].name), O(records[].type) and O(records[].value), usually the
        C(dns_records) results of M(mailops.sendgrid.sendgrid_domain_auth), M(mailops.sendgrid.sendgrid_link_branding)
        and M(mailops.sendgrid.sendgrid_reverse_dns).
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: The fully qualified name, with or without the trailing dot.
        type: str
        required: true
      type:
        description: The record type.
        type: str
        required: true
        choices: [A, CNAME, MX, TXT]
      value:
        description:
          - The value (a CNAME or MX target, an address, the whole text of a TXT record).
          - V(null) is a value SendGrid has not assigned yet (check mode of a create); such a record is left out and
            listed in RV(pending).
        type: raw
        required: true
  server:
    description:
      - The IP address or host name of the zone's primary nameserver, which reads and updates go to.
      - Required unless O(current_record_sets) is set.
    type: str
  current_record_sets:
    description:
      - What the zone holds now, read from a DNS provider's API instead of from O(server), as record sets with
        C(name), C(type), C(values) (and C(ttl)); for example the Route 53 record sets of
        M(amazon.aws.route53_info) through the filter P(mailops.sendgrid.from_route53#filter).
      - Only with O(publish=false), without O(server). The plan (RV(changes)) is then for the provider's own module to
        apply; the role's V(route53) publisher does that.
      - Record sets outside the names of O(records) are not looked at.
    type: list
    elements: dict
  port:
    description: Its port.
    type: int
    default: 53
  zone:
    description:
      - The zone the records belong to. When not set, the zone of each record is found from the SOA records the
        server holds (a sender V(mail.example.co.uk) in the zone V(example.co.uk)).
      - With O(current_record_sets), the zone those record sets are from (RV(zones)); required then.
    type: str
  key_name:
    description: The name of the TSIG key that signs the update. Without it the update is not signed.
    type: str
  key_secret:
    description: The TSIG key, base64 encoded.
    type: str
  key_algorithm:
    description: The TSIG algorithm.
    type: str
    default: hmac-sha256
    choices: [hmac-md5, hmac-sha1, hmac-sha224, hmac-sha256, hmac-sha384, hmac-sha512]
  ttl:
    description:
      - The TTL of record sets that do not exist yet. A record set that exists keeps its TTL.
    type: int
    default: 3600
  replace_conflicts:
    description:
      - Replace data that conflicts with the records (another CNAME target, other data at a CNAME's name, another mail
        exchanger or address, another DKIM key at the selector, several SPF records) instead of failing.
      - An SPF record that would need more than 10 DNS lookups is refused either way, and an existing DMARC record is
        replaced only with O(replace_dmarc=true).
    type: bool
    default: false
  replace_dmarc:
    description:
      - Replace an existing DMARC record (a C(v=DMARC1) TXT record at C(_dmarc.<domain>)) with the one in O(records).
      - Without it a different DMARC record already there is a conflict and nothing is published, because it is the domain's
        policy, which other senders of the domain depend on.
    type: bool
    default: false
  publish:
    description: Send the update. V(false) only plans (as check mode does).
    type: bool
    default: true
  timeout:
    description: Seconds to wait for each DNS answer and for the update's answer.
    type: float
    default: 5
notes:
  - The server must allow queries and signed updates from the host that runs the module (for BIND, C(allow-update) or
    C(update-policy) with the TSIG key).
"""

EXAMPLES = r"""
- name: Publish the records of a domain into a live zone, keeping what is there
  mailops.sendgrid.sendgrid_dns_publish:
    records: "{{ domain.dns_records + link.dns_records }}"
    server: 192.0.2.53
    key_name: sendgrid-updates
    key_secret: "{{ vault_tsig_secret }}"

- name: Only plan, for a DNS provider of your own
  mailops.sendgrid.sendgrid_dns_publish:
    records: "{{ domain.dns_records }}"
    server: ns1.example.com
    publish: false
  register: dns_plan

- name: Give the merged record sets to that provider
  ansible.builtin.debug:
    msg: "{{ dns_plan.record_sets }}"
"""

RETURN = r"""
pending:
  description:
    - The records of O(records) whose value is null, left out. Check mode of a module that would create a SendGrid
      object returns such records, whose value SendGrid assigns on creation (a CNAME target, a DKIM key).
  returned: always
  type: list
  elements: dict
  sample: [{"name": "em.example.com", "type": "CNAME", "value": null}]
changes:
  description:
    - Per name and type the records touch, what the run does (or would do, in check mode).
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The name, lower case, without the trailing dot.
      type: str
      sample: example.com
    type:
      description: The record type.
      type: str
      sample: TXT
    action:
      description:
        - V(none) (already published), V(add) (values added, nothing else touched), V(merge) (SendGrid's mechanisms
          merged into the existing SPF record), V(replace) (conflicting data replaced, only with
          O(replace_conflicts=true)) or V(delete) (other data removed from a CNAME's name, likewise).
      type: str
      sample: merge
    before:
      description: Every value of the record set before.
      type: list
      elements: str
      sample: ["google-site-verification=keep-me", "v=spf1 include:_spf.google.com ~all"]
    after:
      description: Every value of the record set after.
      type: list
      elements: str
      sample: ["google-site-verification=keep-me", "v=spf1 include:_spf.google.com include:em.example.com ~all"]
    note:
      description: Why a record set is deleted.
      type: str
      sample: null
record_sets:
  description:
    - The record sets as the zone holds them after the run, merged with what was there, for a zone file or another publisher.
  returned: always
  type: list
  elements: dict
  sample:
    - {name: example.com, type: TXT, values: ["google-site-verification=keep-me", "v=spf1 include:_spf.google.com include:em.example.com ~all"]}
zones:
  description: The zone of each name.
  returned: always
  type: dict
  sample: {example.com: example.com, em.example.com: example.com}
conflicts:
  description: What could not be published without overwriting data the collection did not write.
  returned: when the module fails on conflicts
  type: list
  elements: dict
  sample:
    - {name: em.example.com, type: CNAME, message: "em.example.com CNAME: the name holds TXT 'x', and a CNAME must be alone at its name"}
"""

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.mailops.sendgrid.plugins.module_utils._dns_merge import PlanConflict, diff, is_spf, normalise_value, plan, record_sets
from ansible_collections.mailops.sendgrid.plugins.module_utils._records import normalise_name
from ansible_collections.mailops.sendgrid.plugins.module_utils._dns_check import DNSPYTHON_IMPORT_ERROR, HAS_DNSPYTHON, split_pending
from ansible_collections.mailops.sendgrid.plugins.module_utils._dns_zone import ZoneError, ZoneServer
from ansible_collections.mailops.sendgrid.plugins.module_utils._argspec import dns_argument_spec


def argument_spec():
    spec = dns_argument_spec(["A", "CNAME", "MX", "TXT"])
    spec.update(
        server=dict(type="str"),
        current_record_sets=dict(type="list", elements="dict"),
        port=dict(type="int", default=53),
        zone=dict(type="str"),
        key_name=dict(type="str", no_log=False),
        key_secret=dict(type="str", no_log=True),
        key_algorithm=dict(
            type="str", default="hmac-sha256", choices=["hmac-md5", "hmac-sha1", "hmac-sha224", "hmac-sha256", "hmac-sha384", "hmac-sha512"]
        ),
        ttl=dict(type="int", default=3600),
        replace_conflicts=dict(type="bool", default=False),
        replace_dmarc=dict(type="bool", default=False),
        publish=dict(type="bool", default=True),
    )
    return spec


def read_from_sets(record_sets):
    """``read(name)`` and ``spf_record(name)`` over record sets given by the user, checked before they are used."""
    zone: dict = {}
    for index, item in enumerate(record_sets):
        values = item.get("values") if isinstance(item, dict) else None
        if not isinstance(item, dict) or not item.get("name") or not item.get("type") or not isinstance(values, list):
            raise ZoneError("current_record_sets[%d] must have name, type and a list of values, got %r" % (index, item))
        rtype = str(item["type"]).upper()
        here = zone.setdefault(normalise_name(item["name"]), {}).setdefault(rtype, [])
        for value in values:
            value = normalise_value(rtype, str(value)) if rtype in ("A", "CNAME", "MX", "TXT") else str(value)
            if value not in here:
                here.append(value)

    def read(name):
        return {rtype: list(values) for rtype, values in zone.get(normalise_name(name), {}).items()}

    def spf_record(name):
        spf = [value for value in zone.get(normalise_name(name), {}).get("TXT", []) if is_spf(value)]
        return spf[0] if len(spf) == 1 else None

    return read, spf_record


def main():
    module = AnsibleModule(
        argument_spec=argument_spec(),
        supports_check_mode=True,
        required_together=[("key_name", "key_secret")],
        required_one_of=[("server", "current_record_sets")],
        mutually_exclusive=[("server", "current_record_sets")],
        required_by={"current_record_sets": "zone"},
    )
    if not HAS_DNSPYTHON:
        module.fail_json(msg=missing_required_lib("dnspython"), exception=str(DNSPYTHON_IMPORT_ERROR))
    params = module.params
    if params["current_record_sets"] is not None and params["publish"]:
        module.fail_json(msg="current_record_sets plans only: set publish=false and apply the changes with the DNS provider's "
                             "module (the sender_setup role's route53 publisher does), or give server instead", changed=False)
    server = None
    try:
        wanted, pending = split_pending(params["records"])
        records = ZoneServer.check_records(wanted)
        names = sorted({record["name"] for record in records})
        if params["current_record_sets"] is not None:
            read, spf_record = read_from_sets(params["current_record_sets"])
            zone = normalise_name(params["zone"])
            outside = [name for name in names if name != zone and not name.endswith("." + zone)]
            if outside:
                raise ZoneError("%s %s not in the zone %s (zone)" % (", ".join(outside), "is" if len(outside) == 1 else "are", zone))
            zones = {name: zone for name in names}
        else:
            server = ZoneServer.from_params(params)
            read, spf_record = server.read, server.spf_record
            zones = server.zones_of(names, params["zone"])
        changes = plan(records, read, params["replace_conflicts"], resolve_spf=spf_record, replace_dmarc=params["replace_dmarc"])
    except PlanConflict as exc:
        module.fail_json(msg=str(exc), changed=False, conflicts=exc.conflicts)
    except ZoneError as exc:
        module.fail_json(msg=str(exc), changed=False)
    changed = any(change["action"] != "none" for change in changes)
    result = dict(changed=changed, changes=changes, record_sets=record_sets(changes), zones=zones, pending=pending)
    if module._diff:
        result["diff"] = diff(changes)
    if changed and params["publish"] and not module.check_mode:
        try:
            server.apply(changes, zones, params["ttl"])
        except ZoneError as exc:
            result["changed"] = False
            module.fail_json(msg=str(exc), **result)
    if not params["publish"]:
        result["changed"] = False
    module.exit_json(**result)


if __name__ == "__main__":
    main()
