# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The plan (issue 17): the one place where the collection decides what a run changes."""

from __future__ import annotations

import pytest

from ansible_collections.mailops.sendgrid.plugins.module_utils._plan import PATCH, REPLACE, STEP, Field, Plan, compute_plan, differences

FIELDS = (
    Field("subdomain", REPLACE),
    Field("region", REPLACE, echoed=False),
    Field("custom_spf"),
    Field("default", PATCH),
    Field("ips", STEP, unordered=True),
)
CURRENT = {"subdomain": "em", "region": None, "custom_spf": False, "default": True, "ips": ["192.0.2.1", "192.0.2.2"]}


def plan(desired, current=None, **kwargs):
    return compute_plan(FIELDS, CURRENT if current is None else current, desired, **kwargs)


def test_only_the_options_the_task_set_are_compared():
    assert plan({"default": None, "custom_spf": False, "ips": ["192.0.2.2", "192.0.2.1"]}).action == Plan.NONE


def test_fields_sendgrid_changes_in_place_are_patched_and_steps_follow():
    result = plan({"custom_spf": True, "default": False, "ips": ["192.0.2.1"]})
    assert (result.action, result.changes, result.patch, result.steps) == (Plan.UPDATE, ["custom_spf", "default", "ips"], ["custom_spf", "default"], ["ips"])


def test_a_field_sendgrid_cannot_change_makes_a_replace_with_its_name():
    result = plan({"subdomain": "mail", "default": False})
    assert (result.action, result.changes, result.replace) == (Plan.REPLACE, ["subdomain", "default"], ["subdomain"])


def test_a_field_the_api_did_not_echo_is_never_drift():
    # SendGrid did not say the region: "eu" is not a difference, and never a reason to delete the object.
    assert plan({"region": "eu"}).action == Plan.NONE
    assert plan({"region": "eu"}, current=dict(CURRENT, region="global")).replace == ["region"]


def test_a_frozen_object_needs_a_replace_for_any_change_but_not_without_one():
    assert plan({"default": False}, frozen="legacy").reasons == ["legacy"]
    assert plan({"default": True}, frozen="legacy").action == Plan.NONE


@pytest.mark.parametrize("state, current, action", [("absent", CURRENT, Plan.DELETE), ("absent", None, Plan.NONE), ("present", None, Plan.CREATE)])
def test_absent_and_missing(state, current, action):
    assert compute_plan(FIELDS, current, {}, state=state).action == action


def test_a_comparison_of_its_own():
    members = Field("ips", STEP, differs=lambda have, want: bool(set(want) - set(have)))
    assert compute_plan((members,), {"ips": ["a", "b"]}, {"ips": ["a"]}).action == Plan.NONE
    assert compute_plan((members,), {"ips": ["a"]}, {"ips": ["a", "c"]}).steps == ["ips"]


def test_differences_name_each_field_with_its_value_and_the_wanted_one():
    assert differences(CURRENT, {"subdomain": "mail"}, ["subdomain"]) == "subdomain (is 'em', wanted 'mail')"


def test_an_unknown_kind_of_change_is_refused():
    with pytest.raises(ValueError):
        Field("x", "rename")
