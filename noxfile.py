# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""antsibull-nox sessions (`make matrix`): the community's checks of antsibull-nox.toml, and ansible-test sanity and
units on every ansible-core line that is maintained (meta/runtime.yml's requires_ansible), each on the oldest and the
newest controller Python it supports that this machine has.

`make test` covers the pinned ansible-core of requirements-dev.txt on Python 3.11; this adds every line.

The matrix sessions are antsibull-nox's own ansible-test sessions (``antsibull_nox.add_ansible_test_session``, its
public API), with two differences from the ones antsibull-nox.toml would make, each for a reason of this workplace:

- ``ansible-test ... --venv --python X.Y`` instead of ``--docker``: no container registry is reachable here;
- ansible-core from PyPI instead of GitHub (``ansible_core_source="pypi"``): GitHub is not reachable here.

And ansible-test bootstraps pip in its virtualenvs with a script it downloads from Ansible's CI file server, which
is not reachable either: each session gets its own HOME whose ansible-test cache holds tests/tools/get_pip_offline.py
under that script's name (as the harness does for `make sanity`; see tests/tools/README.md).

    nox -l                                           # the sessions
    nox -s ansible-test-sanity-2.21-py3.13           # one of them
    nox                                              # all of them (make matrix)
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


def pyenv_bin_dirs():
    """The bin directories of pyenv's Pythons, newest first: nox and ansible-test --python X.Y look for pythonX.Y on
    PATH, and this machine has most of them from pyenv only."""
    pyenv_root = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))

    def version(path):
        return tuple(int(part) if part.isdigit() else 0 for part in Path(path).parent.name.split("."))

    return sorted(glob.glob(os.path.join(pyenv_root, "versions", "3.*", "bin")), key=version, reverse=True)


# After what PATH has: they only add the pythonX.Y that are missing, and never shadow the system's python3 or pip.
os.environ["PATH"] = os.pathsep.join([os.environ.get("PATH", "")] + pyenv_bin_dirs())

# Imported after PATH is set: antsibull-nox picks each session's Python among those installed.
import antsibull_nox  # noqa: E402  pylint: disable=wrong-import-position

antsibull_nox.load_antsibull_nox_toml()

nox.options.reuse_existing_virtualenvs = True
nox.options.error_on_missing_interpreters = True


OUTER_ENVIRONMENT = {name: os.environ.get(name) for name in ("HOME", "ANSIBLE_COLLECTIONS_PATH", "PYTHONPATH")}


def session_name(kind, core, python):
    return "ansible-test-%s-%s-py%s" % (kind, core, python)


class OfflineHome:
    """A HOME for one ansible-test session whose cache holds the offline pip bootstrap script.

    ansible-test names the script after the pip version it installs, which depends on the ansible-core of the
    session: that is read from the session's own ansible_test package.
    """

    def __init__(self, name, core, python):
        self.name = name
        self.core = core
        self.python = python
        self.home = BUILD / "matrix" / name / "home"

    def session_python(self):
        """The Python of a virtualenv under .nox/ that holds this session's ansible-core line (the newest such).

        nox names a session's virtualenv after the session, or after a hash of the name when the path would be long:
        it is found by what it holds. The pip version asked for depends only on ansible-core and the target Python.
        """
        found = []
        for dist in glob.glob(str(ROOT / ".nox" / "*" / "lib" / "python*" / "site-packages" / "ansible_core-*.dist-info")):
            version = Path(dist).name[len("ansible_core-"):-len(".dist-info")]
            if version.startswith(self.core + "."):
                found.append((os.path.getmtime(dist), str(Path(dist).parents[3] / "bin" / "python")))
        if not found:
            raise RuntimeError("no virtualenv with ansible-core %s under %s (session %s)" % (self.core, ROOT / ".nox", self.name))
        return max(found)[1]

    def pip_version(self):
        program = (
            "from ansible_test._internal.python_requirements import get_venv_packages as g\n"
            "class P: version = %r\n"
            "print(g(P)['pip'])" % self.python
        )
        output = subprocess.run([self.session_python(), "-c", program], capture_output=True, text=True, check=True).stdout
        return output.strip().splitlines()[-1]

    def before(self):
        self.restore()
        self.home.mkdir(parents=True, exist_ok=True)
        real_home = Path.home()
        for conf in (".config/pip", ".pip", ".cache/pip"):
            if (real_home / conf).exists() and not (self.home / conf).exists():
                (self.home / conf).parent.mkdir(parents=True, exist_ok=True)
                (self.home / conf).symlink_to(real_home / conf)
        get_pip = self.home / ".ansible" / "test" / "cache" / ("get_pip_%s.py" % self.pip_version().replace(".", "_"))
        get_pip.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / "tests" / "tools" / "get_pip_offline.py", get_pip)
        os.environ.update(HOME=str(self.home), ANSIBLE_COLLECTIONS_PATH="", PYTHONPATH="")

    @staticmethod
    def after():
        # antsibull-nox then copies the session's tests/output into the checkout, walking it bottom-up, which
        # fails on a directory two levels down (tests/output/.tmp/pylint) whose parent is not there yet: make them.
        output = Path.cwd() / "tests" / "output"
        for directory in sorted(path for path in output.rglob("*") if path.is_dir()):
            (ROOT / "tests" / "output" / directory.relative_to(output)).mkdir(parents=True, exist_ok=True)
        OfflineHome.restore()

    @staticmethod
    def restore():
        # Also before each session: one whose ansible-test failed does not get to after(). (A session of
        # antsibull-nox.toml run after such a failed one in the same nox call still sees its HOME; the default order
        # runs them first.)
        for name, value in OUTER_ENVIRONMENT.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


for CORE, PYTHON in MATRIX:
    for KIND in ("sanity", "units"):
        NAME = session_name(KIND, CORE, PYTHON)
        HOME = OfflineHome(NAME, CORE, PYTHON)
        antsibull_nox.add_ansible_test_session(
            name=NAME,
            description="ansible-test %s --venv on ansible-core %s (PyPI), Python %s" % (KIND, CORE, PYTHON),
            ansible_test_params=[KIND, "--color", "no", "-v", "--venv", "--python", PYTHON],
            default=False,
            ansible_core_version=CORE,
            ansible_core_source="pypi",
            register_name=KIND,
            register_extra_data={"python": PYTHON},
            register_tags=[KIND, "matrix"],
            callback_before=HOME.before,
            callback_after=HOME.after,
        )

# `nox` alone (make matrix): antsibull-nox.toml's checks, then the matrix.
nox.options.sessions = ["docs-check", "extra-checks", "build-import-check"] + [
    session_name(kind, core, python) for core, python in MATRIX for kind in ("sanity", "units")
]
