# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The branded-link resource of ``sendgrid_link_branding``: its fields, plan hooks and writes.

PRIVATE: this module is internal to the mailops.sendgrid collection. It is not a public API and may
change in any release without notice. Do not import it from other collections.

The resource lives here, not in the module file, so that the module and the fleet runner (``_fleet.py``), which
reconciles many senders in one module run, share it.
"""

from __future__ import annotations

from ansible_collections.mailops.sendgrid.plugins.module_utils._branding import (
    BrandingResource,
    describe,
    full_name,
)
from ansible_collections.mailops.sendgrid.plugins.module_utils._link_branding import (
    LINKS,
    LIST_LIMIT,
    dns_records,
    from_api,
    list_links,
    predict,
)
from ansible_collections.mailops.sendgrid.plugins.module_utils._argspec import validation_argument_spec
from ansible_collections.mailops.sendgrid.plugins.module_utils._errors import InputError
from ansible_collections.mailops.sendgrid.plugins.module_utils._validators import validate_domain, validate_subdomain, validate_username
from ansible_collections.mailops.sendgrid.plugins.module_utils._plan import REPLACE, Field

SUBUSER_LINK = LINKS + "/subuser"
SUBUSERS = "/v3/subusers"


class LinkBranding(BrandingResource):
    COLLECTION = LINKS
    NOUN = "link branding"
    NON_EU_REGION = "us"
    # The default flag changes with the link's PATCH; the region cannot change (and is compared only when known).
    FIELDS = (Field("region", REPLACE, echoed=False), Field("default"))
    from_api = staticmethod(from_api)
    predict = staticmethod(predict)

    # -- input -------------------------------------------------------------------------------

    def check_input(self):
        params = self.params
        params["domain"] = validate_domain(params["domain"], "domain")
        if params["subdomain"] is not None:
            params["subdomain"] = validate_subdomain(params["subdomain"], "subdomain")
        if params["subusers"] is not None:
            if params["on_behalf_of"]:
                raise InputError(
                    "subusers cannot be used with on_behalf_of: only the parent account can associate its links with subusers"
                )
            params["subusers"] = [validate_username(name, "subusers", must="hold subuser usernames") for name in params["subusers"]]
        self.check_region()

    # -- reading -----------------------------------------------------------------------------

    def candidates(self):
        params = self.params
        report: dict = {}
        links = list_links(self.client, report)
        # The whole account's links: which one is the default is known without another request.
        self.account_links = [from_api(raw) for raw in links]
        matches = [
            link
            for link in self.account_links
            if link["domain"] == params["domain"] and (params["subdomain"] is None or link["subdomain"] == params["subdomain"])
        ]
        if not matches and len(links) >= LIST_LIMIT:
            # Only a missing link makes a full answer matter: SendGrid would have to hold more links than it allows.
            self.warn(
                "SendGrid returned %d branded links, the most one account can have and one request can ask for, and none "
                "of them is %s; if SendGrid now allows more, the list may be incomplete" % (len(links), full_name(params))
            )
        elif not matches and report.get("maybe_capped"):
            self.warn(
                "SendGrid returned %d branded links, fewer than the %d asked for, and ignored offset when asked for more: if "
                "it caps this list at %d, %s may exist beyond them and %s. Check the SendGrid UI"
                % (len(links), LIST_LIMIT, len(links), full_name(params),
                   "creating it could make a second one" if params["state"] == "present" else "it was not deleted")
            )
        if len(matches) > 1 and params["region"] is not None:
            in_region = [link for link in matches if link["region"] == params["region"]]
            if in_region:
                matches = in_region
        return matches

    def default_holder(self):
        defaults = [link for link in getattr(self, "account_links", ()) if link["default"]]
        return defaults[0] if defaults else None

    def ambiguity(self, matches):
        params = self.params
        hint = "set subdomain to choose one" if params["subdomain"] is None else "set region to choose one"
        return "domain %s has %d branded links (%s); %s" % (
            params["domain"], len(matches), describe(matches, detail=lambda link: ", region %s" % link["region"]), hint
        )

    def find(self):
        link = self.lookup()
        if link is not None and self.manages_subusers():
            link["subusers"] = self.read_subusers(link)
        return link

    def read_subusers(self, link):
        """The subusers (of those this run has to know about) that use ``link``, sorted: one read each."""
        names = list(dict.fromkeys(self.params["subusers"]))
        if self.params["purge_subusers"]:
            # SendGrid only answers which link one named subuser uses: every subuser has to be asked.
            listed = set(names)
            for subuser in self.client.paginate(SUBUSERS):
                name = subuser.get("username") if isinstance(subuser, dict) else None
                if name and name not in listed:
                    names.append(name)
                    listed.add(name)
        return self.subusers_using(SUBUSER_LINK, names, link["id"])

    # -- the shape of the options ----------------------------------------------------------

    def to_options(self, obj):
        options = {"domain": obj["domain"], "subdomain": obj["subdomain"], "default": obj["default"], "region": obj["region"]}
        if self.manages_subusers():
            options["subusers"] = list(obj.get("subusers") or [])
        return options

    # -- writing ---------------------------------------------------------------------------

    def create(self, keep_default=None):
        params = self.params
        body = {"domain": params["domain"]}
        if params["subdomain"] is not None:
            body["subdomain"] = params["subdomain"]
        default = params["default"] if params["default"] is not None else keep_default
        if default is not None:
            body["default"] = default
        if params["region"] is not None:
            body["region"] = params["region"]
        if params["default"] and keep_default is None:
            self.warn_default_taken(None)
        self.warn_eu_without_subuser(body)
        link = dict(self.post_new(body), subusers=[])
        return self.finish(link)

    def desired(self):
        return {"default": self.params["default"], "region": self.params["region"]}

    def patch(self, current, names):
        # Only the default flag can change in place.
        self.warn_default_taken(current)
        answer = self.write("PATCH", self.path(current["id"]), {"default": self.params["default"]})
        return self.absorb(answer, dict(current, default=self.params["default"]))

    def replace(self, current, plan):
        self.delete(current)
        return self.create(keep_default=current["default"])

    def keep(self, obj):
        return self.finish(obj)

    def associate(self, obj, name):
        # Associating the same subuser again cannot create anything, so it may be repeated.
        self.write("POST", self.path(obj["id"], "subuser"), {"username": name}, retry_safe=True)

    def disassociate(self, obj, name):
        self.write("DELETE", SUBUSER_LINK, query={"username": name}, not_found_ok=True)

    # -- result ----------------------------------------------------------------------------

    def result(self, obj):
        if obj is None:
            return {"link": {}, "dns_records": []}
        link = {key: obj[key] for key in ("id", "domain", "subdomain", "default", "region", "valid", "legacy", "username", "user_id")}
        if self.manages_subusers():
            link["subusers"] = list(obj.get("subusers") or [])
        return {"link": link, "dns_records": dns_records(obj["dns"])}


def argument_spec():
    """The module's options (besides the connection options)."""
    spec = dict(
        domain=dict(type="str", required=True),
        subdomain=dict(type="str"),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        default=dict(type="bool"),
        region=dict(type="str", choices=["us", "eu"]),
        replace=dict(type="bool", default=False),
        subusers=dict(type="list", elements="str"),
        purge_subusers=dict(type="bool", default=False),
        defer_subusers=dict(type="bool", default=False),
    )
    spec.update(validation_argument_spec())
    return spec
