"""End to end over LSP: two lines typed key by key are 2 human lines in the session, the report and
the calibration, and a 6-line AI accept beside them makes an AI share of 0.75 (issue 15)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from .conftest import ownwise

TYPED = "def total(items):\n    return sum(items)\n"
AI = ("def mean(items):\n    if not items:\n        return 0.0\n    n = len(items)\n"
      "    s = sum(items)\n    return s / n\n")


def q(db: Path, sql: str):
    con = sqlite3.connect(db)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


async def test_two_typed_lines_and_a_six_line_ai_accept(workspace, db):
    async with ownwise(workspace, db) as s:
        uri = s.open("src/stats.py", "")
        line = col = 0
        for ch in TYPED:  # key by key, as an editor sends it
            s.insert(uri, line, ch, col)
            line, col = (line + 1, 0) if ch == "\n" else (line, col + 1)
        v = s.versions[uri] + 1
        s.hint(uri, "inlineCompletion", "github.copilot", version=v)
        s.insert(uri, 2, AI)
        info = await s.file_info(uri)
        assert info["aiLines"] == 6
        ended = await s.command("ownwise.session.end")
        assert ended["ended"] is True

        report = (await s.request("ownwise/report", {"weeks": 1, "format": "json"}))["report"]
        out = report["weeks"][-1]["output"]
        assert (out["humanLines"], out["aiLines"], out["totalLines"], out["aiShare"]) == (2, 6, 8, 0.75)
        assert report["weeks"][-1]["capability"]["regularTypedLines"] == 2

        cal = await s.request("ownwise/calibration", {"weeks": 1})
        assert cal["weeks"][-1]["outside"]["lines"] == 2
    assert q(db, "select human_lines from sessions") == [(2,)]
    assert q(db, "select sum(human_lines) from activity_minutes") == [(2,)]
