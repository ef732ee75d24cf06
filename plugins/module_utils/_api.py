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
import math
import random
import time
from typing import Any, Callable, Optional
from urllib.parse import quote, urlsplit

from ._rate_gate import GateTimeout, RateGate

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
# Every 429 wait gets a random extra of up to this many seconds, doubling with each 429 of the same
# request up to the cap: processes that were refused together do not all come back at the same
# instant (the reset second) and refuse each other again.
RATE_LIMIT_JITTER = 0.5
RATE_LIMIT_JITTER_CAP = 8.0
# However small the waits, a request is sent at most this many times while SendGrid answers 429.
RATE_LIMIT_MAX_ATTEMPTS = 60
# An answer body larger than this is refused (SendGrid's largest list pages are well under 1 MiB).
MAX_BODY_BYTES = 8 * 1024 * 1024
# Bytes asked of the socket per read while the body arrives.
_READ_CHUNK = 64 * 1024
# The most pages one list read may take (500 items a page: far more objects than SendGrid lets an account have).
MAX_PAGES = 200
# The smallest page size SendGrid could plausibly cap a list at: its smallest documented default page
# (``GET /v3/ips``: 10). A page with fewer items than this cannot have been cut short by a server-side
# cap, so it ends the list; a longer page that is still shorter than the ``limit`` asked for might have
# been, so the next page is read too (see ``paginate``).
MIN_PLAUSIBLE_PAGE_CAP = 10

_REDACTED = "********"


def api_path(base, *steps):
    """The one path builder: ``base`` (a constant such as ``/v3/ips/pools``) and each step quoted whole.

    A step is a name, an id or an IP from the user or an answer: quoting it whole (``/`` too) keeps it one path
    step, so a pool named ``a/b`` cannot reach another endpoint. ``:`` is left as it is: it is allowed in a
    path step, and SendGrid's own endpoints use it (``subuser:add``).
    """
    return "/".join((base,) + tuple(quote(str(step), safe=":") for step in steps))


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


class Refusal:
    """An error answer the call declared it expects (``accept_errors``): returned to the caller, never raised.

    The community.hrobot way: the request names at its call site which refusals are answers there, so no caller
    catches an exception and reads its status or text afterwards. ``error`` is the ``APIError`` the answer would
    have raised, for a caller that finds on a closer look (a read) that the refusal was not what it expected.
    """

    def __init__(self, error, after_retry=False):
        self.error = error
        self.status = error.status
        self.messages = error.messages
        # The request was sent again after a 5xx or a lost connection: the earlier try may have done what the
        # refusal says is done already ("already a member"), so the refusal proves nothing about this run's change.
        self.after_retry = after_retry

    def says_any(self, words):
        """Whether SendGrid's message holds one of ``words`` (lower case). Only where no read can decide."""
        text = " ".join(item.get("message") or "" for item in self.messages).lower()
        return any(word in text for word in words)

    def __repr__(self):
        return "Refusal(%s %s: HTTP %s)" % (self.error.method, self.error.path, self.status)


class AuthenticationError(APIError):
    """401 or 403: the key is wrong, lacks a scope, or the on-behalf-of account is not reachable."""


class RateLimitedError(APIError):
    """429 for longer than rate_limit_timeout allows."""


class UnexpectedAnswer(APIError):
    """SendGrid answered 2xx with a body of a shape the request cannot have (a mapping for a list, no id...)."""

    def __init__(self, method, path, status, problem):
        super().__init__(method, path, status, [{"field": None, "message": problem}])


def secret_forms(value):
    """Every form in which ``value`` could appear in a message: as given, stripped, and as Python would quote it."""
    forms = set()
    for form in (value, (value or "").strip()):
        if form:
            forms.add(form)
            forms.add(repr(form)[1:-1])
            forms.add(json.dumps(form)[1:-1])
    # Longest first, so a longer form is not left half-replaced by a shorter one inside it.
    return sorted((f for f in forms if len(f) >= 4), key=len, reverse=True)


