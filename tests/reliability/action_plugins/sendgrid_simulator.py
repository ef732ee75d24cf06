# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Drive the SendGrid simulator from a playbook, on the controller (test helper of tests/reliability).

A module task costs a Python process; this action costs a few HTTP calls, so the generated fault-matrix
playbooks can prepare, fault and inspect the simulator around every module run without doubling the
suite's time. Arguments::

    url: the simulator's base URL (default: $SENDGRID_API_URL)
    steps: a list of steps, run in order; each is a one-key mapping:
      control: [METHOD, name, body]   # /_simulator/<name>; the answer is kept when ``keep`` is set
      api: [METHOD, /v3/path, body]   # with the key of $SENDGRID_API_KEY; must answer 2xx.
                                      # "{id}" in the path is the id of the last API answer
      fault: {...}                    # POST /_simulator/faults; a header value "@epoch+N" becomes
                                      # the Unix time N seconds from now
      publish_dns: true               # every record of every domain, link and reverse DNS into the table
      keep: name                      # keep the answer of the previous step as outputs[name]

The API key is read from the environment and never returned.
"""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.request

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase


def _call(url, method, body=None, headers=None, timeout=30):
    data = None if body is None else json.dumps(body).encode("utf-8")
    request = urllib.request.Request(url, data=data, method=method, headers=dict({"Content-Type": "application/json"}, **(headers or {})))
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            raw = response.read()
            status = response.status
    except urllib.error.HTTPError as err:
        raise AnsibleActionFail("%s %s answered %s: %s" % (method, url.split("//", 1)[-1].split("/", 1)[-1], err.code, err.read()[:300]))
    return status, (json.loads(raw) if raw else None)


def _fault(spec):
    spec = dict(spec)
    headers = {}
    for name, value in (spec.get("headers") or {}).items():
        if isinstance(value, str) and value.startswith("@epoch+"):
            value = str(int(time.time()) + int(value[len("@epoch+"):]))
        headers[name] = value
    spec["headers"] = headers
    return spec


def _records(state):
    records = []
    for kind, key in (("domains", "dns"), ("links", "dns"), ("reverse_dns", None)):
        for obj in state.get(kind) or ():
            entries = (obj.get(key) or {}).values() if key else [obj.get("a_record") or {}]
            for record in entries:
                if record.get("host"):
                    records.append({"name": record["host"], "type": record["type"].upper(), "value": record["data"]})
    return records


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        args = self._task.args
        base = (args.get("url") or os.environ.get("SENDGRID_API_URL") or "").rstrip("/")
        if not base:
            raise AnsibleActionFail("url (or SENDGRID_API_URL) is required")
        key = os.environ.get("SENDGRID_API_KEY", "")
        outputs = {}
        last = None
        last_id = None
        for step in args.get("steps") or ():
            if "control" in step:
                method, name = step["control"][0], step["control"][1]
                body = step["control"][2] if len(step["control"]) > 2 else None
                last = _call("%s/_simulator/%s" % (base, name), method, body)[1]
            elif "api" in step:
                method, path = step["api"][0], step["api"][1]
                body = step["api"][2] if len(step["api"]) > 2 else None
                path = path.replace("{id}", str(last_id))
                last = _call(base + path, method, body, {"Authorization": "Bearer %s" % key})[1]
                if isinstance(last, dict) and last.get("id") is not None:
                    last_id = last["id"]
            elif "fault" in step:
                last = _call("%s/_simulator/faults" % base, "POST", _fault(step["fault"]))[1]
            elif "publish_dns" in step:
                state = _call("%s/_simulator/state" % base, "GET")[1]
                last = _call("%s/_simulator/dns" % base, "POST", {"records": _records(state)})[1]
            elif "keep" in step:
                outputs[step["keep"]] = last
            else:
                raise AnsibleActionFail("unknown step %r" % (step,))
        result.update(changed=False, outputs=outputs)
        return result
