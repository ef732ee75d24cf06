# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""docs/awx/credential_type.yml: what AWX injects is accepted by the modules' connection checks.

AWX renders each injector with Jinja over the credential's inputs; an optional input the user left
empty is absent (or empty), and the environment variable is still set, to an empty string. The modules
refuse an empty SENDGRID_API_URL, so the injector must fall back to a real URL.
"""

from __future__ import annotations

from pathlib import Path

from jinja2.sandbox import SandboxedEnvironment
import pytest
import yaml

from ansible_collections.mailops.sendgrid.plugins.module_utils._module import check_connection_options

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
    "inputs, api_url",
    [
        ({"api_key": "SG.key"}, "https://api.sendgrid.com"),
        ({"api_key": "SG.key", "api_url": ""}, "https://api.sendgrid.com"),
        ({"api_key": "SG.key", "api_url": "https://api.eu.sendgrid.com"}, "https://api.eu.sendgrid.com"),
    ],
)
def test_injected_environment_passes_the_connection_checks(inputs, api_url):
    env = injected_env(inputs)
    assert env == {"SENDGRID_API_KEY": "SG.key", "SENDGRID_API_URL": api_url}
    # What the modules do with those variables (env_fallback), before their first request.
    params = {"api_key": env["SENDGRID_API_KEY"], "api_url": env["SENDGRID_API_URL"], "on_behalf_of": None, "timeout": 30, "rate_limit_timeout": 300}
    check_connection_options(params)
