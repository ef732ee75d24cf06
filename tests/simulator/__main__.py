# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""``python -m tests.simulator``: start the simulator; the first stdout line is its URL."""

from __future__ import annotations

import argparse
import os
import pathlib
import signal
import ssl
import sys
import threading

from .dialects import DIALECTS, parse as parse_dialect
from .server import SimulatorApp, make_server

DEFAULT_API_KEY = "SG.simulator"
REPO_ROOT = pathlib.Path(__file__).resolve().parents[2]
DEFAULT_OPENAPI_DIR = REPO_ROOT.parent / "shared" / "openapi"


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.simulator",
                                     description="Stateful SendGrid v3 API simulator.")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8765, help="port; 0 picks a free one")
    parser.add_argument("--api-key", default=None,
                        help=f"the full-access API key (default: $SIMULATOR_API_KEY or "
                             f"{DEFAULT_API_KEY})")
    parser.add_argument("--openapi-dir", default=str(DEFAULT_OPENAPI_DIR),
                        help="SendGrid's OpenAPI YAML files, for request validation; "
                             "validation is skipped when the directory does not exist")
    parser.add_argument("--dns-server", default=None, metavar="HOST:PORT",
                        help="validate DNS records against this server instead of the "
                             "in-memory record table")
    parser.add_argument("--tls-cert", default=None, help="PEM certificate: serve HTTPS")
    parser.add_argument("--tls-key", default=None, help="PEM private key for --tls-cert")
    parser.add_argument("--rate-limit", type=int, default=None, metavar="N",
                        help="allow N API requests per second, answer 429 beyond")
    parser.add_argument("--dialect", default="", metavar="NAME[=N],...",
                        help="play SendGrid's other plausible behaviours where its docs are silent: all, or some of "
                             + ", ".join(DIALECTS) + " (see README)")
    parser.add_argument("--quiet", action="store_true", help="no access log on stderr")
    args = parser.parse_args(argv)
    if bool(args.tls_cert) != bool(args.tls_key):
        parser.error("--tls-cert and --tls-key go together")
    if args.rate_limit is not None and args.rate_limit < 1:
        parser.error("--rate-limit must be at least 1")
    args.api_key = args.api_key or os.environ.get("SIMULATOR_API_KEY") or DEFAULT_API_KEY
    try:
        args.dialect = parse_dialect(args.dialect or os.environ.get("SIMULATOR_DIALECT", ""))
    except ValueError as exc:
        parser.error("--dialect: %s" % exc)
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    app = SimulatorApp(args.api_key, args.openapi_dir, args.dns_server, args.rate_limit, args.dialect)
    server = make_server(app, args.host, args.port, quiet=args.quiet)
    scheme = "http"
    if args.tls_cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.tls_cert, args.tls_key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
        scheme = "https"
    host, port = server.server_address[:2]
    shown_host = f"[{host}]" if ":" in host else host
    print(f"{scheme}://{shown_host}:{port}", flush=True)
    if not args.quiet:
        validation = "on" if app.spec is not None else "off (no OpenAPI directory)"
        print(f"SendGrid simulator listening; OpenAPI request validation {validation}",
              file=sys.stderr, flush=True)

    def stop(signum, frame):
        # shutdown() waits for serve_forever to return, so it must run in another thread.
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
