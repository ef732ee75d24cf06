# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""``python -m tests.perf``: the benchmark (see tests/perf/README.md)."""

from __future__ import annotations

import sys

from tests.perf.run import main

sys.exit(main())
