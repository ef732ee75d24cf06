# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What sendgrid_reverse_dns and sendgrid_reverse_dns_info share: the API path, the exact IP lookup, the object.

PRIVATE: this module is internal to the mailops.sendgrid collection. It is not a public API and may
change in any release without notice. Do not import it from other collections.
"""

from __future__ import annotations

import ipaddress

from ansible_collections.mailops.sendgrid.plugins.module_utils._api import api_path
from ansible_collections.mailops.sendgrid.plugins.module_utils._records import dns_record, normalise_dns_records

RDNS_PATH = "/v3/whitelabel/ips"
# The keys of a reverse DNS in results (the normalised object also carries ``a_record``).
PUBLIC_KEYS = ("id", "ip", "rdns", "domain", "subdomain", "valid", "legacy", "users")


def rdns_path(record_id, *rest):
    return api_path(RDNS_PATH, record_id, *rest)


def canonical_ip(value):
    try:
        return str(ipaddress.IPv4Address(str(value).strip()))
    except ValueError:
        return value


def list_by_ip(client, ip=None):
    """Every reverse DNS (``ip=None``), or those of exactly ``ip``, as the API answers them, every page read.

    The API's ``ip`` filter is a prefix search (1.2.3.4 also matches 1.2.3.40), so the exact IP is kept here.
    The list is read lazily: a caller that stops at the first match reads no further page.
    """
    for item in client.paginate(RDNS_PATH, query={"ip": ip} if ip else None):
        if isinstance(item, dict) and (ip is None or canonical_ip(item.get("ip")) == ip):
            yield item


def find_by_ip(client, ip):
    """The reverse DNS of exactly ``ip`` as the API answers it, or ``None``."""
    return next(list_by_ip(client, ip), None)


def to_object(item):
    """A SendGrid reverse DNS, normalised; ``a_record`` is kept for the DNS record (``public`` leaves it out)."""
    return {
        "id": item.get("id"),
        "ip": canonical_ip(item.get("ip")),
        "rdns": (item.get("rdns") or "").rstrip(".").lower() or None,
        "domain": (item.get("domain") or "").rstrip(".").lower(),
        "subdomain": (item.get("subdomain") or "").lower(),
        "valid": bool(item.get("valid")),
        "legacy": bool(item.get("legacy")),
        "users": list(item.get("users") or []),
        "a_record": item.get("a_record") if isinstance(item.get("a_record"), dict) else None,
    }


def dns_records_of(obj):
    """The ``A`` record to publish: SendGrid's ``a_record``, else built from the name and the IP; ``[]`` without a name."""
    if obj.get("a_record"):
        records = normalise_dns_records({"a_record": obj["a_record"]})
        if records:
            return records
    if obj.get("rdns"):
        return [dns_record(obj["rdns"], "A", obj["ip"])]
    return []


def public(obj):
    return {key: obj[key] for key in PUBLIC_KEYS}
