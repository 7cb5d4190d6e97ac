"""`parallax rejected list|show`: inputs that were refused, with why and what they were."""

from __future__ import annotations

import click

from parallax.cli import exit_codes
from parallax.cli.options import listing_options
from parallax.cli.state import CliState


@click.group()
def rejected() -> None:
    """List and show refused inputs (nothing given to Parallax is dropped silently)."""


@rejected.command("list")
@click.option("--reason", help="Only this reason (e.g. invalid_json, empty_text, unreachable).")
@listing_options("refusals")
@click.pass_obj
def list_command(
    state: CliState, reason: str | None, run_id: int | None, after_id: int | None, limit: int, as_json: bool
) -> None:
    """List refused inputs, oldest first."""
    from parallax.cli.console import print_json, print_table
    from parallax.shared.crud import list_rejected
    from parallax.shared.db import session_scope

    with session_scope(state.engine()) as session:
        rows = list_rejected(session=session, reason=reason, run_id=run_id, after_id=after_id, limit=limit)
        records = [row.model_dump(mode="json") for row in rows]
    if as_json:
        print_json(records)
        return
    if not records:
        click.echo("No refused inputs match.")
        return
    print_table(
        None,
        ["id", "run", "source", "where", "reason", "message"],
        [
            [r["id"], r["ingest_run_id"], r["source"], r["location"], r["reason"], r["message"]]
            for r in records
        ],
    )
    if len(records) == limit:
        click.echo(f"More: parallax rejected list --after {records[-1]['id']}")


@rejected.command("show")
@click.argument("rejected_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print the record as JSON.")
@click.pass_obj
def show_command(state: CliState, rejected_id: int, as_json: bool) -> None:
    """Show one refused input: where it came from, why it was refused, and the input itself."""
    from parallax.cli.console import print_json
    from parallax.shared.crud import get_rejected
    from parallax.shared.db import session_scope

    with session_scope(state.engine()) as session:
        row = get_rejected(rejected_id, session=session)
        if row is None:
            click.echo(f"No refused input {rejected_id}. List them with: parallax rejected list", err=True)
            raise SystemExit(exit_codes.FAILURE)
        record = row.model_dump(mode="json")
    if as_json:
        print_json(record)
        return
    where = f"{record['source']}, {record['location']}" if record["location"] else record["source"]
    click.echo(f"Refused input {record['id']} (run {record['ingest_run_id']}, {record['created_at'][:19]})")
    click.echo(f"  from    {where}")
    click.echo(f"  reason  {record['reason']}: {record['message']}")
    truncated = " (truncated)" if record["payload_truncated"] else ""
    click.echo(f"  input{truncated}:")
    click.echo(record["payload"] if record["payload"] is not None else "  (nothing was readable)")
