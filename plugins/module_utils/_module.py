# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The shared module runner of mailops.sendgrid.

PRIVATE: this module is internal to the mailops.sendgrid collection. It is not a public API and may
change in any release without notice. Do not import it from other collections.

Every module is a thin file: an argument spec, its documentation, and a ``SendGridResource``
subclass. This file owns the runner they share: ``SendGridModule`` (the AnsibleModule with the connection
options, the client and one error handler) and ``SendGridResource`` (the base that computes one plan with
``_plan.py`` from current and desired and applies it; check mode, since writes go through
``SendGridResource.write``; diffs). What it builds on lives by concern: ``_argspec.py`` (shared options),
``_errors.py``, ``_validators.py`` (input checks), ``_compare.py``, ``_records.py`` (DNS records) and
``_validation.py`` (SendGrid's validation and the wait loop).
"""

from __future__ import annotations

import time

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.mailops.sendgrid.plugins.module_utils._api import (
    APIError,
    HAS_REQUESTS,
    NetworkError,
    REQUESTS_IMPORT_ERROR,
    Refusal,
    SendGridClient,
    SendGridError,
    UnexpectedAnswer,
    api_url_for,
)
from ansible_collections.mailops.sendgrid.plugins.module_utils._argspec import sendgrid_argument_spec
from ansible_collections.mailops.sendgrid.plugins.module_utils._errors import Conflict, InputError, ValidationFailed
from ansible_collections.mailops.sendgrid.plugins.module_utils._plan import Plan, compute_plan, differences
from ansible_collections.mailops.sendgrid.plugins.module_utils._validation import invalid_reasons, normalise_validation, wait_for_validation
from ansible_collections.mailops.sendgrid.plugins.module_utils._validators import (
    NOTES,
    raw_params,
    check_connection_options,
    check_string_options,
    check_validation_options,
)


# -- the runner ---------------------------------------------------------------------------------


class SendGridModule:
    """An ``AnsibleModule`` with the connection options, the client, and one error handler."""

    # SendGrid declares the on-behalf-of header for the whitelabel endpoints only, not for /v3/ips and its
    # pools and warmup: a server that ignores it there would act on the parent account without a word.
    PARENT_ACCOUNT_ONLY = (
        "on_behalf_of cannot be used with this module: SendGrid does not declare the on-behalf-of header for %s, "
        "so it may be ignored and the parent account's IPs and pools be read or changed instead. IPs, their warmup "
        "and IP pools belong to the parent account: omit on_behalf_of (a subuser sends from the IPs assigned to it%s)"
    )

    def __init__(self, argument_spec, parent_account_only=None, **kwargs):
        """``parent_account_only``: the endpoints (text) of a module that refuses ``on_behalf_of``; see above."""
        spec = sendgrid_argument_spec()
        spec.update(argument_spec)
        self.ansible = AnsibleModule(argument_spec=spec, **kwargs)
        if not HAS_REQUESTS:
            self.ansible.fail_json(msg=missing_required_lib("requests"), exception=str(REQUESTS_IMPORT_ERROR))
        self.params = self.ansible.params
        self._client = None
        # Every client this run made (the fleet module makes one per account): their waits are reported together.
        self._clients: list = []
        api_key = self.params.get("api_key")
        if isinstance(api_key, str) and len(api_key.strip()) >= 4 and api_key.strip() != api_key:
            # no_log hides the value as given; a key given with a line break is used (and could be quoted)
            # without it, so that form is hidden too.
            self.ansible.no_log_values.add(api_key.strip())
        try:
            check_string_options(spec, raw_params())
            check_connection_options(self.params)
            if parent_account_only and self.params.get("on_behalf_of"):
                endpoints, hint = parent_account_only if isinstance(parent_account_only, tuple) else (parent_account_only, "")
                raise InputError(self.PARENT_ACCOUNT_ONLY % (endpoints, hint))
        except InputError as exc:
            self.ansible.fail_json(msg=str(exc), changed=False)

    # A wait for SendGrid's rate limit this long or longer is said in a warning: the task looks hung otherwise.
    LONG_WAIT = 5.0

    def rate_limit_totals(self):
        """(seconds waited, answers 429) over every client of this run."""
        return (sum(client.rate_limit_waited for client in self._clients), sum(client.rate_limit_answers for client in self._clients))

    def report_waits(self):
        waited, answers = self.rate_limit_totals()
        if waited >= self.LONG_WAIT:
            self.ansible.warn(
                "waited %.0f s in total for SendGrid's rate limit (%d answers 429); many parallel tasks share one limit: "
                "fewer forks, throttle, or a larger rate_limit_timeout if runs fail" % (waited, answers)
            )

    @property
    def check_mode(self):
        return self.ansible.check_mode

    @property
    def diff_mode(self):
        return self.ansible._diff

    @property
    def client(self):
        if self._client is None:
            self._client = self.client_for(self.params["on_behalf_of"])
        return self._client

    def client_for(self, on_behalf_of):
        """A client with this module's connection options acting for ``on_behalf_of`` (``None``: the key's account)."""
        params = self.params
        try:
            client = SendGridClient(
                api_key=params["api_key"],
                api_url=api_url_for(params["api_url"], params["data_residency"]),
                on_behalf_of=on_behalf_of,
                timeout=params["timeout"],
                validate_certs=params["validate_certs"],
                rate_limit_timeout=params["rate_limit_timeout"],
                share_rate_limits=True,
            )
            self._clients.append(client)
            return client
        except ValueError as exc:  # checked in __init__ already; the client refuses on its own too
            raise InputError(str(exc))

    def run(self, work, resource=None):
        """Call ``work()`` and turn the collection's errors into one clean ``fail_json``.

        ``resource`` (when given) tells a failure whether something was already written.
        """
        def changed():
            return bool(resource is not None and resource.changed)

        try:
            try:
                result = work()
            finally:
                self.report_waits()
                for note in NOTES:
                    self.ansible.warn(note)
                del NOTES[:]
        except InputError as exc:
            self.ansible.fail_json(msg=str(exc), changed=False)
        except SendGridError as exc:
            self.ansible.fail_json(msg=exc.message, changed=changed(), **exc.details)
        except (AttributeError, TypeError, KeyError, IndexError) as exc:
            # An answer of a shape no reader expected (a list where an object belongs, a missing key): name the
            # request whose answer it was, never crash with a bare Python error.
            client = self._client
            if client is None or client.last_request is None:
                raise
            method, path, status = client.last_request
            self.ansible.fail_json(
                msg=client.redact(
                    "SendGrid's answer to %s %s (HTTP %s) could not be read: %s: %s. This is SendGrid answering in a "
                    "shape the collection does not know; please report it with the request named here"
                    % (method, path, status, type(exc).__name__, exc)
                ),
                changed=changed(),
                method=method,
                path=path,
                status=status,
            )
        waited, answers = self.rate_limit_totals()
        if waited > 0:
            # Time is never lost silently: how long SendGrid's rate limit held this task, and how many 429s it drew.
            result["rate_limit"] = {"waited": round(waited, 1), "answers_429": answers}
        self.ansible.exit_json(**result)


def _describe_answer(answer):
    if isinstance(answer, dict):
        return "an object without an id" if answer else "an empty object"
    if isinstance(answer, list):
        return "a list of %d item(s)" % len(answer)
    return "no body" if answer is None else "a %s" % type(answer).__name__


def has_id(answer):
    """Whether a create answer carries the new object's id (SendGrid's object, or the spec's one-item array)."""
    if isinstance(answer, list) and len(answer) == 1:
        answer = answer[0]
    return isinstance(answer, dict) and answer.get("id") is not None


