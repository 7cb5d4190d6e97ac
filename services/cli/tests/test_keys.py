"""`parallax keys`: a key printed once (alone on standard output), stored hashed, listed by its
prefix only, and refused by the API once revoked."""

import json
from collections.abc import Callable

from click.testing import Result
from sqlalchemy.engine import Engine

from parallax.api.auth import SCOPES, authenticate
from parallax.cli import exit_codes
from parallax.cli.keys import SCOPE_CHOICES
from parallax.shared.db import session_scope

Invoke = Callable[..., Result]


def test_a_key_is_printed_once_alone_on_standard_output_and_works(invoke: Invoke, engine: Engine) -> None:
    created = invoke("keys", "create", "--name", "ci-bot", "--scope", "read", "--scope", "write")
    assert created.exit_code == exit_codes.OK, created.output
    key = created.stdout.strip()
    assert key.startswith("px_")
    assert "\n" not in key
    assert "cannot be shown again" in created.stderr
    assert "ci-bot; read, write" in created.stderr
    with session_scope(engine) as session:
        row = authenticate(key, session=session)
        assert row is not None
        assert row.scopes == ["read", "write"]

    listed = invoke("keys", "list")
    assert listed.exit_code == exit_codes.OK
    assert key[:9] in listed.output
    assert "ci-bot" in listed.output
    assert key not in listed.output
    assert key[9:] not in listed.output


def test_keys_list_as_json_has_prefixes_names_scopes_and_dates_never_keys(invoke: Invoke) -> None:
    key = invoke("keys", "create", "--name", "reader", "--scope", "read").stdout.strip()
    admin = invoke("keys", "create", "--name", "ops", "--scope", "admin").stdout.strip()
    listed = invoke("keys", "list", "--json")
    assert listed.exit_code == exit_codes.OK
    records = json.loads(listed.stdout)
    assert [(r["name"], r["prefix"], r["scopes"]) for r in records] == [
        ("reader", key[:9], ["read"]),
        ("ops", admin[:9], ["admin"]),
    ]
    assert set(records[0]) == {"id", "prefix", "name", "scopes", "created_at", "last_used_at", "revoked_at"}
    assert records[0]["last_used_at"] is None
    assert key not in listed.output
    assert admin not in listed.output


def test_a_revoked_key_no_longer_opens_the_api(invoke: Invoke, engine: Engine) -> None:
    key = invoke("keys", "create", "--name", "leaked", "--scope", "read").stdout.strip()
    key_id = json.loads(invoke("keys", "list", "--json").stdout)[0]["id"]
    revoked = invoke("keys", "revoke", str(key_id))
    assert revoked.exit_code == exit_codes.OK, revoked.output
    assert f"Key {key_id} ({key[:9]}…, leaked) revoked since" in revoked.output
    assert invoke("keys", "revoke", str(key_id)).exit_code == exit_codes.OK  # again: no change
    with session_scope(engine) as session:
        assert authenticate(key, session=session) is None
    assert json.loads(invoke("keys", "list", "--json").stdout)[0]["revoked_at"] is not None


def test_mistakes_are_refused_with_the_fix(invoke: Invoke) -> None:
    missing = invoke("keys", "revoke", "999")
    assert missing.exit_code == exit_codes.FAILURE
    assert "parallax keys list" in missing.stderr
    no_scope = invoke("keys", "create", "--name", "x")
    assert no_scope.exit_code == exit_codes.USAGE
    assert "--scope" in no_scope.output
    bad_scope = invoke("keys", "create", "--name", "x", "--scope", "root")
    assert bad_scope.exit_code == exit_codes.USAGE
    assert "'read', 'write', 'admin'" in bad_scope.output
    blank = invoke("keys", "create", "--name", " ", "--scope", "read")
    assert blank.exit_code == exit_codes.USAGE
    assert "name" in blank.output
    assert "No keys" in invoke("keys", "list").output


def test_the_command_offers_the_apis_scopes() -> None:
    assert SCOPE_CHOICES == SCOPES
