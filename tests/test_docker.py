"""The container set-up, checked with what runs here (no Docker engine on this machine): the
compose file is valid against the Compose specification, every long-running service has a
health check and waits for what it needs, every command it runs exists in the `parallax`
CLI, every image it builds is a target of the Dockerfile, and every queue has a worker."""

import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from parallax.cli.main import cli
from parallax.shared.pipeline import QUEUES

# Services that run once and exit: no health check; others wait for them to complete.
ONE_OFF = {"migrate", "parallax"}
PRODUCTION_ENVIRONMENT = {
    "PARALLAX_DATABASE_URL": "postgresql+psycopg://parallax:parallax@postgres:5432/parallax",
    "PARALLAX_BROKER_URL": "redis://redis:6379/0",
    "PARALLAX_REDIS_URL": "redis://redis:6379/1",
    "PARALLAX_AUTO_MIGRATE": "false",
}


@pytest.fixture(scope="module")
def compose(pytestconfig: pytest.Config) -> dict[str, Any]:
    path = pytestconfig.rootpath / "docker" / "compose.yaml"
    loaded: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return loaded


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = compose["services"]
    return found


@pytest.fixture(scope="module")
def built(services: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The services that run a Parallax image (built from docker/Dockerfile)."""
    return {name: service for name, service in services.items() if "build" in service}


@pytest.fixture(scope="module")
def stages(pytestconfig: pytest.Config) -> dict[str, list[str]]:
    """The Dockerfile's stages by name, each as its instructions (continuation lines joined)."""
    text = (pytestconfig.rootpath / "docker" / "Dockerfile").read_text(encoding="utf-8")
    instructions = [
        line.strip()
        for line in re.sub(r"\\\n", " ", text).splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    found: dict[str, list[str]] = {}
    current: list[str] = []
    for instruction in instructions:
        start = re.fullmatch(r"FROM\s+\S+\s+AS\s+(\S+)", instruction, flags=re.IGNORECASE)
        if start:
            current = found.setdefault(start.group(1), [])
        current.append(instruction)
    return found


def stage_command(instructions: list[str], keyword: str) -> list[str] | None:
    """The exec-form command of a stage's CMD or HEALTHCHECK, if it has one."""
    for instruction in instructions:
        match = re.fullmatch(rf"{keyword}\s+(?:--\S+\s+)*(?:CMD\s+)?(\[.*\])", instruction)
        if match:
            command: list[str] = json.loads(match.group(1))
            return command
    return None


def test_compose_follows_the_compose_specification(compose: dict[str, Any]) -> None:
    pytest.importorskip(
        "check_jsonschema", reason="the Compose schema comes with check-jsonschema (requirements-dev.txt)"
    )
    from jsonschema.validators import validator_for  # type: ignore[import-untyped]  # no stubs

    schema_file = resources.files("check_jsonschema.builtin_schemas.vendor") / "compose-spec.json"
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    validator = validator_for(schema)(schema)
    problems = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(compose)]
    assert not problems, "\n".join(problems)


def test_stateful_services_have_health_checks_and_volumes(services: dict[str, dict[str, Any]]) -> None:
    for name in ("postgres", "redis"):
        assert services[name]["healthcheck"]["test"], name
        assert services[name]["volumes"], name


def test_every_long_running_service_has_a_health_check_and_restarts(
    services: dict[str, dict[str, Any]],
) -> None:
    for name, service in services.items():
        if name in ONE_OFF:
            assert service["restart"] == "no", f"{name} runs once: restarting it would run it again"
            assert "healthcheck" not in service, name
        else:
            assert service["healthcheck"]["test"], f"{name} has no health check"
            assert service["restart"] == "unless-stopped", name


def test_every_dependency_exists_and_is_waited_for_properly(services: dict[str, dict[str, Any]]) -> None:
    for name, service in services.items():
        depends_on = service.get("depends_on", {})
        assert isinstance(depends_on, dict), f"{name}: depends_on needs conditions, not a list"
        for target, condition in depends_on.items():
            assert target in services, f"{name} depends on {target}, which compose.yaml lacks"
            expected = "service_completed_successfully" if target in ONE_OFF else "service_healthy"
            assert condition["condition"] == expected, f"{name} -> {target}"


def test_named_volumes_are_declared(compose: dict[str, Any], services: dict[str, dict[str, Any]]) -> None:
    for name, service in services.items():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if not source.startswith((".", "/")):
                assert source in compose["volumes"], f"{name} mounts the undeclared volume {source}"


def test_every_parallax_command_in_compose_exists(built: dict[str, dict[str, Any]]) -> None:
    """Service commands (arguments of the `parallax` entry point) and health checks that run
    `parallax`; a command or option missing from the CLI (parallax.cli.main) fails here."""
    commands = [service["command"] for service in built.values()]
    commands += [
        service["healthcheck"]["test"][2:]
        for service in built.values()
        if service.get("healthcheck", {}).get("test", [])[:2] == ["CMD", "parallax"]
    ]
    assert len(commands) > len(built)  # the workers' health checks were found too
    runner = CliRunner()
    for command in commands:
        arguments = command if "--help" in command else [*command, "--help"]
        result = runner.invoke(cli, arguments)
        assert result.exit_code == 0, f"parallax {' '.join(command)}: {result.output}"


def test_every_image_is_a_target_of_the_dockerfile(
    built: dict[str, dict[str, Any]], stages: dict[str, list[str]]
) -> None:
    for name, service in built.items():
        assert service["build"]["dockerfile"] == "docker/Dockerfile", name
        assert service["build"]["target"] in stages, f"{name}: no stage {service['build']['target']}"
    images = [service["image"] for service in built.values()]
    assert len(set(images)) == len(images), "two services would overwrite each other's image"


def test_compose_runs_what_each_image_runs_alone(
    built: dict[str, dict[str, Any]], stages: dict[str, list[str]]
) -> None:
    """The command and health check of each target are the ones compose states."""
    for name, service in built.items():
        instructions = stages[service["build"]["target"]]
        assert stage_command(instructions, "CMD") == service["command"], name
        if "healthcheck" in service:
            assert stage_command(instructions, "HEALTHCHECK") == service["healthcheck"]["test"][1:], name


def test_every_queue_has_a_worker(built: dict[str, dict[str, Any]]) -> None:
    consumed = set()
    for service in built.values():
        command = service["command"]
        if command[0] == "worker":
            consumed.update(command[command.index("--queues") + 1].split(","))
    assert consumed == set(QUEUES)


def test_every_parallax_service_uses_the_compose_database_and_broker(
    built: dict[str, dict[str, Any]],
) -> None:
    for name, service in built.items():
        environment = service["environment"]
        assert {key: environment[key] for key in PRODUCTION_ENVIRONMENT} == PRODUCTION_ENVIRONMENT, name


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
