"""The running server writes each commit's Agent Trace record from the HEAD reflog (no hook file), the
same record ``ownwise trace backfill`` writes later from the database; commits made while no editor ran
are caught up at the next start; ``ownwise/lineAttribution`` gives the hover its AI lines."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.trace_fixture import env, git, meta, ranges, records
from tests.trace_fixture import ownwise as cli

from .conftest import eventually, ownwise

CORE = "def total(items):\n    pass\n"
BLOCK = "    acc = 0\n    for x in items:\n        acc += x\n    return acc\n"
MINE = "print(total([1, 2]))\n"


def setup_repo(workspace: Path, home: Path) -> None:
    home.mkdir(parents=True, exist_ok=True)
    git(workspace, "init", "-q", "-b", "main", home=home)
    git(workspace, "config", "user.email", "ada@example.com", home=home)
    git(workspace, "config", "user.name", "Ada", home=home)
    git(workspace, "add", "-A", home=home)
    git(workspace, "commit", "-qm", "rules", home=home)


def commit(workspace: Path, home: Path, text: str, msg: str, *extra: str) -> str:
    (workspace / "src" / "engine.py").write_text(text)
    git(workspace, "add", "-A", home=home)
    git(workspace, "commit", "-q", "-m", msg, *extra, home=home)
    return git(workspace, "rev-parse", "HEAD", home=home).strip()


def without_id(rec: dict) -> dict:
    return {k: v for k, v in rec.items() if k not in ("id", "timestamp")}


async def record_of(workspace: Path, home: Path, rev: str, timeout: float = 20) -> dict:
    recs = await eventually(lambda: records(workspace, home, rev), timeout=timeout)
    assert len(recs) == 1
    return recs[0]


async def test_commits_seen_by_the_server_and_backfill_agree(workspace, db, tmp_path):
    home = tmp_path / "home"
    setup_repo(workspace, home)
    genv = {k: v for k, v in env(home).items() if k.startswith(("GIT_", "HOME"))}
    async with ownwise(workspace, db, env=genv) as s:
        uri = s.open("src/engine.py", CORE)
        s.hint(uri, "inlineCompletion", "github.copilot", version=2)
        s.insert(uri, 2, BLOCK)
        s.insert(uri, 6, MINE)
        first = commit(workspace, home, CORE + BLOCK + MINE, "total")
        rec = await record_of(workspace, home, first)
        assert ranges(rec, "src/engine.py") == [("human", 1, 2), ("ai", 3, 6), ("human", 7, 7)]
        m = meta(rec, "src/engine.py")
        assert m["class"] == "core"
        assert [(r["kind"], r["tool"], r["explained"]) for r in m["ranges"]] == [("inline", "github.copilot",
                                                                                  "pending")]
        # the hover's data: the editor's AI lines, with kind, tool, when and the explained state
        att = await s.request("ownwise/lineAttribution", {"uri": uri})
        [r] = att["ranges"]
        assert (r["startLine"], r["endLine"], r["type"], r["kind"], r["tool"], r["explained"], r["source"]) == (
            2, 5, "ai", "inline", "github.copilot", "pending", "editor")
        assert r["when"].startswith("20")

        # a human-only commit: a record of human lines
        s.insert(uri, 7, "print('done')\n")
        second = commit(workspace, home, CORE + BLOCK + MINE + "print('done')\n", "done")
        rec2 = await record_of(workspace, home, second)
        assert ranges(rec2, "src/engine.py") == [("human", 8, 8)]
        # an amend: the record follows to the new commit
        amended = commit(workspace, home, CORE + BLOCK + MINE + "print('done')\n", "done, said better",
                         "--amend")
        rec3 = await record_of(workspace, home, amended)
        assert ranges(rec3, "src/engine.py") == [("human", 8, 8)]
        await asyncio.sleep(1.5)  # the reflog's place is kept by the next flush

    # the editor closed: backfill writes for the first commit the record the server wrote
    git(workspace, "notes", "--ref=agent-trace", "remove", first, home=home)
    cli("trace", "backfill", f"{first}~1..{first}", home=home, db=db, cwd=workspace)
    [again] = records(workspace, home, first)
    assert without_id(again) == without_id(rec) and again["id"] != rec["id"]

    # a commit made while no editor ran is recorded when the server starts again
    third = commit(workspace, home, "# header\n" + CORE + BLOCK + MINE + "print('done')\n", "header")
    async with ownwise(workspace, db, env=genv) as s:
        rec4 = await record_of(workspace, home, third)
        assert ranges(rec4, "src/engine.py") == [("unknown", 1, 1)]  # written outside the editor
        # the hover of a file whose lines the editor no longer has tags for: from the records
        uri = s.open("src/engine.py", "# header\n" + CORE + BLOCK + MINE + "print('done')\n")
        att = await s.request("ownwise/lineAttribution", {"uri": uri})
        [r] = att["ranges"]
        assert (r["startLine"], r["endLine"], r["type"], r["kind"], r["source"], r["commit"]) == (
            3, 6, "ai", "inline", "ownwise", first)


async def test_local_notes_can_be_turned_off(workspace, db, tmp_path):
    home = tmp_path / "home"
    setup_repo(workspace, home)
    genv = {k: v for k, v in env(home).items() if k.startswith(("GIT_", "HOME"))}
    async with ownwise(workspace, db, env=genv, settings={"trace": {"notes": False}}) as s:
        uri = s.open("src/engine.py", CORE)
        s.insert(uri, 2, MINE)
        commit(workspace, home, CORE + MINE, "mine")
        await asyncio.sleep(3)
        assert records(workspace, home) == []
    assert git(workspace, "for-each-ref", "refs/notes", home=home) == ""
