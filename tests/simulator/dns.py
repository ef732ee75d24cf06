# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""DNS sources used by the validate endpoints, and the record check itself.

By default the simulator answers from an in-memory record table that tests fill through
``/_simulator/dns``. With ``--dns-server HOST:PORT`` it asks a real DNS server instead
(through dnspython), so the demo can run against a local authoritative server.
Names compare case-insensitively and without the trailing dot, as DNS does.
"""

from __future__ import annotations

import re
import threading
from typing import Optional

SUPPORTED_TYPES = ("A", "CNAME", "MX", "TXT")


def normalize_name(name: str) -> str:
    return str(name).strip().rstrip(".").lower()


def normalize_value(rtype: str, value: str) -> str:
    """Canonical form of a record value, so table entries and DNS answers compare equal."""
    value = str(value).strip()
    if rtype == "TXT":
        return join_txt(value)
    if rtype == "MX":
        # "10 mx.sendgrid.net." and "mx.sendgrid.net" both mean the exchange host.
        value = re.sub(r"^\d+\s+", "", value)
    return value.rstrip(".").lower()


def join_txt(value: str) -> str:
    """A TXT value given as quoted chunks ("v=spf1 " "-all") becomes one string."""
    chunks = re.findall(r'"((?:[^"\\]|\\.)*)"', value)
    if chunks and re.fullmatch(r'\s*("(?:[^"\\]|\\.)*"\s*)+', value):
        return "".join(chunk.replace('\\"', '"') for chunk in chunks)
    return value


class RecordTable:
    """The in-memory DNS: a list of {name, type, value} records."""

    def __init__(self):
        self._lock = threading.Lock()
        self._records: list[dict] = []

    def add(self, records: list, replace: bool = False) -> list:
        clean = [self._clean(record) for record in records]
        with self._lock:
            if replace:
                self._records = []
            for record in clean:
                self._insert(record)
            return list(self._records)

    def _insert(self, record: dict) -> None:
        if record["type"] == "CNAME":
            # A name holds at most one CNAME: a new one replaces the old.
            self._records = [r for r in self._records
                             if not (r["type"] == "CNAME" and r["name"] == record["name"])]
        if record not in self._records:
            self._records.append(record)

    @staticmethod
    def _clean(record: dict) -> dict:
        if not isinstance(record, dict) or not {"name", "type", "value"} <= set(record):
            raise ValueError("each record needs name, type and value")
        rtype = str(record["type"]).upper()
        if rtype not in SUPPORTED_TYPES:
            raise ValueError(f"unsupported record type {record['type']!r}")
        return {"name": normalize_name(record["name"]), "type": rtype,
                "value": str(record["value"]).strip()}

    def list(self) -> list:
        with self._lock:
            return list(self._records)

    def clear(self) -> None:
        with self._lock:
            self._records = []

    def lookup(self, name: str, rtype: str) -> list:
        name = normalize_name(name)
        with self._lock:
            return [normalize_value(rtype, r["value"]) for r in self._records
                    if r["name"] == name and r["type"] == rtype]


class ServerResolver:
    """Real DNS queries against one server (HOST:PORT), for --dns-server."""

    def __init__(self, address: str):
        import dns.resolver  # imported lazily: only needed in this mode

        host, dummy, port = address.rpartition(":")
        if not host:
            host, port = address, "53"
        self._resolver = dns.resolver.Resolver(configure=False)
        self._resolver.nameservers = [host.strip("[]")]
        self._resolver.port = int(port)
        self._resolver.lifetime = 3.0
        self.address = address

    def lookup(self, name: str, rtype: str) -> list:
        import dns.exception
        import dns.resolver

        try:
            answer = self._resolver.resolve(normalize_name(name) + ".", rtype,
                                            raise_on_no_answer=False)
        except (dns.resolver.NXDOMAIN, dns.resolver.NoNameservers, dns.exception.Timeout):
            return []
        values = []
        for rdata in answer.rrset or []:
            values.append(self._rdata_text(rtype, rdata))
        return values

    @staticmethod
    def _rdata_text(rtype: str, rdata) -> str:
        if rtype == "TXT":
            return "".join(part.decode("utf-8", "replace") for part in rdata.strings)
        if rtype == "MX":
            return normalize_value("MX", rdata.exchange.to_text())
        return normalize_value(rtype, rdata.to_text())


def spf_contains(found: list, want: str) -> bool:
    """A guess (SendGrid does not document it): an SPF record passes when the name's one SPF record holds every
    mechanism of the expected one except ``all``, so an SPF record merged into the company's existing one (as the
    collection publishes it) validates. Two SPF records at the name never pass (a permanent error, RFC 7208)."""
    def is_spf(text: str) -> bool:
        return text.lower() == "v=spf1" or text.lower().startswith("v=spf1 ")

    if not is_spf(want):
        return False
    spf = [value for value in found if is_spf(value)]
    if len(spf) != 1:
        return False
    have = {term.lower().lstrip("+") for term in spf[0].split()[1:]}
    needed = [term.lower().lstrip("+") for term in want.split()[1:] if not term.lower().lstrip("+-~?").startswith("all")]
    return all(term in have for term in needed)


def describe_found(values: list) -> str:
    return ", ".join(f'"{v}"' for v in values)


def check_record(resolver, rtype: str, host: str, expected: str) -> tuple[bool, Optional[str]]:
    """Look ``host`` up and compare with ``expected``; answer (valid, reason or None).

    Reasons imitate SendGrid's wording, e.g.
    ``Expected CNAME for "em1234.example.com" to match "u1446440.wl001.sendgrid.net".``
    """
    rtype = rtype.upper()
    found = resolver.lookup(host, rtype)
    want = normalize_value(rtype, expected)
    if want in found:
        return True, None
    if rtype == "TXT" and spf_contains(found, want):
        return True, None
    if rtype == "CNAME":
        if not found:
            return False, f'Expected CNAME for "{host}" to match "{expected}".'
        return False, (f'Expected CNAME for "{host}" to match "{expected}" '
                       f'but found {describe_found(found)}.')
    if rtype == "MX":
        shown = describe_found(found) if found else "no MX record"
        return False, f'Expected your MX record to be "{expected}" but found {shown}.'
    if rtype == "TXT":
        if not found:
            return False, f'Expected TXT record for "{host}" to match "{expected}".'
        return False, (f'Expected TXT record for "{host}" to match "{expected}" '
                       f'but found {describe_found(found)}.')
    if not found:
        return False, f"Failed to resolve A Record at {host}: lookup {host}: no such host"
    return False, (f'Expected A record for "{host}" to match "{expected}" '
                   f'but found {describe_found(found)}.')
