"""`parallax serve`: gunicorn (or Flask's development server) really answers over HTTP; bad
settings stop it before it starts, with their message."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import Result

from parallax.cli import exit_codes
from parallax.cli.serve import serving_warnings

Invoke = Callable[..., Result]
PARALLAX = Path(sys.executable).parent / "parallax"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def get(url: str) -> tuple[int, dict[str, str]]:
    """Status and headers of GET `url` (errors included: a 404 is an answer)."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers)


def wait_for(url: str, server: subprocess.Popen[bytes], log: Path, seconds: float = 60) -> int:
    """The status of `url` once the server answers; fails if it exits or never answers."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"the server exited with {server.returncode}:\n{log.read_text()}")
        try:
            return get(url)[0]
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
    pytest.fail(f"the server did not answer in {seconds} s:\n{log.read_text()}")


@pytest.fixture
def start(tmp_path: Path) -> Iterator[Callable[..., tuple[subprocess.Popen[bytes], Path]]]:
    """Start `parallax serve OPTIONS…` in its own process group on a SQLite file; stopped afterwards."""
    started: list[subprocess.Popen[bytes]] = []
    env = {
        **os.environ,
        "PARALLAX_DATABASE_URL": f"sqlite:///{tmp_path / 'served.db'}",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("PARALLAX_REDIS_URL", None)

    def run(*options: str) -> tuple[subprocess.Popen[bytes], Path]:
        log = tmp_path / f"server-{len(started)}.log"
        with log.open("wb") as out:
            server = subprocess.Popen(
                [str(PARALLAX), "serve", *options],
                cwd=tmp_path,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own group: the dev server's reloader child goes too
            )
        started.append(server)
        return server, log

    yield run
    for server in started:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def test_serve_answers_with_gunicorn_and_stops_cleanly(
    start: Callable[..., tuple[subprocess.Popen[bytes], Path]],
) -> None:
    port = free_port()
    server, log = start("--port", str(port), "--workers", "2")
    base = f"http://127.0.0.1:{port}"
    assert wait_for(f"{base}/v1/health", server, log) == 200
    status, headers = get(f"{base}/v1/nowhere")
    assert status == 404
    assert headers["RateLimit-Limit"] == "120"  # the whole stack: keys, limits, problem+json
    assert headers["Content-Type"] == "application/problem+json"
    server.terminate()  # SIGTERM: gunicorn's graceful shutdown
    assert server.wait(timeout=30) == 0, log.read_text()
    output = log.read_text()
    assert "gunicorn" in output.lower()
    assert "GET /v1/health" in output  # the access log
    assert "each of the 2 workers counts rate limits on its own" in output


def test_serve_dev_answers_with_the_development_server(
    start: Callable[..., tuple[subprocess.Popen[bytes], Path]],
) -> None:
    port = free_port()
    server, log = start("--dev", "--port", str(port))
    assert wait_for(f"http://127.0.0.1:{port}/v1/health", server, log) == 200
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)
    assert "Debugger is active" in log.read_text()


def test_bad_settings_stop_serve_before_it_starts(invoke: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARALLAX_API_RATE_LIMIT", "lots")
    result = invoke("serve", "--port", str(free_port()))
    assert result.exit_code == exit_codes.FAILURE
    assert "PARALLAX_API_RATE_LIMIT='lots'" in result.output
    assert "N/minute" in result.output


def test_serve_warns_of_what_the_operator_should_know() -> None:
    assert serving_warnings("127.0.0.1", workers=1, workers_given=False, dev=False, shared_limits=False) == []
    assert serving_warnings("127.0.0.1", workers=4, workers_given=True, dev=False, shared_limits=True) == []
    (per_worker,) = serving_warnings("0.0.0.0", workers=4, workers_given=True, dev=False, shared_limits=False)
    assert "PARALLAX_REDIS_URL" in per_worker
    exposed, ignored = serving_warnings(
        "0.0.0.0", workers=3, workers_given=True, dev=True, shared_limits=False
    )
    assert "debugger" in exposed
    assert "--workers has no effect" in ignored
    assert serving_warnings("localhost", workers=2, workers_given=False, dev=True, shared_limits=False) == []
    assert serving_warnings("::1", workers=2, workers_given=False, dev=True, shared_limits=False) == []
