# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A small client for the simulator's control API, shared by the tests, the benchmarks
and the demo, plus ``start_simulator()`` which runs ``python -m tests.simulator`` as a
subprocess. Standard library only, so anything that can run the simulator can drive it.

    with start_simulator(api_key="SG.test-key") as sim:
        sim.add_subusers("acme")
        sim.add_ips(["203.0.113.10"])
        requests.get(sim.base_url + "/v3/ips", headers=sim.auth_headers())
"""

from __future__ import annotations

import json
import os
import pathlib
import queue
import ssl
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from typing import Any, Iterable, Optional

REPO_ROOT = pathlib.Path(__file__).resolve().parents[2]


class SimulatorError(RuntimeError):
    """A control request failed, or the simulator process did not start."""


class Simulator:
    """Talks to a running simulator; ``process`` is set when ``start_simulator`` owns it."""

    def __init__(self, base_url: str, api_key: str = "SG.simulator",
                 process: Optional[subprocess.Popen] = None, timeout: float = 30.0,
                 cafile: Optional[str] = None):
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.process = process
        self.timeout = timeout
        # With --tls-cert a self-signed certificate is its own CA: trust it for control calls.
        self._ssl_context = ssl.create_default_context(cafile=cafile) if cafile else None

    # -- plumbing --------------------------------------------------------------------
    def control(self, method: str, name: str, body: Any = None) -> Any:
        """Call ``/_simulator/<name>``; answer the decoded JSON (None for 204)."""
        data = None if body is None else json.dumps(body).encode("utf-8")
        request = urllib.request.Request(f"{self.base_url}/_simulator/{name}", data=data,
                                         method=method,
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout,
                                        context=self._ssl_context) as response:
                raw = response.read()
        except urllib.error.HTTPError as err:
            detail = err.read().decode("utf-8", "replace")
            raise SimulatorError(f"{method} /_simulator/{name}: {err.code} {detail}") from None
        return json.loads(raw) if raw else None

    def auth_headers(self, on_behalf_of: Optional[str] = None,
                     api_key: Optional[str] = None) -> dict:
        """Headers for a ``/v3/`` request with this simulator's key."""
        headers = {"Authorization": f"Bearer {api_key or self.api_key}"}
        if on_behalf_of:
            headers["On-Behalf-Of"] = on_behalf_of
        return headers

    def url(self, path: str) -> str:
        return self.base_url + path

    # -- control API -----------------------------------------------------------------
    def health(self) -> dict:
        return self.control("GET", "health")

    def reset(self) -> None:
        self.control("POST", "reset")

    def requests(self) -> list:
        return self.control("GET", "requests")["requests"]

    def clear_requests(self) -> None:
        self.control("DELETE", "requests")

    def violations(self) -> list:
        return self.control("GET", "violations")["violations"]

    def add_fault(self, path: str = ".*", method: str = "*", action: str = "status",
                  **options) -> dict:
        """options: status, headers, body, delay, times (None: always), when."""
        body = dict(options, path=path, method=method, action=action)
        return self.control("POST", "faults", body)

    def faults(self) -> list:
        return self.control("GET", "faults")["faults"]

    def clear_faults(self) -> None:
        self.control("DELETE", "faults")

    def set_dialect(self, dialect) -> dict:
        """``dialect``: ``"all"``, ``"page_cap=20,no_echo"`` or ``{name: value}``; ``{}`` is the default behaviour."""
        return self.control("POST", "dialect", dialect)["dialect"]

    def set_rate_limit(self, requests_per_second: Optional[int]) -> None:
        self.control("POST", "rate_limit", {"requests_per_second": requests_per_second})

    def config(self, **settings) -> dict:
        """Change settings (e.g. pool_ip_visibility_delay=5); answer them all."""
        if settings:
            return self.control("POST", "config", settings)["config"]
        return self.control("GET", "config")["config"]

    def add_subusers(self, *usernames: str) -> list:
        return self.control("POST", "subusers", {"usernames": list(usernames)})["subusers"]

    def add_ips(self, ips: Iterable[str], subusers: Iterable[str] = (),
                warmup: bool = False) -> list:
        return self.control("POST", "ips", {"ips": list(ips), "subusers": list(subusers),
                                            "warmup": warmup})["ips"]

    def add_api_key(self, key: str, scopes: Optional[Iterable[str]],
                    username: Optional[str] = None) -> None:
        body = {"key": key, "scopes": None if scopes is None else list(scopes)}
        if username:
            body["username"] = username
        self.control("POST", "api_keys", body)

    def add_dns(self, records: Iterable[dict], replace: bool = False) -> list:
        """records: {"name", "type", "value"} dicts (type CNAME, TXT, MX or A)."""
        return self.control("POST", "dns", {"records": list(records),
                                            "replace": replace})["records"]

    def dns(self) -> list:
        return self.control("GET", "dns")["records"]

    def clear_dns(self) -> None:
        self.control("DELETE", "dns")

    def seed(self, account: Optional[str] = None, **counts) -> dict:
        """counts: domains, links, reverse_dns, pools (ints), ips (list), legacy, valid."""
        return self.control("POST", "seed", dict(counts, account=account))

    def state(self) -> dict:
        return self.control("GET", "state")

    # -- process ---------------------------------------------------------------------
    def stop(self, timeout: float = 10.0) -> None:
        """Stop the process started by ``start_simulator`` (SIGTERM, then SIGKILL)."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout)
        finally:
            if process.stdout:
                process.stdout.close()

    def __enter__(self) -> "Simulator":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def start_simulator(api_key: str = "SG.simulator", *, host: str = "127.0.0.1",
                    openapi_dir: Optional[str] = None, dns_server: Optional[str] = None,
                    rate_limit: Optional[int] = None, tls_cert: Optional[str] = None,
                    tls_key: Optional[str] = None, quiet: bool = True,
                    extra_args: Iterable[str] = (), stderr=None,
                    startup_timeout: float = 60.0, dialect: Optional[str] = None) -> Simulator:
    """Run ``python -m tests.simulator --port 0`` and wait for the base URL it prints.

    The key is passed through ``SIMULATOR_API_KEY`` so it does not show in process lists.
    ``stderr`` is where the access log goes (inherited by default; with ``quiet`` there
    is none).
    """
    command = [sys.executable, "-m", "tests.simulator", "--host", host, "--port", "0"]
    for flag, value in (("--openapi-dir", openapi_dir), ("--dns-server", dns_server),
                        ("--rate-limit", rate_limit), ("--tls-cert", tls_cert),
                        ("--tls-key", tls_key), ("--dialect", dialect)):
        if value is not None:
            command += [flag, str(value)]
    if quiet:
        command.append("--quiet")
    command += list(extra_args)
    env = dict(os.environ, SIMULATOR_API_KEY=api_key)
    process = subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE,
                               stderr=stderr, text=True)
    base_url = _first_line(process, startup_timeout)
    return Simulator(base_url, api_key, process, cafile=tls_cert)


def _first_line(process: subprocess.Popen, timeout: float) -> str:
    lines: queue.Queue = queue.Queue()
    reader = threading.Thread(target=lambda: lines.put(process.stdout.readline()), daemon=True)
    reader.start()
    try:
        line = lines.get(timeout=timeout).strip()
    except queue.Empty:
        line = ""
    if not line.startswith(("http://", "https://")):
        process.kill()
        process.wait()
        raise SimulatorError(f"the simulator did not start (exit code {process.returncode}, "
                             f"first line {line!r})")
    return line
