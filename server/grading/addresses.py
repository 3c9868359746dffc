"""Which IP addresses a webhook may reach: public unicast only, unless the deployment allows more.

Instructors choose webhook URLs, so a URL must not make the service call
into its own network (SSRF). The check is on addresses, never URL text: a
host name is resolved, and the address checked is the one connected to.
Python's ``ipaddress`` flags miss some special-purpose ranges (its
``is_global`` is true for 192.0.0.8, multicast, NAT64 and 6to4), so the
IANA special-purpose registries are listed here as well, and an IPv6 address
that carries an IPv4 address (mapped, compatible, 6to4, NAT64) is judged by
that IPv4 address too.
"""

from __future__ import annotations

import ipaddress
import socket
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as LookupTimeout
from functools import lru_cache

from django.conf import settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# IANA IPv4 and IPv6 Special-Purpose Address Registries (RFC 6890 and later), plus multicast and
# the deprecated site-local range: nothing here is an LMS on the internet.
SPECIAL = tuple(
    ipaddress.ip_network(n)
    for n in (
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
        "192.0.0.0/24", "192.0.2.0/24", "192.31.196.0/24", "192.52.193.0/24", "192.88.99.0/24",
        "192.168.0.0/16", "192.175.48.0/24", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24",
        "224.0.0.0/4", "240.0.0.0/4",
        "::/128", "::1/128", "::ffff:0:0/96", "::/96", "64:ff9b:1::/48", "100::/64", "2001::/23",
        "2001:db8::/32", "2620:4f:8000::/48", "3fff::/20", "5f00::/16", "fc00::/7", "fe80::/10", "fec0::/10",
        "ff00::/8",
    )
)  # fmt: skip
NAT64 = ipaddress.ip_network("64:ff9b::/96")  # the well-known prefix: the last 32 bits are an IPv4 address


def embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for: IPv4-mapped, IPv4-compatible, 6to4 or NAT64."""
    if address.version != 6:
        return None
    assert isinstance(address, ipaddress.IPv6Address)
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in NAT64 or int(address) >> 32 == 0:  # NAT64, or ::a.b.c.d (IPv4-compatible)
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


@lru_cache(maxsize=1)
def _allowed(networks: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(n, strict=False) for n in networks)


def _special(address: IPAddress) -> bool:
    return (
        not address.is_global
        or address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or any(address in network for network in SPECIAL if network.version == address.version)
    )


def refusal(address: IPAddress) -> str | None:
    """Why a webhook may not connect to ``address``, or None."""
    if settings.WEBHOOKS["ALLOW_PRIVATE_HOSTS"]:
        return None
    if any(address in network for network in _allowed(tuple(settings.WEBHOOKS["ALLOWED_NETWORKS"]))):
        return None
    inner = embedded_ipv4(address)
    if inner is not None:
        if refusal(inner) is not None:
            return f"{address} stands for {inner}, a private, loopback or special-purpose address"
        if address in NAT64 or address.sixtofour is not None:  # translated to a public IPv4 address
            return None
        return f"{address} is an IPv4-mapped or IPv4-compatible address; use {inner}"
    if _special(address):
        return f"{address} is a private, loopback or special-purpose address"
    return None


_lookups: ThreadPoolExecutor | None = None


def resolve(host: str, port: int, timeout: float | None = None) -> list[IPAddress]:
    """Every address ``host`` resolves to (an IP literal is itself). OSError when it does not resolve,
    TimeoutError past ``timeout`` (the system resolver has no deadline of its own, so it runs on a thread)."""
    global _lookups
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        pass
    if _lookups is None:  # made on first use, so a forked worker process makes its own
        _lookups = ThreadPoolExecutor(max_workers=4, thread_name_prefix="webhook-dns")
    lookup = _lookups.submit(socket.getaddrinfo, host, port, proto=socket.IPPROTO_TCP)
    try:
        infos = lookup.result(timeout=timeout)
    except LookupTimeout:
        raise TimeoutError(f"resolving {host} took longer than {timeout:g} s") from None
    return list(dict.fromkeys(ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos))


def host_refusal(host: str, port: int) -> str | None:
    """Why a host may not receive webhooks: it does not resolve, or one of its addresses is refused."""
    try:
        addresses = resolve(host, port, timeout=settings.WEBHOOKS["CONNECT_TIMEOUT_SECONDS"])
    except (OSError, UnicodeError):
        return "the host does not resolve"
    if not addresses:
        return "the host does not resolve"
    return next((reason for reason in map(refusal, addresses) if reason), None)
