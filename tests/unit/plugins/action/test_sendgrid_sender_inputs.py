# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""sendgrid_sender_inputs: the role's first task checks a host's variables and gives back its sender."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ansible.errors import AnsibleActionFail

from ansible_collections.mailops.sendgrid.plugins.action.sendgrid_sender_inputs import check, load_options

ROLE = Path(__file__).resolve().parents[4] / "roles" / "sender_setup"
OPTIONS = load_options(str(ROLE))
DEFAULTS = yaml.safe_load((ROLE / "defaults" / "main.yml").read_text(encoding="utf-8"))
# The role's results, as its first task lists them.
OUTPUTS = yaml.safe_load((ROLE / "tasks" / "main.yml").read_text(encoding="utf-8"))[0]["mailops.sendgrid.sendgrid_sender_inputs"]["outputs"]


def run(**variables):
    """The role's defaults under the host's variables, as the task sees them (sender_setup_fleet's default is a template)."""
    seen = dict(DEFAULTS, sender_setup_fleet=True, inventory_hostname="shop")
    seen.update(variables)
    return check(OPTIONS, OUTPUTS, "shop", seen, lambda value: value, call="task-1")


def test_only_the_roles_inputs_are_templated_and_a_template_decides_their_values():
    # The task templates the role's own variables (a value may be a template); it never reads the others.
    templated = []

    def template(value):
        templated.append(value)
        return False if value == "{{ fleet }}" else value

    seen = dict(DEFAULTS, sender_setup_domain="t.example.com", sender_setup_fleet="{{ fleet }}", other_variable="{{ undefined }}")
    result = check(OPTIONS, OUTPUTS, "shop", seen, template, call="task-1")
    assert result["fleet"] is False and result["call"] == "task-1"
    assert "{{ undefined }}" not in templated and len(templated) == len([name for name in OPTIONS if name in seen])


def test_every_input_of_the_specification_has_its_default_in_the_roles_defaults():
    assert OPTIONS["sender_setup_domain"]["required"] is True
    assert sorted(set(OPTIONS) - set(DEFAULTS)) == ["sender_setup_domain", "sender_setup_validate_failure", "sender_setup_validate_timeout"]


def test_a_missing_specification_fails_naming_the_file(tmp_path):
    with pytest.raises(AnsibleActionFail, match="argument_specs.yml"):
        load_options(str(tmp_path))


def test_the_sender_of_a_minimal_host_is_what_sendgrid_senders_takes():
    result = run(sender_setup_domain="shop.example.com", sender_setup_ips="192.0.2.10, 192.0.2.11,", sender_setup_ip_pool="shop")
    assert "failed" not in result and result["changed"] is False and result["fleet"] is True
    assert result["sender"] == {
        "host": "shop", "domain": "shop.example.com", "subdomain": None, "ips": ["192.0.2.10", "192.0.2.11"], "ip_pool": "shop",
        "purge_pool_ips": False, "reverse_dns": True, "reverse_dns_domain": None, "reverse_dns_subdomain": "email", "link_branding": True,
        "link_subdomain": None, "automatic_security": True, "custom_spf": False, "custom_dkim_selector": None, "default": None,
        "link_default": None, "region": "global", "subusers": [], "purge_subusers": False, "replace": False, "on_behalf_of": None,
        "summary_facts": {"dmarc_value": "", "dns_email": ""}, "extra_dns_records": [],
    }
    # dns_mode none (the default): nothing after the SendGrid objects but validation, and that only while not valid.
    assert result["after_steps"] == ["validate.yml"] and result["after_steps_when_valid"] == []
    # The files the role's second task includes: the fleet run, then those steps; its report shows the summary once
    # the sender is valid (validation, its only step, is then skipped).
    assert result["path_steps"] == ["fleet.yml", "fleet_after.yml"]
    assert (result["show_result"], result["show_result_if_valid"]) == (False, True)
    assert result["dmarc_records"] == [] and result["zone"] == {"domain": "shop.example.com", "ttl": 3600}


