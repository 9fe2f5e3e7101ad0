"""Retention of agent snapshots (docs/database.md, agent_snapshots): a real SQLite file."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from ownwise.engine import Engine
from ownwise.settings import Settings
from ownwise.store import Store

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)


def at(**ago) -> str:
    return (NOW - timedelta(**ago)).isoformat(timespec="milliseconds")


def snap(store: Store, path: str, phase: str, ts: str, *, used: str | None = None, content: str = "c") -> int:
    return store.db["agent_snapshots"].insert({
        "agent": "claude-code", "phase": phase, "path": path, "ts": ts, "session": None, "tool": "Edit",
        "exists": 1, "content_hash": f"{content}-{phase}", "line_hashes": "[]", "size": 1, "used_at": used,
    }).last_pk


def rows(store: Store) -> list[tuple[str, str, str]]:
    return [(r["path"], r["phase"], r["ts"]) for r in store.db["agent_snapshots"].rows_where(order_by="id")]


@pytest.fixture
def store(tmp_path: Path):
    s, _ = Store.open(tmp_path / "ownwise.db")
    yield s
    s.close()


def test_used_rows_go_a_day_after_use_unused_ones_after_a_week(store: Store):
    snap(store, "/w/credited_long_ago.py", "pre", at(days=3), used=at(days=2))
    snap(store, "/w/credited_long_ago.py", "post", at(days=3), used=at(days=2))
    snap(store, "/w/credited_today.py", "pre", at(hours=3), used=at(hours=2))
    snap(store, "/w/credited_today.py", "post", at(hours=3), used=at(hours=2))
    snap(store, "/w/never_seen.py", "post", at(days=8))
    snap(store, "/w/denied_call.py", "pre", at(days=3))  # unused, but not a week old
    snap(store, "/w/pending.py", "pre", at(hours=1))
    after = snap(store, "/w/pending.py", "post", at(hours=1))

    assert store.prune_agent_snapshots(NOW) == 3
    assert rows(store) == [("/w/credited_today.py", "pre", at(hours=3)), ("/w/credited_today.py", "post", at(hours=3)),
                           ("/w/denied_call.py", "pre", at(days=3)),
                           ("/w/pending.py", "pre", at(hours=1)), ("/w/pending.py", "post", at(hours=1))]
    # the agent's edit nobody has looked at yet is still matched, with its before-state
    found = store.agent_after("/w/pending.py", "c-post", at(hours=24))
    assert found is not None and found.id == after
    before = store.agent_before(found)
    assert before is not None and before.phase == "pre" and before.ts == at(hours=1)
    assert store.prune_agent_snapshots(NOW) == 0


def test_pruning_never_lets_an_old_before_state_match_a_newer_edit(store: Store):
    path = "/w/stats.py"
    snap(store, path, "pre", at(days=3), content="old")  # a tool call the user denied: never used
    snap(store, path, "pre", at(days=2), used=at(days=2), content="a")
    snap(store, path, "post", at(days=2), used=at(days=2), content="a")
    # the agent edits again, but its pre hook did not run: nothing may be credited
    snap(store, path, "post", at(hours=1), content="b")
    after = store.agent_after(path, "b-post", at(hours=24))
    assert after is not None and store.agent_before(after) is None

    assert store.prune_agent_snapshots(NOW) == 3  # the used pair and everything of the file before it
    after = store.agent_after(path, "b-post", at(hours=24))
    assert after is not None and store.agent_before(after) is None
    assert rows(store) == [(path, "post", at(hours=1))]


def test_the_engine_prunes_on_its_first_flush_then_once_a_day(tmp_path: Path):
    clock = {"now": NOW}
    e = Engine(Settings(), db_path=tmp_path / "ownwise.db", wall=lambda: clock["now"])
    assert e.open_store() and e.store is not None
    snap(e.store, "/w/a.py", "post", at(days=8))
    e.flush()
    assert rows(e.store) == []
    snap(e.store, "/w/b.py", "post", at(days=8))
    clock["now"] = NOW + timedelta(hours=23)
    e.flush()
    assert len(rows(e.store)) == 1  # not again within the day
    clock["now"] = NOW + timedelta(hours=24)
    e.flush()
    assert rows(e.store) == []
