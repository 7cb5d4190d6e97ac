"""Gunicorn, configured in code, serving an application built beforehand (`parallax serve`).

Its own module so that only `parallax serve` imports gunicorn.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from gunicorn.app.base import BaseApplication  # type: ignore[import-untyped]

if TYPE_CHECKING:
    from flask import Flask


class GunicornServer(BaseApplication):  # type: ignore[misc]  # gunicorn is untyped
    """Gunicorn with the options given here (not argv or a config file), forking its workers
    from `app` (`preload_app`: the application is already built)."""

    def __init__(
        self, app: Flask, *, bind: str, workers: int, timeout: int = 30, access_log: bool = True
    ) -> None:
        self.application = app
        self.options: dict[str, Any] = {
            "bind": bind,
            "workers": workers,
            "preload_app": True,
            # A worker silent this long is restarted (a first comparison loads the NLP models).
            "timeout": timeout,
            # Request lines on standard output; never headers, where keys travel.
            "accesslog": "-" if access_log else None,
            "errorlog": "-",
            # Gunicorn 27's control socket lives at one path per user: a second server on the
            # machine (a test, another deployment) would take it over. Signals do its job.
            "control_socket_disable": True,
        }
        super().__init__()

    def load_config(self) -> None:
        """Gunicorn's settings from the options given."""
        for name, value in self.options.items():
            self.cfg.set(name, value)

    def load(self) -> Flask:
        """The application, already built."""
        return self.application
