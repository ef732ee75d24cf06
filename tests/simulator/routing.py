# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Route table, the request context handed to endpoint functions, and small helpers.

Every endpoint is a function ``handler(req) -> Response`` registered with its method,
path template (the same ``{name}`` syntax as the OpenAPI files) and the API-key scope it
needs. Handlers raise ``state.ApiError`` for error answers.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Optional
from urllib.parse import unquote

from .state import Account, Store, bad_request

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


@dataclass
class Response:
    status: int
    body: Any = None
    headers: dict = field(default_factory=dict)


@dataclass
class Request:
    method: str
    path: str
    params: dict  # path parameters, URL-decoded strings
    query: dict  # name -> list of values
    body: Any
    account: Account
    store: Store
    resolver: Any  # a dns.RecordTable or dns.ServerResolver

    def arg(self, name: str, default: Optional[str] = None) -> Optional[str]:
        values = self.query.get(name)
        return values[-1] if values else default

    def int_arg(self, name: str, default: Optional[int] = None, minimum: Optional[int] = None):
        raw = self.arg(name)
        if raw is None or raw == "":
            return default
        try:
            value = int(raw)
        except ValueError:
            raise bad_request(f"{name} must be an integer", name) from None
        if minimum is not None and value < minimum:
            raise bad_request(f"{name} must be at least {minimum}", name)
        return value

    def bool_arg(self, name: str, default: bool = False) -> bool:
        raw = self.arg(name)
        if raw is None or raw == "":
            return default
        if raw.lower() in ("true", "1"):
            return True
        if raw.lower() in ("false", "0"):
            return False
        raise bad_request(f"{name} must be a boolean", name)

    def json(self) -> dict:
        """The body as an object; an absent body is an empty object."""
        if self.body is None:
            return {}
        if not isinstance(self.body, dict):
            raise bad_request("request body must be a JSON object")
        return self.body


@dataclass
class Route:
    method: str
    template: str
    handler: Callable[[Request], Response]
    scope: str
    segments: tuple = ()

    def __post_init__(self):
        self.segments = tuple(self.template.strip("/").split("/"))

    def match(self, parts: list) -> Optional[dict]:
        if len(parts) != len(self.segments):
            return None
        params = {}
        for want, got in zip(self.segments, parts):
            if want.startswith("{") and want.endswith("}"):
                if got == "":
                    return None
                params[want[1:-1]] = got
            elif want != got:
                return None
        return params

    @property
    def specificity(self) -> tuple:
        # Literal segments win over parameters, earlier segments first:
        # /v3/ips/assigned must not be taken for /v3/ips/{ip_address}.
        return tuple(0 if s.startswith("{") else 1 for s in self.segments)


def split_path(path: str) -> list:
    return [unquote(part) for part in path.strip("/").split("/")]


class Router:
    def __init__(self, routes: list):
        self.routes = sorted(routes, key=lambda r: r.specificity, reverse=True)

    def find(self, method: str, path: str):
        """Answer (route, params), or (None, allowed_methods) when nothing matches."""
        parts = split_path(path)
        allowed = []
        for route in self.routes:
            params = route.match(parts)
            if params is None:
                continue
            if route.method == method:
                return route, params
            allowed.append(route.method)
        return None, allowed


# -- shared input checks ---------------------------------------------------------------
_LABEL = r"(?!-)[a-z0-9-]{1,63}(?<!-)"
_HOSTNAME = re.compile(rf"^{_LABEL}(\.{_LABEL})+$")
_SUBDOMAIN = re.compile(rf"^{_LABEL}(\.{_LABEL})*$")


def require_domain(value: Any, field_name: str = "domain") -> str:
    if not isinstance(value, str) or not value:
        raise bad_request(f"{field_name} is required", field_name)
    domain = value.strip().rstrip(".").lower()
    if not _HOSTNAME.match(domain):
        raise bad_request(f"invalid domain: {value}", field_name)
    return domain


def optional_subdomain(value: Any, field_name: str = "subdomain") -> Optional[str]:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not _SUBDOMAIN.match(value.strip().lower()):
        raise bad_request(f"invalid subdomain: {value}", field_name)
    return value.strip().lower()


def require_ipv4(value: Any, field_name: str = "ip") -> str:
    if not isinstance(value, str) or not value:
        raise bad_request(f"{field_name} is required", field_name)
    try:
        return str(ipaddress.IPv4Address(value.strip()))
    except ValueError:
        raise bad_request(f"invalid IP address: {value}", field_name) from None


def optional_bool(body: dict, name: str, default: bool) -> bool:
    value = body.get(name, default)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise bad_request(f"{name} must be a boolean", name)
    return value


def paginate(items: list, limit: Optional[int], offset: int = 0, cap: Optional[int] = None) -> list:
    """A page of ``items``; no limit means the rest of the list. ``cap`` (the page_cap dialect) is the most a
    page holds, whatever ``limit`` asks."""
    if cap:
        limit = cap if limit is None else min(limit, cap)
    if offset:
        items = items[offset:]
    if limit is not None:
        items = items[:max(limit, 0)]
    return items


def parse_id(raw: str, missing: Callable[[], Exception]) -> int:
    """Object ids are integers; anything else cannot name an object, so it is a 404."""
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise missing() from None
    if value <= 0:
        raise missing()
    return value


def reject_unknown_fields(body: dict, allowed: set) -> None:
    for name in body:
        if name not in allowed:
            raise bad_request(f"{name} cannot be updated with this endpoint", name)
