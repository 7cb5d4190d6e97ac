"""End to end: the installed `parallax` command ingests every format at once, from files and from
a local web server, into SQLite and PostgreSQL, and reports what it did."""

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

PARALLAX = str(Path(sys.executable).with_name("parallax"))

FRENCH = (
    "Emmanuel Macron s'est entretenu par téléphone avec Vladimir Poutine jeudi soir. Les deux "
    "présidents ont parlé de la situation autour de l'Ukraine et des garanties de sécurité que "
    "réclame Moscou, selon le compte rendu publié par le Kremlin."
)
ENGLISH = (
    "French President Emmanuel Macron and Russian President Vladimir Putin spoke by telephone on "
    "Thursday, as European governments sought to ease tensions over Russia's military build-up "
    "near Ukraine, the Kremlin said in a statement."
)
PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>{title} | Local Times</title><meta property="og:site_name" content="Local Times">
<meta property="og:type" content="article"></head><body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>
<article><h1>{title}</h1><p>{body}</p><p>{body2}</p></article>
<footer>© Local Times — Contact — Terms</footer></body></html>"""
FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Local Times</title><link>{base}/</link>
<item><title>Leaders speak by phone</title><link>{base}/call</link><guid>call-1</guid>
<pubDate>Thu, 03 Feb 2022 19:00:00 GMT</pubDate></item>
<item><title>A story that vanished</title><link>{base}/gone</link><guid>gone-1</guid></item>
</channel></rss>"""


class _Site(BaseHTTPRequestHandler):
    base = ""

    def do_GET(self) -> None:
        if self.path == "/feed.xml":
            self._send(200, "application/rss+xml", FEED.format(base=self.base))
        elif self.path == "/call":
            body = PAGE.format(
                title="Leaders speak by phone", body=ENGLISH, body2=ENGLISH.replace("Thursday", "the day")
            )
            self._send(200, "text/html; charset=utf-8", body)
        else:
            self._send(404, "text/plain", "not found")

    def _send(self, status: int, content_type: str, text: str) -> None:
        data = text.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    _Site.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield _Site.base
    server.shutdown()
    server.server_close()


def make_corpus(folder: Path) -> None:
    from fpdf import FPDF

    folder.mkdir()
    lines = [
        json.dumps(
            {
                "id": "w1",
                "outlet": "Wire",
                "title": "Leaders talk",
                "text": ENGLISH,
                "published": "2022-02-03",
            }
        ),
        json.dumps({"id": "w1", "outlet": "Wire", "title": "UPDATE 1-Leaders talk", "text": ENGLISH}),
        '{"id": "w2", "outlet": "Wire", "text": ',
    ]
    (folder / "wire.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "note.txt").write_text(
        f"---\noutlet: Le Courrier\npublished: 2022-02-03\n---\n{FRENCH}\n", encoding="utf-8"
    )
    (folder / "page.html").write_text(
        PAGE.format(title="A page", body=ENGLISH.replace("Thursday", "Friday"), body2=ENGLISH),
        encoding="utf-8",
    )
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(0, 6, "Un document PDF. " + FRENCH.replace("'", " ").replace("é", "e").replace("è", "e"))
    pdf.output(str(folder / "report.pdf"))
    (folder / "page.meta.yaml").write_text("outlet: Page Daily\n", encoding="utf-8")
    (folder / "report.pdf.meta.json").write_text(
        '{"outlet": "Le Rapport", "language": "fr"}', encoding="utf-8"
    )
    (folder / "empty.txt").write_text("\n\n", encoding="utf-8")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([PARALLAX, *args], capture_output=True, text=True, timeout=120, check=False)


def test_every_format_from_files_and_the_web_in_one_run(engine: Engine, site: str, tmp_path: Path) -> None:
    url = engine.url.render_as_string(hide_password=False)
    make_corpus(tmp_path / "corpus")
    result = run(
        "--database-url", url, "ingest", "--json", "--allow-private-addresses",
        str(tmp_path / "corpus"), f"{site}/feed.xml", f"{site}/missing-page",
    )  # fmt: skip
    assert result.returncode == 3, result.stderr
    report = json.loads(result.stdout)
    assert (report["stored"], report["revisions"]) == (5, 1)
    reasons = sorted((r["reason"], r["location"] or "") for r in report["refusals"])
    assert reasons == [
        ("empty_text", ""),
        ("http_error", ""),
        ("http_error", "item 2"),
        ("invalid_json", "line 3"),
    ]

    listed = json.loads(run("--database-url", url, "articles", "list", "--json").stdout)
    by_outlet = {record["outlet"]: record for record in listed}
    assert set(by_outlet) == {"Wire", "Le Courrier", "Local Times", "Page Daily", "Le Rapport"}
    assert by_outlet["Le Courrier"]["language"] == "fr"
    assert by_outlet["Le Rapport"]["language"] == "fr"
    assert {record["source"].rsplit(".", 1)[-1].split("#")[0] for record in listed} >= {
        "jsonl",
        "txt",
        "html",
        "pdf",
    }

    refused = json.loads(run("--database-url", url, "rejected", "list", "--json").stdout)
    assert len(refused) == 4
    invalid = next(r for r in refused if r["reason"] == "invalid_json")
    assert invalid["payload"] == '{"id": "w2", "outlet": "Wire", "text": '

    again = run("--database-url", url, "ingest", "--json", str(tmp_path / "corpus" / "wire.jsonl"))
    assert json.loads(again.stdout)["duplicates"] == 2


def test_the_default_refuses_to_fetch_from_the_local_network(engine: Engine, site: str) -> None:
    url = engine.url.render_as_string(hide_password=False)
    result = run("--database-url", url, "ingest", f"{site}/call")
    assert result.returncode == 1
    assert "blocked_address" in result.stdout
