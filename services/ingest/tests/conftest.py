"""Shared fixtures for the ingest tests.

Fixtures are grouped by what they serve; add new groups below the existing ones.
"""

from __future__ import annotations

import contextlib
import http.server
import socket
import ssl
import threading
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import trustme

from parallax.ingest.fetch import Fetcher, FetchPolicy
from parallax.shared.config import Settings

# ---------------------------------------------------------------------------------------------
# Local web servers and news-like pages (tests of fetch.py and of the URL and feed readers).
#
# Real servers on 127.0.0.1, in threads: the fetcher is tested over real sockets, never with a
# mocked network layer. Each test registers the routes it needs on a fresh server.
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordedRequest:
    """A request the local server received."""

    path: str  # with the query string
    headers: dict[str, str]  # names lowercased


@dataclass(frozen=True)
class Reply:
    """What the local server answers on a route."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering (for timeouts)
    content_length: bool = True  # False: no Content-Length, the body ends when the connection closes
    trickle: float = 0.0  # seconds between one byte of the body and the next (for slow servers)
    etag: str | None = None  # answer 304 Not Modified to a request with this If-None-Match


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        owner = self.server.owner
        owner.requests.append(RecordedRequest(self.path, {k.lower(): v for k, v in self.headers.items()}))
        reply = owner.routes.get(urllib.parse.urlsplit(self.path).path)
        if reply is None:
            reply = Reply(404, b"not found", {"Content-Type": "text/plain"})
        elif reply.etag is not None and self.headers.get("If-None-Match") == reply.etag:
            reply = Reply(304, b"", {"ETag": reply.etag}, content_length=False)
        if reply.delay and self.server.stopping.wait(reply.delay):
            return
        # The client may give up (a size limit, a timeout): that is what the test wants.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError, ssl.SSLError):
            self._send(reply)

    def _send(self, reply: Reply) -> None:
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        if reply.etag is not None:
            self.send_header("ETag", reply.etag)
        if reply.content_length:
            self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        if not reply.trickle:
            self.wfile.write(reply.body)
            return
        for index in range(len(reply.body)):
            self.wfile.write(reply.body[index : index + 1])
            self.wfile.flush()
            if self.server.stopping.wait(reply.trickle):
                return

    def log_message(self, format: str, *args: object) -> None:
        pass  # keep test output clean


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, owner: LocalWebServer, tls: ssl.SSLContext | None) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.owner = owner
        self.tls = tls
        self.stopping = threading.Event()

    def finish_request(
        self, request: socket.socket | tuple[bytes, socket.socket], client_address: object
    ) -> None:
        if self.tls is None:
            super().finish_request(request, client_address)
            return
        assert isinstance(request, socket.socket)
        # The handshake happens here, in the request's thread; when the client rejects the
        # certificate it fails, and handle_error below keeps quiet about it.
        with self.tls.wrap_socket(request, server_side=True) as tls_socket:
            super().finish_request(tls_socket, client_address)

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients that hang up early are expected in these tests


class LocalWebServer:
    """A threaded HTTP(S) server on 127.0.0.1 with routes set by the test, recording requests."""

    def __init__(self, *, tls: ssl.SSLContext | None = None) -> None:
        self.routes: dict[str, Reply] = {}
        self.requests: list[RecordedRequest] = []
        self.server_names: list[str | None] = []  # TLS SNI names received
        if tls is not None:
            tls.sni_callback = self._record_server_name
        self._server = _Server(self, tls)
        self.port = self._server.server_address[1]
        scheme = "https" if tls is not None else "http"
        self.base_url = f"{scheme}://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05})
        self._thread.start()

    def url(self, path: str, *, host: str = "127.0.0.1") -> str:
        """The full URL of `path` on this server, optionally through another host name."""
        scheme = self.base_url.partition(":")[0]
        return f"{scheme}://{host}:{self.port}{path}"

    def add(
        self,
        path: str,
        body: bytes | str = b"",
        *,
        status: int = 200,
        content_type: str | None = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
        delay: float = 0.0,
        content_length: bool = True,
        trickle: float = 0.0,
        etag: str | None = None,
    ) -> None:
        """Serve a fixed reply on `path` (the query string is ignored when matching)."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        all_headers = {"Content-Type": content_type} if content_type else {}
        all_headers.update(headers or {})
        self.routes[path] = Reply(status, data, all_headers, delay, content_length, trickle, etag)

    def redirect(self, path: str, to: str, *, status: int = 302) -> None:
        """Redirect `path` to `to` (absolute or relative)."""
        self.add(path, status=status, content_type=None, headers={"Location": to})

    def close(self) -> None:
        """Stop serving and release the port; delayed replies are abandoned."""
        self._server.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def _record_server_name(self, _socket: ssl.SSLObject, name: str | None, _context: ssl.SSLContext) -> None:
        self.server_names.append(name)


