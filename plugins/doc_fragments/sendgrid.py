# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # The connection options every module shares (plugins/module_utils/_argspec.py).
    DOCUMENTATION = r"""
options:
  api_key:
    description:
      - A SendGrid API key with the scopes the module needs (see each module's notes).
      - If not set, the value of the E(SENDGRID_API_KEY) environment variable is used. One of the two is required;
        without both the module fails before any request, naming both.
      - The key is never written to a result, a warning, a diff or an error message.
    type: str
  api_url:
    description:
      - Base URL of the SendGrid v3 API, without C(/v3).
      - If not set, the value of the E(SENDGRID_API_URL) environment variable is used; an empty value counts as not set.
      - If neither is set, O(data_residency) picks V(https://api.sendgrid.com) or V(https://api.eu.sendgrid.com).
      - V(https://api.sendgrid.com) with O(data_residency=eu) is refused before any request.
      - Point it at the bundled simulator (C(python -m tests.simulator)) to test playbooks offline.
    type: str
  data_residency:
    description:
      - Where the account's data lives. V(eu) means V(https://api.eu.sendgrid.com) when O(api_url) is not set.
      - If not set, the value of the E(SENDGRID_DATA_RESIDENCY) environment variable is used (the AWX credential type
        sets it).
    type: str
    choices: [global, eu]
    default: global
  on_behalf_of:
    description:
      - Act on behalf of a subuser, sent as the C(on-behalf-of) header.
      - Either the subuser's username or V(account-id <id>) for a customer account.
      - Every object the module reads or changes then lives in that account.
    type: str
  timeout:
    description:
      - Seconds to wait for each HTTP response, more than V(0) and at most V(3600).
      - It bounds each network read and, as a wall-clock deadline, the time the body of an answer takes to arrive,
        so a server that trickles its answer cannot hold the task for longer.
    type: float
    default: 30
  validate_certs:
    description:
      - Verify the API's TLS certificate. Only set V(false) for a test endpoint with a self-signed certificate.
      - To trust a private CA instead, point the E(REQUESTS_CA_BUNDLE) environment variable at its certificate.
    type: bool
    default: true
  rate_limit_timeout:
    description:
      - Upper bound, in seconds, on the total time one module run spends waiting out HTTP 429 answers.
      - The module waits until C(X-RateLimit-Reset) (or C(Retry-After)); without those headers it backs off exponentially.
      - Every wait gets a random extra (up to 0.5 seconds, doubling with each 429 of the same request up to 8 seconds),
        so parallel runs refused together do not all come back at the same instant.
      - A reset header that is zero, negative, not a number or already past counts as no header.
      - When the next wait would pass this bound, or after 60 answers 429 to one request, the module fails with a
        message that says it was rate limited.
      - A finite number from V(0) to V(86400).
    type: float
    default: 300
requirements:
  - requests >= 2.25 (on the host that runs the module, usually C(localhost))
notes:
  - All modules of this collection belong to the action group C(mailops.sendgrid.sendgrid), so
    O(api_key) and the other connection options can be set once with C(module_defaults) for
    C(group/mailops.sendgrid.sendgrid).
  - Requests that are safe to repeat (reads, updates, deletes) are retried on HTTP 5xx and connection errors;
    a POST that creates an object is never retried blindly. The module reads again to learn whether it was created.
  - HTTP redirects are not followed (a 3xx answer is an error naming the host it points to), so the key and the
    request body never go to another host. An answer larger than 8 MiB is refused.
  - O(api_key) is used without surrounding blanks and line breaks (a key read from a file often ends with one); a key
    with blanks or control characters inside is refused before any request, without showing it.
"""

    # The validation options of the modules whose objects have DNS records (validation_argument_spec()).
    VALIDATION = r"""
options:
  validate:
    description:
      - Ask SendGrid to validate the DNS records when the object is not valid yet.
      - A valid object is not validated again, so a re-run sends no request for it.
      - Publish the records from RV(dns_records) first.
      - Validating is a write, so check mode does not send it; it reports C(changed) (the validation the real run would
        ask for) and says so in RV(validation).
    type: bool
    default: false
  validate_timeout:
    description:
      - Seconds to keep asking SendGrid to validate until the object is valid. V(0) asks once.
      - A finite number from V(0) to V(86400).
    type: float
    default: 0
  validate_delay:
    description:
      - Seconds to wait between two validation requests, at least V(0.1) (and at most V(86400)).
    type: float
    default: 10
  validate_failure:
    description:
      - What to do when the object is still not valid after O(validate_timeout).
      - V(fail) fails the task with SendGrid's reason for every invalid record; V(warn) only warns.
        The reasons are in RV(validation) either way.
    type: str
    choices: [fail, warn]
    default: fail
"""

    # The modules whose objects SendGrid associates with subusers only once they are valid (domain, link).
    DEFER_SUBUSERS = r"""
options:
  defer_subusers:
    description:
      - What to do with the associations of O(subusers) while the object is not valid (SendGrid refuses to associate
        an authenticated domain or a branded link that is not validated).
      - V(false) asks SendGrid anyway, so the run fails with SendGrid's error.
      - V(true) leaves them for a later run. The module reports them in RV(deferred_subusers), does not count them as a
        change, and associates them on the first run that finds the object valid (or validates it with O(validate=true)).
        This lets one task create, validate and associate over several runs, as the P(mailops.sendgrid.sender_setup#role)
        role does.
      - In check mode with O(validate=true), the module cannot know whether validation would succeed and predicts the
        associations as if it did.
    type: bool
    default: false
"""

    # Resource modules: full check mode and diff.
    ATTRIBUTES = r"""
attributes:
  check_mode:
    support: full
    description: Sends no write request and returns the object as SendGrid would have it after the run.
  diff_mode:
    support: full
    description: Shows the object before and after, in the same shape as the module's options.
  action_group:
    support: full
    description: Use C(group/mailops.sendgrid.sendgrid) in C(module_defaults) to set default values for this module.
    membership:
      - mailops.sendgrid.sendgrid
"""

    # The DNS modules (sendgrid_dns_check, sendgrid_dns_publish): they send nothing to SendGrid and accept the
    # connection options only so that module_defaults for the action group apply to them. List it before
    # mailops.sendgrid.sendgrid: the first fragment's text of an option wins.
    DNS = r"""
options:
  timeout:
    description:
      - Seconds to wait for each DNS answer (here the DNS timeout, not an HTTP one).
    type: float
    default: 5
  api_key:
    description:
      - Not used by this module, which sends no request to SendGrid.
      - Accepted so that C(module_defaults) for the action group C(mailops.sendgrid.sendgrid) work.
  api_url:
    description:
      - Ignored, see O(api_key).
  data_residency:
    description:
      - Ignored, see O(api_key).
  on_behalf_of:
    description:
      - Ignored, see O(api_key).
  validate_certs:
    description:
      - Ignored, see O(api_key).
  rate_limit_timeout:
    description:
      - Ignored, see O(api_key).
requirements:
  - dnspython >= 2.0 (on the host that runs the module)
notes:
  - This module sends no request to SendGrid. It accepts the connection options of the collection only so that
    C(module_defaults) for the action group C(mailops.sendgrid.sendgrid) also apply to it; it ignores them
    (O(timeout) excepted, which is the DNS timeout here).
"""

    # Information modules: read only.
    INFO_ATTRIBUTES = r"""
attributes:
  check_mode:
    support: full
    description: Can run in check mode and return the same information as without it.
    details: This module only reads, so it runs the same in check mode.
  diff_mode:
    support: N/A
    description: Will not return details on what has changed (or possibly needs changing) in C(--diff) mode.
    details: This module does not change anything.
  action_group:
    support: full
    description: Use C(group/mailops.sendgrid.sendgrid) in C(module_defaults) to set default values for this module.
    membership:
      - mailops.sendgrid.sendgrid
"""
