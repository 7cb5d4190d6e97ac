"""`parallax flower`: Flower, the web monitor of the Celery workers, on Parallax's composed app.

Flower 2 is a sub-command of `celery`, so it is started the way `celery flower` is, but on
the app built here from Parallax's settings (`Celery.start` runs celery's command line with
that app as `--app`): it then sees the same broker, queues and task names as the workers.

Flower can revoke tasks and shut workers down, so it answers on the loopback address unless
told otherwise, and takes HTTP basic authentication from PARALLAX_FLOWER_BASIC_AUTH
(`user:password`, several separated by commas). The environment is the place for it: a
command line is visible to every user of the machine (`ps`). Its GET /healthcheck answers
"OK" without credentials, for container health checks. Flower's other options keep their
own variables (FLOWER_PERSISTENT, FLOWER_URL_PREFIX …: flower.readthedocs.io).
"""

from __future__ import annotations

import ipaddress

import click

from parallax.cli.state import CliState


@click.command()
@click.option(
    "--address", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0: all)."
)
@click.option("--port", type=click.IntRange(1, 65535), default=5555, show_default=True)
@click.option(
    "--basic-auth",
    envvar="PARALLAX_FLOWER_BASIC_AUTH",
    show_envvar=True,
    metavar="USER:PASSWORD[,USER:PASSWORD…]",
    help="Require HTTP basic authentication (better given in the environment than on the command line).",
)
@click.pass_obj
def flower(state: CliState, address: str, port: int, basic_auth: str | None) -> None:
    """Serve Flower, the web monitor of the workers and their queues (stop it with Ctrl-C or SIGTERM)."""
    from parallax.cli.worker_app import create_worker_app

    credentials = basic_auth_credentials(basic_auth)
    if credentials is None and not is_loopback(address):
        click.echo(
            f"Warning: Flower on {address} without PARALLAX_FLOWER_BASIC_AUTH lets anyone who reaches it "
            "revoke tasks and shut workers down; set it to user:password.",
            err=True,
        )
    app = create_worker_app(state.settings())
    # Flower's own options parser (tornado's) reads these; the credentials never reach a
    # process command line, only this in-process argument list.
    arguments = ["flower", f"--address={address}", f"--port={port}"]
    if credentials is not None:
        arguments.append(f"--basic-auth={','.join(credentials)}")
    exit_code = app.start(arguments)
    if exit_code:
        raise SystemExit(exit_code)


def basic_auth_credentials(value: str | None) -> list[str] | None:
    """The `user:password` pairs of a --basic-auth value, or None when it is empty."""
    if value is None or not value.strip():
        return None
    credentials = [pair.strip() for pair in value.split(",") if pair.strip()]
    for pair in credentials:
        user, _, password = pair.partition(":")
        if not user or not password:
            raise click.BadParameter(
                "expected user:password (several separated by commas), with neither part empty.",
                param_hint="--basic-auth / PARALLAX_FLOWER_BASIC_AUTH",
            )
    return credentials


def is_loopback(address: str) -> bool:
    """Whether `address` is reachable from this machine only."""
    if address == "localhost":
        return True
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False
