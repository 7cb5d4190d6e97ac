"""`/v1/jobs`: ingest runs, the most recent first, running or finished, with their counts;
an unknown job is a 404 problem."""

import datetime as dt

from flask.testing import FlaskClient
from sqlalchemy.engine import Engine

from parallax.shared.db import session_scope
from parallax.shared.models import IngestRun


def runs(engine: Engine) -> list[int]:
    started = dt.datetime(2022, 2, 3, 9, tzinfo=dt.UTC)
    ids = []
    with session_scope(engine) as session:
        for number in range(3):
            run = IngestRun(
                sources=[f"https://example.org/{number}/{i}" for i in range(25)],
                started_at=started + dt.timedelta(minutes=number),
                finished_at=None if number == 2 else started + dt.timedelta(minutes=number, seconds=5),
                status="running" if number == 2 else "failed" if number == 1 else "succeeded",
                kind="poll_feed" if number == 1 else "ingest",
                trigger="schedule" if number == 1 else "command",
                error="FetchError: the feed answered 500" if number == 1 else None,
                counts={"stored": number, "rejected": 0},
            )
            session.add(run)
            session.flush()
            ids.append(run.id or 0)
    return ids


def test_jobs_are_listed_most_recent_first_with_their_state(client: FlaskClient, engine: Engine) -> None:
    first, second, third = runs(engine)
    listed = client.get("/v1/jobs").get_json()
    assert [job["id"] for job in listed["items"]] == [third, second, first]
    assert [job["status"] for job in listed["items"]] == ["running", "failed", "succeeded"]
    assert listed["items"][0]["source_count"] == 25
    assert len(listed["items"][0]["sources"]) == 20
    page = client.get("/v1/jobs?limit=2").get_json()
    assert [job["id"] for job in page["items"]] == [third, second]
    rest = client.get(page["next"]).get_json()
    assert [job["id"] for job in rest["items"]] == [first]
    running = client.get("/v1/jobs?status=running").get_json()
    assert [job["id"] for job in running["items"]] == [third]
    finished = client.get("/v1/jobs?status=finished").get_json()
    assert [job["id"] for job in finished["items"]] == [second, first]
    polls = client.get("/v1/jobs?kind=poll_feed").get_json()
    assert [(job["id"], job["trigger"], job["error"]) for job in polls["items"]] == [
        (second, "schedule", "FetchError: the feed answered 500")
    ]
    assert client.get("/v1/jobs?kind=nonsense").status_code == 400


def test_one_job_and_an_unknown_one(client: FlaskClient, engine: Engine) -> None:
    first, _, _ = runs(engine)
    job = client.get(f"/v1/jobs/{first}").get_json()
    assert (job["kind"], job["status"], job["counts"]["stored"]) == ("ingest", "succeeded", 0)
    missing = client.get("/v1/jobs/999999")
    assert missing.status_code == 404
    assert missing.mimetype == "application/problem+json"
    assert missing.get_json()["field"] == "job_id"
