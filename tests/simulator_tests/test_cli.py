# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The start command: options, first stdout line, access log, signals, TLS, --dns-server."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading

import pytest
import requests

from tests.simulator.control import REPO_ROOT, Simulator, _first_line, start_simulator

from .helpers import Api


def launch(*args, env=None, stderr=None):
    """Start ``python -m tests.simulator`` by hand, as a user's CI would."""
    run_env = {k: v for k, v in os.environ.items() if k != "SIMULATOR_API_KEY"}
    run_env.update(env or {})
    process = subprocess.Popen([sys.executable, "-m", "tests.simulator", "--port", "0", *args],
                               cwd=REPO_ROOT, env=run_env, stdout=subprocess.PIPE,
                               stderr=stderr if stderr is not None else subprocess.DEVNULL,
                               text=True)
    return process, _first_line(process, 20)


def test_first_line_default_key_and_sigterm(tmp_path):
    log = open(tmp_path / "stderr.log", "w")
    process, url = launch(stderr=log)
    try:
        assert url.startswith("http://127.0.0.1:")
        sim = Simulator(url, "SG.simulator")
        assert Api(sim).get("/v3/ips").status_code == 200
        assert Api(sim, key="SG.test-key").get("/v3/ips").status_code == 401
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(10) == 0
        log.close()
    access_log = (tmp_path / "stderr.log").read_text()
    assert '"GET /v3/ips" 200' in access_log
    assert "SG.simulator" not in access_log and "Bearer" not in access_log


def test_api_key_option_and_environment_never_reach_the_log(tmp_path):
    log = open(tmp_path / "stderr.log", "w")
    process, url = launch("--api-key", "SG.secret-option", stderr=log)
    try:
        api = Api(Simulator(url, "SG.secret-option"))
        assert api.get("/v3/ips", params={"limit": 1}).status_code == 200
        assert api.post("/v3/ips/pools", json={"name": "x"}).status_code == 200
        assert Api(Simulator(url, "SG.wrong")).get("/v3/ips").status_code == 401
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(10) == 0
        log.close()
    text = (tmp_path / "stderr.log").read_text()
    assert '"POST /v3/ips/pools" 200' in text
    assert "SG.secret-option" not in text and "SG.wrong" not in text

    process, url = launch("--quiet", env={"SIMULATOR_API_KEY": "SG.from-env"})
    try:
        assert Api(Simulator(url, "SG.from-env")).get("/v3/ips").status_code == 200
    finally:
        process.terminate()
        assert process.wait(10) == 0


def test_rate_limit_option():
    with start_simulator("SG.k", rate_limit=3) as sim:
        assert sim.control("GET", "rate_limit") == {"requests_per_second": 3}
        response = Api(sim).get("/v3/ips")
        assert response.headers["X-RateLimit-Limit"] == "3"
        sim.set_rate_limit(None)
        sim.reset()  # back to the start-up limit
        assert sim.control("GET", "rate_limit") == {"requests_per_second": 3}


def test_bad_options_exit_with_an_error():
    for args in (["--tls-cert", "cert.pem"], ["--rate-limit", "0"]):
        result = subprocess.run([sys.executable, "-m", "tests.simulator", "--port", "0", *args],
                                cwd=REPO_ROOT, capture_output=True, text=True, timeout=30, check=False)
        assert result.returncode == 2 and result.stdout == ""


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")
def test_tls(tmp_path):
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True, timeout=60)
    with start_simulator("SG.k", tls_cert=str(cert), tls_key=str(key)) as sim:
        assert sim.base_url.startswith("https://127.0.0.1:")
        response = requests.get(sim.url("/v3/ips"), headers=sim.auth_headers(), verify=str(cert),
                                timeout=5)
        assert response.status_code == 200
        assert sim.health() == {"ok": True}  # the control client trusts the certificate


class TinyDnsServer:
    """A UDP DNS server on 127.0.0.1 answering from a dict, for --dns-server."""

    def __init__(self, records):
        import dns.message
        import dns.rdatatype
        import dns.rrset

        self._dns = (dns.message, dns.rdatatype, dns.rrset)
        self.records = records  # (name, TYPE) -> [text values]
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.address = "127.0.0.1:%d" % self.sock.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        message, rdatatype, rrset = self._dns
        while True:
            try:
                data, peer = self.sock.recvfrom(4096)
            except OSError:
                return
            query = message.from_wire(data)
            answer = message.make_response(query)
            question = query.question[0]
            name = question.name.to_text().rstrip(".").lower()
            values = self.records.get((name, rdatatype.to_text(question.rdtype)), [])
            if values:
                answer.answer.append(rrset.from_text(question.name, 60, "IN",
                                                     question.rdtype, *values))
            self.sock.sendto(answer.to_wire(), peer)

    def close(self):
        self.sock.close()


def test_dns_server_option():
    server = TinyDnsServer({})
    try:
        with start_simulator("SG.k", dns_server=server.address) as sim:
            api = Api(sim)
            link = api.post("/v3/whitelabel/links", json={"domain": "example.com",
                                                          "subdomain": "links"}).json()
            path = f"/v3/whitelabel/links/{link['id']}/validate"
            assert api.post(path).json()["valid"] is False
            server.records[("links.example.com", "CNAME")] = ["SendGrid.NET."]
            server.records[("1446440.example.com", "CNAME")] = ["sendgrid.net."]
            assert api.post(path).json()["valid"] is True
            sim.add_ips(["192.0.2.1"])
            rdns = api.post("/v3/whitelabel/ips", json={"ip": "192.0.2.1",
                                                        "domain": "example.com",
                                                        "subdomain": "mail"}).json()
            server.records[("o1.mail.example.com", "A")] = ["192.0.2.1"]
            assert api.post(f"/v3/whitelabel/ips/{rdns['id']}/validate").json()["valid"] is True
            domain = api.post("/v3/whitelabel/domains", json={
                "domain": "example.com", "subdomain": "em", "automatic_security": False}).json()
            dns = domain["dns"]
            server.records[(dns["mail_server"]["host"], "MX")] = ["10 mx.sendgrid.net."]
            spf = dns["subdomain_spf"]["data"]
            server.records[(dns["subdomain_spf"]["host"], "TXT")] = [
                '"%s" "%s"' % (spf[:10], spf[10:])]  # a TXT split into two strings
            server.records[(dns["dkim"]["host"], "TXT")] = ['"%s"' % dns["dkim"]["data"]]
            result = api.post(f"/v3/whitelabel/domains/{domain['id']}/validate").json()
            assert result["valid"] is True, result
    finally:
        server.close()
