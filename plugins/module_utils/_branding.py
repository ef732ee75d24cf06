# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What domain authentication and link branding share: names, usernames, EU hosts, and the resource flow.

PRIVATE: this module is internal to the mailops.sendgrid collection. It is not a public API and may
change in any release without notice. Do not import it from other collections.

Both objects live under ``/v3/whitelabel/<kind>/<id>``, are named by a domain and a subdomain, are
created by a POST that is never repeated blindly, are validated, and are associated with subusers of
the parent account. ``BrandingResource`` is that flow; the modules fill in what differs.
"""

from __future__ import annotations

import re
from ansible_collections.mailops.sendgrid.plugins.module_utils._api import api_path, api_url_for
from ansible_collections.mailops.sendgrid.plugins.module_utils._compare import missing_items
from ansible_collections.mailops.sendgrid.plugins.module_utils._errors import InputError
from ansible_collections.mailops.sendgrid.plugins.module_utils._module import has_id, SendGridResource
from ansible_collections.mailops.sendgrid.plugins.module_utils._records import normalise_name
from ansible_collections.mailops.sendgrid.plugins.module_utils._validators import serves_eu_only

# An ``eu`` (or ``eu1``...) label in a SendGrid host name: SendGrid says EU-pinned objects point at such hosts.
EU_LABEL_RE = re.compile(r"(^|[.:\s])eu\d*\.([a-z0-9-]+\.)*sendgrid\.net")


def is_eu_host(value):
    """Whether a record value names one of SendGrid's EU hosts (``eu.sendgrid.net``, ``u1.wl1.eu.sendgrid.net``)."""
    return bool(EU_LABEL_RE.search(normalise_name(value)))


def object_path(collection, object_id, *rest):
    return api_path(collection, object_id, *rest)


def first_object(answer):
    """The object of an answer; the spec wrongly declares some of them as arrays."""
    if isinstance(answer, list):
        answer = answer[0] if answer else None
    return answer if isinstance(answer, dict) and answer.get("id") is not None else None


def full_name(obj):
    """``subdomain.domain``, or the domain when SendGrid has not chosen a subdomain yet."""
    return "%s.%s" % (obj["subdomain"], obj["domain"]) if obj.get("subdomain") else obj["domain"]


def describe(objects, detail=None):
    """``em.example.com (id 1), ...`` sorted by subdomain and id, for messages about several matches."""
    detail = detail or (lambda obj: "")
    ordered = sorted(objects, key=lambda obj: (obj["subdomain"] or "", obj["id"] or 0))
    return ", ".join("%s (id %s%s)" % (full_name(obj), obj["id"], detail(obj)) for obj in ordered)


def keeper(objects):
    """The one of several identical objects that every run keeps: the valid one, then the default one, then the lowest id."""
    return sorted(objects, key=lambda obj: (not obj.get("valid"), not obj.get("default"), obj["id"] if obj["id"] is not None else 0))[0]


