# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Domain authentication, formerly "domain whitelabel" (``/v3/whitelabel/domains...``).

A domain belongs to the account it was created in (or, when the parent passes
``username``, to that subuser). The parent also sees and may manage its subusers'
domains, which is why the list has ``username`` and ``exclude_subusers`` filters.
"""

from __future__ import annotations

import base64
import hashlib
import re

from .dns import check_record
from .routing import (Request, Response, Route, optional_bool, optional_subdomain, paginate,
                      parse_id, reject_unknown_fields, require_domain, require_ipv4)
from .state import (LAG_REASON, Account, ApiError, Domain, Store, alt_error, bad_request, dialect, forbidden, lagging,
                    make_default, not_found, now)
from .subusers import subuser_to_associate

MAX_ASSOCIATED_DOMAINS = 5
REGIONS = ("global", "eu")
_SELECTOR = re.compile(r"^[a-z0-9]{3}$")


def _missing() -> ApiError:
    return not_found("authenticated domain not found")


# -- DNS records -----------------------------------------------------------------------
def generated_subdomain(domain_id: int) -> str:
    """``em`` + 4 digits, derived from the id so a rerun produces the same names."""
    return f"em{(domain_id * 7919) % 9000 + 1000}"


def dkim_public_key(domain_id: int) -> str:
    digest = b"".join(hashlib.sha256(f"dkim-{domain_id}-{i}".encode()).digest() for i in range(5))
    return "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQ" + base64.b64encode(digest).decode()[:180]


def dns_records(store: Store, d: Domain) -> dict:
    """The records SendGrid asks the customer to publish, keyed as in the API."""
    user_id = store.user_id(d.account)
    mail_host = f"{d.subdomain}.{d.domain}"
    # SendGrid: the CNAME values of EU-pinned domains include "eu".
    target = f"u{user_id}.wl{d.id % 1000:03d}.{'eu.' if d.region == 'eu' else ''}sendgrid.net"
    if d.automatic_security:
        first, second = (d.dkim_selector, d.dkim_selector + "2") if d.dkim_selector else ("s1", "s2")
        records = {
            "mail_cname": ("cname", mail_host, target),
            "dkim1": ("cname", f"{first}._domainkey.{d.domain}", f"{first}.domainkey.{target}"),
            "dkim2": ("cname", f"{second}._domainkey.{d.domain}", f"{second}.domainkey.{target}"),
        }
        if dialect(store, "root_spf"):
            # As in a real answer quoted in sendgrid/docs issue 4175: an SPF record at the domain itself.
            records["spf"] = ("txt", d.domain, "v=spf1 include:sendgrid.net ~all")
        return records
    if d.custom_spf:
        spf = " ".join(["v=spf1"] + [f"ip4:{ip}" for ip in d.ips] + ["-all"])
    else:
        spf = "v=spf1 include:sendgrid.net ~all"
    records = {
        "mail_server": ("mx", mail_host, "mx.sendgrid.net"),
        "subdomain_spf": ("txt", mail_host, spf),
    }
    if d.custom_spf:
        records["domain_spf"] = ("txt", d.domain, f"v=spf1 include:{mail_host} -all")
    selector = d.dkim_selector or "m1"
    records["dkim"] = ("txt", f"{selector}._domainkey.{d.domain}",
                       f"k=rsa; t=s; p={dkim_public_key(d.id)}")
    return records


def render(store: Store, d: Domain) -> dict:
    owner = store.accounts[d.account]
    dns = {key: {"valid": d.record_valid.get(key, False), "type": rtype, "host": host,
                 "data": data}
           for key, (rtype, host, data) in dns_records(store, d).items()}
    body = {
        "id": d.id,
        "user_id": owner.user_id,
        "subdomain": d.subdomain,
        "domain": d.domain,
        "username": owner.username,
        "ips": list(d.ips),
        "custom_spf": d.custom_spf,
        "default": d.default,
        "legacy": d.legacy,
        "automatic_security": d.automatic_security,
        "valid": d.valid,
        "dns": dns,
        "subusers": [{"user_id": a.user_id, "username": a.username}
                     for a in store.accounts.values() if d.id in a.domain_assoc],
    }
    if dialect(store, "no_echo"):
        del body["subusers"]
    if d.last_validation_attempt_at is not None:
        body["last_validation_attempt_at"] = d.last_validation_attempt_at
    return body


# -- lookups ---------------------------------------------------------------------------
def visible_to(account: Account, d: Domain) -> bool:
    return d.account == account.username or account.is_parent


def _domain(req: Request, key: str = "domain_id") -> Domain:
    d = req.store.domains.get(parse_id(req.params[key], _missing))
    if d is None or not visible_to(req.account, d):
        raise _missing()
    return d


def _parent_domain(req: Request, must_be_valid: bool = False) -> Domain:
    """Only the parent associates its own domains with subusers, and (as SendGrid
    documents) only once the domain is validated."""
    if not req.account.is_parent:
        raise forbidden()
    d = _domain(req)
    if d.account != req.account.username:
        raise bad_request("only the parent account's domains can be associated", "domain_id")
    if must_be_valid and not d.valid:
        raise bad_request("the authenticated domain must be validated before it can be "
                          "associated with a subuser", "domain_id")
    return d


# -- endpoints -------------------------------------------------------------------------
def create(req: Request) -> Response:
    store, body = req.store, req.json()
    domain = require_domain(body.get("domain"))
    subdomain = optional_subdomain(body.get("subdomain"))
    owner = _owner(req, body.get("username"))
    ips = _ips(req, body.get("ips"))
    selector = body.get("custom_dkim_selector")
    if selector is not None:
        if not isinstance(selector, str) or not _SELECTOR.match(selector.lower()):
            raise bad_request("custom_dkim_selector must be three letters or numbers",
                              "custom_dkim_selector")
        selector = selector.lower()
    region = body.get("region", "global")
    if region not in REGIONS:
        raise bad_request("region must be one of: global, eu", "region")
    owned = sum(1 for d in store.domains.values() if d.account == owner.username)
    if owned >= int(store.config.get("max_domains", 3000)):
        raise bad_request("you have reached the maximum number of authenticated domains")
    domain_id = store.new_domain_id()
    d = Domain(domain_id, owner.username, domain, subdomain or generated_subdomain(domain_id),
               ips, optional_bool(body, "custom_spf", False), False,
               optional_bool(body, "automatic_security", True), selector or None, region)
    store.domains[d.id] = d
    if optional_bool(body, "default", False):
        make_default(store.domains.values(), d)
    answer = render(store, d)
    if dialect(store, "ips_empty_on_create"):
        answer["ips"] = []
    return Response(201, answer)


def _owner(req: Request, username) -> Account:
    if username is None or username == "" or username == req.account.username:
        return req.account
    if not isinstance(username, str):
        raise bad_request("username must be a string", "username")
    account = req.store.subuser(username)
    if not req.account.is_parent or account is None:
        raise bad_request(f"username {username} is not a subuser of this account", "username")
    return account


def _ips(req: Request, value) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise bad_request("ips must be a list of IP addresses", "ips")
    result = []
    for raw in value:
        ip = require_ipv4(raw, "ips")
        if req.store.ip_of(req.account, ip) is None:
            raise bad_request(f"IP address {ip} not found on this account", "ips")
        if ip not in result:
            result.append(ip)
    return result


def list_all(req: Request) -> Response:
    store, account = req.store, req.account
    limit = req.int_arg("limit")
    offset = req.int_arg("offset", 0, minimum=0)
    search = (req.arg("domain") or "").strip().lower()
    username = req.arg("username")
    exclude_subusers = req.bool_arg("exclude_subusers")
    found = []
    for d in sorted(store.domains.values(), key=lambda d: d.id):
        if not visible_to(account, d):
            continue
        if exclude_subusers and d.account != account.username:
            continue
        if username and d.account != username:
            continue
        if search and search not in d.domain:  # a search, not an equality test
            continue
        found.append(d)
    return Response(200, [render(store, d) for d in paginate(found, limit, offset, dialect(store, "page_cap"))])


def get(req: Request) -> Response:
    return Response(200, render(req.store, _domain(req)))


def update(req: Request) -> Response:
    d = _domain(req)
    body = req.json()
    reject_unknown_fields(body, {"default", "custom_spf"})
    if "custom_spf" in body:
        d.custom_spf = optional_bool(body, "custom_spf", d.custom_spf)
    if "default" in body:
        if optional_bool(body, "default", d.default):
            make_default(req.store.domains.values(), d)
        else:
            d.default = False
    return Response(200, render(req.store, d))


def delete(req: Request) -> Response:
    d = _domain(req)
    del req.store.domains[d.id]
    for account in req.store.accounts.values():
        if d.id in account.domain_assoc:
            account.domain_assoc.remove(d.id)
    return Response(204)


def get_default(req: Request) -> Response:
    """The account's default domain, or the one matching ``domain``; ``{}`` when none."""
    own = [d for d in sorted(req.store.domains.values(), key=lambda d: d.id)
           if d.account == req.account.username]
    wanted = (req.arg("domain") or "").strip().rstrip(".").lower()
    if wanted:
        matching = [d for d in own if d.domain == wanted]
        chosen = next((d for d in matching if d.default), matching[0] if matching else None)
        if chosen is not None:
            return Response(200, render(req.store, chosen))
    chosen = next((d for d in own if d.default), None)
    if chosen is not None:
        return Response(200, render(req.store, chosen))
    return Response(200, {})


