# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Check the sender_setup role's variables of one host and hand back its sender (see the module's documentation).

The role's first task. It replaces three per-host tasks that each cost a large play seconds: ansible-core's own role
argument validation (the bundled playbooks import the role with rolespec_validate=false, as this checks the same
specification), the unknown-name and contradiction checks (a template with a varnames lookup), and the set_fact that
gathered the sender's settings for mailops.sendgrid.sendgrid_senders. It runs on the controller and templates only
the role's own variables.
"""

from __future__ import annotations

import os
import re

import yaml
from ansible.errors import AnsibleActionFail
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.plugins.action import ActionBase

PREFIX = "sender_setup_"
ARGUMENT_SPEC = {
    "role_path": {"type": "path"},
    "outputs": {"type": "list", "elements": "str", "default": []},
}
# How an address must look in rua= and ruf= (mailto: added when missing), as RFC 7489 reporting URIs.
MAILTO = re.compile(r"^mailto:[^@\s,;!]+@[^@\s,;!]+\.[^@\s,;!]+$")

try:
    SAFE_LOADER = yaml.CSafeLoader
except AttributeError:  # PyYAML without libyaml
    SAFE_LOADER = yaml.SafeLoader


def load_options(role_path):
    """The options of the role's entry point ``main`` (meta/argument_specs.yml), the one description of its inputs."""
    path = os.path.realpath(os.path.join(role_path, "meta", "argument_specs.yml"))
    if path in LOADED_OPTIONS:
        return LOADED_OPTIONS[path]
    try:
        with open(path, encoding="utf-8") as stream:
            return yaml.load(stream, Loader=SAFE_LOADER)["argument_specs"]["main"]["options"]
    except (OSError, KeyError, TypeError, yaml.YAMLError) as error:
        raise AnsibleActionFail("cannot read the role's argument specification %s: %s" % (path, error)) from error


def preload_options():
    """The options of this collection's own sender_setup role, read once when ansible-playbook imports this plugin: each
    host's task runs in a process forked from it, which then has them (read in the task, they would be read once a host)."""
    role_path = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, os.pardir, "roles", "sender_setup")
    try:
        options = load_options(role_path)
    except AnsibleActionFail:  # not beside the role (a copy of the plugin alone): each task reads its role's file
        return {}
    return {os.path.realpath(os.path.join(role_path, "meta", "argument_specs.yml")): options}


LOADED_OPTIONS: dict = {}
LOADED_OPTIONS.update(preload_options())


def as_list(value):
    """A list input as a list: from the command line or an AWX survey it is one comma-separated string."""
    if isinstance(value, str):
        value = value.split(",")
    return [item.strip() if isinstance(item, str) else item for item in value or [] if not (isinstance(item, str) and not item.strip())]


def unknown_message(unknown, inputs):
    hints = []
    for name in unknown:
        close = [candidate for candidate in inputs if candidate.startswith(name[:max(len(name) - 3, 16)])]
        if close:
            hints.append("; did you mean %s for %s" % (" or ".join(close), name))
    return ("unknown role variable(s) %s: the role has no such input (a typo?), so it would be ignored. The inputs are listed in "
            "roles/sender_setup/meta/argument_specs.yml%s" % (", ".join(unknown), "".join(hints)))


def dmarc_addresses(v):
    return {kind: ["mailto:" + address if not address.startswith("mailto:") else address for address in as_list(v[kind])]
            for kind in ("dmarc_rua", "dmarc_ruf")}


