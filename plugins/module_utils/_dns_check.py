# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Read-only checks of published DNS records, for ``sendgrid_dns_check``.

PRIVATE: this module is internal to the mailops.sendgrid collection. It is not a public API and may
change in any release without notice. Do not import it from other collections.

The checks work on one small interface, ``lookup(name, type) -> Answer``, so they can be tested with
a fake resolver. ``DNSPythonLookup`` is the real one (dnspython, against given nameservers or the
system resolver). ``Checker`` compares each expected ``{name, type, value}`` record with what DNS
answers and names the usual mistakes:

``zone_appended_twice``
    the name does not exist but ``<name>.<zone>`` does (a DNS console appended the zone to a name
    that already held it);
``cname_flattened``
    a CNAME is expected, the name answers A/AAAA records instead (CNAME flattening or a proxy);
``txt_split``
    a TXT value was published as several TXT records, or split into strings in a way that changes
    the value (the strings of one TXT record are joined without separator);
``conflict``
    a CNAME next to other records at the same name, several CNAMEs, or several SPF/DKIM/DMARC
    TXT records at one name;
``wrong_value`` / ``missing`` / ``lookup_failed``
    anything else.
"""

from __future__ import annotations

import ipaddress
import math
import re
from typing import Optional

from ansible_collections.mailops.sendgrid.plugins.module_utils._records import normalise_name

try:
    import dns.exception
    import dns.name
    import dns.rdatatype
    import dns.resolver
except ImportError as exc:  # pragma: no cover - exercised through missing_required_lib
    HAS_DNSPYTHON = False
    DNSPYTHON_IMPORT_ERROR: Optional[ImportError] = exc
else:
    HAS_DNSPYTHON = True
    DNSPYTHON_IMPORT_ERROR = None

SUPPORTED_TYPES = ("A", "AAAA", "CNAME", "MX", "TXT")

STATUSES = ("found", "missing", "wrong_value", "error")
PROBLEMS = ("missing", "wrong_value", "zone_appended_twice", "cname_flattened", "txt_split", "conflict", "lookup_failed")

NOERROR = "NOERROR"
NXDOMAIN = "NXDOMAIN"
ERROR = "ERROR"

# Separate TXT records tried as the pieces of one split value (every order of at most this many).
_MAX_SPLIT_PIECES = 6

_LABEL_RE = re.compile(r"^(?!-)[a-z0-9_-]{1,63}(?<!-)$")
_QUOTED_CHUNKS_RE = re.compile(r'^\s*("(?:[^"\\]|\\.)*"\s*)+$')
_QUOTED_CHUNK_RE = re.compile(r'"((?:[^"\\]|\\.)*)"')


class CheckInputError(ValueError):
    """A record given to the check is not usable; the message names the option."""


# -- answers ------------------------------------------------------------------------------------


class Answer:
    """One DNS answer, reduced to what the checks need.

    ``rcode`` is ``NOERROR``, ``NXDOMAIN`` or ``ERROR`` (then ``error`` says why). ``records`` is the
    answer section as ``(owner, type, value)`` tuples: ``owner`` lower case without the trailing dot,
    ``value`` a string, except for TXT where it is the tuple of the record's character-strings.
    ``zone`` is the owner of the SOA record in the authority section (the zone the name is in), if
    the server sent one.
    """

    def __init__(self, rcode=NOERROR, records=(), zone=None, error=None):
        self.rcode = rcode
        self.records = [(normalise_name(owner), rtype.upper(), value) for owner, rtype, value in records]
        self.zone = normalise_name(zone) if zone else None
        self.error = error

    def at(self, name, rtype):
        """Values of type ``rtype`` owned by ``name`` (not reached through a CNAME)."""
        return [value for owner, kind, value in self.records if owner == name and kind == rtype]

    def of_type(self, rtype):
        """``(owner, value)`` of every record of type ``rtype`` in the answer, whatever its owner."""
        return [(owner, value) for owner, kind, value in self.records if kind == rtype]

    def __repr__(self):
        return "Answer(%s, %r, zone=%r, error=%r)" % (self.rcode, self.records, self.zone, self.error)


def txt_text(value):
    """A TXT value (a string or the tuple of a record's strings) as one string, as DNS joins it."""
    if isinstance(value, (tuple, list)):
        return "".join(value)
    return value


def record(name, rtype, value):
    """A found record in the collection's shared shape; TXT records also list their strings."""
    if rtype == "TXT":
        strings = list(value) if isinstance(value, (tuple, list)) else [value]
        return {"name": name, "type": rtype, "value": "".join(strings), "strings": strings}
    return {"name": name, "type": rtype, "value": value}


# -- the real resolver ------------------------------------------------------------------------


class DNSPythonLookup:
    """``lookup(name, type)`` with dnspython against ``nameservers`` (or the system resolver)."""

    def __init__(self, nameservers=None, port=53, timeout=5.0):
        if nameservers:
            resolver = dns.resolver.Resolver(configure=False)
            resolver.nameservers = list(nameservers)
            resolver.port = port
        else:
            resolver = dns.resolver.Resolver()
        resolver.timeout = timeout
        # ``lifetime`` bounds one query over every server it tries.
        resolver.lifetime = timeout * max(1, len(resolver.nameservers))
        # Long DKIM keys need a bigger UDP answer than plain DNS allows; TC still falls back to TCP.
        resolver.use_edns(0, 0, 1232)
        self.resolver = resolver
        # After one query timed out, the servers are taken as unreachable: the remaining queries are not sent
        # (a dead nameserver would cost the timeout once per record), each answered with this error instead.
        self.unreachable = None
        self.skipped = 0

    @property
    def nameservers(self):
        return [str(server) for server in self.resolver.nameservers]

    @property
    def port(self):
        return self.resolver.port

    def __call__(self, name, rtype):
        qname = dns.name.from_text(name)  # absolute: no search domains
        if self.unreachable is not None:
            self.skipped += 1
            return Answer(ERROR, error="not asked: %s" % self.unreachable)
        try:
            answer = self.resolver.resolve(qname, rtype, raise_on_no_answer=False)
        except dns.resolver.NXDOMAIN as exc:
            responses = list((exc.kwargs.get("responses") or {}).values())
            return answer_from_message(responses[0] if responses else None, NXDOMAIN)
        except dns.resolver.NoNameservers as exc:
            return Answer(ERROR, error="no nameserver gave a usable answer (%s)" % exc)
        except dns.exception.Timeout:
            self.unreachable = "%s did not answer a query for %s %s within %ss" % (
                ", ".join(self.nameservers), name, rtype, self.resolver.lifetime)
            return Answer(ERROR, error="no answer within %ss" % self.resolver.lifetime)
        except dns.exception.DNSException as exc:
            return Answer(ERROR, error="%s: %s" % (type(exc).__name__, exc))
        return answer_from_message(answer.response, NOERROR)


def answer_from_message(message, rcode):
    if message is None:
        return Answer(rcode)
    records = []
    for rrset in message.answer:
        owner = rrset.name.to_text()
        rtype = dns.rdatatype.to_text(rrset.rdtype)
        for rdata in rrset:
            records.append((owner, rtype, rdata_value(rtype, rdata)))
    zone = None
    for rrset in message.authority:
        if rrset.rdtype == dns.rdatatype.SOA:
            zone = rrset.name.to_text()
    return Answer(rcode, records, zone=zone)


def rdata_value(rtype, rdata):
    if rtype == "TXT":
        return tuple(part.decode("utf-8", "replace") for part in rdata.strings)
    if rtype == "CNAME":
        return normalise_name(rdata.target.to_text())
    if rtype == "MX":
        return "%d %s" % (rdata.preference, normalise_name(rdata.exchange.to_text()))
    if rtype in ("A", "AAAA"):
        return rdata.address
    return rdata.to_text()


# -- expected records -------------------------------------------------------------------------


def validate_name(value, option):
    """A record name: fully qualified, labels may hold ``_`` (``_dmarc``, ``s1._domainkey``)."""
    name = normalise_name(value)
    if not name or "." not in name:
        raise CheckInputError("%s must be a fully qualified DNS name such as em123.example.com, got %r" % (option, value))
    if len(name) > 253:
        raise CheckInputError("%s must be at most 253 characters long, got %d" % (option, len(name)))
    for label in name.split("."):
        if not _LABEL_RE.match(label):
            raise CheckInputError("%s is not a valid DNS name: %r (label %r)" % (option, value, label))
    return name


def join_quoted_txt(value):
    """A TXT value written as quoted chunks (``"v=spf1 " "-all"``) means the joined string."""
    if _QUOTED_CHUNKS_RE.match(value):
        return "".join(chunk.replace('\\"', '"').replace("\\\\", "\\") for chunk in _QUOTED_CHUNK_RE.findall(value))
    return value


def parse_mx(value):
    """``(preference or None, exchange)`` of an MX value given as ``[preference ]exchange``."""
    parts = value.split()
    if len(parts) == 2 and parts[0].isdigit():
        return int(parts[0]), normalise_name(parts[1])
    if len(parts) == 1:
        return None, normalise_name(parts[0])
    return None, None


def check_resolver_options(params):
    """``nameservers`` (IP addresses), ``port`` and ``timeout`` of the DNS modules that ask resolvers, checked before
    any query; the nameservers in canonical form."""
    nameservers = []
    for server in params["nameservers"] or ():
        try:
            nameservers.append(str(ipaddress.ip_address(str(server).strip())))
        except ValueError:
            raise CheckInputError("nameservers must hold IP addresses, got %r" % (server,))
    if not 1 <= params["port"] <= 65535:
        raise CheckInputError("port must be between 1 and 65535, got %d" % params["port"])
    if not math.isfinite(params["timeout"]) or not 0 < params["timeout"] <= 3600:
        raise CheckInputError("timeout must be a finite number of seconds, more than 0 and at most 3600, got %s" % params["timeout"])
    return nameservers


def split_pending(records):
    """(records to work on, records whose ``value`` is null).

    A null value is one SendGrid assigns when it creates the object (a CNAME target, a DKIM key): check mode of a
    create knows the record's name and type but not its value. Such a record is neither published nor checked.
    """
    known, pending = [], []
    for item in records or ():
        if isinstance(item, dict) and "value" in item and item["value"] is None and item.get("name"):
            pending.append({"name": item["name"], "type": item.get("type"), "value": None})
        elif isinstance(item, dict) and item.get("value") is not None and not isinstance(item["value"], str):
            # The option is raw (so that a null stays null): anything else given is taken as its text.
            known.append(dict(item, value=str(item["value"])))
        else:
            known.append(item)
    return known, pending


def normalise_expected(item, index):
    """One item of ``records`` as a checked ``{name, type, value}``, or ``CheckInputError``."""
    option = "records[%d]" % index
    if not isinstance(item, dict):
        raise CheckInputError("%s must be a dict with name, type and value, got %r" % (option, item))
    for key in ("name", "type", "value"):
        if item.get(key) in (None, ""):
            raise CheckInputError("%s.%s is required" % (option, key))
    rtype = str(item["type"]).strip().upper()
    if rtype not in SUPPORTED_TYPES:
        raise CheckInputError("%s.type must be one of %s, got %r" % (option, ", ".join(SUPPORTED_TYPES), item["type"]))
    name = validate_name(item["name"], "%s.name" % option)
    value = str(item["value"]).strip()
    if rtype in ("A", "AAAA"):
        try:
            address = ipaddress.ip_address(value)
        except ValueError:
            raise CheckInputError("%s.value must be an IP address for a %s record, got %r" % (option, rtype, item["value"]))
        if (rtype == "A") != (address.version == 4):
            raise CheckInputError("%s.value %r is not an %s address" % (option, item["value"], "IPv4" if rtype == "A" else "IPv6"))
        value = str(address)
    elif rtype == "CNAME":
        value = validate_name(value, "%s.value" % option)
    elif rtype == "MX":
        preference, exchange = parse_mx(value)
        if exchange is None:
            raise CheckInputError("%s.value must be an MX exchange, optionally after its preference (10 mx.example.net), got %r" % (option, item["value"]))
        validate_name(exchange, "%s.value" % option)
        value = exchange if preference is None else "%d %s" % (preference, exchange)
    else:
        value = join_quoted_txt(str(item["value"]))
    return {"name": name, "type": rtype, "value": value}


# -- comparisons ------------------------------------------------------------------------------


def mx_matches(want, found):
    want_preference, want_exchange = parse_mx(want)
    preference, exchange = parse_mx(found)
    return exchange == want_exchange and (want_preference is None or preference == want_preference)


def address_matches(want, found):
    try:
        return ipaddress.ip_address(found) == ipaddress.ip_address(want)
    except ValueError:
        return False


def matches(rtype, want, found):
    if rtype == "TXT":
        return txt_text(found) == want
    if rtype == "MX":
        return mx_matches(want, found)
    if rtype in ("A", "AAAA"):
        return address_matches(want, found)
    return normalise_name(found) == want


def txt_kind(name, value):
    """``spf``, ``dmarc``, ``dkim`` or ``None``: the TXT records a name may hold only one of."""
    text = value.strip().lower()
    if text.startswith("v=spf1"):
        return "spf"
    if text.startswith("v=dmarc1"):
        return "dmarc"
    if text.startswith("v=dkim1") or ("._domainkey." in "." + name and "p=" in text):
        return "dkim"
    return None


def _squeeze(text):
    return re.sub(r"\s+", "", text)


def find_split(want, pieces):
    """Indexes of separate ``pieces`` whose concatenation (in some order) is ``want``, or ``None``."""
    pieces = list(pieces)[:_MAX_SPLIT_PIECES]

    def walk(rest, used):
        if not rest:
            return used if len(used) > 1 else None
        for index, piece in enumerate(pieces):
            if index not in used and piece and rest.startswith(piece):
                found = walk(rest[len(piece):], used + [index])
                if found:
                    return found
        return None

    return walk(want, [])


# -- the checker ------------------------------------------------------------------------------


class Checker:
    """Check expected records against ``lookup``; every (name, type) is asked at most once."""

    def __init__(self, lookup):
        self._lookup = lookup
        self._answers = {}
        self.queries = []

    def query(self, name, rtype):
        key = (name, rtype)
        if key not in self._answers:
            self.queries.append(key)
            self._answers[key] = self._lookup(name, rtype)
        return self._answers[key]

    # -- results --------------------------------------------------------------------------

    @staticmethod
    def _result(expected, status, problem, message, found=()):
        result = dict(expected)
        result.update(status=status, problem=problem, message=message, found=list(found))
        return result

    def check_all(self, records):
        """``(results, summary, ok)`` for a list of already normalised expected records."""
        results = [self.check(expected) for expected in records]
        summary: dict = {"total": len(results)}
        for status in STATUSES:
            summary[status] = sum(1 for item in results if item["status"] == status)
        problems: dict = {}
        for item in results:
            if item["problem"]:
                problems[item["problem"]] = problems.get(item["problem"], 0) + 1
        summary["problems"] = problems
        return results, summary, summary["found"] == summary["total"]

    def check(self, expected):
        name, rtype = expected["name"], expected["type"]
        answer = self.query(name, rtype)
        if answer.rcode == ERROR:
            return self._result(expected, "error", "lookup_failed", "could not look up %s %s: %s" % (rtype, name, answer.error))
        if rtype == "CNAME":
            return self._check_cname(expected, answer)
        aliases = answer.at(name, "CNAME")
        if aliases:
            return self._check_alias(expected, answer, aliases)
        own = answer.at(name, rtype)
        if own:
            return self._compare(expected, own)
        return self._missing(expected, answer)

    def _check_cname(self, expected, answer):
        name, want = expected["name"], expected["value"]
        targets = answer.at(name, "CNAME")
        found = [record(name, "CNAME", target) for target in targets]
        if len(set(targets)) > 1:
            return self._result(
                expected, "wrong_value", "conflict",
                "%s has %d different CNAME records (%s); a name holds at most one CNAME: keep only %s"
                % (name, len(set(targets)), ", ".join(sorted(set(targets))), want),
                found,
            )
        if targets:
            if targets[0] == want:
                return self._result(expected, "found", None, "CNAME %s -> %s is published" % (name, want), found)
            return self._result(expected, "wrong_value", "wrong_value", "CNAME %s points to %s instead of %s" % (name, targets[0], want), found)
        if answer.rcode == NOERROR:
            # The name exists but has no CNAME: flattened to addresses, or blocked by other records.
            addresses = []
            for kind in ("A", "AAAA"):
                other = self.query(name, kind)
                addresses += [record(name, kind, value) for value in other.at(name, kind)]
                if addresses:
                    break
            if addresses:
                return self._result(
                    expected, "wrong_value", "cname_flattened",
                    "%s answers %s records (%s) instead of the CNAME to %s: the CNAME is flattened or proxied "
                    "(for example Cloudflare's proxy). Publish it as a plain DNS-only CNAME"
                    % (name, addresses[0]["type"], ", ".join(item["value"] for item in addresses), want),
                    addresses,
                )
            others = []
            for kind in ("TXT", "MX"):
                others += [record(name, kind, value) for value in self.query(name, kind).at(name, kind)]
            if others:
                return self._result(
                    expected, "wrong_value", "conflict",
                    "%s holds %s records, so it cannot also have the CNAME to %s (a CNAME cannot share its name "
                    "with other records): remove them or use another name"
                    % (name, "/".join(sorted({item["type"] for item in others})), want),
                    others,
                )
        return self._missing(expected, answer)

    def _check_alias(self, expected, answer, aliases):
        """``name`` is a CNAME but a TXT/MX/A record is expected there."""
        name, rtype, want = expected["name"], expected["type"], expected["value"]
        found = [record(name, "CNAME", target) for target in aliases]
        through = answer.of_type(rtype)
        found += [record(owner, rtype, value) for owner, value in through]
        if any(matches(rtype, want, value) for _owner, value in through):
            return self._result(
                expected, "found", None,
                "%s is a CNAME to %s, which has the expected %s record" % (name, ", ".join(aliases), rtype),
                found,
            )
        return self._result(
            expected, "wrong_value", "conflict",
            "%s is a CNAME to %s, so it cannot hold its own %s record (a CNAME cannot share its name with other "
            "records; DNS servers drop or refuse the other records): remove the CNAME and publish the %s record"
            % (name, ", ".join(aliases), rtype, rtype),
            found,
        )

    def _compare(self, expected, own):
        name, rtype, want = expected["name"], expected["type"], expected["value"]
        found = [record(name, rtype, value) for value in own]
        shown = ", ".join(repr(item["value"]) if rtype == "TXT" else item["value"] for item in found)
        if rtype != "TXT":
            if any(matches(rtype, want, value) for value in own):
                return self._result(expected, "found", None, "%s %s %s is published" % (rtype, name, want), found)
            return self._result(expected, "wrong_value", "wrong_value", "%s %s has %s instead of %s" % (rtype, name, shown, want), found)

        kind = txt_kind(name, want)
        same_kind = [item for item in found if kind and txt_kind(name, item["value"]) == kind]
        if any(item["value"] == want for item in found):
            if len(same_kind) > 1:
                return self._conflicting_txt(expected, kind, same_kind, found)
            return self._result(expected, "found", None, "TXT %s is published with the expected value" % name, found)

        pieces = find_split(want, [item["value"] for item in found])
        changed_by_split = False
        if not pieces:
            pieces = find_split(_squeeze(want), [_squeeze(item["value"]) for item in found])
            changed_by_split = bool(pieces)
        if pieces:
            return self._result(
                expected, "wrong_value", "txt_split",
                "the TXT value of %s is published as %d separate TXT records%s; it must be one TXT record "
                "(a long value may be split into several strings inside that one record)"
                % (name, len(pieces), " (and the split also adds or drops spaces)" if changed_by_split else ""),
                found,
            )
        for item in found:
            if len(item["strings"]) > 1 and _squeeze(item["value"]) == _squeeze(want):
                return self._result(
                    expected, "wrong_value", "txt_split",
                    "the TXT record of %s is split into %d strings, which DNS joins without a separator, so its value "
                    "reads %r instead of %r: put the split where it does not add or drop spaces"
                    % (name, len(item["strings"]), item["value"], want),
                    found,
                )
        if len(same_kind) > 1:
            return self._conflicting_txt(expected, kind, same_kind, found)
        return self._result(expected, "wrong_value", "wrong_value", "TXT %s has %s instead of %r" % (name, shown, want), found)

    def _conflicting_txt(self, expected, kind, same_kind, found):
        label = {"spf": "SPF", "dmarc": "DMARC", "dkim": "DKIM"}[kind]
        return self._result(
            expected, "wrong_value", "conflict",
            "%s has %d %s TXT records; a name may publish only one (receivers treat several as an error): keep only %r"
            % (expected["name"], len(same_kind), label, expected["value"]),
            found,
        )

    def _missing(self, expected, answer):
        name, rtype, want = expected["name"], expected["type"], expected["value"]
        zone = answer.zone
        if not zone or not (name == zone or name.endswith("." + zone)):
            zone = ".".join(name.split(".")[-2:])
        doubled = "%s.%s" % (name, zone)
        if len(doubled) <= 253 and not name.endswith(".%s.%s" % (zone, zone)):
            other = self.query(doubled, rtype)
            if other.rcode == NOERROR:
                seen = [record(doubled, rtype, value) for value in other.at(doubled, rtype)]
                if rtype != "CNAME":
                    seen += [record(doubled, "CNAME", value) for value in other.at(doubled, "CNAME")]
                if seen:
                    return self._result(
                        expected, "missing", "zone_appended_twice",
                        "%s has no %s record but %s has one: the zone was appended twice. Enter the name without "
                        "%s in your DNS console (it adds the zone itself), or as a fully qualified name ending in a dot"
                        % (name, rtype, doubled, zone),
                        seen,
                    )
        why = "does not exist" if answer.rcode == NXDOMAIN else "has no %s record" % rtype
        return self._result(expected, "missing", "missing", "%s %s (expected %s %s)" % (name, why, rtype, want))
