"""Tests of the safe fetcher, against real local HTTP and HTTPS servers."""

from __future__ import annotations

import gzip
import socket
import time
import zlib
from typing import TYPE_CHECKING

import pytest

from parallax.ingest.fetch import (
    Fetcher,
    FetchError,
    FetchPolicy,
    is_blocked_address,
    parse_media_type,
    resolve_host,
)
from parallax.ingest.records import RefusalReason
from parallax.shared.config import Settings

if TYPE_CHECKING:
    from .conftest import LocalWebServer

ARTICLE = "<html><body><p>Le gouvernement a présenté mardi son projet de loi.</p></body></html>"


def _fetch_error(fetcher: Fetcher, url: str) -> FetchError:
    with pytest.raises(FetchError) as caught:
        fetcher.fetch(url)
    return caught.value


# Addresses -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",  # cloud metadata services live here
        "100.64.0.1",  # carrier-grade NAT
        "0.0.0.0",
        "224.0.0.1",
        "240.0.0.1",
        "255.255.255.255",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "fec0::1",
        "ff02::1",
        "::ffff:127.0.0.1",  # IPv4-mapped
        "::ffff:10.0.0.1",
        "2002:7f00:1::",  # 6to4 around 127.0.0.1
        "2002:a9fe:a9fe::",  # 6to4 around 169.254.169.254
        "64:ff9b::a00:1",  # NAT64 around 10.0.0.1
    ],
)
def test_non_public_addresses_are_blocked(address: str) -> None:
    assert is_blocked_address(address)


@pytest.mark.parametrize(
    "address", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8", "2002:808:808::"]
)
def test_public_addresses_are_not_blocked(address: str) -> None:
    assert not is_blocked_address(address)


def test_loopback_is_refused_by_default_and_nothing_is_sent(web_server: LocalWebServer) -> None:
    web_server.add("/article", ARTICLE)
    fetcher = Fetcher(FetchPolicy.from_settings(Settings(_env_file=None)))

    error = _fetch_error(fetcher, web_server.url("/article"))

    assert error.reason is RefusalReason.BLOCKED_ADDRESS
    assert error.url == web_server.url("/article")
    assert "127.0.0.1" in str(error)
    assert "loopback" in str(error)
    assert "PARALLAX_FETCH_ALLOW_PRIVATE_ADDRESSES" in str(error)
    assert web_server.requests == []


def test_host_names_are_checked_after_resolution(web_server: LocalWebServer) -> None:
    web_server.add("/article", ARTICLE)
    fetcher = Fetcher(FetchPolicy())

    error = _fetch_error(fetcher, web_server.url("/article", host="localhost"))

    assert error.reason is RefusalReason.BLOCKED_ADDRESS
    assert web_server.requests == []


def test_private_addresses_can_be_allowed(web_server: LocalWebServer, local_fetcher: Fetcher) -> None:
    web_server.add("/article", ARTICLE)

    document = local_fetcher.fetch(web_server.url("/article"))

    assert document.status == 200
    assert document.body.decode("utf-8") == ARTICLE
    assert document.content_type == "text/html"
    assert document.charset == "utf-8"
    assert document.final_url == document.requested_url == web_server.url("/article")


def test_allowed_networks_open_only_those_networks(web_server: LocalWebServer) -> None:
    web_server.add("/article", ARTICLE)
    fetcher = Fetcher(FetchPolicy(allowed_networks=("127.0.0.1/32",)))

    assert fetcher.fetch(web_server.url("/article")).status == 200
    assert is_blocked_address("127.0.0.2")
    with pytest.raises(ValueError, match="not an IP network"):
        FetchPolicy(allowed_networks=("intranet",))


def test_connection_goes_to_the_resolved_address_with_the_original_host(web_server: LocalWebServer) -> None:
    # The host name is resolved once, by the fetcher; urllib3 gets the address itself, so
    # a second DNS answer (DNS rebinding) cannot redirect the connection.
    answers = iter([["127.0.0.1"], ["10.0.0.1"]])
    web_server.add("/article", ARTICLE)
    fetcher = Fetcher(
        FetchPolicy(allowed_networks=("127.0.0.0/8",)), resolver=lambda _host, _port: next(answers)
    )

    document = fetcher.fetch(web_server.url("/article", host="news.test"))

    assert document.status == 200
    assert web_server.requests[0].headers["host"] == f"news.test:{web_server.port}"


def test_localhost_falls_back_to_the_address_that_answers(web_server: LocalWebServer) -> None:
    # "localhost" often resolves to ::1 first; the server listens on 127.0.0.1 only.
    web_server.add("/article", ARTICLE)
    fetcher = Fetcher(FetchPolicy(allow_private_addresses=True), resolver=lambda _h, _p: ["::1", "127.0.0.1"])

    assert fetcher.fetch(web_server.url("/article", host="localhost")).status == 200


