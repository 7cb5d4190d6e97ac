"""What every command shares: settings and the database, both built only when a command needs them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from parallax.shared.config import Settings


@dataclass
class CliState:
    """Command-line overrides of settings, and the settings and engine built from them."""

    overrides: dict[str, Any] = field(default_factory=dict)
    _settings: Settings | None = None
    _engine: Engine | None = None

    def settings(self) -> Settings:
        """Settings from the environment, with the command line's overrides on top."""
        if self._settings is None:
            from parallax.shared.config import Settings

            self._settings = Settings(**{k: v for k, v in self.overrides.items() if v is not None})
        return self._settings

    def engine(self) -> Engine:
        """The database engine, with the schema brought up to date when auto_migrate is on."""
        if self._engine is None:
            from parallax.shared.db import create_db_engine, ensure_schema

            settings = self.settings()
            self._engine = create_db_engine(settings.database_url)
            if settings.auto_migrate:
                ensure_schema(self._engine)
        return self._engine

    def close(self) -> None:
        """Close the database connections, if any were opened."""
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