def input_problems(v):
    """Inputs that contradict each other, in the role's words (the variables a user sets); ``v``: the role's checked
    variables without their prefix, as every function below takes them."""
    problems = []
    if v["on_behalf_of"] and (as_list(v["subusers"]) or v["purge_subusers"]):
        problems.append("sender_setup_subusers and sender_setup_purge_subusers cannot be used with sender_setup_on_behalf_of: only the "
                        "parent account associates its domains and links with subusers")
    if v["dns_mode"] == "tasks" and not v["dns_tasks_file"]:
        problems.append("sender_setup_dns_mode=tasks needs sender_setup_dns_tasks_file")
    if v["dns_mode"] == "nsupdate" and not v["nsupdate_server"]:
        problems.append("sender_setup_dns_mode=nsupdate needs sender_setup_nsupdate_server")
    if v["dns_mode"] == "nsupdate" and bool(v["nsupdate_key_name"]) != bool(v["nsupdate_key_secret"]):
        problems.append("sender_setup_nsupdate_key_name and sender_setup_nsupdate_key_secret go together")
    if v["dmarc"] and not 0 <= v["dmarc_pct"] <= 100:
        problems.append("sender_setup_dmarc_pct must be between 0 and 100, got %s" % v["dmarc_pct"])
    if v["dmarc"]:
        addresses = dmarc_addresses(v)
        bad = [address for address in addresses["dmarc_rua"] + addresses["dmarc_ruf"] if not MAILTO.match(address)]
        if bad:
            problems.append("sender_setup_dmarc_rua and sender_setup_dmarc_ruf must hold email addresses (name@domain), got " + ", ".join(bad))
    if (v["ip_count"] > 0 or v["assign_ips"]) and (not v["on_behalf_of"] or v["on_behalf_of"].startswith("account-id ")):
        problems.append("sender_setup_ip_count and sender_setup_assign_ips need sender_setup_on_behalf_of, the username of the subuser the IPs are for")
    if v["ip_count"] < 0:
        problems.append("sender_setup_ip_count must be 0 or more, got %s" % v["ip_count"])
    if v["custom_spf"] and v["automatic_security"]:
        problems.append("sender_setup_custom_spf=true needs sender_setup_automatic_security=false (SendGrid offers custom SPF only with manual security)")
    if v["link_branding"] and v["subdomain"] and v["link_subdomain"] == v["subdomain"]:
        problems.append("sender_setup_link_subdomain must differ from sender_setup_subdomain (both are %s)" % v["subdomain"])
    return problems


def sender_of(host, v, dmarc):
    """The sender's entry of mailops.sendgrid.sendgrid_senders' senders (its options, without the role's prefix)."""
    return {
        "host": host,
        "summary_facts": {"dmarc_value": dmarc, "dns_email": v["dns_email"]},
        "domain": v["domain"],
        "subdomain": v["subdomain"] or None,
        "ips": as_list(v["ips"]),
        "ip_pool": v["ip_pool"] or None,
        "purge_pool_ips": v["purge_pool_ips"],
        "reverse_dns": v["reverse_dns"],
        "reverse_dns_domain": v["reverse_dns_domain"] or None,
        "reverse_dns_subdomain": v["reverse_dns_subdomain"],
        "link_branding": v["link_branding"],
        "link_subdomain": v["link_subdomain"] or None,
        "automatic_security": v["automatic_security"],
        "custom_spf": v["custom_spf"],
        "custom_dkim_selector": v["custom_dkim_selector"] or None,
        "default": v["default"],
        "link_default": v["link_default"],
        "region": v["region"],
        "subusers": as_list(v["subusers"]),
        "purge_subusers": v["purge_subusers"],
        "replace": v["replace"],
        "on_behalf_of": v["on_behalf_of"] or None,
    }


def dmarc_value(v):
    """The DMARC record (RFC 7489) from the role's variables, empty without DMARC; addresses given without mailto: get it."""
    if not v["dmarc"]:
        return ""
    addresses = dmarc_addresses(v)
    tags = ["v=DMARC1", "p=%s" % v["dmarc_policy"]]
    if v["dmarc_pct"] != 100:
        tags.append("pct=%d" % v["dmarc_pct"])
    for kind in ("rua", "ruf"):
        if addresses["dmarc_" + kind]:
            tags.append("%s=%s" % (kind, ",".join(addresses["dmarc_" + kind])))
    tags += ["%s=s" % tag for tag in ("adkim", "aspf") if v["dmarc_" + tag] == "s"]
    return "; ".join(tags)


def after_steps(v):
    """The role's task files after the SendGrid objects that apply to this sender, in order (tasks/main.yml). validate.yml
    is listed when validation is on; the role drops it when every object is valid already."""
    # A publisher that reads the zone writes the snippet itself, with the merged values (publish_*.yml).
    publisher_writes_snippet = v["dns_mode"] in ("nsupdate", "route53") or (v["dns_mode"] == "tasks" and bool(v["dns_read_server"]))
    steps = []
    if v["dmarc"] or (v["zone_file"] and not publisher_writes_snippet):
        steps.append("records_files.yml")
    if v["dns_email"]:
        steps.append("dns_email.yml")
    if v["dns_mode"] != "none":
        steps.append("publish_%s.yml" % v["dns_mode"])
    if v["octodns_file"]:
        steps.append("export_octodns.yml")
    if v["dns_check"] and v["dns_mode"] != "none":
        steps.append("dns_check.yml")
    if v["validate"]:
        steps.append("validate.yml")
    if v["readiness"]:
        steps.append("readiness.yml")
    return steps


def buys_or_assigns_ips(v):
    """Whether the sender's IPs are bought or assigned to its subuser before its objects are set up."""
    return v["ip_count"] > 0 or bool(v["assign_ips"])


