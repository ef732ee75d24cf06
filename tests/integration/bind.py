# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A real BIND 9 ``named`` for tests and scripts: authoritative zones that take signed dynamic updates.

From pytest, use the ``bind_server`` fixture (import it into the test module, or into a conftest)::

    from tests.integration.bind import bind_server  # noqa: F401  (pytest fixture)

    def test_something(bind_server):
        bind_server.update(add=[{"name": "em1.example.com", "type": "CNAME", "value": "u1.wl.sendgrid.net"}])
        ... bind_server.host, bind_server.port ...

From a script::

    from tests.integration.bind import start_bind
    with start_bind(zones=("example.com",)) as server:
        print(server.info())

or ``python -m tests.integration.bind`` (prints the connection details as JSON, runs until Ctrl-C).

What it does: finds ``named`` (PATH, /usr/sbin, /usr/local/sbin, Homebrew). It installs nothing: ``make test``
installs ``bind9 bind9-utils`` in its set-up step (tests/tools/harness.sh, stage ``servers``) when ``CI=true`` or
``MAILOPS_INSTALL_BIND=1``, before any test runs. Then it writes named.conf, a TSIG key and one zone file per zone
into a fresh directory (named also keeps its journals, pid file and keys there), starts
``named -g -4 -n 1 -c <dir>/named.conf`` on 127.0.0.1 and a free unprivileged port (UDP and TCP), and waits
until every zone answers its SOA and a per-run nonce, so the answer cannot come from another server. It runs
as whoever runs the tests (no ``-u``: nothing privileged is needed). On hosts where AppArmor confines
/usr/sbin/named to /etc/bind and /var/lib/bind (Ubuntu), the binary is copied into the directory first and run
from there, which the path-bound profile does not cover.

Each zone accepts RFC 2136 updates signed with the TSIG key (``update()`` sends them). Like any DNS server,
named refuses or silently drops records that break DNS rules, for example a TXT record added where a CNAME
already is ("CNAME and other data"): exactly what happens at a DNS provider, so tests see real behaviour.