@pytest.fixture
def web_server() -> Iterator[LocalWebServer]:
    """A plain-HTTP local server; register replies with `add` and `redirect`."""
    server = LocalWebServer()
    yield server
    server.close()


@pytest.fixture(scope="session")
def tls_authority() -> trustme.CA:
    """A throw-away certificate authority that tests trust explicitly."""
    return trustme.CA()


@pytest.fixture(scope="session")
def tls_ca_file(tls_authority: trustme.CA, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The test authority's certificate as a PEM file, for `FetchPolicy(ca_certs=…)`."""
    path = tmp_path_factory.mktemp("tls") / "ca.pem"
    tls_authority.cert_pem.write_to_path(str(path))
    return str(path)


@pytest.fixture
def tls_web_server(tls_authority: trustme.CA) -> Iterator[LocalWebServer]:
    """An HTTPS local server whose certificate is valid for "localhost" and "news.test" only."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls_authority.issue_cert("localhost", "news.test").configure_cert(context)
    server = LocalWebServer(tls=context)
    yield server
    server.close()


@pytest.fixture
def fetch_settings() -> Settings:
    """Settings that let the fetcher reach the local servers, with short timeouts."""
    return Settings(
        _env_file=None,
        fetch_allow_private_addresses=True,
        fetch_timeout_seconds=2.0,
        fetch_max_bytes=200_000,
        fetch_max_redirects=3,
        max_rejected_payload_chars=500,
    )


@pytest.fixture
def local_fetcher(fetch_settings: Settings) -> Fetcher:
    """A fetcher allowed to reach 127.0.0.1 (private addresses are refused by default)."""
    return Fetcher(FetchPolicy.from_settings(fetch_settings))


@pytest.fixture
def french_article_html() -> str:
    """A French news article page with navigation, ads, related links and a footer around it."""
    return _FRENCH_ARTICLE


@pytest.fixture
def english_article_html() -> str:
    """An English news article page (with typographic quotes and a pound sign) and boilerplate."""
    return _ENGLISH_ARTICLE


@pytest.fixture
def index_page_html() -> str:
    """A section front page: headlines linking to articles, with one-line teasers, no article."""
    return _INDEX_PAGE


@pytest.fixture
def pages_dir(tmp_path: Path) -> Path:
    """A directory for pages and feeds written by a test."""
    directory = tmp_path / "pages"
    directory.mkdir()
    return directory


_FRENCH_ARTICLE = """<!DOCTYPE html>
<html lang="fr-FR">
<head>
<meta charset="utf-8">
<title>Grève nationale : les syndicats appellent à manifester jeudi | Le Quotidien du Soir</title>
<meta property="og:site_name" content="Le Quotidien du Soir">
<meta property="og:type" content="article">
<meta property="og:title" content="Grève nationale : les syndicats appellent à manifester jeudi">
<meta name="description" content="Les centrales syndicales appellent à une journée de mobilisation.">
<meta name="author" content="Claire Dupont">
<meta property="article:published_time" content="2024-03-05T14:30:00+01:00">
<link rel="canonical" href="https://www.quotidien-du-soir.example/politique/2024/03/05/greve-nationale">
<script>window.dataLayer = [{"page": "article"}];</script>
</head>
<body>
<header>
<nav><ul><li><a href="/">Accueil</a></li><li><a href="/politique">Politique</a></li>
<li><a href="/economie">Économie</a></li><li><a href="/culture">Culture</a></li>
<li><a href="/sport">Sport</a></li></ul></nav>
<div class="ad">Publicité — Abonnez-vous dès 1 € le premier mois !</div>
</header>
<main>
<article>
<h1>Grève nationale : les syndicats appellent à manifester jeudi</h1>
<p class="byline">Par Claire Dupont, publié le 5 mars 2024 à 14 h 30</p>
<p>Les principales centrales syndicales ont appelé mardi à une journée de grève et de
manifestations jeudi dans toute la France, pour protester contre le projet de réforme des
retraites présenté par le gouvernement.</p>
<p>« Nous irons jusqu'au bout », a déclaré la secrétaire générale de la CGT lors d'une conférence
de presse commune à Paris, entourée des dirigeants de la CFDT, de FO et de la CFE-CGC.</p>
<div class="ad">Publicité — Découvrez nos offres d'abonnement</div>
<p>Le ministre du Travail a pour sa part estimé que la réforme était « indispensable pour garantir
l'avenir du système par répartition » et a appelé les syndicats au dialogue.</p>
<p>Selon les organisateurs, plus de deux cents rassemblements sont prévus dans les grandes villes,
et des perturbations importantes sont attendues dans les transports publics.</p>
</article>
<aside class="related"><h2>À lire aussi</h2><ul>
<li><a href="/retraites-ce-qui-change">Retraites : ce qui change au 1er janvier</a></li>
<li><a href="/chiffres">Les chiffres clés de la réforme</a></li></ul></aside>
</main>
<footer><p>© 2024 Le Quotidien du Soir — Mentions légales — Politique de confidentialité — Contact</p>
</footer>
</body></html>
"""

_ENGLISH_ARTICLE = """<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">
<title>Chancellor unveils spending plan as unions warn of cuts - The Daily Example</title>
<meta property="og:site_name" content="The Daily Example">
<meta property="og:type" content="article">
<meta name="author" content="James Hartley">
<meta property="article:published_time" content="2024-03-06T09:15:00Z">
</head>
<body>
<div id="cookie-banner">We use cookies to improve your experience. Accept all cookies.</div>
<header><nav><a href="/">Home</a> | <a href="/news">News</a> | <a href="/sport">Sport</a> |
<a href="/business">Business</a> | <a href="/opinion">Opinion</a></nav></header>
<div class="advert">ADVERTISEMENT</div>
<main><article>
<h1>Chancellor unveils spending plan as unions warn of cuts</h1>
<p>The Chancellor set out a £20bn spending plan on Wednesday, promising to protect frontline
services while holding down borrowing over the next three years.</p>
<p>“This is a budget for stability,” she told MPs, adding that the measures would be paid for by
closing tax loopholes rather than by raising income tax.</p>
<p>Union leaders said the plan would still mean real-terms cuts for many departments and warned
of further strikes in the public sector if pay offers were not improved.</p>
<p>The opposition called the package “a sticking plaster” and said it did little for households
facing higher energy bills this winter.</p>
</article>
<section class="most-read"><h2>Most read</h2><ol>
<li><a href="/news/1">Storm warning issued for coastal areas</a></li>
<li><a href="/news/2">Rail fares to rise again in March</a></li></ol></section>
</main>
<footer>Copyright © The Daily Example Ltd. Terms and conditions. Privacy notice. Contact us.</footer>
</body></html>
"""

_INDEX_PAGE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>World news | The Daily Example</title></head>
<body>
<header><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/politics">Politics</a>
<a href="/business">Business</a></nav></header>
<main><h1>World</h1>
<div class="teaser"><h2><a href="/world/1">Floods force thousands from their homes in the north</a></h2>
<p>Rescue teams are working through the night.</p></div>
<div class="teaser"><h2><a href="/world/2">Talks resume between the two delegations in Geneva</a></h2>
<p>Both sides said they were cautiously hopeful.</p></div>
<div class="teaser"><h2><a href="/world/3">Central bank holds rates steady amid inflation worries</a></h2>
<p>Markets had expected the decision.</p></div>
<div class="teaser"><h2><a href="/world/4">Election results delayed as recount begins</a></h2>
<p>Officials promised a result by Friday.</p></div>
</main>
<footer>© The Daily Example. All rights reserved. Privacy policy. Terms of use. Contact us.</footer>
</body></html>
"""
