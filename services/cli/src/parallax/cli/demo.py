"""`parallax demo`: ingest the bundled demo corpus and show what Parallax made of it."""

from __future__ import annotations

import importlib.resources
import re
import subprocess
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import click

from parallax.cli import exit_codes
from parallax.cli.demo_pipeline import pipeline_worker
from parallax.cli.state import CliState

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from parallax.shared.config import Settings

SEED_ID = "rhc-2022-02-03-poutine-macron"
# Where `--serve` keeps the pipeline worker's log (in the working directory, by the database).
WORKER_LOG = "parallax-demo-worker.log"
# The sentence that a PDF page break cuts in two in the seed article.
PAGE_BREAK_SENTENCE = re.compile(r"Alors que l'Ukraine est au cœur[^.]*\.")


@click.command()
@click.option(
    "--serve",
    is_flag=True,
    help="Then serve the classroom pages on this machine and print the address to open.",
)
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=8000,
    show_default=True,
    help="Port for --serve (the next free one is taken if it is busy).",
)
@click.pass_obj
def demo(state: CliState, serve: bool, port: int) -> None:
    """Ingest, annotate, cluster and compare the demo corpus (a real article and constructed
    ones written for teaching) and show the result.

    Alone, the stages run in this process, one after the other. With --serve (what `make demo`
    runs), they run as deployed: a Celery worker on the configured broker (by default a SQLite
    file: no server) takes the stored articles through, then the classroom pages are served.

    Run it twice to see deduplication: the second run stores nothing new, parses nothing again
    and leaves every article in its event.
    """
    from parallax.annotate.store import annotate_stored
    from parallax.cli.console import summary_line
    from parallax.cluster.store import cluster_stored
    from parallax.compare.store import compare_stored
    from parallax.ingest.run import ingest as run_ingest
    from parallax.shared.errors import ParallaxError

    corpus = importlib.resources.files("parallax.cli") / "demo_corpus" / "articles"
    settings = state.settings()
    with importlib.resources.as_file(corpus) as folder:
        try:
            engine = state.engine()
            report = run_ingest([str(folder)], engine=engine, settings=settings)
        except ParallaxError as error:
            raise click.ClickException(str(error)) from error
    click.echo(f"Database: {settings.database_url}")
    click.echo(summary_line(report))
    for refusal in report.refusals:
        click.echo(f"  refused: {refusal.describe()}")
    if serve:
        # What `make demo` runs: the pipeline as deployed, through a worker on the broker.
        if settings.broker_url.startswith("memory://"):
            raise click.ClickException(
                "the memory:// broker lives inside one process, so the demo's worker cannot share "
                "it; unset PARALLAX_BROKER_URL (the default is a SQLite file) or give a real broker"
            )
        with pipeline_worker(settings, Path(WORKER_LOG)) as worker:
            _run_through_worker(engine, settings, worker)
            _show_everything(state)
            serve_classroom(state, port)
        return
    try:
        annotated = annotate_stored(None, engine=engine)
        clustered = cluster_stored(None, engine=engine)
        compared = compare_stored(None, engine=engine)
    except ParallaxError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Annotated {annotated.annotated} article(s); {annotated.up_to_date} already up to date.")
    click.echo(f"Put {clustered.clustered} article(s) in events ({clustered.started} new).")
    click.echo(f"Compared {len(compared.compared)} event(s); {len(compared.up_to_date)} already up to date.")
    _show_everything(state)
    if report.rejected_total:
        raise SystemExit(exit_codes.FAILURE)


def _run_through_worker(engine: Engine, settings: Settings, worker: subprocess.Popen[bytes]) -> None:
    """Send the waiting work to the worker and show its progress until nothing waits."""
    from parallax.cli.demo_pipeline import PipelineError, send_waiting_work, wait_until_done

    click.echo(f"The pipeline: a Celery worker on {settings.broker_url} (its log: {WORKER_LOG})")
    started = time.monotonic()
    sent = send_waiting_work(engine, settings)
    click.echo(f"  sent {sum(sent.values())} task(s) to it; the first waits for its language models")
    try:
        done = wait_until_done(engine, worker, Path(WORKER_LOG), lambda p: click.echo(p.line()))
    except PipelineError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"  done in {time.monotonic() - started:.0f} s")
    if done.failed:
        click.echo(f"  {done.failed} article(s) failed: `parallax articles list --status failed` says why")
    click.echo("")


