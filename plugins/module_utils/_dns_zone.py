# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A zone's primary nameserver, read and updated over DNS (RFC 1035 queries, RFC 2136 updates, TSIG).

PRIVATE: this module is internal to the mailops.sendgrid collection. It is not a public API and may
change in any release without notice. Do not import it from other collections.

The one place where the collection writes DNS. What to write is decided by ``_dns_merge.plan``; this module
reads what a name holds (keeping the exact records, so that values it keeps are written back unchanged and the
update's prerequisites name exactly what was read) and sends one update per zone.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import math

try:
    import dns.exception
    import dns.message
    import dns.name
    import dns.query
    import dns.rcode
    import dns.rdata
    import dns.rdataclass
    import dns.rdataset
    import dns.rdatatype
    import dns.tsigkeyring
    import dns.update
except ImportError:  # pragma: no cover - _dns_check.HAS_DNSPYTHON says so, and the module fails with missing_required_lib
    pass

from ansible_collections.mailops.sendgrid.plugins.module_utils._dns_merge import OTHER_TYPES, is_spf, normalise_value
from ansible_collections.mailops.sendgrid.plugins.module_utils._records import normalise_name


class ZoneError(Exception):
    """The nameserver cannot be read or refused the update; the message says what to do."""


def _txt_text(rdata):
    return b"".join(rdata.strings).decode("utf-8", "replace")


def value_of(rdtype, rdata):
    """An rdata as ``_dns_merge`` compares values."""
    if rdtype == "TXT":
        return _txt_text(rdata)
    if rdtype == "MX":
        return "%d %s" % (rdata.preference, normalise_name(rdata.exchange.to_text()))
    if rdtype in ("CNAME", "NS"):
        return normalise_name(rdata.target.to_text())
    return rdata.to_text()


def make_rdata(rdtype, value):
    """A new record of ``rdtype`` for ``value`` (as ``_dns_merge`` writes values); long TXT split at 255 bytes."""
    if rdtype == "TXT":
        data = value.encode("utf-8")
        chunks = [data[i:i + 255] for i in range(0, len(data), 255)] or [b""]
        text = " ".join('"%s"' % chunk.decode("utf-8").replace("\\", "\\\\").replace('"', '\\"') for chunk in chunks)
    elif rdtype == "CNAME":
        text = normalise_name(value) + "."
    elif rdtype == "MX":
        preference, exchange = value.split()
        text = "%s %s." % (preference, normalise_name(exchange))
    else:
        text = value
    return dns.rdata.from_text(dns.rdataclass.IN, dns.rdatatype.from_text(rdtype), text)


class ZoneServer:
    def __init__(self, host, port=53, timeout=5.0, keyring=None, key_name=None, key_algorithm=None):
        self.host = host
        self.port = port
        self.timeout = timeout
        self.keyring = keyring
        self.key_name = key_name
        self.key_algorithm = key_algorithm
        # (name, TYPE) -> (ttl, [rdata]) exactly as read
        self.raw = {}

    @classmethod
    def from_params(cls, params):
        """Check the connection options before any query; raise ``ZoneError`` naming the option."""
        server = (params.get("server") or "").strip()
        if not server:
            raise ZoneError("server must be the IP address or name of the zone's primary nameserver")
        try:
            host = str(ipaddress.ip_address(server))
        except ValueError:
            host = _resolve(server)
        if not 1 <= params.get("port", 53) <= 65535:
            raise ZoneError("port must be between 1 and 65535, got %s" % params.get("port"))
        timeout = params.get("timeout", 5)
        if not math.isfinite(timeout) or not 0 < timeout <= 3600:
            raise ZoneError("timeout must be a finite number of seconds, more than 0 and at most 3600, got %s" % timeout)
        ttl = params.get("ttl", 3600)
        if ttl is not None and not 0 <= ttl <= 2147483647:
            raise ZoneError("ttl must be between 0 and 2147483647 seconds, got %s" % ttl)
        keyring = key_name = algorithm = None
        if params.get("key_name"):
            secret = (params.get("key_secret") or "").strip()
            try:
                base64.b64decode(secret, validate=True)
            except (binascii.Error, ValueError):
                raise ZoneError("key_secret must be the TSIG key in base64 (as in the key's 'secret' line)")
            key_name = dns.name.from_text(params["key_name"].strip())
            keyring = dns.tsigkeyring.from_text({params["key_name"].strip(): secret})
            algorithm = dns.name.from_text(params.get("key_algorithm") or "hmac-sha256")
        return cls(host, params.get("port", 53), timeout, keyring, key_name, algorithm)

    @staticmethod
    def check_records(records):
        checked = []
        for index, record in enumerate(records or ()):
            name = normalise_name(record.get("name"))
            if not name or ".." in name or any(c.isspace() for c in name):
                raise ZoneError("records[%d].name must be a fully qualified DNS name, got %r" % (index, record.get("name")))
            rtype = (record.get("type") or "").upper()
            value = record.get("value")
            if value is None or not str(value).strip():
                raise ZoneError("records[%d].value (%s %s) must not be empty" % (index, name, rtype))
            try:
                make_rdata(rtype, normalise_value(rtype, str(value)))
            except Exception as exc:  # pylint: disable=broad-exception-caught
                raise ZoneError("records[%d] (%s %s) has a value that is not valid for its type: %r (%s)" % (index, name, rtype, value, exc))
            checked.append({"name": name, "type": rtype, "value": str(value)})
        return checked

    # -- reading -----------------------------------------------------------------------------

    def _query(self, name, rdtype):
        query = dns.message.make_query(dns.name.from_text(name + "."), rdtype)
        try:
            return dns.query.tcp(query, self.host, port=self.port, timeout=self.timeout)
        except (dns.exception.DNSException, OSError) as exc:
            raise ZoneError("cannot ask %s:%s for %s %s: %s" % (self.host, self.port, name, rdtype, exc or type(exc).__name__))

    def _rrsets(self, response, name, rdtype):
        wanted = dns.name.from_text(name + ".")
        return [rrset for rrset in response.answer if rrset.name == wanted and dns.rdatatype.to_text(rrset.rdtype) == rdtype]

    def read(self, name):
        """``{TYPE: [value]}`` of what the zone holds at ``name`` (every type a SendGrid record could clash with)."""
        found = {}
        for rdtype in OTHER_TYPES:
            response = self._query(name, rdtype)
            rcode = response.rcode()
            if rcode not in (dns.rcode.NOERROR, dns.rcode.NXDOMAIN):
                raise ZoneError(
                    "%s:%s answered %s to %s %s: it must be the zone's primary nameserver and allow queries from this host"
                    % (self.host, self.port, dns.rcode.to_text(rcode), name, rdtype)
                )
            for rrset in self._rrsets(response, name, rdtype):
                rdatas = list(rrset)
                self.raw[(name, rdtype)] = (rrset.ttl, rdatas)
                found[rdtype] = [value_of(rdtype, rdata) for rdata in rdatas]
        return found

    def spf_record(self, name):
        """The SPF record at ``name`` as this server answers it, or ``None`` (none, several, or not its zone)."""
        try:
            response = self._query(name, "TXT")
        except ZoneError:
            return None
        if response.rcode() != dns.rcode.NOERROR:
            return None
        values = [_txt_text(rdata) for rrset in self._rrsets(response, name, "TXT") for rdata in rrset]
        spf = [value for value in values if is_spf(value)]
        return spf[0] if len(spf) == 1 else None

    def zones_of(self, names, zone=None):
        """``{name: zone}``: ``zone`` when given (every name must be in it), else the closest SOA the server holds."""
        if zone:
            zone = normalise_name(zone)
            outside = [name for name in names if name != zone and not name.endswith("." + zone)]
            if outside:
                raise ZoneError("zone %s does not hold %s: set zone to the zone they are in, or leave it unset" % (zone, ", ".join(outside)))
            return {name: zone for name in names}
        zones = {}
        known = {}
        for name in names:
            labels = name.split(".")
            for start in range(len(labels) - 1):
                candidate = ".".join(labels[start:])
                if candidate not in known:
                    response = self._query(candidate, "SOA")
                    known[candidate] = bool(response.rcode() == dns.rcode.NOERROR and self._rrsets(response, candidate, "SOA"))
                if known[candidate]:
                    zones[name] = candidate
                    break
            else:
                raise ZoneError(
                    "%s:%s holds no zone for %s (no SOA record at it or any name above it): set zone, and check that server "
                    "is the zone's primary nameserver" % (self.host, self.port, name)
                )
        return zones

    # -- writing -----------------------------------------------------------------------------

    def apply(self, changes, zones, ttl):
        """One RFC 2136 update per zone, with prerequisites: each record set changed must still be as it was read."""
        updates = {}
        for change in changes:
            if change["action"] == "none":
                continue
            name, rdtype = change["name"], change["type"]
            zone = zones[name]
            if zone not in updates:
                updates[zone] = dns.update.UpdateMessage(
                    zone + ".", keyring=self.keyring, keyname=self.key_name, keyalgorithm=self.key_algorithm
                ) if self.keyring else dns.update.UpdateMessage(zone + ".")
            update = updates[zone]
            owner = dns.name.from_text(name + ".")
            read_ttl, read_rdatas = self.raw.get((name, rdtype), (None, []))
            if read_rdatas:
                update.present(owner, dns.rdataset.from_rdata_list(0, read_rdatas))
            else:
                update.absent(owner, rdtype)
            if change["after"]:
                kept = {value_of(rdtype, rdata): rdata for rdata in read_rdatas}
                rdatas = [kept[value] if value in kept else make_rdata(rdtype, value) for value in change["after"]]
                update.replace(owner, read_ttl if read_ttl is not None else ttl, *rdatas)
            else:
                update.delete(owner, rdtype)
        for zone, update in updates.items():
            try:
                response = dns.query.tcp(update, self.host, port=self.port, timeout=self.timeout)
            except (dns.exception.DNSException, OSError) as exc:
                raise ZoneError("the update of zone %s to %s:%s got no answer: %s; run again to see what it holds" % (zone, self.host, self.port, exc))
            rcode = response.rcode()
            if rcode == dns.rcode.NOERROR:
                continue
            text = dns.rcode.to_text(rcode)
            if rcode in (dns.rcode.NXRRSET, dns.rcode.YXRRSET):
                raise ZoneError(
                    "the update of zone %s was refused (%s): a record set changed between this run's read and its update, "
                    "so nothing was overwritten; run again" % (zone, text)
                )
            raise ZoneError(
                "%s:%s refused the update of zone %s (%s): the server must allow updates signed with key_name for this zone"
                % (self.host, self.port, zone, text)
            )


def _resolve(host):
    import socket  # pylint: disable=import-outside-toplevel

    try:
        return socket.getaddrinfo(host, None, socket.AF_INET)[0][4][0]
    except OSError as exc:
        raise ZoneError("server %r cannot be resolved: %s" % (host, exc))
