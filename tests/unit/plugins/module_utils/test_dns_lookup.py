# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A nameserver that never answers costs one timeout, not one per record (issue 16, item 8)."""

from __future__ import annotations

import socket
import threading

import dns.message

from ansible_collections.mailops.sendgrid.plugins.module_utils._dns_check import ERROR, DNSPythonLookup


class SilentNameserver:
    """A UDP socket on 127.0.0.1 that reads every query and answers none; it records the names asked."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.asked = []
        self.running = True
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        while self.running:
            try:
                data, _peer = self.sock.recvfrom(4096)
            except socket.timeout:
                continue
            except OSError:
                return
            self.asked.append(dns.message.from_wire(data).question[0].name.to_text())

    def close(self):
        self.running = False
        self.thread.join(2)
        self.sock.close()


def test_after_one_timeout_the_other_queries_are_not_sent():
    server = SilentNameserver()
    try:
        lookup = DNSPythonLookup(["127.0.0.1"], server.port, timeout=0.3)
        answers = [lookup(name, "CNAME") for name in ("a.example.com", "b.example.com", "c.example.com")]
    finally:
        server.close()
    assert [a.rcode for a in answers] == [ERROR] * 3
    assert set(server.asked) == {"a.example.com."}
    assert lookup.skipped == 2
    assert "127.0.0.1 did not answer a query for a.example.com CNAME" in lookup.unreachable
    assert answers[1].error.startswith("not asked: 127.0.0.1 did not answer")
