"""The SSRF guard and streamed downloads, against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import hashlib
import ipaddress
import socket
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from gesso.models import downloads
from gesso.models.downloads import DownloadCanceled, DownloadFailed, DownloadRefused, check_url, download
from tests.model_files import local_server, serve_bytes, serve_ranges, serve_redirect, serve_slowly

BODY = bytes(range(256)) * 40  # 10 KiB
BODY_SHA = hashlib.sha256(BODY).hexdigest()

REFUSED = {
    "http://127.0.0.1/m.safetensors": "loopback",
    "http://127.8.9.10:8080/m": "loopback",
    "http://[::1]/m": "loopback",
    "http://localhost/m": "loopback",
    "http://2130706433/m": "loopback",  # 127.0.0.1 written as one number
    "http://10.1.2.3/m": "private",
    "http://192.168.0.10/m": "private",
    "http://172.16.5.4/m": "private",
    "http://[fd00::1]/m": "private",
    "http://169.254.169.254/latest/meta-data/": "link-local",
    "http://[fe80::1]/m": "link-local",
    "http://224.0.0.1/m": "multicast",
    "http://[ff02::1]/m": "multicast",
    "http://0.0.0.0/m": "unspecified",
    "http://[::]/m": "unspecified",
    "http://[::ffff:127.0.0.1]/m": "loopback",
    "http://[::ffff:10.0.0.1]/m": "private",
    "https://240.0.0.1/m": "address",  # reserved (Python also calls it private)
    "http://[64:ff9b::7f00:1]/m": "address",  # NAT64 of 127.0.0.1
}


def no_progress(received: int, total: int) -> None:
    pass


def fetch(url: str, folder: Path, *, allow_private: bool, **kwargs: Any) -> downloads.Downloaded:
    kwargs.setdefault("progress", no_progress)
    kwargs.setdefault("cancel", threading.Event())
    return download(url, folder, allow_private=allow_private, timeout=5.0, **kwargs)


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*")) if folder.exists() else []


# -- check_url -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("url", "kind"), REFUSED.items())
def test_guard_refuses_unsafe_address_by_default(url: str, kind: str) -> None:
    with pytest.raises(DownloadRefused) as caught:
        check_url(url, allow_private=False)
    assert kind in caught.value.detail and "allow_private_download_urls" in caught.value.detail


@pytest.mark.parametrize("url", REFUSED)
def test_guard_accepts_unsafe_address_when_private_allowed(url: str) -> None:
    check_url(url, allow_private=True)


@pytest.mark.parametrize("url", ["http://93.184.216.34/m.safetensors", "https://[2606:4700::1111]/m"])
def test_guard_accepts_public_address(url: str) -> None:
    check_url(url, allow_private=False)


@pytest.mark.parametrize("url", ["http://100.100.100.200/latest/meta-data/", "http://100.64.0.1/"])
def test_guard_refuses_shared_address_space(url: str) -> None:
    with pytest.raises(DownloadRefused):
        check_url(url, allow_private=False)


@pytest.mark.parametrize("allow", [False, True])
@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.com/m", "gopher://x/", "m.safetensors"])
def test_guard_refuses_non_http_scheme_even_when_private_allowed(url: str, allow: bool) -> None:
    with pytest.raises(DownloadRefused, match="http"):
        check_url(url, allow_private=allow)


def test_guard_refuses_url_without_host() -> None:
    with pytest.raises(DownloadRefused, match="no host"):
        check_url("http:///m.safetensors", allow_private=True)


def test_guard_refuses_unresolvable_host() -> None:
    with pytest.raises(DownloadRefused, match="Cannot resolve"):
        check_url("http://does-not-exist.invalid/m", allow_private=False)


def test_guard_address_classifier_unwraps_ipv4_mapped_ipv6() -> None:
    assert downloads._refusal(ipaddress.ip_address("::ffff:169.254.169.254")) == "link-local"
    assert downloads._refusal(ipaddress.ip_address("8.8.8.8")) is None


# -- download() against a local server ---------------------------------------------------------------------


def test_download_from_loopback_is_refused_by_default(tmp_path: Path) -> None:
    with local_server({"/m.safetensors": serve_bytes(BODY)}) as server:
        with pytest.raises(DownloadRefused, match="loopback"):
            fetch(server.url("/m.safetensors"), tmp_path / "dl", allow_private=False)
        assert server.requests == []
    assert leftovers(tmp_path / "dl") == []


def test_download_from_loopback_works_when_private_allowed(tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []
    with local_server({"/m.safetensors": serve_bytes(BODY)}) as server:
        result = fetch(
            server.url("/m.safetensors"),
            tmp_path,
            allow_private=True,
            progress=lambda r, t: calls.append((r, t)),
        )
    assert result.path == tmp_path / "m.safetensors" and result.path.read_bytes() == BODY
    assert (result.size, result.sha256) == (len(BODY), BODY_SHA)
    assert calls and calls[-1] == (len(BODY), len(BODY))
    assert all(total == len(BODY) for _, total in calls)
    assert leftovers(tmp_path) == ["m.safetensors"]


def test_download_with_matching_sha256_works(tmp_path: Path) -> None:
    with local_server({"/m.safetensors": serve_bytes(BODY)}) as server:
        result = fetch(
            server.url("/m.safetensors"), tmp_path, allow_private=True, expected_sha256=BODY_SHA.upper()
        )
    assert result.sha256 == BODY_SHA


def test_download_follows_redirect_chain_when_private_allowed(tmp_path: Path) -> None:
    routes = {"/a": serve_redirect("/b", 301), "/b": serve_redirect("/files/m.safetensors", 307)}
    routes["/files/m.safetensors"] = serve_bytes(BODY)
    with local_server(routes) as server:
        result = fetch(server.url("/a"), tmp_path, allow_private=True)
        assert server.requests == ["/a", "/b", "/files/m.safetensors"]
    assert result.path.name == "m.safetensors" and result.path.read_bytes() == BODY


def test_download_redirect_to_loopback_is_refused_on_the_redirect(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """127.0.0.1 stands in for a public host; its redirect to 127.0.0.2 must be checked and refused."""
    real = downloads._refusal

    def public_127_0_0_1(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
        return None if str(address) == "127.0.0.1" else real(address)

    monkeypatch.setattr(downloads, "_refusal", public_127_0_0_1)
    with local_server({"/m": serve_bytes(BODY)}, host="127.0.0.2") as inner:
        with local_server({"/start": serve_redirect(inner.url("/m"))}) as outer:
            with pytest.raises(DownloadRefused, match=r"127\.0\.0\.2.*loopback"):
                fetch(outer.url("/start"), tmp_path, allow_private=False)
            assert outer.requests == ["/start"]
        assert inner.requests == []
    assert leftovers(tmp_path) == []


def test_download_dns_rebinding_at_connect_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The name resolves to a public address when checked, then to 127.0.0.1 when connecting."""
    answers = iter(["93.184.216.34", "127.0.0.1"])
    real = socket.getaddrinfo

    def rebinding(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host == "rebind.test":
            address = next(answers, "127.0.0.1")
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    with local_server({"/m": serve_bytes(BODY)}) as server:
        with pytest.raises(DownloadRefused, match="loopback"):
            fetch(f"http://rebind.test:{server.port}/m", tmp_path, allow_private=False)
        assert server.requests == []


def test_download_too_many_redirects_fails(tmp_path: Path) -> None:
    with (
        local_server({"/loop": serve_redirect("/loop")}) as server,
        pytest.raises(DownloadFailed, match="redir"),
    ):
        fetch(server.url("/loop"), tmp_path, allow_private=True)


def test_download_http_error_status_fails(tmp_path: Path) -> None:
    with local_server({}) as server, pytest.raises(DownloadFailed, match="404"):
        fetch(server.url("/missing.safetensors"), tmp_path, allow_private=True)
    assert leftovers(tmp_path) == []


def test_download_sha256_mismatch_fails_and_leaves_no_file(tmp_path: Path) -> None:
    with (
        local_server({"/m.safetensors": serve_bytes(BODY)}) as server,
        pytest.raises(DownloadFailed, match="SHA"),
    ):
        fetch(server.url("/m.safetensors"), tmp_path, allow_private=True, expected_sha256="0" * 64)
    assert leftovers(tmp_path) == []


def test_download_server_closing_early_leaves_no_partial_file(tmp_path: Path) -> None:
    truncated = local_server({"/m.safetensors": serve_bytes(BODY, content_length=len(BODY) * 3)})
    with truncated as server, pytest.raises(Exception, match=r"(?i)complete"):
        fetch(server.url("/m.safetensors"), tmp_path, allow_private=True)
    assert leftovers(tmp_path) == []


def test_download_server_closing_early_fails_as_incomplete(tmp_path: Path) -> None:
    truncated = local_server({"/m.safetensors": serve_bytes(BODY, content_length=len(BODY) * 3)})
    with truncated as server, pytest.raises(DownloadFailed, match="incomplete"):
        fetch(server.url("/m.safetensors"), tmp_path, allow_private=True)


def test_download_halted_keeps_its_part_and_the_next_download_continues_it(tmp_path: Path) -> None:
    cancel = threading.Event()
    big = bytes(range(256)) * (3 * downloads.CHUNK_BYTES // 256)
    ranges: list[str] = []

    def progress(received: int, total: int) -> None:
        cancel.set()

    with local_server({"/m.safetensors": serve_ranges(big, ranges)}) as server:
        with pytest.raises(DownloadCanceled):
            fetch(
                server.url("/m.safetensors"), tmp_path, allow_private=True, progress=progress, cancel=cancel
            )
        assert leftovers(tmp_path) == ["m.safetensors.part"]
        kept = (tmp_path / "m.safetensors.part").stat().st_size
        assert 0 < kept < len(big)
        result = fetch(server.url("/m.safetensors"), tmp_path, allow_private=True)
    assert ranges == ["", f"bytes={kept}-"]
    assert result.path.read_bytes() == big and result.sha256 == hashlib.sha256(big).hexdigest()
    assert leftovers(tmp_path) == ["m.safetensors"]


def test_download_larger_than_the_free_disk_space_is_refused_before_the_first_byte(tmp_path: Path) -> None:
    def respond(handler: Any) -> None:
        handler.send_response(200)
        handler.send_header("Content-Length", str(2**60))
        handler.end_headers()
        handler.wfile.write(BODY)

    huge = local_server({"/huge.safetensors": respond})
    with huge as server, pytest.raises(DownloadFailed, match="Not enough free disk space"):
        fetch(server.url("/huge.safetensors"), tmp_path, allow_private=True)
    assert leftovers(tmp_path) == []


def test_download_cancel_during_slow_transfer_stops_within_a_second(tmp_path: Path) -> None:
    cancel, stop = threading.Event(), threading.Event()
    threading.Timer(0.3, cancel.set).start()
    started = time.monotonic()
    try:
        with local_server({"/m": serve_slowly(10_000_000, 4096, 0.05, stop)}) as server:
            threading.Timer(3.0, stop.set).start()  # bounds the test when cancel is ignored
            with pytest.raises(DownloadCanceled):
                fetch(server.url("/m"), tmp_path, allow_private=True, cancel=cancel)
    finally:
        stop.set()
    assert time.monotonic() - started < 1.5
    assert leftovers(tmp_path) in ([], ["m.part"])  # a halted download keeps what it has


def test_download_filename_from_content_disposition_cannot_escape_the_folder(tmp_path: Path) -> None:
    def respond(handler: Any) -> None:
        handler.send_response(200)
        handler.send_header("Content-Disposition", 'attachment; filename="../../evil.safetensors"')
        handler.send_header("Content-Length", str(len(BODY)))
        handler.end_headers()
        handler.wfile.write(BODY)

    with local_server({"/dl": respond}) as server:
        result = fetch(server.url("/dl"), tmp_path / "inside", allow_private=True)
    assert result.path == tmp_path / "inside" / "evil.safetensors"
    assert not (tmp_path / "evil.safetensors").exists()