When ``named`` is missing, ``start_bind`` raises ``BindUnavailable``; the fixture then skips the test with the
reason, except under CI (``CI=true``), where it fails: there the set-up step installed it, so the test must run.
"""

from __future__ import annotations

import argparse
import atexit
import base64
import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import dns.exception
import dns.message
import dns.name
import dns.query
import dns.rcode
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.rdtypes.ANY.TXT
import dns.tsigkeyring
import dns.update

try:
    import pytest
except ImportError:  # scripts may run without pytest
    pytest = None

DEFAULT_ZONES = ("example.com", "example.org")
HOST = "127.0.0.1"
KEY_NAME = "mailops-test-key"
KEY_ALGORITHM = "hmac-sha256"
NONCE_LABEL = "_mailops-fixture"
START_TIMEOUT = 30.0
NAMED_CANDIDATES = ("/usr/sbin/named", "/usr/local/sbin/named", "/opt/homebrew/sbin/named", "/sbin/named")


class BindUnavailable(RuntimeError):
    """``named`` is not installed and could not be installed."""


class BindError(RuntimeError):
    """named did not start, or refused an update."""


def in_ci():
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


# -- finding named -----------------------------------------------------------------------------


def find_named():
    found = shutil.which("named")
    if found:
        return found
    for candidate in NAMED_CANDIDATES:
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


def ensure_named():
    """The path of ``named``; ``BindUnavailable`` says how to get it when it is missing."""
    named = find_named()
    if named:
        return named
    raise BindUnavailable(
        "BIND 9 'named' is not installed (looked in PATH and %s). Run MAILOPS_INSTALL_BIND=1 make test (its set-up step "
        "installs it), or install it yourself (Debian/Ubuntu: apt-get install bind9 bind9-utils)" % ", ".join(NAMED_CANDIDATES)
    )


def apparmor_confines(named):
    """True when AppArmor is on and has a path-bound profile for this very binary (Debian/Ubuntu's)."""
    try:
        enabled = Path("/sys/module/apparmor/parameters/enabled").read_text().strip() == "Y"
    except OSError:
        return False
    profile = Path("/etc/apparmor.d") / os.path.realpath(named).lstrip("/").replace("/", ".")
    return enabled and profile.exists()


def free_port(host=HOST):
    """A port that is free for both UDP and TCP on ``host`` right now."""
    for _attempt in range(100):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            udp.bind((host, 0))
            port = udp.getsockname()[1]
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
                try:
                    tcp.bind((host, port))
                except OSError:
                    continue
        return port
    raise BindError("no free port for UDP and TCP on %s" % host)


# -- records -------------------------------------------------------------------------------------


def txt_rdata(value):
    """A TXT rdata: a string (split into 255-byte strings when longer) or the list of the record's strings."""
    if isinstance(value, (list, tuple)):
        strings = [s.encode() if isinstance(s, str) else s for s in value]
    else:
        data = value.encode() if isinstance(value, str) else value
        strings = [data[i:i + 255] for i in range(0, len(data), 255)] or [b""]
    return dns.rdtypes.ANY.TXT.TXT(dns.rdataclass.IN, dns.rdatatype.TXT, strings)


def make_rdata(rtype, value):
    rtype = rtype.upper()
    if rtype == "TXT":
        return txt_rdata(value)
    text = str(value).strip()
    if rtype == "MX" and len(text.split()) == 1:
        text = "10 " + text
    if rtype in ("CNAME", "MX", "NS") and not text.endswith("."):
        text += "."
    return dns.rdata.from_text(dns.rdataclass.IN, dns.rdatatype.from_text(rtype), text, origin=dns.name.root, relativize=False)


# -- the server ----------------------------------------------------------------------------------


class BindServer:
    """A running named. ``host``, ``port``, ``zones`` and the TSIG key (``key_name``, ``key_secret``,
    ``key_algorithm``) are what clients need; ``update()`` publishes records, ``stop()`` ends it."""

    def __init__(self, zones=DEFAULT_ZONES, workdir=None, host=HOST, named=None):
        self.zones = tuple(zone.rstrip(".").lower() for zone in zones)
        self.host = host
        self.port = None
        self.key_name = KEY_NAME
        self.key_algorithm = KEY_ALGORITHM
        self.key_secret = base64.b64encode(secrets.token_bytes(32)).decode()
        self.nonce = secrets.token_hex(8)
        self._own_workdir = workdir is None
        self.workdir = Path(workdir or tempfile.mkdtemp(prefix="mailops-bind-")).resolve()
        self.named = named
        self.command = None
        self.process = None
        self._log = None
        self._atexit = False

    # -- public details ---------------------------------------------------------------------

    def info(self):
        return {
            "host": self.host,
            "port": self.port,
            "zones": list(self.zones),
            "key_name": self.key_name,
            "key_secret": self.key_secret,
            "key_algorithm": self.key_algorithm,
            "workdir": str(self.workdir),
            "pid": self.process.pid if self.process else None,
            "command": self.command,
        }

    def nsupdate_vars(self):
        """The sender_setup role's variables that publish into this server with nsupdate (TSIG-signed)."""
        return {
            "sender_setup_dns_mode": "nsupdate",
            "sender_setup_nsupdate_server": self.host,
            "sender_setup_nsupdate_port": self.port,
            "sender_setup_nsupdate_key_name": self.key_name,
            "sender_setup_nsupdate_key_secret": self.key_secret,
            "sender_setup_nsupdate_key_algorithm": self.key_algorithm,
        }

    @property
    def keyring(self):
        return dns.tsigkeyring.from_text({self.key_name: (self.key_algorithm, self.key_secret)})

    @property
    def log_path(self):
        return self.workdir / "named.log"

    def log_tail(self, lines=40):
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    # -- files ------------------------------------------------------------------------------

    def _write_config(self):
        d = self.workdir
        zones = "".join(
            'zone "%s" {\n  type primary;\n  file "%s";\n  allow-update { key "%s"; };\n};\n' % (zone, d / ("%s.zone" % zone), self.key_name)
            for zone in self.zones
        )
        (d / "named.conf").write_text(
            "// written by tests/integration/bind.py\n"
            'key "%(key)s" {\n  algorithm %(alg)s;\n  secret "%(secret)s";\n};\n'
            "options {\n"
            '  directory "%(d)s";\n'
            '  pid-file "%(d)s/named.pid";\n'
            '  session-keyfile "%(d)s/session.key";\n'
            '  managed-keys-directory "%(d)s";\n'
            '  dump-file "%(d)s/named.dump";\n'
            '  statistics-file "%(d)s/named.stats";\n'
            '  memstatistics-file "%(d)s/named.memstats";\n'
            "  listen-on port %(port)d { %(host)s; };\n"
            "  listen-on-v6 { none; };\n"
            "  recursion no;\n"
            "  dnssec-validation no;\n"
            "  notify no;\n"
            "  check-names primary ignore;\n"
            "  check-integrity no;\n"
            "  check-mx ignore;\n"
            "  check-mx-cname ignore;\n"
            "  allow-transfer { none; };\n"
            "};\n"
            "controls { };\n"
            "%(zones)s"
            % {"key": self.key_name, "alg": self.key_algorithm, "secret": self.key_secret, "d": d, "port": self.port, "host": self.host, "zones": zones}
        )
        for zone in self.zones:
            path = d / ("%s.zone" % zone)
            if not path.exists():
                path.write_text(
                    "$TTL 60\n"
                    "@ IN SOA ns1.%(z)s. hostmaster.%(z)s. 1 60 60 600 60\n"
                    "@ IN NS ns1.%(z)s.\n"
                    "ns1 IN A %(host)s\n"
                    '%(label)s IN TXT "%(nonce)s"\n' % {"z": zone, "host": self.host, "label": NONCE_LABEL, "nonce": self.nonce}
                )

    # -- start / stop ---------------------------------------------------------------------

    def start(self, timeout=START_TIMEOUT, attempts=3):
        named = self.named or ensure_named()
        if apparmor_confines(named):
            copy = self.workdir / "named"
            shutil.copy2(named, copy)
            named = str(copy)
        self.named = named
        last = None
        for _attempt in range(attempts):
            self.port = free_port(self.host)
            self._write_config()
            self.command = [named, "-g", "-4", "-n", "1", "-c", str(self.workdir / "named.conf")]
            self._log = open(self.log_path, "ab")
            self.process = subprocess.Popen(self.command, stdout=self._log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=str(self.workdir))
            if not self._atexit:
                atexit.register(self.stop)  # scripts that forget stop() do not leave named behind
                self._atexit = True
            try:
                self._wait_ready(timeout)
                return self
            except _PortTaken as exc:
                last = exc
                self.stop(remove=False)
        raise BindError("named could not listen on a free port after %d attempts: %s" % (attempts, last))

    def _wait_ready(self, timeout):
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise BindError(
                    "named exited with %s while starting: %s\n--- named.log ---\n%s" % (self.process.returncode, " ".join(self.command), self.log_tail())
                )
            log = self.log_tail(400)
            if "address in use" in log or "Address already in use" in log:
                raise _PortTaken("port %d is taken" % self.port)
            if self._answers():
                return
            if time.monotonic() > deadline:
                tail = self.log_tail()
                self.stop(remove=False)
                raise BindError(
                    "named did not answer on %s:%d within %ss: %s\n--- named.log ---\n%s" % (self.host, self.port, timeout, " ".join(self.command), tail)
                )
            time.sleep(0.1)

    def _answers(self):
        """Every zone answers its SOA over UDP and its nonce over TCP (so this is our named)."""
        try:
            for zone in self.zones:
                soa = dns.query.udp(dns.message.make_query(zone + ".", "SOA"), self.host, port=self.port, timeout=0.5)
                if soa.rcode() != dns.rcode.NOERROR or not soa.answer:
                    return False
                query = dns.message.make_query("%s.%s." % (NONCE_LABEL, zone), "TXT")
                nonce = dns.query.tcp(query, self.host, port=self.port, timeout=0.5)
                texts = [b"".join(rdata.strings).decode() for rrset in nonce.answer for rdata in rrset]
                if texts != [self.nonce]:
                    return False
        except (OSError, dns.exception.DNSException):
            return False
        return True

    def stop(self, remove=None):
        """Stop named (SIGTERM, then SIGKILL after 10s). Removes the directory if this object made it."""
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)
        if self._log is not None:
            self._log.close()
            self._log = None
        if remove is None:
            remove = self._own_workdir and os.environ.get("MAILOPS_KEEP_BIND") != "1"
        if remove:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    # -- records ----------------------------------------------------------------------------

    def zone_of(self, name):
        name = name.rstrip(".").lower()
        matching = [zone for zone in self.zones if name == zone or name.endswith("." + zone)]
        if not matching:
            raise BindError("%s is in none of the zones %s" % (name, ", ".join(self.zones)))
        return max(matching, key=len)

    def update(self, add=(), delete=(), replace=(), ttl=60):
        """Send RFC 2136 updates signed with the TSIG key, one message per zone; fail on any rcode but NOERROR.

        Records are ``{name, type, value}`` (``ttl`` optional). A TXT ``value`` is a string (split into 255-byte
        strings when longer) or the list of the record's strings. ``delete`` items without ``value`` remove the
        whole record set of that type (without ``type``: everything at the name). ``replace`` replaces the
        record set of that type with the records given. named itself drops records that DNS forbids (a CNAME
        next to other data), as a real DNS server does.
        """
        messages = {}

        def message(name):
            zone = self.zone_of(name)
            if zone not in messages:
                messages[zone] = dns.update.UpdateMessage(zone + ".", keyring=self.keyring, keyname=self.key_name, keyalgorithm=self.key_algorithm)
            return messages[zone]

        for item in delete:
            name = item["name"].rstrip(".") + "."
            if item.get("value") is not None:
                message(name).delete(name, make_rdata(item["type"], item["value"]))
            elif item.get("type"):
                message(name).delete(name, item["type"].upper())
            else:
                message(name).delete(name)
        replaced = {}
        for item in replace:
            name = item["name"].rstrip(".") + "."
            replaced.setdefault((name, item["type"].upper()), []).append(make_rdata(item["type"], item["value"]))
        for (name, _rtype), rdatas in replaced.items():
            message(name).replace(name, ttl, *rdatas)
        for item in add:
            name = item["name"].rstrip(".") + "."
            message(name).add(name, item.get("ttl", ttl), make_rdata(item["type"], item["value"]))
        for zone, update in messages.items():
            response = dns.query.tcp(update, self.host, port=self.port, timeout=5)
            if response.rcode() != dns.rcode.NOERROR:
                raise BindError("update of zone %s refused: %s\n--- named.log ---\n%s" % (zone, dns.rcode.to_text(response.rcode()), self.log_tail(10)))

    def query(self, name, rtype):
        """What named answers for ``name``/``rtype`` (answer section as ``(owner, type, text)``), over TCP."""
        response = dns.query.tcp(dns.message.make_query(name.rstrip(".") + ".", rtype), self.host, port=self.port, timeout=5)
        return [
            (rrset.name.to_text(omit_final_dot=True), dns.rdatatype.to_text(rrset.rdtype), rdata.to_text())
            for rrset in response.answer
            for rdata in rrset
        ]


