# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The IP pool resource of ``sendgrid_ip_pool``: its fields, plan hooks and writes.

PRIVATE: this module is internal to the mailops.sendgrid collection. It is not a public API and may
change in any release without notice. Do not import it from other collections.

The resource lives here, not in the module file, so that the module and the fleet runner (``_fleet.py``), which
reconciles many senders in one module run, share it.
"""

from __future__ import annotations

from ansible_collections.mailops.sendgrid.plugins.module_utils._api import Refusal, SendGridError
from ansible_collections.mailops.sendgrid.plugins.module_utils._ips import IPS_PATH, POOLS_PATH, list_ips, pool_path, read_pool, validate_pool_name
from ansible_collections.mailops.sendgrid.plugins.module_utils._compare import missing_items
from ansible_collections.mailops.sendgrid.plugins.module_utils._errors import InputError
from ansible_collections.mailops.sendgrid.plugins.module_utils._module import SendGridResource
from ansible_collections.mailops.sendgrid.plugins.module_utils._validators import validate_ipv4
from ansible_collections.mailops.sendgrid.plugins.module_utils._plan import STEP, Field, Plan, members_differ


# Only the text can tell "already in the pool" here: a read cannot, because pool reads lag up to 60 seconds behind
# an add (SendGrid says so). SendGrid documents no wording, so every plausible one is accepted.
ALREADY_A_MEMBER = ("already", "exists", "duplicate", "assigned to", "is a member", "in use")


class IPPool(SendGridResource):
    NOUN = "IP pool"

    def fields(self):
        # purge_ips decides how the members compare.
        return (Field("name", STEP), Field("ips", STEP, differs=members_differ(self.params["purge_ips"])))

    def check_input(self):
        params = self.params
        validate_pool_name(params["name"], "name")
        if params["new_name"] is not None:
            validate_pool_name(params["new_name"], "new_name")
            if params["state"] == "absent":
                raise InputError("new_name cannot be used with state=absent")
        if params["ips"] is not None:
            params["ips"] = [validate_ipv4(ip, "ips") for ip in params["ips"]]

    def find(self):
        current = read_pool(self.client, self.params["name"])
        new_name = self.params["new_name"]
        if new_name is None or new_name == self.params["name"]:
            return current
        renamed = read_pool(self.client, new_name)
        if current is not None and renamed is not None:
            raise InputError(
                "cannot rename pool %r to %r: both pools exist. Delete one of them or drop new_name" % (self.params["name"], new_name)
            )
        return current if current is not None else renamed

    def to_options(self, obj):
        return {"name": obj["name"], "ips": list(obj["ips"])}

    def target_name(self):
        return self.params["new_name"] or self.params["name"]

    def check_new_members(self, members):
        """Before the first write: every IP to add is a dedicated IP of the account (one read of the IP list).

        Without it a pool would be created (or renamed, and some IPs added) before SendGrid refused an unknown IP,
        and check mode, which sends no add, would predict success.
        """
        to_add = missing_items(members, self.params["ips"] or [])
        if not to_add:
            return
        known = {item.get("ip") for item in list_ips(self.client) if isinstance(item, dict)}
        unknown = [ip for ip in to_add if ip not in known]
        if unknown:
            raise InputError(
                "ips: %s %s not a dedicated IP of this SendGrid account (GET %s lists its IPs); nothing was changed. "
                "Remove %s from ips, or add the IP to the account first"
                % (", ".join(unknown), "is" if len(unknown) == 1 else "are", IPS_PATH, "it" if len(unknown) == 1 else "them")
            )

    def create(self):
        name = self.target_name()
        self.check_new_members([])
        # Not repeated blindly after a 5xx or a dropped connection: read again to learn whether the pool exists.
        pool = self.write_or_reread(
            "POST",
            POOLS_PATH,
            {"name": name},
            reread=lambda: read_pool(self.client, name),
            absorb=lambda _answer: {"name": name, "ips": []},
            # Two hosts creating the same pool at once: the one refused finds it and goes on.
            reread_refused=True,
        )
        return self.reconcile_members(pool)

    def desired(self):
        return {"name": self.target_name(), "ips": self.params["ips"]}

    def apply(self, plan, current):
        if plan.action == Plan.UPDATE:
            self.check_new_members(current["ips"])  # before the rename, the first write
        return super().apply(plan, current)

    def change_name(self, current):
        pool = dict(current)
        answer = self.write("PUT", pool_path(pool["name"]), {"name": self.target_name()}, not_found_ok=True)
        if answer is None and not self.check_mode and read_pool(self.client, self.target_name()) is None:
            # The old name is gone and the new one does not exist either: someone else deleted the pool.
            raise SendGridError("pool %r disappeared while it was being renamed to %r" % (pool["name"], self.target_name()))
        # A 404 with the new name present: a retried PUT whose first answer was lost had renamed it.
        pool["name"] = self.target_name()
        return pool

    def change_ips(self, pool):
        return self.reconcile_members(pool)

    def reconcile_members(self, pool):
        wanted = self.params["ips"]
        if wanted is None:
            return pool
        members = set(pool["ips"])
        for ip in missing_items(pool["ips"], wanted):
            self.add_member(pool["name"], ip)
            members.add(ip)
        if self.params["purge_ips"]:
            for ip in sorted(members - set(wanted)):
                self.write("DELETE", pool_path(pool["name"], "ips", ip), not_found_ok=True)
                members.discard(ip)
        return {"name": pool["name"], "ips": sorted(members)}

    def add_member(self, name, ip):
        # Safe to repeat: a second add of the same IP is answered "already in the pool".
        answer = self.write("POST", pool_path(name, "ips"), {"ip": ip}, retry_safe=True, accept_errors=(400, 404, 409))
        if not isinstance(answer, Refusal):
            return
        if answer.status == 404:
            # The pool was just read or created, so the missing resource is the IP. Nothing was added, but the
            # pool may have been created or renamed in this run: ``changed`` says so.
            raise SendGridError(
                "IP %s listed in ips is not a dedicated IP of this SendGrid account (%s)" % (ip, answer.error.message),
                ip=ip,
                method=answer.error.method,
                path=answer.error.path,
                status=answer.status,
            )
        # No read can decide here: reads lag up to 60 seconds behind an add (SendGrid says so), so the pool read
        # right after a lost answer may not list the IP yet. SendGrid's words are the only evidence.
        if not answer.says_any(ALREADY_A_MEMBER):
            raise answer.error

    def delete(self, current):
        self.write("DELETE", pool_path(current["name"]), not_found_ok=True)

    def result(self, obj):
        return {"pool": self.to_options(obj) if obj is not None else {}}


def argument_spec():
    """The module's options (besides the connection options)."""
    return dict(
        name=dict(type="str", required=True),
        new_name=dict(type="str"),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        ips=dict(type="list", elements="str"),
        purge_ips=dict(type="bool", default=False),
    )
