# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The authenticated-domain resource of ``sendgrid_domain_auth``: its fields, plan hooks and writes.

PRIVATE: this module is internal to the mailops.sendgrid collection. It is not a public API and may
change in any release without notice. Do not import it from other collections.

The resource lives here, not in the module file, so that the module and the fleet runner (``_fleet.py``), which
reconciles many senders in one module run, share it.
"""

from __future__ import annotations

from ansible_collections.mailops.sendgrid.plugins.module_utils._api import Refusal
from ansible_collections.mailops.sendgrid.plugins.module_utils._branding import (
    BrandingResource,
    describe,
    first_object,
    full_name,
)
from ansible_collections.mailops.sendgrid.plugins.module_utils._domain_auth import (
    DOMAINS,
    from_api,
    list_domains,
    predict,
    predict_records,
    validate_relative_subdomain,
    validate_selector,
)
from ansible_collections.mailops.sendgrid.plugins.module_utils._argspec import validation_argument_spec
from ansible_collections.mailops.sendgrid.plugins.module_utils._compare import missing_items, sorted_ips
from ansible_collections.mailops.sendgrid.plugins.module_utils._errors import InputError
from ansible_collections.mailops.sendgrid.plugins.module_utils._validators import validate_domain, validate_ipv4, validate_username
from ansible_collections.mailops.sendgrid.plugins.module_utils._plan import REPLACE, STEP, Field, Plan

OPTIONS = ("domain", "subdomain", "username", "automatic_security", "custom_spf", "default", "ips", "custom_dkim_selector", "region")
ASSOCIATE = {"single": "subuser", "multi": "subuser:add"}
READ_ASSOCIATION = {"single": DOMAINS + "/subuser", "multi": DOMAINS + "/subuser/all"}


class DomainAuth(BrandingResource):
    COLLECTION = DOMAINS
    NOUN = "authenticated domain"
    NON_EU_REGION = "global"
    REPLACE_NOTE = " (its DNS records change and must be published and validated again)"
    # SendGrid changes custom SPF and the default flag with the entry's PATCH and the IPs with requests of their own;
    # the rest it cannot change. The region is not always in the answer: when the records do not show it either, it
    # is not compared.
    FIELDS = (
        Field("subdomain", REPLACE),
        Field("username", REPLACE),
        Field("automatic_security", REPLACE),
        Field("custom_dkim_selector", REPLACE),
        Field("region", REPLACE, echoed=False),
        Field("custom_spf"),
        Field("default"),
        Field("ips", STEP, unordered=True),
    )
    from_api = staticmethod(from_api)
    predict = staticmethod(predict)

    # -- input -------------------------------------------------------------------------------------

    def check_input(self):
        params = self.params
        params["domain"] = validate_domain(params["domain"], "domain")
        if params["subdomain"] is not None:
            params["subdomain"] = validate_relative_subdomain(params["subdomain"], params["domain"])
        if params["username"] is not None:
            params["username"] = validate_username(params["username"], "username")
        if params["ips"] is not None:
            params["ips"] = sorted_ips(validate_ipv4(ip, "ips") for ip in params["ips"])
        if params["custom_dkim_selector"] is not None:
            validate_selector(params["custom_dkim_selector"])
        if params["subusers"] is not None:
            params["subusers"] = list(dict.fromkeys(validate_username(name, "subusers") for name in params["subusers"]))
            self.check_association_owner()
        self.check_custom_spf(params["automatic_security"])
        self.check_region()

    def check_association_owner(self):
        for option in ("on_behalf_of", "username"):
            if self.params["subusers"] and self.params[option]:
                raise InputError(
                    "subusers cannot be used with %s: SendGrid only lets the parent account associate its own "
                    "authenticated domains with subusers" % option
                )

    def check_custom_spf(self, automatic_security):
        if self.params["custom_spf"] and automatic_security:
            raise InputError("custom_spf=true needs manual security: set automatic_security=false (SendGrid only offers custom SPF without automatic security)")

    def desired(self):
        return {name: self.params[name] for name in OPTIONS if name != "domain"}

    # -- reading -----------------------------------------------------------------------------------

    def candidates(self):
        params = self.params
        entries = list_domains(self.client, params["domain"], params["username"], exclude_subusers=params["username"] is None)
        if params["subdomain"] is not None:
            exact = [e for e in entries if e["subdomain"] == params["subdomain"]]
            if exact or params["state"] == "absent":
                entries = exact
        return entries

    def ambiguity(self, matches):
        entries = matches
        params = self.params
        if params["subdomain"] is not None:
            hint = "none has subdomain %r, so this task cannot tell which one it manages; " % params["subdomain"]
        else:
            hint = "set subdomain to choose one; "
        return (
            "%s has %d authenticated domains in this account (%s); %sthis module keeps one entry per domain and username: "
            "delete the others (state=absent with their subdomain)" % (params["domain"], len(entries), describe(entries), hint)
        )

    def find(self):
        entry = self.lookup()
        if entry is not None and self.manages_subusers() and entry["subusers"] is None:
            # SendGrid's answer does not list the associated subusers: one read per listed subuser.
            path = READ_ASSOCIATION[self.params["subuser_association"]]
            entry["subusers"] = self.subusers_using(path, self.params["subusers"], entry["id"])
            entry["subusers_partial"] = True
        return entry

    # -- the shape of the options ------------------------------------------------------------------

    def to_options(self, obj):
        options = {name: obj[name] for name in OPTIONS}
        options["ips"] = list(obj["ips"])
        if self.manages_subusers():
            options["subusers"] = list(obj.get("subusers") or [])
        return options

    def create(self):
        return self.create_from(self.create_body({}))

    def create_from(self, body):
        if body.get("default") and self.params["default"]:
            self.warn_default_taken(None)
        self.warn_eu_without_subuser(body)
        entry = self.post_new(body)
        entry = self.reconcile_ips(entry)
        return self.finish(entry)

    def create_body(self, base):
        """What to POST: the options the task set, else what ``base`` (the entry being replaced) had."""
        params = self.params
        body = {"domain": params["domain"]}
        automatic = params["automatic_security"]
        body["automatic_security"] = automatic if automatic is not None else base.get("automatic_security", True)
        carried: tuple = ("subdomain", "default", "ips", "custom_dkim_selector", "region")
        if not body["automatic_security"]:
            carried += ("custom_spf",)
        for name in ("username", "subdomain", "custom_spf", "default", "ips", "custom_dkim_selector", "region"):
            if params[name] is not None:
                body[name] = params[name]
            elif name in carried and base.get(name) not in (None, False, []):
                body[name] = base[name]
        self.check_custom_spf(body["automatic_security"])
        return body

    def apply(self, plan, current):
        if current is not None and plan.action in (Plan.UPDATE, Plan.NONE):
            # Check mode predicts the records from these: custom SPF and the IPs change the SPF records in place.
            self.records_before = current["dns_records"]
        return super().apply(plan, current)

    def frozen(self, current):
        return "legacy (a legacy entry cannot be updated)" if current["legacy"] else None

    def replace(self, current, plan):
        body = self.create_body(current)  # checked before anything is deleted
        self.delete(current)
        return self.create_from(body)

    def keep(self, obj):
        return self.finish(obj)

    def default_holder(self):
        # Without ?domain= SendGrid answers the account's default domain (an empty object when there is none).
        holder = first_object(self.client.get(DOMAINS + "/default", not_found_ok=True))
        return from_api(holder) if holder is not None and holder.get("default") else None

    def patch(self, current, names):
        self.check_custom_spf(current["automatic_security"])
        if "default" in names:
            self.warn_default_taken(current)
        body = {name: self.params[name] for name in names}
        answer = self.write("PATCH", self.path(current["id"]), body)
        return self.absorb(answer, dict(current, **body))

    def change_ips(self, entry):
        return self.reconcile_ips(entry)

    def reconcile_ips(self, entry):
        wanted = self.params["ips"]
        if wanted is None:
            return entry
        # Add first: a custom SPF record never passes through an empty list of IPs.
        for ip in missing_items(entry["ips"], wanted):
            answer = self.write("POST", self.path(entry["id"], "ips"), {"ip": ip})
            entry = self.absorb(answer, dict(entry, ips=sorted_ips(entry["ips"] + [ip])))
        for ip in [ip for ip in entry["ips"] if ip not in wanted]:
            answer = self.write("DELETE", self.path(entry["id"], "ips", ip), not_found_ok=True)
            entry = self.absorb(answer, dict(entry, ips=[other for other in entry["ips"] if other != ip]))
        return entry

    def associate(self, obj, name):
        path = self.path(obj["id"], ASSOCIATE[self.params["subuser_association"]])
        # Associating the same subuser again cannot create anything, so it may be repeated. A 400 or 409 may mean
        # "already associated" (our read was older than SendGrid's state, or a parallel run did it), in words
        # SendGrid does not document: a read decides. Associated: a refused write, so no change.
        answer = self.write("POST", path, {"username": name}, retry_safe=True, accept_errors=(400, 409))
        if isinstance(answer, Refusal) and name not in self.subusers_using(READ_ASSOCIATION[self.params["subuser_association"]], [name], obj["id"]):
            raise answer.error

    def disassociate(self, obj, name):
        self.write("DELETE", self.path(obj["id"], "subuser"), query={"username": name}, not_found_ok=True)

    def can_purge(self, obj):
        if obj.get("subusers_partial"):
            self.warn(
                "purge_subusers: SendGrid's answer does not list the subusers of %s, so only the subusers listed in "
                "subusers could be read and none was removed" % full_name(obj)
            )
            return False
        return True

    # -- result ------------------------------------------------------------------------------------

    records_before = None

    def records(self, obj):
        """The entry's DNS records; in check mode, after a change, the records the real run will give it."""
        if self.check_mode and self.changed:
            return predict_records(obj, self.records_before)
        return list(obj["dns_records"])

    def diff_more(self, current, final, result):
        # The records to publish are what a change of custom SPF or the IPs is about: the diff shows them when they change.
        before = current["dns_records"] if current is not None else []
        after = result["dns_records"]
        if before == after:
            return {}, {}
        return ({"dns_records": before} if current is not None else {}), ({"dns_records": after} if final is not None else {})

    def result(self, obj):
        if obj is None:
            return {"domain": {}, "dns_records": [], "dns_records_at_domain": []}
        domain = self.to_options(obj)
        domain.update((key, obj[key]) for key in ("id", "user_id", "valid", "legacy"))
        if obj.get("subusers") is not None:
            domain["subusers"] = list(obj["subusers"])
        records = self.records(obj)
        # Records at the bare domain (SendGrid's root SPF with custom SPF, and in some answers with automatic security):
        # that name usually holds the domain's own SPF and verification records, so they are merged, never added twice.
        at_domain = [record for record in records if record["name"] == obj["domain"]]
        return {"domain": domain, "dns_records": records, "dns_records_at_domain": at_domain}


def argument_spec():
    """The module's options (besides the connection options)."""
    spec = dict(
        domain=dict(type="str", required=True),
        subdomain=dict(type="str"),
        username=dict(type="str"),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        automatic_security=dict(type="bool"),
        custom_spf=dict(type="bool"),
        default=dict(type="bool"),
        ips=dict(type="list", elements="str"),
        custom_dkim_selector=dict(type="str"),
        region=dict(type="str", choices=["global", "eu"]),
        replace=dict(type="bool", default=False),
        subusers=dict(type="list", elements="str"),
        subuser_association=dict(type="str", default="multi", choices=["single", "multi"]),
        purge_subusers=dict(type="bool", default=False),
        defer_subusers=dict(type="bool", default=False),
    )
    spec.update(validation_argument_spec())
    return spec
