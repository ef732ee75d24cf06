# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""In-memory state of the simulated SendGrid account tree.

One ``Store`` holds everything: the parent account and its subusers, the dedicated IPs
(which always belong to the parent), and every object created through the API, each
tagged with the username of the account it was created in. All access goes through
``Store.lock`` (the HTTP server is threaded).
"""

from __future__ import annotations

import ipaddress
import threading
import time
from dataclasses import dataclass, field
from typing import Optional

PARENT_USER_ID = 1446440
PARENT_USERNAME = "parent"

# Ids of different object kinds start far apart so that a client passing a domain id
# to a link endpoint gets a 404 instead of silently touching the wrong object.
DOMAIN_ID_BASE = 1_000_000
LINK_ID_BASE = 2_000_000
REVERSE_DNS_ID_BASE = 3_000_000

DEFAULT_CONFIG = {
    # Seconds before an IP added to a pool shows up in pool reads (SendGrid: "up to 60 s").
    "pool_ip_visibility_delay": 0.0,
    # What GET /v3/ips/remaining reports and POST /v3/ips may still add.
    "remaining_ips": 10,
    # Documented per-user limits; configurable so scale tests can raise them.
    "max_pools": 100,
    "max_domains": 3000,
    "max_links": 3000,
}


class ApiError(Exception):
    """An error answer: the status code and the exact JSON body SendGrid would send."""

    def __init__(self, status: int, message: Optional[str] = None, field: Optional[str] = None,
                 body: Optional[dict] = None, headers: Optional[dict] = None):
        super().__init__(message or str(body))
        self.status = status
        self.body = body if body is not None else {"errors": [{"field": field, "message": message}]}
        self.headers = headers or {}


def bad_request(message: str, field: Optional[str] = None) -> ApiError:
    return ApiError(400, message, field)


def not_found(message: str = "resource not found", field: Optional[str] = None) -> ApiError:
    return ApiError(404, message, field)


def forbidden() -> ApiError:
    return ApiError(403, "access forbidden")


def legacy_error(status: int, message: str) -> ApiError:
    """The older pool endpoints answer ``{"error": "..."}`` instead of an errors list."""
    return ApiError(status, body={"error": message})


def now() -> int:
    return int(time.time())


@dataclass
class Account:
    user_id: int
    username: str
    parent: Optional[str] = None  # the parent's username; None for the parent itself
    domain_assoc: list = field(default_factory=list)  # ids of parent domains assigned to it
    link_assoc: Optional[int] = None  # id of the parent link assigned to it
    region: str = "global"  # subusers can be pinned to the EU

    @property
    def is_parent(self) -> bool:
        return self.parent is None


@dataclass
class ApiKey:
    scopes: Optional[frozenset]  # None means full access
    username: str = PARENT_USERNAME  # the account the key belongs to


@dataclass
class Ip:
    ip: str
    subusers: list
    assigned_at: int
    warmup_start: Optional[int] = None


@dataclass
class Pool:
    name: str
    account: str
    members: dict = field(default_factory=dict)  # ip -> time.time() when added


@dataclass
class Domain:
    id: int
    account: str
    domain: str
    subdomain: str
    ips: list
    custom_spf: bool
    default: bool
    automatic_security: bool
    dkim_selector: Optional[str]
    region: str
    legacy: bool = False
    valid: bool = False
    record_valid: dict = field(default_factory=dict)
    last_validation_attempt_at: Optional[int] = None


@dataclass
class Link:
    id: int
    account: str
    domain: str
    subdomain: str
    default: bool
    region: str
    legacy: bool = False
    valid: bool = False
    record_valid: dict = field(default_factory=dict)
    last_validation_attempt_at: Optional[int] = None


@dataclass
class ReverseDns:
    id: int
    account: str
    ip: str
    domain: str
    subdomain: str
    rdns: str
    legacy: bool = False
    valid: bool = False
    last_validation_attempt_at: Optional[int] = None


def dialect(store, name):
    """The value of dialect ``name`` in force (``None`` when off)."""
    return store.dialect.get(name)


def lagging(store, kind: str, object_id: int) -> bool:
    """validation_lag: whether this validate request of the object still answers invalid."""
    lag = store.dialect.get("validation_lag")
    if not lag:
        return False
    key = (kind, object_id)
    store.validations[key] = store.validations.get(key, 0) + 1
    return store.validations[key] <= lag


LAG_REASON = "DNS lookups are still in progress; try again later."


def alt_error(store, key: str, default: str, **values) -> str:
    """alt_errors: the other wording of an undocumented error text."""
    if store.dialect.get("alt_errors"):
        from .dialects import ALT_ERRORS  # pylint: disable=import-outside-toplevel
        return ALT_ERRORS[key].format(**values)
    return default


def make_default(objects, chosen) -> None:
    """``chosen`` becomes the default of its account; SendGrid clears the flag of the one before."""
    for other in objects:
        if other.account == chosen.account and other.id != chosen.id:
            other.default = False
    chosen.default = True


def ip_sort_key(ip: str):
    try:
        return (0, int(ipaddress.ip_address(ip)))
    except ValueError:
        return (1, ip)


class Store:
    """All simulated objects, plus the counters that make ids deterministic."""

    def __init__(self, api_key: str, dialect: Optional[dict] = None):
        self.lock = threading.RLock()
        self.api_key = api_key
        # The dialect given at start-up (tests/simulator/dialects.py); reset() comes back to it.
        self.initial_dialect = dict(dialect or {})
        self.reset()

    def reset(self) -> None:
        with self.lock:
            parent = Account(PARENT_USER_ID, PARENT_USERNAME)
            self.accounts: dict[str, Account] = {parent.username: parent}
            self.api_keys: dict[str, ApiKey] = {self.api_key: ApiKey(None, PARENT_USERNAME)}
            self.ips: dict[str, Ip] = {}
            self.pools: dict[str, dict[str, Pool]] = {}
            self.domains: dict[int, Domain] = {}
            self.links: dict[int, Link] = {}
            self.reverse_dns: dict[int, ReverseDns] = {}
            self.rdns_by_ip: dict[str, int] = {}  # an IP has at most one reverse DNS record
            self.config = dict(DEFAULT_CONFIG)
            self.dialect = dict(self.initial_dialect)
            self.validations: dict = {}  # (kind, id) -> validate requests answered, for validation_lag
            self.next_domain_id = DOMAIN_ID_BASE + 1
            self.next_link_id = LINK_ID_BASE + 1
            self.next_rdns_id = REVERSE_DNS_ID_BASE + 1
            self.next_user_id = PARENT_USER_ID + 1
            self.rdns_counter: dict[str, int] = {}  # per account, for the o<n> prefix
            self.ips_added_via_api = 0
            self.seed_counters: dict[str, int] = {}  # per kind, for seed-00001 names
            self.seed_ip_cursor = 0

    # -- accounts -------------------------------------------------------------------
    @property
    def parent(self) -> Account:
        return self.accounts[PARENT_USERNAME]

    def add_subuser(self, username: str, region: str = "global") -> Account:
        with self.lock:
            if username in self.accounts:
                return self.accounts[username]
            account = Account(self.next_user_id, username, parent=PARENT_USERNAME, region=region)
            self.next_user_id += 1
            self.accounts[username] = account
            return account

    def subuser(self, username: Optional[str]) -> Optional[Account]:
        account = self.accounts.get(username or "")
        if account is None or account.is_parent:
            return None
        return account

    def account_by_id(self, user_id: int) -> Optional[Account]:
        for account in self.accounts.values():
            if account.user_id == user_id:
                return account
        return None

    def user_id(self, username: str) -> int:
        return self.accounts[username].user_id

    # -- ids ------------------------------------------------------------------------
    def new_domain_id(self) -> int:
        self.next_domain_id += 1
        return self.next_domain_id - 1

    def new_link_id(self) -> int:
        self.next_link_id += 1
        return self.next_link_id - 1

    def new_rdns_id(self) -> int:
        self.next_rdns_id += 1
        return self.next_rdns_id - 1

    def next_rdns_number(self, account: str) -> int:
        self.rdns_counter[account] = self.rdns_counter.get(account, 0) + 1
        return self.rdns_counter[account]

    # -- IPs ------------------------------------------------------------------------
    def add_ip(self, ip: str, subusers=(), warmup: bool = False) -> Ip:
        with self.lock:
            record = self.ips.get(ip)
            if record is None:
                record = Ip(ip, [], now())
                self.ips[ip] = record
            for name in subusers:
                if name not in record.subusers:
                    record.subusers.append(name)
            if warmup and record.warmup_start is None:
                record.warmup_start = now()
            return record

    def ips_of(self, account: Account) -> list:
        """IPs an account may use: all of them for the parent, assigned ones for a subuser."""
        found = [ip for ip in self.ips.values()
                 if account.is_parent or account.username in ip.subusers]
        return sorted(found, key=lambda rec: ip_sort_key(rec.ip))

    def ip_of(self, account: Account, ip: str) -> Optional[Ip]:
        record = self.ips.get(ip)
        if record is None or not (account.is_parent or account.username in record.subusers):
            return None
        return record

    def rdns_for_ip(self, ip: str) -> Optional[ReverseDns]:
        record_id = self.rdns_by_ip.get(ip)
        return None if record_id is None else self.reverse_dns.get(record_id)

    def add_reverse_dns(self, record: ReverseDns) -> None:
        self.reverse_dns[record.id] = record
        self.rdns_by_ip[record.ip] = record.id

    def delete_reverse_dns(self, record: ReverseDns) -> None:
        del self.reverse_dns[record.id]
        self.rdns_by_ip.pop(record.ip, None)

    def pools_of(self, account: str) -> dict:
        return self.pools.setdefault(account, {})

    def visible_members(self, pool: Pool) -> list:
        """Pool members old enough to be visible, given the configured visibility lag."""
        delay = float(self.config.get("pool_ip_visibility_delay") or 0)
        cutoff = time.time() - delay
        members = [ip for ip, added in pool.members.items() if delay <= 0 or added <= cutoff]
        return sorted(members, key=ip_sort_key)

    def pools_containing(self, account: str, ip: str) -> list:
        return sorted(pool.name for pool in self.pools_of(account).values()
                      if ip in self.visible_members(pool))

    def next_free_ip(self) -> str:
        """Deterministic allocation for POST /v3/ips: the lowest unused 149.72.0.0/16 host."""
        network = ipaddress.ip_network("149.72.0.0/16")
        for host in network.hosts():
            candidate = str(host)
            if candidate not in self.ips:
                return candidate
        raise bad_request("no IP addresses left to allocate", "count")
