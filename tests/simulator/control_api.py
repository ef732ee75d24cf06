# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The ``/_simulator/`` control API: set up accounts, IPs, DNS, faults and limits, seed
objects in bulk, and read back the request log and the whole state. No auth: it is
never reachable through the ``/v3/`` paths that clients use.
"""

from __future__ import annotations

import ipaddress
import sys
import traceback
from typing import Any, Callable, Optional

from . import dialects, domains, links, reverse_dns
from .ips import render_ip
from .routing import require_ipv4
from .state import DEFAULT_CONFIG, ApiError, ApiKey, Domain, Link, Pool, ReverseDns, Store, now

SEED_IP_NETWORK = ipaddress.ip_network("198.18.0.0/15")  # RFC 2544 benchmark range


class ControlError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise ControlError(400, message)


def _object(body: Any) -> dict:
    _require(body is None or isinstance(body, dict), "the body must be a JSON object")
    return body or {}


class ControlApi:
    def __init__(self, app):
        self.app = app
        self.routes: dict[tuple[str, str], Callable] = {
            ("GET", "health"): lambda body, query: (200, {"ok": True}),
            ("POST", "reset"): self.reset,
            ("GET", "requests"): lambda body, query: (200, {"requests": app.log.entries()}),
            ("DELETE", "requests"): self.clear_requests,
            ("GET", "violations"): lambda body, query: (200, {"violations": app.log.violations()}),
            ("GET", "faults"): lambda body, query: (200, {"faults": app.faults.list()}),
            ("POST", "faults"): self.add_fault,
            ("DELETE", "faults"): self.clear_faults,
            ("GET", "rate_limit"): self.get_rate_limit,
            ("POST", "rate_limit"): self.set_rate_limit,
            ("GET", "config"): lambda body, query: (200, {"config": dict(app.store.config)}),
            ("GET", "dialect"): lambda body, query: (200, {"dialect": dict(app.store.dialect)}),
            ("POST", "dialect"): self.set_dialect,
            ("POST", "config"): self.set_config,
            ("GET", "subusers"): self.list_subusers,
            ("POST", "subusers"): self.add_subusers,
            ("GET", "ips"): self.list_ips,
            ("POST", "ips"): self.add_ips,
            ("POST", "api_keys"): self.add_api_key,
            ("GET", "dns"): lambda body, query: (200, {"records": app.dns_table.list()}),
            ("POST", "dns"): self.add_dns,
            ("DELETE", "dns"): self.clear_dns,
            ("POST", "seed"): self.seed,
            ("GET", "state"): self.state,
        }

    def handle(self, method: str, name: str, body: Any, query: dict) -> tuple[int, Any]:
        handler = self.routes.get((method, name))
        if handler is None:
            if any(key[1] == name for key in self.routes):
                return 405, {"error": f"method {method} not allowed on /_simulator/{name}"}
            return 404, {"error": f"no control endpoint /_simulator/{name}"}
        try:
            with self.app.store.lock:
                return handler(body, query)
        except ControlError as err:
            return err.status, {"error": err.message}
        except (ValueError, TypeError, ApiError) as err:  # malformed control input
            return 400, {"error": str(err)}
        except Exception as err:  # a simulator bug: answer it and show where it is
            traceback.print_exc(file=sys.stderr)
            return 500, {"error": f"internal error: {err}"}

    @property
    def store(self) -> Store:
        return self.app.store

    # -- log, faults, limits, config -------------------------------------------------
    def reset(self, body, query):
        """Everything back to the start: only the parent account and the start-up key."""
        self.store.reset()
        self.app.log.clear()
        self.app.faults.clear()
        self.app.dns_table.clear()
        self.app.limiter.configure(self.app.initial_rate_limit)
        return 200, {"reset": True}

    def clear_requests(self, body, query):
        self.app.log.clear()
        return 204, None

    def add_fault(self, body, query):
        fault = self.app.faults.add(_object(body))
        return 201, fault.as_dict()

    def clear_faults(self, body, query):
        self.app.faults.clear()
        return 204, None

    def get_rate_limit(self, body, query):
        return 200, {"requests_per_second": self.app.limiter.limit}

    def set_rate_limit(self, body, query):
        value = _object(body).get("requests_per_second")
        _require(value is None or (isinstance(value, int) and not isinstance(value, bool)
                                   and value >= 1),
                 "requests_per_second must be a positive integer or null")
        self.app.limiter.configure(value)
        return 200, {"requests_per_second": value}

    def set_dialect(self, body, query):
        """Replace the dialect in force (``{}`` is SendGrid as the simulator guesses it by default)."""
        try:
            chosen = dialects.parse(body) if isinstance(body, str) else dialects.check(body)
        except ValueError as exc:
            _require(False, str(exc))
        self.store.dialect = chosen
        self.store.validations = {}
        return 200, {"dialect": dict(chosen)}

    def set_config(self, body, query):
        body = _object(body)
        for key, value in body.items():
            _require(key in DEFAULT_CONFIG, f"unknown config key {key}")
            _require(isinstance(value, (int, float)) and not isinstance(value, bool)
                     and value >= 0, f"{key} must be a non-negative number")
            self.store.config[key] = value
        return 200, {"config": dict(self.store.config)}

    # -- accounts, IPs, keys ---------------------------------------------------------------
    def list_subusers(self, body, query):
        return 200, {"subusers": [{"username": a.username, "user_id": a.user_id}
                                  for a in self.store.accounts.values() if not a.is_parent]}

    def add_subusers(self, body, query):
        names = _object(body).get("usernames")
        _require(isinstance(names, list) and all(isinstance(n, str) and n for n in names),
                 "usernames must be a list of non-empty strings")
        _require(self.store.parent.username not in names, "that is the parent's username")
        region = _object(body).get("region", "global")
        _require(region in ("global", "eu"), "region must be global or eu")
        created = [self.store.add_subuser(name, region) for name in names]
        return 201, {"subusers": [{"username": a.username, "user_id": a.user_id}
                                  for a in created]}

    def list_ips(self, body, query):
        parent = self.store.parent
        return 200, {"ips": [render_ip(self.store, parent.username, ip)
                             for ip in self.store.ips_of(parent)]}

    def add_ips(self, body, query):
        body = _object(body)
        addresses = body.get("ips")
        _require(isinstance(addresses, list), "ips must be a list of IPv4 addresses")
        subusers = self._existing_subusers(body.get("subusers") or [])
        added = [self.store.add_ip(require_ipv4(ip, "ips"), subusers, bool(body.get("warmup")))
                 for ip in addresses]
        return 201, {"ips": [render_ip(self.store, self.store.parent.username, ip)
                             for ip in added]}

    def _existing_subusers(self, names) -> list:
        _require(isinstance(names, list), "subusers must be a list of usernames")
        for name in names:
            _require(self.store.subuser(name) is not None, f"unknown subuser {name}")
        return list(names)

    def add_api_key(self, body, query):
        body = _object(body)
        key, scopes = body.get("key"), body.get("scopes")
        _require(isinstance(key, str) and key.strip() == key and key, "key must be a string")
        _require(scopes is None or (isinstance(scopes, list)
                                    and all(isinstance(s, str) for s in scopes)),
                 "scopes must be a list of scope names, or null for full access")
        username = body.get("username") or self.store.parent.username
        _require(username in self.store.accounts, f"unknown account {username}")
        self.store.api_keys[key] = ApiKey(None if scopes is None else frozenset(scopes),
                                          username)
        # The key itself is never echoed back.
        return 201, {"scopes": scopes, "username": username}

    # -- DNS -------------------------------------------------------------------------------
    def add_dns(self, body, query):
        body = _object(body)
        records = body.get("records")
        _require(isinstance(records, list), "records must be a list of {name, type, value}")
        table = self.app.dns_table.add(records, replace=bool(body.get("replace")))
        return 200, {"records": table}

    def clear_dns(self, body, query):
        self.app.dns_table.clear()
        return 204, None

    # -- seed and state --------------------------------------------------------------------
    def seed(self, body, query):
        body = _object(body)
        account = self._seed_account(body.get("account"))
        counts = {kind: body.get(kind, 0) or 0
                  for kind in ("domains", "links", "reverse_dns", "pools")}
        for kind, count in counts.items():
            _require(isinstance(count, int) and 0 <= count <= 100_000,
                     f"{kind} must be a count between 0 and 100000")
        legacy, valid = bool(body.get("legacy")), bool(body.get("valid"))
        subusers = [] if account.is_parent else [account.username]
        for ip in body.get("ips") or []:
            self.store.add_ip(require_ipv4(ip, "ips"), subusers)
        created = {
            "domains": [self._seed_domain(account.username, legacy, valid).id
                        for _dummy in range(counts["domains"])],
            "links": [self._seed_link(account.username, legacy, valid).id
                      for _dummy in range(counts["links"])],
            "reverse_dns": [self._seed_rdns(account.username, subusers, legacy, valid).id
                            for _dummy in range(counts["reverse_dns"])],
            "pools": [self._seed_pool(account.username) for _dummy in range(counts["pools"])],
        }
        return 201, {"account": account.username, "created": created}

    def _seed_account(self, name: Optional[str]):
        if name in (None, "", self.store.parent.username):
            return self.store.parent
        _require(isinstance(name, str), "account must be a subuser username or null")
        return self.store.add_subuser(name)

    def _seed_number(self, kind: str) -> int:
        counters = self.store.seed_counters
        counters[kind] = counters.get(kind, 0) + 1
        return counters[kind]

    def _seed_domain(self, account: str, legacy: bool, valid: bool) -> Domain:
        number = self._seed_number("domains")
        domain_id = self.store.new_domain_id()
        d = Domain(domain_id, account, f"seed-{number:05d}.example.net",
                   domains.generated_subdomain(domain_id), [], False, False, True, None,
                   "global", legacy=legacy, valid=valid)
        if valid:
            d.record_valid = {key: True for key in domains.dns_records(self.store, d)}
        self.store.domains[d.id] = d
        return d

    def _seed_link(self, account: str, legacy: bool, valid: bool) -> Link:
        number = self._seed_number("links")
        link_id = self.store.new_link_id()
        link = Link(link_id, account, f"seed-{number:05d}.example.net",
                    links.generated_subdomain(link_id), False, "us", legacy=legacy, valid=valid)
        if valid:
            link.record_valid = {key: True for key in links.dns_records(self.store, link)}
        self.store.links[link.id] = link
        return link

    def _seed_rdns(self, account: str, subusers: list, legacy: bool, valid: bool) -> ReverseDns:
        number = self._seed_number("reverse_dns")
        ip = self._free_seed_ip()
        self.store.add_ip(ip, subusers)
        record = reverse_dns.build(self.store, account, ip, f"seed-{number:05d}.example.net",
                                   "mail", legacy=legacy)
        record.valid = valid
        return record

    def _free_seed_ip(self) -> str:
        start = self.store.seed_ip_cursor
        hosts = SEED_IP_NETWORK.num_addresses - 2
        for offset in range(start, hosts):
            candidate = str(SEED_IP_NETWORK.network_address + offset + 1)
            if candidate not in self.store.ips:
                self.store.seed_ip_cursor = offset + 1
                return candidate
        raise ControlError(400, "the seed IP range is exhausted")

    def _seed_pool(self, account: str) -> str:
        pools = self.store.pools_of(account)
        while True:
            name = f"seed-pool-{self._seed_number('pools'):05d}"
            if name not in pools:
                pools[name] = Pool(name, account)
                return name

    def state(self, body, query):
        store = self.store
        parent = store.parent.username
        return 200, {
            "accounts": [{"username": a.username, "user_id": a.user_id, "parent": a.parent,
                          "associated_domains": list(a.domain_assoc),
                          "associated_link": a.link_assoc}
                         for a in store.accounts.values()],
            "ips": [render_ip(store, parent, ip) for ip in store.ips_of(store.parent)],
            "pools": [{"account": account, "name": pool.name,
                       "ips": sorted(pool.members), "visible_ips": store.visible_members(pool)}
                      for account, pools in store.pools.items() for pool in pools.values()],
            "domains": [dict(domains.render(store, d), account=d.account)
                        for d in sorted(store.domains.values(), key=lambda d: d.id)],
            "links": [dict(links.render(store, link), account=link.account)
                      for link in sorted(store.links.values(), key=lambda link: link.id)],
            "reverse_dns": [dict(reverse_dns.render(store, r), account=r.account)
                            for r in sorted(store.reverse_dns.values(), key=lambda r: r.id)],
            "config": dict(store.config),
            "time": now(),
        }