def test_strings_from_the_command_line_become_the_types_of_the_specification():
    result = run(sender_setup_domain="cli.example.com", sender_setup_automatic_security="false", sender_setup_custom_spf="true",
                 sender_setup_subusers="a, b", sender_setup_dmarc="yes", sender_setup_dmarc_pct="50", sender_setup_dmarc_rua="dmarc@example.com")
    assert "failed" not in result, result
    assert (result["sender"]["automatic_security"], result["sender"]["custom_spf"], result["sender"]["subusers"]) == (False, True, ["a", "b"])
    assert result["dmarc_value"] == "v=DMARC1; p=none; pct=50; rua=mailto:dmarc@example.com"
    assert result["dmarc_records"] == [{"name": "_dmarc.cli.example.com", "type": "TXT", "value": result["dmarc_value"]}]
    # The fleet run gives them back with the sender's records (sendgrid_senders' extra_dns_records).
    assert result["sender"]["extra_dns_records"] == result["dmarc_records"]
    assert result["after_steps"][0] == "records_files.yml"


def test_a_mistyped_variable_is_refused_naming_the_closest_inputs():
    result = run(sender_setup_domain="typo.example.com", sender_setup_subdomian="em", sender_setup_zzz=1)
    assert result["failed"] is True
    assert result["msg"].startswith("unknown role variable(s) sender_setup_subdomian, sender_setup_zzz: the role has no such input (a typo?)")
    assert result["msg"].endswith("; did you mean sender_setup_subdomain for sender_setup_subdomian")


def test_the_roles_outputs_and_other_names_are_not_inputs_to_check():
    result = run(sender_setup_domain="ok.example.com", sender_setup_dns_records=[], __sender_setup_private=1, other=2)
    assert "failed" not in result


def test_a_value_that_does_not_fit_the_specification_is_refused_naming_the_variable():
    result = run(sender_setup_domain="bad.example.com", sender_setup_dns_mode="bogus")
    assert result["failed"] is True and "sender_setup_dns_mode" in result["msg"] and "bogus" in result["msg"]
    assert result["argument_errors"] and result["msg"].startswith("Validation of the role's variables failed:")
    missing = run()
    assert "missing required arguments: sender_setup_domain" in missing["msg"]


@pytest.mark.parametrize("variables, words", [
    ({"sender_setup_on_behalf_of": "acme", "sender_setup_subusers": ["shop"]}, "cannot be used with sender_setup_on_behalf_of"),
    ({"sender_setup_dns_mode": "tasks"}, "sender_setup_dns_mode=tasks needs sender_setup_dns_tasks_file"),
    ({"sender_setup_dns_mode": "nsupdate"}, "sender_setup_dns_mode=nsupdate needs sender_setup_nsupdate_server"),
    ({"sender_setup_dns_mode": "nsupdate", "sender_setup_nsupdate_server": "ns", "sender_setup_nsupdate_key_name": "k"},
     "sender_setup_nsupdate_key_name and sender_setup_nsupdate_key_secret go together"),
    ({"sender_setup_dmarc": True, "sender_setup_dmarc_pct": 150}, "sender_setup_dmarc_pct must be between 0 and 100, got 150"),
    ({"sender_setup_dmarc": True, "sender_setup_dmarc_rua": ["not-an-address"]}, "must hold email addresses (name@domain), got mailto:not-an-address"),
    ({"sender_setup_ip_count": 2}, "sender_setup_ip_count and sender_setup_assign_ips need sender_setup_on_behalf_of"),
    ({"sender_setup_ip_count": -1, "sender_setup_on_behalf_of": "acme"}, "sender_setup_ip_count must be 0 or more, got -1"),
    ({"sender_setup_custom_spf": True}, "sender_setup_custom_spf=true needs sender_setup_automatic_security=false"),
    ({"sender_setup_subdomain": "em", "sender_setup_link_subdomain": "em"},
     "sender_setup_link_subdomain must differ from sender_setup_subdomain (both are em)"),
])
def test_inputs_that_contradict_each_other_are_refused_in_the_roles_words(variables, words):
    result = run(sender_setup_domain="c.example.com", **variables)
    assert result["failed"] is True and words in result["msg"], result


