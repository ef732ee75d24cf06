# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Dialects: the other plausible behaviours of SendGrid where its documentation is silent.

The simulator answers with one guess for every undocumented behaviour (the default dialect). A dialect switches
one of those guesses to its alternative, so that tests can show the modules are right under each of them. Each
is set with ``--dialect`` at start-up or ``POST /_simulator/dialect`` at run time, alone or all together
(``all``); the README lists each with the public evidence for it.
"""

from __future__ import annotations

# name -> (the value ``all`` sets, what it does)
DIALECTS = {
    "page_cap": (50, "every list page holds at most N items, whatever limit asks (SendGrid documents no maximum)"),
    "no_echo": (True, "objects do not echo region (domains, links) nor subusers (domains)"),
    "ips_empty_on_create": (True, "the answer to creating a domain with ips has ips: [] (they show up on the next read)"),
    "root_spf": (True, "automatic-security domains carry an extra spf TXT record at the domain itself, and validation an spf result"),
    "ptr_naming": (True, "reverse DNS without a subdomain is named o<n>.ptr<nnn>.<domain>, its subdomain then ptr<nnn>"),
    "alt_errors": (True, "other wordings of the undocumented error texts (already in pool, already associated, duplicate pool)"),
    "validation_lag": (2, "validation answers invalid for the first K requests of an object, records published or not"),
    "per_minute": (True, "rate-limit windows of a minute: X-RateLimit-Reset is the next minute (epoch seconds)"),
}


def parse(text):
    """``--dialect`` text (``all``, or ``name[=value],...``) as a ``{name: value}`` mapping; ``ValueError`` when bad."""
    chosen = {}
    for part in (text or "").split(","):
        part = part.strip()
        if not part:
            continue
        if part == "all":
            chosen.update({name: value for name, (value, _what) in DIALECTS.items()})
            continue
        name, _sep, raw = part.partition("=")
        chosen.update(check({name: raw if raw else True}))
    return chosen


def check(values):
    """A dialect mapping from JSON or the command line, checked: known names, positive integers where counted."""
    if not isinstance(values, dict):
        raise ValueError("the dialect is a JSON object of {name: value}")
    checked = {}
    for name, value in values.items():
        if name not in DIALECTS:
            raise ValueError("unknown dialect %r (known: %s, or all)" % (name, ", ".join(DIALECTS)))
        default = DIALECTS[name][0]
        if value in (False, None, 0, "0", "false"):
            continue
        if isinstance(default, bool):
            checked[name] = True
            continue
        try:
            number = default if value is True else int(value)
        except (TypeError, ValueError):
            raise ValueError("dialect %s takes a positive integer, got %r" % (name, value)) from None
        if number < 1:
            raise ValueError("dialect %s takes a positive integer, got %r" % (name, value))
        checked[name] = number
    return checked


# The wordings alt_errors answers with instead of the default ones.
ALT_ERRORS = {
    "already_in_pool": "IP address {ip} is already assigned to the pool {pool}",
    "duplicate_pool": "A pool with the name {name} exists already",
    "already_associated": "The subuser {username} already has this domain",
    "rdns_exists": "IP {ip} already has reverse DNS set up",
}
