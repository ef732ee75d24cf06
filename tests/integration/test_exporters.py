# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The exporters for DNS kept in git (issue 18, part 1): the BIND zone-file snippet and the octoDNS zone file the role
writes are loaded into the real tools, named-checkzone (bind9-utils) and octodns-validate (octodns from PyPI).

The sender is the demo's (everything the role does, DMARC included, records published into the simulator's DNS by
the tasks publisher); a second sender uses manual security, so MX, SPF and a long DKIM TXT are exported too.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.integration import bind
from tests.support.sender_setup import IPS, SETUP, ok, sender_vars

DOMAIN = "sender-it.example.net"


def named_checkzone():
    found = shutil.which("named-checkzone") or next((p for p in ("/usr/sbin/named-checkzone", "/usr/bin/named-checkzone") if Path(p).exists()), None)
    if found is None:
        try:
            bind.ensure_named()  # installs bind9 and bind9-utils under CI
        except bind.BindUnavailable as exc:
            bind.skip_or_fail(exc)
        found = shutil.which("named-checkzone") or "/usr/bin/named-checkzone"
    return found


def octodns_validate():
    found = Path(sys.executable).parent / "octodns-validate"
    if not found.exists():
        pytest.skip("octodns-validate is not installed (octodns is in requirements-dev.txt: run make test)")
    return str(found)


def checkzone(snippet, zone, tmp_path):
    """named-checkzone on a zone made of an SOA, an NS and the snippet, as a user pastes it into a zone file."""
    path = tmp_path / ("%s.zone" % zone)
    path.write_text("$TTL 300\n@ IN SOA ns1.%(z)s. hostmaster.%(z)s. 1 60 60 600 60\n@ IN NS ns1.%(z)s.\nns1 IN A 192.0.2.53\n%(s)s"
                    % {"z": zone, "s": snippet.read_text()})
    return subprocess.run([named_checkzone(), "-k", "fail", "-n", "fail", zone, str(path)], capture_output=True, text=True, timeout=60, check=False)


def validate(octodns_file, zone, tmp_path):
    config = tmp_path / "octodns.yaml"
    config.write_text(yaml.safe_dump({
        "providers": {"config": {"class": "octodns.provider.yaml.YamlProvider", "directory": str(octodns_file.parent)}},
        "zones": {zone + ".": {"sources": ["config"], "targets": []}},
    }))
    return subprocess.run([octodns_validate(), "--config-file", str(config)], capture_output=True, text=True, timeout=120, check=False)


def run_role(playbook, simulator, tmp_path, **more):
    simulator.add_ips(IPS)
    zones = tmp_path / "zones"
    zones.mkdir(exist_ok=True)
    variables = sender_vars(tmp_path, sender_setup_dmarc=True, sender_setup_dmarc_rua=["dmarc@example.net"],
                            sender_setup_octodns_file=str(zones / "example.net.yaml"), sender_setup_octodns_zone="example.net",
                            **more)
    return ok(playbook(SETUP, extra_vars=variables)), tmp_path / "sender.zone", zones / "example.net.yaml"


def test_the_zone_snippet_and_the_octodns_file_load_into_the_real_tools(playbook, simulator, tmp_path):
    _run, snippet, octodns_file = run_role(playbook, simulator, tmp_path)
    checked = checkzone(snippet, "example.net", tmp_path)
    assert checked.returncode == 0 and "OK" in checked.stdout, checked.stdout + checked.stderr
    assert "out-of-zone" not in checked.stdout + checked.stderr

    validated = validate(octodns_file, "example.net", tmp_path)
    assert validated.returncode == 0, validated.stdout + validated.stderr
    content = yaml.safe_load(octodns_file.read_text())
    relative = DOMAIN[: -len(".example.net")]
    assert content["em." + relative] == {"type": "CNAME", "ttl": 3600, "value": "u1446440.wl001.sendgrid.net."}
    # DMARC's semicolons are escaped, as octoDNS requires (unescaped, octodns-validate refuses the file).
    assert content["_dmarc." + relative]["values"] == ["v=DMARC1\\; p=none\\; rua=mailto:dmarc@example.net"]
    assert content["o1.email." + relative] == {"type": "A", "ttl": 3600, "values": ["192.0.2.20"]}


def test_manual_security_records_mx_spf_and_a_long_dkim_key_load_too(playbook, simulator, tmp_path):
    _run, snippet, octodns_file = run_role(playbook, simulator, tmp_path, sender_setup_automatic_security=False, sender_setup_ips=[],
                                           sender_setup_ip_pool="", sender_setup_reverse_dns=False)
    checked = checkzone(snippet, "example.net", tmp_path)
    assert checked.returncode == 0 and "OK" in checked.stdout, checked.stdout + checked.stderr
    validated = validate(octodns_file, "example.net", tmp_path)
    assert validated.returncode == 0, validated.stdout + validated.stderr
    types = {record["type"] for value in yaml.safe_load(octodns_file.read_text()).values() for record in (value if isinstance(value, list) else [value])}
    assert {"MX", "TXT", "CNAME"} <= types


def test_a_record_outside_the_zone_is_refused_naming_it(playbook, simulator, tmp_path):
    simulator.add_ips(IPS)
    zones = tmp_path / "zones"
    zones.mkdir()
    variables = sender_vars(tmp_path, sender_setup_octodns_file=str(zones / "example.org.yaml"), sender_setup_octodns_zone="example.org")
    run = playbook(SETUP, extra_vars=variables)
    assert run.rc != 0
    assert "is not in the zone example.org" in run.stdout or "are not in the zone example.org" in run.stdout, run.stdout[-3000:]
    assert not (zones / "example.org.yaml").exists()


def test_the_tools_refuse_what_they_should(tmp_path):
    """The checks can fail: a snippet with a record outside the zone, an octoDNS file with an unescaped semicolon."""
    snippet = tmp_path / "bad.zone.part"
    snippet.write_text("em.example.org. 300 IN CNAME u1.wl001.sendgrid.net.\n")
    checked = checkzone(snippet, "example.net", tmp_path)
    assert checked.returncode != 0 or "out-of-zone" in checked.stdout + checked.stderr
    zones = tmp_path / "zones"
    zones.mkdir()
    bad = zones / "example.net.yaml"
    bad.write_text("_dmarc:\n  type: TXT\n  values: ['v=DMARC1; p=none']\n")
    validated = validate(bad, "example.net", tmp_path)
    assert validated.returncode != 0 and "unescaped ;" in validated.stdout + validated.stderr