# The refusals a create may get when a parallel run made the same object first (SendGrid's words are undocumented).
CONFLICTS = (400, 409, 422)


def refused(exc):
    """Whether SendGrid refused the request (a 4xx): a 5xx, a network error or a 2xx answer whose body could not
    be read (the request was carried out, only its answer is unusable) may have changed something."""
    return isinstance(exc, APIError) and exc.status < 500 and not 200 <= exc.status < 300


class SendGridResource:
    """One kind of SendGrid object, managed with ``state: present/absent``.

    Subclasses implement ``check_input`` (no requests), ``find``, ``to_options`` (the server object in
    the shape of the module's options), ``create``, ``update``, ``delete`` and ``result``. They write
    through ``self.write`` so check mode and ``changed`` are handled in one place.
    """

    def __init__(self, module):
        self.module = module
        self.params = module.params
        self.changed = False
        self.extra = {}

    @property
    def client(self):
        return self.module.client

    @property
    def check_mode(self):
        return self.module.check_mode

    def warn(self, message):
        self.module.ansible.warn(message)

    # A validation wait this long or longer is said in a warning: the task looks hung otherwise.
    LONG_VALIDATION_WAIT = 10.0

    def validate(self, what, validate_path, currently_valid):
        """Ask SendGrid to validate ``what`` until it is valid or ``validate_timeout`` passes.

        Does nothing when O(validate) is false or the object is valid already. In check mode the
        request is not sent and the result says so; it counts as a change, like every write the real
        run would send (whose outcome only SendGrid's DNS lookups can tell). Returns the normalised
        validation (``{valid, results: {record: {valid, reason}}, attempts}``) or ``None``.
        """
        params = self.params
        if not params.get("validate") or currently_valid:
            return None
        if self.check_mode:
            self.changed = True
            validation: dict = {
                "valid": None,
                "skipped": True,
                "results": {},
                "attempts": 0,
                "msg": "check mode: SendGrid would be asked to validate %s" % what,
            }
            self.extra["validation"] = validation
            return validation

        def once():
            # Validating twice cannot create anything, so 5xx and dropped connections are retried.
            return normalise_validation(self.client.post(validate_path, retry_safe=True))

        started = time.time()
        validation, attempts = wait_for_validation(once, params["validate_timeout"], params["validate_delay"])
        elapsed = time.time() - started
        validation["attempts"] = attempts
        # How long SendGrid's DNS lookups kept this run waiting, and why (issue 16: long waits are never silent).
        validation["waited"] = round(elapsed, 1)
        self.extra["validation"] = validation
        if elapsed >= self.LONG_VALIDATION_WAIT:
            self.warn(
                "waited %.0f s for SendGrid to validate %s (%d attempt(s), validate_timeout=%s): its DNS lookups see newly "
                "published records only after a while" % (elapsed, what, attempts, params["validate_timeout"])
            )
        if validation["valid"]:
            self.changed = True
            return validation
        # The time this run spent, not the option: "in 20.0s" after 0.3 s of answers would mislead.
        message = "%s is not valid after %d validation attempt(s) in %.1fs (validate_timeout=%s): %s" % (
            what,
            attempts,
            elapsed,
            params["validate_timeout"],
            "; ".join(invalid_reasons(validation)) or "SendGrid gave no reason",
        )
        if params["validate_failure"] == "fail":
            raise ValidationFailed(message, validation=validation)
        self.warn(message)
        return validation

    def write(self, method, path, body=None, query=None, not_found_ok=False, retry_safe=None, accept_errors=()):
        """Send a write, or in check mode only record that it would be sent. Returns the answer or ``None``.

        A refusal listed in ``accept_errors`` comes back as a ``Refusal``: no change, unless it answered a retry
        (an earlier try, answered 5xx or lost, may have made the change the refusal reports as done).
        """
        if self.check_mode:
            self.changed = True
            return None
        try:
            answer = self.client.request(
                method, path, query=query, body=body, not_found_ok=not_found_ok, retry_safe=retry_safe, accept_errors=accept_errors,
            )
        except APIError as exc:
            # A 4xx was refused: nothing changed. A 5xx, a lost answer or a 2xx whose body could not be read
            # (SendGrid did it) may have changed something.
            if not refused(exc):
                self.changed = True
            raise
        except NetworkError:
            self.changed = True
            raise
        if not isinstance(answer, Refusal) or answer.after_retry:
            self.changed = True
        return answer

    def write_or_reread(self, method, path, body, reread, absorb=None, query=None, complete=None, reread_refused=False):
        """Send a write that must not be repeated (a creating POST) and learn its outcome when the answer does not tell.

        The write is sent once (never retried). Then ``reread()`` (the object the write was to make, or ``None``)
        decides wherever the answer cannot:

        - after a 5xx, a network error or a 2xx answer that is not JSON, the write may still have taken effect:
          what ``reread()`` finds is the outcome and counts as a change; ``None`` raises the error with ``changed``
          as it was before this write;
        - after a 2xx whose answer ``complete(answer)`` rejects (``201 {}``: no id), the same: the object found is the
          outcome; none found is an ``UnexpectedAnswer``, never an object with ``id: null``;
        - with ``reread_refused``, after a refusal (400, 409, 422: "already exists" from a parallel run), what
          ``reread()`` finds is used as it is (someone else made it, so no change); ``None`` raises the refusal.
          The read decides, not the text of SendGrid's message. For objects that one name or IP identifies
          (pools, reverse DNS), where two hosts of one play may create the same object at once.

        When the write succeeds (or in check mode, where the answer is ``None``), returns ``absorb(answer)``
        (by default the answer itself).
        """
        changed_before = self.changed
        try:
            answer = self.write(method, path, body=body, query=query, retry_safe=False, accept_errors=CONFLICTS if reread_refused else ())
        except (APIError, NetworkError) as exc:
            if refused(exc):
                raise
            try:
                found = reread()
            except (APIError, NetworkError) as reread_error:
                # Both the write's answer and the read that would tell its outcome are lost: say which write.
                self.changed = True
                raise SendGridError(
                    "the outcome of %s %s is unknown: %s; reading again to learn it failed too: %s. Run the task again "
                    "once SendGrid answers: it reads first and does not create a second object"
                    % (method, path, exc.message, reread_error.message),
                    method=method,
                    path=path,
                )
            if found is None:
                self.changed = changed_before
                raise
            return found
        if isinstance(answer, Refusal):
            # "Already exists" from a parallel run, in whatever words: the read decides, not the text.
            found = reread()
            if found is None:
                raise answer.error
            self.changed = changed_before
            return found
        if complete is not None and not self.check_mode and not complete(answer):
            _method, _path, status = self.client.last_request or (method, path, None)
            found = reread()
            if found is None:
                raise UnexpectedAnswer(
                    method, path, status,
                    "the answer does not describe the object that was to be created (%s), and reading again found no "
                    "such object: the outcome is unknown. Run again (the module reads first and will not create a "
                    "second one if it exists)" % _describe_answer(answer),
                )
            return found
        return absorb(answer) if absorb is not None else answer

    # -- to implement ---------------------------------------------------------------------

    # The plan's fields (``_plan.Field``), in the order their changes are made; the noun that names the object in
    # messages; and what a replace means for the user (added to the message that asks for replace=true).
    FIELDS: tuple = ()
    NOUN = "object"
    REPLACE_NOTE = ""

    def fields(self):
        """The plan's fields; ``FIELDS`` unless they depend on the options (``purge_*``)."""
        return self.FIELDS

    def check_input(self):
        """Validate and normalise ``self.params`` before any request; raise ``InputError``."""

    def find(self):
        raise NotImplementedError

    def to_options(self, obj):
        raise NotImplementedError

    def desired(self):
        """The options the task set, in the shape of ``to_options`` (``None``: not set, never compared)."""
        return {}

    def comparable(self, current):
        """``current`` as the plan compares it with ``desired()``; by default its options."""
        return self.to_options(current)

    def frozen(self, current):
        """Why ``current`` cannot be updated in place at all (then any change needs a replace), or ``None``."""
        return None

    def describe(self, obj):
        """How messages name the object."""
        return "%s (id %s)" % (self.NOUN, obj.get("id"))

    def create(self):
        raise NotImplementedError

    def patch(self, current, names):
        """Send the object's PATCH for the fields ``names``; answer the object after it."""
        raise NotImplementedError

    def keep(self, obj):
        """What runs on an object that stays (after a change or none): validation, associations. Answers the object."""
        return obj

    def replace(self, current, plan):
        """Delete ``current`` and create the object again (``plan.replace`` names why)."""
        self.delete(current)
        return self.create()

    def delete(self, current):
        raise NotImplementedError

    def result(self, obj):
        """Extra result keys for the final (or predicted) object; ``obj`` is ``None`` when absent."""
        return {}

    def conflict_details(self, current):
        """Result keys a refused replace carries besides the differing fields (the object as it is)."""
        return {}

    # -- the flow ---------------------------------------------------------------------------

    def run(self):
        check_validation_options(self.params)
        self.check_input()
        current = self.find()
        before = self.to_options(current) if current is not None else {}
        self.plan = compute_plan(
            self.fields(),
            self.comparable(current) if current is not None else None,
            self.desired(),
            self.params.get("state", "present"),
            frozen=self.frozen(current) if current is not None else None,
        )
        final = self.apply(self.plan, current)
        after = self.to_options(final) if final is not None else {}
        result: dict = dict(changed=self.changed)
        result.update(self.result(final))
        result.update(self.extra)
        if self.module.diff_mode:
            more_before, more_after = self.diff_more(current, final, result)
            result["diff"] = dict(before=dict(before, **more_before), after=dict(after, **more_after))
        return result

    def apply(self, plan, current):
        """Carry out ``plan``. In check mode every write is recorded instead of sent, so this predicts the result."""
        if plan.action == Plan.DELETE:
            self.delete(current)
            return None
        if plan.action == Plan.CREATE:
            return self.create()
        if plan.action == Plan.NONE:
            return self.keep(current) if current is not None else None
        if plan.action == Plan.REPLACE:
            if not self.params.get("replace"):
                raise self.conflict(current, plan)
            return self.replace(current, plan)
        obj = current
        if plan.patch:
            obj = self.patch(obj, plan.patch)
        for name in plan.steps:
            obj = getattr(self, "change_" + name)(obj)
        return self.keep(obj)

    def conflict(self, current, plan):
        """The one message for changes SendGrid cannot make in place, naming each field with its value and the wanted one."""
        desired = self.desired()
        what = [differences(self.comparable(current), desired, plan.replace)] + plan.reasons
        return Conflict(
            "%s cannot be changed in place: %s. SendGrid cannot update %s; set replace=true to delete it and create it "
            "again%s" % (self.describe(current), ", ".join(part for part in what if part),
                         "these" if len(plan.replace) > 1 or plan.reasons else "this", self.REPLACE_NOTE),
            differences=plan.changes,
            **self.conflict_details(current)
        )

    def diff_more(self, current, final, result):
        """What the diff shows besides the options (``before`` and ``after`` additions); nothing by default."""
        return {}, {}


def run_resource(module, resource_class):
    resource = resource_class(module)
    module.run(resource.run, resource)


def run_info(argument_spec, gather, **kwargs):
    """The ``main()`` of an information module: it only reads, so it supports check mode and never changes anything.

    ``gather(module)`` returns the result keys; ``changed=False`` is added here.
    """
    module = SendGridModule(argument_spec=argument_spec, supports_check_mode=True, **kwargs)
    module.run(lambda: dict(gather(module), changed=False))
