# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The HTTP side: one ``SimulatorApp`` (state + traffic controls) behind a standard-library
``ThreadingHTTPServer``.

A ``/v3/`` request goes through, in order: a "before" fault, the rate limiter, the API
key, ``on-behalf-of``, routing, the key's scopes, OpenAPI validation, the endpoint, and
an "after" fault. Every one is written to the request log (never with its headers).
"""

from __future__ import annotations

import json
import re
import sys
import time
import traceback
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Optional
from urllib.parse import parse_qs, urlsplit

from . import domains, ips, links, reverse_dns, subusers
from .control_api import ControlApi
from .dns import RecordTable, ServerResolver
from .routing import WRITE_METHODS, Request, Router
from .spec import SpecValidator
from .state import Account, ApiError, Store, forbidden
from .traffic import FaultRules, RateLimiter, RequestLog

CONTROL_PREFIX = "/_simulator"
API_PREFIX = "/v3/"
NOT_JSON_BODY = b"<html><body><h1>502 Bad Gateway</h1></body></html>"
_ACCOUNT_ID = re.compile(r"^account-id\s+(\d+)$", re.IGNORECASE)


def error_body(message: str, field_name: Optional[str] = None) -> dict:
    return {"errors": [{"field": field_name, "message": message}]}


@dataclass
class Outcome:
    """What to send back for one API request, and what to write in the log about it."""
    status: int = 200
    body: Any = None
    headers: dict = field(default_factory=dict)
    raw: Optional[bytes] = None  # a non-JSON body, sent as is
    drop: bool = False  # close the connection without answering
    account: Optional[str] = None
    fault: Optional[str] = None
    spec_violation: Optional[dict] = None
    delay_after: float = 0.0


class SimulatorApp:
    def __init__(self, api_key: str, openapi_dir=None, dns_server: Optional[str] = None,
                 rate_limit: Optional[int] = None, dialect: Optional[dict] = None):
        self.store = Store(api_key, dialect)
        self.dns_table = RecordTable()
        self.resolver = ServerResolver(dns_server) if dns_server else self.dns_table
        self.spec = SpecValidator.from_directory(openapi_dir)
        self.log = RequestLog()
        self.faults = FaultRules()
        self.initial_rate_limit = rate_limit
        self.limiter = RateLimiter(rate_limit)
        self.router = Router(ips.ROUTES + reverse_dns.ROUTES + domains.ROUTES + links.ROUTES
                             + subusers.ROUTES)
        self.control = ControlApi(self)

    # -- the /v3/ pipeline -----------------------------------------------------------
    def handle_api(self, method: str, path: str, query: dict, raw_body: bytes,
                   authorization: Optional[str], on_behalf_of: Optional[str]) -> Outcome:
        fault = self.faults.take(method, path, "before")
        if fault is not None and fault.action == "delay":
            time.sleep(fault.delay)  # slow, then answered normally
        self.limiter.window_seconds = 60 if self.store.dialect.get("per_minute") else 1
        allowed, rate_headers = self.limiter.admit()
        if fault is not None and fault.action != "delay":
            outcome = self._fault_outcome(fault)
            outcome.headers = {**rate_headers, **outcome.headers}
            return outcome
        if not allowed:
            return Outcome(429, error_body("too many requests"), dict(rate_headers))
        outcome = self._process(method, path, query, raw_body, authorization, on_behalf_of)
        outcome.headers = {**rate_headers, **outcome.headers}
        if fault is not None:
            outcome.fault = fault.action
        after = self.faults.take(method, path, "after")
        if after is not None:
            self._apply_after(outcome, after)
        return outcome

    def _fault_outcome(self, fault) -> Outcome:
        if fault.action == "drop":
            return Outcome(0, drop=True, fault="drop")
        if fault.action == "not_json":
            return Outcome(fault.status or 200, raw=NOT_JSON_BODY, fault="not_json",
                           headers={"Content-Type": "text/html", **fault.headers})
        return Outcome(fault.status, self._fault_body(fault), dict(fault.headers),
                       fault="status")

    @staticmethod
    def _fault_body(fault) -> Any:
        if fault.body is not None:
            return fault.body
        if fault.status == 429:
            return error_body("too many requests")
        return error_body("simulated fault")

    def _apply_after(self, outcome: Outcome, fault) -> None:
        """The request was processed (state changed); now its answer is replaced or lost,
        as when a response goes missing on the way back."""
        outcome.fault = fault.action
        if fault.action == "drop":
            outcome.drop = True
        elif fault.action == "not_json":
            outcome.status = fault.status or outcome.status
            outcome.raw = NOT_JSON_BODY
            outcome.headers.update({"Content-Type": "text/html", **fault.headers})
        elif fault.action == "status":
            outcome.status = fault.status
            outcome.body = self._fault_body(fault)
            outcome.headers.update(fault.headers)
        else:
            outcome.delay_after = fault.delay

    def _process(self, method, path, query, raw_body, authorization, on_behalf_of) -> Outcome:
        key = self._api_key(authorization)
        if key is None:
            return Outcome(401, error_body("authorization required"))
        try:
            account = self._account(key, on_behalf_of)
        except ApiError as err:
            return Outcome(err.status, err.body)
        outcome = Outcome(account=account.username)
        route, params = self.router.find(method, path)
        if route is None:
            outcome.status, outcome.body = ((405, error_body("method not allowed")) if params
                                            else (404, error_body("resource not found")))
            return outcome
        if key.scopes is not None and route.scope not in key.scopes:
            outcome.status, outcome.body = 403, error_body("access forbidden")
            return outcome
        body, violation = self._parse_and_check(method, path, query, raw_body)
        if violation is not None:
            outcome.status, outcome.body = 400, {"errors": [violation]}
            outcome.spec_violation = violation
            return outcome
        request = Request(method, path, params, query, body, account, self.store, self.resolver)
        self._run(route, request, outcome)
        return outcome

    def _api_key(self, authorization: Optional[str]):
        if not authorization:
            return None
        scheme, dummy, token = authorization.strip().partition(" ")
        if scheme.lower() != "bearer":
            return None
        return self.store.api_keys.get(token.strip())

    def _account(self, key, on_behalf_of: Optional[str]) -> Account:
        account = self.store.accounts.get(key.username)
        if account is None:
            raise forbidden()
        if on_behalf_of is None or not on_behalf_of.strip():
            return account
        # Only a parent may act for another account. An unknown subuser gets the same
        # 403 as a missing permission (the live API's exact answer is not documented).
        if not account.is_parent:
            raise forbidden()
        value = on_behalf_of.strip()
        match = _ACCOUNT_ID.match(value)
        target = (self.store.account_by_id(int(match.group(1))) if match
                  else self.store.accounts.get(value))
        if target is None:
            raise forbidden()
        return target

    def _parse_and_check(self, method, path, query, raw_body) -> tuple[Any, Optional[dict]]:
        body = None
        if raw_body and raw_body.strip():
            try:
                body = json.loads(raw_body)
            except (ValueError, UnicodeDecodeError):
                return None, {"field": None, "message": "request body is not valid JSON"}
        if self.spec is not None:
            violation = self.spec.validate(method, path, query, body)
            if violation is not None:
                return body, violation.as_dict()
        return body, None

    def _run(self, route, request: Request, outcome: Outcome) -> None:
        try:
            with self.store.lock:
                response = route.handler(request)
            outcome.status, outcome.body = response.status, response.body
            outcome.headers.update(response.headers)
        except ApiError as err:
            outcome.status, outcome.body = err.status, err.body
            outcome.headers.update(err.headers)
        except Exception:  # a simulator bug must still answer, and show up in stderr
            traceback.print_exc(file=sys.stderr)
            outcome.status, outcome.body = 500, error_body("internal error")

    def record(self, method: str, path: str, query: dict, body: Any, outcome: Outcome) -> None:
        self.log.record({
            "method": method,
            "path": path,
            "query": {k: (v[0] if len(v) == 1 else v) for k, v in query.items()},
            "body": body,
            "status": None if outcome.drop else outcome.status,
            "write": method in WRITE_METHODS,
            "account": outcome.account,
            "fault": outcome.fault,
            "spec_violation": outcome.spec_violation,
        })


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body leave in two writes; without this, Nagle's algorithm and the
    # client's delayed ACK add ~40 ms to every keep-alive request.
    disable_nagle_algorithm = True
    server_version = "SendGridSimulator/1.0"
    app: SimulatorApp  # set on the subclass made by make_server
    quiet = False

    def do_GET(self):
        self._dispatch()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = do_GET

    def _dispatch(self) -> None:
        parts = urlsplit(self.path)
        path, query = parts.path, parse_qs(parts.query, keep_blank_values=True)
        raw_body = self._read_body()
        if path == CONTROL_PREFIX or path.startswith(CONTROL_PREFIX + "/"):
            self._control(path, query, raw_body)
        else:
            self._api(path, query, raw_body)

    def _read_body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _control(self, path: str, query: dict, raw_body: bytes) -> None:
        name = path[len(CONTROL_PREFIX):].strip("/")
        try:
            body = json.loads(raw_body) if raw_body.strip() else None
        except ValueError:
            self._send(400, {"error": "the body is not valid JSON"}, {})
            return
        status, answer = self.app.control.handle(self.command, name, body, query)
        self._send(status, answer, {})

    def _api(self, path: str, query: dict, raw_body: bytes) -> None:
        app = self.app
        if not path.startswith(API_PREFIX):
            outcome = Outcome(404, error_body("resource not found"))
        else:
            outcome = app.handle_api(self.command, path, query, raw_body,
                                     self.headers.get("Authorization"),
                                     self.headers.get("On-Behalf-Of"))
        app.record(self.command, path, query, self._logged_body(raw_body), outcome)
        if outcome.delay_after:
            time.sleep(outcome.delay_after)
        if outcome.drop:
            self.close_connection = True
            self._access_log("-")
            return
        if outcome.raw is not None:
            self._send_raw(outcome.status, outcome.raw, outcome.headers)
        else:
            self._send(outcome.status, outcome.body, outcome.headers)

    @staticmethod
    def _logged_body(raw_body: bytes) -> Any:
        if not raw_body.strip():
            return None
        try:
            return json.loads(raw_body)
        except (ValueError, UnicodeDecodeError):
            return raw_body.decode("utf-8", "replace")

    def _send(self, status: int, body: Any, headers: dict) -> None:
        data = b"" if status == 204 or body is None else json.dumps(body).encode("utf-8")
        headers = {"Content-Type": "application/json", **headers}
        self._send_raw(status, data, headers)

    def _send_raw(self, status: int, data: bytes, headers: dict) -> None:
        self.send_response_only(status)
        self.send_header("Date", self.date_time_string())
        for name, value in headers.items():
            if value is None:  # a fault's header set to null removes the header
                continue
            self.send_header(name, str(value))
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD" and data:
            self.wfile.write(data)
        self._access_log(status)

    def _access_log(self, status) -> None:
        # Only method, path and status: headers (and so the API key) are never written.
        if not self.quiet:
            sys.stderr.write(f'{self.address_string()} "{self.command} {self.path}" {status}\n')

    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        if not self.quiet:
            sys.stderr.write(f"{self.address_string()} {format % args}\n")


def make_server(app: SimulatorApp, host: str, port: int, quiet: bool = False):
    handler = type("BoundHandler", (Handler,), {"app": app, "quiet": quiet})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server
