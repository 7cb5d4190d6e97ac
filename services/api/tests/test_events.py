"""`/v1/events`: the list by time, outlet, language and title words, paged; one event with its
articles; its stored comparison (404 with the fix when not compared); its scores under a
profile or weights (400 naming the field when they cannot be used); CSV for each."""

import csv
import io
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy.engine import Engine

from parallax.shared.db import session_scope
from parallax.shared.models import EventComparison


def ids(response: Any) -> list[str]:
    assert response.status_code == 200, response.get_json()
    return [item["id"] for item in response.get_json()["items"]]


def test_events_are_listed_newest_first_without_merged_ones(client: FlaskClient, newsroom: Any) -> None:
    response = client.get("/v1/events")
    assert ids(response) == ["e2", "e1"]
    first = response.get_json()["items"][1]
    assert first["outlets"] == ["Le Monde", "Reuters", "TASS"]
    assert first["last_published"] == "2022-02-03T11:00:00Z"
    assert response.get_json()["next"] is None


def test_events_are_filtered_by_time_outlet_language_and_title_words(
    client: FlaskClient, newsroom: Any
) -> None:
    assert ids(client.get(f"/v1/events?outlet={newsroom.outlets['TASS']}")) == ["e1"]
    assert ids(client.get("/v1/events?language=fr")) == ["e2", "e1"]
    assert ids(client.get("/v1/events?language=ru")) == ["e1"]
    assert ids(client.get("/v1/events?q=brittany+STORM")) == ["e2"]
    assert ids(client.get("/v1/events?q=storm+paris")) == []
    assert ids(client.get("/v1/events?q=100%25")) == []  # a LIKE wildcard is taken literally
    assert ids(client.get("/v1/events?since=2022-02-04")) == ["e2"]
    assert ids(client.get("/v1/events?until=2022-02-04T00:00:00%2B00:00")) == ["e1"]


def test_bad_filters_are_problems_naming_the_field_and_the_fix(client: FlaskClient, newsroom: Any) -> None:
    bad_time = client.get("/v1/events?since=yesterday")
    assert bad_time.status_code == 400
    assert bad_time.mimetype == "application/problem+json"
    assert bad_time.get_json()["field"] == "since"
    assert "ISO 8601" in bad_time.get_json()["fix"]
    misspelt = client.get("/v1/events?langauge=fr")
    assert misspelt.status_code == 400
    assert misspelt.get_json()["field"] == "langauge"
    assert "language" in misspelt.get_json()["fix"]
    too_many = client.get("/v1/events?limit=501")
    assert too_many.status_code == 400
    assert too_many.get_json()["field"] == "limit"
    assert client.get("/v1/events?q=a%00b").status_code == 400


def test_pages_follow_with_the_next_link_until_the_last(client: FlaskClient, newsroom: Any) -> None:
    first = client.get("/v1/events?limit=1&language=fr").get_json()
    assert [item["id"] for item in first["items"]] == ["e2"]
    assert "language=fr" in first["next"]
    second = client.get(first["next"]).get_json()
    assert [item["id"] for item in second["items"]] == ["e1"]
    assert second["next"] is None
    assert second["next_cursor"] is None
    replayed = client.get(f"/v1/events?limit=1&language=en&cursor={first['next_cursor']}")
    assert replayed.status_code == 400
    assert replayed.get_json()["field"] == "cursor"


def test_events_answer_csv_when_asked(client: FlaskClient, newsroom: Any) -> None:
    response = client.get("/v1/events?limit=1", headers={"Accept": "text/csv"})
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [row["id"] for row in rows] == ["e2"]
    assert rows[0]["outlets"] == "Le Monde; Reuters"
    assert response.headers["Link"].endswith('rel="next"')


def test_an_event_has_its_articles_earliest_first(client: FlaskClient, newsroom: Any) -> None:
    event = client.get("/v1/events/e1").get_json()
    assert event["compared"] is True
    assert [article["id"] for article in event["articles"]] == [
        newsroom.articles[name] for name in ("m1", "r1", "t1")
    ]
    first = event["articles"][0]
    assert first["outlet"] == {"id": newsroom.outlets["Le Monde"], "name": "Le Monde"}
    assert first["language"] == "fr"
    assert first["published"] == "2022-02-03T09:00:00Z"
    assert first["url"] == "https://lemonde.example/m1"
    assert client.get("/v1/events/e2").get_json()["compared"] is False
    merged = client.get("/v1/events/e0").get_json()
    assert merged["merged_into"] == "e1"
    assert merged["articles"] == []


def test_an_event_as_csv_is_one_row_per_article(client: FlaskClient, newsroom: Any) -> None:
    response = client.get("/v1/events/e2", headers={"Accept": "text/csv"})
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [row["outlet_name"] for row in rows] == ["Le Monde", "Reuters"]
    assert {row["event_id"] for row in rows} == {"e2"}


def test_an_unknown_event_is_a_404_problem(client: FlaskClient, newsroom: Any) -> None:
    for path in ("/v1/events/e999", "/v1/events/e999/comparison", "/v1/events/e999/scores"):
        response = client.get(path)
        assert response.status_code == 404
        assert response.mimetype == "application/problem+json"
        assert "GET /v1/events" in response.get_json()["fix"]


