# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Link branding: the API path, the list, SendGrid's answer read, the record order and the predicted link.

PRIVATE: this module is internal to the mailops.sendgrid collection. It is not a public API and may
change in any release without notice. Do not import it from other collections.

Used by sendgrid_link_branding and sendgrid_link_branding_info, so that both read SendGrid's answers the same way.
"""

from __future__ import annotations

from ansible_collections.mailops.sendgrid.plugins.module_utils._branding import is_eu_host, object_path
from ansible_collections.mailops.sendgrid.plugins.module_utils._records import normalise_name
from ansible_collections.mailops.sendgrid.plugins.module_utils._records import normalise_dns_records

LINKS = "/v3/whitelabel/links"
# The list takes only ``limit``. SendGrid allows at most 3000 branded links per user, so one request
# with this limit returns all of them.
LIST_LIMIT = 3000
EU_TARGET = "eu.sendgrid.net"
# The records of a link in results: these first, then anything else SendGrid adds.
DNS_ORDER = ("domain_cname", "owner_cname")


def link_path(link_id, *rest):
    return object_path(LINKS, link_id, *rest)


def region_of(raw):
    """``us``/``eu``: SendGrid's ``region`` when the answer has one, else the target of the domain CNAME."""
    region = normalise_name(raw.get("region"))
    if region == "eu":
        return "eu"
    if region in ("us", "global"):
        return "us"
    return "eu" if is_eu_host(((raw.get("dns") or {}).get("domain_cname") or {}).get("data")) else "us"


def from_api(raw):
    """A link answer of SendGrid in the module's own shape (``dns`` as SendGrid has it)."""
    return {
        "id": raw.get("id"),
        "domain": normalise_name(raw.get("domain")),
        "subdomain": normalise_name(raw.get("subdomain")) or None,
        "default": bool(raw.get("default")),
        "region": region_of(raw),
        "valid": bool(raw.get("valid")),
        "legacy": bool(raw.get("legacy")),
        "username": raw.get("username"),
        "user_id": raw.get("user_id"),
        "dns": raw.get("dns") or {},
    }


def predict(body):
    """The link SendGrid would create from a POST ``body`` (check mode), as ``from_api`` reads it.

    Only the domain CNAME can be predicted, and only with a subdomain: the owner CNAME holds the
    account id SendGrid assigns.
    """
    region = body.get("region") or "us"
    dns = {}
    if body.get("subdomain"):
        dns["domain_cname"] = {
            "valid": False,
            "type": "cname",
            "host": "%s.%s" % (body["subdomain"], body["domain"]),
            "data": EU_TARGET if region == "eu" else "sendgrid.net",
        }
    return {
        "id": None,
        "domain": body["domain"],
        "subdomain": body.get("subdomain"),
        "default": bool(body.get("default")),
        "region": region,
        "valid": False,
        "legacy": False,
        "username": None,
        "user_id": None,
        "dns": dns,
    }


def dns_records(dns):
    """SendGrid's ``dns`` as ``[{name, type, value}]``: ``domain_cname`` first, then ``owner_cname``, then the rest."""
    ordered = {key: dns[key] for key in DNS_ORDER if key in dns}
    ordered.update((key, value) for key, value in dns.items() if key not in ordered)
    return normalise_dns_records(ordered)


def list_links(client, report=None):
    """Every link of the account, in one request when the answer cannot have been capped.

    SendGrid documents only ``limit`` for this list, and ``LIST_LIMIT`` is also the most links it lets one user
    have, so a full answer is the whole list. It documents no maximum page size either: a page of at least
    ``MIN_PLAUSIBLE_PAGE_CAP`` links that is still shorter than asked may have been capped, so the next page is
    asked for with ``offset`` (undocumented here; SendGrid ignores unknown parameters, and a server that caps its
    pages must page). When it serves nothing new, ``report["maybe_capped"]`` says the list may be incomplete.
    """
    return [raw for raw in client.paginate(LINKS, limit=LIST_LIMIT, first_offset=False, report=report, limit_is_total=True) if isinstance(raw, dict)]
