# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Deliverability readiness: would Gmail, Yahoo and Microsoft accept bulk mail from this sender?

Read only: every answer comes from DNS, through a ``lookup(name, type)`` that returns an ``_dns_check.Answer``
(``DNSPythonLookup`` in the module, a fake in unit tests). Each rule gives one check per name it looks at; a check
that does not pass is a finding with the provider requirement it maps to and the bounce code users see.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import re

from ansible_collections.mailops.sendgrid.plugins.module_utils._dns_check import NOERROR, NXDOMAIN, txt_text
from ansible_collections.mailops.sendgrid.plugins.module_utils._records import normalise_name
from ansible_collections.mailops.sendgrid.plugins.module_utils._dns_merge import SPF_LOOKUP_LIMIT, is_dmarc, is_spf, spf_lookups

PASS = "pass"
WARNING = "warning"
ERROR = "error"

# CNAME chains longer than this are taken as a loop (resolvers give up much earlier).
MAX_CNAME_CHAIN = 8
MIN_KEY_BITS = 1024
RECOMMENDED_KEY_BITS = 2048

# What each rule maps to. The codes are the ones the providers document (Google's SMTP error reference, Microsoft's
# 5.7.515 article, Yahoo's sender requirements); docs/readiness.md cites them.
RULES = {
    "spf": {
        "requirement": "Gmail, Yahoo and Microsoft: SPF must pass for the return-path (envelope sender) domain; bulk "
                       "senders need it next to DKIM. RFC 7208: one SPF record per name, at most 10 DNS lookups",
        "bounce": "Gmail 4.7.27/5.7.27 (SPF did not pass), Microsoft 550 5.7.515",
    },
    "dkim": {
        "requirement": "Gmail, Yahoo and Microsoft: DKIM must pass (bulk senders); Gmail asks for keys of at least 1024 "
                       "bits and recommends 2048",
        "bounce": "Gmail 4.7.30/5.7.30 (DKIM did not pass), Microsoft 550 5.7.515",
    },
    "dmarc": {
        "requirement": "Gmail, Yahoo and Microsoft (bulk senders): a DMARC record for the From domain, p=none at least",
        "bounce": "Gmail 4.7.40/5.7.40 (no DMARC policy), Microsoft 550 5.7.515",
    },
    "alignment": {
        "requirement": "Gmail, Yahoo and Microsoft (bulk senders): the From domain aligns with the SPF or the DKIM domain, "
                       "so that DMARC passes",
        "bounce": "Gmail 4.7.32/5.7.32 (From not aligned), 5.7.26 (unauthenticated), Microsoft 550 5.7.515",
    },
    "reverse_dns": {
        "requirement": "Gmail and Yahoo: every sending IP has a PTR record whose name resolves back to the IP "
                       "(forward-confirmed reverse DNS)",
        "bounce": "Gmail 4.7.23/5.7.25 (no PTR, or the PTR name does not point back)",
    },
    "link": {
        "requirement": "The branded link host must resolve, or every tracked link in the mail is dead; Gmail and Yahoo "
                       "count links to hosts that do not resolve against the sender",
        "bounce": "none: the mail is delivered, its links do not open",
    },
}


# -- DNS with CNAMEs followed ----------------------------------------------------------------


class Resolved:
    """What a name holds of one type after following its CNAMEs: ``values``, the ``chain`` of names, an ``error``."""

    def __init__(self, values=(), chain=(), error=None, nxdomain=False):
        self.values = list(values)
        self.chain = list(chain)
        self.error = error
        self.nxdomain = nxdomain


def resolve(lookup, name, rtype):
    name = normalise_name(name)
    chain = [name]
    for _step in range(MAX_CNAME_CHAIN):
        answer = lookup(name, rtype)
        if answer.rcode == NXDOMAIN:
            return Resolved(chain=chain, nxdomain=True)
        if answer.rcode != NOERROR:
            return Resolved(chain=chain, error=answer.error or answer.rcode)
        # The server may have followed the chain already: walk the answer's own CNAMEs first.
        current = name
        for _hop in range(MAX_CNAME_CHAIN):
            values = answer.at(current, rtype)
            if values:
                return Resolved(values, chain)
            target = answer.at(current, "CNAME")
            if not target:
                break
            current = normalise_name(target[0])
            chain.append(current)
        if current == name:
            return Resolved(chain=chain)  # NOERROR, no data of that type and no CNAME
        name = current
    return Resolved(chain=chain, error="more than %d CNAMEs in a row (a loop?)" % MAX_CNAME_CHAIN)


def _txt(resolved):
    return [txt_text(value) for value in resolved.values]