def test_the_comparison_is_the_stored_report(client: FlaskClient, newsroom: Any) -> None:
    comparison = client.get("/v1/events/e1/comparison").get_json()
    assert comparison["comparison_version"] == "test.v1"
    assert comparison["article_count"] == 3
    assert comparison["report"]["omissions"]["units"][1]["id"] == "u2"


def test_an_event_not_compared_yet_says_so_and_what_to_do(client: FlaskClient, newsroom: Any) -> None:
    for path in ("/v1/events/e2/comparison", "/v1/events/e2/scores"):
        response = client.get(path)
        assert response.status_code == 404
        problem = response.get_json()
        assert problem["title"] == "Not Compared"
        assert "compare worker" in problem["fix"]


def test_scores_give_every_pair_with_components_and_each_articles_divergence(
    client: FlaskClient, newsroom: Any
) -> None:
    m1, r1, t1 = (str(newsroom.articles[name]) for name in ("m1", "r1", "t1"))
    scores = client.get("/v1/events/e1/scores").get_json()
    assert scores["profile"] == "balanced"
    pairs = {(pair["a"], pair["b"]): pair for pair in scores["pairs"]}
    assert set(pairs) == {(m1, r1), (m1, t1), (r1, t1)}
    assert pairs[(m1, t1)]["components"]["sources"]["value"] == 1.0
    assert pairs[(m1, r1)]["distance"] < pairs[(m1, t1)]["distance"]
    assert scores["divergence"][t1] > scores["divergence"][m1]


def test_scores_take_a_profile_or_weights(client: FlaskClient, newsroom: Any) -> None:
    m1, t1 = str(newsroom.articles["m1"]), str(newsroom.articles["t1"])
    profile = client.get("/v1/events/e1/scores?profile=sources").get_json()
    assert profile["weights"] == {"sources": 2.0, "speakers": 2.0, "omissions": 1.0}
    weighted = client.get("/v1/events/e1/scores?weights=sources:1").get_json()
    assert weighted["profile"] is None
    pair = next(p for p in weighted["pairs"] if (p["a"], p["b"]) == (m1, t1))
    assert pair["distance"] == 1.0


def test_bad_profiles_and_weights_are_problems_naming_the_field(client: FlaskClient, newsroom: Any) -> None:
    cases = {
        "profile=loud": ("profile", "unknown profile"),
        "weights=tone:1": ("weights", "unknown components"),
        "weights=sources:-1": ("weights", "cannot read weight"),
        "weights=sources": ("weights", "cannot read weight"),
        "weights=sources:0": ("weights", "above 0"),
        "profile=balanced&weights=sources:1": ("weights", "both"),
    }
    for query, (field, detail) in cases.items():
        response = client.get(f"/v1/events/e1/scores?{query}")
        assert response.status_code == 400, query
        problem = response.get_json()
        assert problem["field"] == field, query
        assert detail in problem["detail"], query
        assert problem["fix"]


def test_scores_as_csv_are_one_row_per_pair_with_each_component(client: FlaskClient, newsroom: Any) -> None:
    response = client.get("/v1/events/e1/scores", headers={"Accept": "text/csv"})
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 3
    assert list(rows[0]) == [
        "a", "b", "distance", "omissions", "sources", "speakers", "loaded", "labels", "substitutions",
        "coverage", "reuse",
    ]  # fmt: skip
    assert rows[0]["speakers"] == ""  # no value: nothing to compare


def test_scores_follow_a_recomputed_comparison(client: FlaskClient, newsroom: Any, engine: Engine) -> None:
    m1, r1, t1 = (str(newsroom.articles[name]) for name in ("m1", "r1", "t1"))
    before = client.get("/v1/events/e1/scores").get_json()
    assert client.get("/v1/events/e1/scores").get_json() == before  # the same comparison, the same scores
    with session_scope(engine) as session:
        row = session.get(EventComparison, "e1")
        assert row is not None
        data = dict(row.data)
        # the compare service found t1 carrying u2 after all: it is no longer apart on omissions
        data["omissions"] = {"units": [{"id": "u1", "articles": [m1, r1, t1], "evidence": {}}]}
        row.data = data
        row.membership_key = "n" * 64
        session.add(row)
    client.application.extensions["parallax"]["identity_cache"].clear()  # as when IDENTITY_TTL has passed
    after = client.get("/v1/events/e1/scores").get_json()
    pairs = {(pair["a"], pair["b"]): pair for pair in after["pairs"]}
    assert pairs[(m1, t1)]["components"]["omissions"]["value"] == 0.0
    assert after != before


def test_scores_explain_each_article_in_english_or_french_and_give_the_outlet_matrix(
    client: FlaskClient, newsroom: Any
) -> None:
    t1 = str(newsroom.articles["t1"])
    english = client.get("/v1/events/e1/scores").get_json()
    assert any(sentence.startswith("This article quotes") for sentence in english["explanations"][t1])
    french = client.get("/v1/events/e1/scores?lang=fr").get_json()
    assert any(sentence.startswith("Cet article") for sentence in french["explanations"][t1])
    assert french["explanations"][t1] != english["explanations"][t1]
    matrix = english["matrix"]
    assert sorted(matrix["outlets"]) == matrix["outlets"]
    assert len(matrix["distances"]) == len(matrix["outlets"])
    assert all(len(row) == len(matrix["outlets"]) for row in matrix["distances"])
    assert client.get("/v1/events/e1/scores?lang=de").status_code == 400
