"""`/v1/feeds`: feeds registered (their outlet made when new), refused with the field and the
fix, listed by status and paged, shown, paused and resumed idempotently; writes behind a
write key; every operation in the OpenAPI document with its body and answer."""

import csv
import io
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.engine import Engine
from sqlmodel import select

from parallax.api.app import create_app
from parallax.api.auth import create_key
from parallax.api.feeds import normalised_feed_url
from parallax.shared.config import Settings
from parallax.shared.db import session_scope
from parallax.shared.models import Feed, FeedStatus, Outlet

Register = Callable[..., dict[str, Any]]


@pytest.fixture
def client(app: Flask, engine: Engine) -> FlaskClient:
    """A test client of the API (reads open) that sends a key with the write scope."""
    writer = app.test_client()
    writer.environ_base["HTTP_X_API_KEY"] = make_key(engine, "write")
    return writer


@pytest.fixture
def register(client: FlaskClient) -> Register:
    """Register a feed (expecting 201); its document."""

    def run(url: str, **fields: Any) -> dict[str, Any]:
        response = client.post("/v1/feeds", json={"url": url, **fields})
        assert response.status_code == 201, response.get_json()
        document: dict[str, Any] = response.get_json()
        return document

    return run


def test_a_feed_is_registered_with_its_outlet_made_when_new(
    client: FlaskClient, register: Register, engine: Engine
) -> None:
    response = client.post(
        "/v1/feeds",
        json={
            "url": "HTTPS://Feeds.Example.org/world.xml#top",
            "outlet": " Le Temps ",
            "poll_interval_seconds": 600,
        },
    )
    assert response.status_code == 201
    feed = response.get_json()
    assert response.headers["Location"] == f"/v1/feeds/{feed['id']}"
    assert feed["url"] == "https://feeds.example.org/world.xml"
    assert feed["outlet"]["name"] == "Le Temps"
    assert feed["status"] == "active"
    assert feed["poll_interval_seconds"] == 600
    assert feed["consecutive_failures"] == 0
    assert feed["last_polled_at"] is None
    again = register("https://feeds.example.org/sport.xml", outlet="Le Temps")
    assert again["outlet"] == feed["outlet"]
    plain = register("http://wire.example/rss")
    assert plain["outlet"] is None
    assert plain["poll_interval_seconds"] == 900
    with session_scope(engine) as session:
        assert len(session.exec(select(Outlet).where(Outlet.name == "Le Temps")).all()) == 1
        assert len(session.exec(select(Feed)).all()) == 3


def test_an_existing_outlet_is_used_not_duplicated(
    client: FlaskClient, register: Register, newsroom: Any
) -> None:
    feed = register("https://www.reuters.example/rss", outlet="Reuters")
    assert feed["outlet"] == {"id": newsroom.outlets["Reuters"], "name": "Reuters"}
    outlets = client.get("/v1/outlets").get_json()["items"]
    assert [outlet["name"] for outlet in outlets] == ["Le Monde", "Reuters", "TASS"]


def test_a_url_registered_already_is_a_409_pointing_to_the_feed(
    client: FlaskClient, register: Register
) -> None:
    feed = register("https://example.org/rss.xml")
    response = client.post("/v1/feeds", json={"url": "https://EXAMPLE.org/rss.xml", "outlet": "Other"})
    assert response.status_code == 409
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert problem["feed_id"] == feed["id"]
    assert problem["feed"] == f"/v1/feeds/{feed['id']}"
    assert problem["field"] == "/url"
    assert f"GET /v1/feeds/{feed['id']}" in problem["fix"]
    assert len(client.get("/v1/feeds").get_json()["items"]) == 1


@pytest.mark.parametrize(
    ("body", "field", "in_detail", "in_fix"),
    [
        ({"url": "ftp://example.org/feed"}, "/url", "scheme 'ftp'", "https://"),
        ({"url": "example.org/feed"}, "/url", "no scheme", "https://"),
        ({"url": "https:///feed.xml"}, "/url", "no host", "https://"),
        ({"url": "https://example.org:99999/"}, "/url", "cannot be read", "https://"),
        ({"url": "https://exa mple.org/"}, "/url", "spaces", "https://"),
        ({"url": "https://me:secret@example.org/"}, "/url", "password", "https://"),
        ({"url": 42}, "/url", "string", "https://"),
        ({"outlet": "Reuters"}, "/url", "required", "https://"),
        ({"url": "https://example.org/", "outlet": "  "}, "/outlet", "empty", "leave it out"),
        ({"url": "https://example.org/", "outlet": "A\x00B"}, "/outlet", "control", "leave it out"),
        (
            {"url": "https://example.org/", "poll_interval_seconds": 59},
            "/poll_interval_seconds",
            "60",
            "86,400",
        ),
        (
            {"url": "https://example.org/", "poll_interval_seconds": 86_401},
            "/poll_interval_seconds",
            "86400",
            "60",
        ),
        (
            {"url": "https://example.org/", "poll_interval_seconds": "900"},
            "/poll_interval_seconds",
            "integer",
            "60",
        ),
        ({"url": "https://example.org/", "poll_interval": 900}, "/poll_interval", "not permitted", "Remove"),
    ],
)
def test_a_bad_registration_is_a_400_naming_the_field_and_the_fix(
    client: FlaskClient, body: dict[str, Any], field: str, in_detail: str, in_fix: str
) -> None:
    response = client.post("/v1/feeds", json=body)
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert problem["field"] == field
    assert in_detail in problem["detail"]
    assert in_fix in problem["fix"]
    assert client.get("/v1/feeds").get_json()["items"] == []


