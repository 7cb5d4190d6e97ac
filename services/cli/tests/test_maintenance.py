"""The maintenance jobs of the worker app: the nightly rebuild of outlet profiles (served by
the API once stored) and the reconciler, each recorded as a job."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from parallax.cli import exit_codes
from parallax.cli.api_app import create_api_app
from parallax.cli.maintenance import rebuild_profiles_once, reconcile_once
from parallax.shared import pipeline
from parallax.shared.config import Settings

from .conftest import Invoke


def test_profiles_are_rebuilt_stored_and_served_as_stored(
    invoke: Invoke, annotated: list[int], engine: Engine
) -> None:
    assert invoke("events", "assign").exit_code == exit_codes.OK
    assert invoke("events", "compare").exit_code == exit_codes.OK
    counts = rebuild_profiles_once(engine, trigger="command")
    with engine.connect() as connection:
        stored = dict(connection.execute(sa.text("SELECT outlet_id, computed_at FROM outlet_profile")).all())
        job = connection.execute(
            sa.text("SELECT kind, status, trigger FROM ingest_run ORDER BY id DESC LIMIT 1")
        ).one()
    assert counts == {"outlets": len(stored)}
    assert len(stored) >= 2
    assert tuple(job) == ("rebuild_profiles", "succeeded", "command")
    url = engine.url.render_as_string(hide_password=False)
    client = create_api_app(Settings(database_url=url, api_keys_required=False)).test_client()
    outlet_id = sorted(stored)[0]
    served = client.get(f"/v1/outlets/{outlet_id}/profile").get_json()
    kept = stored[outlet_id]
    kept = kept if isinstance(kept, dt.datetime) else dt.datetime.fromisoformat(kept)
    assert dt.datetime.fromisoformat(served["computed_at"]).replace(tzinfo=None) == kept.replace(tzinfo=None)
    assert served["outlet"]["id"] == outlet_id
    assert "profile" in served
    assert "blind_spots" in served
    rebuild_profiles_once(engine)  # rebuilt in place, one row per outlet
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM outlet_profile")).scalar_one() == len(stored)


def test_the_reconciler_sends_stale_events_to_comparison_due_at_once(
    invoke: Invoke, annotated: list[int], engine: Engine
) -> None:
    assert invoke("events", "assign").exit_code == exit_codes.OK
    sent: list[tuple[str, list[object]]] = []
    settings = Settings(
        database_url=engine.url.render_as_string(hide_password=False), reconcile_grace_seconds=0
    )
    counts = reconcile_once(engine, settings, lambda task, args: sent.append((task, args)))
    events = [args[0] for task, args in sent if task == pipeline.COMPARE_EVENT]
    assert counts["compare_stale"] == len(events) >= 2  # clustered, never compared
    assert counts["annotate_article"] == counts["cluster_article"] == 0
    with engine.connect() as connection:
        due = connection.execute(
            sa.text("SELECT count(*) FROM event WHERE compare_due_at IS NOT NULL")
        ).scalar_one()
    assert due == len(events)
