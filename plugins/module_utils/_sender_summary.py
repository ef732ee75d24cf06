# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The sender_setup role's summary lines and BIND zone-file snippet, in one place: the filters sender_summary and
sender_zone_snippet, the sendgrid_senders module (each sender's summary) and the sendgrid_sender_result action use it.

They were Jinja templates; rendering a template compiles it every time, in every forked worker, which cost a play of
hundreds of senders ~25 ms a host and task. The inputs are plain values the role gathers (vars/main.yml,
__sender_setup_summary_facts and __sender_setup_zone_facts).
"""

from __future__ import annotations

import re

HEADER = (
    "; DNS records for SendGrid sender {domain}, written by mailops.sendgrid.sender_setup.",
    "; Names are absolute (they end with a dot): paste them into any zone without the zone being appended again.",
    "; A TXT value longer than 255 characters is written as several strings of one record, as DNS requires.",
)
DNS_EMAIL_PENDING = ("records NOT emailed by this run (they go out on the run that creates or changes the domain or link; if that run "
                     "was interrupted, run with sender_setup_dns_email_resend=true)")


def _get(value, key, default=None):
    return value.get(key, default) if isinstance(value, dict) else default


def _state(result, check_mode):
    if _get(result, "changed"):
        return "would change" if check_mode else "changed"
    return "unchanged"


def _validity(obj, result):
    if _get(obj, "valid"):
        return "valid"
    validation = _get(result, "validation") or {}
    reasons = [_get(entry, "reason") for entry in (_get(validation, "results") or {}).values() if not _get(entry, "valid")]
    reasons = [str(reason) for reason in reasons if reason]
    if reasons:
        return "NOT VALID: " + "; ".join(reasons)
    if _get(validation, "skipped"):
        return "NOT VALID (check mode: validation not requested)"
    return "NOT VALID"


def _subusers(obj, facts):
    if not (facts.get("subusers") or facts.get("purge_subusers")):
        return ""
    if not _get(obj, "valid"):
        return ", subusers: associated once valid"
    if isinstance(obj, dict) and "subusers" in obj:
        return ", subusers: " + (", ".join(obj["subusers"]) if obj["subusers"] else "none")
    return ""


def _subdomain(obj):
    return _get(obj, "subdomain") or "?"


def summary_lines(facts):
    """One line per object of the sender (and DMARC, the DNS email, the DNS check, readiness), as the role shows them.

    ``facts``: check_mode, domain, pool_result, reverse_dns_results, domain_result, link_result, subusers,
    purge_subusers, dmarc_value (empty without DMARC), dns_email, dns_email_result, dns_check_result, readiness_result
    (a result is empty or null when its step did not run)."""
    check_mode = bool(facts.get("check_mode"))
    domain = facts.get("domain")
    lines = []
    pool_result = facts.get("pool_result") or {}
    pool = _get(pool_result, "pool")
    if pool is not None:
        lines.append("IP pool         %s [%s]: %s" % (_get(pool, "name"), ", ".join(_get(pool, "ips") or []), _state(pool_result, check_mode)))
    for ip, result in (facts.get("reverse_dns_results") or {}).items():
        entry = _get(result, "reverse_dns") or {}
        rdns = entry["rdns"] if isinstance(entry, dict) and "rdns" in entry else "?"
        lines.append("Reverse DNS     %s -> %s: %s, %s" % (rdns, ip, _state(result, check_mode), _validity(entry, result)))
    for label, key, result_key in (("Domain auth     ", "domain", "domain_result"), ("Link branding   ", "link", "link_result")):
        result = facts.get(result_key) or {}
        obj = _get(result, key)
        if obj is not None:
            lines.append("%s%s.%s: %s, %s%s" % (label, _subdomain(obj), domain, _state(result, check_mode), _validity(obj, result),
                                                _subusers(obj, facts)))
    if facts.get("dmarc_value"):
        lines.append("DMARC           _dmarc.%s: %s" % (domain, facts["dmarc_value"]))
    if facts.get("dns_email"):
        email_result = facts.get("dns_email_result")
        emailed = isinstance(email_result, dict) and not email_result.get("skipped")
        domain_obj = _get(facts.get("domain_result"), "domain")
        link_obj = _get(facts.get("link_result"), "link")
        pending = (domain_obj is not None and not _get(domain_obj, "valid")) or (link_obj is not None and not _get(link_obj, "valid"))
        if emailed:
            lines.append("DNS email       records %semailed to %s" % ("would be " if check_mode else "", facts["dns_email"]))
        elif pending:
            lines.append("DNS email       " + DNS_EMAIL_PENDING)
    records = _get(facts.get("dns_check_result"), "records")
    if records is not None:
        found = [r for r in records if _get(r, "status") == "found"]
        line = "DNS check       %d of %d records found as expected" % (len(found), len(records))
        for record in records:
            if _get(record, "status") != "found":
                message = record["message"] if "message" in record else _get(record, "status")
                line += "; %s %s: %s" % (_get(record, "name"), _get(record, "type"), message)
        lines.append(line)
    readiness = facts.get("readiness_result")
    checks = _get(readiness, "checks")
    if checks is not None:
        passed = [c for c in checks if _get(c, "status") == "pass"]
        line = "Bulk mail       %s for Gmail, Yahoo and Microsoft (%d of %d checks passed)" % (
            "ready" if _get(readiness, "ready") else "NOT ready", len(passed), len(checks))
        for finding in _get(readiness, "findings") or []:
            line += "; %s %s: %s [%s]" % (_get(finding, "status"), _get(finding, "rule"), _get(finding, "message"), _get(finding, "bounce"))
        lines.append(line)
    # As the lines of a text: no leading or trailing blank, and one (empty) line when there is nothing to say.
    return "\n".join(lines).strip().split("\n")


def record_line(name, rtype, value, ttl):
    """One record in zone-file syntax, with an absolute name."""
    if rtype == "TXT":
        strings = [chunk.replace('"', '\\"') for chunk in re.findall(r".{1,255}", value)]
        return '%s. %s IN TXT "%s"' % (name, ttl, '" "'.join(strings))
    if rtype in ("CNAME", "MX"):
        preference = "10 " if rtype == "MX" and len(value.split()) == 1 else ""
        return "%s. %s IN %s %s%s." % (name, ttl, rtype, preference, re.sub(r"\.$", "", value))
    return "%s. %s IN %s %s" % (name, ttl, rtype, value)


def zone_snippet_lines(facts):
    """The sender's records as a BIND zone-file snippet.

    ``facts``: domain, ttl, records (the role's sender_setup_dns_records); record_sets and merged_from when a publisher
    merged them with what the zone holds (then every value each name must hold is written)."""
    ttl = facts.get("ttl")
    lines = [line.format(domain=facts.get("domain")) for line in HEADER]
    record_sets = facts.get("record_sets")
    if record_sets is not None:
        lines.append("; Merged with what the zone holds (read from %s):" % facts.get("merged_from"))
        lines.append("; every value a name must hold, SendGrid's and the ones that were there. Replace each set whole.")
        for record_set in record_sets:
            for value in sorted(record_set["values"]):
                lines.append(record_line(record_set["name"], record_set["type"], value, ttl))
        return lines
    for record in facts.get("records") or []:
        name, rtype, value = record["name"], record["type"], record.get("value")
        if value is None:
            lines.append("; %s. %s: its value is assigned by SendGrid when the entry is created (this is a check-mode run)" % (name, rtype))
            continue
        if rtype == "TXT" and re.match(r"v=DMARC1;", value):
            lines.append('; DMARC: if %s already has a "v=DMARC1" record, keep only one of them: it is the domain\'s policy.' % name)
        if rtype == "TXT" and re.match(r"v=spf1( |$)", value):
            lines.append('; SPF: if %s already has a "v=spf1" record, merge SendGrid\'s mechanisms into it instead of adding this' % name)
            lines.append("; one: two SPF records at one name make every SPF check of it fail (RFC 7208, section 4.5).")
        lines.append(record_line(name, rtype, value, ttl))
    return lines