def test_a_body_that_is_not_a_json_object_is_refused(client: FlaskClient) -> None:
    not_json = client.post("/v1/feeds", data="url=https://example.org/", content_type="text/plain")
    assert not_json.status_code == 415
    assert "application/json" in not_json.get_json()["fix"]
    a_list = client.post("/v1/feeds", json=["https://example.org/"])
    assert a_list.status_code == 400
    assert a_list.get_json()["field"] == ""
    broken = client.post("/v1/feeds", data="{", content_type="application/json")
    assert broken.status_code == 400


def test_urls_are_normalised_for_storage() -> None:
    assert normalised_feed_url(" https://Example.ORG ") == "https://example.org/"
    assert normalised_feed_url("http://example.org:8080/a?b=1#c") == "http://example.org:8080/a?b=1"
    assert normalised_feed_url("http://[::1]:8080/rss") == "http://[::1]:8080/rss"
    with pytest.raises(ValueError, match="no host"):
        normalised_feed_url("http://:80/")


def test_feeds_are_listed_filtered_by_status_and_paged(client: FlaskClient, register: Register) -> None:
    ids = [register(f"https://example.org/{n}.xml")["id"] for n in range(5)]
    assert client.post(f"/v1/feeds/{ids[1]}/pause").status_code == 200
    assert client.post(f"/v1/feeds/{ids[3]}/pause").status_code == 200
    first = client.get("/v1/feeds?limit=2").get_json()
    assert [item["id"] for item in first["items"]] == ids[:2]
    rest = client.get(first["next"]).get_json()
    assert [item["id"] for item in rest["items"]] == ids[2:4]
    last = client.get(rest["next"]).get_json()
    assert [item["id"] for item in last["items"]] == ids[4:]
    assert last["next"] is None
    paused = client.get("/v1/feeds?status=paused").get_json()["items"]
    assert [item["id"] for item in paused] == [ids[1], ids[3]]
    active = client.get("/v1/feeds?status=active&limit=2").get_json()
    assert [item["id"] for item in client.get(active["next"]).get_json()["items"]] == [ids[4]]
    assert client.get("/v1/feeds?status=failing").get_json()["items"] == []


def test_a_bad_filter_or_a_cursor_from_another_filter_is_a_400(
    client: FlaskClient, register: Register
) -> None:
    for n in range(3):
        register(f"https://example.org/{n}.xml")
    bad = client.get("/v1/feeds?status=broken")
    assert bad.status_code == 400
    assert bad.get_json()["field"] == "status"
    cursor = client.get("/v1/feeds?limit=1").get_json()["next_cursor"]
    replayed = client.get(f"/v1/feeds?status=active&cursor={cursor}")
    assert replayed.status_code == 400
    assert replayed.get_json()["field"] == "cursor"


def test_feeds_answer_csv(client: FlaskClient, register: Register) -> None:
    register("https://example.org/a.xml", outlet="=Danger")
    register("https://example.org/b.xml")
    response = client.get("/v1/feeds", headers={"Accept": "text/csv"})
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [row["url"] for row in rows] == ["https://example.org/a.xml", "https://example.org/b.xml"]
    assert rows[0]["outlet_name"] == "'=Danger"  # not a formula where the CSV is opened
    assert rows[1]["outlet_name"] == ""
    assert rows[1]["status"] == "active"


def test_one_feed_is_shown_and_an_unknown_one_is_a_404(client: FlaskClient, register: Register) -> None:
    feed = register("https://example.org/rss", outlet="Le Temps")
    shown = client.get(f"/v1/feeds/{feed['id']}")
    assert shown.status_code == 200
    assert shown.headers["ETag"]
    assert shown.get_json() == feed
    assert {"last_error", "etag", "last_modified", "created_at"} <= set(feed)
    for path in ("/v1/feeds/999", "/v1/feeds/99999999999", "/v1/feeds/999/pause", "/v1/feeds/999/resume"):
        response = client.get(path) if path.count("/") == 3 else client.post(path)
        assert response.status_code == 404, path
        assert response.mimetype == "application/problem+json"
        assert "GET /v1/feeds" in response.get_json()["fix"]


