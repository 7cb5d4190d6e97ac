"""Fetch one URL safely: http(s) only, public addresses only, bounded in time, size and redirects.

Parallax fetches URLs that users and feeds hand it, so every fetch assumes the URL may be
hostile. `Fetcher.fetch` takes these steps for the URL and again for every redirect hop:

1. Parse the URL; only `http` and `https` with a host are accepted (`INVALID_URL`).
2. Resolve the host with `socket.getaddrinfo`; refuse it if any address is loopback, private,
   link-local, multicast, reserved or otherwise not public (`BLOCKED_ADDRESS`), unless the
   policy allows private addresses (all of them, or the networks it lists).
3. Connect to the resolved address itself (pinned, so a second DNS answer cannot swap it for
   an internal one) while sending the URL's host in the `Host` header and, for HTTPS, in SNI
   and certificate verification.
4. Follow redirects by hand, at most `max_redirects` (`TOO_MANY_REDIRECTS`).
5. Refuse status >= 400 (`HTTP_ERROR`); stream the body, decompress gzip/deflate ourselves and
   stop past `max_bytes` of either the raw or the decoded body (`TOO_LARGE`).

Connection failures, TLS failures and timeouts are `UNREACHABLE`. Every failure is a
`FetchError` carrying a `RefusalReason`, so readers can turn it into a `Refusal` directly.
"""

from __future__ import annotations

import http
import ipaddress
import socket
import time
import urllib.parse
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import urllib3
from urllib3.exceptions import ConnectTimeoutError, HTTPError, NewConnectionError, SSLError
from urllib3.exceptions import TimeoutError as Urllib3TimeoutError

from parallax.ingest.records import RefusalReason
from parallax.shared.config import Settings

DEFAULT_ACCEPT = (
    "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,"
    "application/xml;q=0.9,text/xml;q=0.9,application/pdf;q=0.8,text/plain;q=0.8,*/*;q=0.5"
)
"""The `Accept` header sent unless the caller asks for something else."""

Resolver = Callable[[str, int], Sequence[str]]
"""Turns a host name and port into IP address strings (the default uses `socket.getaddrinfo`)."""

_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_CHUNK_BYTES = 64 * 1024
# The connect/read timeout bounds each wait; a server that trickles one byte per wait could still
# hold a fetch for ever, so the whole fetch (all hops, whole body) gets this many timeouts at most.
_DEADLINE_TIMEOUTS = 4
# NAT64 (RFC 6052) embeds an IPv4 address in the last 32 bits; it reaches whatever that address is.
_NAT64_PREFIX = ipaddress.IPv6Network("64:ff9b::/96")


class FetchError(Exception):
    """A fetch that failed: why (`reason`), for which URL, and what to do about it (the message)."""

    def __init__(self, message: str, *, reason: RefusalReason, url: str, status: int | None = None) -> None:
        super().__init__(message)
        self.reason = reason
        self.url = url
        self.status = status

    @property
    def message(self) -> str:
        """The message: what went wrong and what to do."""
        return str(self)

    @property
    def transient(self) -> bool:
        """Whether trying again later may succeed (network trouble, 429, 5xx)."""
        if self.reason is RefusalReason.UNREACHABLE:
            return True
        return self.status is not None and (self.status == 429 or self.status >= 500)


@dataclass(frozen=True)
class FetchPolicy:
    """The limits every fetch obeys; `from_settings` builds it from the `fetch_*` settings."""

    timeout_seconds: float = 15.0
    max_bytes: int = 10_000_000
    max_redirects: int = 5
    allow_private_addresses: bool = False
    user_agent: str = "Parallax/0.1 (news framing comparison)"
    ca_certs: str | None = None
    """A PEM file of trusted CAs; None means certifi's bundle (or the system's if certifi is absent)."""
    allowed_networks: tuple[str, ...] = ()
    """Non-public networks fetched all the same ("10.1.2.0/24" for an intranet archive), when
    allowing every private address would be too much."""

    def __post_init__(self) -> None:
        for network in self.allowed_networks:
            try:
                ipaddress.ip_network(network, strict=False)
            except ValueError as error:
                raise ValueError(
                    f"allowed network {network!r} is not an IP network ({error}); "
                    "write it like 10.1.2.0/24 or fd00::/8"
                ) from error

    def allows(self, address: str) -> bool:
        """Whether the policy lets a fetch connect to `address`."""
        if self.allow_private_addresses:
            return True
        ip = ipaddress.ip_address(address)
        if any(ip in ipaddress.ip_network(network, strict=False) for network in self.allowed_networks):
            return True
        return _address_problem(ip) is None

    @classmethod
    def from_settings(cls, settings: Settings, *, ca_certs: str | None = None) -> FetchPolicy:
        """The policy the settings describe (`ca_certs` overrides `fetch_ca_certs`)."""
        return cls(
            timeout_seconds=settings.fetch_timeout_seconds,
            max_bytes=settings.fetch_max_bytes,
            max_redirects=settings.fetch_max_redirects,
            allow_private_addresses=settings.fetch_allow_private_addresses,
            user_agent=settings.fetch_user_agent,
            ca_certs=ca_certs or settings.fetch_ca_certs,
            allowed_networks=tuple(settings.fetch_allowed_networks),
        )

    @property
    def deadline_seconds(self) -> float:
        """The longest a whole fetch (every redirect hop and the whole body) may take."""
        return self.timeout_seconds * _DEADLINE_TIMEOUTS


