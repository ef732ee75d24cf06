# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Collection-level consistency checks that cover every module automatically.

The module list is read from ``plugins/modules/`` when the tests are collected, so adding a module
adds its cases here; with no modules the parametrised tests simply have no cases.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.support.collection import collections_path

REPO = Path(__file__).resolve().parents[2]
NAMESPACE, NAME = "mailops", "sendgrid"
MODULES = sorted(p.stem for p in (REPO / "plugins" / "modules").glob("*.py") if p.stem != "__init__")

# The options of the shared doc fragment (mailops.sendgrid.sendgrid) that every module must show.
CONNECTION_OPTIONS = ("api_key", "api_url", "on_behalf_of")

SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$")


def load_yaml(relpath):
    with open(REPO / relpath, encoding="utf-8") as f:
        return yaml.safe_load(f)


def module_documentation(module):
    """The parsed DOCUMENTATION of a module file, read without importing it."""
    tree = ast.parse((REPO / "plugins" / "modules" / (module + ".py")).read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "DOCUMENTATION" for t in node.targets):
            return yaml.safe_load(ast.literal_eval(node.value))
    raise AssertionError("plugins/modules/%s.py has no DOCUMENTATION" % module)


# --- galaxy.yml -------------------------------------------------------------------------------


def test_galaxy_identity():
    galaxy = load_yaml("galaxy.yml")
    assert galaxy["namespace"] == NAMESPACE
    assert galaxy["name"] == NAME
    assert isinstance(galaxy.get("version"), str) and SEMVER.match(galaxy["version"]), (
        "galaxy.yml needs a semantic version string, got %r" % galaxy.get("version")
    )


# --- meta/runtime.yml ---------------------------------------------------------------------------


# Modules that are action plugins on the controller and take no connection options (sendgrid_sender_result): the
# group's module_defaults (api_key, ...) would be refused by their argument spec, so they are not in the group.
CONTROLLER_ONLY = sorted(p.stem for p in (REPO / "plugins" / "action").glob("*.py") if p.stem != "__init__")


def test_action_group_lists_exactly_the_modules():
    runtime = load_yaml("meta/runtime.yml")
    group = (runtime.get("action_groups") or {}).get("sendgrid")
    assert isinstance(group, list), "meta/runtime.yml needs action_groups.sendgrid as a list (may be empty)"
    modules = [module for module in MODULES if module not in CONTROLLER_ONLY]
    assert CONTROLLER_ONLY == ["sendgrid_sender_inputs", "sendgrid_sender_result"]
    assert sorted(group) == modules, (
        "meta/runtime.yml action_groups.sendgrid must list exactly the modules in plugins/modules/ "
        "(missing: %s, unknown: %s)" % (sorted(set(modules) - set(group)), sorted(set(group) - set(modules)))
    )
    assert group == modules, "meta/runtime.yml action_groups.sendgrid must be sorted: %s" % modules


# --- changelog --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def changelog_mentions():
    """Every word that could name a module in a fragment or in the released changelog."""
    words = set()
    for fragment in (REPO / "changelogs" / "fragments").glob("*"):
        if fragment.is_file() and fragment.suffix in (".yml", ".yaml"):
            words.update(re.findall(r"[A-Za-z0-9_.]+", fragment.read_text(encoding="utf-8")))
    changelog = load_yaml("changelogs/changelog.yaml") or {}
    released = set()
    for version, release in (changelog.get("releases") or {}).items():
        released.add(str(version))
        for plugin in (release or {}).get("modules") or []:
            words.add(plugin.get("name", ""))
    return words, released


@pytest.mark.parametrize("module", MODULES)
def test_module_reaches_the_changelog(module, changelog_mentions):
    """A module is in the changelog: named in a fragment, already released, or new in the coming version.

    antsibull-changelog lists a module under "New Modules" of the release its ``version_added`` names,
    so a module whose version_added is galaxy.yml's (unreleased) version needs no fragment.
    """
    words, released = changelog_mentions
    if module in words or "%s.%s.%s" % (NAMESPACE, NAME, module) in words:
        return
    version_added = str(module_documentation(module).get("version_added", ""))
    upcoming = str(load_yaml("galaxy.yml")["version"])
    assert version_added == upcoming and upcoming not in released, (
        "%s is not in the changelog: give it version_added: %s in DOCUMENTATION (unreleased version from galaxy.yml) "
        "or mention it in a changelogs/fragments/*.yml fragment (version_added is %r; released versions: %s)"
        % (module, upcoming, version_added or None, sorted(released) or "none")
    )


# --- ansible-doc ------------------------------------------------------------------------------


def ansible_doc_command():
    local = Path(sys.executable).parent / "ansible-doc"
    return str(local) if local.exists() else "ansible-doc"


@pytest.mark.parametrize("module", MODULES)
def test_ansible_doc_renders(module):
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collections_path(), ANSIBLE_NOCOLOR="1", ANSIBLE_PAGER="cat", PAGER="cat")
    env.pop("ANSIBLE_COLLECTIONS_PATHS", None)
    fqcn = "%s.%s.%s" % (NAMESPACE, NAME, module)
    proc = subprocess.run(
        [ansible_doc_command(), "-t", "module", fqcn],
        check=False,
        env=env,
        cwd=str(REPO),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, "ansible-doc %s failed (rc=%s):\n%s\n%s" % (fqcn, proc.returncode, proc.stdout, proc.stderr)
    assert "ERROR" not in proc.stderr, proc.stderr
    assert fqcn in proc.stdout, proc.stdout
    # A controller-only module (CONTROLLER_ONLY) talks to no API: it has no connection options to document.
    for option in CONNECTION_OPTIONS if module not in CONTROLLER_ONLY else ():
        assert re.search(r"\b%s\b" % option, proc.stdout), "%s: option %s (doc fragment mailops.sendgrid.sendgrid) missing from ansible-doc:\n%s" % (
            fqcn,
            option,
            proc.stdout,
        )


# --- role -------------------------------------------------------------------------------------


def test_the_unit_test_requirements_are_the_pins_of_requirements_dev():
    # ansible-test units (the nox matrix) installs tests/unit/requirements.txt; make test installs requirements-dev.txt.
    def pins(path):
        lines = (REPO / path).read_text(encoding="utf-8").splitlines()
        return dict(line.split("==", 1) for line in (line.split("#")[0].strip() for line in lines) if "==" in line)

    unit, dev = pins("tests/unit/requirements.txt"), pins("requirements-dev.txt")
    assert unit and {name: dev.get(name) for name in unit} == unit


def test_every_ansible_core_minimum_is_the_one_of_meta_runtime():
    # requires_ansible is the claim; the role's metadata and the execution environment must not claim older lines.
    runtime = yaml.safe_load((REPO / "meta" / "runtime.yml").read_text(encoding="utf-8"))
    minimum = runtime["requires_ansible"].lstrip(">=").rsplit(".", 1)[0]
    role = yaml.safe_load((REPO / "roles" / "sender_setup" / "meta" / "main.yml").read_text(encoding="utf-8"))
    assert str(role["galaxy_info"]["min_ansible_version"]) == minimum
    ee = yaml.safe_load((REPO / "docs" / "awx" / "execution-environment.yml").read_text(encoding="utf-8"))
    assert ee["dependencies"]["ansible_core"]["package_pip"].startswith("ansible-core>=%s," % minimum)