# -- DKIM keys --------------------------------------------------------------------------------


def dkim_tags(text):
    tags: dict = {}
    for part in text.split(";"):
        if "=" in part:
            key, value = part.split("=", 1)
            tags[key.strip().lower()] = re.sub(r"\s+", "", value)
    return tags


def _der(data, at):
    """(tag, body, next offset) of the DER element at ``at``; ``ValueError`` when it is not one."""
    if at + 2 > len(data):
        raise ValueError("truncated")
    tag = data[at]
    length = data[at + 1]
    at += 2
    if length & 0x80:
        count = length & 0x7F
        if count == 0 or count > 4 or at + count > len(data):
            raise ValueError("bad length")
        length = int.from_bytes(data[at:at + count], "big")
        at += count
    if at + length > len(data):
        raise ValueError("truncated")
    return tag, data[at:at + length], at + length


def _integer_bits(body):
    return int.from_bytes(body, "big").bit_length()


def rsa_key_bits(der):
    """The modulus size of an RSA public key: a SubjectPublicKeyInfo (what DKIM specifies) or a bare RSAPublicKey."""
    tag, body, _end = _der(der, 0)
    if tag != 0x30:
        raise ValueError("not a SEQUENCE")
    first_tag, first, after = _der(body, 0)
    if first_tag == 0x02:  # RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }
        return _integer_bits(first)
    if first_tag != 0x30:
        raise ValueError("not a key")
    bit_tag, bits, _end = _der(body, after)
    if bit_tag != 0x03 or not bits:
        raise ValueError("no BIT STRING")
    inner_tag, inner, _end = _der(bits[1:], 0)
    if inner_tag != 0x30:
        raise ValueError("not an RSA key")
    modulus_tag, modulus, _end = _der(inner, 0)
    if modulus_tag != 0x02:
        raise ValueError("no modulus")
    return _integer_bits(modulus)


def key_strength(tags):
    """(bits, problem): the key size of a DKIM record's tags, or why it has none."""
    key = tags.get("p")
    if key is None:
        return None, "the record has no p= tag (no public key)"
    if key == "":
        return None, "the key is revoked (empty p=)"
    try:
        der = base64.b64decode(key, validate=True)
    except (binascii.Error, ValueError):
        return None, "p= is not base64"
    if tags.get("k", "rsa").lower() == "ed25519":
        return (256, None) if len(der) == 32 else (None, "p= is not a 32-byte Ed25519 key")
    try:
        return rsa_key_bits(der), None
    except ValueError as exc:
        return None, "p= is not an RSA public key (%s)" % exc


# -- DMARC ------------------------------------------------------------------------------------


def dmarc_tags(text):
    tags: dict = {}
    for part in text.split(";"):
        if "=" in part:
            key, value = part.split("=", 1)
            tags.setdefault(key.strip().lower(), value.strip())
    return tags


def parents(domain):
    """``domain`` and its parents, without the top-level label: the names a DMARC tree walk asks for."""
    labels = domain.split(".")
    return [".".join(labels[index:]) for index in range(len(labels) - 1)]


def relaxed_aligned(one, other, organizational):
    """Relaxed DMARC alignment, with the organizational domain taken as where the DMARC record was found (no public
    suffix list here): both names are that domain or under it, or one is under the other."""
    def under(name, base):
        return name == base or name.endswith("." + base)

    return under(one, other) or under(other, one) or bool(organizational and under(one, organizational) and under(other, organizational))


# -- the checks -------------------------------------------------------------------------------


