#!/usr/bin/env python
"""Stand-in for the pip bootstrap script ansible-test downloads (get-pip-X.Y.py).

ansible-test creates its virtualenvs without pip and bootstraps pip by running
``~/.ansible/test/cache/get_pip_<version>.py``, which it otherwise downloads from Ansible's CI
file server. That server is not reachable from here (only package registries are), so
tests/tools/harness.sh places this script at that path instead, as ansible-test's own error
message suggests. It gets the same arguments as the real script, e.g.::

    --disable-pip-version-check pip==24.2 --no-setuptools --no-wheel

and does the same job: it runs the pip wheel bundled with CPython's ensurepip to install the
requested pip from the configured package index (falling back to ``python -m ensurepip`` plus
an upgrade when no bundled wheel is present).
"""

from __future__ import annotations

import glob
import os
import subprocess
import sys


def bundled_pip_wheel() -> str | None:
    """The pip wheel that ships with CPython's ensurepip (absent on some distribution builds)."""
    try:
        import ensurepip
    except ImportError:
        return None
    wheels = sorted(glob.glob(os.path.join(os.path.dirname(ensurepip.__file__), '_bundled', 'pip-*.whl')))
    return wheels[-1] if wheels else None


def main(argv: list[str]) -> int:
    flags = {'--no-setuptools', '--no-wheel'}
    options = [arg for arg in argv if arg not in flags]
    # Like the real script: setuptools and wheel come along unless they are turned off.
    if '--no-setuptools' not in argv:
        options.append('setuptools')
    if '--no-wheel' not in argv:
        options.append('wheel')

    wheel = bundled_pip_wheel()
    if wheel:
        # pip runs straight from its wheel (as get-pip.py does) and installs the requested pip.
        subprocess.check_call([sys.executable, os.path.join(wheel, 'pip'), 'install', '--upgrade', '--quiet'] + options)
        return 0

    # No bundled wheel to run: let ensurepip install its pip first, then upgrade it.
    subprocess.check_call([sys.executable, '-m', 'ensurepip', '--upgrade', '--default-pip'])
    subprocess.check_call([sys.executable, '-m', 'pip', 'install', '--upgrade', '--quiet'] + options)
    if '--no-setuptools' in argv:
        # ensurepip may have brought setuptools in; the real script leaves it out.
        subprocess.call([sys.executable, '-m', 'pip', 'uninstall', '--yes', '--quiet', 'setuptools'], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
