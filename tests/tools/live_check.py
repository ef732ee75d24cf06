# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""`make live-check`: the contract check against a real SendGrid account (docs/api-fidelity.md).

For people who have a test account: it creates, reads, validates and deletes one of each object the collection
manages, with the collection's own client, and compares the shape of every answer with what the modules expect
and with what the bundled simulator answers to the same requests. It writes a redacted report (no key, no account
or object ids, no names or addresses) that can be attached to an issue, and always deletes what it created.

    SENDGRID_API_KEY=SG...  LIVE_CHECK_DOMAIN=throwaway.example.com  [LIVE_CHECK_IP=203.0.113.7]  make live-check

``SENDGRID_API_URL`` (default SendGrid's global API) and ``LIVE_CHECK_REPORT`` (default
``.build/live-check/report.md``) are optional. ``LIVE_CHECK_IP`` is a dedicated IP of the account without reverse
DNS: with it, a pool and a reverse DNS are checked too. Nothing is sent that the modules would not send. It never
runs in CI against SendGrid; the tests run it against the simulator (the same code path).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import sys
from pathlib import Path

from tests.simulator.control import start_simulator

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / ".build" / "collections"))

from ansible_collections.mailops.sendgrid.plugins.module_utils._api import (  # noqa: E402  pylint: disable=wrong-import-position
    GLOBAL_API_URL,
    SendGridClient,
    SendGridError,
)

# What the modules read from each answer (a missing key is a finding; extra keys are listed, not a problem).
EXPECTED = {
    "domain": {"id", "domain", "subdomain", "username", "user_id", "ips", "custom_spf", "default", "legacy", "automatic_security", "valid", "dns"},
    "link": {"id", "domain", "subdomain", "username", "user_id", "default", "valid", "legacy", "dns"},
    "reverse_dns": {"id", "ip", "rdns", "domain", "subdomain", "valid", "legacy", "users", "a_record"},
    "validation": {"id", "valid", "validation_results"},
    "pool": {"pool_name", "ips"},
    "ip": {"ip", "pools", "warmup", "start_date", "subusers"},
}


def shape(value, depth=0):
    """The shape of an answer with every value left out: types and keys only."""
    if isinstance(value, dict):
        if depth >= 2:
            return "object"
        return {key: shape(item, depth + 1) for key, item in sorted(value.items())}
    if isinstance(value, list):
        return ["list of %d" % len(value)] + ([shape(value[0], depth + 1)] if value else [])
    return type(value).__name__ if value is not None else "null"


class Checker:
    def __init__(self, client, domain, ip=None):
        self.client = client
        self.domain = domain
        self.ip = ip
        self.label = "mlc" + secrets.token_hex(3)
        self.steps = []
        self.cleanup = []

    def call(self, what, kind, method, path, body=None, query=None, expected=None):
        # Object ids say which account this is: the report names the request without them.
        step = {"step": what, "request": "%s %s" % (method, re.sub(r"/\d+(?=/|$)", "/{id}", path))}
        try:
            answer = self.client.request(method, path, body=body, query=query, retry_safe=method != "POST")
        except SendGridError as exc:
            message = re.sub(r"\b\d{5,}\b", "<id>", self.client.redact(exc.message))
            step.update(outcome="error", status=exc.details.get("status"), message=message)
            self.steps.append(step)
            return None
        step.update(outcome="ok", shape=shape(answer))
        obj = answer[0] if isinstance(answer, list) and answer and kind != "list" else answer
        if expected and isinstance(obj, dict):
            step["missing"] = sorted(EXPECTED[expected] - set(obj))
            step["extra"] = sorted(set(obj) - EXPECTED[expected])
        elif expected:
            step["missing"] = ["(not an object: %s)" % type(obj).__name__]
        self.steps.append(step)
        return obj

    def run(self):
        try:
            self.call("list dedicated IPs", "list", "GET", "/v3/ips", query={"limit": 10})
            if self.ip:
                self.pool_and_rdns()
            self.domain_auth()
            self.link_branding()
        finally:
            for what, path in reversed(self.cleanup):
                self.call("clean up: " + what, "delete", "DELETE", path)
        return self.steps

    def pool_and_rdns(self):
        name = "%s-pool" % self.label
        if self.call("create a pool", "object", "POST", "/v3/ips/pools", {"name": name}) is not None:
            self.cleanup.append(("the pool", "/v3/ips/pools/%s" % name))
        self.call("add the IP to the pool", "object", "POST", "/v3/ips/pools/%s/ips" % name, {"ip": self.ip})
        self.call("read the pool", "object", "GET", "/v3/ips/pools/%s" % name, expected="pool")
        self.call("read the IP", "object", "GET", "/v3/ips/%s" % self.ip, expected="ip")
        created = self.call("create a reverse DNS", "object", "POST", "/v3/whitelabel/ips",
                            {"ip": self.ip, "domain": self.domain, "subdomain": self.label}, expected="reverse_dns")
        if created and created.get("id") is not None:
            self.cleanup.append(("the reverse DNS", "/v3/whitelabel/ips/%s" % created["id"]))
            self.call("find it by IP", "list", "GET", "/v3/whitelabel/ips", query={"ip": self.ip, "limit": 500, "offset": 0})
            self.call("validate the reverse DNS", "object", "POST", "/v3/whitelabel/ips/%s/validate" % created["id"], expected="validation")

    def domain_auth(self):
        created = self.call("create an authenticated domain", "object", "POST", "/v3/whitelabel/domains",
                            {"domain": self.domain, "subdomain": self.label, "automatic_security": True}, expected="domain")
        if created and created.get("id") is not None:
            self.cleanup.append(("the authenticated domain", "/v3/whitelabel/domains/%s" % created["id"]))
            self.call("find it by domain", "list", "GET", "/v3/whitelabel/domains",
                      query={"domain": self.domain, "exclude_subusers": True, "limit": 500, "offset": 0})
            self.call("read the authenticated domain", "object", "GET", "/v3/whitelabel/domains/%s" % created["id"], expected="domain")
            self.call("validate the authenticated domain", "object", "POST", "/v3/whitelabel/domains/%s/validate" % created["id"], expected="validation")

    def link_branding(self):
        created = self.call("create a branded link", "object", "POST", "/v3/whitelabel/links",
                            {"domain": self.domain, "subdomain": self.label + "l"}, expected="link")
        if created and created.get("id") is not None:
            self.cleanup.append(("the branded link", "/v3/whitelabel/links/%s" % created["id"]))
            self.call("list the links", "list", "GET", "/v3/whitelabel/links", query={"limit": 3000})
            self.call("validate the branded link", "object", "POST", "/v3/whitelabel/links/%s/validate" % created["id"], expected="validation")


