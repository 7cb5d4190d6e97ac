"""`parallax serve`: the API over HTTP, with gunicorn (production) or Flask's development server.

The application is built once, in this process, before any worker starts: a bad setting
(PARALLAX_API_RATE_LIMIT, PARALLAX_REDIS_URL …) stops the command with its message instead of
every worker failing in turn, and the schema is migrated once rather than by each worker.
Gunicorn then forks its workers from it (what its `preload_app` does); the database pool is
emptied first so that no worker inherits another's connections.
"""

from __future__ import annotations

import ipaddress

import click
from click.core import ParameterSource

from parallax.cli.state import CliState


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0: all).")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=2,
    show_default=True,
    help="Gunicorn worker processes (2 to 4 per core is usual; each has its own database pool).",
)
@click.option("--dev", is_flag=True, help="Flask's development server: reloads on change, shows errors.")
@click.pass_obj
def serve(state: CliState, host: str, port: int, workers: int, dev: bool) -> None:
    """Serve the API (docs/api.md): gunicorn with WORKERS processes, or --dev for development."""
    from parallax.api.app import app_engine
    from parallax.cli.api_app import create_api_app
    from parallax.shared.errors import ParallaxError

    settings = state.settings()
    try:
        app = create_api_app(settings)
    except ParallaxError as error:
        raise click.ClickException(str(error)) from error
    workers_given = click.get_current_context().get_parameter_source("workers") is ParameterSource.COMMANDLINE
    for warning in serving_warnings(
        host, workers=workers, workers_given=workers_given, dev=dev, shared_limits=bool(settings.redis_url)
    ):
        click.echo(f"Warning: {warning}", err=True)
    if dev:
        app.run(host=host, port=port, debug=True)
        return
    from parallax.cli.gunicorn_server import GunicornServer

    app_engine(app).dispose()
    GunicornServer(app, bind=f"{host}:{port}", workers=workers).run()


def serving_warnings(
    host: str, *, workers: int, workers_given: bool, dev: bool, shared_limits: bool
) -> list[str]:
    """What the operator should know about serving this way."""
    warnings = []
    if dev and not _is_loopback(host):
        warnings.append(
            f"the development server on {host} lets anyone who reaches it see tracebacks and "
            "use its debugger; serve without --dev outside your own machine."
        )
    if dev and workers_given:
        warnings.append("--workers has no effect with --dev (one process).")
    if not dev and workers > 1 and not shared_limits:
        warnings.append(
            f"each of the {workers} workers counts rate limits on its own, so a client may make "
            f"up to {workers} times PARALLAX_API_RATE_LIMIT; set PARALLAX_REDIS_URL to share them."
        )
    return warnings


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