class _PortTaken(BindError):
    pass


def start_bind(zones=DEFAULT_ZONES, workdir=None, records=(), host=HOST, timeout=START_TIMEOUT):
    """Start named and publish ``records`` (dynamic updates); returns a running ``BindServer``."""
    server = BindServer(zones=zones, workdir=workdir, host=host)
    try:
        server.start(timeout=timeout)
        if records:
            server.update(add=records)
    except BaseException:
        server.stop()
        raise
    return server


def skip_or_fail(exc):
    """Outside CI a missing named skips the test, with the reason; under CI (``CI=true``) it fails it."""
    if in_ci():
        pytest.fail("CI=true, so this test must run (make test's set-up step installs BIND), but: %s" % exc, pytrace=False)
    pytest.skip("BIND 9 is not available: %s" % exc)


if pytest is not None:

    @pytest.fixture(scope="module")
    def bind_server(tmp_path_factory):
        """A running named for the test module (zones example.com and example.org, TSIG updates).

        Skips when named is missing, except under CI, where it fails.
        """
        started = time.monotonic()
        try:
            server = start_bind(workdir=tmp_path_factory.mktemp("bind"))
        except BindUnavailable as exc:
            skip_or_fail(exc)
        server.startup_seconds = time.monotonic() - started
        yield server
        server.stop()


def main(argv=None):
    parser = argparse.ArgumentParser(description="Run a BIND 9 named for mailops.sendgrid tests until interrupted.")
    parser.add_argument("--zone", action="append", dest="zones", help="zone to serve (repeatable; default: %s)" % ", ".join(DEFAULT_ZONES))
    parser.add_argument("--workdir", help="directory for config, zones and journals (default: a new temporary one, removed at exit)")
    parser.add_argument("--install", action="store_true", help="install bind9 with apt-get when named is missing (same as MAILOPS_INSTALL_BIND=1)")
    args = parser.parse_args(argv)
    if args.install:
        os.environ["MAILOPS_INSTALL_BIND"] = "1"
    try:
        server = start_bind(zones=tuple(args.zones or DEFAULT_ZONES), workdir=args.workdir)
    except (BindUnavailable, BindError) as exc:
        print("error: %s" % exc, file=sys.stderr)
        return 1
    print(json.dumps(server.info()), flush=True)
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(True))
    with contextlib.suppress(KeyboardInterrupt):
        while not stop and server.process is not None and server.process.poll() is None:
            time.sleep(0.5)
    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
