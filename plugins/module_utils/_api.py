# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The SendGrid HTTP client of mailops.sendgrid.

PRIVATE: this module is internal to the mailops.sendgrid collection. It is not a public API and may
change in any release without notice. Do not import it from other collections.

This is the only place in the collection where HTTP happens.
"""

from __future__ import annotations

import email.utils
import json
import time
from typing import Optional

try:
    import requests
    from requests.exceptions import ConnectionError as _RequestsConnectionError
    from requests.exceptions import RequestException as _RequestException
    from requests.exceptions import SSLError as _RequestsSSLError
    from requests.exceptions import Timeout as _RequestsTimeout
except ImportError as exc:  # pragma: no cover - exercised through the module runner
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR: Optional[ImportError] = exc
else:
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None


COLLECTION_VERSION = "0.1.0"
USER_AGENT = "mailops.sendgrid/%s (Ansible collection; +https://github.com/mailops/sendgrid)" % COLLECTION_VERSION

GLOBAL_API_URL = "https://api.sendgrid.com"
EU_API_URL = "https://api.eu.sendgrid.com"

RETRYABLE_STATUSES = frozenset((500, 502, 503, 504))
WRITE_METHODS = frozenset(("POST", "PUT", "PATCH", "DELETE"))

# Retry schedule for 5xx and connection errors on requests that are safe to repeat.
DEFAULT_MAX_RETRIES = 3
RETRY_BACKOFF = 0.5
# A 429 without any reset header: back off exponentially from here, capped.
RATE_LIMIT_BACKOFF = 1.0
RATE_LIMIT_BACKOFF_CAP = 32.0
# X-RateLimit-Reset values at or above this are Unix epoch times, below it seconds to wait.
EPOCH_THRESHOLD = 1e9

_REDACTED = "********"


class SendGridError(Exception):
    """Base class of every error this client raises. ``details`` go into the module result."""

    def __init__(self, message, **details):
        super().__init__(message)
        self.message = message
        self.details = details


class NetworkError(SendGridError):
    """The request did not get an HTTP answer (connection refused or dropped, timeout, TLS)."""


class APIError(SendGridError):
    """SendGrid answered with an error status."""

    def __init__(self, method, path, status, messages, raw=None, note=None):
        self.method = method
        self.path = path
        self.status = status
        self.messages = messages
        text = "; ".join(_format_error_item(item) for item in messages) or (raw or "no error message")
        message = "SendGrid API request %s %s failed with HTTP %s: %s" % (method, path, status, text)
        if note:
            message = "%s (%s)" % (message, note)
        super().__init__(message, method=method, path=path, status=status, errors=messages)


class AuthenticationError(APIError):
    """401 or 403: the key is wrong, lacks a scope, or the on-behalf-of account is not reachable."""


class RateLimitedError(APIError):
    """429 for longer than rate_limit_timeout allows."""


def _format_error_item(item):
    field = item.get("field")
    message = item.get("message") or ""
    return "%s: %s" % (field, message) if field else message


def _error_messages(payload):
    """SendGrid's two error shapes: ``{"errors": [{"field", "message"}]}`` and ``{"error": "..."}``."""
    if isinstance(payload, dict):
        errors = payload.get("errors")
        if isinstance(errors, list):
            return [
                {"field": e.get("field"), "message": e.get("message")} if isinstance(e, dict) else {"field": None, "message": str(e)}
                for e in errors
            ]
        if isinstance(payload.get("error"), str):
            return [{"field": None, "message": payload["error"]}]
    return []


def _header(headers, name):
    """Header lookup that does not depend on the mapping being case-insensitive."""
    lowered = name.lower()
    for key, value in headers.items():
        if key.lower() == lowered:
            return value
    return None


