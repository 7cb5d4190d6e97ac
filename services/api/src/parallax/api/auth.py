"""API keys: who may read, write or administer, and keys kept out of every log.

A key is sent as `X-API-Key: <key>` or `Authorization: Bearer <key>`. Scopes nest: admin
implies write, write implies read. `init_app(app)` installs

- a before_request hook that identifies the caller (`current_identity()`) and holds every
  request to a floor: the scope its view declares with `@require_scope`, else read for GET
  and HEAD and write for any other method. With `api_keys_required` off, a request without a
  key holds the read scope (and only that); a key that is sent must be valid either way.
  OPTIONS (CORS preflights, which browsers send without custom headers) and the endpoints
  in `OPEN_ENDPOINTS` need no key;
- key masking on every log record of the process (`mask_keys`).

Views that need another scope than their method's say so with `@require_scope("admin")`,
placed under the route decorator (the route must register the guarded function).

Keys are `px_` and 43 random URL-safe characters (256 bits), shown once when created. Only a
SHA-256 of the key is stored, with its first characters (`px_AbC123`) to recognise it.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import logging
import re
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, ParamSpec, TypeVar

from flask import current_app, g, request
from sqlmodel import col, select

from parallax.api.app import app_engine, app_settings
from parallax.api.caching import KEY_TTL, BoundedCache
from parallax.api.errors import ProblemError
from parallax.shared.models import ApiKey, utc_now

if TYPE_CHECKING:
    from flask import Flask
    from sqlmodel import Session

logger = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")

SCOPES: Final = ("read", "write", "admin")
"""Every scope, weakest first: each implies the ones before it."""
KEY_PREFIX: Final = "px_"
PREFIX_LENGTH: Final = len(KEY_PREFIX) + 6
"""Characters of a key kept in clear: enough to tell keys apart in a list, 36 of its 256 bits."""
OPEN_ENDPOINTS: Final = frozenset(
    {"health.health", "docs.openapi_json", "docs.docs_page", "docs.static", "classroom.static"}
)
"""Endpoints anyone may call, without a key or a rate limit: load balancers' health checks, the
API's own documentation (what a newcomer reads before having a key) and the classroom pages'
stylesheet and script (the pages themselves follow the read policy)."""
READ_METHODS: Final = frozenset({"GET", "HEAD"})
# last_used_at is a day-to-day hint ("is this key still in use?"), not an audit log: writing
# it at most once a minute keeps a busy key from turning every read into a write.
LAST_USED_GRANULARITY: Final = dt.timedelta(minutes=1)

_IDENTITY = "parallax_identity"
_DECLARED_SCOPE = "parallax_required_scope"


class ScopeError(ValueError):
    """Scopes or a key name that cannot be used; the message says which and what is allowed."""


class UnknownKeyError(LookupError):
    """No key has the id given."""


@dataclass(frozen=True, slots=True)
class Identity:
    """Who is calling: a key (its id, name and prefix), or an anonymous reader (`key_id` None)."""

    key_id: int | None
    name: str
    prefix: str | None
    scopes: frozenset[str]

    def allows(self, scope: str) -> bool:
        """Whether the caller holds `scope` (directly, or through a stronger one)."""
        return any(has_scope(held, scope) for held in self.scopes)


ANONYMOUS_READER: Final = Identity(key_id=None, name="anonymous", prefix=None, scopes=frozenset({"read"}))
NOBODY: Final = Identity(key_id=None, name="anonymous", prefix=None, scopes=frozenset())


def has_scope(held: str, needed: str) -> bool:
    """Whether the scope `held` grants `needed` (admin ⊇ write ⊇ read)."""
    return held in SCOPES and needed in SCOPES and SCOPES.index(held) >= SCOPES.index(needed)


# --- Keys: plain functions over a session -------------------------------------------------


def hash_key(key: str) -> str:
    """The stored form of a key: its SHA-256, in hexadecimal.

    A fast, unsalted hash is the right tool here: the keys are 256 random bits, so there is no
    dictionary of likely keys to try and nothing for salt or a slow hash (PBKDF2, bcrypt:
    defences for guessable passwords) to protect; a slow hash would only cost every request.
    It also makes the hash a lookup key: finding a key is one indexed equality, and since a
    caller cannot choose the hash they make us compare, that lookup leaks nothing by its timing.
    """
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def create_key(name: str, scopes: Iterable[str], *, session: Session) -> tuple[str, ApiKey]:
    """A new key named `name` with `scopes`: the key itself (show it once; it is not stored)
    and its stored row."""
    chosen = sorted(set(scopes), key=_scope_rank)
    unknown = [scope for scope in chosen if scope not in SCOPES]
    if not chosen or unknown:
        raise ScopeError(f"scopes must be one or more of {', '.join(SCOPES)}; got {list(scopes) or 'none'}")
    name = name.strip()
    if not name or len(name) > 200:
        raise ScopeError("a key needs a name of 1 to 200 characters saying who holds it, e.g. 'ci-bot'")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    row = ApiKey(name=name, prefix=key[:PREFIX_LENGTH], key_hash=hash_key(key), scopes=chosen)
    session.add(row)
    session.flush()
    return key, row


def _scope_rank(scope: str) -> int:
    return SCOPES.index(scope) if scope in SCOPES else len(SCOPES)


def revoke_key(key_id: int, *, session: Session) -> ApiKey:
    """Revoke key `key_id` from now on (revoking a revoked key changes nothing)."""
    row = session.get(ApiKey, key_id)
    if row is None:
        raise UnknownKeyError(f"no API key has id {key_id}; list them with: parallax keys list")
    if row.revoked_at is None:
        row.revoked_at = utc_now()
        session.add(row)
        session.flush()
    return row


def list_keys(*, session: Session) -> Sequence[ApiKey]:
    """Every key, revoked ones included, oldest first."""
    return session.exec(select(ApiKey).order_by(col(ApiKey.id))).all()


def authenticate(presented: str, *, session: Session) -> ApiKey | None:
    """The live key `presented` is, or None when it is unknown or revoked; notes its use."""
    row = session.exec(select(ApiKey).where(ApiKey.key_hash == hash_key(presented))).first()
    if row is None or row.revoked_at is not None:
        return None
    now = utc_now()
    if row.last_used_at is None or now - row.last_used_at >= LAST_USED_GRANULARITY:
        row.last_used_at = now
        session.add(row)
    return row


# --- The Flask side -----------------------------------------------------------------------


def init_app(app: Flask) -> None:
    """Identify every request of `app` and hold it to the read or write floor; mask keys in logs."""
    install_key_masking()
    app.before_request(_hold_to_floor)


def _hold_to_floor() -> None:
    if request.method == "OPTIONS" or request.endpoint in OPEN_ENDPOINTS:
        return
    identity = current_identity()
    # A path or method that matches no route is answered 404 or 405 by Flask, whatever the
    # key's scopes: the routes are public (the OpenAPI document lists them), the data is not.
    if request.routing_exception is not None:
        return
    view = current_app.view_functions.get(request.endpoint or "")
    declared: str | None = getattr(view, _DECLARED_SCOPE, None)
    _check(identity, declared or ("read" if request.method in READ_METHODS else "write"))


def require_scope(scope: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """A view decorator: 401 without a valid key (unless the scope is read and reads are open),
    403 when the key lacks `scope`.

    The scope declared replaces the method's floor: `@require_scope("read")` on a POST that
    changes nothing (an ad-hoc computation) lets readers call it; `"admin"` raises the bar.
    """
    if scope not in SCOPES:
        raise ValueError(f"unknown scope {scope!r}; use one of {', '.join(SCOPES)}")

    def decorate(view: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(view)
        def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
            _check(current_identity(), scope)
            return view(*args, **kwargs)

        setattr(guarded, _DECLARED_SCOPE, scope)
        return guarded

    return decorate


def current_identity() -> Identity:
    """Who is making the current request (found once per request, then kept on `flask.g`).

    Raises a 401 problem when the request carries a key that is unknown or revoked.
    """
    identity: Identity | None = g.get(_IDENTITY)
    if identity is None:
        identity = _identify()
        setattr(g, _IDENTITY, identity)
    return identity


def request_identity() -> Identity | None:
    """The current request's identity if it has been found already (for the rate limiter)."""
    identity: Identity | None = g.get(_IDENTITY)
    return identity