class Readiness:
    def __init__(self, lookup):
        self.lookup = lookup
        self.checks = []

    def add(self, rule, status, name, message, **details):
        check = dict(rule=rule, status=status, name=name, message=message, **details)
        if status != PASS:
            check.update(RULES[rule])
        self.checks.append(check)
        return check

    def spf_record(self, name):
        resolved = resolve(self.lookup, name, "TXT")
        spf = [text for text in _txt(resolved) if is_spf(text)]
        return spf[0] if len(spf) == 1 else None

    def check_spf(self, return_path, domain):
        """True when SPF can pass for the envelope sender: the return path (else the domain) has one usable record.

        The domain's own SPF record, when the return path is another name, is checked too: two records there are an
        error for mail that uses it, but having none is fine (SendGrid's mail goes out with its return path).
        """
        mail_from = return_path or domain
        passed = self._check_spf_at(mail_from, required=True)
        if domain != mail_from:
            self._check_spf_at(domain, required=False)
        return passed

    def _check_spf_at(self, name, required):
        resolved = resolve(self.lookup, name, "TXT")
        if resolved.error:
            self.add("spf", ERROR, name, "the SPF record of %s cannot be read: %s" % (name, resolved.error))
            return False
        spf = [text for text in _txt(resolved) if is_spf(text)]
        if len(spf) > 1:
            self.add("spf", ERROR, name, "%s has %d SPF records; receivers treat that as a permanent error (RFC 7208, 4.5): "
                     "merge them into one" % (name, len(spf)), records=spf)
            return False
        if not spf:
            if required:
                self.add("spf", ERROR, name, "%s has no SPF record (v=spf1): publish SendGrid's records (the mail CNAME of "
                         "the domain authentication)" % name)
            return False
        lookups, unresolved = spf_lookups(spf[0], self.spf_record)
        if lookups > SPF_LOOKUP_LIMIT:
            self.add("spf", ERROR, name, "the SPF record of %s needs %d DNS lookups, more than the %d SPF allows (RFC 7208, "
                     "4.6.4): receivers fail it" % (name, lookups, SPF_LOOKUP_LIMIT), lookups=lookups, record=spf[0])
            return False
        if unresolved:
            self.add("spf", ERROR, name, "the SPF record of %s includes %s, which %s no SPF record: receivers fail it"
                     % (name, ", ".join(unresolved), "has" if len(unresolved) == 1 else "have"), lookups=lookups, record=spf[0])
            return False
        self.add("spf", PASS, name, "one SPF record, %d DNS lookup%s" % (lookups, "" if lookups == 1 else "s"),
                 lookups=lookups, record=spf[0], via=resolved.chain[1:])
        return True

    def check_dkim(self, domain, selectors):
        passed = False
        for selector in selectors:
            name = "%s._domainkey.%s" % (selector, domain)
            resolved = resolve(self.lookup, name, "TXT")
            via = resolved.chain[1:]
            if resolved.error:
                self.add("dkim", ERROR, name, "the DKIM key %s cannot be read: %s" % (name, resolved.error))
                continue
            keys = [text for text in _txt(resolved) if "p=" in text]
            if not keys:
                where = " (through %s)" % " -> ".join(via) if via else ""
                self.add("dkim", ERROR, name, "%s%s holds no DKIM key: publish the DKIM CNAMEs of the domain authentication"
                         % (name, where), via=via)
                continue
            if len(keys) > 1:
                self.add("dkim", ERROR, name, "%s holds %d DKIM keys; verifiers take none of them" % (name, len(keys)), via=via)
                continue
            bits, problem = key_strength(dkim_tags(keys[0]))
            if problem:
                self.add("dkim", ERROR, name, "the DKIM key at %s is not usable: %s" % (name, problem), via=via)
            elif bits < MIN_KEY_BITS:
                self.add("dkim", ERROR, name, "the DKIM key at %s has %d bits, fewer than the %d Gmail requires"
                         % (name, bits, MIN_KEY_BITS), bits=bits, via=via)
            elif bits < RECOMMENDED_KEY_BITS:
                passed = True
                self.add("dkim", WARNING, name, "the DKIM key at %s has %d bits; %d are recommended"
                         % (name, bits, RECOMMENDED_KEY_BITS), bits=bits, via=via)
            else:
                passed = True
                self.add("dkim", PASS, name, "a %d-bit key" % bits, bits=bits, via=via)
        return passed

    def check_dmarc(self, domain):
        """The DMARC record that applies to ``domain`` (a tree walk up its parents), checked; its tags and owner."""
        for owner in parents(domain):
            name = "_dmarc." + owner
            resolved = resolve(self.lookup, name, "TXT")
            if resolved.error:
                self.add("dmarc", ERROR, name, "the DMARC record %s cannot be read: %s" % (name, resolved.error))
                return None, None
            records = [text for text in _txt(resolved) if is_dmarc(text)]
            if not records:
                continue
            if len(records) > 1:
                self.add("dmarc", ERROR, name, "%s has %d DMARC records; receivers apply none of them: keep one" % (name, len(records)),
                         records=records)
                return None, owner
            tags = dmarc_tags(records[0])
            policy_tag = "p" if owner == domain or "sp" not in tags else "sp"
            policy = tags.get(policy_tag, "").lower()
            if policy not in ("none", "quarantine", "reject"):
                self.add("dmarc", ERROR, name, "the DMARC record at %s has no valid policy (%s=%s): receivers ignore it; "
                         "start with p=none" % (name, policy_tag, tags.get(policy_tag, "")), record=records[0])
                return None, owner
            self.add("dmarc", PASS, name, "policy %s%s" % (policy, "" if owner == domain else " (of %s, for its subdomains)" % owner),
                     record=records[0], policy=policy)
            return tags, owner
        self.add("dmarc", ERROR, "_dmarc." + domain, "no DMARC record applies to %s (asked %s): publish one, p=none to start "
                 "(sender_setup_dmarc)" % (domain, ", ".join("_dmarc." + owner for owner in parents(domain))))
        return None, None

    def check_alignment(self, domain, return_path, dmarc, organizational, spf_passed, dkim_passed):
        if dmarc is None:
            return None
        strict_spf = dmarc.get("aspf", "r").lower() == "s"
        # SendGrid signs with d=<domain>: DKIM aligns with mail from that domain in both modes.
        dkim = dkim_passed
        mail_from = return_path or domain
        spf = spf_passed and (mail_from == domain if strict_spf else relaxed_aligned(mail_from, domain, organizational))
        aligned = {"spf": spf, "dkim": dkim}
        if spf or dkim:
            self.add("alignment", PASS, domain, "DMARC passes through %s" % " and ".join(k.upper() for k in ("spf", "dkim") if aligned[k]),
                     aligned=aligned)
        else:
            why = []
            if not dkim_passed:
                why.append("DKIM does not pass")
            if not spf_passed:
                why.append("SPF does not pass")
            elif strict_spf:
                why.append("aspf=s, and the return path %s is not %s" % (mail_from, domain))
            self.add("alignment", ERROR, domain, "mail from %s cannot pass DMARC: %s" % (domain, "; ".join(why)), aligned=aligned)
        return aligned

    def check_reverse_dns(self, ips):
        for item in ips:
            ip, expected = item["ip"], normalise_name(item.get("rdns"))
            ptr_name = reverse_name(ip)
            answer = resolve(self.lookup, ptr_name, "PTR")
            names = [normalise_name(value) for value in answer.values]
            if answer.error:
                self.add("reverse_dns", ERROR, ip, "the PTR record of %s cannot be read: %s" % (ip, answer.error))
                continue
            if not names:
                self.add("reverse_dns", ERROR, ip, "%s has no PTR record (%s): publish SendGrid's reverse DNS A record and "
                         "have the IP's owner (SendGrid, for its IPs) point the PTR to it" % (ip, ptr_name))
                continue
            if expected and expected not in names:
                self.add("reverse_dns", ERROR, ip, "the PTR record of %s is %s, not the reverse DNS name %s"
                         % (ip, ", ".join(names), expected), ptr=names)
                continue
            name = expected or names[0]
            rtype = "AAAA" if ":" in ip else "A"
            forward = resolve(self.lookup, name, rtype)
            if ip not in forward.values:
                found = ", ".join(forward.values) or ("nothing" if not forward.error else forward.error)
                self.add("reverse_dns", ERROR, ip, "%s is the PTR name of %s, but its %s record is %s: publish %s %s %s"
                         % (name, ip, rtype, found, name, rtype, ip), ptr=names)
                continue
            self.add("reverse_dns", PASS, ip, "%s -> %s -> %s" % (ip, name, ip), ptr=names)

    def check_link(self, host):
        host = normalise_name(host)
        resolved = resolve(self.lookup, host, "A")
        if not resolved.values and not resolved.nxdomain and not resolved.error:
            resolved = resolve(self.lookup, host, "AAAA")  # an IPv6-only host
        addresses = resolved.values
        if addresses:
            self.add("link", PASS, host, "resolves to %s" % ", ".join(addresses), via=resolved.chain[1:])
        else:
            why = resolved.error or ("no such name" if resolved.nxdomain else "no address")
            self.add("link", ERROR, host, "the branded link host %s does not resolve (%s%s): publish the link branding's "
                     "CNAMEs" % (host, why, ", through " + " -> ".join(resolved.chain[1:]) if resolved.chain[1:] else ""))

    def run(self, domain, return_path=None, selectors=("s1", "s2"), link_host=None, ips=()):
        domain = normalise_name(domain)
        return_path = normalise_name(return_path) or None
        spf_passed = self.check_spf(return_path, domain)
        dkim_passed = self.check_dkim(domain, selectors)
        dmarc, organizational = self.check_dmarc(domain)
        aligned = self.check_alignment(domain, return_path, dmarc, organizational, spf_passed, dkim_passed)
        self.check_reverse_dns(ips)
        if link_host:
            self.check_link(link_host)
        findings = [check for check in self.checks if check["status"] != PASS]
        return dict(
            ready=not any(check["status"] == ERROR for check in findings),
            findings=findings,
            checks=self.checks,
            aligned=aligned or {"spf": False, "dkim": False},
        )


def reverse_name(ip):
    return ipaddress.ip_address(ip).reverse_pointer
