# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""IP addresses, IP warmup and IP pools (``/v3/ips...``).

Dedicated IPs belong to the parent account; a subuser sees the ones assigned to it.
Pools are scoped to the account they were created in. Pool membership can be made to
show up late (``pool_ip_visibility_delay``) because SendGrid documents that an added IP
may take up to 60 seconds to appear in the pool.
"""

from __future__ import annotations

import time

from .routing import Request, Response, Route, paginate, require_ipv4
from .state import (ApiError, alt_error, dialect, Pool, Store, bad_request, forbidden, legacy_error,
                    not_found)

POOL_NAME_MAX = 64
PRICE_PER_IP = 20


# -- rendering -------------------------------------------------------------------------
def render_ip(store: Store, account: str, ip) -> dict:
    rdns = store.rdns_for_ip(ip.ip)
    body = {
        "ip": ip.ip,
        "subusers": list(ip.subusers),
        "pools": store.pools_containing(account, ip.ip),
        "warmup": ip.warmup_start is not None,
        "start_date": ip.warmup_start,
        "whitelabeled": rdns is not None,
        "assigned_at": ip.assigned_at,
    }
    if rdns is not None:
        body["rdns"] = rdns.rdns
    return body


def warmup_entry(ip) -> dict:
    return {"ip": ip.ip, "start_date": ip.warmup_start}


# -- IP addresses ----------------------------------------------------------------------
def list_ips(req: Request) -> Response:
    store, account = req.store, req.account
    limit = req.int_arg("limit", 10, minimum=1)  # the spec documents a default page of 10
    offset = req.int_arg("offset", 0, minimum=0)
    direction = req.arg("sort_by_direction", "asc")
    if direction not in ("asc", "desc"):
        raise bad_request("sort_by_direction must be asc or desc", "sort_by_direction")
    ips = store.ips_of(account)
    wanted_ip = req.arg("ip")
    if wanted_ip:
        ips = [ip for ip in ips if ip.ip == wanted_ip.strip()]
    subuser = req.arg("subuser")
    if subuser:
        ips = [ip for ip in ips if subuser in ip.subusers]
    if req.bool_arg("exclude_whitelabels"):
        ips = [ip for ip in ips if store.rdns_for_ip(ip.ip) is None]
    if direction == "desc":
        ips = list(reversed(ips))
    page = paginate(ips, limit, offset, dialect(store, "page_cap"))
    return Response(200, [render_ip(store, account.username, ip) for ip in page])


def add_ips(req: Request) -> Response:
    store = req.store
    if not req.account.is_parent:
        raise forbidden()
    body = req.json()
    count = body.get("count")
    if not isinstance(count, int) or isinstance(count, bool) or count < 1:
        raise bad_request("count must be a positive integer", "count")
    subusers = body.get("subusers") or []
    if not isinstance(subusers, list) or any(store.subuser(name) is None for name in subusers):
        raise bad_request("one or more subusers do not belong to this user")
    warmup = bool(body.get("warmup", False))
    remaining = remaining_ips(store)
    if count > remaining:
        raise bad_request(f"you can add at most {remaining} more IP addresses", "count")
    added = []
    for _dummy in range(count):
        ip = store.add_ip(store.next_free_ip(), subusers, warmup)
        store.ips_added_via_api += 1
        added.append({"ip": ip.ip, "subusers": list(ip.subusers)})
    return Response(201, {"ips": added, "remaining_ips": remaining_ips(store), "warmup": warmup})


def remaining_ips(store: Store) -> int:
    return max(int(store.config.get("remaining_ips", 0)) - store.ips_added_via_api, 0)


def get_ip(req: Request) -> Response:
    ip = req.store.ip_of(req.account, req.params["ip_address"])
    if ip is None:
        raise not_found()
    return Response(200, render_ip(req.store, req.account.username, ip))


def assigned_ips(req: Request) -> Response:
    store, account = req.store, req.account
    body = [{"ip": ip.ip, "pools": store.pools_containing(account.username, ip.ip),
             "warmup": ip.warmup_start is not None, "start_date": ip.warmup_start}
            for ip in store.ips_of(account)]
    return Response(200, body)


def remaining(req: Request) -> Response:
    return Response(200, {"results": [{"remaining": remaining_ips(req.store), "period": "month",
                                       "price_per_ip": PRICE_PER_IP}]})


# -- warmup ----------------------------------------------------------------------------
def start_warmup(req: Request) -> Response:
    address = require_ipv4(req.json().get("ip"))
    ip = req.store.ip_of(req.account, address)
    if ip is None:
        raise not_found()
    if ip.warmup_start is not None:
        raise bad_request(f"IP {address} is already in warmup", "ip")
    ip.warmup_start = int(time.time())
    return Response(200, [warmup_entry(ip)])


def list_warmup(req: Request) -> Response:
    return Response(200, [warmup_entry(ip) for ip in req.store.ips_of(req.account)
                          if ip.warmup_start is not None])


def _warming_ip(req: Request):
    ip = req.store.ip_of(req.account, req.params["ip_address"])
    if ip is None or ip.warmup_start is None:
        raise not_found()
    return ip


def get_warmup(req: Request) -> Response:
    return Response(200, [warmup_entry(_warming_ip(req))])


def stop_warmup(req: Request) -> Response:
    _warming_ip(req).warmup_start = None
    return Response(204)


# -- pools -----------------------------------------------------------------------------
def check_pool_name(value) -> str:
    if not isinstance(value, str) or not value.strip():
        raise bad_request("name is required", "name")
    if len(value) > POOL_NAME_MAX:
        raise bad_request(f"name must be at most {POOL_NAME_MAX} characters", "name")
    if value[0] in (" ", "."):
        raise bad_request("name cannot begin with a space or a period", "name")
    return value


def create_pool(req: Request) -> Response:
    store = req.store
    name = check_pool_name(req.json().get("name"))
    pools = store.pools_of(req.account.username)
    if name in pools:
        raise bad_request(alt_error(req.store, "duplicate_pool", f"pool name {name} already exists", name=name), "name")
    if len(pools) >= int(store.config.get("max_pools", 100)):
        raise bad_request("you have reached the maximum number of IP pools", "name")
    pools[name] = Pool(name, req.account.username)
    return Response(200, {"name": name})


def list_pools(req: Request) -> Response:
    pools = req.store.pools_of(req.account.username)
    return Response(200, [{"name": name} for name in sorted(pools)])


def _pool(req: Request, missing: ApiError):
    pool = req.store.pools_of(req.account.username).get(req.params["pool_name"])
    if pool is None:
        raise missing
    return pool


def get_pool(req: Request) -> Response:
    # Error body as in the spec's own example for this endpoint.
    pool = _pool(req, ApiError(404, "Unable to locate specified IPs Pool", "error"))
    return Response(200, {"pool_name": pool.name, "ips": req.store.visible_members(pool)})


def rename_pool(req: Request) -> Response:
    pool = _pool(req, not_found("ip pool not found"))
    new_name = check_pool_name(req.json().get("name"))
    pools = req.store.pools_of(req.account.username)
    if new_name != pool.name:
        if new_name in pools:
            raise bad_request(f"pool name {new_name} already exists", "name")
        del pools[pool.name]
        pool.name = new_name
        pools[new_name] = pool
    return Response(200, {"name": pool.name})


def delete_pool(req: Request) -> Response:
    pool = _pool(req, legacy_error(404, "Unable to locate specified IPs Pool"))
    del req.store.pools_of(req.account.username)[pool.name]
    return Response(204)


def add_ip_to_pool(req: Request) -> Response:
    store = req.store
    pool = _pool(req, not_found())
    address = require_ipv4(req.json().get("ip"))
    ip = store.ip_of(req.account, address)
    if ip is None:
        raise not_found(f"IP address {address} not found on this account", "ip")
    # Membership exists from now on even while reads do not show it yet, so a second add
    # is refused as SendGrid refuses it.
    if address in pool.members:
        raise bad_request(alt_error(req.store, "already_in_pool", f"ip {address} already in pool {pool.name}", ip=address, pool=pool.name), "ip")
    pool.members[address] = time.time()
    pools = sorted(p.name for p in store.pools_of(req.account.username).values()
                   if address in p.members)
    return Response(201, {"ip": address, "pools": pools, "start_date": ip.warmup_start,
                          "warmup": ip.warmup_start is not None})


def remove_ip_from_pool(req: Request) -> Response:
    pool = _pool(req, legacy_error(404, "Unable to locate specified IPs Pool"))
    address = req.params["ip"]
    if address not in pool.members:
        raise legacy_error(404, "Unable to locate specified IP in pool")
    del pool.members[address]
    return Response(204)


ROUTES = [
    Route("POST", "/v3/ips", add_ips, "ips.create"),
    Route("GET", "/v3/ips", list_ips, "ips.read"),
    Route("GET", "/v3/ips/assigned", assigned_ips, "ips.assigned.read"),
    Route("GET", "/v3/ips/remaining", remaining, "ips.read"),
    Route("GET", "/v3/ips/{ip_address}", get_ip, "ips.read"),
    Route("POST", "/v3/ips/warmup", start_warmup, "ips.warmup.create"),
    Route("GET", "/v3/ips/warmup", list_warmup, "ips.warmup.read"),
    Route("GET", "/v3/ips/warmup/{ip_address}", get_warmup, "ips.warmup.read"),
    Route("DELETE", "/v3/ips/warmup/{ip_address}", stop_warmup, "ips.warmup.delete"),
    Route("POST", "/v3/ips/pools", create_pool, "ips.pools.create"),
    Route("GET", "/v3/ips/pools", list_pools, "ips.pools.read"),
    Route("GET", "/v3/ips/pools/{pool_name}", get_pool, "ips.pools.read"),
    Route("PUT", "/v3/ips/pools/{pool_name}", rename_pool, "ips.pools.update"),
    Route("DELETE", "/v3/ips/pools/{pool_name}", delete_pool, "ips.pools.delete"),
    Route("POST", "/v3/ips/pools/{pool_name}/ips", add_ip_to_pool, "ips.pools.ips.create"),
    Route("DELETE", "/v3/ips/pools/{pool_name}/ips/{ip}", remove_ip_from_pool,
          "ips.pools.ips.delete"),
]