def test_resolve_host_uses_the_system_resolver() -> None:
    assert "127.0.0.1" in resolve_host("localhost", 80) or "::1" in resolve_host("localhost", 80)


# URLs ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://example.com/feed.xml",
        "javascript:alert(1)",
        "gopher://127.0.0.1:6379/_INFO",
        "example.com/article",
        "http://",
        "http:///path-only",
        "http://example.com:99999/",
        "http://[::1/",
    ],
)
def test_only_absolute_http_urls_are_fetched(url: str, local_fetcher: Fetcher) -> None:
    error = _fetch_error(local_fetcher, url)

    assert error.reason is RefusalReason.INVALID_URL
    assert "https://" in str(error)  # says what a good address looks like


def test_unknown_host_is_unreachable(local_fetcher: Fetcher) -> None:
    error = _fetch_error(local_fetcher, "http://no-such-host.invalid/article")

    assert error.reason is RefusalReason.UNREACHABLE
    assert error.transient


def test_refused_connection_is_unreachable(local_fetcher: Fetcher) -> None:
    with socket.socket() as probe:  # a port that was free a moment ago, with nothing listening
        probe.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{probe.getsockname()[1]}/article"

    error = _fetch_error(local_fetcher, url)

    assert error.reason is RefusalReason.UNREACHABLE
    assert "could not connect" in str(error)


def test_paths_and_queries_are_sent_percent_encoded(
    web_server: LocalWebServer, local_fetcher: Fetcher
) -> None:
    web_server.add("/actualité/grève", ARTICLE)
    web_server.add("/actualit%C3%A9/gr%C3%A8ve", ARTICLE)

    local_fetcher.fetch(web_server.url("/actualité/grève?q=réforme des retraites#section"))

    assert web_server.requests[0].path == "/actualit%C3%A9/gr%C3%A8ve?q=r%C3%A9forme%20des%20retraites"


# Status codes and redirects ------------------------------------------------------------------


def test_404_is_an_http_error(web_server: LocalWebServer, local_fetcher: Fetcher) -> None:
    error = _fetch_error(local_fetcher, web_server.url("/missing"))

    assert error.reason is RefusalReason.HTTP_ERROR
    assert error.status == 404
    assert "404 Not Found" in str(error)
    assert not error.transient


def test_503_is_a_transient_http_error(web_server: LocalWebServer, local_fetcher: Fetcher) -> None:
    web_server.add("/busy", "busy", status=503)

    error = _fetch_error(local_fetcher, web_server.url("/busy"))

    assert (error.reason, error.status, error.transient) == (RefusalReason.HTTP_ERROR, 503, True)
    assert "try again later" in str(error)


def test_redirects_are_followed_up_to_the_limit(web_server: LocalWebServer, local_fetcher: Fetcher) -> None:
    web_server.redirect("/r1", "/r2", status=301)
    web_server.redirect("/r2", web_server.url("/r3"), status=307)
    web_server.redirect("/r3", "article?from=r3", status=308)
    web_server.add("/article", ARTICLE)

    document = local_fetcher.fetch(web_server.url("/r1"))  # 3 redirects, the limit

    assert document.status == 200
    assert document.requested_url == web_server.url("/r1")
    assert document.final_url == web_server.url("/article?from=r3")


def test_a_longer_redirect_chain_is_refused(web_server: LocalWebServer, local_fetcher: Fetcher) -> None:
    for hop in range(5):
        web_server.redirect(f"/r{hop}", f"/r{hop + 1}")
    web_server.add("/r5", ARTICLE)

    error = _fetch_error(local_fetcher, web_server.url("/r0"))

    assert error.reason is RefusalReason.TOO_MANY_REDIRECTS
    assert error.url == web_server.url("/r0")
    assert len(web_server.requests) == 4  # the first request and the three redirects allowed


def test_a_redirect_loop_is_refused(web_server: LocalWebServer, local_fetcher: Fetcher) -> None:
    web_server.redirect("/a", "/b")
    web_server.redirect("/b", "/a")

    assert _fetch_error(local_fetcher, web_server.url("/a")).reason is RefusalReason.TOO_MANY_REDIRECTS


@pytest.mark.parametrize(
    "target",
    ["http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/admin", "http://[::1]:{port}/article"],
)
def test_a_redirect_to_a_private_address_is_refused(web_server: LocalWebServer, target: str) -> None:
    # The first hop is allowed (only 127.0.0.1 is opened), every later hop is checked again.
    web_server.redirect("/go", target.format(port=web_server.port))
    fetcher = Fetcher(FetchPolicy(allowed_networks=("127.0.0.1/32",)))

    error = _fetch_error(fetcher, web_server.url("/go"))

    assert error.reason is RefusalReason.BLOCKED_ADDRESS
    assert error.url == web_server.url("/go")
    assert str(error).startswith(f"following the redirects of {web_server.url('/go')}: ")
    assert len(web_server.requests) == 1


