"""API keys: stored hashed and shown once; nested scopes; reads open or closed as configured,
writes always behind a write key; health open to load balancers; keys never in a log."""

import datetime as dt
import logging
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.engine import Engine

from parallax.api.app import create_app
from parallax.api.auth import (
    LAST_USED_GRANULARITY,
    ScopeError,
    UnknownKeyError,
    authenticate,
    create_key,
    current_identity,
    has_scope,
    hash_key,
    list_keys,
    mask_keys,
    presented_key,
    require_scope,
    revoke_key,
)
from parallax.shared.config import Settings
from parallax.shared.db import session_scope
from parallax.shared.models import ApiKey

MakeKey = Callable[..., str]


def keyed_app(engine: Engine, *, required: bool) -> Flask:
    """The API with keys required or not, and three test views behind read, write and admin."""
    settings = Settings(
        database_url=engine.url.render_as_string(hide_password=False),
        api_keys_required=required,
        auto_migrate=False,
    )
    app = create_app(settings, engine=engine)
    app.config["TESTING"] = True

    def who() -> dict[str, object]:
        identity = current_identity()
        return {"key_id": identity.key_id, "name": identity.name}

    app.add_url_rule("/v1/test/read", "test_read", who, methods=["GET"])
    app.add_url_rule("/v1/test/write", "test_write", who, methods=["POST", "DELETE"])
    app.add_url_rule("/v1/test/admin", "test_admin", require_scope("admin")(who), methods=["GET"])
    app.add_url_rule("/v1/test/compute", "test_compute", require_scope("read")(who), methods=["POST"])
    return app


@pytest.fixture
def make_key(engine: Engine) -> MakeKey:
    """Create a key on the test database; returns the key itself."""

    def make(*scopes: str, name: str = "test") -> str:
        with session_scope(engine) as session:
            key, _ = create_key(name, scopes, session=session)
        return key

    return make


@pytest.fixture
def closed(engine: Engine) -> FlaskClient:
    """A client of the API with keys required."""
    return keyed_app(engine, required=True).test_client()


@pytest.fixture
def open_reads(engine: Engine) -> FlaskClient:
    """A client of the API with keys not required (reads open)."""
    return keyed_app(engine, required=False).test_client()


def test_keys_are_random_shown_once_and_stored_only_as_a_hash(engine: Engine) -> None:
    with session_scope(engine) as session:
        key, row = create_key(" ci-bot ", ["write", "read"], session=session)
        other, _ = create_key("other", ["read"], session=session)
    assert key.startswith("px_")
    assert len(key) >= 40
    assert key != other
    with engine.connect() as connection:
        stored = connection.execute(sa.text("SELECT * FROM api_key WHERE id = :id"), {"id": row.id}).one()
    assert key not in [str(value) for value in stored]
    assert stored.key_hash == hash_key(key)
    assert stored.prefix == key[:9]
    assert row.name == "ci-bot"
    assert row.scopes == ["read", "write"]


def test_bad_scopes_and_names_are_refused_with_what_is_allowed(engine: Engine) -> None:
    with session_scope(engine) as session:
        with pytest.raises(ScopeError, match="read, write, admin"):
            create_key("x", ["root"], session=session)
        with pytest.raises(ScopeError, match="read, write, admin"):
            create_key("x", [], session=session)
        with pytest.raises(ScopeError, match="name"):
            create_key("  ", ["read"], session=session)
    with pytest.raises(ValueError, match="unknown scope"):
        require_scope("superuser")


