"""FocusManager over a real database: one block at a time, time-up, crash recovery, CLI blocks."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from ownwise.focus.manager import FocusManager, minutes_of
from ownwise.store import Store


class Clock:
    def __init__(self) -> None:
        self.t = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.t


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s, _ = Store.open(tmp_path / "o.db")
    return s


def test_one_block_at_a_time_and_time_up_at_the_planned_end(store: Store):
    clock = Clock()
    m = FocusManager(store, clock)
    block, created = m.start(90, "parser", 60)
    assert created and m.status()["remainingSeconds"] == 90 * 60
    again, created = m.start(30)
    assert not created and again.id == block.id
    clock.t += timedelta(minutes=95)  # noticed 5 minutes late
    (change,) = m.sync()
    assert not change.active and change.block.end_reason == "timeUp"
    assert minutes_of(store.focus_block(block.id), clock()) == 90


def test_a_block_stopped_elsewhere_is_seen_as_ended(store: Store):
    clock = Clock()
    window, terminal = FocusManager(store, clock), FocusManager(store, clock, by="cli")
    block, _ = terminal.start(45)
    (change,) = window.sync()
    assert change.active and change.block.id == block.id
    terminal.stop("cli")
    (change,) = window.sync()
    assert not change.active and change.block.end_reason == "cli"
    assert window.sync() == []


def test_recover_closes_only_blocks_whose_server_is_gone(store: Store, tmp_path: Path):
    clock = Clock()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    m = FocusManager(store, clock)
    block, _ = m.start(90)
    m.sync()  # heartbeat: this process holds it
    clock.t += timedelta(minutes=10)
    other = FocusManager(store, clock)
    other.pid = -1  # a different server in this process's place
    assert other.recover() == []  # the holder (this process) is alive: another window keeps it
    store.update_focus_block(block.id, pid=int(dead.stdout))
    (closed,) = other.recover()
    assert closed.end_reason == "interrupted" and closed.ended_at == store.focus_block(block.id).last_activity


def test_a_cli_block_not_yet_picked_up_is_live(store: Store):
    clock = Clock()
    FocusManager(store, clock, by="cli").start(30)
    assert FocusManager(store, clock).recover() == []
