# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Link branding, formerly "link whitelabel" (``/v3/whitelabel/links...``).

Links are strictly scoped to the account they were created in. The list takes only
``limit``: there is no offset, so the largest allowed page must hold every link an
account can have (SendGrid documents at most 3,000 link brandings per user).
"""

from __future__ import annotations

from .dns import check_record
from .routing import (Request, Response, Route, optional_bool, optional_subdomain, paginate, parse_id,
                      reject_unknown_fields, require_domain)
from .state import LAG_REASON, ApiError, Link, Store, bad_request, dialect, lagging, make_default, not_found, now
from .subusers import subuser_to_associate

MAX_LIST_LIMIT = 3000
REGIONS = ("us", "eu")
SENDGRID_TARGET = "sendgrid.net"
# SendGrid serves EU regional links from eu.sendgrid.net; both CNAMEs point there.
TARGETS = {"us": SENDGRID_TARGET, "eu": "eu." + SENDGRID_TARGET}


def _missing() -> ApiError:
    return not_found("branded link not found")


def generated_subdomain(link_id: int) -> str:
    """``url`` + digits, derived from the id so a rerun produces the same names."""
    return f"url{(link_id * 7919) % 9000 + 1000}"


def dns_records(store: Store, link: Link) -> dict:
    user_id = store.user_id(link.account)
    target = TARGETS.get(link.region, SENDGRID_TARGET)
    return {
        "domain_cname": ("cname", f"{link.subdomain}.{link.domain}", target),
        "owner_cname": ("cname", f"{user_id}.{link.domain}", target),
    }


def render(store: Store, link: Link) -> dict:
    owner = store.accounts[link.account]
    body = {
        "id": link.id,
        "domain": link.domain,
        "subdomain": link.subdomain,
        "username": owner.username,
        "user_id": owner.user_id,
        "default": link.default,
        "valid": link.valid,
        "legacy": link.legacy,
        "dns": {key: {"valid": link.record_valid.get(key, False), "type": rtype, "host": host,
                      "data": data}
                for key, (rtype, host, data) in dns_records(store, link).items()},
    }
    if link.last_validation_attempt_at is not None:
        body["last_validation_attempt_at"] = link.last_validation_attempt_at
    return body


def sendgrid_fallback(store: Store, username: str) -> dict:
    """What the default endpoint answers when the account has no usable branded link:
    SendGrid's own link domain (documented as e.g. 100.ct.sendgrid.net)."""
    owner = store.accounts[username]
    host = f"100.ct.{SENDGRID_TARGET}"
    return {"id": 0, "domain": SENDGRID_TARGET, "subdomain": "100.ct",
            "username": owner.username, "user_id": owner.user_id, "default": True,
            "valid": True, "legacy": False,
            "dns": {"domain_cname": {"valid": True, "type": "cname", "host": host,
                                     "data": SENDGRID_TARGET}}}


def _link(req: Request, key: str = "id") -> Link:
    link = req.store.links.get(parse_id(req.params[key], _missing))
    if link is None or link.account != req.account.username:
        raise _missing()
    return link


def create(req: Request) -> Response:
    store, body = req.store, req.json()
    domain = require_domain(body.get("domain"))
    subdomain = optional_subdomain(body.get("subdomain"))
    region = body.get("region", "us")
    if region not in REGIONS:
        raise bad_request("region must be one of: us, eu", "region")
    owned = sum(1 for link in store.links.values() if link.account == req.account.username)
    if owned >= int(store.config.get("max_links", MAX_LIST_LIMIT)):
        raise bad_request("you have reached the maximum number of branded links")
    link_id = store.new_link_id()
    link = Link(link_id, req.account.username, domain, subdomain or generated_subdomain(link_id),
                False, region)
    store.links[link.id] = link
    if optional_bool(body, "default", False):
        make_default(store.links.values(), link)
    return Response(201, render(store, link))


def list_all(req: Request) -> Response:
    limit = req.int_arg("limit", minimum=1)
    if limit is not None and limit > MAX_LIST_LIMIT:
        raise bad_request(f"limit must be at most {MAX_LIST_LIMIT}", "limit")
    links = sorted((link for link in req.store.links.values()
                    if link.account == req.account.username), key=lambda link: link.id)
    cap = dialect(req.store, "page_cap")
    # offset is not documented here and is ignored, as SendGrid ignores unknown parameters; a server that caps its
    # pages must page, so under page_cap it is honoured.
    offset = req.int_arg("offset", 0, minimum=0) if cap else 0
    return Response(200, [render(req.store, link) for link in paginate(links, limit, offset, cap)])


