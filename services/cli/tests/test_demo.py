"""`parallax demo`: the bundled corpus ingested, annotated and clustered, what Parallax makes visible shown."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from parallax.cli.demo import free_port

Invoke = Callable[..., Result]
PARALLAX = Path(sys.executable).parent / "parallax"

# The headlines of the demo corpus's reports of the Macron–Putin call of 3 February 2022
# (the real Radio Habana Cuba article and the constructed ones), and of the Putin–Xi meeting in
# Beijing on 4 February 2022 (constructed), the event that shares actors with the call.
CALL = (
    "Tensions en Europe : Poutine et Macron ont discuté des «garanties» de sécurité de la Russie",
    "Macron and Putin speak by phone as tensions over Ukraine persist",
    "Ukraine : nouvel entretien téléphonique entre Emmanuel Macron et Vladimir Poutine",
    "Ukraine : Emmanuel Macron s'entretient de nouveau avec Vladimir Poutine",
    "Macron calls Putin again as France pursues European diplomacy over Ukraine",
    'Putin accuses Kyiv of "provocative" actions in call with Macron',
    "Appel Macron-Poutine : ce que signifie l'accusation du Kremlin contre Kiev",
)
BEIJING = (
    'Xi and Putin declare friendship with "no limits" as Beijing Winter Olympics open',
    "Jeux d'hiver : à Pékin, Xi Jinping et Vladimir Poutine affichent une amitié « sans limites »",
)


def _events(output: str) -> list[str]:
    """The blocks of the "events they report" part of the demo's output, one per event."""
    part = output.split("The events they report:", maxsplit=1)[1]
    part = part.split("How the articles of each event differ", maxsplit=1)[0]
    return [block for block in re.split(r"\n(?=  Event )", part) if block.strip().startswith("Event ")]


def _member_titles(block: str) -> set[str]:
    """The headlines of an event's members (the line under each member's line)."""
    lines = block.splitlines()
    return {lines[i + 1].strip() for i, line in enumerate(lines[:-1]) if line.startswith("    [")}


def test_the_demo_shows_the_reference_article_cleaned_and_annotated(invoke: Invoke) -> None:
    first = invoke("demo")
    assert first.exit_code == 0, first.output
    assert "9 stored, 0 duplicates, 1 revision, 0 refused" in first.output
    assert "refused:" not in first.output
    assert "dateline kept   'Moscou/Paris, 3 février (RHC)'" in first.output
    assert "gouvernement de Russie" not in first.output
    assert "Kremlin (metonym)" in first.output
    assert "'martèle' (distancing_verb)" in first.output
    assert "«clair» (text)" in first.output
    assert "Put 9 article(s) in events (2 new)" in first.output
    # every article is in one event
    assert first.output.count("started it") + first.output.count("joined, p=") == 9
    # the French and English reports of the call meet in one event; the Beijing meeting,
    # a day later and naming Putin and NATO too, is another
    events = _events(first.output)
    assert len(events) == 2, events
    call = next(block for block in events if CALL[0] in block)
    beijing = next(block for block in events if BEIJING[0] in block)
    assert call != beijing
    assert _member_titles(call) == set(CALL)
    assert _member_titles(beijing) == set(BEIJING)
    assert "7 articles · 2022-02-03 · languages en, fr" in call
    assert "2 articles · 2022-02-04 · languages en, fr" in beijing
    # the events compared, and each article explained against the others
    assert "Compared 2 event(s); 0 already up to date." in first.output
    assert "(“provocatrices”, “martèle”)" in first.output
    assert "This article quotes gouvernement russe 6 times" in first.output
    # the constructed angles show: whom each lets speak (the Élysée-centred account the
    # French side, the Ukraine-centred ones Kyiv), the distancing words of one, omissions
    assert "This article quotes gouvernement français 2 times" in first.output
    assert "This article quotes gouvernement ukrainien 3 times" in first.output
    assert "(“claimed”, “insisting”, “so-called”)" in first.output
    assert "It leaves out 1 thing that most other articles report" in first.output
    again = invoke("demo")
    assert "0 stored, 10 duplicates" in again.output
    assert "Annotated 0 article(s); 9 already up to date." in again.output
    assert "Put 0 article(s) in events (0 new)." in again.output
    assert "Compared 0 event(s); 2 already up to date." in again.output
    assert (
        again.output.split("The events they report:")[1] == first.output.split("The events they report:")[1]
    )


def test_a_busy_port_is_skipped_for_the_next_free_one() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = taken.getsockname()[1]
        chosen = free_port(busy)
    assert chosen is not None
    assert chosen != busy


def test_make_demo_serves_the_classroom_and_prints_its_address(tmp_path: Path) -> None:
    """What `make demo` runs: the corpus stored, taken through the pipeline by a Celery worker
    on the embedded broker (a SQLite file), then the pages served on the port printed, the demo
    event among them (real processes: the command, its worker, gunicorn)."""
    env = {
        **os.environ,
        "PARALLAX_DATABASE_URL": f"sqlite:///{tmp_path / 'demo.db'}",
        # the embedded default (the suite's memory:// broker lives in one process only)
        "PARALLAX_BROKER_URL": f"sqla+sqlite:///{tmp_path / 'broker.db'}",
        "PARALLAX_INGEST_WORKERS": "1",
        "PYTHONUNBUFFERED": "1",
    }
    log = tmp_path / "demo.log"
    with log.open("wb") as out:
        demo = subprocess.Popen(
            [str(PARALLAX), "demo", "--serve", "--port", str(free_port(18000) or 18000)],
            cwd=tmp_path,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        address = _printed_address(demo, log)
        with urllib.request.urlopen(address, timeout=10) as response:
            events = response.read().decode()
        assert "Parallax classroom" in events
        assert 'href="/events/e000001"' in events
        with urllib.request.urlopen(address + "events/e000001", timeout=30) as response:
            assert response.read().decode().count('<article class="column"') == 7
    finally:
        os.killpg(demo.pid, signal.SIGTERM)
        demo.wait(timeout=30)
    output = log.read_text()
    assert "Ctrl+C" in output
    assert f"a Celery worker on sqla+sqlite:///{tmp_path / 'broker.db'}" in output
    assert "annotated 9 of 9 · in events 9 of 9 · events compared 2 of 2" in output


def _printed_address(demo: subprocess.Popen[bytes], log: Path, seconds: float = 180) -> str:
    """The address the demo prints once it serves (after it answers there)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if demo.poll() is not None:
            pytest.fail(f"the demo exited with {demo.returncode}:\n{log.read_text()}")
        found = re.search(r"Open this address in your browser:\s+(http://\S+/)", log.read_text())
        if found:
            try:
                with urllib.request.urlopen(found.group(1), timeout=5):
                    return found.group(1)
            except (urllib.error.URLError, ConnectionError):
                pass  # printed just before gunicorn listens: ask again
        time.sleep(0.5)
    pytest.fail(f"the demo did not serve in {seconds} s:\n{log.read_text()}")


def test_the_served_demo_refuses_a_broker_its_worker_cannot_share(invoke: Invoke) -> None:
    result = invoke("demo", "--serve")  # the suite's broker is memory://
    assert result.exit_code == 1
    assert "the memory:// broker lives inside one process" in result.output