def rate_limit_wait(headers, now):
    """Seconds to wait before retrying a 429, from its headers, or None when they do not say."""
    waits = []
    reset = _header(headers, "X-RateLimit-Reset")
    if reset is not None:
        try:
            value = float(reset)
        except ValueError:
            value = None
        if value is not None:
            waits.append(value - now if value >= EPOCH_THRESHOLD else value)
    retry_after = _header(headers, "Retry-After")
    if retry_after is not None:
        try:
            waits.append(float(retry_after))
        except ValueError:
            parsed = email.utils.parsedate_tz(retry_after)
            if parsed is not None:
                waits.append(email.utils.mktime_tz(parsed) - now)
    if not waits:
        return None
    return max([0.0] + waits)


class SendGridClient:
    """One client per module run: one ``requests.Session``, so paginated reads reuse the connection."""

    def __init__(
        self,
        api_key,
        api_url=GLOBAL_API_URL,
        on_behalf_of=None,
        timeout=30,
        validate_certs=True,
        rate_limit_timeout=300,
        max_retries=DEFAULT_MAX_RETRIES,
        sleep=None,
        clock=None,
        session=None,
    ):
        self._api_key = api_key
        self.api_url = api_url.rstrip("/")
        self.on_behalf_of = on_behalf_of
        self.timeout = timeout
        self.validate_certs = validate_certs
        self.rate_limit_timeout = rate_limit_timeout
        self.max_retries = max_retries
        self._sleep = sleep or _sleep
        self._clock = clock or _now
        self._session = session or requests.Session()
        self._session.headers.update(
            {
                "Authorization": "Bearer %s" % api_key,
                "User-Agent": USER_AGENT,
                "Accept": "application/json",
            }
        )
        if on_behalf_of:
            self._session.headers["on-behalf-of"] = on_behalf_of
        self.rate_limit_waited = 0.0

    # -- public verbs -------------------------------------------------------------------------

    def get(self, path, query=None, not_found_ok=False):
        return self.request("GET", path, query=query, not_found_ok=not_found_ok)

    def post(self, path, body=None, query=None, retry_safe=False, not_found_ok=False):
        """``retry_safe=True`` only where repeating the POST cannot create a second object."""
        return self.request("POST", path, query=query, body=body, retry_safe=retry_safe, not_found_ok=not_found_ok)

    def put(self, path, body=None, not_found_ok=False):
        return self.request("PUT", path, body=body, not_found_ok=not_found_ok)

    def patch(self, path, body=None, not_found_ok=False):
        return self.request("PATCH", path, body=body, not_found_ok=not_found_ok)

    def delete(self, path, query=None, body=None, not_found_ok=False):
        return self.request("DELETE", path, query=query, body=body, not_found_ok=not_found_ok)

    def paginate(self, path, query=None, limit=500, items_key=None, offset=True):
        """Every item of a ``limit``/``offset`` list; stops on a short page.

        ``offset=False`` is for lists that take only ``limit`` (link branding): one request with the
        largest page the API allows.
        """
        query = dict(query or {})
        start = 0
        while True:
            page_query = dict(query, limit=limit)
            if offset:
                page_query["offset"] = start
            page = self.get(path, query=page_query) or []
            if items_key is not None and isinstance(page, dict):
                page = page.get(items_key) or []
            yield from page
            if not offset or len(page) < limit:
                return
            start += limit

    # -- the one request loop -----------------------------------------------------------------

    def request(self, method, path, query=None, body=None, not_found_ok=False, retry_safe=None):
        """Send one API request and return its parsed JSON body (``None`` for an empty body).

        429 is waited out (bounded by ``rate_limit_timeout``) for every method, because SendGrid did
        not process the request. 5xx and connection errors are retried only when ``retry_safe``
        (default: every method but POST). A 404 returns ``None`` when ``not_found_ok``.
        """
        method = method.upper()
        if retry_safe is None:
            retry_safe = method != "POST"
        url = self.api_url + path
        kwargs = {"params": _encode_query(query), "timeout": self.timeout, "verify": self.validate_certs}
        if body is not None:
            kwargs["data"] = json.dumps(body)
            kwargs["headers"] = {"Content-Type": "application/json"}
        retries = 0
        rate_limit_attempt = 0
        while True:
            try:
                response = self._session.request(method, url, **kwargs)
            except _RequestsSSLError as exc:
                raise NetworkError(
                    self._redact(
                        "TLS error on %s %s: %s. Set validate_certs=false for a self-signed test endpoint, "
                        "or trust its CA with the REQUESTS_CA_BUNDLE environment variable." % (method, path, exc)
                    ),
                    method=method,
                    path=path,
                )
            except (_RequestsConnectionError, _RequestsTimeout) as exc:
                if retry_safe and retries < self.max_retries:
                    self._sleep(RETRY_BACKOFF * (2 ** retries))
                    retries += 1
                    continue
                kind = "timed out after %ss" % self.timeout if isinstance(exc, _RequestsTimeout) else "could not connect"
                raise NetworkError(
                    self._redact("SendGrid API request %s %s %s: %s" % (method, path, kind, exc)),
                    method=method,
                    path=path,
                    attempts=retries + 1,
                )
            except _RequestException as exc:
                raise NetworkError(self._redact("SendGrid API request %s %s failed: %s" % (method, path, exc)), method=method, path=path)

            status = response.status_code
            if status == 429:
                wait = rate_limit_wait(response.headers, self._clock())
                if wait is None:
                    wait = min(RATE_LIMIT_BACKOFF * (2 ** rate_limit_attempt), RATE_LIMIT_BACKOFF_CAP)
                rate_limit_attempt += 1
                if self.rate_limit_waited + wait > self.rate_limit_timeout:
                    note = "rate limited: waited %.1fs in total, the next wait of %.1fs would pass rate_limit_timeout=%s" % (
                        self.rate_limit_waited,
                        wait,
                        self.rate_limit_timeout,
                    )
                    raise RateLimitedError(
                        method, path, status, _error_messages(_json_or_none(response)), raw=self._redact(response.text[:200]), note=note
                    )
                self._sleep(wait)
                self.rate_limit_waited += wait
                continue
            if status in RETRYABLE_STATUSES and retry_safe and retries < self.max_retries:
                self._sleep(RETRY_BACKOFF * (2 ** retries))
                retries += 1
                continue
            return self._handle(method, path, response, not_found_ok)

    def _handle(self, method, path, response, not_found_ok):
        status = response.status_code
        if status == 404 and not_found_ok:
            return None
        if 200 <= status < 300:
            if status == 204 or not response.content:
                return None
            try:
                return response.json()
            except ValueError:
                raise APIError(method, path, status, [{"field": None, "message": "the response body is not JSON: %r" % self._redact(response.text[:200])}])
        payload = _json_or_none(response)
        messages = _error_messages(payload)
        raw = None if messages else self._redact(response.text[:200]) or None
        messages = [{"field": m["field"], "message": self._redact(m["message"] or "")} for m in messages]
        error_class = AuthenticationError if status in (401, 403) else APIError
        raise error_class(method, path, status, messages, raw=raw)

    def _redact(self, text):
        if self._api_key and text:
            text = text.replace(self._api_key, _REDACTED)
        return text


def _sleep(seconds):
    # Resolved at call time (not bound at import) so tests can patch time.sleep.
    time.sleep(seconds)


def _now():
    return time.time()


def _json_or_none(response):
    try:
        return response.json()
    except ValueError:
        return None


def _encode_query(query):
    """Booleans as SendGrid expects them in query strings; drop unset parameters."""
    if not query:
        return None
    encoded = {}
    for key, value in query.items():
        if value is None:
            continue
        encoded[key] = ("true" if value else "false") if isinstance(value, bool) else value
    return encoded


def api_url_for(api_url, data_residency):
    """``api_url`` wins; otherwise the data residency picks SendGrid's global or EU host."""
    if api_url:
        return api_url
    return EU_API_URL if data_residency == "eu" else GLOBAL_API_URL