def get(req: Request) -> Response:
    return Response(200, render(req.store, _link(req)))


def update(req: Request) -> Response:
    link = _link(req)
    body = req.json()
    reject_unknown_fields(body, {"default"})
    if "default" in body:
        if optional_bool(body, "default", link.default):
            make_default(req.store.links.values(), link)
        else:
            link.default = False
    return Response(200, render(req.store, link))


def delete(req: Request) -> Response:
    link = _link(req)
    del req.store.links[link.id]
    for account in req.store.accounts.values():
        if account.link_assoc == link.id:
            account.link_assoc = None
    return Response(204)


def get_default(req: Request) -> Response:
    """Per SendGrid's docs: a validated link marked default, then a legacy link, then
    SendGrid's own; with ``domain``, a validated link for that domain comes first."""
    own = sorted((link for link in req.store.links.values()
                  if link.account == req.account.username), key=lambda link: link.id)
    wanted = (req.arg("domain") or "").strip().rstrip(".").lower()
    if wanted:
        matching = [link for link in own if link.domain == wanted and link.valid]
        chosen = next((link for link in matching if link.default), None)
        chosen = chosen or (matching[0] if matching else None)
        if chosen is not None:
            return Response(200, render(req.store, chosen))
    chosen = next((link for link in own if link.default and link.valid), None)
    chosen = chosen or next((link for link in own if link.legacy), None)
    if chosen is not None:
        return Response(200, render(req.store, chosen))
    return Response(200, sendgrid_fallback(req.store, req.account.username))


def validate(req: Request) -> Response:
    link = _link(req)
    results = {}
    lag = lagging(req.store, "link", link.id)
    for key, (rtype, host, data) in dns_records(req.store, link).items():
        valid, reason = (False, LAG_REASON) if lag else check_record(req.resolver, rtype, host, data)
        link.record_valid[key] = valid
        results[key] = {"valid": valid, "reason": reason}
    link.valid = all(r["valid"] for r in results.values())
    link.last_validation_attempt_at = now()
    return Response(200, {"id": link.id, "valid": link.valid, "validation_results": results})


def associate(req: Request) -> Response:
    link = _link(req, "link_id")
    account = subuser_to_associate(req, req.json().get("username"))
    # SendGrid documents that the parent must create *and validate* a link before it can
    # hand it to a subuser.
    if not link.valid:
        raise bad_request("the branded link must be validated before it can be associated "
                          "with a subuser", "link_id")
    account.link_assoc = link.id  # one branded link per subuser: replaces the old one
    return Response(200, render(req.store, link))


def associated(req: Request) -> Response:
    account = subuser_to_associate(req, req.arg("username"))
    link = req.store.links.get(account.link_assoc) if account.link_assoc else None
    if link is None:
        raise not_found(f"no branded link is associated with {account.username}", "username")
    return Response(200, render(req.store, link))


def disassociate(req: Request) -> Response:
    account = subuser_to_associate(req, req.arg("username"))
    account.link_assoc = None
    return Response(204)


ROUTES = [
    Route("POST", "/v3/whitelabel/links", create, "whitelabel.create"),
    Route("GET", "/v3/whitelabel/links", list_all, "whitelabel.read"),
    Route("GET", "/v3/whitelabel/links/default", get_default, "whitelabel.read"),
    Route("GET", "/v3/whitelabel/links/subuser", associated, "whitelabel.read"),
    Route("DELETE", "/v3/whitelabel/links/subuser", disassociate, "whitelabel.update"),
    Route("GET", "/v3/whitelabel/links/{id}", get, "whitelabel.read"),
    Route("PATCH", "/v3/whitelabel/links/{id}", update, "whitelabel.update"),
    Route("DELETE", "/v3/whitelabel/links/{id}", delete, "whitelabel.delete"),
    Route("POST", "/v3/whitelabel/links/{id}/validate", validate, "whitelabel.update"),
    Route("POST", "/v3/whitelabel/links/{link_id}/subuser", associate, "whitelabel.update"),
]
