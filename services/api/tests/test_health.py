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
