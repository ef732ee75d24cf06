# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Domain authentication: the API path, the lookup, SendGrid's answer read, input checks and the predicted entry.

PRIVATE: this module is internal to the mailops.sendgrid collection. It is not a public API and may
change in any release without notice. Do not import it from other collections.

Used by sendgrid_domain_auth and sendgrid_domain_auth_info, so that both read SendGrid's answers the same way.
"""

from __future__ import annotations

import re

from ansible_collections.mailops.sendgrid.plugins.module_utils._branding import is_eu_host
from ansible_collections.mailops.sendgrid.plugins.module_utils._records import normalise_name
from ansible_collections.mailops.sendgrid.plugins.module_utils._compare import sorted_ips
from ansible_collections.mailops.sendgrid.plugins.module_utils._errors import InputError
from ansible_collections.mailops.sendgrid.plugins.module_utils._records import dns_record, normalise_dns_records
from ansible_collections.mailops.sendgrid.plugins.module_utils._validators import validate_subdomain

DOMAINS = "/v3/whitelabel/domains"
SELECTOR_RE = re.compile(r"^[a-z0-9]{3}$")


def validate_relative_subdomain(value, domain):
    """``subdomain`` relative to ``domain`` (``em``, not ``em.example.com``), or raise."""
    subdomain = validate_subdomain(value, "subdomain")
    if subdomain == domain or subdomain.endswith("." + domain):
        raise InputError(
            "subdomain must be relative to domain: use %r, not %r (the records would be %s.%s)"
            % (subdomain[: -len(domain)].rstrip(".") or "em", value, subdomain, domain)
        )
    return subdomain


def validate_selector(value):
    if not isinstance(value, str) or not SELECTOR_RE.match(value):
        raise InputError("custom_dkim_selector must be exactly three lowercase letters or digits, got %r" % (value,))
    return value


def dkim_selector(dns):
    """The custom selector from ``<selector>._domainkey.<domain>``; None for SendGrid's own (s1, m1)."""
    for key in ("dkim1", "dkim"):
        host = normalise_name((dns.get(key) or {}).get("host"))
        label, found, _rest = host.partition("._domainkey.")
        if found:
            return label if SELECTOR_RE.match(label) else None
    return None


def region_of(raw, dns):
    """``region`` when SendGrid sends it; else read from the record values; None when they do not show it."""
    if raw.get("region") in ("global", "eu"):
        return raw["region"]
    if any(is_eu_host(record.get("data")) for record in dns.values() if isinstance(record, dict)):
        return "eu"
    # With automatic security the mail CNAME points at SendGrid, and an EU entry's target says so.
    return "global" if "mail_cname" in dns else None


def from_api(raw):
    """A domain object of SendGrid as a flat dict in the shape of the module's options (plus read-only keys)."""
    dns = raw.get("dns") if isinstance(raw.get("dns"), dict) else {}
    subusers = raw.get("subusers")
    return {
        "id": raw.get("id"),
        "user_id": raw.get("user_id"),
        "domain": normalise_name(raw.get("domain")),
        "subdomain": normalise_name(raw.get("subdomain")) or None,
        "username": raw.get("username"),
        "automatic_security": bool(raw.get("automatic_security")),
        "custom_spf": bool(raw.get("custom_spf")),
        "default": bool(raw.get("default")),
        "ips": sorted_ips(raw.get("ips")),
        "custom_dkim_selector": dkim_selector(dns),
        "region": region_of(raw, dns),
        "valid": bool(raw.get("valid")),
        "legacy": bool(raw.get("legacy")),
        "dns_records": normalise_dns_records(dns),
        # None: SendGrid's answer does not say which subusers are associated.
        "subusers": sorted({s.get("username") for s in subusers if isinstance(s, dict) and s.get("username")}) if isinstance(subusers, list) else None,
    }


