"""End to end over LSP: no-AI focus blocks, violations, the reflection, crash safety, the CLI."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from pygls.exceptions import JsonRpcException

from .conftest import ROOT, eventually, ownwise, plain

CORE = "def total(items):\n    pass\n"
BLOCK = "    acc = 0\n    for x in items:\n        acc += x\n    return acc\n"


def q(db: Path, sql: str, *args):
    con = sqlite3.connect(db)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def watch_focus(s) -> list[dict]:
    seen: list[dict] = []

    @s.client.feature("ownwise/focusChanged")
    def _changed(params):
        seen.append(plain(params))

    return seen


def cli(db: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, OWNWISE_DB=str(db), PYTHONPATH=str(ROOT / "server"))
    return subprocess.run([sys.executable, "-m", "ownwise", *args], env=env, capture_output=True,
                          text=True, timeout=60)


async def test_block_violation_stop_and_reflection(workspace, db):
    async with ownwise(workspace, db, answer=("Reflect now", "Later")) as s:
        seen = watch_focus(s)
        res = await s.command("ownwise.focus.start", {"minutes": 60, "task": "parser", "estimateMinutes": 45})
        assert res["active"] is True and res["started"] is True and res["plannedMinutes"] == 60
        await eventually(lambda: seen)
        assert seen[0]["active"] is True and seen[0]["task"] == "parser" and seen[0]["plannedMinutes"] == 60

        uri = s.open("src/engine.py", CORE)
        s.hint(uri, "inlineCompletion", "github.copilot")
        s.insert(uri, 2, BLOCK)
        s.insert(uri, 6, "x = 1\n")  # a second AI edit: told only once
        s.hint(uri, "chatEdit", "copilot-chat")
        s.insert(uri, 7, "y = 2\n")
        await eventually(lambda: any("during your no-AI block" in m for m in s.messages()))
        status = await s.command("ownwise.focus.status")
        assert status["active"] and 0 < status["remainingSeconds"] <= 3600
        await eventually(lambda: any(st.get("focus", {}).get("active") for st in s.statuses))

        stopped = await s.command("ownwise.focus.stop")
        assert stopped["stopped"] is True and stopped["block"]["endReason"] == "command"
        await eventually(lambda: len(seen) == 2)
        assert seen[1]["active"] is False and seen[1]["endReason"] == "command"
        assert (seen[1]["violations"], seen[1]["suspected"]) == (2, 0)
        await eventually(lambda: s.client.shown_documents)
        asked = sorted(a.message for a in s.asked)
        assert asked[0].startswith("You kept 1 AI edit (4 lines) in core code")  # the session's prompt
        assert asked[1].startswith("Your no-AI block is over (0 of 60 minutes)")
        path = Path(unquote(urlparse(s.client.shown_documents[-1].uri).path))
        assert path.name.startswith("reflect-") and oct(path.stat().st_mode & 0o777) == "0o600"
        text = path.read_text()
        text = text.replace("Felt: _/5", "Felt: 4/5")
        text = text.replace("## What did you have to look up?\n\n<!-- write below -->\n",
                            "## What did you have to look up?\n\n<!-- write below -->\nthe re module docs\n")
        path.write_text(text)
        s.did_save(path.as_uri())
        await eventually(lambda: any("Reflection saved" in m for m in s.messages()))
        assert sum("during your no-AI block" in m for m in s.messages()) == 1

    assert q(db, "select kind, source, lines, suspected from focus_violations order by id") == [
        ("inlineCompletion", "github.copilot", 4, 0), ("chatEdit", "copilot-chat", 1, 0)]
    assert q(db, "select felt, looked_up, via from focus_reflections") == [(4, "the re module docs", "document")]
    assert q(db, "select end_reason, estimate_minutes, reflection, notified from focus_blocks") == [
        ("command", 45.0, "answered", 1)]
    assert q(db, "select end_reason from sessions") == [("focus",)]


async def test_time_up_ends_the_block(workspace, db):
    async with ownwise(workspace, db, answer=("Skip",)) as s:
        seen = watch_focus(s)
        await s.command("ownwise.focus.start", {"minutes": 0.03})  # 1.8 s
        await eventually(lambda: any(not c["active"] for c in seen), timeout=8)
        ended = next(c for c in seen if not c["active"])
        assert ended["endReason"] == "timeUp"
        await eventually(lambda: s.asked)
    (row,) = q(db, "select started_at, ended_at, end_reason, reflection from focus_blocks")
    assert row[2] == "timeUp" and row[3] == "skipped"
    from datetime import datetime
    took = datetime.fromisoformat(row[1]) - datetime.fromisoformat(row[0])
    assert abs(took.total_seconds() - 1.8) < 0.01  # ended at its planned end, not when noticed


async def test_a_crash_closes_the_block_as_interrupted_at_the_next_start(workspace, db):
    async with ownwise(workspace, db) as s:
        await s.command("ownwise.focus.start", {"minutes": 90})
        await asyncio.sleep(1.5)  # a heartbeat or two
        pid = s.client._server.pid  # the server process
        os.kill(pid, signal.SIGKILL)
        await asyncio.sleep(0.5)
    assert q(db, "select end_reason from focus_blocks") == [(None,)]
    async with ownwise(workspace, db, answer="Later") as s:
        seen = watch_focus(s)
        await eventually(lambda: seen)
        assert seen[0]["active"] is False and seen[0]["endReason"] == "interrupted"
        assert (await s.command("ownwise.focus.status")) == {"active": False}
    (ended, last, reason), = q(db, "select ended_at, last_activity, end_reason from focus_blocks")
    assert reason == "interrupted" and ended == last


async def test_cli_start_is_seen_by_a_running_server(workspace, db):
    async with ownwise(workspace, db, answer="Later") as s:
        seen = watch_focus(s)
        r = cli(db, "focus", "start", "--minutes", "30", "--task", "from the terminal")
        assert r.returncode == 0, r.stderr
        await eventually(lambda: seen, timeout=3)
        assert seen[0]["active"] is True and seen[0]["task"] == "from the terminal"
        r = cli(db, "focus", "status", "--json")
        assert '"active": true' in r.stdout
        r = cli(db, "focus", "stop")
        assert r.returncode == 0
        await eventually(lambda: len(seen) == 2, timeout=3)
        assert seen[1]["active"] is False and seen[1]["endReason"] == "cli"


async def test_bad_arguments_and_calibration(workspace, db):
    async with ownwise(workspace, db) as s:
        with pytest.raises(JsonRpcException):
            await s.command("ownwise.focus.start", {"minutes": -5})
        with pytest.raises(JsonRpcException):
            await s.request("ownwise/calibration", {"weeks": 0})
        with pytest.raises(JsonRpcException):
            await s.request("ownwise/answerReflection", {"blockId": "nope", "felt": 3})
        started = await s.command("ownwise.focus.start", {"estimateMinutes": 20})
        assert started["plannedMinutes"] == 90
        again = await s.command("ownwise.focus.start", {})
        assert again["started"] is False and again["id"] == started["id"]
        uri = s.open("src/engine.py", CORE)
        s.insert(uri, 2, "x = 1\n")
        await s.file_info(uri)
        await s.command("ownwise.focus.stop")
        res = await s.request("ownwise/answerReflection", {"blockId": started["id"], "felt": 2,
                                                           "tookLonger": "the tests", "actualMinutes": 25})
        assert res == {"saved": True}
        cal = await s.request("ownwise/calibration", {"weeks": 2})
        assert len(cal["weeks"]) == 2 and cal["weeks"][-1]["blocks"] == 1
        week = cal["weeks"][-1]
        assert week["inside"]["lines"] == 1 and week["inside"]["activeMinutes"] == 1  # "x = 1" typed in it
        assert week["byClass"]["core"]["inside"]["lines"] == 1 and week["outside"]["lines"] == 0
        assert cal["estimates"] == [] or cal["estimates"][0]["estimateMinutes"] == 20
    assert q(db, "select took_longer, actual_minutes, via from focus_reflections") == [("the tests", 25, "request")]


async def test_a_block_ended_by_shutdown_asks_for_its_reflection_at_the_next_start(workspace, db):
    async with ownwise(workspace, db) as s:
        await s.command("ownwise.focus.start", {"minutes": 30})
    assert q(db, "select end_reason, reflection from focus_blocks") == [("shutdown", None)]
    async with ownwise(workspace, db, answer="Skip") as s:
        await eventually(lambda: s.asked)
        assert s.asked[0].message.startswith("Your no-AI block is over (0 of 30 minutes)")
        await eventually(lambda: q(db, "select reflection from focus_blocks") == [("skipped",)])


def test_cli_rejects_impossible_values(tmp_path):
    db = tmp_path / "o.db"
    for args in (["--minutes", "-5"], ["--minutes", "0"], ["--estimate", "0"], ["--minutes", "x"]):
        r = cli(db, "focus", "start", *args)
        assert r.returncode == 2 and "argument --" in r.stderr, (args, r.stderr)
    r = cli(db, "focus", "stats", "--weeks", "0")
    assert r.returncode == 2 and "from 1 to 520" in r.stderr


def test_cli_stats_prints_the_weeks(tmp_path):
    db = tmp_path / "o.db"
    assert cli(db, "focus", "start", "--minutes", "90", "--estimate", "60").returncode == 0
    assert cli(db, "focus", "start").returncode == 1  # one at a time
    assert cli(db, "focus", "stop").returncode == 0
    r = cli(db, "focus", "stats", "--weeks", "3")
    assert r.returncode == 0, r.stderr
    assert "No-AI blocks, last 3 weeks" in r.stdout and "Streak: 0 week(s)" in r.stdout
    r = cli(db, "focus", "stats", "--json")
    assert '"streakWeeks": 0' in r.stdout


async def test_behind_the_weekly_goal_near_the_week_end_reminds_once_a_day(workspace, db):
    settings = {"focus": {"remindDaysBeforeWeekEnd": 6, "weeklyGoalMinutes": 90}}
    async with ownwise(workspace, db, settings=settings) as s:
        uri = s.open("src/a.py", "x = 1\n")
        s.insert(uri, 1, "y")  # the first edit starts a session
        await eventually(lambda: any("no-AI minutes this week" in m for m in s.messages()))
        (msg,) = [m for m in s.messages() if "no-AI minutes" in m]
        assert msg.startswith("ownwise: 0 of 90 no-AI minutes this week, and the week ends")
        await s.command("ownwise.session.end")
        s.insert(uri, 1, "z")  # a new session, the same day
        await s.file_info(uri)
        await asyncio.sleep(0.3)
        assert sum("no-AI minutes" in m for m in s.messages()) == 1
    fresh = db.parent / "fresh.db"  # no reminder stored for today yet: only the goal stops it
    async with ownwise(workspace, fresh, settings={"focus": {"remindDaysBeforeWeekEnd": 6,
                                                             "weeklyGoalMinutes": 0}}) as s:
        uri = s.open("src/a.py", "x = 1\n")
        s.insert(uri, 1, "y")
        await s.file_info(uri)
        await asyncio.sleep(0.3)
        assert not any("no-AI minutes" in m for m in s.messages())



async def test_a_running_block_is_extended_here_and_in_another_window(workspace, db):
    async with ownwise(workspace, db) as s, ownwise(workspace, db) as other:
        seen, seen_other = watch_focus(s), watch_focus(other)
        await s.command("ownwise.focus.start", {"minutes": 30})
        await eventually(lambda: seen and seen_other, timeout=8)
        res = await s.command("ownwise.focus.extend", {"minutes": 15})
        assert res["active"] is True and res["plannedMinutes"] == 45 and 44 * 60 < res["remainingSeconds"] <= 45 * 60
        await eventually(lambda: seen[-1]["plannedMinutes"] == 45)
        # the other window sees the new end within a tick (its countdown follows)
        await eventually(lambda: seen_other[-1]["plannedMinutes"] == 45 and seen_other[-1]["active"], timeout=8)
        assert sum(c["active"] for c in seen_other) == 2 and not any(not c["active"] for c in seen_other)
        await s.command("ownwise.focus.stop")
        with pytest.raises(JsonRpcException):
            await s.command("ownwise.focus.extend", {"minutes": 15})
        with pytest.raises(JsonRpcException):
            await s.command("ownwise.focus.extend", {"minutes": 0})
    assert q(db, "select planned_minutes, end_reason from focus_blocks") == [(45.0, "command")]
