# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""TLS (issue 8, part 4): the simulator behind HTTPS with a self-signed certificate.

The modules refuse it by default with a message that says what to do, before anything reaches the
server; accept it with ``validate_certs: false``; and accept it with the default ``validate_certs``
when its certificate is trusted through ``REQUESTS_CA_BUNDLE``.
"""

from __future__ import annotations

import datetime
import ipaddress

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.reliability import report
from tests.reliability.helpers import Playbook, tasks_play, write_playbook
from tests.simulator.control import start_simulator

KEY = "SG.tls-test-key"
M = "mailops.sendgrid."
# Without these, requests falls back to certifi's bundle, which does not know the test certificate.
CA_VARIABLES = ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")


def self_signed(directory):
    """A certificate for 127.0.0.1 and localhost, signed by its own key; returns (cert path, key path)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "mailops.sendgrid test simulator")])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "simulator.crt", directory / "simulator.key"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return cert_path, key_path


def pool(name, **extra):
    return {"name": name, M + "sendgrid_ip_pool": dict({"name": "tls-pool"}, **extra), "ignore_errors": True}


@pytest.fixture(scope="module")
def tls(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("tls")
    cert, key = self_signed(workdir)
    results = {}
    with start_simulator(api_key=KEY, tls_cert=str(cert), tls_key=str(key)) as sim:
        assert sim.base_url.startswith("https://")

        def run(label, tasks, env=None, unset=CA_VARIABLES):
            path = write_playbook(workdir / ("%s.yml" % label), [tasks_play(tasks, connection="local")])
            sim.clear_requests()
            outcome = Playbook(sim, path, workdir, env=env, unset=unset, label=label).wait()
            return outcome, sim.requests()

        results["refused"] = run("refused", [pool("pool, default validate_certs"), {
            "name": "info, default validate_certs", M + "sendgrid_domain_auth_info": {}, "ignore_errors": True}])
        results["insecure"] = run("insecure", [pool("pool, validate_certs false", validate_certs=False),
                                               pool("pool again, validate_certs false", validate_certs=False)])
        results["trusted"] = run("trusted", [pool("pool, CA in REQUESTS_CA_BUNDLE"), {
            "name": "domain, CA in REQUESTS_CA_BUNDLE", M + "sendgrid_domain_auth": {"domain": "tls.example.com"}, "ignore_errors": True}],
            env={"REQUESTS_CA_BUNDLE": str(cert)}, unset=("CURL_CA_BUNDLE",))
        state = sim.state()
    report.record(
        "tls",
        refused=len(results["refused"][0].results),
        accepted_insecure=len(results["insecure"][0].results),
        accepted_trusted=len(results["trusted"][0].results),
        cases=[
            {"case": "default validate_certs, unknown CA", "expected": "fails naming validate_certs and REQUESTS_CA_BUNDLE, no request reaches the API"},
            {"case": "validate_certs: false", "expected": "works"},
            {"case": "CA trusted through REQUESTS_CA_BUNDLE", "expected": "works with the default validate_certs"},
        ],
    )
    return results, state


def test_refused_by_default(tls):
    results, _state = tls
    run, log = results["refused"]
    assert run.rc == 0, run.output[-2000:]
    for name in ("pool, default validate_certs", "info, default validate_certs"):
        entry = run.entry(name)
        msg = entry["result"].get("msg", "")
        assert entry["status"] == "failed", entry
        assert "TLS error on GET /v3/" in msg and "validate_certs=false" in msg and "REQUESTS_CA_BUNDLE" in msg, msg
        assert "CERTIFICATE_VERIFY_FAILED" in msg or "certificate verify failed" in msg, msg
    assert log == [], "a request reached the API over an untrusted connection: %r" % log


def test_accepted_with_validate_certs_false(tls):
    results, _state = tls
    run, log = results["insecure"]
    assert run.rc == 0 and run.failed() == [], run.output[-2000:]
    assert run.task("pool, validate_certs false")["changed"] is True
    assert run.task("pool again, validate_certs false")["changed"] is False
    assert [e["method"] for e in log if e["write"]] == ["POST"]


def test_accepted_with_the_ca_in_requests_ca_bundle(tls):
    results, state = tls
    run, log = results["trusted"]
    assert run.rc == 0 and run.failed() == [], run.output[-2000:]
    assert run.task("pool, CA in REQUESTS_CA_BUNDLE")["changed"] is False
    assert run.task("domain, CA in REQUESTS_CA_BUNDLE")["changed"] is True
    assert [(d["domain"], d["account"]) for d in state["domains"]] == [("tls.example.com", "parent")]
    assert [p["name"] for p in state["pools"]] == ["tls-pool"]
    assert log