def header_value_problem(value, spaces=False):
    """Why ``value`` cannot be sent as an HTTP header value (None when it can): line breaks, control characters,
    characters outside printable ASCII, and blanks inside it unless ``spaces`` (``account-id 42``)."""
    if any(c in "\r\n" for c in value):
        return "contains a line break inside it"
    if not spaces and any(c.isspace() for c in value):
        return "contains blanks inside it"
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        return "contains control characters"
    if any(ord(c) > 126 for c in value):
        return "contains characters outside printable ASCII"
    return None


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
    """Seconds to wait before retrying a 429, from its headers, or None when they do not say.

    Only a finite wait of more than zero counts: a reset of ``0``, a negative or non-numeric value, NaN, or a
    time already past says nothing usable, and then the caller backs off exponentially (waiting zero
    seconds would turn the retry loop into a busy loop against the API).
    """
    waits = []
    reset = _header(headers, "X-RateLimit-Reset")
    if reset is not None:
        value = _float_or_none(reset)
        if value is not None:
            waits.append(value - now if value >= EPOCH_THRESHOLD else value)
    retry_after = _header(headers, "Retry-After")
    if retry_after is not None:
        value = _float_or_none(retry_after)
        if value is None:
            parsed = email.utils.parsedate_tz(retry_after)
            if parsed is not None:
                value = email.utils.mktime_tz(parsed) - now
        if value is not None:
            waits.append(value)
    waits = [wait for wait in waits if math.isfinite(wait) and wait > 0]
    if not waits:
        return None
    return max(waits)


def _float_or_none(text):
    try:
        value = float(str(text).strip())
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


class RequestVerbs:
    """The HTTP verbs, each one ``self.request(METHOD, ...)``: for the client and for what stands in for it (the
    fleet's account snapshot), so that every request of either goes through its one ``request``."""

    # Supplied by each class: the one method that sends a request (or answers it, for the snapshot's reads).
    request: Callable[..., Any]

    def get(self, path, query=None, not_found_ok=False, expect=None):
        return self.request("GET", path, query=query, not_found_ok=not_found_ok, expect=expect)

    def post(self, path, body=None, query=None, retry_safe=False, not_found_ok=False, expect=None, accept_errors=()):
        """``retry_safe=True`` only where repeating the POST cannot create a second object."""
        return self.request(
            "POST", path, query=query, body=body, retry_safe=retry_safe, not_found_ok=not_found_ok, expect=expect,
            accept_errors=accept_errors,
        )

    def put(self, path, body=None, not_found_ok=False, expect=None):
        return self.request("PUT", path, body=body, not_found_ok=not_found_ok, expect=expect)

    def patch(self, path, body=None, not_found_ok=False, expect=None):
        return self.request("PATCH", path, body=body, not_found_ok=not_found_ok, expect=expect)

    def delete(self, path, query=None, body=None, not_found_ok=False):
        return self.request("DELETE", path, query=query, body=body, not_found_ok=not_found_ok)