def redact(text, secrets_to_hide):
    for secret in sorted((s for s in secrets_to_hide if s), key=len, reverse=True):
        text = text.replace(secret, "<redacted>")
    return text


def report(live, simulated, target):
    lines = ["# mailops.sendgrid live contract check", "",
             "Shapes of SendGrid's answers (keys and types only) next to the simulator's for the same requests.", "",
             "| step | request | live | simulator | keys the modules need that are missing | extra keys |",
             "| --- | --- | --- | --- | --- | --- |"]
    by_step = {step["step"]: step for step in simulated}  # step names are unique
    differences = 0
    for step in live:
        other = by_step.get(step["step"], {})
        same = step.get("shape") == other.get("shape")
        differences += 0 if same else 1
        lines.append("| %s | `%s` | %s | %s | %s | %s |" % (
            step["step"], step["request"],
            step["outcome"] if step["outcome"] == "ok" else "%s %s: %s" % (step["outcome"], step.get("status"), step.get("message")),
            "same shape" if same else "`%s`" % json.dumps(other.get("shape")),
            ", ".join(step.get("missing") or []) or "none", ", ".join(step.get("extra") or []) or "none"))
    lines += ["", "%d of %d answers differ in shape from the simulator's." % (differences, len(live)), "",
              "## Live answers (shapes)", "", "```json", json.dumps(live, indent=1, sort_keys=True), "```", ""]
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("\n".join(lines))
    return differences


def main():
    key = os.environ.get("SENDGRID_API_KEY", "").strip()
    domain = os.environ.get("LIVE_CHECK_DOMAIN", "").strip()
    if not key or not domain:
        sys.exit("live-check needs SENDGRID_API_KEY (a test account's key) and LIVE_CHECK_DOMAIN (a throwaway domain)")
    ip = os.environ.get("LIVE_CHECK_IP", "").strip() or None
    url = os.environ.get("SENDGRID_API_URL", "").strip() or GLOBAL_API_URL
    target = Path(os.environ.get("LIVE_CHECK_REPORT") or REPO / ".build" / "live-check" / "report.md")
    live = Checker(SendGridClient(key, url), domain, ip).run()
    with start_simulator(api_key="SG.live-check-reference") as sim:
        if ip:
            sim.add_ips([ip])
        simulated = Checker(SendGridClient(sim.api_key, sim.base_url), domain, ip).run()
    hide = [key, domain, ip or ""]
    live = json.loads(redact(json.dumps(live), hide))
    simulated = json.loads(redact(json.dumps(simulated), hide))
    differences = report(live, simulated, target)
    print("live-check: %d steps, %d answers differ in shape from the simulator's; report: %s" % (len(live), differences, target))
    errors = [step for step in live if step["outcome"] != "ok" and not step["step"].startswith("clean up")]
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
