# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The checkout as an installed collection, for everything that runs ansible-playbook or ansible-doc."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def collections_path() -> str:
    """A collections root whose ``ansible_collections/mailops/sendgrid`` is this checkout (created on first use).

    ``MAILOPS_COLLECTIONS_PATH`` names another root instead: the release check runs the demo against the collection
    installed from the built tarball that way (tests/tools/release.sh).
    """
    if os.environ.get("MAILOPS_COLLECTIONS_PATH"):
        return os.environ["MAILOPS_COLLECTIONS_PATH"]
    root = REPO / ".build" / "collections"
    link = root / "ansible_collections" / "mailops" / "sendgrid"
    if not link.exists():
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(REPO, target_is_directory=True)
    return str(root)
