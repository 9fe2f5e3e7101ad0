"""One clock: every time ownwise stores comes from the injected wall clock (and one format)."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

from ownwise.attribution import Change, EditKind
from ownwise.clock import iso, parse_iso, wall_clock
from ownwise.engine import Engine
from ownwise.ownership import OwnershipClass
from ownwise.settings import Settings

#: far from the real time, so a stamp taken from the real clock cannot pass
THEN = datetime(2020, 3, 4, 5, 6, 7, 891000, tzinfo=timezone.utc)


def test_every_stored_time_comes_from_the_injected_clock(tmp_path: Path):
    """Regression: edits, snapshots, focus violations (and kv, overrides) were stamped with the real
    clock while sessions and activity minutes used the injected one."""
    ws = tmp_path / "ws"
    (ws / "src").mkdir(parents=True)
    db = tmp_path / "data" / "ownwise.db"
    e = Engine(Settings(), db_path=db, wall=lambda: THEN)
    assert e.open_store() and e.focus is not None
    e.set_workspace_folders([ws])
    e.focus.start(30)
    uri = (ws / "src" / "core.py").as_uri()
    e.open(uri, "", 1)
    e.hint(uri, EditKind.INLINE_COMPLETION, "copilot", 2)
    e.change(uri, 2, [Change("def f():\n    return 1\n", 0, 0, 0, 0)])
    e.set_override(uri, OwnershipClass.CORE)
    e.shutdown()  # queues the settings (kv) and the snapshot, flushes

    conn = sqlite3.connect(db)
    stamps = {
        "edits.ts": conn.execute("select ts from edits").fetchall(),
        "attribution_snapshots.updated_at": conn.execute("select updated_at from attribution_snapshots").fetchall(),
        "focus_violations.ts": conn.execute("select ts from focus_violations").fetchall(),
        "kv.updated_at": conn.execute("select updated_at from kv").fetchall(),
        "ownership_overrides.set_at": conn.execute("select set_at from ownership_overrides").fetchall(),
        "sessions.started_at": conn.execute("select started_at from sessions").fetchall(),
        "activity_minutes.minute": conn.execute("select minute from activity_minutes").fetchall(),
        "focus_blocks.started_at": conn.execute("select started_at from focus_blocks").fetchall(),
    }
    conn.close()
    for name, rows in stamps.items():
        assert rows, name
        for (value,) in rows:
            assert abs(parse_iso(value) - THEN) < timedelta(minutes=1), (name, value)
    assert stamps["edits.ts"] == [(iso(THEN),)]
    assert stamps["activity_minutes.minute"] == [("2020-03-04T05:06:00.000+00:00",)]


def test_iso_is_utc_with_milliseconds_and_parses_back():
    local = THEN.astimezone(timezone(timedelta(hours=2)))
    assert iso(local) == "2020-03-04T05:06:07.891+00:00"
    assert parse_iso(iso(local)) == THEN
    assert parse_iso("2020-03-04T05:06:07") == THEN.replace(microsecond=0)  # no zone: UTC


def test_the_hooks_stamps_have_the_servers_format():
    from ownwise.hooks.run import _now

    stamp = _now()
    assert len(stamp) == len(iso(THEN)) and stamp.endswith("+00:00")
    assert abs(parse_iso(stamp) - datetime.now(timezone.utc)) < timedelta(minutes=1)


def test_wall_clock_is_shifted_by_the_offset(monkeypatch):
    monkeypatch.setenv("OWNWISE_CLOCK_OFFSET_SECONDS", str(3 * 86400))
    shifted = wall_clock()()
    ahead = shifted - datetime.now(timezone.utc)
    assert timedelta(days=3) - timedelta(minutes=1) < ahead < timedelta(days=3, minutes=1)
    monkeypatch.setenv("OWNWISE_CLOCK_OFFSET_SECONDS", "not a number")
    assert abs(wall_clock()() - datetime.now(timezone.utc)) < timedelta(minutes=1)