def _show_everything(state: CliState) -> None:
    """What the demo found, section by section."""
    click.echo("")
    _show_stored(state)
    click.echo("")
    _show_seed_cleaning(state)
    click.echo("")
    _show_seed_annotation(state)
    click.echo("")
    _show_events(state)
    click.echo("")
    _show_comparisons(state)
    click.echo("")
    click.echo(
        "Next: parallax articles show ID  ·  parallax events list  ·  parallax ingest PATH|URL…  ·  "
        "parallax --help"
    )


def serve_classroom(state: CliState, port: int) -> None:
    """Serve the classroom pages on 127.0.0.1 (reads open, as on one teacher's machine) until
    interrupted, on `port` or the next free one."""
    from parallax.cli.api_app import create_api_app
    from parallax.cli.gunicorn_server import GunicornServer

    chosen = free_port(port)
    if chosen is None:
        raise click.ClickException(f"ports {port} to {port + PORTS_TRIED - 1} are all busy; pass --port")
    settings = state.settings().model_copy(update={"api_keys_required": False})
    app = create_api_app(settings)
    address = f"http://127.0.0.1:{chosen}/"
    click.echo("")
    click.echo("=" * 72)
    click.echo(f"  The classroom is ready. Open this address in your browser:  {address}")
    click.echo(f"  The demo event and the teacher notes: {address}notes")
    click.echo("  Stop the server with Ctrl+C.")
    click.echo("=" * 72, nl=True)
    from parallax.api.app import app_engine

    app_engine(app).dispose()
    GunicornServer(app, bind=f"127.0.0.1:{chosen}", workers=1, timeout=120, access_log=False).run()


PORTS_TRIED: Final = 10


def free_port(first: int) -> int | None:
    """The first port from `first` on that nothing listens on at 127.0.0.1 (None: ten busy)."""
    import socket

    for port in range(first, min(first + PORTS_TRIED, 65536)):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    return None


def _show_stored(state: CliState) -> None:
    from parallax.shared.crud import list_articles
    from parallax.shared.db import session_scope

    click.echo("What is stored:")
    with session_scope(state.engine()) as session:
        for article, outlet in list_articles(session=session, limit=100):
            language = article.language or "unknown language"
            if article.language_source == "detected":
                language += f" (detected, {article.language_confidence:.2f})"
            else:
                language += " (as given)"
            revisions = f", {article.revision_count} revision" if article.revision_count else ""
            revisions += "s" if article.revision_count > 1 else ""
            click.echo(f"  [{article.id}] {outlet} · {language} · from {article.source_kind}")
            click.echo(f"      {article.title or '(no headline)'}")
            click.echo(f"      {len(article.clean_text):,} characters of body{revisions}")


def _show_seed_cleaning(state: CliState) -> None:
    from sqlmodel import select

    from parallax.shared.db import session_scope
    from parallax.shared.models import Article
    from parallax.shared.offsets import OffsetMap

    with session_scope(state.engine()) as session:
        seed = session.exec(select(Article).where(Article.external_id == SEED_ID)).first()
        if seed is None:
            return
        click.echo(f"The reference article (id {seed.id}), as received and as cleaned:")
        click.echo(f"  headline found  {seed.title!r}")
        if seed.title_span:
            span = seed.title_span
            click.echo(f"  (from the original's characters {span['start']}–{span['end']}: {span['text']!r})")
        if seed.dateline:
            dateline = seed.dateline
            click.echo(
                f"  dateline kept   {dateline['span']['text']!r} -> places {dateline['places']}, "
                f"agency {dateline['agency']}"
            )
        click.echo(f"  language        {seed.language} (detected, confidence {seed.language_confidence})")
        match = PAGE_BREAK_SENTENCE.search(seed.clean_text)
        if match:
            start, end = OffsetMap.from_json(seed.offset_map).to_original(match.start(), match.end())
            click.echo("  a sentence cut by a page break, rejoined in the clean text:")
            click.echo(f"    clean     {match.group()!r}")
            click.echo(f"    original  {seed.original_text[start:end]!r}  (characters {start}–{end})")


