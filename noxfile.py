# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The version matrix (`make matrix`): ansible-test sanity and the unit tests on every ansible-core line that is
maintained (meta/runtime.yml's requires_ansible), each on the oldest and the newest controller Python it supports
that this machine has.

`make test` covers the pinned ansible-core of requirements-dev.txt on Python 3.11; this adds every line.
Each session gets its own virtualenv, its own sanity copy of the collection under .build/matrix/<session>/ and its
own HOME for ansible-test's cached virtualenvs, set up the way tests/tools/harness.sh does it
(see tests/tools/README.md).

Why not antsibull-nox's ansible-test sessions (antsibull-nox.toml, as community.dns has): they run
``ansible-test sanity --docker`` and ``ansible-test units --docker`` and install ansible-core from GitHub; this
project's machines reach PyPI, Debian and npm only (no container registry, no GitHub), so here ansible-test runs
with ``--venv`` on ansible-core from PyPI instead.

    nox -l                                                      # the sessions
    nox -s "matrix(ansible_core='2.21', py='3.13')"             # one of them
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
from pathlib import Path

import nox

ROOT = Path(__file__).resolve().parent
BUILD = ROOT / ".build"

# (ansible-core line, Python): the maintained lines on 2026-12-01 (2.19 until May 2027, 2.20 until Nov 2027, 2.21
# until May 2028; docs.ansible.com's ansible-core support matrix), each on the oldest and the newest controller
# Python it supports: 2.19 on 3.11-3.13, 2.20 and 2.21 on 3.12-3.14. Python 3.14 is not installable here (pyenv has
# 3.13 at most), so the newest tested is 3.13.
MATRIX = [("2.19", "3.11"), ("2.19", "3.13"), ("2.20", "3.12"), ("2.20", "3.13"), ("2.21", "3.12"), ("2.21", "3.13")]

# What the unit tests import besides ansible-core, at the versions `make test` uses.
TEST_REQUIREMENTS = ("pytest", "pytest-xdist", "requests", "requests-mock", "PyYAML", "jsonschema", "dnspython")

nox.options.sessions = ["matrix"]
nox.options.reuse_existing_virtualenvs = True
nox.options.error_on_missing_interpreters = True


def dev_pins(names):
    pins = {}
    for line in (ROOT / "requirements-dev.txt").read_text(encoding="utf-8").splitlines():
        name, sep, version = line.strip().partition("==")
        if sep and name.lower() in {n.lower() for n in names}:
            pins[name] = "%s==%s" % (name, version)
    missing = {n.lower() for n in names} - {n.lower() for n in pins}
    if missing:
        raise RuntimeError("requirements-dev.txt has no pin for %s" % sorted(missing))
    return sorted(pins.values())


def interpreter(version):
    """python<version> from PATH, or from pyenv's versions when only pyenv has it."""
    found = shutil.which("python%s" % version)
    if found and subprocess.run([found, "--version"], capture_output=True, check=False).returncode == 0:
        return found
    pyenv_root = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    candidates = sorted(glob.glob(os.path.join(pyenv_root, "versions", "%s.*" % version, "bin", "python%s" % version)))
    return candidates[-1] if candidates else "python%s" % version


def sanity(session, venv, python_version):
    """ansible-test sanity --venv on a copy of what a commit would contain (as in the harness)."""
    work = BUILD / "matrix" / session.name.replace("(", "-").replace(")", "").replace("'", "").replace("=", "-").replace(", ", "-")
    copy = work / "ansible_collections" / "mailops" / "sendgrid"
    home = work / "home"
    python = str(venv / "bin" / "python")
    session.run(python, str(ROOT / "tests" / "tools" / "sync_tree.py"), str(ROOT), str(copy), external=True)
    if not (copy / ".git").is_dir():
        session.run("git", "-c", "init.defaultBranch=sanity", "init", "--quiet", str(copy), external=True)
    home.mkdir(parents=True, exist_ok=True)
    real_home = Path.home()
    for conf in (".config/pip", ".pip", ".cache/pip"):
        if (real_home / conf).exists() and not (home / conf).exists():
            (home / conf).parent.mkdir(parents=True, exist_ok=True)
            (home / conf).symlink_to(real_home / conf)
    # ansible-test bootstraps pip with a script it downloads from a server that is not reachable here.
    pip_version = session.run(
        python,
        "-c",
        "from ansible_test._internal.python_requirements import get_venv_packages as g\n"
        "class P: version = %r\n"
        "print(g(P)['pip'])" % python_version,
        silent=True,
        external=True,
    ).strip().splitlines()[-1]
    get_pip = home / ".ansible" / "test" / "cache" / ("get_pip_%s.py" % pip_version.replace(".", "_"))
    get_pip.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(ROOT / "tests" / "tools" / "get_pip_offline.py", get_pip)
    env = {
        "HOME": str(home),
        # ansible-test --venv --python X.Y looks for pythonX.Y on PATH.
        "PATH": os.pathsep.join([str(Path(interpreter(python_version)).parent), os.environ.get("PATH", "")]),
        "PYTHONPATH": "",
        "ANSIBLE_COLLECTIONS_PATH": "",
    }
    with session.chdir(copy):
        session.run(
            str(venv / "bin" / "ansible-test"), "sanity", "--venv", "--python", python_version, "--color", "no", *session.posargs, env=env, external=True
        )


@nox.session(python=False)
@nox.parametrize("ansible_core,py", MATRIX)
def matrix(session, ansible_core, py):
    """ansible-test sanity and the unit tests on one ansible-core line and Python."""
    python_version = py
    venv = BUILD / "matrix" / ("venv-%s-py%s" % (ansible_core, python_version))
    if not (venv / "bin" / "python").exists():
        session.run(interpreter(python_version), "-m", "venv", str(venv), external=True)
    python = str(venv / "bin" / "python")
    session.run(
        python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
        "ansible-core==%s.*" % ansible_core, *dev_pins(TEST_REQUIREMENTS), external=True,
    )
    session.run(str(venv / "bin" / "ansible"), "--version", external=True)

    sanity(session, venv, python_version)

    # Unit tests against this ansible-core (ansible-doc of every module included), on this checkout.
    link = BUILD / "collections" / "ansible_collections" / "mailops" / "sendgrid"
    if not link.exists():
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(Path("../../../.."), target_is_directory=True)
    session.run(
        python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "auto", "tests/unit",
        # ansible-doc (tests/unit/test_collection_meta.py) comes from this venv.
        env={
            "ANSIBLE_COLLECTIONS_PATH": str(BUILD / "collections"),
            "PYTHONPATH": "",
            "PATH": os.pathsep.join([str(venv / "bin"), os.environ.get("PATH", "")]),
        },
        external=True,
    )
