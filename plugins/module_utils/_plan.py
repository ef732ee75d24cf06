# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The one place where the collection decides what a run changes: a plan computed from current and desired.

PRIVATE: this module is internal to the mailops.sendgrid collection. It is not a public API and may
change in any release without notice. Do not import it from other collections.

Each resource declares its fields (``Field``): how a field is compared, and how SendGrid changes it, in place with
the object's PATCH, with requests of its own (a step the resource implements), or not at all (a replace: delete and
create again). ``compute_plan`` turns the object found (in the shape of the module's options) and the options the
task set into one ``Plan``: nothing, create, update (the fields to patch, the steps to run), replace (with the fields
that force it) or delete. ``SendGridResource.run`` applies the plan; check mode goes through the same application
with writes recorded instead of sent, so the prediction and the diff come from the plan.
"""

from __future__ import annotations

PATCH = "patch"
STEP = "step"
REPLACE = "replace"


class Field:
    """One option of a resource as the plan sees it.

    ``change``: ``PATCH`` (the object's PATCH request carries it), ``STEP`` (requests of its own: the resource's
    ``change_<name>(obj)``), ``REPLACE`` (SendGrid cannot change it: the object is deleted and created again).
    ``unordered``: a list compared as a set. ``echoed=False``: SendGrid may not return the field; when the object
    found has no value for it (``None``), it is not compared, never drift and never a reason to replace.
    ``differs(current, desired)``: a comparison of its own (for example "every wanted member is there").
    """

    def __init__(self, name, change=PATCH, unordered=False, echoed=True, differs=None):
        if change not in (PATCH, STEP, REPLACE):
            raise ValueError("change must be patch, step or replace, got %r" % (change,))
        self.name = name
        self.change = change
        self.unordered = unordered
        self.echoed = echoed
        self._differs = differs

    def differs(self, current, desired):
        if desired is None:
            return False  # an option the task did not set is never touched
        if current is None and not self.echoed:
            return False  # SendGrid did not say: unknown is not different
        if self._differs is not None:
            return self._differs(current, desired)
        if self.unordered:
            return set(desired) != set(current or ())
        return desired != current


class Plan:
    """What one run does to one object. ``changes`` are the differing fields in declaration order."""

    NONE, CREATE, UPDATE, REPLACE, DELETE = "none", "create", "update", "replace", "delete"

    def __init__(self, action, changes=(), patch=(), steps=(), replace=(), reasons=()):
        self.action = action
        self.changes = list(changes)
        self.patch = list(patch)
        self.steps = list(steps)
        # The fields that force a replace, and other reasons (a legacy object cannot be updated at all).
        self.replace = list(replace)
        self.reasons = list(reasons)

    def __repr__(self):
        return "Plan(%s, changes=%r, patch=%r, steps=%r, replace=%r, reasons=%r)" % (
            self.action, self.changes, self.patch, self.steps, self.replace, self.reasons)


def compute_plan(fields, current, desired, state="present", frozen=None):
    """The plan for ``current`` (options shape, ``None`` when absent) and ``desired`` (options the task set).

    ``frozen``: a reason why the object cannot be updated at all (SendGrid's legacy objects); any change then
    needs a replace.
    """
    if state == "absent":
        return Plan(Plan.DELETE if current is not None else Plan.NONE)
    if current is None:
        return Plan(Plan.CREATE)
    changes = [field for field in fields if field.differs(current.get(field.name), desired.get(field.name))]
    names = [field.name for field in changes]
    replace = [field.name for field in changes if field.change == REPLACE]
    reasons = [frozen] if frozen and changes else []
    if replace or reasons:
        return Plan(Plan.REPLACE, names, replace=replace, reasons=reasons)
    if not changes:
        return Plan(Plan.NONE)
    return Plan(
        Plan.UPDATE,
        names,
        patch=[field.name for field in changes if field.change == PATCH],
        steps=[field.name for field in changes if field.change == STEP],
    )


def members_differ(purge):
    """A list of members compared the way ``purge_*`` options mean it: without purge a list differs only in a wanted
    member it lacks (the others are left alone); with purge, in any member."""
    def differs(have, want):
        have = set(have or ())
        return bool(set(want) - have) or (purge and bool(have - set(want)))
    return differs


def differences(current, desired, names):
    """``name (is X, wanted Y), ...``: how the collection names differing fields in every message."""
    return ", ".join("%s (is %r, wanted %r)" % (name, current.get(name), desired.get(name)) for name in names)
