# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Fixtures shared by every test directory: one simulator process per test session."""

from __future__ import annotations

import pytest

from tests.simulator.control import start_simulator

TEST_API_KEY = "SG.test-key"


@pytest.fixture(scope="session")
def simulator_session():
    """The simulator process of this session (started on first use, key ``SG.test-key``)."""
    sim = start_simulator(api_key=TEST_API_KEY)
    try:
        yield sim
    finally:
        sim.stop()


@pytest.fixture
def simulator(simulator_session, request, monkeypatch):
    """The session's simulator, emptied for this test: state, request log, faults, DNS
    table, rate limit, config and dialect are back to their start values. Yields the control client
    (``.base_url``, ``.api_key``, ``.auth_headers()``, ``.seed()``, ...).

    The session plays the dialect of ``SIMULATOR_DIALECT`` (``make integration-dialects`` runs the suite under
    ``all``). A test marked ``pins_default_dialect`` asserts details of the default guess (exact record lists,
    validation reasons, names, request counts) and gets the default behaviour whatever the session plays; what the
    modules do under each alternative is pinned by tests/integration/test_dialects.py and the unit tests."""
    sim = simulator_session
    if request.node.get_closest_marker("pins_default_dialect"):
        # Also when the test resets the simulator itself (the benchmark's scenarios do).
        reset = sim.reset

        def reset_to_default():
            reset()
            sim.set_dialect({})

        monkeypatch.setattr(sim, "reset", reset_to_default)
    sim.reset()
    sim.clear_requests()
    sim.clear_faults()
    sim.clear_dns()
    yield sim
