"""The API answers, in problem+json when it cannot: unknown paths and methods name the fix."""

from flask.testing import FlaskClient


def test_health_answers_ok_when_the_database_does(client: FlaskClient) -> None:
    response = client.get("/v1/health")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_unknown_paths_and_methods_are_problem_details_with_the_fix(client: FlaskClient) -> None:
    missing = client.get("/v1/nowhere")
    assert missing.status_code == 404
    assert missing.mimetype == "application/problem+json"
    assert missing.get_json()["fix"].startswith("Check the path")
    wrong = client.post("/v1/health")
    assert wrong.status_code == 405
    assert "GET" in wrong.headers["Allow"]


def test_a_database_out_of_reach_is_a_503_with_retry_after() -> None:
    from sqlalchemy import create_engine

    from parallax.api.app import create_app
    from parallax.shared.config import Settings

    # A PostgreSQL URL on a port where nothing listens: every query fails to connect.
    dead = "postgresql+psycopg://parallax@127.0.0.1:1/parallax?connect_timeout=1"
    settings = Settings(database_url=dead, api_keys_required=False, auto_migrate=False)
    client = create_app(settings, engine=create_engine(dead)).test_client()
    response = client.get("/v1/events")
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    assert response.headers["Retry-After"] == "5"
    assert response.get_json()["fix"] == "Try again in a few seconds."
