"""Serve the pages on this machine only, with a real server (waitress): a free port unless one is given, the
first address printed (and opened in the browser), a clean stop on Ctrl-C."""

from __future__ import annotations

import socket
from collections.abc import Callable
from pathlib import Path

from ..errors import WizardError
from ..home import Home
from .guard import Guard, loopback


def listen(host: str, port: int | None) -> socket.socket:
    """A socket bound to `host` (a loopback address, or refused) and `port` (a free one when None)."""
    if not loopback(host):
        raise WizardError(
            f"--host {host} is not this computer's own (loopback) address: the pages hold safeguarding records, "
            "so they are served to this computer only. Use 127.0.0.1."
        )
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.bind((host, port or 0))
    except OSError as e:
        sock.close()
        raise WizardError(f"Cannot listen on {host} port {port}: {e.strerror}. Choose another with --port.") from None
    sock.listen(64)
    return sock


def serve(home: Home, flowchart: Path | None, procedure: str | None, sock: socket.socket, ready: Callable) -> None:
    """Serve until Ctrl-C. `ready(address)` is called with the first address once the server is listening."""
    from waitress.server import create_server

    from .app import create_app

    host, port = sock.getsockname()[:2]
    guard = Guard(host, port)
    app = create_app(home, guard, flowchart, procedure)
    server = create_server(app, sockets=[sock], threads=4, ident="esafety", clear_untrusted_proxy_headers=True)
    shown = f"[{host}]" if ":" in host else host
    ready(f"http://{shown}:{port}/open/{guard.key}")
    try:
        server.run()
    finally:
        server.close()