def test_several_contradictions_are_named_together():
    result = run(sender_setup_domain="c.example.com", sender_setup_on_behalf_of="acme", sender_setup_subusers=["shop"], sender_setup_dns_mode="tasks")
    assert result["msg"].count("; ") >= 1 and "sender_setup_dns_tasks_file" in result["msg"] and "sender_setup_on_behalf_of" in result["msg"]


def test_the_steps_after_the_objects_follow_the_roles_order():
    result = run(sender_setup_domain="s.example.com", sender_setup_dmarc=True, sender_setup_dns_email="dns@example.com", sender_setup_dns_mode="nsupdate",
                 sender_setup_nsupdate_server="127.0.0.1", sender_setup_octodns_file="/tmp/z.yaml", sender_setup_readiness=True,
                 sender_setup_zone_file="/tmp/z.zone")
    assert result["after_steps"] == ["records_files.yml", "dns_email.yml", "publish_nsupdate.yml", "export_octodns.yml", "dns_check.yml",
                                     "validate.yml", "readiness.yml"]
    assert result["after_steps_when_valid"] == ["records_files.yml", "dns_email.yml", "publish_nsupdate.yml", "export_octodns.yml",
                                                "dns_check.yml", "readiness.yml"]
    # The zone file alone is written by records_files.yml unless a publisher that reads the zone writes it.
    alone = run(sender_setup_domain="s.example.com", sender_setup_zone_file="/tmp/z.zone", sender_setup_validate=False)
    assert alone["after_steps"] == ["records_files.yml"]
    merged = run(sender_setup_domain="s.example.com", sender_setup_zone_file="/tmp/z.zone", sender_setup_validate=False, sender_setup_dns_mode="tasks",
                 sender_setup_dns_tasks_file="p.yml", sender_setup_dns_read_server="127.0.0.1")
    assert merged["after_steps"] == ["publish_tasks.yml", "dns_check.yml"]


@pytest.mark.parametrize("more, path_steps, show", [
    # Nothing after the SendGrid objects: no include of what follows, and the report shows the summary.
    ({"sender_setup_validate": False}, ["fleet.yml"], (True, False)),
    # A publisher: what follows always runs and ends with the summary.
    ({"sender_setup_dns_mode": "tasks", "sender_setup_dns_tasks_file": "/x.yml"}, ["fleet.yml", "fleet_after.yml"], (False, False)),
    # The per-host path; a sender whose IPs are bought or assigned first takes it too (per_host.yml starts with them).
    ({"sender_setup_fleet": False}, ["per_host.yml"], (False, True)),
    ({"sender_setup_ip_count": 2, "sender_setup_on_behalf_of": "shop-sub", "sender_setup_validate": False}, ["per_host.yml"], (True, False)),
    ({"sender_setup_assign_ips": True, "sender_setup_on_behalf_of": "shop-sub"}, ["per_host.yml"], (False, True)),
])
def test_the_files_the_role_includes_and_whether_the_fleet_report_shows_the_summary(more, path_steps, show):
    result = run(sender_setup_domain="shop.example.com", sender_setup_ips="192.0.2.10", **more)
    assert "failed" not in result, result
    assert result["path_steps"] == path_steps
    assert result["fleet"] is (path_steps[0] == "fleet.yml")
    assert result["dedicated_ips"] is ("sender_setup_ip_count" in more or "sender_setup_assign_ips" in more)
    assert (result["show_result"], result["show_result_if_valid"]) == show
