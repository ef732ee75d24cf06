# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Senders by the hundred in one module run: one snapshot of each account, then every sender's resources on it.

PRIVATE: this module is internal to the mailops.sendgrid collection. It is not a public API and may
change in any release without notice. Do not import it from other collections.

``AccountSnapshot`` stands in for the client of one account. The list reads the resources' lookups make
(authenticated domains, branded links, reverse DNS, the IPs and their pools) are read once each, whole, and every
later lookup is answered from memory. That is safe because every lookup narrows its answer exactly itself:
SendGrid's ``domain`` and ``ip`` filters are searches (``example.com`` also finds ``mail.example.com``, ``1.2.3.4``
also ``1.2.3.40``), so the lookups already keep only exact matches, and a whole list holds every item a filtered one
would. The whole reads go through ``SendGridClient.paginate``, with every caution it has (page caps, pages served
twice, answers that are not lists). A write drops the snapshot of its list, so the next lookup (the race check after
a create) reads it again; a delete of one object that SendGrid confirmed (2xx or 404) only takes that object
out. Everything else (writes, validation, subuser reads) goes to the client unchanged.

``run_sender`` runs the resources of one sender in the order of the sender_setup role (pool, reverse DNS, domain
authentication, link branding) with the same options the role passes, and answers each result in the shape the
single modules return, so the role and the audit report use them as they are. ``run_teardown`` removes them in the
order of playbooks/teardown.yml (link branding, domain authentication, reverse DNS, pool).
"""

from __future__ import annotations

from ansible_collections.mailops.sendgrid.plugins.module_utils._api import Refusal, RequestVerbs, SendGridError
from ansible_collections.mailops.sendgrid.plugins.module_utils._domain_auth import DOMAINS
from ansible_collections.mailops.sendgrid.plugins.module_utils._compare import sorted_ips
from ansible_collections.mailops.sendgrid.plugins.module_utils._ips import IPS_PATH, POOLS_PATH
from ansible_collections.mailops.sendgrid.plugins.module_utils._link_branding import LINKS
from ansible_collections.mailops.sendgrid.plugins.module_utils._errors import InputError
from ansible_collections.mailops.sendgrid.plugins.module_utils._resource_domain_auth import DomainAuth
from ansible_collections.mailops.sendgrid.plugins.module_utils._resource_domain_auth import argument_spec as domain_auth_spec
from ansible_collections.mailops.sendgrid.plugins.module_utils._resource_ip_pool import IPPool
from ansible_collections.mailops.sendgrid.plugins.module_utils._resource_ip_pool import argument_spec as ip_pool_spec
from ansible_collections.mailops.sendgrid.plugins.module_utils._resource_link_branding import LinkBranding
from ansible_collections.mailops.sendgrid.plugins.module_utils._resource_link_branding import argument_spec as link_branding_spec
from ansible_collections.mailops.sendgrid.plugins.module_utils._resource_reverse_dns import ReverseDns
from ansible_collections.mailops.sendgrid.plugins.module_utils._resource_reverse_dns import argument_spec as reverse_dns_spec
from ansible_collections.mailops.sendgrid.plugins.module_utils._reverse_dns import RDNS_PATH

# The lists a snapshot reads whole, and the query parameters of each that are server-side searches the lookups
# narrow exactly themselves (so the whole list answers them).
SNAPSHOT_LISTS = {DOMAINS: ("domain",), LINKS: (), RDNS_PATH: ("ip",), IPS_PATH: ()}
# A write under one of these paths makes the lists of its collection stale.
WRITE_SCOPES = ((DOMAINS, (DOMAINS,)), (LINKS, (LINKS,)), (RDNS_PATH, (RDNS_PATH,)), (IPS_PATH, (IPS_PATH, POOLS_PATH)))


class AccountSnapshot(RequestVerbs):
    """The client of one account, with its lists read once (see the module docstring)."""

    def __init__(self, client):
        self._client = client
        self._lists: dict = {}
        self._pool_names = None

    def __getattr__(self, name):
        # last_request, redact, rate_limit_waited, ...: the client's own.
        return getattr(self._client, name)

    # -- reads -----------------------------------------------------------------------------------

    def paginate(self, path, query=None, report=None, **options):
        if path not in SNAPSHOT_LISTS:
            return self._client.paginate(path, query=query, report=report, **options)
        searches = SNAPSHOT_LISTS[path]
        kept = {name: value for name, value in (query or {}).items() if name not in searches and value is not None}
        key = (path, tuple(sorted((name, str(value)) for name, value in kept.items())), tuple(sorted(options.items())))
        if key not in self._lists:
            whole_report: dict = {}
            items = list(self._client.paginate(path, query=kept or None, report=whole_report, **options))
            self._lists[key] = (items, whole_report)
        items, whole_report = self._lists[key]
        if report is not None:
            report.update(whole_report)
        return list(items)

    def get(self, path, query=None, not_found_ok=False, expect=None):
        prefix = POOLS_PATH + "/"
        if path.startswith(prefix) and "/" not in path[len(prefix):] and not query:
            return self._pool(path[len(prefix):], not_found_ok)
        return self._client.get(path, query=query, not_found_ok=not_found_ok, expect=expect)

    def _pool(self, quoted_name, not_found_ok):
        """``GET /v3/ips/pools/{name}`` from the pool list and the IPs' ``pools``: two reads for every pool of the account."""
        from urllib.parse import unquote  # pylint: disable=import-outside-toplevel

        name = unquote(quoted_name)
        if self._pool_names is None:
            answer = self._client.get(POOLS_PATH, expect=list)
            self._pool_names = {item.get("name") or item.get("pool_name") for item in answer or () if isinstance(item, dict)}
        if name not in self._pool_names:
            if not_found_ok:
                return None
            raise SendGridError("IP pool %r does not exist" % name, status=404)
        members = [item.get("ip") for item in self.paginate(IPS_PATH, limit=500) if isinstance(item, dict) and name in (item.get("pools") or ())]
        return {"pool_name": name, "ips": sorted_ips(members)}

    # -- writes ----------------------------------------------------------------------------------

    def request(self, method, path, **kwargs):
        if method.upper() == "GET":
            return self._client.request(method, path, **kwargs)
        try:
            answer = self._client.request(method, path, **kwargs)
        except BaseException:
            # The write may or may not have been carried out: its lists are read again.
            self._forget(path)
            raise
        if not (method.upper() == "DELETE" and not isinstance(answer, Refusal) and self._drop(path)):
            self._forget(path)
        return answer

    def _drop(self, path):
        """After a delete of one object of a snapshot list (``{list}/{id}``, answered 2xx or 404: it is gone), take
        it out of the snapshot instead of reading the list again: a teardown of many senders then reads each list
        once. Whether it could."""
        for list_path in (DOMAINS, LINKS, RDNS_PATH):
            object_id = path[len(list_path) + 1:] if path.startswith(list_path + "/") else ""
            # SendGrid's ids are numbers; another step there (links/subuser, domains/default) is not one object.
            if not object_id.isdigit():
                continue
            for key, (items, report) in list(self._lists.items()):
                if key[0] == list_path:
                    kept = [item for item in items if not (isinstance(item, dict) and str(item.get("id")) == object_id)]
                    self._lists[key] = (kept, report)
            return True
        return False

    def _forget(self, path):
        for prefix, lists in WRITE_SCOPES:
            if path == prefix or path.startswith(prefix + "/"):
                self._lists = {key: value for key, value in self._lists.items() if key[0] not in lists}
                if POOLS_PATH in lists:
                    self._pool_names = None


