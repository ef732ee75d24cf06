# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The Subusers API as far as the collection uses it: ``GET /v3/subusers`` (modules list subusers to find
associations to remove) and ``PUT /v3/subusers/{subuser_name}/ips`` (the subuser's whole IP list is replaced by the
body). Subusers themselves are created through the control API."""

from __future__ import annotations

import ipaddress

from .routing import Request, Response, Route, paginate
from .state import bad_request, forbidden, not_found

REGIONS = ("all", "global", "eu")


def subuser_to_associate(req: Request, username):
    """The subuser a domain or link association names: only the parent associates, and the subuser must exist."""
    if not req.account.is_parent:
        raise forbidden()
    if not isinstance(username, str) or not username:
        raise bad_request("username is required", "username")
    account = req.store.subuser(username)
    if account is None:
        raise not_found(f"subuser {username} not found", "username")
    return account


def render(account, include_region: bool) -> dict:
    body = {"id": account.user_id, "username": account.username,
            "email": f"{account.username}@example.com" if "@" not in account.username
            else account.username,
            "disabled": False}
    if include_region:
        body["region"] = account.region
    return body


def list_all(req: Request) -> Response:
    if not req.account.is_parent:
        raise forbidden()
    limit = req.int_arg("limit")
    offset = req.int_arg("offset", 0, minimum=0)
    region = req.arg("region", "all")
    if region not in REGIONS:
        raise bad_request("region must be one of: all, global, eu", "region")
    username = req.arg("username")
    found = [a for a in req.store.accounts.values() if not a.is_parent]
    if username:
        found = [a for a in found if a.username == username]
    if region != "all":
        found = [a for a in found if a.region == region]
    found.sort(key=lambda a: a.user_id)
    include_region = req.bool_arg("include_region")
    return Response(200, [render(a, include_region) for a in paginate(found, limit, offset)])


def assign_ips(req: Request) -> Response:
    """Replace the subuser's IPs with the body's list (SendGrid's documented semantics: the whole list).

    Guesses where SendGrid's docs are silent: an unknown subuser is a 404, an IP that is not the account's or not an
    IPv4 address is a 400, and an empty list is refused (a subuser without IPs cannot send).
    """
    store = req.store
    if not req.account.is_parent:
        raise forbidden()
    subuser = store.subuser(req.params["subuser_name"])
    if subuser is None:
        raise not_found("subuser not found", "subuser_name")
    body = req.body
    if not isinstance(body, list) or not body:
        raise bad_request("request body must be a non-empty JSON array of IP addresses")
    wanted = []
    for item in body:
        try:
            address = str(ipaddress.IPv4Address(str(item)))
        except ValueError:
            raise bad_request("%r is not an IPv4 address" % (item,), "ips")
        if address not in store.ips:
            raise bad_request("ip %s does not belong to this user" % address, "ips")
        if address not in wanted:
            wanted.append(address)
    with store.lock:
        for record in store.ips.values():
            if record.ip in wanted and subuser.username not in record.subusers:
                record.subusers.append(subuser.username)
            elif record.ip not in wanted and subuser.username in record.subusers:
                record.subusers.remove(subuser.username)
    return Response(200, {"ips": sorted(wanted, key=ipaddress.IPv4Address)})


ROUTES = [
    Route("GET", "/v3/subusers", list_all, "subusers.read"),
    Route("PUT", "/v3/subusers/{subuser_name}/ips", assign_ips, "subusers.update"),
]
