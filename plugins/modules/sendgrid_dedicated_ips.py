#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: sendgrid_dedicated_ips
short_description: Make sure a SendGrid account (or some of its subusers) has at least a number of dedicated IPs
version_added: 0.1.0
description:
  - Counts the dedicated IPs of the account (those assigned to every subuser in O(subusers), when given) and, when
    there are fewer than O(count), adds the missing ones with SendGrid's C(POST /v3/ips), assigned to O(subusers) and
    put into warmup when O(warmup=true). Returns every IP that counts, and the new ones apart, so that the next tasks
    (IP pool, reverse DNS) can use them.
  - B(Adding IPs is a purchase) that SendGrid bills. It happens only with O(allow_purchase=true); without it a shortfall
    fails before any write, saying how many IPs would be bought. Check mode buys nothing and returns the number of IPs
    and the price SendGrid quotes. C(GET /v3/ips/remaining) is read before buying, and a shortfall fails before any write.
  - Never removes an IP.
author:
  - mailops.sendgrid maintainers (@mailops)
extends_documentation_fragment:
  - mailops.sendgrid.sendgrid
  - mailops.sendgrid.sendgrid.attributes
options:
  count:
    description:
      - How many dedicated IPs the account (or each of O(subusers), together) has at least. Checked to be 1 or more
        before any request.
    type: int
    required: true
  subusers:
    description:
      - Count only the IPs assigned to every one of these subusers, and assign the IPs that are added to them.
      - Each must be a subuser of the account; one that is not fails the task before any write.
    type: list
    elements: str
    default: []
  warmup:
    description:
      - Put the IPs that are added into SendGrid's automated warmup. An IP that warms up alone in a pool throttles the
        pool's mail (and a custom SPF record that lists only it); the result warns about it.
    type: bool
    default: false
  allow_purchase:
    description:
      - Allow the module to add (buy) IPs. Without it, fewer IPs than O(count) fail the task before any write.
    type: bool
    default: false
notes:
  - Needs the API key scopes C(ips.read) and C(ips.create), and C(subusers.read) with O(subusers).
  - O(on_behalf_of) is refused before any request; IPs are bought by the parent account and assigned to subusers.
  - C(POST /v3/ips) is never repeated after an error whose outcome is unknown (a lost answer, a 5xx); the IPs are read
    again to learn whether SendGrid added them.
seealso:
  - module: mailops.sendgrid.sendgrid_subuser_ips
  - module: mailops.sendgrid.sendgrid_ip_info
  - module: mailops.sendgrid.sendgrid_ip_pool
"""

EXAMPLES = r"""
- name: The client's subuser has two dedicated IPs, warming up (buys the missing ones)
  mailops.sendgrid.sendgrid_dedicated_ips:
    count: 2
    subusers: [client-acme]
    warmup: true
    allow_purchase: true
  register: acme_ips

- name: Put them into the client's pool
  mailops.sendgrid.sendgrid_ip_pool:
    name: acme
    ips: "{{ acme_ips.ips }}"

- name: What a purchase would cost (check mode buys nothing)
  mailops.sendgrid.sendgrid_dedicated_ips:
    count: 4
    allow_purchase: true
  check_mode: true
  register: quote
"""

RETURN = r"""
ips:
  description: The IPs that count (assigned to every one of O(subusers), when given), sorted; in check mode without the ones to buy.
  returned: always
  type: list
  elements: str
  sample: [192.0.2.10, 192.0.2.11]
added:
  description: The IPs this run added (none in check mode).
  returned: always
  type: list
  elements: str
  sample: [192.0.2.11]
purchase:
  description: The IPs to buy, and what SendGrid quotes for them; C(count) 0 when there are enough.
  returned: always
  type: dict
  contains:
    count:
      description: How many IPs are (or in check mode would be) added.
      type: int
      sample: 1
    remaining:
      description: How many IPs SendGrid lets the account add in the current period (read only when some are missing).
      type: int
      sample: 9
    price_per_ip:
      description: SendGrid's price per IP and period, as C(GET /v3/ips/remaining) says it (read only when some are missing).
      type: float
      sample: 20
    period:
      description: The billing period SendGrid names.
      type: str
      sample: month
diff:
  description: The number of IPs that count, before and after.
  returned: with C(--diff)
  type: dict
  sample: {before: {count: 1}, after: {count: 2}}
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
from ansible_collections.mailops.sendgrid.plugins.module_utils._ips import IPS_PATH, list_ips, normalise_ip
from ansible_collections.mailops.sendgrid.plugins.module_utils._compare import ip_sort_key
from ansible_collections.mailops.sendgrid.plugins.module_utils._errors import InputError
from ansible_collections.mailops.sendgrid.plugins.module_utils._module import run_resource, SendGridModule, SendGridResource
from ansible_collections.mailops.sendgrid.plugins.module_utils._validators import validate_username
from ansible_collections.mailops.sendgrid.plugins.module_utils._plan import STEP, Field

REMAINING_PATH = IPS_PATH + "/remaining"
SUBUSERS_PATH = "/v3/subusers"