def test_a_redirect_to_another_scheme_is_refused(web_server: LocalWebServer, local_fetcher: Fetcher) -> None:
    web_server.redirect("/go", "file:///etc/passwd")

    error = _fetch_error(local_fetcher, web_server.url("/go"))

    assert error.reason is RefusalReason.INVALID_URL
    assert "redirects to 'file:///etc/passwd'" in str(error)


# Size, time and encodings --------------------------------------------------------------------


def test_a_declared_size_over_the_limit_is_refused_before_reading(
    web_server: LocalWebServer, local_fetcher: Fetcher
) -> None:
    web_server.add("/big", b"x" * 300_000)

    error = _fetch_error(local_fetcher, web_server.url("/big"))

    assert error.reason is RefusalReason.TOO_LARGE
    assert "300,000 bytes" in str(error)
    assert "PARALLAX_FETCH_MAX_BYTES" in str(error)


def test_an_undeclared_size_over_the_limit_is_refused_while_reading(
    web_server: LocalWebServer, local_fetcher: Fetcher
) -> None:
    web_server.add("/big", b"x" * 300_000, content_length=False)

    assert _fetch_error(local_fetcher, web_server.url("/big")).reason is RefusalReason.TOO_LARGE


def test_a_body_without_length_within_the_limit_is_read_whole(
    web_server: LocalWebServer, local_fetcher: Fetcher
) -> None:
    web_server.add("/page", b"y" * 150_000, content_length=False)

    assert local_fetcher.fetch(web_server.url("/page")).body == b"y" * 150_000


def test_gzip_and_deflate_bodies_are_decompressed(web_server: LocalWebServer, local_fetcher: Fetcher) -> None:
    raw_deflate = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    web_server.add("/gzip", gzip.compress(ARTICLE.encode()), headers={"Content-Encoding": "gzip"})
    web_server.add("/zlib", zlib.compress(ARTICLE.encode()), headers={"Content-Encoding": "deflate"})
    web_server.add(
        "/raw",
        raw_deflate.compress(ARTICLE.encode()) + raw_deflate.flush(),
        headers={"Content-Encoding": "deflate"},
    )

    for path in ("/gzip", "/zlib", "/raw"):
        assert local_fetcher.fetch(web_server.url(path)).body.decode() == ARTICLE, path
    assert web_server.requests[0].headers["accept-encoding"] == "gzip, deflate"


def test_a_compression_bomb_is_refused(web_server: LocalWebServer, local_fetcher: Fetcher) -> None:
    bomb = gzip.compress(b"\0" * 5_000_000)  # about 5 KB that decompress to 5 MB
    web_server.add("/bomb", bomb, headers={"Content-Encoding": "gzip"})

    error = _fetch_error(local_fetcher, web_server.url("/bomb"))

    assert error.reason is RefusalReason.TOO_LARGE
    assert "decompresses" in str(error)


def test_a_corrupt_compressed_body_is_reported(web_server: LocalWebServer, local_fetcher: Fetcher) -> None:
    web_server.add("/broken", b"not gzip at all", headers={"Content-Encoding": "gzip"})

    error = _fetch_error(local_fetcher, web_server.url("/broken"))

    assert error.reason is RefusalReason.UNREACHABLE
    assert "corrupt" in str(error)


def test_an_unrequested_encoding_is_refused(web_server: LocalWebServer, local_fetcher: Fetcher) -> None:
    web_server.add("/br", b"\x1b\x00", headers={"Content-Encoding": "br"})

    assert _fetch_error(local_fetcher, web_server.url("/br")).reason is RefusalReason.UNSUPPORTED_CONTENT_TYPE


def test_a_server_that_does_not_answer_times_out(web_server: LocalWebServer) -> None:
    web_server.add("/slow", ARTICLE, delay=5)
    fetcher = Fetcher(FetchPolicy(timeout_seconds=0.5, allow_private_addresses=True))

    started = time.monotonic()
    error = _fetch_error(fetcher, web_server.url("/slow"))

    assert time.monotonic() - started < 2
    assert error.reason is RefusalReason.UNREACHABLE
    assert "did not answer in time" in str(error)
    assert error.transient


