"""The client's address, the one every limit counts against (throttles, login lockout, tracking guesses).

``REMOTE_ADDR`` is the peer that opened the connection. Only when that peer is one of
``XINFANG_TRUSTED_PROXIES`` (addresses or CIDR networks; none by default) is ``X-Forwarded-For`` read, and then
from the right: each hop that is itself a trusted proxy is skipped and the first untrusted one is the client. The
left part of the header is whatever the client chose to send, so it is never believed — a spoofed header from an
untrusted peer changes nothing.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from typing import Any

from django.conf import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def trusted_networks() -> tuple[Network, ...]:
    return _networks(tuple(getattr(settings, "XINFANG_TRUSTED_PROXIES", ())))


def _parse(raw: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    value = raw.strip()
    if value.startswith("[") and "]" in value:  # [v6]:port
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # v4:port
        value = value.split(":", 1)[0]
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def _is_trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address, networks: tuple[Network, ...]) -> bool:
    return any(address.version == net.version and address in net for net in networks)


def client_ip(request: Any) -> str:
    """The client address of a Django or DRF request (see the module docstring); "" if none can be read."""
    meta = request.META
    peer = _parse(str(meta.get("REMOTE_ADDR", "") or ""))
    if peer is None:
        return ""
    networks = trusted_networks()
    if not networks or not _is_trusted(peer, networks):
        return str(peer)
    hops = [hop for hop in str(meta.get("HTTP_X_FORWARDED_FOR", "") or "").split(",") if hop.strip()]
    for hop in reversed(hops):
        address = _parse(hop)
        if address is None:
            # A malformed hop cannot be traced further; the last good address counts (never the client's words).
            break
        if not _is_trusted(address, networks):
            return str(address)
        peer = address
    return str(peer)