def _identify() -> Identity:
    presented = presented_key(request.headers.get("X-API-Key"), request.headers.get("Authorization"))
    if presented is None:
        return NOBODY if app_settings(current_app).api_keys_required else ANONYMOUS_READER
    from parallax.shared.db import session_scope

    cache = _key_cache(current_app)
    digest = hash_key(presented)
    identity = cache.get(digest)
    if identity is None:
        with session_scope(app_engine(current_app)) as session:
            row = authenticate(presented, session=session)
            identity = None if row is None else Identity(row.id, row.name, row.prefix, frozenset(row.scopes))
        if identity is not None:
            cache.put(digest, identity)
    if identity is None:
        logger.info("refused an unknown or revoked API key %s", _shown(presented))
        raise _unauthorized("The API key sent is unknown or has been revoked.", error='error="invalid_token"')
    return identity


def _key_cache(app: Flask) -> BoundedCache[Identity]:
    """Keys authenticated in the last `KEY_TTL` seconds, by hash: a busy client costs one
    lookup per ten seconds, and a revoked key stops working within that time in every process."""
    cache: BoundedCache[Identity] | None = app.extensions["parallax"].get("key_cache")
    if cache is None:
        cache = app.extensions["parallax"].setdefault(
            "key_cache", BoundedCache[Identity](_KEYS_CACHED, KEY_TTL)
        )
    return cache