class SenderModule:
    """What a resource needs of its module (params, client, check and diff mode, warnings), for one sender."""

    def __init__(self, params, client, check_mode, diff_mode):
        self.params = params
        self.client = client
        self.check_mode = check_mode
        self.diff_mode = diff_mode
        self.warnings: list = []
        self.ansible = self

    def warn(self, message):
        self.warnings.append(message)


def resource_params(spec, connection, **values):
    """A resource's full parameters: the module's defaults, the connection options, then ``values``."""
    params = {name: option.get("default") for name, option in spec.items()}
    params.update(connection)
    params.update(values)
    return params


def run_resource(resource_class, params, client, check_mode, diff_mode):
    """One resource of one sender: its result as the single module returns it (``failed``/``msg`` when it fails)."""
    module = SenderModule(params, client, check_mode, diff_mode)
    resource = resource_class(module)
    try:
        result = resource.run()
    except InputError as exc:
        result = {"failed": True, "changed": False, "msg": str(exc)}
    except SendGridError as exc:
        result = dict(exc.details, failed=True, changed=bool(resource.changed), msg=exc.message)
    if module.warnings:
        result["warnings"] = module.warnings
    return result


def run_sender(sender, connection, parent, account, check_mode, diff_mode):
    """Every SendGrid step of one sender, in the role's order; stops at the first failure (as the role does)."""
    behalf = {"on_behalf_of": sender.get("on_behalf_of") or None}
    validation = {"validate": False, "validate_timeout": sender["validate_timeout"], "validate_delay": sender["validate_delay"],
                  "validate_failure": sender["validate_failure"]}
    results: dict = {}
    ips = list(sender.get("ips") or [])
    subusers = list(sender.get("subusers") or [])
    manage_subusers = bool(subusers) or bool(sender.get("purge_subusers"))

    def failed(key, result):
        results[key] = result
        return result.get("failed")

    if sender.get("ip_pool"):
        params = resource_params(ip_pool_spec(), connection, name=sender["ip_pool"], ips=ips, purge_ips=bool(sender.get("purge_pool_ips")))
        # Pools are the parent account's (SendGrid takes no on-behalf-of on /v3/ips).
        if failed("pool", run_resource(IPPool, params, parent, check_mode, diff_mode)):
            return results
    if sender.get("reverse_dns", True) and ips:
        results["reverse_dns"] = {}
        for ip in ips:
            params = resource_params(reverse_dns_spec(), dict(connection, **behalf), ip=ip, replace=bool(sender.get("replace")),
                                     domain=sender.get("reverse_dns_domain") or sender["domain"],
                                     subdomain=sender.get("reverse_dns_subdomain", "email"), **validation)
            result = run_resource(ReverseDns, params, account, check_mode, diff_mode)
            results["reverse_dns"][ip] = result
            if result.get("failed"):
                return results
    custom_spf = bool(sender.get("custom_spf"))
    params = resource_params(
        domain_auth_spec(), dict(connection, **behalf), domain=sender["domain"], subdomain=sender.get("subdomain") or None,
        automatic_security=sender.get("automatic_security", True), custom_spf=custom_spf,
        custom_dkim_selector=sender.get("custom_dkim_selector") or None, default=sender.get("default"),
        ips=ips if custom_spf else None, region=sender.get("region") or "global", replace=bool(sender.get("replace")),
        subusers=subusers if manage_subusers else None, purge_subusers=bool(sender.get("purge_subusers")), defer_subusers=True,
        **validation
    )
    if failed("domain", run_resource(DomainAuth, params, account, check_mode, diff_mode)):
        return results
    if sender.get("link_branding", True):
        params = resource_params(
            link_branding_spec(), dict(connection, **behalf), domain=sender["domain"], subdomain=sender.get("link_subdomain") or None,
            default=sender.get("link_default"), region="eu" if sender.get("region") == "eu" else "us",
            replace=bool(sender.get("replace")), subusers=subusers if manage_subusers else None,
            purge_subusers=bool(sender.get("purge_subusers")), defer_subusers=True, **validation
        )
        failed("link", run_resource(LinkBranding, params, account, check_mode, diff_mode))
    return results