def add_ip(req: Request) -> Response:
    d = _domain(req, "id")
    ip = require_ipv4(req.json().get("ip"))
    if req.store.ip_of(req.account, ip) is None:
        raise bad_request(f"IP address {ip} not found on this account", "ip")
    if ip in d.ips:
        raise bad_request(f"IP address {ip} is already associated with this domain", "ip")
    d.ips.append(ip)
    return Response(200, render(req.store, d))


def remove_ip(req: Request) -> Response:
    d = _domain(req, "id")
    ip = req.params["ip"]
    if ip not in d.ips:
        raise not_found(f"IP address {ip} is not associated with this domain", "ip")
    d.ips.remove(ip)
    return Response(200, render(req.store, d))


def validate(req: Request) -> Response:
    d = _domain(req, "id")
    results = {}
    lag = lagging(req.store, "domain", d.id)
    for key, (rtype, host, data) in dns_records(req.store, d).items():
        valid, reason = (False, LAG_REASON) if lag else check_record(req.resolver, rtype, host, data)
        d.record_valid[key] = valid
        results[key] = {"valid": valid, "reason": reason}
    d.valid = all(r["valid"] for r in results.values())
    d.last_validation_attempt_at = now()
    return Response(200, {"id": d.id, "valid": d.valid, "validation_results": results})


