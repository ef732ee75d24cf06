# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Input validation, before the first request: each check raises ``InputError`` naming the option (or keeps a
note in ``NOTES`` for the runner to say as a warning).

PRIVATE: internal to the mailops.sendgrid collection, not a public API.
"""

from __future__ import annotations

import ipaddress
import math
import re
from urllib.parse import urlsplit

from ansible_collections.mailops.sendgrid.plugins.module_utils._api import EU_API_URL, GLOBAL_API_URL, api_url_for, header_value_problem
from ansible_collections.mailops.sendgrid.plugins.module_utils._errors import InputError


_LABEL_RE = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def validate_ipv4(value, option):
    """Return the IPv4 address in canonical form, or raise naming the option."""
    if not isinstance(value, str) or not value.strip():
        raise InputError("%s must be an IPv4 address, got %r" % (option, value))
    try:
        address = ipaddress.IPv4Address(value.strip())
    except ValueError:
        raise InputError("%s must be an IPv4 address, got %r" % (option, value))
    return str(address)


# What input validation changed and the user should know, said as warnings by the runner (internationalized names).
NOTES: list = []


def validate_domain(value, option, allow_single_label=False):
    """Return the DNS name lower-cased without a trailing dot, or raise naming the option.

    An internationalized name (``bücher.example``) is converted to its ASCII form (``xn--bcher-kva.example``) with
    Python's standard ``idna`` codec, as SendGrid and DNS need it; a warning says so.
    """
    if not isinstance(value, str) or not value.strip():
        raise InputError("%s must be a DNS name, got %r" % (option, value))
    name = value.strip().lower()
    if not name.isascii():
        try:
            ascii_name = name.rstrip(".").encode("idna").decode("ascii")
        except UnicodeError as exc:
            raise InputError("%s is not a valid internationalized DNS name: %r (%s)" % (option, value, exc))
        NOTES.append("%s %r is an internationalized name: used in its ASCII form %s, as DNS and SendGrid need it" % (option, value, ascii_name))
        name = ascii_name
    if name.endswith("."):
        name = name[:-1]
    if len(name) > 253:
        raise InputError("%s must be at most 253 characters long, got %d" % (option, len(name)))
    labels = name.split(".")
    if not allow_single_label and len(labels) < 2:
        raise InputError("%s must be a fully qualified DNS name such as example.com, got %r" % (option, value))
    for label in labels:
        if len(label) > 63:
            raise InputError("%s has a label longer than 63 characters: %r" % (option, label))
        if not _LABEL_RE.match(label):
            raise InputError("%s is not a valid DNS name: %r (label %r)" % (option, value, label))
    return name


def validate_subdomain(value, option):
    """A subdomain may have dots (``mail.eu``) but is not a fully qualified name."""
    return validate_domain(value, option, allow_single_label=True)


def validate_username(value, option, must="be a username"):
    """A subuser's username (no blanks inside), or raise naming the option."""
    if not isinstance(value, str) or not value.strip() or any(c.isspace() for c in value.strip()):
        raise InputError("%s must %s without spaces, got %r" % (option, must, value))
    return value.strip()


# Deliberately loose: SendGrid decides what it accepts; this only catches what cannot be an address at all.
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")


def validate_email(value, option):
    """An email address (stripped), or raise naming the option."""
    address = value.strip() if isinstance(value, str) else ""
    if not _EMAIL_RE.match(address):
        raise InputError("%s must be an email address such as dns-team@example.com, got %r" % (option, value))
    return address


def validate_length(value, option, maximum, minimum=1):
    if value is None or not (minimum <= len(value) <= maximum):
        raise InputError("%s must be %d to %d characters long, got %d" % (option, minimum, maximum, len(value or "")))
    return value


# validate_delay below this would send SendGrid validation requests as fast as it answers (0 sent ~490 a second).
MIN_VALIDATE_DELAY = 0.1


# Upper bounds for the time options: far beyond any sensible value, low enough to catch a unit mistake
# (milliseconds given as seconds).
MAX_TIMEOUT = 3600.0


MAX_WAIT = 86400.0


def check_number(params, option, minimum, maximum, above_minimum=False):
    """A finite number within ``[minimum, maximum]`` (``(minimum, maximum]`` with ``above_minimum``), or raise naming the option.

    Ansible's ``float`` type lets ``nan`` and ``inf`` through, and every comparison with NaN is false: a
    NaN timeout would never end a loop.
    """
    value = params.get(option)
    if value is None:
        return
    if not math.isfinite(value):
        raise InputError("%s must be a finite number of seconds, got %s" % (option, value))
    if value < minimum or (above_minimum and value == minimum) or value > maximum:
        raise InputError(
            "%s must be %s %s and at most %s seconds, got %s"
            % (option, "more than" if above_minimum else "at least", _number(minimum), _number(maximum), _number(value))
        )