def test_authenticate_finds_live_keys_only_and_notes_their_use(engine: Engine) -> None:
    with session_scope(engine) as session:
        key, row = create_key("reader", ["read"], session=session)
        assert row.last_used_at is None
    with session_scope(engine) as session:
        found = authenticate(key, session=session)
        assert found is not None
        assert found.id == row.id
        first_use = found.last_used_at
        assert first_use is not None
        assert authenticate(key + "x", session=session) is None
        assert authenticate("px_" + "A" * 43, session=session) is None
    with session_scope(engine) as session:
        again = authenticate(key, session=session)
        assert again is not None
        assert again.last_used_at == first_use  # within the minute: not rewritten
        again.last_used_at = first_use - LAST_USED_GRANULARITY
    with session_scope(engine) as session:
        later = authenticate(key, session=session)
        assert later is not None
        assert later.last_used_at is not None
        assert later.last_used_at > first_use - LAST_USED_GRANULARITY
    with session_scope(engine) as session:
        revoked = revoke_key(row.id or 0, session=session)
        revoked_at = revoked.revoked_at
        assert revoked_at is not None
    with session_scope(engine) as session:
        assert authenticate(key, session=session) is None
        assert revoke_key(row.id or 0, session=session).revoked_at == revoked_at  # idempotent
        with pytest.raises(UnknownKeyError, match="parallax keys list"):
            revoke_key(9999, session=session)
        listed = list_keys(session=session)
        assert [(k.name, k.revoked_at is not None) for k in listed] == [("reader", True)]


def test_scopes_nest_admin_over_write_over_read() -> None:
    assert has_scope("admin", "read")
    assert has_scope("admin", "write")
    assert has_scope("write", "read")
    assert not has_scope("read", "write")
    assert not has_scope("write", "admin")
    assert not has_scope("root", "read")


def test_keys_come_in_x_api_key_or_a_bearer_token() -> None:
    assert presented_key("px_a", None) == "px_a"
    assert presented_key(None, "Bearer px_b") == "px_b"
    assert presented_key(None, "bearer   px_c ") == "px_c"
    assert presented_key("px_a", "Bearer px_b") == "px_a"
    assert presented_key(None, "Basic dXNlcjpwYXNz") is None  # a proxy's credentials, not a key
    assert presented_key("", "Bearer ") is None


def test_with_keys_required_every_request_but_health_needs_a_valid_key(
    closed: FlaskClient, make_key: MakeKey, engine: Engine
) -> None:
    missing = closed.get("/v1/test/read")
    assert missing.status_code == 401
    assert missing.mimetype == "application/problem+json"
    assert missing.headers["WWW-Authenticate"] == 'Bearer realm="parallax"'
    assert "parallax keys create --name NAME --scope read" in missing.get_json()["fix"]

    key = make_key("read", name="reader")
    by_header = closed.get("/v1/test/read", headers={"X-API-Key": key})
    assert by_header.status_code == 200
    assert by_header.get_json()["name"] == "reader"
    assert closed.get("/v1/test/read", headers={"Authorization": f"Bearer {key}"}).status_code == 200

    wrong = closed.get("/v1/test/read", headers={"X-API-Key": key[:-1] + "?"})
    assert wrong.status_code == 401
    assert 'error="invalid_token"' in wrong.headers["WWW-Authenticate"]
    assert "unknown or has been revoked" in wrong.get_json()["detail"]

    with session_scope(engine) as session:
        revoke_key(by_header.get_json()["key_id"], session=session)
    # a process trusts a key it has just checked for KEY_TTL seconds, then asks again
    assert closed.get("/v1/test/read", headers={"X-API-Key": key}).status_code == 200
    closed.application.extensions["parallax"]["key_cache"].clear()  # as when KEY_TTL has passed
    assert closed.get("/v1/test/read", headers={"X-API-Key": key}).status_code == 401

    assert closed.get("/v1/health").status_code == 200  # load balancers have no key
    # the documentation is what a newcomer reads before having a key
    assert closed.get("/v1/openapi.json").status_code == 200
    assert closed.get("/v1/docs").status_code == 200
    assert closed.options("/v1/test/read").status_code == 200  # CORS preflights send none either