class BrandingResource(SendGridResource):
    """An authenticated domain or a branded link: the flow both share.

    Subclasses set ``COLLECTION`` (the API path of the list) and ``NOUN`` (for validation messages) and
    implement ``lookup`` (the object the task names, or ``None``), ``from_api`` (an answer in the
    module's shape), ``predict`` (the object a create body makes, in check mode), ``associate`` and
    ``disassociate`` (one subuser), besides ``SendGridResource``'s methods.
    """

    COLLECTION = ""

    # The region value of the option that means "not the EU" (domains: global, links: us).
    NON_EU_REGION = ""

    def path(self, object_id, *rest):
        return object_path(self.COLLECTION, object_id, *rest)

    def describe(self, obj):
        return "%s %s (id %s)" % (self.NOUN, full_name(obj), obj["id"])

    def check_region(self):
        """Refuse what cannot work on SendGrid's EU host, before any request.

        ``api.eu.sendgrid.com`` serves the accounts of EU subusers, whose domains and links are in the EU region
        (SendGrid's data-residency guide), so a non-EU region there cannot be created.
        """
        params = self.params
        if params["region"] == self.NON_EU_REGION and serves_eu_only(params):
            raise InputError(
                "region=%s cannot be used with SendGrid's EU API (%s, from data_residency=eu or api_url): it serves EU "
                "subusers only, whose domains and links are in the EU region. Omit region or set region=eu, or use the global API"
                % (params["region"], api_url_for(params["api_url"], params["data_residency"]))
            )

    def warn_eu_without_subuser(self, body):
        """An EU-region object made in a parent account on the global API is of use only to EU subusers."""
        params = self.params
        if body.get("region") == "eu" and not params["on_behalf_of"] and not params.get("subusers") and not serves_eu_only(params):
            self.warn(
                "region=eu %s %s is made in the parent account: SendGrid sends EU-region mail for EU subusers only, so it "
                "is of use once associated with an EU subuser (the subusers option), or make it as that subuser (on_behalf_of)"
                % (self.NOUN, full_name(body))
            )

    def manages_subusers(self):
        return self.params["state"] == "present" and self.params["subusers"] is not None

    # -- reading ---------------------------------------------------------------------------------

    def candidates(self):
        """Every object that fits what the task names (one list read), before choosing among them."""
        raise NotImplementedError

    def ambiguity(self, matches):
        """The ``InputError`` message for several objects that fit the task and differ."""
        raise NotImplementedError

    def lookup(self):
        """The object the task names, or ``None``; ``self.duplicates`` are exact copies of it.

        Exact copies (same name, owner and region; left by two runs that created the object at once) are not an
        error: the same one is chosen every time (see ``keeper``), the others are named in a warning and removed
        by ``state=absent``. Objects that fit the task but differ are: the task must say which one it means.
        """
        matches = self.candidates()
        self.known_ids = {obj["id"] for obj in matches}
        self.duplicates = []
        if len(matches) <= 1:
            return matches[0] if matches else None
        if len({self.identity(obj) for obj in matches}) > 1:
            raise InputError(self.ambiguity(matches))
        chosen = keeper(matches)
        self.duplicates = [obj for obj in matches if obj["id"] != chosen["id"]]
        self.warn(
            "%d identical %ss %s exist (%s), most likely made by two runs at once; this run uses id %s "
            "(the valid one, else the default one, else the oldest). Delete the others with the SendGrid UI or "
            "API, or remove them all with state=absent and create one again"
            % (len(matches), self.NOUN, full_name(chosen), describe(matches), chosen["id"])
        )
        return chosen

    def default_holder(self):
        """The object of this kind that is the account's default now (``None`` when none or unknown)."""
        return None

    def warn_default_taken(self, current):
        """Before a write that makes the task's object the default: name the object that loses the flag.

        SendGrid keeps one default per account and moves the flag silently, so two configurations that both ask for
        ``default: true`` would take it from each other on every run without anyone noticing.
        """
        if self.params.get("default") is not True or (current is not None and current.get("default")):
            return
        holder = self.default_holder()
        if holder is not None and (current is None or holder["id"] != current["id"]):
            self.warn(
                "default=true %s the default flag from %s %s (id %s)%s; if another task or play sets that one as the "
                "default, the two take it from each other on every run"
                % ("would take" if self.check_mode else "takes", self.NOUN, full_name(holder), holder["id"],
                   " of the same domain" if holder.get("domain") == self.params.get("domain") else "")
            )
            self.extra["default_taken_from"] = {"id": holder["id"], "name": full_name(holder)}

    def identity(self, obj):
        """What makes two objects the same for this task: their full name, owner and region."""
        return (full_name(obj), obj.get("username"), obj.get("region"))

    def settle_race(self, created):
        """After a create: remove the exact copies that another run created at the same time, keeping one.

        SendGrid has no idempotency key, so two runs (two hosts of a play, or a re-launched run whose first POST was
        still in flight) can both create the object. One list read after the create finds them. Only objects that
        appeared while this run was creating are touched, never one that existed before it read the list; every run
        that races keeps the same one (``keeper``), so they converge on it.
        """
        if self.check_mode or created.get("id") is None:
            return created
        listed = self.candidates()
        appeared = [obj for obj in listed if obj["id"] not in self.known_ids and obj["id"] != created["id"]]
        appeared = [obj for obj in appeared if self.identity(obj) == self.identity(created)]
        fresh = [obj for obj in listed if obj["id"] == created["id"]]
        if fresh:
            # The list is read anyway: its copy is the better source for what a create answer may not echo
            # (SendGrid may answer ips: [] although it took them); associations come from this run.
            created = dict(fresh[0], subusers=created.get("subusers"), subusers_partial=created.get("subusers_partial", False))
        if not appeared:
            return created
        group = [created] + appeared
        chosen = keeper(group)
        removed = []
        for obj in group:
            if obj["id"] != chosen["id"]:
                self.write("DELETE", self.path(obj["id"]), not_found_ok=True)
                removed.append(obj["id"])
        self.extra["removed_duplicates"] = sorted(removed)
        self.warn(
            "another run created %s %s at the same time as this one: kept id %s, deleted the duplicate(s) %s"
            % (self.NOUN, full_name(chosen), chosen["id"], ", ".join(str(i) for i in sorted(removed)))
        )
        if chosen is created:
            return created
        return dict(chosen, subusers=chosen.get("subusers") if chosen.get("subusers") is not None else [])

    def from_api(self, raw):
        raise NotImplementedError

    def subusers_using(self, path, names, object_id):
        """Those of ``names`` that ``GET path?username=`` says are associated with ``object_id``, sorted: one read each."""
        associated = []
        for name in names:
            answer = self.client.get(path, query={"username": name}, not_found_ok=True)
            objects = answer if isinstance(answer, list) else [answer]
            if any(isinstance(obj, dict) and obj.get("id") == object_id for obj in objects):
                associated.append(name)
        return sorted(associated)

    # -- writing ---------------------------------------------------------------------------------

    def predict(self, body):
        raise NotImplementedError

    def post_new(self, body):
        """POST ``body`` once; after a lost answer, read the list again to learn whether SendGrid created it."""
        answered = []

        def absorb(answer):
            answered.append(True)
            return self.absorb(answer, self.predict(body))

        created = self.write_or_reread("POST", self.COLLECTION, body, self.lookup, absorb=absorb, complete=has_id)
        # Found by reading the list again (a lost or empty answer): that read already chose among copies.
        return self.settle_race(created) if answered else created

    def absorb(self, answer, predicted):
        """The object from SendGrid's answer to a write, or ``predicted`` (check mode, empty answers).

        The subusers an answer does not list are taken from ``predicted``.
        """
        raw = first_object(answer)
        if raw is None:
            return predicted
        obj = self.from_api(raw)
        if obj.get("subusers") is None:
            obj["subusers"] = predicted.get("subusers")
            obj["subusers_partial"] = predicted.get("subusers_partial", False)
        return obj

    def finish(self, obj):
        """Validation first: SendGrid associates only validated objects with subusers."""
        return self.reconcile_subusers(self.validated(obj))

    def validated(self, obj):
        validation = self.validate("%s %s" % (self.NOUN, full_name(obj)), self.path(obj["id"], "validate"), obj["valid"])
        if validation and validation.get("valid"):
            obj = dict(obj, valid=True)
        return obj

    def reconcile_subusers(self, obj):
        wanted = self.params["subusers"]
        if wanted is None:
            return obj
        members = set(obj.get("subusers") or ())
        missing = missing_items(members, wanted)
        if missing and self.params["defer_subusers"] and not self.may_be_valid(obj):
            # SendGrid refuses to associate an object that is not validated: leave it to a later run.
            self.extra["deferred_subusers"] = sorted(missing)
            missing = []
        for name in missing:
            self.associate(obj, name)
            members.add(name)
        if self.params["purge_subusers"] and self.can_purge(obj):
            for name in sorted(members - set(wanted)):
                self.disassociate(obj, name)
                members.discard(name)
        return dict(obj, subusers=sorted(members))

    def may_be_valid(self, obj):
        """Whether ``obj`` is valid, or would be asked to validate by this run in check mode (its outcome unknown)."""
        return bool(obj["valid"]) or bool(self.extra.get("validation", {}).get("skipped"))

    def associate(self, obj, name):
        raise NotImplementedError

    def disassociate(self, obj, name):
        raise NotImplementedError

    def can_purge(self, obj):
        """Whether every associated subuser is known, so that the unlisted ones can be purged."""
        return True

    def delete(self, current):
        for obj in [current] + list(getattr(self, "duplicates", ())):
            self.write("DELETE", self.path(obj["id"]), not_found_ok=True)
        if getattr(self, "duplicates", None):
            self.extra["removed_duplicates"] = sorted(obj["id"] for obj in self.duplicates)
