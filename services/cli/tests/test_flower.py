"""`parallax flower`: Flower really answers over HTTP on the composed worker app, asks for the
credentials it was given, and stops cleanly on SIGTERM."""

import base64
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from parallax.cli import exit_codes
from parallax.cli.flower import basic_auth_credentials, flower, is_loopback
from parallax.cli.state import CliState

PARALLAX = Path(sys.executable).parent / "parallax"
USER, PASSWORD = "watcher", "s3cret-word"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def get(url: str, *, credentials: str | None = None) -> tuple[int, str]:
    """Status and body of GET `url` (errors included: a 401 is an answer)."""
    request = urllib.request.Request(url)
    if credentials is not None:
        request.add_header("Authorization", "Basic " + base64.b64encode(credentials.encode()).decode())
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""


@pytest.fixture
def flower_server(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], int, Path]]:
    """`parallax flower` on a free port, a SQLite broker and basic auth; killed afterwards if still up."""
    port = free_port()
    env = {
        **os.environ,
        "PARALLAX_BROKER_URL": f"sqla+sqlite:///{tmp_path / 'broker.db'}",
        "PARALLAX_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}",
        "PARALLAX_FLOWER_BASIC_AUTH": f"{USER}:{PASSWORD}",
        "PYTHONUNBUFFERED": "1",
    }
    log = tmp_path / "flower.log"
    with log.open("wb") as out:
        # The working directory is the temporary one: Flower reads a flowerconfig.py from it.
        server = subprocess.Popen(
            [str(PARALLAX), "flower", "--port", str(port)],
            cwd=tmp_path,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    yield server, port, log
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def wait_for_health(server: subprocess.Popen[bytes], port: int, log: Path, seconds: float = 60) -> str:
    """The body of /healthcheck once Flower answers; fails if it exits or never answers."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"flower exited with {server.returncode}:\n{log.read_text()}")
        try:
            status, body = get(f"http://127.0.0.1:{port}/healthcheck")
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
            continue
        assert status == 200, log.read_text()
        return body
    pytest.fail(f"flower did not answer in {seconds} s:\n{log.read_text()}")


def test_flower_answers_asks_for_credentials_and_stops_on_sigterm(
    flower_server: tuple[subprocess.Popen[bytes], int, Path],
) -> None:
    server, port, log = flower_server
    assert wait_for_health(server, port, log) == "OK"  # no credentials: what health checks call
    dashboard = f"http://127.0.0.1:{port}/"
    assert get(dashboard)[0] == 401
    assert get(dashboard, credentials=f"{USER}:wrong")[0] == 401
    status, page = get(dashboard, credentials=f"{USER}:{PASSWORD}")
    assert status == 200
    assert "Flower" in page
    server.send_signal(signal.SIGTERM)
    assert server.wait(timeout=30) == 0, log.read_text()
    output = log.read_text()
    assert f"Visit me at http://127.0.0.1:{port}" in output
    assert PASSWORD not in output


def test_flower_refuses_malformed_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARALLAX_FLOWER_BASIC_AUTH", "watcher")
    result = CliRunner().invoke(flower, [], obj=CliState())
    assert result.exit_code == exit_codes.USAGE, result.output
    assert "expected user:password" in result.output


def test_basic_auth_credentials_are_user_password_pairs() -> None:
    assert basic_auth_credentials(None) is None
    assert basic_auth_credentials("  ") is None
    assert basic_auth_credentials("a:b, c:d:e") == ["a:b", "c:d:e"]  # a password may hold colons


def test_only_loopback_addresses_count_as_private() -> None:
    assert is_loopback("127.0.0.1")
    assert is_loopback("localhost")
    assert is_loopback("::1")
    assert not is_loopback("0.0.0.0")
    assert not is_loopback("flower.example.org")
