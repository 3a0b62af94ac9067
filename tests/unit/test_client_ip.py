"""Which address counts as the client when forwarding headers arrive."""

from __future__ import annotations

import pytest

from gesso.api.client_ip import TrustedProxies


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("198.51.100.7", "198.51.100.7"),
        ("198.51.100.7, 10.0.0.5", "198.51.100.7"),  # 10.0.0.5 is one of our proxies
        ("6.6.6.6, 198.51.100.7, 10.0.0.5", "198.51.100.7"),  # the client cannot prepend itself away
        ("10.0.0.9, 10.0.0.5", "10.0.0.9"),  # every hop a proxy: the first one
        ("garbage, 10.0.0.5", "10.0.0.1"),  # unparsable hop: the peer itself
        ("", "10.0.0.1"),
        ("[2001:db8::1]", "2001:db8::1"),
    ],
)
def test_forwarded_client_is_the_rightmost_untrusted_hop(header: str, expected: str) -> None:
    trusted = TrustedProxies(["10.0.0.0/24"])
    assert trusted.forwarded_client(header, "10.0.0.1") == expected


def test_nothing_is_trusted_by_default() -> None:
    trusted = TrustedProxies([])
    assert not trusted and not trusted.trusts("127.0.0.1")


def test_ipv4_mapped_peers_match_ipv4_networks() -> None:
    assert TrustedProxies(["127.0.0.1"]).trusts("::ffff:127.0.0.1")
    assert not TrustedProxies(["127.0.0.1"]).trusts("example.org")
