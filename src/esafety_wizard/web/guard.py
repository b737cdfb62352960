"""Only this person at this machine: what every request must carry, and what every response says.

- The server listens on a loopback address only; anything else is refused before it starts.
- The first address holds a random key: opening it sets a cookie (HttpOnly, SameSite=Strict) and every request
  without that cookie is refused, so another user of the machine, or a page in another tab, gets nothing.
- The Host header must name the loopback address and port: a name that resolves here (DNS rebinding) is refused.
- Every form carries a token tied to the cookie (CSRF); a form without it changes nothing.
- A strict Content-Security-Policy: nothing from another origin, no inline script or style.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets

COOKIE = "esafety_session"
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}


def loopback(host: str) -> bool:
    """Whether `host` is a loopback address (127.0.0.0/8, ::1). A name (even 'localhost') is not: it could be
    made to resolve elsewhere."""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class Guard:
    """The secrets of one run of `esafety serve`: made when it starts, forgotten when it stops."""

    def __init__(self, host: str, port: int) -> None:
        self.key = secrets.token_urlsafe(24)  # in the first address only
        self.session = secrets.token_urlsafe(32)  # the cookie's value, set when the first address is opened
        self.csrf = secrets.token_urlsafe(32)  # in every form
        self.hosts = {f"{host}:{port}", f"[{host}]:{port}"}

    def host_ok(self, header: str | None) -> bool:
        return header in self.hosts

    def key_ok(self, given: str) -> bool:
        return hmac.compare_digest(given.encode(), self.key.encode())

    def cookie_ok(self, given: str | None) -> bool:
        return given is not None and hmac.compare_digest(given.encode(), self.session.encode())

    def csrf_ok(self, given: str | None) -> bool:
        return given is not None and hmac.compare_digest(given.encode(), self.csrf.encode())
