#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: sendgrid_subuser_ips
short_description: Assign dedicated IPs of a SendGrid account to a subuser
version_added: 0.1.0
description:
  - Makes the dedicated IPs in O(ips) IPs that the subuser O(subuser) may send from, keeping the subuser's other IPs
    (or, with O(purge_ips=true), only those).
  - SendGrid's C(PUT /v3/subusers/{subuser_name}/ips) replaces the subuser's whole IP list, so the module reads the
    current assignment first (C(GET /v3/ips?subuser=...)) and sends the union (or the exact list with O(purge_ips)).
    When nothing has to change it sends that one read only.
author:
  - mailops.sendgrid maintainers (@mailops)
extends_documentation_fragment:
  - mailops.sendgrid.sendgrid
  - mailops.sendgrid.sendgrid.attributes
options:
  subuser:
    description: The subuser's username. A name that is not a subuser of the account fails the task before any write.
    type: str
    required: true
  ips:
    description:
      - Dedicated IPv4 addresses of the account. Each is checked to be an IPv4 address before any request, and to be
        an IP of the account before any write.
    type: list
    elements: str
    required: true
  purge_ips:
    description:
      - Take from the subuser every IP not in O(ips). A subuser is never left without an IP (O(ips) must not be empty).
    type: bool
    default: false
notes:
  - Needs the API key scopes C(ips.read), C(subusers.read) and C(subusers.update).
  - O(on_behalf_of) is refused before any request; the parent account assigns its IPs.
seealso:
  - module: mailops.sendgrid.sendgrid_dedicated_ips
  - module: mailops.sendgrid.sendgrid_ip_info
"""

EXAMPLES = r"""
- name: The client's subuser may send from its dedicated IP
  mailops.sendgrid.sendgrid_subuser_ips:
    subuser: client-acme
    ips: [192.0.2.20]

- name: Only from these two, every other IP taken from it
  mailops.sendgrid.sendgrid_subuser_ips:
    subuser: client-acme
    ips: [192.0.2.20, 192.0.2.21]
    purge_ips: true
"""

RETURN = r"""
subuser:
  description: The subuser and the IPs it may send from after the run (predicted in check mode), in the shape of the options.
  returned: always
  type: dict
  contains:
    subuser:
      description: The username.
      type: str
      sample: client-acme
    ips:
      description: Its IPs, sorted.
      type: list
      elements: str
      sample: [192.0.2.20, 192.0.2.21]
diff:
  description: Before and after in the shape of the options.
  returned: with C(--diff)
  type: dict
  sample: {before: {subuser: client-acme, ips: [192.0.2.20]}, after: {subuser: client-acme, ips: [192.0.2.20, 192.0.2.21]}}
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

from ansible_collections.mailops.sendgrid.plugins.module_utils._api import api_path
from ansible_collections.mailops.sendgrid.plugins.module_utils._ips import IPS_PATH, list_ips
from ansible_collections.mailops.sendgrid.plugins.module_utils._compare import ip_sort_key
from ansible_collections.mailops.sendgrid.plugins.module_utils._errors import InputError
from ansible_collections.mailops.sendgrid.plugins.module_utils._module import run_resource, SendGridModule, SendGridResource
from ansible_collections.mailops.sendgrid.plugins.module_utils._validators import validate_ipv4, validate_username
from ansible_collections.mailops.sendgrid.plugins.module_utils._plan import STEP, Field, members_differ

SUBUSERS_PATH = "/v3/subusers"


class SubuserIPs(SendGridResource):
    NOUN = "subuser IP assignment"

    def fields(self):
        # purge_ips decides how the members compare.
        return (Field("ips", STEP, differs=members_differ(self.params["purge_ips"])),)

    def check_input(self):
        params = self.params
        params["subuser"] = validate_username(params["subuser"], "subuser")
        params["ips"] = sorted({validate_ipv4(ip, "ips") for ip in params["ips"]}, key=ip_sort_key)
        if not params["ips"]:
            raise InputError("ips must name at least one IP: a subuser without IPs cannot send")

    def find(self):
        assigned = [item.get("ip") for item in list_ips(self.client, {"subuser": self.params["subuser"]}) if isinstance(item, dict)]
        return {"subuser": self.params["subuser"], "ips": sorted({ip for ip in assigned if ip}, key=ip_sort_key)}

    def to_options(self, obj):
        return {"subuser": obj["subuser"], "ips": list(obj["ips"])}

    def desired(self):
        return {"ips": self.params["ips"]}

    def change_ips(self, current):
        wanted = list(self.params["ips"])
        ips = wanted if self.params["purge_ips"] else sorted(set(current["ips"]) | set(wanted), key=ip_sort_key)
        self.check_before_write(current, ips)
        # SendGrid replaces the whole list with the body; repeating the same PUT changes nothing more.
        answer = self.write("PUT", api_path(SUBUSERS_PATH, current["subuser"], "ips"), ips, retry_safe=True)
        given = answer.get("ips") if isinstance(answer, dict) else None
        return dict(current, ips=sorted(given, key=ip_sort_key) if isinstance(given, list) else ips)

    def check_before_write(self, current, ips):
        """The subuser exists and every IP is the account's: a refused PUT would say less, and a wrong one more."""
        names = {item.get("username") for item in self.client.paginate(SUBUSERS_PATH, query={"username": current["subuser"]})
                 if isinstance(item, dict)}
        if current["subuser"] not in names:
            raise InputError("subuser: %s is not a subuser of this account (GET %s); nothing was changed" % (current["subuser"], SUBUSERS_PATH))
        known = {item.get("ip") for item in list_ips(self.client) if isinstance(item, dict)}
        unknown = [ip for ip in ips if ip not in known]
        if unknown:
            raise InputError("ips: %s %s not a dedicated IP of this account (GET %s); nothing was changed"
                             % (", ".join(unknown), "is" if len(unknown) == 1 else "are", IPS_PATH))

    def create(self):  # pragma: no cover - find() always answers the assignment
        raise InputError("the subuser's IPs could not be read")

    def result(self, obj):
        return {"subuser": self.to_options(obj)}


def main():
    module = SendGridModule(
        argument_spec=dict(
            subuser=dict(type="str", required=True),
            ips=dict(type="list", elements="str", required=True),
            purge_ips=dict(type="bool", default=False),
        ),
        parent_account_only=("/v3/ips and /v3/subusers", ""),
        supports_check_mode=True,
    )
    run_resource(module, SubuserIPs)


if __name__ == "__main__":
    main()