# -- subuser association -----------------------------------------------------------------
def associate(req: Request) -> Response:
    """One-domain-per-subuser association: replaces whatever the subuser had."""
    d = _parent_domain(req, must_be_valid=True)
    account = subuser_to_associate(req, req.json().get("username"))
    account.domain_assoc = [d.id]
    return Response(201, render(req.store, d))


def associate_multiple(req: Request) -> Response:
    d = _parent_domain(req, must_be_valid=True)
    account = subuser_to_associate(req, req.json().get("username"))
    if d.id in account.domain_assoc:
        raise bad_request(alt_error(req.store, "already_associated", f"domain {d.id} is already associated with {account.username}",
                                    username=account.username), "username")
    if len(account.domain_assoc) >= MAX_ASSOCIATED_DOMAINS:
        raise bad_request(f"a subuser can have at most {MAX_ASSOCIATED_DOMAINS} associated "
                          "domains", "username")
    account.domain_assoc.append(d.id)
    return Response(201, render(req.store, d))


def disassociate_one(req: Request) -> Response:
    d = _parent_domain(req)
    account = subuser_to_associate(req, req.arg("username"))
    if d.id in account.domain_assoc:
        account.domain_assoc.remove(d.id)
    return Response(204)


def associated(req: Request) -> Response:
    account = subuser_to_associate(req, req.arg("username"))
    domains = [req.store.domains[i] for i in account.domain_assoc if i in req.store.domains]
    if not domains:
        raise not_found(f"no authenticated domain is associated with {account.username}",
                        "username")
    return Response(200, render(req.store, domains[0]))


