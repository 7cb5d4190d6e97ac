"""The container set-up, checked with what runs here (no Docker engine on this machine):
the compose file is valid YAML with health checks, and every command it runs exists."""

from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from parallax.cli.main import cli


@pytest.fixture(scope="module")
def compose(pytestconfig: pytest.Config) -> dict[str, Any]:
    path = pytestconfig.rootpath / "docker" / "compose.yaml"
    loaded: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return loaded


def test_stateful_services_have_health_checks_and_volumes(compose: dict[str, Any]) -> None:
    for name in ("postgres", "redis"):
        service = compose["services"][name]
        assert service["healthcheck"]["test"], name
        assert service["volumes"], name


def test_every_parallax_service_runs_a_real_command(compose: dict[str, Any]) -> None:
    runner = CliRunner()
    commands = [s["command"] for s in compose["services"].values() if s.get("image") == "parallax:latest"]
    assert commands
    for command in commands:
        result = runner.invoke(cli, [*command, "--help"] if command != ["--help"] else ["--help"])
        assert result.exit_code == 0, command


def test_the_database_url_points_at_the_compose_postgres(compose: dict[str, Any]) -> None:
    migrate = compose["services"]["migrate"]
    assert migrate["environment"]["PARALLAX_DATABASE_URL"].endswith("@postgres:5432/parallax")
    assert migrate["depends_on"]["postgres"]["condition"] == "service_healthy"


def test_the_image_installs_every_distribution(pytestconfig: pytest.Config) -> None:
    dockerfile = (pytestconfig.rootpath / "docker" / "Dockerfile").read_text(encoding="utf-8")
    distributions = [
        p.parent
        for p in pytestconfig.rootpath.glob("**/pyproject.toml")
        if p.parent != pytestconfig.rootpath and ".venv" not in p.parts
    ]
    for folder in distributions:
        relative = Path(folder).relative_to(pytestconfig.rootpath)
        assert f"./{relative}" in dockerfile, f"docker/Dockerfile does not install {relative}"
