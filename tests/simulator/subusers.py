# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The read side of the Subusers API (``GET /v3/subusers``): modules list subusers to find
associations to remove. Subusers themselves are created through the control API."""

from __future__ import annotations

from .routing import Request, Response, Route, paginate
from .state import bad_request, forbidden

REGIONS = ("all", "global", "eu")


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


ROUTES = [Route("GET", "/v3/subusers", list_all, "subusers.read")]