def test_with_reads_open_only_writes_need_a_key_with_the_write_scope(
    open_reads: FlaskClient, make_key: MakeKey
) -> None:
    assert open_reads.get("/v1/test/read").get_json() == {"key_id": None, "name": "anonymous"}
    assert open_reads.head("/v1/test/read").status_code == 200
    anonymous_write = open_reads.post("/v1/test/write")
    assert anonymous_write.status_code == 401
    assert "the write scope" in anonymous_write.get_json()["detail"]
    assert "--scope write" in anonymous_write.get_json()["fix"]

    reader = make_key("read")
    refused = open_reads.delete("/v1/test/write", headers={"X-API-Key": reader})
    assert refused.status_code == 403
    assert refused.get_json()["required_scope"] == "write"
    assert "parallax keys create --name NAME --scope write" in refused.get_json()["fix"]
    assert reader[:9] in refused.get_json()["detail"]
    assert reader not in refused.get_data(as_text=True)

    writer = make_key("write")
    assert open_reads.post("/v1/test/write", headers={"X-API-Key": writer}).status_code == 200
    # A key that is sent is checked even where none is needed.
    assert open_reads.get("/v1/test/read", headers={"X-API-Key": "px_nonsense"}).status_code == 401


def test_a_view_declares_the_scope_it_needs(open_reads: FlaskClient, make_key: MakeKey) -> None:
    writer, admin = make_key("write"), make_key("admin")
    assert open_reads.get("/v1/test/admin").status_code == 401
    assert open_reads.get("/v1/test/admin", headers={"X-API-Key": writer}).status_code == 403
    assert open_reads.get("/v1/test/admin", headers={"X-API-Key": admin}).status_code == 200
    assert open_reads.post("/v1/test/write", headers={"X-API-Key": admin}).status_code == 200
    # A POST that changes nothing, declared a read: open to readers.
    assert open_reads.post("/v1/test/compute").status_code == 200


def test_unknown_routes_answer_404_and_405_whatever_the_key(closed: FlaskClient) -> None:
    assert closed.get("/v1/nowhere").status_code == 404
    assert closed.post("/v1/health").status_code == 405


def test_keys_never_reach_a_log(
    closed: FlaskClient, make_key: MakeKey, caplog: pytest.LogCaptureFixture
) -> None:
    key = make_key("read")
    caplog.set_level(logging.DEBUG)
    logging.getLogger("anywhere.at.all").warning("client sent %s", key)
    logging.getLogger("gunicorn.access").info('"GET /v1/events" X-API-Key: %s', "secret-token-123")
    logging.getLogger("werkzeug").info("Authorization: Bearer %s", "not-ours-but-secret")
    try:
        raise RuntimeError(f"failed with {key}")
    except RuntimeError:
        logging.getLogger("parallax.api").exception("boom")
    closed.get("/v1/test/read", headers={"X-API-Key": key[:-2] + "zz"})  # refused: logged by prefix
    closed.get("/v1/test/read", headers={"X-API-Key": "hunter2-pasted-by-mistake"})
    text = caplog.text + "".join(record.getMessage() for record in caplog.records)
    assert key not in text
    assert key[:-2] not in text
    assert "secret-token-123" not in text
    assert "not-ours-but-secret" not in text
    assert f"client sent {key[:9]}…" in text
    assert "RuntimeError: failed with px_" in text
    assert "refused an unknown or revoked API key px_" in text
    assert "hunter2" not in text


def test_masking_leaves_ordinary_text_alone() -> None:
    assert mask_keys("event e000042 has 3 articles; px_ is our prefix") == (
        "event e000042 has 3 articles; px_ is our prefix"
    )
    assert mask_keys('{"x-api-key": "abc"}') == '{"x-api-key": "[masked]"}'


def test_keys_table_holds_dates_as_utc(engine: Engine) -> None:
    with session_scope(engine) as session:
        _, row = create_key("dated", ["read"], session=session)
    with session_scope(engine) as session:
        stored = session.get(ApiKey, row.id)
        assert stored is not None
        assert stored.created_at.tzinfo is not None
        assert stored.created_at.utcoffset() == dt.timedelta(0)