def takes_fleet_path(v):
    """The fleet path, unless the sender's IPs are bought or assigned first: that step is per host, and the role's one
    include cannot put a file before the fleet run for some hosts only (Ansible merges the files of an include loop over
    the hosts by their first appearance, so it would run after the run)."""
    return bool(v["fleet"]) and not buys_or_assigns_ips(v)


def path_steps(v, steps):
    """The files the role's one include brings in, in order: the fleet run and, when any step follows the SendGrid
    objects, those steps; or the per-host path (which starts with the dedicated IPs when asked for). Every list starts
    with fleet.yml or is per_host.yml alone, so hosts with different lists still run their files in order."""
    if not takes_fleet_path(v):
        return ["per_host.yml"]
    return ["fleet.yml"] + (["fleet_after.yml"] if steps else [])


def derived(host, v):
    """What the role's later tasks read from its checked inputs (vars/main.yml): computed here once, in Python, as a
    template expression would be compiled again in every host's task."""
    dmarc = dmarc_value(v)
    dmarc_records = [{"name": "_dmarc." + v["domain"], "type": "TXT", "value": dmarc}] if dmarc else []
    # The fleet run gives the sender's records with its DMARC record, as the per-host path gathers them.
    sender = dict(sender_of(host, v, dmarc), extra_dns_records=dmarc_records)
    steps = after_steps(v)
    when_valid = [step for step in steps if step != "validate.yml"]
    return {
        "fleet": takes_fleet_path(v),
        "dedicated_ips": buys_or_assigns_ips(v),
        "sender": sender,
        "after_steps": steps,
        # The same once every object of the sender is valid (the fleet run says so for each sender).
        "after_steps_when_valid": when_valid,
        # The files the role's second task includes (tasks/main.yml): one loop over plain values, no template to compile.
        "path_steps": path_steps(v, steps),
        # Whether the fleet path's report task shows the summary and records: when nothing follows the SendGrid objects
        # (always, or once validation, the only step after them, has nothing to do); else summary.yml shows them.
        "show_result": not steps,
        "show_result_if_valid": bool(steps) and not when_valid,
        "dmarc_value": dmarc,
        "dmarc_records": dmarc_records,
        "zone": {"domain": v["domain"], "ttl": v["dns_ttl"]},
        "summary_facts": dict(sender["summary_facts"], domain=v["domain"], subusers=sender["subusers"], purge_subusers=sender["purge_subusers"]),
    }


def check(options, outputs, host, variables, template, call=None):
    """The task result for one host: ``variables`` are the names the task sees (only the role's inputs are read, through
    ``template``, which renders a variable's value); ``call`` names this call of the role."""
    # Every variable the task sees (inventory, extra vars, play and role variables) by name: a typo would be ignored.
    known = set(options) | set(outputs)
    unknown = sorted(name for name in variables if name.startswith(PREFIX) and name not in known)
    if unknown:
        return {"failed": True, "msg": unknown_message(unknown, sorted(options))}
    # Only the role's inputs are templated: a host's other variables may be many and large.
    given = {name: template(variables[name]) for name in options if name in variables}
    checked = ArgumentSpecValidator(options).validate(given, validate_role_argument_spec=True)
    if checked.error_messages:
        return {"failed": True, "msg": "Validation of the role's variables failed:\n%s" % "\n".join(checked.error_messages),
                "argument_errors": checked.error_messages}
    values = {name[len(PREFIX):]: value for name, value in checked.validated_parameters.items()}
    problems = input_problems(values)
    if problems:
        return {"failed": True, "msg": "; ".join(problems)}
    result = derived(host, values)
    result.update(changed=False, call=call)
    return result


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False
    _supports_check_mode = True
    _supports_async = False

    def run(self, tmp=None, task_vars=None):
        super().run(tmp, task_vars)
        task_vars = task_vars or {}
        _validation, args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)
        # The task's identity names this call of the role: the fleet run takes the hosts checked by the same call only,
        # not a host whose result of an earlier call is still registered (a later call skipped it).
        call = str(getattr(self._task, "_uuid", "") or "") or None
        # Without role_path, the directory of the role the task is in: a role's task then passes no template (each would
        # be compiled again by every host).
        role_path = args["role_path"] or getattr(getattr(self._task, "_role", None), "_role_path", None)
        if not role_path:
            raise AnsibleActionFail("role_path is required for a task that is not in a role")
        return check(load_options(role_path), args["outputs"], task_vars.get("inventory_hostname"), task_vars, self._templar.template, call)
