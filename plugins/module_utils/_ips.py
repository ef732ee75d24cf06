# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What the IP modules share: sendgrid_ip/sendgrid_ip_info (the IP object) and sendgrid_ip_pool/sendgrid_ip_pool_info (pools).

PRIVATE: this module is internal to the mailops.sendgrid collection. It is not a public API and may
change in any release without notice. Do not import it from other collections.
"""

from __future__ import annotations

from ansible_collections.mailops.sendgrid.plugins.module_utils._api import api_path
from ansible_collections.mailops.sendgrid.plugins.module_utils._compare import sorted_ips
from ansible_collections.mailops.sendgrid.plugins.module_utils._errors import InputError
from ansible_collections.mailops.sendgrid.plugins.module_utils._validators import validate_length

IPS_PATH = "/v3/ips"
POOLS_PATH = "/v3/ips/pools"
POOL_NAME_MAX = 64
PAGE_SIZE = 500


def list_ips(client, query=None):
    """Every IP of the account (every page of ``GET /v3/ips``), as the API answers them."""
    return client.paginate(IPS_PATH, query=query, limit=PAGE_SIZE)


def normalise_ip(item):
    """One IP as the API describes it, with stable list orders and every key present.

    ``whitelabeled`` is ``None`` when the answer does not say (the assigned list) and the IP has no reverse DNS.
    """
    rdns = item.get("rdns") or None
    whitelabeled = item.get("whitelabeled")
    return {
        "ip": item.get("ip"),
        "pools": sorted(item.get("pools") or ()),
        "warmup": bool(item.get("warmup")),
        "start_date": item.get("start_date"),
        "rdns": rdns,
        "whitelabeled": bool(whitelabeled) if whitelabeled is not None else (True if rdns else None),
        "subusers": list(item.get("subusers") or ()),
    }


def validate_pool_name(value, option):
    """A pool name SendGrid can hold and a path can carry, or raise ``InputError`` naming the option.

    ``.`` and ``..`` survive percent-encoding and would turn ``/v3/ips/pools/{name}`` into another endpoint
    (``/v3/ips/pools`` or ``/v3/ips``); control characters cannot be a name.
    """
    validate_length(value, option, POOL_NAME_MAX)
    if value.strip() in (".", ".."):
        raise InputError("%s cannot be %r: that is not a pool name but a path step" % (option, value))
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise InputError("%s must not contain control characters (line breaks, tabs), got %r" % (option, value))
    return value


def pool_path(name, *rest):
    return api_path(POOLS_PATH, name, *rest)


def ip_path(*steps):
    """``/v3/ips/{ip}``, ``/v3/ips/warmup/{ip}``."""
    return api_path(IPS_PATH, *steps)


def read_pool(client, name):
    """The pool ``{name, ips}`` (the options of sendgrid_ip_pool), or ``None`` when there is no such pool."""
    pool = client.get(pool_path(name), not_found_ok=True, expect=dict)
    return None if pool is None else {"name": pool.get("pool_name") or name, "ips": sorted_ips(pool.get("ips"))}
