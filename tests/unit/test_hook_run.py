"""``ownwise hook``'s error log: written, never raised, and rotated at a size bound."""

from __future__ import annotations

import pytest

from ownwise.hooks import run


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("OWNWISE_DB", str(tmp_path / "data" / "ownwise.db"))
    return tmp_path / "data"


def test_errors_are_logged_and_the_hook_still_exits_0(data_dir):
    assert run.run(["--agent", "no-such-agent"], "{}") == 0
    assert "unknown agent 'no-such-agent'" in (data_dir / "hook-errors.log").read_text()


def test_the_log_rotates_past_its_bound_keeping_one_old_file(data_dir, monkeypatch):
    monkeypatch.setattr(run, "LOG_MAX_BYTES", 1000)
    log, old = data_dir / "hook-errors.log", data_dir / "hook-errors.log.1"
    run._log_error("first " + "x" * 600)
    run._log_error("second " + "x" * 600)  # the log is still under the bound when this is added
    assert not old.exists() and log.stat().st_size > 1000
    run._log_error("third")  # over the bound: moved aside, a new log begins
    assert "first" in old.read_text() and "second" in old.read_text()
    assert "third" in log.read_text() and "first" not in log.read_text()
    run._log_error("fourth " + "x" * 1000)
    run._log_error("fifth")  # the second rotation replaces the older file
    assert "fourth" in old.read_text() and "first" not in old.read_text()
    assert log.read_text().endswith("fifth\n")
    assert sorted(p.name for p in data_dir.iterdir()) == ["hook-errors.log", "hook-errors.log.1"]


def test_the_default_bound_keeps_the_log_near_1_mb():
    assert run.LOG_MAX_BYTES == 1024 * 1024
