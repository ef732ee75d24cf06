# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""DNS records in the collection's one shape (``{name, type, value}``), from SendGrid's ``dns`` objects.

PRIVATE: internal to the mailops.sendgrid collection, not a public API.
"""

from __future__ import annotations


def normalise_name(value):
    """A DNS name as the collection compares it: lower case, without surrounding blanks and the trailing dot."""
    return str(value or "").strip().rstrip(".").lower()


def normalise_dns_records(dns):
    """SendGrid's ``dns`` mapping (``{key: {type, host, data, valid}}``) as ``[{name, type, value}]``.

    ``name`` is fully qualified without the trailing dot, ``type`` upper case. The order is the
    API's key order, so it is stable between runs.
    """
    records = []
    for record in (dns or {}).values():
        if not isinstance(record, dict) or not record.get("host"):
            continue
        records.append(dns_record(record["host"], record.get("type"), record.get("data")))
    return records


def dns_record(name, record_type, value):
    return {
        "name": (name or "").rstrip(".").lower(),
        "type": (record_type or "").upper(),
        "value": value or "",
    }
