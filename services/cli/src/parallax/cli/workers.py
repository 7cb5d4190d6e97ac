"""Running the pipeline as Celery workers: `parallax worker`, `beat`, `schedule list`, `queues`,
`ping` and `reconcile`.

The commands build the composed worker app (`parallax.cli.worker_app`) from the settings and
hand it to Celery. Task shells read their settings from the environment (each worker
process may be a fresh one), so the command line's overrides are exported first.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import click

from parallax.cli.state import CliState

if TYPE_CHECKING:
    from celery import Celery

    from parallax.shared.config import Settings


def _export(settings: Settings) -> None:
    """Make the task shells, which read the environment, see what the command line said."""
    from parallax.shared.config import get_settings

    os.environ["PARALLAX_DATABASE_URL"] = settings.database_url
    os.environ["PARALLAX_BROKER_URL"] = settings.broker_url
    get_settings.cache_clear()


def _app(state: CliState) -> Celery:
    from parallax.cli.worker_app import create_worker_app

    settings = state.settings()
    _export(settings)
    # Migrate once here, not in every worker process at its first task.
    state.engine()
    state.close()
    return create_worker_app(settings)


def _queues(value: str) -> list[str]:
    from parallax.shared.pipeline import QUEUES

    names = [name.strip() for name in value.split(",") if name.strip()]
    unknown = [name for name in names if name not in QUEUES]
    if not names or unknown:
        raise click.BadParameter(
            f"unknown queue {', '.join(unknown) or '(none given)'}; give some of {', '.join(QUEUES)}, "
            "separated by commas"
        )
    return names


@click.command()
@click.option(
    "--queues",
    default="ingest,annotate,cluster,compare,maintenance",
    show_default=True,
    help="The queues this worker consumes, separated by commas (one worker per queue scales each apart).",
)
@click.option(
    "--concurrency",
    type=click.IntRange(1, 256),
    default=None,
    help="Worker processes (default: one per core).",
)
@click.option(
    "--pool",
    type=click.Choice(["prefork", "solo", "threads"]),
    default="prefork",
    show_default=True,
    help="prefork for production; solo runs tasks in this process (debugging).",
)
@click.option("--hostname", default=None, help="Worker name (default: parallax-QUEUES@host).")
@click.option("--loglevel", default="INFO", show_default=True)
@click.pass_obj
def worker(
    state: CliState, queues: str, concurrency: int | None, pool: str, hostname: str | None, loglevel: str
) -> None:
    """Run a Celery worker on QUEUES (docs/operations.md)."""
    names = _queues(queues)
    app = _app(state)
    argv = ["worker", f"--queues={','.join(names)}", f"--pool={pool}", f"--loglevel={loglevel}"]
    argv.append(f"--hostname={hostname or 'parallax-' + '-'.join(names) + '@%h'}")
    if concurrency is not None:
        argv.append(f"--concurrency={concurrency}")
    app.worker_main(argv)


@click.command()
@click.option(
    "--schedule-file",
    default="celerybeat-schedule",
    show_default=True,
    help="Where beat keeps when each job last ran (survives restarts).",
)
@click.option("--loglevel", default="INFO", show_default=True)
@click.pass_obj
def beat(state: CliState, schedule_file: str, loglevel: str) -> None:
    """Run Celery beat: send the scheduled jobs (`parallax schedule list`) on time. Run exactly one."""
    app = _app(state)
    app.start(["beat", f"--schedule={schedule_file}", f"--loglevel={loglevel}"])


@click.group()
def schedule() -> None:
    """The scheduled jobs."""


@schedule.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.pass_obj
def schedule_list(state: CliState, as_json: bool) -> None:
    """List what beat runs and when (set in docs/settings.md; feeds also keep their own intervals)."""
    import json

    from parallax.shared.schedule import scheduled_jobs

    jobs = scheduled_jobs(state.settings())
    if as_json:
        click.echo(
            json.dumps(
                [
                    {"name": job.name, "task": job.task, "when": job.when, "description": job.description}
                    for job in jobs
                ],
                indent=1,
            )
        )
        return
    width = max(len(job.name) for job in jobs)
    when_width = max(len(job.when) for job in jobs)
    for job in jobs:
        click.echo(f"{job.name:<{width}}  {job.when:<{when_width}}  {job.task}")
        click.echo(f"{'':<{width}}  {job.description}")


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.pass_obj
def queues(state: CliState, as_json: bool) -> None:
    """How many messages wait in each queue."""
    import json

    app = _app(state)
    depths = queue_depths(app)
    if as_json:
        click.echo(json.dumps(depths, indent=1))
        return
    for name, depth in depths.items():
        click.echo(f"{name:<12} {depth:>8}")


def queue_depths(app: Celery) -> dict[str, int]:
    """Messages waiting in each Parallax queue (not those a worker holds)."""
    from parallax.shared.pipeline import QUEUES

    depths = {}
    with app.connection_for_write() as connection, connection.channel() as channel:
        for name in QUEUES:
            declared = channel.queue_declare(queue=name, passive=False, durable=True, auto_delete=False)
            depths[name] = int(declared.message_count)
    return depths


@click.command()
@click.option("--queue", "queue_name", required=True, help="The queue whose workers must answer.")
@click.option("--timeout", type=click.FloatRange(0.1, 60), default=5.0, show_default=True)
@click.pass_obj
def ping(state: CliState, queue_name: str, timeout: float) -> None:
    """Exit 0 when a worker consuming QUEUE answers (a health check), 1 otherwise."""
    from parallax.cli.worker_app import create_worker_app

    _queues(queue_name)
    app = create_worker_app(state.settings())
    inspector = app.control.inspect(timeout=timeout)
    active: dict[str, Any] = inspector.active_queues() or {}
    answering = sorted(
        worker for worker, consumed in active.items() if any(q.get("name") == queue_name for q in consumed)
    )
    if not answering:
        click.echo(f"no worker answered for queue {queue_name} within {timeout:g} s", err=True)
        raise SystemExit(1)
    click.echo(f"{queue_name}: {', '.join(answering)}")


@click.command()
@click.option("--send/--dry-run", default=True, show_default=True, help="Send the work, or only count it.")
@click.pass_obj
def reconcile(state: CliState, send: bool) -> None:
    """Send again the work the database says has waited too long (what the schedule runs every
    few minutes), and print what was found."""
    from parallax.cli.maintenance import reconcile_once
    from parallax.shared.reconcile import find_lost_work

    settings = state.settings()
    engine = state.engine()
    if not send:
        found = find_lost_work(engine, grace_seconds=settings.reconcile_grace_seconds).counts()
    else:
        app = _app(state)
        engine = state.engine()
        found = reconcile_once(
            engine, settings, lambda task, args: app.send_task(task, args=args), trigger="command"
        )
    for name, count in found.items():
        click.echo(f"{name:<20} {count:>8}")