@dataclass(frozen=True)
class FetchedDocument:
    """A successful response: where it ended up, what it says it is, and the (decoded) body."""

    requested_url: str
    final_url: str
    status: int
    content_type: str | None
    charset: str | None
    body: bytes
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False


@dataclass(frozen=True)
class _Target:
    """A URL taken apart into what the connection needs."""

    url: str
    scheme: str
    host: str  # ASCII (IDNA-encoded), without IPv6 brackets
    port: int
    host_header: str
    request_target: str  # path and query, percent-encoded


def parse_media_type(content_type: str | None) -> tuple[str | None, str | None]:
    """Split a `Content-Type` value into (lowercased media type, charset); None for what is missing.

    `parse_media_type('Text/HTML; charset="UTF-8"')` is `("text/html", "UTF-8")`.
    """
    if not content_type:
        return None, None
    media_type, *params = content_type.split(";")
    charset = None
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip("\"'") or None
    return (media_type.strip().lower() or None), charset


def is_blocked_address(address: str) -> bool:
    """Whether an IP address is not a public internet address (loopback, private, link-local …).

    IPv6 forms that embed an IPv4 address (IPv4-mapped, 6to4, NAT64) are judged by that address.
    """
    return _address_problem(ipaddress.ip_address(address)) is not None


