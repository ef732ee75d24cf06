# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The reverse DNS resource of ``sendgrid_reverse_dns``: its fields, plan hooks and writes.

PRIVATE: this module is internal to the mailops.sendgrid collection. It is not a public API and may
change in any release without notice. Do not import it from other collections.

The resource lives here, not in the module file, so that the module and the fleet runner (``_fleet.py``), which
reconciles many senders in one module run, share it.
"""

from __future__ import annotations

import re

from ansible_collections.mailops.sendgrid.plugins.module_utils._api import SendGridError
from ansible_collections.mailops.sendgrid.plugins.module_utils._argspec import validation_argument_spec
from ansible_collections.mailops.sendgrid.plugins.module_utils._errors import Conflict, ValidationFailed
from ansible_collections.mailops.sendgrid.plugins.module_utils._module import has_id, SendGridResource
from ansible_collections.mailops.sendgrid.plugins.module_utils._validators import validate_domain, validate_ipv4, validate_subdomain
from ansible_collections.mailops.sendgrid.plugins.module_utils._plan import REPLACE, Field, Plan, compute_plan, differences
from ansible_collections.mailops.sendgrid.plugins.module_utils._reverse_dns import (
    RDNS_PATH,
    dns_records_of,
    find_by_ip,
    public,
    rdns_path,
    to_object,
)


PTR_LABEL_RE = re.compile(r"^ptr\d+$")


def sendgrid_chosen_subdomain(obj):
    """Whether SendGrid chose the subdomain itself (``o1.ptr123.example.com`` for a record made without one)."""
    subdomain = obj.get("subdomain") or ""
    return bool(PTR_LABEL_RE.match(subdomain)) and (obj.get("rdns") or "").endswith(".%s.%s" % (subdomain, obj.get("domain")))


class ReverseDns(SendGridResource):
    # SendGrid cannot update a reverse DNS: a different domain or subdomain is a replace.
    FIELDS = (Field("domain", REPLACE), Field("subdomain", REPLACE))
    NOUN = "reverse DNS"

    def check_input(self):
        params = self.params
        params["ip"] = validate_ipv4(params["ip"], "ip")
        if params["domain"] is not None:
            params["domain"] = validate_domain(params["domain"], "domain")
        if params["subdomain"] is not None:
            params["subdomain"] = validate_subdomain(params["subdomain"], "subdomain") if params["subdomain"].strip() else ""

    def find(self):
        item = find_by_ip(self.client, self.params["ip"])
        return to_object(item) if item is not None else None

    def to_options(self, obj):
        return {key: obj[key] for key in ("ip", "domain", "subdomain", "rdns", "valid")}

    def desired(self):
        params = self.params
        return {"ip": params["ip"], "domain": params["domain"], "subdomain": params["subdomain"]}

    def describe(self, obj):
        return "reverse DNS %s of IP %s" % (obj["rdns"] or "(not created yet)", obj["ip"])

    def comparable(self, current):
        """``current`` in the shape of the options, its subdomain read as the task means it.

        Without a subdomain SendGrid names the record ``o<n>.ptr<nnn>.<domain>`` and answers ``ptr<nnn>`` as its
        subdomain (its support article says so): that is what "no subdomain" (``""``) gives, not a difference, and
        the task's ``ptr<nnn>`` (an info item fed back) means the same record.
        """
        options = self.to_options(current)
        if self.params["subdomain"] == "" and sendgrid_chosen_subdomain(current):
            options["subdomain"] = ""
        return options

    def differing(self, current):
        """The options the task set that ``current`` differs in, and the text that names them."""
        plan = compute_plan(self.fields(), self.comparable(current), self.desired())
        return plan.changes, differences(self.comparable(current), self.desired(), plan.changes)

    # -- writes -------------------------------------------------------------------------

    def create(self):
        return self.validated(self.post_new())

    def post_new(self):
        """POST the reverse DNS the task asks for; answer it (predicted in check mode)."""
        params = self.params
        body = {"ip": params["ip"], "domain": params["domain"]}
        if params["subdomain"]:
            body["subdomain"] = params["subdomain"]
        return self.write_or_reread(
            "POST", RDNS_PATH, body, reread=self.reread_created, absorb=self.absorb_created, complete=has_id, reread_refused=True
        )

    def reread_created(self):
        """After a lost answer: the reverse DNS of the IP if SendGrid created the one the task asks for."""
        obj = self.find()
        return obj if obj is not None and compute_plan(self.fields(), self.comparable(obj), self.desired()).action == Plan.NONE else None

    def absorb_created(self, answer):
        if answer is not None:
            return to_object(answer)
        params = self.params  # check mode: SendGrid picks the id and the name
        return {
            "id": None,
            "ip": params["ip"],
            "rdns": None,
            "domain": params["domain"],
            "subdomain": params["subdomain"] or "",
            "valid": False,
            "legacy": False,
            "users": [],
            "a_record": None,
        }

    def keep(self, obj):
        if obj["legacy"]:
            self.warn(
                "%s is a legacy reverse DNS (created with SendGrid's old whitelabel tool). It still works, but SendGrid "
                "cannot change it; to move it to the current format, delete it and create it again" % self.describe(obj)
            )
        return self.validated(obj)

    def conflict_details(self, current):
        return {"reverse_dns": public(current)}

    def replace(self, current, plan):
        if current["legacy"]:
            _names, text = self.differing(current)
            self.warn("replacing the legacy %s (it differs in %s) with a new reverse DNS" % (self.describe(current), text))
        self.write("DELETE", rdns_path(current["id"]), not_found_ok=True)
        try:
            obj = self.post_new()
        except SendGridError as exc:
            exc.message = "%s (the previous %s was already deleted)" % (exc.message, self.describe(current))
            raise
        return self.validated(obj)

    def delete(self, current):
        names, text = self.differing(current)  # only the options the task set; the IP is the one found
        if names:
            raise Conflict(
                "%s was not deleted: it has %s. Correct or drop those options to delete it" % (self.describe(current), text),
                differences=names,
                reverse_dns=public(current),
            )
        self.write("DELETE", rdns_path(current["id"]), not_found_ok=True)

    def validated(self, obj):
        try:
            validation = self.validate(self.describe(obj), rdns_path(obj["id"], "validate"), obj["valid"])
        except ValidationFailed as exc:
            # The failure carries the record to publish, so the user can act on it.
            exc.details.update(self.result(obj))
            raise
        if validation is not None and validation["valid"]:
            obj = dict(obj, valid=True)
            if obj["a_record"]:
                obj["a_record"] = dict(obj["a_record"], valid=True)
        return obj

    def result(self, obj):
        if obj is None:
            return {"reverse_dns": {}, "dns_record": {}, "dns_records": []}
        records = dns_records_of(obj)
        return {"reverse_dns": public(obj), "dns_record": records[0] if records else {}, "dns_records": records}


def argument_spec():
    """The module's options (besides the connection options)."""
    spec = dict(
        ip=dict(type="str", required=True),
        domain=dict(type="str"),
        subdomain=dict(type="str"),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        replace=dict(type="bool", default=False),
    )
    spec.update(validation_argument_spec())
    return spec
