"""`/v1/articles`: filtered by outlet, language, event and publication time, newest first with
the undated last, paged across them; one article with its text; 404 for an unknown id."""

import csv
import io
from typing import Any

from flask.testing import FlaskClient


def names(response: Any, newsroom: Any) -> list[str]:
    assert response.status_code == 200, response.get_json()
    by_id = {number: name for name, number in newsroom.articles.items()}
    return [by_id[item["id"]] for item in response.get_json()["items"]]


def test_articles_are_newest_first_with_the_undated_last(client: FlaskClient, newsroom: Any) -> None:
    assert names(client.get("/v1/articles"), newsroom) == ["r2", "m2", "t1", "r1", "m1", "r3"]


def test_articles_are_filtered(client: FlaskClient, newsroom: Any) -> None:
    reuters = newsroom.outlets["Reuters"]
    assert names(client.get(f"/v1/articles?outlet={reuters}"), newsroom) == ["r2", "r1", "r3"]
    assert names(client.get("/v1/articles?language=fr"), newsroom) == ["m2", "m1"]
    assert names(client.get("/v1/articles?event=e1"), newsroom) == ["t1", "r1", "m1"]
    window = "since=2022-02-03T10:00:00Z&until=2022-02-04T08:00:00Z"
    assert names(client.get(f"/v1/articles?{window}"), newsroom) == ["t1", "r1"]
    listed = client.get("/v1/articles?event=e2").get_json()["items"][0]
    assert listed["event_id"] == "e2"
    assert listed["outlet"]["name"] == "Reuters"


def test_pages_cross_from_dated_to_undated_articles(client: FlaskClient, newsroom: Any) -> None:
    seen: list[str] = []
    url: str | None = "/v1/articles?limit=4"
    while url is not None:
        page = client.get(url)
        seen += names(page, newsroom)
        url = page.get_json()["next"]
    assert seen == ["r2", "m2", "t1", "r1", "m1", "r3"]
    reuters = newsroom.outlets["Reuters"]
    first = client.get(f"/v1/articles?outlet={reuters}&limit=2")
    assert names(first, newsroom) == ["r2", "r1"]
    assert names(client.get(first.get_json()["next"]), newsroom) == ["r3"]


def test_bad_filters_and_cursors_are_problems(client: FlaskClient, newsroom: Any) -> None:
    for query, field in (
        ("outlet=abc", "outlet"),
        ("outlet=99999999999", "outlet"),
        ("cursor=%21%21", "cursor"),
    ):
        response = client.get(f"/v1/articles?{query}")
        assert response.status_code == 400, query
        assert response.get_json()["field"] == field


def test_an_article_has_its_text_and_metadata(client: FlaskClient, newsroom: Any) -> None:
    article = client.get(f"/v1/articles/{newsroom.articles['m1']}").get_json()
    assert article["text"] == "Pourparlers sur l'Ukraine à Paris. The text of article m1."
    assert article["title"] == "Pourparlers sur l'Ukraine à Paris"
    assert article["outlet"]["name"] == "Le Monde"
    assert article["language"] == "fr"
    assert article["published"] == "2022-02-03T09:00:00Z"
    assert article["url"] == "https://lemonde.example/m1"
    assert article["event_id"] == "e1"
    assert client.get(f"/v1/articles/{newsroom.articles['r3']}").get_json()["event_id"] is None


def test_an_unknown_article_is_a_404_problem(client: FlaskClient, newsroom: Any) -> None:
    for path in ("/v1/articles/999", "/v1/articles/99999999999999999999"):
        response = client.get(path)
        assert response.status_code == 404
        assert response.get_json()["fix"].startswith("Take an id")


def test_articles_as_csv_are_flat_and_safe_to_open_in_a_spreadsheet(
    client: FlaskClient, newsroom: Any
) -> None:
    response = client.get("/v1/articles?outlet=2", headers={"Accept": "text/csv"})
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert list(rows[0]) == [
        "id",
        "outlet_id",
        "outlet_name",
        "title",
        "language",
        "published",
        "url",
        "event_id",
    ]
    assert rows[-1]["title"].startswith("'=HYPERLINK")  # a formula is not run where it is opened
    assert rows[-1]["published"] == ""
