"""The pure rule the I/O edge applies to a webhook host's resolved addresses, and the hosts it must resolve."""

from __future__ import annotations

import pytest

from domain.objectives import host_verdict, webhook_hosts
from tests.unit.objectives.documents import plumber


@pytest.mark.parametrize(("addresses", "verdict"), [
    (["93.184.216.34"], None),
    (["2606:2800:220:1:248:1893:25c8:1946"], None),
    (["127.0.0.1"], "loopback"),
    (["::1"], "loopback"),
    (["10.0.0.5"], "private"),
    (["192.168.1.10"], "private"),
    (["169.254.169.254"], "link_local"),  # cloud metadata
    (["fe80::1%eth0"], "link_local"),
    (["::ffff:127.0.0.1"], "loopback"),  # an IPv4-mapped loopback
    (["100.64.0.1"], "not_public"),  # carrier-grade NAT
    (["0.0.0.0"], "unspecified"), (["240.0.0.1"], "reserved"),
    (["93.184.216.34", "10.0.0.5"], "private"),  # one bad address refuses the host
    ([], "unresolvable"),
])
def test_host_verdict(addresses: list[str], verdict: str | None) -> None:
    assert host_verdict(addresses) == verdict


def test_the_hosts_to_resolve() -> None:
    document = plumber()
    document["integrations"].append({"id": "zap", "type": "webhook", "url": "https://Hooks.Zap.example:8443/x"})
    assert webhook_hosts(document) == {"hooks.example", "hooks.zap.example"}