def test_a_server_that_trickles_is_cut_off_at_the_deadline(web_server: LocalWebServer) -> None:
    # Each byte arrives well within the read timeout, but the whole body would take 20 s.
    web_server.add("/trickle", b"x" * 200, trickle=0.1)
    fetcher = Fetcher(FetchPolicy(timeout_seconds=0.3, allow_private_addresses=True))

    started = time.monotonic()
    error = _fetch_error(fetcher, web_server.url("/trickle"))

    assert error.reason is RefusalReason.UNREACHABLE
    assert "too slow" in str(error)
    assert time.monotonic() - started < 2


# Headers and conditional requests ------------------------------------------------------------


def test_headers_sent(web_server: LocalWebServer, local_fetcher: Fetcher, fetch_settings: Settings) -> None:
    web_server.add("/article", ARTICLE)

    local_fetcher.fetch(web_server.url("/article"), accept="application/rss+xml")

    headers = web_server.requests[0].headers
    assert headers["user-agent"] == fetch_settings.fetch_user_agent
    assert headers["accept"] == "application/rss+xml"
    assert headers["host"] == f"127.0.0.1:{web_server.port}"
    assert "if-none-match" not in headers


def test_conditional_get_gives_not_modified(web_server: LocalWebServer, local_fetcher: Fetcher) -> None:
    modified = "Tue, 05 Mar 2024 13:30:00 GMT"
    web_server.add(
        "/feed",
        "<rss/>",
        content_type="application/rss+xml",
        etag='"v1"',
        headers={"Last-Modified": modified},
    )

    first = local_fetcher.fetch(web_server.url("/feed"))
    second = local_fetcher.fetch(web_server.url("/feed"), etag=first.etag, last_modified=first.last_modified)

    assert (first.status, first.not_modified, first.body) == (200, False, b"<rss/>")
    assert (first.etag, first.last_modified) == ('"v1"', modified)
    assert (second.status, second.not_modified, second.body) == (304, True, b"")
    assert second.etag == '"v1"'
    assert web_server.requests[1].headers["if-none-match"] == '"v1"'
    assert web_server.requests[1].headers["if-modified-since"] == modified


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ('Text/HTML; charset="ISO-8859-1"', ("text/html", "ISO-8859-1")),
        ("application/rss+xml", ("application/rss+xml", None)),
        ("text/html; boundary=x; Charset=utf-8", ("text/html", "utf-8")),
        ("", (None, None)),
        (None, (None, None)),
    ],
)
def test_parse_media_type(header: str | None, expected: tuple[str | None, str | None]) -> None:
    assert parse_media_type(header) == expected


# HTTPS ---------------------------------------------------------------------------------------


def test_https_with_a_trusted_certificate(tls_web_server: LocalWebServer, tls_ca_file: str) -> None:
    tls_web_server.add("/article", ARTICLE)
    fetcher = Fetcher(FetchPolicy(allow_private_addresses=True, ca_certs=tls_ca_file))

    # The connection goes to 127.0.0.1, but SNI and the certificate check use the host name.
    document = fetcher.fetch(tls_web_server.url("/article", host="localhost"))

    assert document.body.decode() == ARTICLE
    assert "localhost" in tls_web_server.server_names
    assert tls_web_server.requests[0].headers["host"] == f"localhost:{tls_web_server.port}"


def test_https_pins_the_address_and_verifies_the_name(
    tls_web_server: LocalWebServer, tls_ca_file: str
) -> None:
    tls_web_server.add("/article", ARTICLE)
    policy = FetchPolicy(allow_private_addresses=True, ca_certs=tls_ca_file)

    document = Fetcher(policy, resolver=lambda _host, _port: ["127.0.0.1"]).fetch(
        tls_web_server.url("/article", host="news.test")
    )

    assert document.status == 200
    assert tls_web_server.server_names == ["news.test"]


def test_https_refuses_a_certificate_for_another_name(
    tls_web_server: LocalWebServer, tls_ca_file: str
) -> None:
    tls_web_server.add("/article", ARTICLE)
    fetcher = Fetcher(
        FetchPolicy(allow_private_addresses=True, ca_certs=tls_ca_file),
        resolver=lambda _host, _port: ["127.0.0.1"],
    )

    error = _fetch_error(fetcher, tls_web_server.url("/article", host="other.test"))

    assert error.reason is RefusalReason.UNREACHABLE
    assert "certificate" in str(error)
    assert tls_web_server.requests == []


def test_https_refuses_an_untrusted_certificate(tls_web_server: LocalWebServer) -> None:
    tls_web_server.add("/article", ARTICLE)
    fetcher = Fetcher(FetchPolicy(allow_private_addresses=True))  # certifi's CAs only

    error = _fetch_error(fetcher, tls_web_server.url("/article", host="localhost"))

    assert error.reason is RefusalReason.UNREACHABLE
    assert "certificate" in str(error)
