"""`parallax keys create|revoke|list`: the API's keys. A key is printed once, when created;
lists show its prefix, never the key."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import click

from parallax.cli import exit_codes
from parallax.cli.state import CliState

if TYPE_CHECKING:
    from parallax.shared.models import ApiKey

# parallax.api.auth.SCOPES, spelled out so that `parallax --help` need not import Flask
# (tests/test_keys.py checks that the two agree).
SCOPE_CHOICES = ("read", "write", "admin")


@click.group()
def keys() -> None:
    """Create, revoke and list API keys (scopes: read < write < admin)."""


@keys.command("create")
@click.option("--name", required=True, help="Who or what holds the key, e.g. ci-bot.")
@click.option(
    "--scope",
    "scopes",
    type=click.Choice(SCOPE_CHOICES),
    multiple=True,
    required=True,
    help="What the key may do; repeat for several. write implies read, admin implies write.",
)
@click.pass_obj
def create_command(state: CliState, name: str, scopes: Sequence[str]) -> None:
    """Create a key and print it, once: only its hash is stored.

    The key alone goes to standard output (KEY=$(parallax keys create ...) works); what it
    is goes to standard error.
    """
    from parallax.api.auth import ScopeError, create_key
    from parallax.shared.db import session_scope

    try:
        with session_scope(state.engine()) as session:
            key, row = create_key(name, scopes, session=session)
    except ScopeError as error:
        raise click.BadParameter(str(error)) from error
    click.echo(f"Created key {row.id} ({row.name}; {', '.join(row.scopes)}):", err=True)
    click.echo(key)
    click.echo(
        "Store it now: it cannot be shown again (only its prefix "
        f"{row.prefix} is kept). Send it as X-API-Key: KEY or Authorization: Bearer KEY.",
        err=True,
    )


@keys.command("revoke")
@click.argument("key_id", type=int, metavar="ID")
@click.pass_obj
def revoke_command(state: CliState, key_id: int) -> None:
    """Revoke key ID: the API refuses it from now on (the row stays, for the record)."""
    from parallax.api.auth import UnknownKeyError, revoke_key
    from parallax.shared.db import session_scope

    try:
        with session_scope(state.engine()) as session:
            row = revoke_key(key_id, session=session)
    except UnknownKeyError as error:
        click.echo(f"No key {key_id}. List them with: parallax keys list", err=True)
        raise SystemExit(exit_codes.FAILURE) from error
    since = f"{row.revoked_at:%Y-%m-%d %H:%M} UTC" if row.revoked_at else "now"
    click.echo(f"Key {row.id} ({row.prefix}…, {row.name}) revoked since {since}.")


@keys.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON on standard output.")
@click.pass_obj
def list_command(state: CliState, as_json: bool) -> None:
    """List the keys: id, prefix, name, scopes and dates (never the keys themselves)."""
    from parallax.api.auth import list_keys
    from parallax.cli.console import print_json, print_table
    from parallax.shared.db import session_scope

    with session_scope(state.engine()) as session:
        records = [key_record(row) for row in list_keys(session=session)]
    if as_json:
        print_json(records)
        return
    if not records:
        click.echo("No keys. Create one with: parallax keys create --name NAME --scope read")
        return
    print_table(
        None,
        ["id", "prefix", "name", "scopes", "created", "last used", "revoked"],
        [
            [
                r["id"],
                r["prefix"] + "…",
                r["name"],
                ", ".join(r["scopes"]),
                _day(r["created_at"]),
                _day(r["last_used_at"]) or "never",
                _day(r["revoked_at"]) or "",
            ]
            for r in records
        ],
    )


def key_record(row: ApiKey) -> dict[str, Any]:
    """A key as plain data: what identifies and describes it, nothing that would let one use it."""
    return {
        "id": row.id,
        "prefix": row.prefix,
        "name": row.name,
        "scopes": row.scopes,
        "created_at": row.created_at.isoformat(),
        "last_used_at": row.last_used_at.isoformat() if row.last_used_at else None,
        "revoked_at": row.revoked_at.isoformat() if row.revoked_at else None,
    }


def _day(value: str | None) -> str | None:
    return value[:16].replace("T", " ") if value else None
