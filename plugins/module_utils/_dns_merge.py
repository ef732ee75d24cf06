# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Merging SendGrid's DNS records into a live zone: the one place where a change to someone's zone is planned.

PRIVATE: this module is internal to the mailops.sendgrid collection. It is not a public API and may
change in any release without notice. Do not import it from other collections.

A zone is shared with everything else a company runs, so a record SendGrid needs is never written by
replacing what is at its name. ``plan`` takes the records SendGrid asks for and what the zone holds now,
and answers, per name and type, the record set before and after, with these rules:

- TXT: our value is added; every other value at the name stays.
- SPF (a TXT value ``v=spf1 ...``): at most one per name (two are a permanent error, RFC 7208 section 4.5,
  and every SPF check of the name fails). When one exists, SendGrid's mechanisms are merged into it (its other
  mechanisms and its ``all`` qualifier stay); a merged record needing more than 10 DNS lookups is refused.
- DKIM keys (TXT at ``<selector>._domainkey.<domain>``): one key per selector; another key there is a conflict.
- CNAME: only where the name holds nothing else at all. MX and A: only where the name holds no other value of that
  type (a second mail exchanger or PTR target silently breaks bounce handling or forward-confirmed reverse DNS).
  Anything at a CNAME's name is a conflict too.
- A conflict is refused, saying what is there, unless ``replace_conflicts``: then the conflicting data at that
  name is replaced (an SPF record over the lookup limit is refused either way: only a person can shorten it).

