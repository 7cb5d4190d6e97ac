"""The API against its own OpenAPI document: schemathesis sends generated requests to every
operation of a served API (gunicorn, `parallax serve`) holding a compared event, and must find
no server error and no answer that breaks the document's schemas."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
BIN = Path(sys.executable).parent
SEED_EVENT = ROOT / "services" / "compare" / "tests" / "data" / "seed_event" / "articles.jsonl"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def served(tmp_path: Path) -> tuple[str, dict[str, str]]:
    """A served API on a SQLite file with the seed event's constructed articles ingested,
    annotated, clustered and compared; its base URL, and the environment used."""
    environment = {
        **os.environ,
        "PARALLAX_DATABASE_URL": f"sqlite:///{tmp_path / 'api.db'}",
        "PARALLAX_API_KEYS_REQUIRED": "false",
        "PARALLAX_API_RATE_LIMIT": "1000000/minute",
    }
    records = [json.loads(line) for line in SEED_EVENT.read_text(encoding="utf-8").splitlines()]
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    for command in (
        ["ingest", str(source)],
        ["annotate", "--stored"],
        ["events", "assign"],
        ["events", "compare"],
    ):
        subprocess.run([str(BIN / "parallax"), *command], env=environment, check=True, capture_output=True)
    port = free_port()
    server = subprocess.Popen(
        [str(BIN / "parallax"), "serve", "--port", str(port), "--workers", "2"],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(f"{base}/v1/health", timeout=1).read()
                break
            except OSError:
                time.sleep(0.2)
        yield base, environment
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_no_server_error_and_no_schema_violation(served: tuple[str, dict[str, str]], tmp_path: Path) -> None:
    base, environment = served
    result = subprocess.run(
        [
            str(BIN / "schemathesis"),
            "run",
            f"{base}/v1/openapi.json",
            "--checks",
            "not_a_server_error,response_schema_conformance",
            "--max-examples",
            "30",
            "--generation-deterministic",
        ],
        env={**environment, "NO_COLOR": "1"},
        cwd=tmp_path,  # schemathesis keeps its cache in the working directory
        capture_output=True,
        text=True,
        timeout=600,
        check=False,  # the assertion shows schemathesis's report
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