def predict(body):
    """The entry SendGrid would create from a POST ``body`` (check mode), as ``from_api`` reads it back."""
    return {
        "id": None,
        "user_id": None,
        "domain": body["domain"],
        "subdomain": body.get("subdomain"),
        "username": body.get("username"),
        "automatic_security": body["automatic_security"],
        "custom_spf": bool(body.get("custom_spf")),
        "default": bool(body.get("default")),
        "ips": sorted_ips(body.get("ips")),
        "custom_dkim_selector": body.get("custom_dkim_selector"),
        # As the module reads it back: the records of a manual entry do not show the region.
        "region": body.get("region", "global") if body["automatic_security"] else None,
        "valid": False,
        "legacy": False,
        "dns_records": [],
        "subusers": [],
    }


def _record(name, record_type, value):
    record = dns_record(name, record_type, value)
    record["value"] = value  # None stays None: a value SendGrid assigns when it creates the entry
    return record


def spf_value(entry):
    """The SPF value SendGrid gives a manual-security entry's mail host: its IPs with custom SPF, else SendGrid's include."""
    if entry["custom_spf"]:
        return " ".join(["v=spf1"] + ["ip4:%s" % ip for ip in entry["ips"]] + ["-all"])
    return "v=spf1 include:sendgrid.net ~all"


def predict_records(entry, before=None):
    """The DNS records SendGrid will give ``entry`` (check mode), from its options and the records it had (``before``).

    SendGrid's formats are fixed by the options, except what it assigns when it creates an entry: the CNAME targets
    (which carry the account's user id and a number of SendGrid's), the DKIM key, and the subdomain when none was
    given. Those values are ``None`` (the record names are known); with no subdomain chosen yet, the records of the
    mail host are left out. ``before`` (the same entry's records, same security mode) keeps every value that stays.
    """
    domain, subdomain = entry["domain"], entry["subdomain"]
    mail_host = "%s.%s" % (subdomain, domain) if subdomain else None
    if before is not None:
        return _changed_records(entry, before, mail_host)
    records = []
    if entry["automatic_security"]:
        first, second = (entry["custom_dkim_selector"], entry["custom_dkim_selector"] + "2") if entry["custom_dkim_selector"] else ("s1", "s2")
        if mail_host:
            records.append(_record(mail_host, "CNAME", None))
        records.append(_record("%s._domainkey.%s" % (first, domain), "CNAME", None))
        records.append(_record("%s._domainkey.%s" % (second, domain), "CNAME", None))
        return records
    if mail_host:
        records.append(_record(mail_host, "MX", "mx.sendgrid.net"))
        records.append(_record(mail_host, "TXT", spf_value(entry)))
        if entry["custom_spf"]:
            records.append(_record(domain, "TXT", "v=spf1 include:%s -all" % mail_host))
    records.append(_record("%s._domainkey.%s" % (entry["custom_dkim_selector"] or "m1", domain), "TXT", None))
    return records


def _changed_records(entry, before, mail_host):
    """``before`` with the SPF records that custom SPF and the IPs decide made as they will be; the rest kept."""
    if entry["automatic_security"] or not mail_host:
        return [dict(record) for record in before]
    root_spf = "v=spf1 include:%s -all" % mail_host
    records = []
    for record in before:
        if record["type"] == "TXT" and record["name"] == entry["domain"] and record["value"] == root_spf:
            continue  # added back below when custom SPF stays on
        if record["type"] == "TXT" and record["name"] == mail_host and (record["value"] or "").startswith("v=spf1"):
            records.append(_record(mail_host, "TXT", spf_value(entry)))
            if entry["custom_spf"]:
                records.append(_record(entry["domain"], "TXT", root_spf))
            continue
        records.append(dict(record))
    return records


def list_domains(client, domain=None, username=None, exclude_subusers=False):
    """The entries of exactly ``domain`` and ``username`` (when set), every page read.

    SendGrid's ``domain`` and ``username`` filters are searches (``example.com`` also finds
    ``mail.example.com`` and ``example.com.au``), so the exact matches are kept here.
    """
    query = {"domain": domain, "username": username, "exclude_subusers": exclude_subusers or None}
    found = []
    for raw in client.paginate(DOMAINS, query=query):
        if not isinstance(raw, dict):
            continue
        entry = from_api(raw)
        if (domain is None or entry["domain"] == domain) and (username is None or entry["username"] == username):
            found.append(entry)
    return found
