# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""docs/awx/credential_type.yml: what AWX injects is accepted by the modules' connection checks.

AWX renders each injector with Jinja over the credential's inputs; an optional input the user left
empty is absent (or empty), and the environment variable is still set, to an empty string. The modules
read an empty SENDGRID_API_URL as "not set", so the data residency chooses SendGrid's host (issue 16: the
injector used to put https://api.sendgrid.com there, which silently won over data_residency: eu).
"""

from __future__ import annotations

from pathlib import Path

from jinja2.sandbox import SandboxedEnvironment
import pytest
import yaml

from ansible_collections.mailops.sendgrid.plugins.module_utils._api import api_url_for
from ansible_collections.mailops.sendgrid.plugins.module_utils._errors import InputError
from ansible_collections.mailops.sendgrid.plugins.module_utils._validators import check_connection_options

CREDENTIAL_TYPE = Path(__file__).resolve().parents[2] / "docs" / "awx" / "credential_type.yml"


def injected_env(inputs):
    """The environment AWX would inject for a credential with these inputs."""
    definition = yaml.safe_load(CREDENTIAL_TYPE.read_text(encoding="utf-8"))
    environment = SandboxedEnvironment()
    return {name: environment.from_string(template).render(**inputs) for name, template in definition["injectors"]["env"].items()}


def test_required_inputs_are_declared():
    definition = yaml.safe_load(CREDENTIAL_TYPE.read_text(encoding="utf-8"))
    fields = {field["id"]: field for field in definition["inputs"]["fields"]}
    assert fields["api_key"].get("secret") is True
    assert definition["inputs"]["required"] == ["api_key"]


@pytest.mark.parametrize(
    "inputs, residency, host",
    [
        ({"api_key": "SG.key"}, "global", "https://api.sendgrid.com"),
        ({"api_key": "SG.key", "api_url": ""}, "global", "https://api.sendgrid.com"),
        ({"api_key": "SG.key", "data_residency": "eu"}, "eu", "https://api.eu.sendgrid.com"),
        ({"api_key": "SG.key", "data_residency": "eu", "api_url": ""}, "eu", "https://api.eu.sendgrid.com"),
        ({"api_key": "SG.key", "api_url": "http://127.0.0.1:8765"}, "global", "http://127.0.0.1:8765"),
    ],
)
def test_injected_environment_passes_the_connection_checks_and_reaches_the_right_host(inputs, residency, host):
    env = injected_env(inputs)
    assert env["SENDGRID_API_KEY"] == "SG.key" and env["SENDGRID_DATA_RESIDENCY"] == residency
    # What the modules do with those variables (env_fallback), before their first request.
    params = {"api_key": env["SENDGRID_API_KEY"], "api_url": env["SENDGRID_API_URL"], "data_residency": env["SENDGRID_DATA_RESIDENCY"],
              "on_behalf_of": None, "timeout": 30, "rate_limit_timeout": 300}
    check_connection_options(params)
    assert api_url_for(params["api_url"], params["data_residency"]) == host


def test_the_global_host_with_eu_residency_is_refused():
    params = {"api_key": "SG.key", "api_url": "https://api.sendgrid.com", "data_residency": "eu", "on_behalf_of": None,
              "timeout": 30, "rate_limit_timeout": 300}
    with pytest.raises(InputError, match="EU accounts are served by https://api.eu.sendgrid.com"):
        check_connection_options(params)


def test_the_data_residency_input_offers_both_choices():
    definition = yaml.safe_load(CREDENTIAL_TYPE.read_text(encoding="utf-8"))
    fields = {field["id"]: field for field in definition["inputs"]["fields"]}
    assert fields["data_residency"]["choices"] == ["global", "eu"]