def _show_seed_annotation(state: CliState) -> None:
    """Whom the reference article names and lets speak, and the words that colour it."""
    from sqlmodel import select

    from parallax.shared.db import session_scope
    from parallax.shared.models import Article, ArticleAnnotation

    with session_scope(state.engine()) as session:
        seed = session.exec(select(Article).where(Article.external_id == SEED_ID)).first()
        stored = session.get(ArticleAnnotation, seed.id) if seed is not None else None
        if stored is None:
            return
        data = stored.data
    click.echo("What the annotation finds in it:")
    for actor in data["actors"][:8]:
        ways = sorted({f"{m['text']} ({m['method']})" for m in actor["mentions"]})
        click.echo(f"  {actor['name']:<28} {len(actor['mentions'])}x  {', '.join(ways)}")
    loaded = ", ".join(f"'{term['text']}' ({term['category']})" for term in data["loaded"])
    click.echo(f"  loaded or distancing words: {loaded or 'none'}")
    quotes = ", ".join(f"{quote['text']} ({quote['field']})" for quote in data["scare_quotes"])
    click.echo(f"  scare quotes: {quotes or 'none'}")
    formulas = data["readability"]["formulas"]
    click.echo(
        f"  readability: Flesch (French formula) {formulas.get('flesch_reading_ease')}, "
        f"{data['readability']['words_per_sentence']} words per sentence"
    )
    _show_who_speaks(data, {actor["id"]: actor["name"] for actor in data["actors"]})


def _show_who_speaks(data: dict[str, Any], names: dict[str, str]) -> None:
    """Who speaks in the reference article: each attribution's source, speaker and cue."""
    attributions = data.get("attributions") or []
    click.echo(f"Who speaks in it ({len(attributions)} attributions):")
    for attribution in attributions:
        source = (attribution.get("source") or {}).get("text") or "(the previous speaker)"
        speaker = names.get(attribution.get("speaker") or "", attribution.get("speaker") or "unresolved")
        cue = (attribution.get("cue") or {}).get("text") or ""
        content = " ".join(attribution["content"]["text"].split())
        click.echo(
            f"  {attribution['kind']:<12} {source!r} -> {speaker} [{attribution['source_type']}]"
            f"  cue {cue!r}: {content[:70]}{'…' if len(content) > 70 else ''}"
        )
    by_speaker: dict[str, int] = {}
    for attribution in attributions:
        name = names.get(attribution.get("speaker") or "", "")
        if name:
            by_speaker[name] = by_speaker.get(name, 0) + 1
    if by_speaker:
        tally = ", ".join(
            f"{name} {count}x" for name, count in sorted(by_speaker.items(), key=lambda kv: -kv[1])
        )
        click.echo(f"  speakers: {tally}")


def _show_events(state: CliState) -> None:
    """The events the stored articles were put in: across outlets and languages."""
    from parallax.cli.events import describe_event, event_record
    from parallax.cluster.store import event_articles, list_events
    from parallax.shared.db import session_scope

    click.echo("The events they report:")
    with session_scope(state.engine()) as session:
        for event in list_events(session=session):
            record = event_record(event, event_articles(event.id, session=session))
            click.echo("\n".join("  " + line for line in describe_event(record)))


def _show_comparisons(state: CliState) -> None:
    """What the comparison of each event finds, article by article, in plain words."""
    from parallax.api.explain import explain_article
    from parallax.cluster.store import list_events
    from parallax.compare.store import stored_comparison
    from parallax.shared.db import session_scope

    click.echo("How the articles of each event differ (measured, not judged):")
    with session_scope(state.engine()) as session:
        event_ids = [event.id for event in list_events(session=session)]
    for event_id in event_ids:
        report = stored_comparison(event_id, engine=state.engine())
        if report is None or len(report.get("articles") or []) < 2:
            continue
        click.echo(f"  Event {event_id}:")
        for article in report["articles"]:
            click.echo(f"    [{article['id']}] {article.get('outlet')}")
            for sentence in explain_article(report, str(article["id"]), "en"):
                click.echo(f"      - {sentence}")
