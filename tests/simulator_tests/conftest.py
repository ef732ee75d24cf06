# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from .helpers import Api


@pytest.fixture
def api(simulator):
    """Requests as the parent account with the session's full-access key."""
    return Api(simulator)


@pytest.fixture
def as_user(simulator):
    """``as_user(name)``: requests on behalf of a subuser (or ``account-id N``)."""
    return lambda name: Api(simulator, on_behalf_of=name)