def resolve_host(host: str, port: int) -> list[str]:
    """The addresses `socket.getaddrinfo` gives for a TCP connection to host:port, in its order."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    addresses: list[str] = []
    for _family, _type, _proto, _canonname, sockaddr in infos:
        address = str(sockaddr[0])
        if address not in addresses:
            addresses.append(address)
    return addresses


class Fetcher:
    """Fetches URLs under one `FetchPolicy`. Holds no connections between fetches."""

    def __init__(self, policy: FetchPolicy, *, resolver: Resolver = resolve_host) -> None:
        self.policy = policy
        self._resolver = resolver

    def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str = DEFAULT_ACCEPT,
    ) -> FetchedDocument:
        """GET `url` under the policy, following redirects; raise `FetchError` when it cannot.

        `etag` and `last_modified` (from an earlier fetch) make the request conditional: an
        unchanged resource comes back with `not_modified=True` and an empty body.
        """
        deadline = time.monotonic() + self.policy.deadline_seconds
        headers = {
            "User-Agent": self.policy.user_agent,
            "Accept": accept,
            "Accept-Encoding": "gzip, deflate",
        }
        # The validators come from the final response of an earlier fetch, so they are sent on
        # every hop: the hop that reaches that same resource is the one that can answer 304.
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        current = url
        for hop in range(self.policy.max_redirects + 1):
            try:
                document_or_location = self._fetch_hop(url, current, hop, headers, deadline)
            except FetchError as error:
                if error.url == url:
                    raise
                # Name the address the user gave as well as the hop that failed.
                raise FetchError(
                    f"following the redirects of {url}: {error}",
                    reason=error.reason,
                    url=url,
                    status=error.status,
                ) from error
            if isinstance(document_or_location, FetchedDocument):
                return document_or_location
            current = document_or_location
        raise FetchError(
            f"{url} redirects more than {self.policy.max_redirects} times (last to {current}); "
            "open it in a browser to find where it really leads and use that address, or raise "
            "PARALLAX_FETCH_MAX_REDIRECTS",
            reason=RefusalReason.TOO_MANY_REDIRECTS,
            url=url,
        )

    def _fetch_hop(
        self, requested: str, current: str, hop: int, headers: dict[str, str], deadline: float
    ) -> FetchedDocument | str:
        """One request: the document, or the absolute URL a redirect points to."""
        target = _parse_target(current, requested=requested, via_redirect=hop > 0)
        addresses = self._allowed_addresses(target)
        pool, response = self._open(target, addresses, headers, deadline)
        try:
            location = response.headers.get("Location")
            if response.status in _REDIRECT_STATUSES and location:
                return urllib.parse.urljoin(target.url, location.strip())
            return self._document(requested, target, response, deadline)
        finally:
            # Closing (not releasing) also closes the body stream, which holds the socket open.
            response.close()
            pool.close()

    def _allowed_addresses(self, target: _Target) -> list[str]:
        """Resolve the target's host and refuse it if an address is not public (step 2)."""
        try:
            addresses = list(self._resolver(target.host, target.port))
        except (OSError, UnicodeError) as error:
            raise FetchError(
                f"cannot resolve the host name {target.host!r} of {target.url} ({error}); "
                "check the spelling of the address and the network connection",
                reason=RefusalReason.UNREACHABLE,
                url=target.url,
            ) from error
        if not addresses:
            raise FetchError(
                f"the host name {target.host!r} of {target.url} has no address; check the address",
                reason=RefusalReason.UNREACHABLE,
                url=target.url,
            )
        for address in addresses:
            if not self.policy.allows(address):
                problem = _address_problem(ipaddress.ip_address(address))
                raise FetchError(
                    f"{target.url} leads to {address}, {problem}; Parallax only fetches from "
                    "public internet addresses so that it cannot be turned against the network it "
                    "runs in. To fetch from a local or intranet server on purpose, set "
                    "PARALLAX_FETCH_ALLOW_PRIVATE_ADDRESSES=true",
                    reason=RefusalReason.BLOCKED_ADDRESS,
                    url=target.url,
                )
        return addresses

    def _open(
        self,
        target: _Target,
        addresses: Sequence[str],
        headers: dict[str, str],
        deadline: float,
    ) -> tuple[urllib3.HTTPConnectionPool, urllib3.BaseHTTPResponse]:
        """Send the request to the first address that accepts a connection (step 3)."""
        last_error: Exception | None = None
        for address in addresses:
            remaining = _remaining(deadline, target, self.policy.deadline_seconds)
            pool = self._pool(target, address, min(self.policy.timeout_seconds, remaining))
            try:
                response = pool.urlopen(
                    "GET",
                    target.request_target,
                    headers={**headers, "Host": target.host_header},
                    redirect=False,
                    retries=False,
                    preload_content=False,
                    decode_content=False,
                    assert_same_host=False,
                )
            except ConnectTimeoutError as error:  # includes NewConnectionError (refused, no route)
                # The host may have another address (often IPv4 besides IPv6) that works.
                pool.close()
                last_error = error
                continue
            except HTTPError as error:
                pool.close()
                raise _unreachable(target, error) from error
            return pool, response
        assert last_error is not None  # addresses is never empty here
        raise _unreachable(target, last_error) from last_error

    def _pool(self, target: _Target, address: str, timeout: float) -> urllib3.HTTPConnectionPool:
        """A one-connection pool to `address` that speaks to the target's host name."""
        timeouts = urllib3.Timeout(connect=timeout, read=timeout)
        if target.scheme == "http":
            return urllib3.HTTPConnectionPool(
                address, target.port, timeout=timeouts, maxsize=1, retries=False
            )
        return urllib3.HTTPSConnectionPool(
            address,
            target.port,
            timeout=timeouts,
            maxsize=1,
            retries=False,
            cert_reqs="CERT_REQUIRED",
            ca_certs=self.policy.ca_certs or _default_ca_bundle(),
            server_hostname=target.host,
            assert_hostname=target.host,
        )

    def _document(
        self, requested: str, target: _Target, response: urllib3.BaseHTTPResponse, deadline: float
    ) -> FetchedDocument:
        """Check the status, read the body and describe the result (step 5)."""
        if response.status >= 300 and response.status != 304:
            raise _http_error(target, response.status)
        content_type, charset = parse_media_type(response.headers.get("Content-Type"))
        not_modified = response.status == 304
        body = b"" if not_modified else self._read_body(target, response, deadline)
        return FetchedDocument(
            requested_url=requested,
            final_url=target.url,
            status=response.status,
            content_type=content_type,
            charset=charset,
            body=body,
            etag=response.headers.get("ETag"),
            last_modified=response.headers.get("Last-Modified"),
            not_modified=not_modified,
        )

    def _read_body(self, target: _Target, response: urllib3.BaseHTTPResponse, deadline: float) -> bytes:
        """Stream and decompress the body, refusing it as soon as it passes the size limit."""
        limit = self.policy.max_bytes
        declared = response.headers.get("Content-Length", "").strip()
        if declared.isdigit() and int(declared) > limit:
            raise _too_large(target, limit, f"it announces {int(declared):,} bytes")
        decoder = _BodyDecoder.for_encoding(response.headers.get("Content-Encoding"), target)
        parts: list[bytes] = []
        raw_size = size = 0
        try:
            while chunk := response.read1(_CHUNK_BYTES, decode_content=False):
                raw_size += len(chunk)
                if raw_size > limit:
                    raise _too_large(target, limit, "it sends more")
                # One byte over the limit is enough to know the body is too large.
                parts.append(decoder.decode(chunk, max_length=limit - size + 1))
                size += len(parts[-1])
                if size > limit:
                    raise _too_large(target, limit, "it decompresses to more")
                if time.monotonic() > deadline:  # the read timeout alone lets a trickle go on
                    raise _too_slow(target, self.policy.deadline_seconds)
            parts.append(decoder.finish())
        except (HTTPError, OSError) as error:
            raise _unreachable(target, error) from error
        except zlib.error as error:
            raise FetchError(
                f"{target.url} sent a corrupt compressed body ({error}); try again later or "
                "report it to the site",
                reason=RefusalReason.UNREACHABLE,
                url=target.url,
            ) from error
        if size + len(parts[-1]) > limit:
            raise _too_large(target, limit, "it decompresses to more")
        return b"".join(parts)


