# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A stateful simulator of the parts of the SendGrid v3 API this collection uses.

Start it with ``python -m tests.simulator`` from the repository root; see README.md
beside this file for every option and the ``/_simulator/`` control API.
"""