def _number(value):
    return "%d" % value if float(value).is_integer() else "%s" % value


def check_validation_options(params):
    """The options of ``validation_argument_spec()``, when the module has them."""
    check_number(params, "validate_timeout", 0, MAX_WAIT)
    check_number(params, "validate_delay", MIN_VALIDATE_DELAY, MAX_WAIT)


def raw_params():
    """The task's arguments as Ansible passed them, before its type conversions (``{}`` if unavailable)."""
    try:
        from ansible.module_utils.basic import _load_params  # pylint: disable=import-outside-toplevel

        raw = _load_params()
    except Exception:  # pylint: disable=broad-exception-caught
        return {}
    return raw if isinstance(raw, dict) else {}


def check_string_options(spec, raw):
    """Ansible turns a list or a mapping given to a ``str`` option into its Python text: refuse it instead."""
    for name, option in spec.items():
        value = raw.get(name)
        if option.get("type", "str") == "str" and isinstance(value, (list, dict)):
            raise InputError("%s must be a string, got a %s: %r" % (name, "list" if isinstance(value, list) else "mapping", value))
        if option.get("type") == "list" and option.get("elements") == "str" and isinstance(value, list):
            for item in value:
                if isinstance(item, (list, dict)):
                    raise InputError("%s must be a list of strings, got an item that is a %s: %r" % (name, type(item).__name__, item))


def check_connection_options(params):
    """The connection options, checked before any request (Ansible only checks their types)."""
    api_key = params.get("api_key")
    if api_key is None:
        raise InputError(
            "api_key is not set: give the api_key option (for example through module_defaults for "
            "group/mailops.sendgrid.sendgrid) or the SENDGRID_API_KEY environment variable (the AWX credential type sets it)"
        )
    if api_key is not None and not api_key.strip():
        raise InputError("api_key is empty: set it, or the SENDGRID_API_KEY environment variable, to a SendGrid API key")
    if api_key is not None:
        # Never the value, in no form: only what is wrong with it.
        problem = header_value_problem(api_key.strip())
        if problem:
            raise InputError(
                "api_key %s (blanks and line breaks around it are ignored): it is not a SendGrid API key; "
                "check the api_key option or the SENDGRID_API_KEY environment variable" % problem
            )
    api_url = params.get("api_url")
    if api_url is not None and not api_url.strip():
        # An empty SENDGRID_API_URL (an AWX credential whose optional URL was left empty) means "not set".
        params["api_url"] = api_url = None
    if api_url is not None:
        parts = urlsplit(api_url.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise InputError(
                "api_url must be an http:// or https:// URL such as https://api.sendgrid.com, got %r "
                "(omit it, and SENDGRID_API_URL, to use data_residency)" % api_url
            )
    if api_url is not None and params.get("data_residency") == "eu" and urlsplit(api_url.strip()).hostname == urlsplit(GLOBAL_API_URL).hostname:
        raise InputError(
            "data_residency=eu with api_url %s (SENDGRID_API_URL): EU accounts are served by %s only. Drop api_url "
            "(and SENDGRID_API_URL) to let data_residency choose, or set data_residency=global" % (api_url, EU_API_URL)
        )
    on_behalf_of = params.get("on_behalf_of")
    if on_behalf_of is not None and not on_behalf_of.strip():
        raise InputError("on_behalf_of is empty: give a subuser's username or 'account-id <id>', or omit it for the account of the key")
    if on_behalf_of is not None:
        problem = header_value_problem(on_behalf_of.strip(), spaces=True)
        if problem:
            raise InputError("on_behalf_of %s, got %r: give a subuser's username or 'account-id <id>'" % (problem, on_behalf_of))
    check_number(params, "timeout", 0, MAX_TIMEOUT, above_minimum=True)
    check_number(params, "rate_limit_timeout", 0, MAX_WAIT)


def serves_eu_only(params):
    """True when the module talks to SendGrid's EU host, which serves EU subusers only."""
    url = api_url_for(params.get("api_url"), params.get("data_residency"))
    return urlsplit(url.strip()).hostname == urlsplit(EU_API_URL).hostname
