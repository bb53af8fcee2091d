"""The address a request comes from, behind the documented TLS proxy.

Behind a proxy every request carries the proxy's address. Werkzeug's `ProxyFix` takes the
client's address (and scheme) from the `X-Forwarded-*` headers the proxy adds, but anyone can
send those headers: so they are trusted only on requests whose direct peer is one of
`TRUSTED_PROXIES` (addresses or networks, comma separated). Unset, no header is trusted.
"""

import ipaddress
from collections.abc import Iterable

from werkzeug.middleware.proxy_fix import ProxyFix

type Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def networks(value: str | Iterable[str] | None) -> tuple[Network, ...]:
    """Addresses or networks from '10.0.0.5, 192.168.1.0/24' (or a list); refuses a bad one."""
    if not value:
        return ()
    parts = value.split(",") if isinstance(value, str) else list(value)
    found = []
    for part in (p.strip() for p in parts):
        if part:
            try:
                found.append(ipaddress.ip_network(part, strict=False))
            except ValueError as error:
                raise ValueError(f"{part!r} is not an IP address or network: {error}") from None
    return tuple(found)


def contains(within: tuple[Network, ...], address: str | None) -> bool:
    if not address or not within:
        return False
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(parsed in network for network in within)


class TrustedProxyFix:
    """WSGI middleware: ProxyFix (one proxy: X-Forwarded-For and -Proto) for requests from a
    trusted proxy, the request untouched otherwise."""

    def __init__(self, app, trusted: tuple[Network, ...]):
        self.app = app
        self.fixed = ProxyFix(app, x_for=1, x_proto=1, x_host=0, x_port=0, x_prefix=0)
        self.trusted = trusted

    def __call__(self, environ, start_response):
        if contains(self.trusted, environ.get("REMOTE_ADDR")):
            return self.fixed(environ, start_response)
        return self.app(environ, start_response)
