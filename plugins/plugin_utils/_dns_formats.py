# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Record sets in and out of other tools' shapes: Route 53's record sets and octoDNS's zone files (controller side).

The collection's own shape is ``{name, type, values, ttl?}``: names lower case without the trailing dot, TXT values as
the joined text (not quoted), CNAME targets and MX exchanges without the trailing dot; what ``sendgrid_dns_publish``
reads and returns.
"""

from __future__ import annotations

import re

from ansible_collections.mailops.sendgrid.plugins.module_utils._records import normalise_name

_QUOTED_RE = re.compile(r'"((?:[^"\\]|\\.)*)"')
_ESCAPE_RE = re.compile(r"\\([0-7]{3}|.)")
TXT_STRING_MAX = 255


class FormatError(ValueError):
    """Input a converter cannot read; the message says which item and why."""


def _unescape(text):
    # Route 53 writes special characters as three-digit *octal* codes (\052 is "*"), in names and in TXT values.
    return _ESCAPE_RE.sub(lambda match: chr(int(match.group(1), 8)) if match.group(1).isdigit() else match.group(1), text)


def unquote_txt(value):
    """A TXT value as DNS providers write it (``"v=spf1 " "-all"``, escapes inside) as the text it holds."""
    text = str(value).strip()
    if not text.startswith('"'):
        return text
    return "".join(_unescape(part) for part in _QUOTED_RE.findall(text))


def quote_txt(text):
    """``text`` as a TXT value for Route 53: quoted strings of at most 255 characters, quotes and backslashes escaped."""
    chunks = [text[at:at + TXT_STRING_MAX] for at in range(0, len(text), TXT_STRING_MAX)] or [""]
    return " ".join('"%s"' % chunk.replace("\\", "\\\\").replace('"', '\\"') for chunk in chunks)


def _name(value):
    # Route 53 writes "*" as \052 and other special characters as octal escapes.
    return normalise_name(_unescape(str(value or "")))


def _field(item, snake, camel):
    return item.get(snake, item.get(camel))


def from_route53(record_sets):
    """Route 53 record sets (``route53_info``'s ``resource_record_sets``, snake_case or CamelCase) in the collection's
    shape. An alias record has no values of its own; it is kept as ``ALIAS <target>`` so that a CNAME planned at its
    name is seen as a conflict."""
    if not isinstance(record_sets, list):
        raise FormatError("expected the list of Route 53 record sets (resource_record_sets), got %s" % type(record_sets).__name__)
    result = []
    for index, item in enumerate(record_sets):
        if not isinstance(item, dict) or not _field(item, "name", "Name") or not _field(item, "type", "Type"):
            raise FormatError("record set %d has no name or type: %r" % (index, item))
        rtype = str(_field(item, "type", "Type")).upper()
        alias = _field(item, "alias_target", "AliasTarget")
        if alias:
            values = ["ALIAS " + _name(_field(alias, "dns_name", "DNSName"))]
        else:
            values = []
            for record in _field(item, "resource_records", "ResourceRecords") or []:
                value = str(_field(record, "value", "Value"))
                if rtype in ("TXT", "SPF"):
                    value = unquote_txt(value)
                elif rtype == "CNAME":
                    value = _name(value)
                elif rtype == "MX":
                    parts = value.split()
                    value = "%s %s" % (parts[0], _name(parts[-1])) if len(parts) == 2 else value
                values.append(value)
        entry = {"name": _name(_field(item, "name", "Name")), "type": rtype, "values": values}
        ttl = _field(item, "ttl", "TTL")
        if ttl is not None:
            entry["ttl"] = int(ttl)
        result.append(entry)
    return result


def to_route53(values, rtype):
    """The values of one record set as ``amazon.aws.route53`` takes them in ``value``."""
    rtype = str(rtype).upper()
    if isinstance(values, str):
        values = [values]
    if rtype in ("TXT", "SPF"):
        return [quote_txt(value) for value in values]
    return [str(value) for value in values]


def hosted_zone_for(domain, zones, private=False):
    """The hosted zone ``domain`` is in: the one with the longest name that is ``domain`` or one of its parents (a sender
    ``mail.example.co.uk`` in ``example.co.uk``, never ``co.uk``). ``zones`` is ``route53_info``'s hosted zone list.
    Public zones only unless ``private``; ``{id, name}`` with the id without its ``/hostedzone/`` prefix."""
    name = _name(domain)
    candidates = []
    for zone in zones or []:
        zone_name = _name(_field(zone, "name", "Name"))
        config = _field(zone, "config", "Config") or {}
        is_private = bool(_field(config, "private_zone", "PrivateZone"))
        if is_private != bool(private):
            continue
        if name == zone_name or name.endswith("." + zone_name):
            candidates.append((len(zone_name), zone_name, str(_field(zone, "id", "Id")).rsplit("/", maxsplit=1)[-1]))
    if not candidates:
        raise FormatError("no %s Route 53 hosted zone holds %s (zones: %s); create it, or set sender_setup_route53_zone_id"
                          % ("private" if private else "public", name, ", ".join(sorted(_name(_field(z, "name", "Name")) for z in zones or [])) or "none"))
    longest = max(candidate[0] for candidate in candidates)
    chosen = [candidate for candidate in candidates if candidate[0] == longest]
    if len(chosen) > 1:
        raise FormatError("%d %s hosted zones are named %s (%s): set sender_setup_route53_zone_id to the one to publish into"
                          % (len(chosen), "private" if private else "public", chosen[0][1], ", ".join(sorted(c[2] for c in chosen))))
    return {"id": chosen[0][2], "name": chosen[0][1]}


def _sets(records):
    """Record sets from record sets or from single records (``{name, type, value}``), values in first-seen order."""
    sets: dict = {}
    for index, item in enumerate(records or []):
        if not isinstance(item, dict) or not item.get("name") or not item.get("type"):
            raise FormatError("record %d has no name or type: %r" % (index, item))
        values = item["values"] if "values" in item else [item.get("value")]
        entry = sets.setdefault((_name(item["name"]), str(item["type"]).upper()), {"values": [], "ttl": item.get("ttl")})
        for value in values:
            if value is not None and value not in entry["values"]:
                entry["values"].append(value)
    return sets


def _octodns_value(rtype, value):
    if rtype == "CNAME":
        return _name(value) + "."
    if rtype == "MX":
        parts = str(value).split()
        preference, exchange = (parts[0], parts[1]) if len(parts) == 2 else ("10", parts[0])
        return {"preference": int(preference), "exchange": _name(exchange) + "."}
    if rtype == "TXT":
        # octoDNS takes ';' as the end of a value unless escaped (DMARC and DKIM records are full of them).
        return str(value).replace("\\", "\\\\").replace(";", "\\;")
    return str(value)


def octodns_zone(records, zone, ttl=3600):
    """The records as an octoDNS zone file's content (``{relative name: record or [records]}``), for ``zone``."""
    zone_name = _name(zone)
    if not zone_name:
        raise FormatError("the zone is empty")
    content: dict = {}
    outside = []
    for (name, rtype), entry in _sets(records).items():
        if not entry["values"]:
            continue  # a value SendGrid has not assigned yet (check mode of a create)
        if name != zone_name and not name.endswith("." + zone_name):
            outside.append(name)
            continue
        relative = "" if name == zone_name else name[: -len(zone_name) - 1]
        values = [_octodns_value(rtype, value) for value in entry["values"]]
        record: dict = {"type": rtype, "ttl": int(entry["ttl"] or ttl)}
        if rtype == "CNAME":
            record["value"] = values[0]
        else:
            record["values"] = sorted(values, key=str) if rtype != "MX" else values
        content.setdefault(relative, []).append(record)
    if outside:
        raise FormatError("%s %s not in the zone %s" % (", ".join(sorted(set(outside))), "is" if len(set(outside)) == 1 else "are", zone_name))
    return {name: records[0] if len(records) == 1 else sorted(records, key=lambda r: r["type"]) for name, records in sorted(content.items())}
