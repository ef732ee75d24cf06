# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The argument specs the modules share: the connection options (with their environment variables), the DNS
modules' ``records`` and the validation options of the branding modules.

PRIVATE: internal to the mailops.sendgrid collection, not a public API.
"""

from __future__ import annotations

from ansible.module_utils.basic import env_fallback


def sendgrid_argument_spec():
    """The connection options, identical in every module (so ``module_defaults`` groups work)."""
    return dict(
        # Not required=True: a missing key is refused by check_connection_options, with a message that names the
        # environment variable too.
        api_key=dict(type="str", no_log=True, fallback=(env_fallback, ["SENDGRID_API_KEY"])),
        api_url=dict(type="str", fallback=(env_fallback, ["SENDGRID_API_URL"])),
        data_residency=dict(type="str", default="global", choices=["global", "eu"], fallback=(env_fallback, ["SENDGRID_DATA_RESIDENCY"])),
        on_behalf_of=dict(type="str"),
        timeout=dict(type="float", default=30),
        validate_certs=dict(type="bool", default=True),
        rate_limit_timeout=dict(type="float", default=300),
    )


def dns_argument_spec(record_types):
    """The DNS modules' spec: the connection options, ignored (module_defaults for the action group passes them to every
    member) with ``timeout`` the DNS timeout (default 5 s), and ``records`` as the modules' ``dns_records`` results hold
    them (``{name, type, value}``, ``type`` one of ``record_types``)."""
    spec = sendgrid_argument_spec()
    spec["timeout"] = dict(spec["timeout"], default=5)
    spec["records"] = dict(
        type="list",
        elements="dict",
        required=True,
        options=dict(
            name=dict(type="str", required=True),
            type=dict(type="str", required=True, choices=list(record_types)),
            # raw, not str: ansible-core turns a null into "" for a str option, and null is how check mode of a create
            # says "SendGrid assigns this value" (split_pending); a given value is made a string there.
            value=dict(type="raw", required=True),
        ),
    )
    return spec


def validation_argument_spec():
    """``validate``/``validate_timeout``/``validate_delay``/``validate_failure``, shared by the branding modules."""
    return dict(
        validate=dict(type="bool", default=False),
        validate_timeout=dict(type="float", default=0),
        validate_delay=dict(type="float", default=10),
        validate_failure=dict(type="str", default="fail", choices=["fail", "warn"]),
    )