class SendGridClient(RequestVerbs):
    """One client per module run: one ``requests.Session``, so paginated reads reuse the connection.

    ``api_key`` and ``on_behalf_of`` are used without surrounding blanks (a key read from a file or a YAML
    block scalar often ends with a line break); ``ValueError`` (naming the option, never the value) when
    they hold blanks or control characters inside, which no HTTP header can carry.
    """

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
        random_fraction=None,
        share_rate_limits=False,
        rate_gate_directory=None,
    ):
        # Every form of the key is redacted from every message, also when it is refused below.
        self._secrets = secret_forms(api_key)
        api_key = (api_key or "").strip()
        on_behalf_of = (on_behalf_of or "").strip() or None
        for option, value, spaces in (("api_key", api_key, False), ("on_behalf_of", on_behalf_of, True)):
            problem = header_value_problem(value, spaces) if value else None
            if problem:
                raise ValueError("%s %s; it is sent as an HTTP header and cannot be used" % (option, problem))
        self._api_key = api_key
        self.api_url = api_url.rstrip("/")
        self.on_behalf_of = on_behalf_of
        self.timeout = timeout
        self.validate_certs = validate_certs
        self.rate_limit_timeout = rate_limit_timeout
        self.max_retries = max_retries
        self._sleep = sleep or _sleep
        self._clock = clock or _now
        self._random = random_fraction or _jitter_fraction
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
        self.rate_limit_answers = 0
        # The module processes of one controller that use this key take turns after a 429 (_rate_gate).
        self._gate = None
        self._waited_until = 0.0
        if share_rate_limits:
            gate = RateGate(self.api_url, api_key, self._sleep, self._clock, self._random, rate_gate_directory)
            self._gate = gate if gate.enabled else None
        # (method, path, status) of the last answer, so a failure to read it can name the request.
        self.last_request = None

    def paginate(self, path, query=None, limit=500, items_key=None, offset=True, key=None, first_offset=True, report=None,
                 limit_is_total=False):
        """Every item of a ``limit``/``offset`` list, each once.

        A page that is not a list is an error (never read as "no items"). The list ends with a page that
        has fewer items than ``MIN_PLAUSIBLE_PAGE_CAP`` (no server-side page cap can have cut it short), an
        empty page, a page that adds no item not seen before (a server that ignores ``offset`` serves the
        same page again), or a page shorter than an earlier one (every page but the last has the server's page
        size). A first page that is shorter than ``limit`` but not that short may have been capped by the server,
        so the next page is read from where it ended: the common filtered lookup (a handful of items) stays at one
        request, and a capped server cannot make a lookup miss an object and create a duplicate. Items are de-duplicated by ``key(item)``
        (default: their ``id``, else their ``ip``/``name``); more than ``MAX_PAGES`` pages is an error.

        ``offset=False`` reads one page only. ``first_offset=False`` leaves ``offset`` out of the first request
        (for a list that does not document it: link branding) and sends it only to read on after a page that may
        have been capped. ``report`` (a dict) gets ``maybe_capped=True`` when the list ended on a page that may
        have been cut short by a cap while the server ignored ``offset`` (it served nothing new): then the items
        read may not be all of them, and a caller must not conclude "absent" without saying so.
        ``limit_is_total``: ``limit`` is also the most items the list can hold, so a full page is the whole list.
        """
        query = dict(query or {})
        key = key or _item_key
        seen = set()
        start = 0
        page_size = None
        for _page_number in range(MAX_PAGES):
            page_query = dict(query, limit=limit)
            if offset and (start or first_offset):
                page_query["offset"] = start
            page = self.get(path, query=page_query)
            if items_key is not None and isinstance(page, dict):
                page = page.get(items_key)
            if not isinstance(page, list):
                method, answered_path, status = self.last_request or ("GET", path, None)
                raise UnexpectedAnswer(
                    method, answered_path, status,
                    "the answer is not a list of items (%s): SendGrid's list endpoints answer a JSON array; "
                    "the answer cannot tell which objects exist, so nothing was decided from it" % _shape(page),
                )
            new = 0
            for item in page:
                item_key = key(item)
                if item_key is not None:
                    if item_key in seen:
                        continue
                    seen.add(item_key)
                new += 1
                yield item
            if not offset or not page or new == 0:
                if offset and page and new == 0 and report is not None:
                    report["maybe_capped"] = True
                return
            # Every page but the last has exactly the server's page size. Before a page has shown that size, only a
            # page too short to be any plausible cap ends the list; after, a page shorter than it does.
            if len(page) < (min(limit, MIN_PLAUSIBLE_PAGE_CAP) if page_size is None else page_size):
                return
            if limit_is_total and len(page) >= limit:
                return
            page_size = max(page_size or 0, len(page))
            start += len(page)
        raise UnexpectedAnswer(
            "GET", path, None,
            "the list did not end after %d pages: SendGrid kept answering new items (or ignored offset while "
            "changing its answer); stopped rather than read without end" % MAX_PAGES,
        )

    # -- the one request loop -----------------------------------------------------------------

    def request(self, method, path, query=None, body=None, not_found_ok=False, retry_safe=None, expect=None, accept_errors=()):
        """Send one API request and return its parsed JSON body (``None`` for an empty body).

        429 is waited out (bounded by ``rate_limit_timeout`` and ``RATE_LIMIT_MAX_ATTEMPTS``) for every
        method, because SendGrid did not process the request. 5xx and connection errors are retried only
        when ``retry_safe`` (default: every method but POST). A 404 returns ``None`` when ``not_found_ok``.
        Redirects are never followed (a 3xx is an error). ``expect`` (``dict`` or ``list``): a 2xx body of
        another shape is an ``UnexpectedAnswer``. ``accept_errors`` (statuses, 4xx only): such an answer is
        returned as a ``Refusal`` instead of raised; ``not_found_ok`` is the common case of it, with ``None``.
        """
        method = method.upper()
        if retry_safe is None:
            retry_safe = method != "POST"
        url = self.api_url + path
        kwargs = {
            "params": _encode_query(query),
            "timeout": self.timeout,
            "verify": self.validate_certs,
            # A redirect would re-send the body and the on-behalf-of header to wherever it points.
            "allow_redirects": False,
            "stream": True,
        }
        if body is not None:
            kwargs["data"] = json.dumps(body)
            kwargs["headers"] = {"Content-Type": "application/json"}
        try:
            return self._send(method, path, url, kwargs, not_found_ok, retry_safe, expect, accept_errors)
        finally:
            if self._gate is not None:
                self._gate.release()

    def _take_turn(self, gate, method, path, response=None):
        """Wait for this controller's rate gate: (seconds waited, the reset time the last 429 on this machine gave)."""
        allowed = self.rate_limit_timeout - self.rate_limit_waited
        try:
            waited = gate.acquire(allowed)
        except GateTimeout as exc:
            self.rate_limit_waited = self.rate_limit_timeout
            raise RateLimitedError(
                method, path, 429, [], raw=self._redact(response.text[:200]) if response is not None else None,
                note="rate limited: %s within rate_limit_timeout=%s; raise rate_limit_timeout or run fewer requests at once "
                "(throttle, forks)" % (exc, self.rate_limit_timeout),
            )
        self.rate_limit_waited += waited
        _seen, until = gate.throttled_until()
        return waited, until

    def _send(self, method, path, url, kwargs, not_found_ok, retry_safe, expect, accept_errors):
        retries = 0
        rate_limit_attempts = 0
        gate = self._gate
        while True:
            if gate is not None and not gate.held and gate.engaged():
                # Another fork hit the limit a moment ago: take turns with it instead of asking SendGrid.
                _waited, until = self._take_turn(gate, method, path)
                # A reset this client has already waited out itself is not waited for again.
                pause = 0.0 if until <= self._waited_until else until - self._clock()
                pause = min(pause, max(0.0, self.rate_limit_timeout - self.rate_limit_waited))
                if pause > 0:
                    self._sleep(pause)
                    self.rate_limit_waited += pause
            try:
                response = self._session.request(method, url, **kwargs)
                self._read_body(method, path, response)
            except _RequestsSSLError as exc:
                raise NetworkError(
                    self._redact(
                        "TLS error on %s %s: %s. Set validate_certs=false for a self-signed test endpoint, "
                        "or trust its CA with the REQUESTS_CA_BUNDLE environment variable." % (method, path, exc)
                    ),
                    method=method,
                    path=path,
                )
            except (_RequestsConnectionError, _RequestsTimeout, _BodyTimeout) as exc:
                if retry_safe and retries < self.max_retries:
                    self._sleep(RETRY_BACKOFF * (2 ** retries))
                    retries += 1
                    continue
                if isinstance(exc, _BodyTimeout):
                    kind = "did not finish: %s" % exc
                elif isinstance(exc, _RequestsTimeout):
                    kind = "timed out after %ss: %s" % (self.timeout, exc)
                else:
                    kind = "could not connect: %s" % exc
                raise NetworkError(
                    self._redact("SendGrid API request %s %s %s" % (method, path, kind)),
                    method=method,
                    path=path,
                    attempts=retries + 1,
                )
            except _BodyTooLarge as exc:
                raise UnexpectedAnswer(method, path, exc.status, str(exc))
            except (_RequestException, ValueError, UnicodeError) as exc:
                # requests refuses some headers itself (InvalidHeader is a ValueError); its text may quote them.
                raise NetworkError(
                    self._redact("SendGrid API request %s %s failed: %s: %s" % (method, path, type(exc).__name__, exc)),
                    method=method,
                    path=path,
                )

            status = response.status_code
            self.last_request = (method, path, status)
            if status == 429:
                self.rate_limit_answers += 1
                rate_limit_attempts += 1
                wait = self._rate_limit_wait(response, rate_limit_attempts)
                if gate is not None:
                    # This process waits out the reset holding the gate; the others wait for the gate.
                    asked_until = self._clock() + wait
                    waited, until = self._take_turn(gate, method, path, response)
                    # The wait for the gate counts towards this 429's wait, unless another fork was told a later reset.
                    # Either may have passed by the time the turn came (then nothing is left to wait).
                    wait = max(0.0, until - self._clock() if until > asked_until else wait - waited)
                    self._waited_until = self._clock() + wait
                    gate.note_429(self._waited_until)
                refused_why = None
                if rate_limit_attempts >= RATE_LIMIT_MAX_ATTEMPTS:
                    refused_why = "rate limited: answered 429 %d times in a row" % rate_limit_attempts
                elif self.rate_limit_waited + wait > self.rate_limit_timeout:
                    refused_why = "rate limited: waited %.1fs in total, the next wait of %.1fs would pass rate_limit_timeout=%s" % (
                        self.rate_limit_waited,
                        wait,
                        self.rate_limit_timeout,
                    )
                if refused_why:
                    raise RateLimitedError(
                        method, path, status, self._messages(response), raw=self._redact(response.text[:200]),
                        note=refused_why + "; raise rate_limit_timeout or run fewer requests at once (throttle, forks)",
                    )
                if wait > 0:
                    self._sleep(wait)
                self.rate_limit_waited += wait
                continue
            if status in RETRYABLE_STATUSES and retry_safe and retries < self.max_retries:
                self._sleep(RETRY_BACKOFF * (2 ** retries))
                retries += 1
                continue
            answer = self._handle(method, path, response, not_found_ok, expect, accept_errors)
            if isinstance(answer, Refusal):
                answer.after_retry = retries > 0
            return answer

    def _rate_limit_wait(self, response, attempt):
        """The wait before the next try: what the headers say (else exponential backoff), plus jitter."""
        wait = rate_limit_wait(response.headers, self._clock())
        if wait is None:
            wait = min(RATE_LIMIT_BACKOFF * (2 ** (attempt - 1)), RATE_LIMIT_BACKOFF_CAP)
        spread = min(RATE_LIMIT_JITTER * (2 ** (attempt - 1)), RATE_LIMIT_JITTER_CAP)
        return wait + spread * self._random()

    def _read_body(self, method, path, response):
        """Read the body within ``MAX_BODY_BYTES`` and a wall-clock deadline of ``timeout`` seconds.

        requests' ``timeout`` bounds each socket read, not the whole body: a server that trickles a byte at
        a time would hold the module for ever. ``read1`` returns what one socket read brings, so the deadline
        is checked between reads (a request therefore ends at most one read timeout after its deadline).
        """
        deadline = self._clock() + self.timeout
        declared = _float_or_none(_header(response.headers, "Content-Length"))
        if declared is not None and declared > MAX_BODY_BYTES:
            response.close()
            raise _BodyTooLarge(response.status_code, declared)
        raw = response.raw
        reader = getattr(raw, "read1", None) if raw is not None else None
        if reader is None:  # not a urllib3 response (a test double): already in memory
            return
        chunks = []
        size = 0
        try:
            while True:
                chunk = reader(_READ_CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                if size > MAX_BODY_BYTES:
                    raise _BodyTooLarge(response.status_code, size)
                chunks.append(chunk)
                if self._clock() > deadline:
                    raise _BodyTimeout("the answer's body took longer than timeout=%ss to arrive (%d bytes read)" % (self.timeout, size))
        except (_BodyTooLarge, _BodyTimeout):
            response.close()
            raise
        except Exception as exc:  # pylint: disable=broad-exception-caught
            # urllib3's read errors (a dropped connection while the body arrives) as requests would raise them.
            response.close()
            raise _RequestsConnectionError(str(exc))
        response._content = b"".join(chunks)  # pylint: disable=protected-access
        response._content_consumed = True  # pylint: disable=protected-access

    def _messages(self, response):
        messages = _error_messages(_json_or_none(response))
        return [{"field": m["field"], "message": self._redact(m["message"] or "")} for m in messages]

    def _handle(self, method, path, response, not_found_ok, expect=None, accept_errors=()):
        status = response.status_code
        if status == 404 and not_found_ok:
            return None
        if 300 <= status < 400:
            location = _header(response.headers, "Location") or ""
            host = urlsplit(location).netloc or "(no Location header)"
            raise APIError(
                method, path, status, [{"field": None, "message": "redirect to %s" % self._redact(host)}],
                note="redirects are not followed, so that the key and the request body never go to another host: "
                "check api_url (it must be SendGrid's API host, e.g. https://api.sendgrid.com)",
            )
        if 200 <= status < 300:
            if status == 204 or not response.content:
                answer = None
            else:
                try:
                    answer = response.json()
                except ValueError:
                    raise APIError(method, path, status, [{"field": None, "message": "the response body is not JSON: %r" % self._redact(response.text[:200])}])
            if expect is not None and not isinstance(answer, expect):
                raise UnexpectedAnswer(
                    method, path, status,
                    "expected %s, got %s" % ("a JSON object" if expect is dict else "a JSON array", _shape(answer)),
                )
            return answer
        messages = self._messages(response)
        raw = None if messages else self._redact(response.text[:200]) or None
        error_class = AuthenticationError if status in (401, 403) else APIError
        error = error_class(method, path, status, messages, raw=raw, note=self._what_to_do(status))
        if status in accept_errors and 400 <= status < 500:
            return Refusal(error)
        raise error

    def _what_to_do(self, status):
        """What a 401 or 403 most likely means, since SendGrid's own text ("access forbidden") does not say."""
        if status == 401:
            return (
                "SendGrid refused the API key: check api_key or SENDGRID_API_KEY (revoked, mistyped, or a key of "
                "another account; a key of an EU account works only with data_residency=eu)"
            )
        if status == 403 and self.on_behalf_of:
            return (
                "the key may not act on behalf of %r: check that on_behalf_of names an existing subuser (or 'account-id "
                "<id>') of the key's account, and that the key has the scopes this request needs" % self.on_behalf_of
            )
        if status == 403:
            return "the key lacks a scope this request needs: give it the scopes listed in the module's notes"
        return None

    def _redact(self, text):
        if text:
            for secret in self._secrets + ([self._api_key] if self._api_key else []):
                text = text.replace(secret, _REDACTED)
        return text

    def redact(self, text):
        """``text`` with every form of the API key replaced: for messages that did not come from this client."""
        return self._redact(text)


class _BodyTimeout(Exception):
    """The body of an answer did not arrive within the request's deadline."""


class _BodyTooLarge(Exception):
    def __init__(self, status, size):
        super().__init__(
            "the answer's body is larger than %d MiB (%d bytes so far): refused, SendGrid's answers are far smaller"
            % (MAX_BODY_BYTES // (1024 * 1024), size)
        )
        self.status = status


def _item_key(item):
    if isinstance(item, dict):
        for name in ("id", "ip", "name", "username"):
            if item.get(name) is not None:
                return (name, json.dumps(item[name], sort_keys=True))
        return None
    if isinstance(item, (str, int)):
        return ("value", item)
    return None


def _shape(answer):
    if answer is None:
        return "an empty body"
    if isinstance(answer, dict):
        return "a JSON object with keys %s" % (", ".join(sorted(str(k) for k in answer)[:5]) or "none")
    if isinstance(answer, list):
        return "a JSON array of %d item(s)" % len(answer)
    return "a JSON %s" % type(answer).__name__


def _sleep(seconds):
    # Resolved at call time (not bound at import) so tests can patch time.sleep.
    time.sleep(seconds)


def _now():
    return time.time()


def _jitter_fraction():
    # Resolved at call time, like _sleep, so tests can make the jitter deterministic.
    return random.random()


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