def run_teardown(sender, connection, parent, account, check_mode, diff_mode):
    """Every SendGrid object of one sender removed, in teardown.yml's order; stops at the first failure (as it does)."""
    behalf = dict(connection, on_behalf_of=sender.get("on_behalf_of") or None)
    results: dict = {}

    def failed(key, result):
        results[key] = result
        return result.get("failed")

    if sender.get("link_branding", True):
        params = resource_params(link_branding_spec(), behalf, domain=sender["domain"], subdomain=sender.get("link_subdomain") or None, state="absent")
        if failed("link", run_resource(LinkBranding, params, account, check_mode, diff_mode)):
            return results
    params = resource_params(domain_auth_spec(), behalf, domain=sender["domain"], subdomain=sender.get("subdomain") or None, state="absent")
    if failed("domain", run_resource(DomainAuth, params, account, check_mode, diff_mode)):
        return results
    if sender.get("reverse_dns", True) and sender.get("ips"):
        results["reverse_dns"] = {}
        for ip in sender["ips"]:
            result = run_resource(ReverseDns, resource_params(reverse_dns_spec(), behalf, ip=ip, state="absent"), account, check_mode, diff_mode)
            results["reverse_dns"][ip] = result
            if result.get("failed"):
                return results
    if sender.get("ip_pool"):
        params = resource_params(ip_pool_spec(), connection, name=sender["ip_pool"], state="absent")
        failed("pool", run_resource(IPPool, params, parent, check_mode, diff_mode))
    return results
