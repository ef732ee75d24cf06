# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The ansible-playbook command line every runner of the tests builds (integration, reliability, benchmark)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

ANSIBLE_PLAYBOOK = str(Path(sys.executable).parent / "ansible-playbook")


def playbook_command(path, inventory="localhost,", extra_vars=None, check=False, diff=False, verbosity=0, args=()) -> list:
    """``ansible-playbook -i INVENTORY PATH`` with the options; the implicit localhost inventory runs locally."""
    command = [ANSIBLE_PLAYBOOK, "-i", str(inventory), str(path)]
    if str(inventory) == "localhost,":
        command += ["-c", "local"]
    if extra_vars:
        command += ["-e", json.dumps(extra_vars)]
    if check:
        command.append("--check")
    if diff:
        command.append("--diff")
    if verbosity:
        command.append("-" + "v" * verbosity)
    return command + list(args)