def associated_all(req: Request) -> Response:
    account = subuser_to_associate(req, req.arg("username"))
    return Response(200, [render(req.store, req.store.domains[i])
                          for i in account.domain_assoc if i in req.store.domains])


def disassociate(req: Request) -> Response:
    account = subuser_to_associate(req, req.arg("username"))
    account.domain_assoc = []
    return Response(204)


def email_dns(req: Request) -> Response:
    """Pretends to mail the records to a colleague: checks the ids, sends nothing."""
    body = req.json()
    email = body.get("email")
    if not isinstance(email, str) or "@" not in email:
        raise bad_request("a valid email is required", "email")
    link_id, domain_id = body.get("link_id"), body.get("domain_id")
    if link_id is None and domain_id is None:
        raise bad_request("link_id or domain_id is required", "domain_id")
    if domain_id is not None:
        d = req.store.domains.get(domain_id) if isinstance(domain_id, int) else None
        if d is None or not visible_to(req.account, d):
            raise bad_request(f"domain {domain_id} not found", "domain_id")
    if link_id is not None:
        link = req.store.links.get(link_id) if isinstance(link_id, int) else None
        if link is None or link.account != req.account.username:
            raise bad_request(f"link {link_id} not found", "link_id")
    return Response(204)


ROUTES = [
    Route("POST", "/v3/whitelabel/domains", create, "whitelabel.create"),
    Route("GET", "/v3/whitelabel/domains", list_all, "whitelabel.read"),
    Route("GET", "/v3/whitelabel/domains/default", get_default, "whitelabel.read"),
    Route("GET", "/v3/whitelabel/domains/subuser", associated, "whitelabel.read"),
    Route("DELETE", "/v3/whitelabel/domains/subuser", disassociate, "whitelabel.update"),
    Route("GET", "/v3/whitelabel/domains/subuser/all", associated_all, "whitelabel.read"),
    Route("GET", "/v3/whitelabel/domains/{domain_id}", get, "whitelabel.read"),
    Route("PATCH", "/v3/whitelabel/domains/{domain_id}", update, "whitelabel.update"),
    Route("DELETE", "/v3/whitelabel/domains/{domain_id}", delete, "whitelabel.delete"),
    Route("POST", "/v3/whitelabel/domains/{domain_id}/subuser", associate, "whitelabel.update"),
    Route("DELETE", "/v3/whitelabel/domains/{domain_id}/subuser", disassociate_one,
          "whitelabel.update"),
    Route("POST", "/v3/whitelabel/domains/{domain_id}/subuser:add", associate_multiple,
          "whitelabel.update"),
    Route("POST", "/v3/whitelabel/domains/{id}/ips", add_ip, "whitelabel.update"),
    Route("DELETE", "/v3/whitelabel/domains/{id}/ips/{ip}", remove_ip, "whitelabel.update"),
    Route("POST", "/v3/whitelabel/domains/{id}/validate", validate, "whitelabel.update"),
    Route("POST", "/v3/whitelabel/dns/email", email_dns, "whitelabel.read"),
]
