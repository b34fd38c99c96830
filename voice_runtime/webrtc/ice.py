"""Which networks a WebRTC call's ICE may use: the local addresses offered, the peer's candidates and checks accepted.

aioice offers every interface but loopback and answers checks from anywhere, with no setting for either. A
deployment on one public interface, or a test that must keep every packet on loopback, names its networks
(`REVOS_WEBRTC_ICE_NETWORKS`, CIDRs): `restrict_ice` then makes this process's ICE gather only local addresses
in them (loopback included when named) and ignore checks from outside them, and `filter_candidates` drops the
peer's SDP candidates outside them (mDNS names included: resolving one would send multicast). Process-wide on
purpose: it is the deployment's network, and aioice keeps its gathering in a module function.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Sequence
from typing import Any

import aioice.ice
import ifaddr

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
_original_gather = aioice.ice.get_host_addresses
_original_request = aioice.ice.Connection.request_received
_networks: tuple[Network, ...] = ()


def parse_networks(cidrs: Sequence[str]) -> tuple[Network, ...]:
    """The CIDRs as networks (ValueError on a bad one)."""
    return tuple(ipaddress.ip_network(c, strict=False) for c in cidrs)


def allowed(address: str, networks: Sequence[Network]) -> bool:
    """Whether `address` (an IP literal) is in one of `networks`; names (mDNS) never are."""
    try:
        ip = ipaddress.ip_address(address.split("%")[0])
    except ValueError:
        return False
    return any(ip in net for net in networks)


def local_addresses(networks: Sequence[Network]) -> list[str]:
    """The host's addresses inside `networks` (loopback too, when a network holds it)."""
    found: list[str] = []
    for adapter in ifaddr.get_adapters():
        for ip in adapter.ips:
            address = ip.ip if isinstance(ip.ip, str) else ip.ip[0]
            if allowed(address, networks) and address not in found:
                found.append(address)
    return found


def restrict_ice(cidrs: Sequence[str]) -> None:
    """Confine this process's ICE to `cidrs`; an empty list restores aioice's own behaviour."""
    global _networks
    _networks = parse_networks(cidrs)
    if not _networks:
        aioice.ice.get_host_addresses = _original_gather
        aioice.ice.Connection.request_received = _original_request  # type: ignore[method-assign]
        return
    aioice.ice.get_host_addresses = _gather
    aioice.ice.Connection.request_received = _guarded_request  # type: ignore[method-assign]


def _gather(use_ipv4: bool, use_ipv6: bool) -> list[str]:
    return [a for a in local_addresses(_networks) if (":" in a and use_ipv6) or (":" not in a and use_ipv4)]


def _guarded_request(self: aioice.ice.Connection, message: Any, addr: tuple[str, int], protocol: Any) -> None:
    if allowed(addr[0], _networks):
        _original_request(self, message, addr, protocol)


def filter_candidates(sdp: str, keep: Callable[[str], bool] | None = None) -> str:
    """The SDP without the `a=candidate` lines whose address is outside the restricted networks."""
    if keep is None:
        if not _networks:
            return sdp
        keep = lambda address: allowed(address, _networks)  # noqa: E731
    lines = sdp.splitlines(keepends=True)
    return "".join(line for line in lines if not line.startswith("a=candidate:") or _candidate_ok(line, keep))


def _candidate_ok(line: str, keep: Callable[[str], bool]) -> bool:
    parts = line.split()
    return len(parts) > 4 and keep(parts[4])
