"""`/v1/outlets`: by name with their article counts, paged; one with the events it covered."""

from typing import Any

from flask.testing import FlaskClient
from sqlalchemy.engine import Engine

from parallax.shared.db import session_scope
from parallax.shared.models import EventComparison


def test_outlets_are_listed_by_name_with_their_article_counts(client: FlaskClient, newsroom: Any) -> None:
    items = client.get("/v1/outlets").get_json()["items"]
    assert [(item["name"], item["article_count"]) for item in items] == [
        ("Le Monde", 2),
        ("Reuters", 3),
        ("TASS", 1),
    ]


def test_outlet_pages_follow_by_name(client: FlaskClient, newsroom: Any) -> None:
    first = client.get("/v1/outlets?limit=2").get_json()
    assert [item["name"] for item in first["items"]] == ["Le Monde", "Reuters"]
    second = client.get(first["next"]).get_json()
    assert [item["name"] for item in second["items"]] == ["TASS"]
    assert second["next"] is None


def test_an_outlet_has_its_article_count_and_the_events_it_covered(
    client: FlaskClient, newsroom: Any
) -> None:
    reuters = newsroom.outlets["Reuters"]
    outlet = client.get(f"/v1/outlets/{reuters}").get_json()
    assert outlet["name"] == "Reuters"
    assert outlet["article_count"] == 3
    assert outlet["event_count"] == 2
    assert [(event["id"], event["articles_from_outlet"]) for event in outlet["events"]] == [
        ("e2", 1),
        ("e1", 1),
    ]
    assert client.get(outlet["events_url"]).get_json()["items"][0]["id"] == "e2"


def test_an_unknown_outlet_is_a_404_problem(client: FlaskClient, newsroom: Any) -> None:
    response = client.get("/v1/outlets/999")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert "GET /v1/outlets" in response.get_json()["fix"]


def test_an_outlets_profile_and_blind_spots(client: FlaskClient, newsroom: Any, engine: Engine) -> None:
    ids = {name: str(newsroom.articles[name]) for name in ("m1", "r1", "t1")}
    with session_scope(engine) as session:
        row = session.get(EventComparison, "e1")
        assert row is not None
        data = dict(row.data)
        outlets = {ids["m1"]: "Le Monde", ids["r1"]: "Reuters", ids["t1"]: "TASS"}
        data["articles"] = [{**article, "outlet": outlets[article["id"]]} for article in data["articles"]]
        row.data = data
        session.add(row)
    tass = client.get(f"/v1/outlets/{newsroom.outlets['TASS']}/profile").get_json()
    assert tass["outlet"]["name"] == "TASS"
    assert (tass["profile"]["events"], tass["profile"]["articles"]) == (1, 1)
    assert tass["profile"]["sides"] == {}  # the test report names no speaker
    # Le Monde and Reuters covered the storm in Brittany; TASS did not
    assert tass["blind_spots"]["comparable_outlets"] == ["Le Monde", "Reuters"]
    assert [spot["event"] for spot in tass["blind_spots"]["blind_spots"]] == ["e2"]
    monde = client.get(f"/v1/outlets/{newsroom.outlets['Le Monde']}/profile").get_json()
    assert monde["blind_spots"]["blind_spots"] == []
    assert client.get("/v1/outlets/999999/profile").status_code == 404
