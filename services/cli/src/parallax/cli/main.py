"""The `parallax` command group. Importing this module loads click and nothing heavy, so
`parallax --help` stays fast; each command imports what it needs when it runs."""

from __future__ import annotations

import click

from parallax.cli.annotate import annotate
from parallax.cli.articles import articles
from parallax.cli.attributions import attributions
from parallax.cli.cluster import cluster
from parallax.cli.compare import compare
from parallax.cli.database import db
from parallax.cli.demo import demo
from parallax.cli.events import events
from parallax.cli.export import export
from parallax.cli.flower import flower
from parallax.cli.ingest import ingest
from parallax.cli.keys import keys
from parallax.cli.rejected import rejected
from parallax.cli.serve import serve
from parallax.cli.state import CliState
from parallax.cli.workers import beat, ping, queues, reconcile, schedule, worker

EPILOG = """\b
Exit codes: 0 success, 1 failure (nothing done), 2 usage error,
3 partial success (some inputs refused; see `parallax rejected list`).
Settings come from PARALLAX_* environment variables (docs/settings.md)."""


@click.group(epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--database-url",
    envvar="PARALLAX_DATABASE_URL",
    metavar="URL",
    help="Database to use (default: sqlite:///parallax.db in the working directory).",
)
@click.version_option(package_name="parallax-cli", prog_name="parallax")
@click.pass_context
def cli(context: click.Context, database_url: str | None) -> None:
    """Parallax: see how different news outlets cover the same event."""
    state = CliState(overrides={"database_url": database_url})
    context.obj = state
    context.call_on_close(state.close)


cli.add_command(ingest)
cli.add_command(articles)
cli.add_command(annotate)
cli.add_command(attributions)
cli.add_command(cluster)
cli.add_command(compare)
cli.add_command(events)
cli.add_command(export)
cli.add_command(rejected)
cli.add_command(db)
cli.add_command(demo)
cli.add_command(serve)
cli.add_command(keys)
for command in (worker, beat, schedule, queues, ping, reconcile, flower):
    cli.add_command(command)
