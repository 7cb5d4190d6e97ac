"""The classroom pages served by the API application: events, one event, compare, notes, errors.

The comparison pipeline is given as a small function here (the API's contract with its
composition root); the real pipeline behind these pages is tested in tests/test_classroom.py.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.engine import Engine

from parallax.api.app import UnreadableUrlError, create_app
from parallax.api.openapi import openapi_document
from parallax.shared.config import Settings

HTML = {"Accept": "text/html"}
TEXT = "Emmanuel Macron and Vladimir Putin spoke by telephone on Thursday about Ukraine."


def _settings(engine: Engine, **overrides: Any) -> Settings:
    options: dict[str, Any] = {"api_keys_required": False, "auto_migrate": False, **overrides}
    return Settings(database_url=engine.url.render_as_string(hide_password=False), **options)


def _comparer(records: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """A report with the records' texts and nothing measured (what the pages must still show)."""
    return {
        "event": "adhoc",
        "articles": [
            {
                "id": r["id"],
                "outlet": r["outlet"],
                "title": r.get("title"),
                "language": "en",
                "text": r["text"],
                "url": r.get("url"),
            }
            for r in records
        ],
    }


def _reader(url: str, settings: Settings) -> dict[str, Any]:
    if "missing" in url:
        raise UnreadableUrlError(f"{url}: the server answered 404 Not Found")
    return {"text": f"{TEXT} Read from {url}.", "title": "From the web", "outlet": "web.example", "url": url}


@pytest.fixture
def pages(engine: Engine) -> FlaskClient:
    """The API with a comparison pipeline and a web-address reader, as `parallax serve` builds it."""
    return create_app(_settings(engine), engine=engine, comparer=_comparer, reader=_reader).test_client()


def test_the_events_page_lists_live_events_with_their_outlets(client: FlaskClient, newsroom: Any) -> None:
    page = client.get("/").get_data(as_text=True)
    assert 'href="/events/e1"' in page
    assert 'href="/events/e2"' in page
    assert 'href="/events/e0"' not in page  # merged into e1
    assert "Le Monde, Reuters, TASS" in page


def test_an_event_page_shows_each_article_in_its_column(client: FlaskClient, newsroom: Any) -> None:
    response = client.get("/events/e1")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert page.count('<article class="column"') == 3
    assert "Pourparlers sur l&#39;Ukraine à Paris. The text of article m1." in page
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "<svg" in page  # timeline, who speaks, matrix


def test_an_event_not_compared_yet_says_so(client: FlaskClient, newsroom: Any) -> None:
    page = client.get("/events/e2").get_data(as_text=True)
    assert "not compared yet" in page
    assert "Storm hits Brittany coast" in page


def test_an_unknown_event_is_an_html_404_in_the_readers_language(client: FlaskClient, newsroom: Any) -> None:
    response = client.get("/events/e999", headers={"Accept-Language": "fr-FR,fr;q=0.9"})
    assert response.status_code == 404
    assert response.content_type.startswith("text/html")
    assert "Cette page n&#39;existe pas." in response.get_data(as_text=True)


def test_unknown_addresses_are_pages_for_browsers_and_problems_for_the_api(client: FlaskClient) -> None:
    assert client.get("/nowhere", headers=HTML).content_type.startswith("text/html")
    assert client.get("/v1/nowhere", headers=HTML).content_type == "application/problem+json"
    assert client.get("/nowhere", headers={"Accept": "application/json"}).content_type == (
        "application/problem+json"
    )


def test_the_language_is_switched_by_the_address_then_remembered(client: FlaskClient, newsroom: Any) -> None:
    english = client.get("/", headers={"Accept-Language": "en-GB"}).get_data(as_text=True)
    assert '<html lang="en">' in english
    assert 'href="/?lang=fr"' in english
    switched = client.get("/?lang=fr")
    assert '<html lang="fr">' in switched.get_data(as_text=True)
    assert "parallax_lang=fr" in switched.headers["Set-Cookie"]
    remembered = client.get("/events/e1", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="fr">' in remembered
    assert "Les articles côte à côte" in remembered


def test_the_browsers_language_is_the_default(client: FlaskClient, newsroom: Any) -> None:
    page = client.get("/notes", headers={"Accept-Language": "fr-CA,fr;q=0.9,en;q=0.5"})
    assert "Notes pour l&#39;enseignant" in page.get_data(as_text=True)
    assert "Accept-Language" in page.headers["Vary"]


def test_with_keys_required_a_page_says_how_to_open_reading(engine: Engine, newsroom: Any) -> None:
    app = create_app(_settings(engine, api_keys_required=True), engine=engine)
    response = app.test_client().get("/", headers=HTML)
    assert response.status_code == 401
    assert "PARALLAX_API_KEYS_REQUIRED=false" in response.get_data(as_text=True)


def test_the_pages_are_not_part_of_the_api_document(app: Flask) -> None:
    paths = openapi_document(app)["paths"]
    assert "/v1/events" in paths
    assert not [path for path in paths if not path.startswith("/v1/")]


def test_the_stylesheet_and_script_are_served_from_here(client: FlaskClient) -> None:
    for name, kind in (("classroom.css", "text/css"), ("classroom.js", "text/javascript")):
        with client.get(f"/classroom/static/{name}") as response:  # closes the file it streams
            assert response.status_code == 200
            assert response.content_type.startswith(kind)


def test_the_notes_say_to_load_the_demo_when_it_is_not_there(client: FlaskClient) -> None:
    page = client.get("/notes").get_data(as_text=True)
    assert "make demo" in page
    assert "Open the demo event" not in page


def test_compare_your_own_shows_the_form(pages: FlaskClient) -> None:
    page = pages.get("/compare").get_data(as_text=True)
    assert page.count("<textarea") == 5
    assert 'type="url"' in page


def test_compare_your_own_shows_the_texts_side_by_side(pages: FlaskClient) -> None:
    response = pages.post("/compare", data={"text1": TEXT, "outlet1": "First", "text2": TEXT + " Again."})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert page.count('<article class="column"') == 2
    assert '<p class="outlet">First</p>' in page
    assert '<p class="outlet">Text 2</p>' in page


def test_compare_your_own_reads_an_article_from_its_address(pages: FlaskClient) -> None:
    response = pages.post("/compare", data={"text1": TEXT, "url2": "https://news.example/a"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Read from https://news.example/a." in page
    assert '<p class="outlet">web.example</p>' in page


def test_a_form_problem_says_which_text_and_keeps_what_was_typed(pages: FlaskClient) -> None:
    response = pages.post("/compare", data={"text1": TEXT, "url2": "https://news.example/missing"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Text 2: https://news.example/missing: the server answered 404 Not Found" in page
    assert f">{TEXT}</textarea>" in page
    assert 'value="https://news.example/missing"' in page


def test_a_form_with_one_text_asks_for_another(pages: FlaskClient) -> None:
    response = pages.post("/compare", data={"text1": TEXT, "outlet1": "Only"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Fill in at least two texts" in page
    assert 'value="Only"' in page


def test_the_api_takes_addresses_instead_of_texts(pages: FlaskClient) -> None:
    body = {"articles": [{"text": TEXT}, {"url": "https://news.example/a", "outlet": "Mine"}]}
    report = pages.post("/v1/compare", json=body).get_json()
    assert [a["outlet"] for a in report["articles"]] == ["Text 1", "Mine"]
    refused = pages.post("/v1/compare", json={"articles": [{"text": TEXT}, {"url": "ftp://x"}]})
    assert refused.status_code == 400
    assert refused.get_json()["field"] == "/articles/1/url"
