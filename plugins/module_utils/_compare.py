# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Comparing what the account has with what the options want: one numeric IP order, the items still missing.

PRIVATE: internal to the mailops.sendgrid collection, not a public API.
"""

from __future__ import annotations

import ipaddress


def ip_sort_key(ip):
    """The one IP order of the collection: numeric (``.9`` before ``.10`` before ``.100``); anything else after."""
    try:
        return (0, int(ipaddress.ip_address(ip)))
    except ValueError:
        return (1, str(ip))


def missing_items(have, want):
    """Items of ``want`` not in ``have``, in ``want``'s order, without duplicates."""
    have = set(have or ())
    seen = set()
    result = []
    for item in want or ():
        if item not in have and item not in seen:
            result.append(item)
            seen.add(item)
    return result


def sorted_ips(values):
    """IPs without duplicates, in numeric order: strings (the spec) or ``{"ip": ...}`` objects (older answers)."""
    ips = {value if isinstance(value, str) else (value or {}).get("ip") for value in values or ()}
    return sorted((ip for ip in ips if ip), key=ip_sort_key)