# Distinct keys trusted at once per process.
_KEYS_CACHED: Final = 1024


def _shown(presented: str) -> str:
    # What a log may say of a refused key: our prefix, or nothing of a value of another form
    # (a password pasted by mistake does not look like a key, so masking would not catch it).
    if presented.startswith(KEY_PREFIX):
        return presented[:PREFIX_LENGTH] + "…"
    return "(not of the form px_…)"


def presented_key(x_api_key: str | None, authorization: str | None) -> str | None:
    """The key a request sends: X-API-Key, else an `Authorization: Bearer` token, else None.

    Other Authorization schemes (a proxy's Basic credentials) are not keys and are ignored.
    """
    if x_api_key and x_api_key.strip():
        return x_api_key.strip()
    scheme, _, token = (authorization or "").strip().partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return None


def _check(identity: Identity, scope: str) -> None:
    if identity.allows(scope):
        return
    if identity.key_id is None:
        raise _unauthorized(f"This request needs an API key with the {scope} scope.", scope=scope)
    raise ProblemError(
        403,
        "Forbidden",
        f"The API key {identity.prefix}… ({identity.name}) has the scopes "
        f"{', '.join(sorted(identity.scopes, key=_scope_rank))}; this request needs {scope}.",
        fix=f"Use a key with the {scope} scope: create one with `parallax keys create --name NAME "
        f"--scope {scope}`.",
        extra={"required_scope": scope},
    )


def _unauthorized(detail: str, *, scope: str = "read", error: str | None = None) -> ProblemError:
    challenge = 'Bearer realm="parallax"' + (f", {error}" if error else "")
    return ProblemError(
        401,
        "Unauthorized",
        detail,
        field="X-API-Key",
        fix="Send a key in the X-API-Key header (or Authorization: Bearer KEY); create one with "
        f"`parallax keys create --name NAME --scope {scope}`.",
        headers={"WWW-Authenticate": challenge},
        extra={"required_scope": scope},
    )


# --- Keys never reach a log ---------------------------------------------------------------

_KEY_PATTERNS: Final = (
    # Our own keys, wherever they appear: keep the non-secret prefix so a line stays useful.
    (re.compile(rf"({re.escape(KEY_PREFIX)}[A-Za-z0-9_-]{{6}})[A-Za-z0-9_-]{{8,}}"), r"\1…"),
    # Anything sent as a credential, even if it is not one of ours.
    (re.compile(r"(?i)(\bbearer\s+)(?!px_[A-Za-z0-9_-]{6}…)[^\s\"',;]+"), r"\1[masked]"),
    (
        re.compile(r"(?i)(\bx-api-key[\"']?\s*[:=]\s*[\"']?)(?!px_[A-Za-z0-9_-]{6}…)[^\s\"',;]+"),
        r"\1[masked]",
    ),
)


def mask_keys(text: str) -> str:
    """`text` with every API key cut to its prefix and every other bearer token masked."""
    for pattern, replacement in _KEY_PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class KeyMaskingFilter(logging.Filter):
    """A logging filter that masks keys in a record's message, traceback and stack (in place)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Mask the record; never drops one."""
        try:
            message = record.getMessage()
        except Exception:
            # Logging must never raise at the call site. Arguments that do not fit the format
            # (or fail to print) are kept as text, masked, rather than printed raw by the
            # handler when it reports the error.
            message = f"{record.msg!r} % {record.args!r}"
        record.msg, record.args = mask_keys(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_keys(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_keys(record.stack_info)
        return True


class _MaskingRecordFactory:
    """Makes log records through the previous factory, then masks them."""

    def __init__(self, previous: Callable[..., logging.LogRecord]) -> None:
        self.previous = previous
        self.mask = KeyMaskingFilter()

    def __call__(self, *args: Any, **kwargs: Any) -> logging.LogRecord:
        record = self.previous(*args, **kwargs)
        self.mask.filter(record)
        return record


def install_key_masking() -> None:
    """Mask keys in every log record the process makes, from any logger (idempotent).

    The filter runs where records are made rather than on a logger or a handler: a logger's
    filter misses records propagated from its children, and handlers come and go (gunicorn
    installs its own, a deployment its own), so only the record factory sees them all.
    """
    factory = logging.getLogRecordFactory()
    if not isinstance(factory, _MaskingRecordFactory):
        logging.setLogRecordFactory(_MaskingRecordFactory(factory))
