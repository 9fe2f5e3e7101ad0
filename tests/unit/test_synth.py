"""The synthetic benchmark database (benchmarks/synth.py) is a valid, consistent ownwise database."""

from __future__ import annotations

import json
import sqlite3
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from synth import build_synthetic_db

from ownwise.store import Store

NOW = datetime(2026, 11, 24, 18, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def synth(tmp_path_factory) -> tuple[Path, dict]:
    path = tmp_path_factory.mktemp("synth") / "ownwise.db"
    counts = build_synthetic_db(path, edits=5_000, days=30, seed=3, now=NOW)
    return path, counts


def test_counts_and_integrity(synth) -> None:
    path, counts = synth
    assert counts["edits"] == 5_000
    for table in ("sessions", "activity_minutes", "prompts", "answers", "reviews", "attribution_snapshots"):
        assert counts[table] > 0, table
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("select count(*) from edits").fetchone()[0] == 5_000
        first, last = conn.execute("select min(ts), max(ts) from edits").fetchone()
    assert first >= "2026-10-26" and last < NOW.isoformat()


def test_schema_version_is_a_real_ones(synth, tmp_path) -> None:
    path, _ = synth
    fresh, _ = Store.open(tmp_path / "fresh.db")
    store, _ = Store.open(path)
    try:
        assert store.schema_version() == fresh.schema_version()
        assert store.edit_count() == 5_000
        edit = store.edits()[0]  # rows read back through the real models
        assert len(edit.id) == 32 and edit.ts.endswith("+00:00") and len(edit.ts) == 29
        assert store.sessions()[0].files_touched
    finally:
        store.close()
        fresh.close()


def test_references(synth) -> None:
    path, _ = synth
    conn = sqlite3.connect(path)
    try:
        orphans = conn.execute(
            "select count(*) from edits e left join sessions s on s.id = e.session_id "
            "where s.id is null or e.ts < s.started_at or e.ts > s.last_activity").fetchone()[0]
        assert orphans == 0
        edits = {i: u for i, u in conn.execute("select id, uri from edits")}
        n_events = 0
        for uri, events in conn.execute("select uri, events from prompts"):
            for e in json.loads(events):
                assert edits.get(e) == uri
                n_events += 1
        assert n_events
        n_ranges = 0
        for uri, ranges in conn.execute("select uri, ranges from attribution_snapshots"):
            for r in json.loads(ranges):
                assert edits.get(r["event"]) == uri
                assert r["start_line"] <= r["end_line"]
                n_ranges += 1
        assert n_ranges
        assert conn.execute("select count(*) from answers a left join prompts p on p.id = a.prompt_id "
                            "where p.id is null").fetchone()[0] == 0
        assert conn.execute("select count(*) from reviews r left join prompts p on p.id = r.prompt_id "
                            "where p.id is null or p.status != 'answered'").fetchone()[0] == 0
    finally:
        conn.close()


def test_deterministic(synth, tmp_path) -> None:
    path, _ = synth
    again = tmp_path / "again.db"
    build_synthetic_db(again, edits=5_000, days=30, seed=3, now=NOW)

    def dump(p: Path) -> list[str]:
        conn = sqlite3.connect(p)
        try:
            return list(conn.iterdump())
        finally:
            conn.close()

    assert dump(again) == dump(path)
