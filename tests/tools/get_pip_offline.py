#!/usr/bin/env python
"""Stand-in for the pip bootstrap script ansible-test downloads (get-pip-X.Y.py).

ansible-test creates its virtualenvs without pip and bootstraps pip by running
``~/.ansible/test/cache/get_pip_<version>.py``, which it otherwise downloads from Ansible's CI
file server. That server is not reachable from here (only package registries are), so
tests/tools/harness.sh places this script at that path instead, as ansible-test's own error
message suggests. It gets the same arguments as the real script, e.g.::

    --disable-pip-version-check pip==24.2 --no-setuptools --no-wheel

and does the same job with the standard library's ensurepip plus one ordinary
``pip install`` from the configured package index.
"""

from __future__ import annotations

import subprocess
import sys


def main(argv: list[str]) -> int:
    flags = {'--no-setuptools', '--no-wheel'}
    options = [arg for arg in argv if arg not in flags]

    # Bundled pip (and, before Python 3.12, setuptools) into the current interpreter.
    subprocess.check_call([sys.executable, '-m', 'ensurepip', '--upgrade', '--default-pip'])
    # The exact pip version ansible-test asked for.
    subprocess.check_call([sys.executable, '-m', 'pip', 'install', '--upgrade', '--quiet'] + options)

    if '--no-setuptools' in argv:
        # The real script leaves setuptools out; ensurepip may have brought it in.
        subprocess.call(
            [sys.executable, '-m', 'pip', 'uninstall', '--yes', '--quiet', 'setuptools'],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