class _BodyDecoder:
    """Undoes one `Content-Encoding` with a bounded output, so a small bomb cannot fill memory."""

    def __init__(self, encoding: str) -> None:
        self._encoding = encoding
        self._started = False
        if encoding in {"gzip", "x-gzip"}:
            self._inflater: zlib._Decompress | None = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self._inflater = zlib.decompressobj(zlib.MAX_WBITS)
        else:
            self._inflater = None

    @classmethod
    def for_encoding(cls, header: str | None, target: _Target) -> _BodyDecoder:
        """The decoder for a `Content-Encoding` value; refuse encodings that were not asked for."""
        encoding = (header or "identity").strip().lower() or "identity"
        if encoding not in {"identity", "gzip", "x-gzip", "deflate"}:
            raise FetchError(
                f"{target.url} sent its content compressed as {encoding!r}, which Parallax did "
                "not ask for and cannot decode (it accepts gzip and deflate)",
                reason=RefusalReason.UNSUPPORTED_CONTENT_TYPE,
                url=target.url,
            )
        return cls(encoding)

    def decode(self, chunk: bytes, *, max_length: int) -> bytes:
        """Decode the next chunk, producing at most `max_length` bytes (more means too large)."""
        if self._inflater is None:
            return chunk
        first, self._started = not self._started, True
        try:
            return self._inflater.decompress(chunk, max_length)
        except zlib.error:
            if not (first and self._encoding == "deflate"):
                raise
            # Some servers send raw deflate data without the zlib header the standard asks for.
            self._inflater = zlib.decompressobj(-zlib.MAX_WBITS)
            return self._inflater.decompress(chunk, max_length)

    def finish(self) -> bytes:
        """Whatever the decompressor still holds once the body has ended (all input is consumed)."""
        return self._inflater.flush() if self._inflater is not None else b""


