# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The errors a module reports that are not the API's (those are in ``_api.py``): bad input found before any
request, a conflict the module refuses to resolve, an object SendGrid did not validate.

PRIVATE: internal to the mailops.sendgrid collection, not a public API.
"""

from __future__ import annotations

from ansible_collections.mailops.sendgrid.plugins.module_utils._api import SendGridError


class InputError(Exception):
    """Bad module input, found before any request was sent."""


class Conflict(SendGridError):
    """The object differs in what SendGrid cannot change in place, and the task did not allow a replace."""


class ValidationFailed(SendGridError):
    """SendGrid still says the DNS records are not valid when ``validate_timeout`` ran out."""
