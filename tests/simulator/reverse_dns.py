# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Reverse DNS, formerly "IP whitelabel" (``/v3/whitelabel/ips...``).

A record maps ``o<n>.<subdomain>.<domain>`` to one dedicated IP; an IP has at most one.
``n`` counts the records created in the account, so names are deterministic.
"""

from __future__ import annotations

from .dns import check_record
from .routing import (Request, Response, Route, optional_subdomain, paginate, parse_id,
                      require_domain, require_ipv4)
from .state import LAG_REASON, ApiError, ReverseDns, Store, alt_error, bad_request, dialect, lagging, now


def _missing() -> ApiError:
    # The spec's example for this API carries only a message, no field.
    return ApiError(404, body={"errors": [{"message": "Reverse DNS record not found."}]})


def render(store: Store, record: ReverseDns) -> dict:
    owner = store.accounts[record.account]
    users = [{"username": owner.username, "user_id": owner.user_id}]
    ip = store.ips.get(record.ip)
    if owner.is_parent and ip is not None:
        users += [{"username": name, "user_id": store.user_id(name)}
                  for name in ip.subusers if name in store.accounts]
    body = {
        "id": record.id,
        "ip": record.ip,
        "rdns": record.rdns,
        "users": users,
        "subdomain": record.subdomain,
        "domain": record.domain,
        "valid": record.valid,
        "legacy": record.legacy,
        "a_record": {"valid": record.valid, "type": "a", "host": record.rdns, "data": record.ip},
    }
    if record.last_validation_attempt_at is not None:
        body["last_validation_attempt_at"] = record.last_validation_attempt_at
    return body


def build(store: Store, account: str, ip: str, domain: str, subdomain: str,
          legacy: bool = False) -> ReverseDns:
    number = store.next_rdns_number(account)
    if not subdomain and dialect(store, "ptr_naming"):
        # SendGrid's support article: without a subdomain the name is o1.ptr1234.<domain>.
        subdomain = f"ptr{store.user_id(account) % 10000:04d}"
    labels = [f"o{number}"] + ([subdomain] if subdomain else []) + [domain]
    record = ReverseDns(store.new_rdns_id(), account, ip, domain, subdomain or "",
                        ".".join(labels), legacy=legacy)
    store.add_reverse_dns(record)
    return record


def create(req: Request) -> Response:
    store, body = req.store, req.json()
    address = require_ipv4(body.get("ip"))
    domain = require_domain(body.get("domain"))
    subdomain = optional_subdomain(body.get("subdomain"))
    if store.ip_of(req.account, address) is None:
        raise bad_request(f"IP address {address} not found on this account", "ip")
    if store.rdns_for_ip(address) is not None:
        raise bad_request(alt_error(store, "rdns_exists", f"a reverse DNS record already exists for IP {address}", ip=address), "ip")
    record = build(store, req.account.username, address, domain, subdomain)
    return Response(201, render(store, record))


def _owned(req: Request, key: str = "id") -> ReverseDns:
    record = req.store.reverse_dns.get(parse_id(req.params[key], _missing))
    if record is None or record.account != req.account.username:
        raise _missing()
    return record


def list_all(req: Request) -> Response:
    limit = req.int_arg("limit")
    offset = req.int_arg("offset", 0, minimum=0)
    prefix = req.arg("ip")
    # SendGrid's docs show the prefix quoted (?ip="192."); accept it either way.
    prefix = prefix.strip('"') if prefix else prefix
    records = [r for r in req.store.reverse_dns.values() if r.account == req.account.username]
    if prefix:
        records = [r for r in records if r.ip.startswith(prefix)]
    records.sort(key=lambda r: r.id)
    return Response(200, [render(req.store, r) for r in paginate(records, limit, offset, dialect(req.store, "page_cap"))])


def get(req: Request) -> Response:
    return Response(200, render(req.store, _owned(req)))


def delete(req: Request) -> Response:
    record = _owned(req)
    req.store.delete_reverse_dns(record)
    return Response(204)


def validate(req: Request) -> Response:
    record = _owned(req)
    lag = lagging(req.store, "reverse_dns", record.id)
    valid, reason = (False, LAG_REASON) if lag else check_record(req.resolver, "A", record.rdns, record.ip)
    record.valid = valid
    record.last_validation_attempt_at = now()
    return Response(200, {"id": record.id, "valid": valid,
                          "validation_results": {"a_record": {"valid": valid, "reason": reason}}})


ROUTES = [
    Route("POST", "/v3/whitelabel/ips", create, "whitelabel.create"),
    Route("GET", "/v3/whitelabel/ips", list_all, "whitelabel.read"),
    Route("GET", "/v3/whitelabel/ips/{id}", get, "whitelabel.read"),
    Route("DELETE", "/v3/whitelabel/ips/{id}", delete, "whitelabel.delete"),
    Route("POST", "/v3/whitelabel/ips/{id}/validate", validate, "whitelabel.update"),
]