def _parse_target(url: str, *, requested: str, via_redirect: bool) -> _Target:
    """Take `url` apart (step 1); refuse what is not an absolute http(s) URL with a host."""
    where = f"{requested} redirects to {url!r}, which" if via_redirect else f"{url!r}"
    try:
        parts = urllib.parse.urlsplit(url.strip())
        scheme = parts.scheme.lower()
        hostname = parts.hostname
        port = parts.port
    except ValueError as error:
        raise _invalid_url(requested, f"{where} is not a valid URL ({error})") from error
    if scheme not in {"http", "https"}:
        shown = f"the scheme {scheme!r}" if scheme else "no scheme"
        raise _invalid_url(requested, f"{where} has {shown}; only http:// and https:// URLs are fetched")
    if not hostname:
        raise _invalid_url(requested, f"{where} has no host name")
    try:
        host = hostname.encode("idna").decode("ascii") if not hostname.isascii() else hostname
    except UnicodeError as error:
        raise _invalid_url(requested, f"{where} has a host name that is not valid ({error})") from error
    port = port or (443 if scheme == "https" else 80)
    shown_host = f"[{host}]" if ":" in host else host
    host_header = shown_host if port == (443 if scheme == "https" else 80) else f"{shown_host}:{port}"
    path = urllib.parse.quote(parts.path or "/", safe="/%:@!$&'()*+,;=-._~")
    query = urllib.parse.quote(parts.query, safe="/?%:@!$&'()*+,;=-._~")
    request_target = f"{path}?{query}" if query else path
    normalised = urllib.parse.urlunsplit((scheme, parts.netloc, parts.path or "/", parts.query, ""))
    return _Target(normalised, scheme, host, port, host_header, request_target)


def _address_problem(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """What makes an address off limits ("a loopback address" …), or None for a public address."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and address in _NAT64_PREFIX:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            problem = _address_problem(embedded)
            return f"which embeds {embedded}, {problem}" if problem else None
        if address.is_site_local:
            return "a site-local address"
    checks = (
        (address.is_unspecified, "an unspecified address"),
        (address.is_loopback, "a loopback address"),
        (address.is_link_local, "a link-local address"),
        (address.is_multicast, "a multicast address"),
        (address.is_private, "a private-network address"),
        (address.is_reserved, "a reserved address"),
        (not address.is_global, "not a public internet address"),
    )
    return next((problem for blocked, problem in checks if blocked), None)


def _default_ca_bundle() -> str | None:
    try:
        import certifi
    except ImportError:  # urllib3 then uses the system's trust store
        return None
    return certifi.where()


def _remaining(deadline: float, target: _Target, total_seconds: float) -> float:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise _too_slow(target, total_seconds)
    return remaining


def _too_slow(target: _Target, total_seconds: float) -> FetchError:
    return FetchError(
        f"{target.url} is too slow: fetching it took over {total_seconds:g} s in all (redirects "
        "and content included); try again later",
        reason=RefusalReason.UNREACHABLE,
        url=target.url,
    )


def _reason_of(error: NewConnectionError) -> str:
    # urllib3 words it as "<connection object>: Failed to establish a new connection: [Errno 111] …"
    return str(error).partition(": ")[2] or str(error)


def _invalid_url(url: str, problem: str) -> FetchError:
    return FetchError(
        f"{problem}; give a full web address such as https://example.com/article",
        reason=RefusalReason.INVALID_URL,
        url=url,
    )


def _too_large(target: _Target, limit: int, detail: str) -> FetchError:
    return FetchError(
        f"{target.url} is larger than the limit of {limit:,} bytes ({detail}); if this document is "
        "genuine, raise PARALLAX_FETCH_MAX_BYTES",
        reason=RefusalReason.TOO_LARGE,
        url=target.url,
    )


def _http_error(target: _Target, status: int) -> FetchError:
    try:
        phrase = f"{status} {http.HTTPStatus(status).phrase}"
    except ValueError:
        phrase = str(status)
    if status in {401, 403}:
        advice = "the page needs a login or refuses automated readers; save it from a browser instead"
    elif status in {404, 410}:
        advice = "check the address; the page may have moved or been removed"
    elif status == 429 or status >= 500:
        advice = "the server is busy or failing; try again later"
    else:
        advice = "check the address"
    return FetchError(
        f"{target.url} answered {phrase}; {advice}",
        reason=RefusalReason.HTTP_ERROR,
        url=target.url,
        status=status,
    )


def _unreachable(target: _Target, error: BaseException) -> FetchError:
    if isinstance(error, NewConnectionError):  # a subclass of the timeout errors, so first
        problem = f"could not connect to {target.host} ({_reason_of(error)})"
    elif isinstance(error, SSLError):
        problem = (
            f"the secure connection to {target.host} failed ({error}); the site's certificate may be "
            "invalid, expired or issued for another name"
        )
    elif isinstance(error, Urllib3TimeoutError | TimeoutError):
        problem = f"{target.host} did not answer in time"
    else:
        problem = f"could not talk to {target.host} ({error})"
    return FetchError(
        f"{target.url}: {problem}; check the address and try again later",
        reason=RefusalReason.UNREACHABLE,
        url=target.url,
    )
