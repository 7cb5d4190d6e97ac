"""`parallax db upgrade|current`: the schema, for operators who migrate as a deploy step."""

from __future__ import annotations

import click

from parallax.cli.state import CliState


@click.group()
def db() -> None:
    """Manage the database schema (Alembic migrations; same on SQLite and PostgreSQL)."""


@db.command()
@click.option("--revision", default="head", show_default=True, help="Migration to go to.")
@click.pass_obj
def upgrade(state: CliState, revision: str) -> None:
    """Bring the database schema up to date."""
    from parallax.shared.db import create_db_engine, current_revision, upgrade_schema
    from parallax.shared.errors import ParallaxError

    try:
        engine = create_db_engine(state.settings().database_url)
        before = current_revision(engine)
        upgrade_schema(engine, revision)
        after = current_revision(engine)
    except ParallaxError as error:
        raise click.ClickException(str(error)) from error
    if before == after:
        click.echo(f"Schema already at {after}.")
    else:
        click.echo(f"Schema upgraded from {before or 'empty'} to {after}.")


@db.command()
@click.pass_obj
def current(state: CliState) -> None:
    """Print the schema revision the database is at, and the newest one this code knows."""
    from parallax.shared.db import create_db_engine, current_revision, head_revision
    from parallax.shared.errors import ParallaxError

    try:
        at = current_revision(create_db_engine(state.settings().database_url))
    except ParallaxError as error:
        raise click.ClickException(str(error)) from error
    head = head_revision()
    status = "up to date" if at == head else "behind: run `parallax db upgrade`"
    click.echo(f"Database at {at or 'empty'}; newest is {head} ({status}).")