def test_pause_and_resume_are_idempotent_and_resume_forgets_failures(
    client: FlaskClient, register: Register, engine: Engine
) -> None:
    feed_id = register("https://example.org/rss")["id"]
    for _ in range(2):
        paused = client.post(f"/v1/feeds/{feed_id}/pause")
        assert paused.status_code == 200
        assert paused.get_json()["status"] == "paused"
    for _ in range(2):
        resumed = client.post(f"/v1/feeds/{feed_id}/resume")
        assert resumed.get_json()["status"] == "active"
    with session_scope(engine) as session:
        row = session.get(Feed, feed_id)
        assert row is not None
        row.status, row.consecutive_failures, row.last_error = FeedStatus.FAILING, 4, "HTTP 503"
        session.add(row)
    failing = client.get("/v1/feeds?status=failing").get_json()["items"]
    assert [item["id"] for item in failing] == [feed_id]
    resumed = client.post(f"/v1/feeds/{feed_id}/resume").get_json()
    assert (resumed["status"], resumed["consecutive_failures"], resumed["last_error"]) == (
        "active",
        0,
        "HTTP 503",
    )


def keyed_client(engine: Engine) -> FlaskClient:
    """A client of the API with keys required."""
    settings = Settings(
        database_url=engine.url.render_as_string(hide_password=False),
        api_keys_required=True,
        auto_migrate=False,
    )
    app = create_app(settings, engine=engine)
    app.config["TESTING"] = True
    return app.test_client()


def make_key(engine: Engine, *scopes: str) -> str:
    with session_scope(engine) as session:
        key, _ = create_key("feeds-test", scopes, session=session)
    return key


def test_writes_need_a_write_key_and_reads_a_read_key(engine: Engine) -> None:
    client = keyed_client(engine)
    reader = {"X-API-Key": make_key(engine, "read")}
    writer = {"X-API-Key": make_key(engine, "write")}
    body = {"url": "https://example.org/rss"}
    anonymous = client.post("/v1/feeds", json=body)
    assert anonymous.status_code == 401
    assert anonymous.get_json()["required_scope"] == "write"
    assert client.get("/v1/feeds").status_code == 401
    refused = client.post("/v1/feeds", json=body, headers=reader)
    assert refused.status_code == 403
    assert "--scope write" in refused.get_json()["fix"]
    created = client.post("/v1/feeds", json=body, headers=writer)
    assert created.status_code == 201
    feed_id = created.get_json()["id"]
    for action in ("pause", "resume"):
        assert client.post(f"/v1/feeds/{feed_id}/{action}", headers=reader).status_code == 403
        assert client.post(f"/v1/feeds/{feed_id}/{action}").status_code == 401
        assert client.post(f"/v1/feeds/{feed_id}/{action}", headers=writer).status_code == 200
    assert client.get("/v1/feeds", headers=reader).get_json()["items"][0]["id"] == feed_id
    assert client.get(f"/v1/feeds/{feed_id}", headers=reader).status_code == 200


def test_with_reads_open_writes_still_need_a_write_key(app: Flask, register: Register) -> None:
    anonymous = app.test_client()
    feed_id = register("https://example.org/rss")["id"]
    assert anonymous.get(f"/v1/feeds/{feed_id}").status_code == 200
    for path in ("/v1/feeds", f"/v1/feeds/{feed_id}/pause", f"/v1/feeds/{feed_id}/resume"):
        response = anonymous.post(path, json={"url": "https://example.org/other"})
        assert response.status_code == 401, path
        assert response.get_json()["required_scope"] == "write"


def test_every_feed_operation_is_in_the_openapi_document(app: Flask) -> None:
    document = app.test_client().get("/v1/openapi.json").get_json()
    paths = document["paths"]
    register = paths["/v1/feeds"]["post"]
    body = register["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    schema = document["components"]["schemas"][body.rsplit("/", 1)[1]]
    assert set(schema["properties"]) == {"url", "outlet", "poll_interval_seconds"}
    assert schema["required"] == ["url"]
    interval = schema["properties"]["poll_interval_seconds"]
    assert (interval["minimum"], interval["maximum"]) == (60, 86400)
    assert {"201", "400", "401", "403", "409", "415"} <= set(register["responses"])
    assert "304" not in register["responses"]
    listed = paths["/v1/feeds"]["get"]
    assert "text/csv" in listed["responses"]["200"]["content"]
    assert {p["name"] for p in listed["parameters"]} == {"status", "limit", "cursor"}
    for path in ("/v1/feeds/{feed_id}", "/v1/feeds/{feed_id}/pause", "/v1/feeds/{feed_id}/resume"):
        (operation,) = paths[path].values()
        assert operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
            "/FeedDetail"
        )
        assert "404" in operation["responses"]
