"""The two failure kinds Parallax raises on purpose, and configuration errors.

- `TransientError`: worth retrying later (a timeout, a database that is restarting).
- `PermanentError`: retrying cannot help (the input is bad); record the reason and move on.
Messages say what was wrong and how to fix it.
"""

from __future__ import annotations


class ParallaxError(Exception):
    """Base of every error Parallax raises on purpose."""


class TransientError(ParallaxError):
    """A failure that may go away on retry."""


class PermanentError(ParallaxError):
    """A failure that retrying cannot fix."""


class ConfigurationError(PermanentError):
    """A setting is missing or wrong."""


class StorageUnavailableError(TransientError):
    """The database cannot be reached or used right now."""