class DedicatedIPs(SendGridResource):
    NOUN = "dedicated IPs"
    # Fewer IPs than wanted is the one difference; it is closed by a purchase (a step of its own), never by removing.
    FIELDS = (Field("count", STEP, differs=lambda have, want: have < want),)

    def check_input(self):
        params = self.params
        if params["count"] < 1:
            raise InputError("count must be 1 or more, got %d" % params["count"])
        params["subusers"] = list(dict.fromkeys(validate_username(name, "subusers") for name in params["subusers"] or ()))

    def find(self):
        wanted = set(self.params["subusers"])
        self.all_ips = [normalise_ip(item) for item in list_ips(self.client) if isinstance(item, dict)]
        counted = sorted((ip["ip"] for ip in self.all_ips if wanted <= set(ip["subusers"])), key=ip_sort_key)
        return {"count": len(counted), "ips": counted, "added": []}

    def to_options(self, obj):
        return {"count": obj["count"]}

    def desired(self):
        return {"count": self.params["count"]}

    def change_count(self, current):
        missing = self.params["count"] - current["count"]
        if self.params["subusers"]:
            self.check_subusers()
        quote = self.quote()
        self.purchase = dict(quote, count=missing)
        if not self.params["allow_purchase"]:
            raise InputError(
                "%d dedicated IP(s) %s, %d wanted: %d more would be bought (%s per IP and %s, as SendGrid quotes it). Adding "
                "IPs is a purchase: set allow_purchase=true to buy them" % (
                    current["count"], self.whose(), self.params["count"], missing, quote["price_per_ip"], quote["period"])
            )
        if quote["remaining"] is not None and quote["remaining"] < missing:
            raise InputError(
                "%d more dedicated IP(s) are needed but SendGrid lets this account add %d more this %s (GET %s); nothing was "
                "bought" % (missing, quote["remaining"], quote["period"], REMAINING_PATH)
            )
        body = {"count": missing, "warmup": self.params["warmup"]}
        if self.params["subusers"]:
            body["subusers"] = self.params["subusers"]
        known = set(ip["ip"] for ip in self.all_ips)
        # A purchase is never repeated blindly: after a lost answer the IPs are read again to learn what was bought.
        answer = self.write_or_reread(
            "POST", IPS_PATH, body, reread=lambda: self.reread_after_purchase(known), complete=lambda a: isinstance(a, dict) and "ips" in a,
        )
        if answer is None:  # check mode
            return current
        if "reread" in answer:
            added = answer["reread"]
        else:
            added = [item.get("ip") for item in answer.get("ips") or () if isinstance(item, dict) and item.get("ip")]
        ips = sorted(set(current["ips"]) | set(added), key=ip_sort_key)
        return {"count": len(ips), "ips": ips, "added": sorted(added, key=ip_sort_key)}

    def reread_after_purchase(self, known):
        again = self.find()
        added = [ip for ip in again["ips"] if ip not in known]
        return {"reread": added} if again["count"] >= self.params["count"] and added else None

    def check_subusers(self):
        """Before any write: every subuser in ``subusers`` is a subuser of the account."""
        names = set()
        for item in self.client.paginate(SUBUSERS_PATH):
            if isinstance(item, dict) and item.get("username"):
                names.add(item["username"])
        unknown = [name for name in self.params["subusers"] if name not in names]
        if unknown:
            raise InputError("subusers: %s %s not a subuser of this account (GET %s); nothing was bought"
                             % (", ".join(unknown), "is" if len(unknown) == 1 else "are", SUBUSERS_PATH))

    def quote(self):
        answer = self.client.get(REMAINING_PATH, expect=dict)
        results = answer.get("results") if isinstance(answer, dict) else None
        first = results[0] if isinstance(results, list) and results and isinstance(results[0], dict) else {}
        remaining = first.get("remaining")
        return {
            "remaining": remaining if isinstance(remaining, int) and not isinstance(remaining, bool) else None,
            "price_per_ip": first.get("price_per_ip"),
            "period": first.get("period") or "period",
        }

    def warn_warmup_alone(self, obj):
        """The warm-up trap: when every IP that counts is warming up (or, bought now with warmup, will be)."""
        warming = {ip["ip"] for ip in getattr(self, "all_ips", ()) if ip["warmup"]} | (set(obj["added"]) if self.params["warmup"] else set())
        if obj["ips"] and set(obj["ips"]) <= warming:
            self.warn(
                "every IP %s (%s) is warming up: a pool of warming IPs only sends SendGrid's warmup volume, and a custom "
                "SPF record that lists only them limits the sender the same way; keep an IP with a reputation in the pool "
                "until the warmup ends" % (self.whose(), ", ".join(obj["ips"]))
            )

    def whose(self):
        subusers = self.params["subusers"]
        return ("assigned to %s" % ", ".join(subusers)) if subusers else "on the account"

    def create(self):  # pragma: no cover - the account always exists: find() never answers None
        raise SendGridError("the account's IPs could not be read")

    def result(self, obj):
        self.warn_warmup_alone(obj)
        purchase = getattr(self, "purchase", None) or {"count": 0, "remaining": None, "price_per_ip": None, "period": None}
        return {"ips": list(obj["ips"]), "added": list(obj["added"]), "purchase": purchase}


def main():
    module = SendGridModule(
        argument_spec=dict(
            count=dict(type="int", required=True),
            subusers=dict(type="list", elements="str", default=[]),
            warmup=dict(type="bool", default=False),
            allow_purchase=dict(type="bool", default=False),
        ),
        parent_account_only=("/v3/ips", ""),
        supports_check_mode=True,
    )
    run_resource(module, DedicatedIPs)


if __name__ == "__main__":
    main()
