#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: sendgrid_link_branding_info
short_description: Read SendGrid branded links
version_added: 0.1.0
description:
  - Read the branded links (link branding, formerly "link whitelabel") of a SendGrid account.
  - Without options, returns every link of the account. With O(id), one link; with O(domain) (and O(subdomain)),
    the links of a domain; with O(default=true), the link SendGrid uses by default (for O(domain) when set);
    with O(subuser), the link the parent account associated with that subuser.
  - Every item of RV(links) holds the options of M(mailops.sendgrid.sendgrid_link_branding)
    (C(domain), C(subdomain), C(default), C(region)), so it can be fed back to that module.
author:
  - mailops.sendgrid maintainers (@mailops)
extends_documentation_fragment:
  - mailops.sendgrid.sendgrid
  - mailops.sendgrid.sendgrid.info_attributes
options:
  id:
    description:
      - Return the link with this id. An unknown id returns an empty list.
      - Cannot be combined with the other selectors.
    type: int
  domain:
    description:
      - Return only the links of this root domain.
      - With O(default=true), return the default link SendGrid would use for this domain.
    type: str
  subdomain:
    description:
      - With O(domain), return only the link with this subdomain.
    type: str
  default:
    description:
      - V(true) returns the one link SendGrid uses by default (for O(domain) when set), as
        C(GET /v3/whitelabel/links/default) answers. SendGrid picks a validated link marked as default, else a
        legacy link, else its own link.
      - V(false) or omitted lists links.
    type: bool
  subuser:
    description:
      - Return the link the parent account associated with this subuser, or an empty list when there is none.
      - Cannot be used with O(on_behalf_of) nor combined with the other selectors.
    type: str
notes:
  - Needs the API key scope C(whitelabel.read).
  - Every mode sends exactly one request. SendGrid's list of links has no filter by domain and no offset, so O(domain)
    and O(subdomain) are matched on the one list of up to 3000 links (the most one account can have).
seealso:
  - module: mailops.sendgrid.sendgrid_link_branding
"""

EXAMPLES = r"""
- name: All branded links of the account
  mailops.sendgrid.sendgrid_link_branding_info:
  register: all_links

- name: The links of one domain
  mailops.sendgrid.sendgrid_link_branding_info:
    domain: example.com
  register: example_links

- name: The link SendGrid uses by default for example.com
  mailops.sendgrid.sendgrid_link_branding_info:
    domain: example.com
    default: true

- name: The link a subuser uses
  mailops.sendgrid.sendgrid_link_branding_info:
    subuser: shop-eu

- name: Copy the links of one subuser account to another (items are module options)
  mailops.sendgrid.sendgrid_link_branding:
    on_behalf_of: shop-new
    domain: "{{ item.domain }}"
    subdomain: "{{ item.subdomain }}"
    region: "{{ item.region }}"
    default: "{{ item.default }}"
  loop: "{{ example_links.links }}"
"""

RETURN = r"""
links:
  description:
    - The links found, sorted by domain, subdomain and id. Empty when nothing matches.
    - C(domain), C(subdomain), C(default) and C(region) are options of M(mailops.sendgrid.sendgrid_link_branding).
  returned: always
  type: list
  elements: dict
  contains:
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
      description: V(us) or V(eu); from SendGrid's answer, or from the target of the domain CNAME when the answer has no region.
      type: str
      sample: us
    id:
      description: The id of the link.
      type: int
      sample: 2000001
    valid:
      description: Whether SendGrid found the DNS records valid at its last validation.
      type: bool
      sample: true
    legacy:
      description: Whether the link was created with the old whitelabel wizard.
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
    dns_records:
      description: The link's DNS records, C(domain_cname) first, as C({name, type, value}).
      type: list
      elements: dict
      sample:
        - {name: links.example.com, type: CNAME, value: sendgrid.net}
        - {name: 1446440.example.com, type: CNAME, value: sendgrid.net}
  sample:
    - domain: example.com
      subdomain: links
      default: true
      region: us
      id: 2000001
      valid: true
      legacy: false
      username: parent
      user_id: 1446440
      dns_records:
        - {name: links.example.com, type: CNAME, value: sendgrid.net}
        - {name: 1446440.example.com, type: CNAME, value: sendgrid.net}
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

from ansible_collections.mailops.sendgrid.plugins.module_utils._link_branding import LINKS, dns_records, from_api, link_path, list_links
from ansible_collections.mailops.sendgrid.plugins.module_utils._errors import InputError
from ansible_collections.mailops.sendgrid.plugins.module_utils._module import run_info
from ansible_collections.mailops.sendgrid.plugins.module_utils._validators import validate_domain, validate_subdomain

# The keys of an item of ``links``: the options of sendgrid_link_branding first.
ITEM_KEYS = ("domain", "subdomain", "default", "region", "id", "valid", "legacy", "username", "user_id")


def item(raw):
    link = from_api(raw)
    return dict({key: link[key] for key in ITEM_KEYS}, dns_records=dns_records(link["dns"]))


def check_input(params):
    selectors = [name for name in ("id", "subuser") if params[name] is not None]
    if params["domain"] is not None or params["default"]:
        selectors.append("domain/default")
    if len(selectors) > 1:
        raise InputError("only one of id, subuser and domain/default can be used, got %s" % ", ".join(selectors))
    if params["id"] is not None and params["id"] < 1:
        raise InputError("id must be a positive link id, got %s" % params["id"])
    if params["subdomain"] is not None and params["domain"] is None:
        raise InputError("subdomain requires domain")
    if params["subdomain"] is not None and params["default"]:
        raise InputError("subdomain cannot be used with default=true: SendGrid picks the default link of a domain")
    if params["domain"] is not None:
        params["domain"] = validate_domain(params["domain"], "domain")
    if params["subdomain"] is not None:
        params["subdomain"] = validate_subdomain(params["subdomain"], "subdomain")
    if params["subuser"] is not None:
        if not params["subuser"].strip():
            raise InputError("subuser must be a subuser's username, got %r" % params["subuser"])
        if params["on_behalf_of"]:
            raise InputError("subuser cannot be used with on_behalf_of: subuser associations belong to the parent account")


def read(module):
    params = module.params
    check_input(params)
    client = module.client
    if params["id"] is not None:
        found = [client.get(link_path(params["id"]), not_found_ok=True)]
    elif params["subuser"] is not None:
        found = [client.get(LINKS + "/subuser", query={"username": params["subuser"].strip()}, not_found_ok=True)]
    elif params["default"]:
        found = [client.get(LINKS + "/default", query={"domain": params["domain"]}, not_found_ok=True)]
    else:
        found = list_links(client)
    links = [item(raw) for raw in found if isinstance(raw, dict) and raw]
    if params["domain"] is not None and not params["default"]:
        links = [link for link in links if link["domain"] == params["domain"]]
    if params["subdomain"] is not None:
        links = [link for link in links if link["subdomain"] == params["subdomain"]]
    links.sort(key=lambda link: (link["domain"], link["subdomain"] or "", link["id"] or 0))
    return {"links": links}


def main():
    run_info(
        dict(
            id=dict(type="int"),
            domain=dict(type="str"),
            subdomain=dict(type="str"),
            default=dict(type="bool"),
            subuser=dict(type="str"),
        ),
        read,
    )


if __name__ == "__main__":
    main()