The plan is pure (no DNS): callers read the zone, call ``plan``, then show it (check mode, diff) or apply it.
"""

from __future__ import annotations

import re

# The one DNS-name normaliser of the DNS modules (lower case, no blanks, no trailing dot).
from ansible_collections.mailops.sendgrid.plugins.module_utils._records import normalise_name

SPF_LOOKUP_LIMIT = 10
# Mechanisms and modifiers that cost a DNS lookup (RFC 7208 section 4.6.4).
_LOOKUP_TERMS = ("include", "a", "mx", "ptr", "exists", "redirect")
_QUALIFIERS = "+-~?"
# Types that may sit at a name; a CNAME must be alone there, so each is asked for before a CNAME is added.
OTHER_TYPES = ("A", "AAAA", "MX", "TXT", "CNAME", "NS", "SRV", "CAA")


class PlanConflict(Exception):
    """The zone holds data that the records would overwrite or break; nothing is written."""

    def __init__(self, conflicts):
        self.conflicts = conflicts
        super().__init__(
            "%d DNS record(s) cannot be published without changing data the collection did not write: %s"
            % (len(conflicts), "; ".join(item["message"] for item in conflicts))
        )


def normalise_value(rtype, value):
    """A record value as it is compared: CNAME/MX targets lower case without the trailing dot, MX with its preference."""
    rtype = rtype.upper()
    value = (value or "").strip()
    if rtype == "CNAME":
        return normalise_name(value)
    if rtype == "MX":
        parts = value.split()
        if len(parts) == 1:
            parts = ["10", parts[0]]
        return "%s %s" % (int(parts[0]), normalise_name(parts[1]))
    return value


# -- SPF ----------------------------------------------------------------------------------------


def is_spf(value):
    text = (value or "").strip().lower()
    return text == "v=spf1" or text.startswith("v=spf1 ")


def is_dmarc(value):
    text = (value or "").strip().lower().replace(" ", "")
    return text.startswith("v=dmarc1;") or text == "v=dmarc1"


def spf_terms(value):
    return (value or "").split()[1:]


def _term_name(term):
    bare = term.lstrip(_QUALIFIERS) if term[:1] in _QUALIFIERS else term
    return re.split(r"[:/=]", bare, maxsplit=1)[0].lower(), bare


def _is_all(term):
    return _term_name(term)[0] == "all"


def _is_redirect(term):
    return term.lower().startswith("redirect=")


def merge_spf(existing, ours):
    """``existing`` with SendGrid's mechanisms of ``ours`` added (before its ``all`` or ``redirect=``), or ``existing``
    unchanged when it has them all. Its other terms and its ``all`` qualifier are kept."""
    terms = spf_terms(existing)
    have = {term.lower().lstrip("+") for term in terms}
    added = [term for term in spf_terms(ours) if not _is_all(term) and not _is_redirect(term) and term.lower().lstrip("+") not in have]
    if not added:
        return existing
    at = next((index for index, term in enumerate(terms) if _is_all(term) or _is_redirect(term)), len(terms))
    return " ".join(["v=spf1"] + terms[:at] + added + terms[at:])


def spf_lookups(value, resolve_spf, _depth=0, _seen=None):
    """``(lookups, unresolved)``: the DNS lookups an SPF check of ``value`` needs, following ``include:`` and
    ``redirect=`` through ``resolve_spf(name)`` (the SPF record at a name, ``None`` when there is none or it cannot
    be read; those count as one lookup each and are listed in ``unresolved``)."""
    seen = set() if _seen is None else _seen
    count = 0
    unresolved = []
    for term in spf_terms(value):
        name, bare = _term_name(term)
        if name not in _LOOKUP_TERMS:
            continue
        count += 1
        if name not in ("include", "redirect") or _depth >= SPF_LOOKUP_LIMIT:
            continue
        target = normalise_name(re.split(r"[:=]", bare, maxsplit=1)[1] if re.search(r"[:=]", bare) else "")
        if not target or target in seen:
            continue
        seen.add(target)
        nested = resolve_spf(target)
        if nested is None:
            unresolved.append(target)
            continue
        more, missing = spf_lookups(nested, resolve_spf, _depth + 1, seen)
        count += more
        unresolved += missing
    return count, unresolved


# -- the plan -----------------------------------------------------------------------------------


def is_dkim_name(name):
    return "._domainkey." in normalise_name(name)


def _describe(zone_data):
    parts = []
    for rtype in sorted(zone_data):
        values = zone_data[rtype]
        if values:
            parts.append("%s %s" % (rtype, ", ".join(repr(value) for value in values)))
    return "; ".join(parts) or "nothing"


def plan(records, read, replace_conflicts=False, resolve_spf=None, replace_option="replace_conflicts", replace_dmarc=False,
         replace_dmarc_option="replace_dmarc"):
    """The changes that publish ``records`` (``[{name, type, value}]``) into the zone ``read(name)`` describes.

    ``read(name)`` answers ``{TYPE: [value, ...]}`` for what the zone holds at ``name`` (values as
    ``normalise_value`` writes them; TXT strings joined). Returns ``[{name, type, action, before, after, note}]``
    per name and type the records touch, in the records' order, with ``action`` one of ``none``, ``add``,
    ``merge`` (an SPF record merged), ``replace`` (conflicting data replaced, only with ``replace_conflicts``)
    and ``delete`` (other data removed from a CNAME's name, only with ``replace_conflicts``). Raises
    ``PlanConflict`` naming every conflict when any is left. ``replace_option`` is how messages name the opt-in.
    An existing DMARC record is replaced only with ``replace_dmarc`` (named ``replace_dmarc_option``): it is the
    domain owner's policy, and other senders of the domain depend on it.
    """
    resolve_spf = resolve_spf or (lambda name: None)
    wanted: dict = {}
    for record in records:
        key = (normalise_name(record["name"]), record["type"].upper())
        value = normalise_value(key[1], record["value"])
        values = wanted.setdefault(key, [])
        if value not in values:
            values.append(value)
    zone: dict = {}
    for name, _rtype in wanted:
        if name not in zone:
            zone[name] = {rtype.upper(): list(values) for rtype, values in (read(name) or {}).items()}
    changes = []
    conflicts = []

    def conflict(name, rtype, message, replaceable=True, allowed=None, option=None):
        if (replace_conflicts if allowed is None else allowed) and replaceable:
            return True
        hint = " (set %s to replace it)" % (option or replace_option) if replaceable else ""
        conflicts.append({"name": name, "type": rtype, "message": "%s %s: %s%s" % (name, rtype, message, hint)})
        return False

    for (name, rtype), ours in wanted.items():
        here = zone[name]
        before = list(here.get(rtype, []))
        cname = here.get("CNAME", [])
        if rtype == "CNAME":
            others = {t: v for t, v in here.items() if t != "CNAME" and v}
            if before == ours and not others:
                changes.append(_change(name, rtype, "none", before, before))
                continue
            if others or (before and before != ours):
                if not conflict(name, rtype, "the name holds %s, and a CNAME must be alone at its name" % _describe(here)):
                    continue
                for other_type, values in sorted(others.items()):
                    changes.append(_change(name, other_type, "delete", values, [], "removed: a CNAME must be alone at its name"))
                    here[other_type] = []
                changes.append(_change(name, rtype, "replace", before, ours))
                here[rtype] = list(ours)
                continue
            changes.append(_change(name, rtype, "add", before, ours))
            here[rtype] = list(ours)
            continue
        if cname:
            if not conflict(name, rtype, "the name holds a CNAME to %s; no other record may be at a CNAME's name" % cname[0]):
                continue
            changes.append(_change(name, "CNAME", "delete", cname, [], "removed: no other record may be at a CNAME's name"))
            here["CNAME"] = []
        if rtype in ("MX", "A", "AAAA"):
            if sorted(before) == sorted(ours):
                changes.append(_change(name, rtype, "none", before, before))
                continue
            if before:
                if not conflict(name, rtype, "the name holds %s %s already; a second value would break %s"
                                % (rtype, ", ".join(before), "bounce handling" if rtype == "MX" else "forward-confirmed reverse DNS")):
                    continue
                changes.append(_change(name, rtype, "replace", before, ours))
            else:
                changes.append(_change(name, rtype, "add", before, ours))
            here[rtype] = list(ours)
            continue
        if rtype == "TXT":
            after = list(before)
            action = "none"
            for value in ours:
                if value in after:
                    continue
                if is_spf(value):
                    existing = [item for item in after if is_spf(item)]
                    if len(existing) > 1:
                        if not conflict(name, rtype, "the name holds %d SPF records already (%s), a permanent error for every SPF "
                                        "check (RFC 7208 section 4.5): merge them into one first" % (len(existing), ", ".join(repr(e) for e in existing))):
                            break
                        after = [item for item in after if not is_spf(item)] + [value]
                        action = "replace"
                        continue
                    merged = merge_spf(existing[0], value) if existing else value
                    lookups, unresolved = spf_lookups(merged, resolve_spf)
                    if lookups > SPF_LOOKUP_LIMIT:
                        conflict(
                            name, rtype,
                            "merging SendGrid's SPF into %r gives %r, which needs %d DNS lookups (more than %d: a permanent "
                            "error, RFC 7208 section 4.6.4)%s; shorten the existing record first"
                            % (existing[0] if existing else value, merged, lookups, SPF_LOOKUP_LIMIT,
                               " counting %s as one each" % ", ".join(unresolved) if unresolved else ""),
                            replaceable=False,
                        )
                        break
                    if existing:
                        if merged != existing[0]:
                            after[after.index(existing[0])] = merged
                            action = "merge" if action in ("none", "merge") else action
                    else:
                        after.append(value)
                        action = "add" if action == "none" else action
                    continue
                if is_dmarc(value):
                    existing = [item for item in after if is_dmarc(item)]
                    if existing:
                        if not conflict(name, rtype, "the name holds a DMARC record already (%s); a domain has one DMARC policy "
                                        "(RFC 7489 section 6.6.3) and the collection does not replace it"
                                        % ", ".join(repr(item) for item in existing), allowed=replace_dmarc, option=replace_dmarc_option):
                            break
                        after = [item for item in after if not is_dmarc(item)] + [value]
                        action = "replace"
                        continue
                if is_dkim_name(name) and after:
                    if not conflict(name, rtype, "the name holds another DKIM key (%s); one selector holds one key" % ", ".join(repr(a[:40]) for a in after)):
                        break
                    after = [value]
                    action = "replace"
                    continue
                after.append(value)
                action = "add" if action == "none" else action
            else:
                changes.append(_change(name, rtype, action, before, after))
                here[rtype] = after
            continue
        # Any other type: add what is missing, keep the rest.
        after = before + [value for value in ours if value not in before]
        changes.append(_change(name, rtype, "none" if after == before else "add", before, after))
        here[rtype] = after
    if conflicts:
        raise PlanConflict(conflicts)
    return changes


def _change(name, rtype, action, before, after, note=None):
    return {"name": name, "type": rtype, "action": action, "before": list(before), "after": list(after), "note": note}


def record_sets(changes):
    """The record sets to publish (``[{name, type, values}]``), merged, from a plan: what a zone file or another
    publisher should hold at each name, including the values that were there already."""
    return [{"name": c["name"], "type": c["type"], "values": list(c["after"])} for c in changes if c["after"]]


def diff(changes):
    """``{before, after}`` of the record sets a plan changes, keyed ``"<name> <TYPE>"``."""
    changed = [c for c in changes if c["action"] != "none"]
    return {
        "before": {"%s %s" % (c["name"], c["type"]): list(c["before"]) for c in changed},
        "after": {"%s %s" % (c["name"], c["type"]): list(c["after"]) for c in changed},
    }
