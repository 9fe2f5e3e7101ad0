"""``ownwise export`` carries every table of the user's data and ``ownwise import`` brings it back:
export -> import into a fresh database -> export gives the same file; importing twice adds nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from ownwise.store import FocusReflection, FocusViolation, ReviewCard, SessionRecord, Store
from ownwise.store.fast import connect, record
from tests.report_fixture import build

ROOT = Path(__file__).resolve().parents[2]


def run(args: list[str], db: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, OWNWISE_DB=str(db), PYTHONPATH=str(ROOT / "server"))
    return subprocess.run([sys.executable, "-m", "ownwise", *args], capture_output=True, text=True, env=env,
                          cwd=str(ROOT))


def full_database(db: Path, tmp_path: Path) -> None:
    """The report fixture (edits, sessions, prompts, answers, reviews, blocks, activity, snapshots) and the
    rest: violations, a reflection, overrides, key/values, an agent's records."""
    build(db)
    store, _ = Store.open(db)
    (block, *_rest) = store.focus_blocks()
    store.add_violations([FocusViolation(block_id=block.id, ts=block.started_at, kind="inlineCompletion",
                                         source="copilot", lines=3, path="src/a.py", suspected=False)] * 2)
    store.add_reflection(FocusReflection(block_id=block.id, felt=4, looked_up="the docs", notes="good",
                                         via="document", created_at=block.started_at))
    store.set_override("/home/dev/proj/src/a.py", "core")
    store.save_sessions([SessionRecord(id=7, started_at=block.started_at, last_activity=block.started_at,
                                       files_touched=["src/a.py"], ai_lines_by_kind={"chatEdit": 3}, pid=1)])
    store.put_review(ReviewCard(prompt_id=store.prompts()[0].id, card="{}", due=block.started_at, reps=1))
    store.put("settings", {"storeSnippets": False})
    store.put("client:focus.snapshot", {"editor.inlineSuggest.enabled": True})
    store.close()
    f = tmp_path / "agent.py"
    f.write_text("a = 1\n")
    conn = connect(db)
    for phase in ("pre", "post"):
        record(conn, agent="codex", phase=phase, path=f, ts="2026-11-20T10:00:00.000+00:00", session="s", tool="x")
    conn.close()


def test_export_import_export_gives_the_same_file_and_a_second_import_adds_nothing(tmp_path: Path):
    db = tmp_path / "data" / "ownwise.db"
    full_database(db, tmp_path)
    first = tmp_path / "first.json"
    assert run(["export", "--out", str(first)], db).returncode == 0
    data = json.loads(first.read_text())
    for key in ("edits", "sessions", "prompts", "answers", "reviews", "ownershipOverrides", "focusBlocks",
                "focusViolations", "focusReflections", "activityMinutes", "agentSnapshots",
                "attributionSnapshots", "kv"):
        assert data[key], key  # every table carries rows
    assert oct(first.stat().st_mode & 0o777) == "0o600"

    db.rename(tmp_path / "aside.db")  # a fresh database at the same place (the export names its path)
    r = run(["import", str(first)], db)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("imported ")
    second = tmp_path / "second.json"
    assert run(["export", "--out", str(second)], db).returncode == 0
    assert second.read_text() == first.read_text()

    again = run(["import", str(first)], db)
    assert again.returncode == 0 and again.stdout == "imported 0 rows\n"
    assert run(["export", "--out", str(second)], db).returncode == 0
    assert second.read_text() == first.read_text()


def test_import_into_a_database_with_its_own_rows_keeps_both(tmp_path: Path):
    mine, theirs = tmp_path / "mine" / "o.db", tmp_path / "theirs" / "o.db"
    full_database(theirs, tmp_path)
    store, _ = Store.open(mine)
    # the same generated id as the other database's reflection, with other content:
    (block,) = [b for b in json.loads(run(["export"], theirs).stdout)["focusBlocks"]][:1]
    store.db["focus_blocks"].insert({**block, "notified": int(block["notified"])})
    store.add_reflection(FocusReflection(block_id=block["id"], felt=2, via="cli", created_at=block["started_at"]))
    store.close()
    export = tmp_path / "theirs.json"
    export.write_text(run(["export"], theirs).stdout)
    assert run(["import", str(export)], mine).returncode == 0
    store, _ = Store.open(mine)
    assert sorted(r.felt for r in store.reflections()) == [2, 4]  # id 1 was taken: theirs got a new one
    assert len(store.violations()) == 2  # two equal violations (but for their ids): both kept
    store.close()


def test_import_refuses_what_is_not_an_export(tmp_path: Path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"format": "ownwise-team-export", "version": 1}))
    r = run(["import", str(bad)], tmp_path / "o.db")
    assert r.returncode == 2 and "not an ownwise export" in r.stderr
    bad.write_text("{not json")
    assert run(["import", str(bad)], tmp_path / "o.db").returncode == 1
