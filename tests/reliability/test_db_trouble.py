"""Database trouble through the real server (docs/database.md, "If the file cannot be used ...").

A read-only folder, a full disk, a corrupt or truncated file, a lock held by another program:
the user is told once, with what to do; tracking goes on in memory (``ownwise/fileInfo`` still
shows the AI lines); what is queued is written once the database works again; nothing already
stored is lost or overwritten, and a file that is not a usable database is not changed.

The server runs under ``serve_wrapped.py`` where a scenario needs it (file modes that bind root,
a file-size limit standing in for a full disk).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import sqlite3
import subprocess
from pathlib import Path

import pytest
from lsprotocol import types

from ownwise.store import Store
from ownwise.store.models import Answer, EditRecord, Prompt, SessionRecord, Snapshot, SnapshotRange
from tests.lsp.conftest import db, eventually, ownwise, workspace  # noqa: F401 - fixtures

from .serve_wrapped import wrapped

CORE = "def total(items):\n    pass\n"
BLOCK = "    acc = 0\n    for x in items:\n        acc += x\n    return acc\n"
BLOCK2 = "    out = []\n    for x in items:\n        out.append(x * 2)\n    return out\n"
OLD = "2026-01-05T10:00:00.000+00:00"


def seed(path: Path) -> None:
    """A database with history: an edit, an answered prompt with its answer, a snapshot, a session, a kv."""
    store, _ = Store.open(path)
    store.add_edits([EditRecord(id="e0" * 16, ts=OLD, session_id=1, path="src/old.py", uri="file:///old/src/old.py",
                                ownership_class="core", kind="chatEdit", source="copilot-chat", ai=True, lines=3,
                                chars=42, content_hash="ab" * 32, snippet="x = 1\ny = 2\nz = 3\n")])
    store.save_sessions([SessionRecord(id=1, started_at=OLD, ended_at=OLD, last_activity=OLD, end_reason="command",
                                       files_touched=["src/old.py"], ai_lines_by_kind={"chatEdit": 3})])
    store.add_prompts([Prompt(id="0123456789ab", session_id=1, kind="explain", status="answered", path="src/old.py",
                              uri="file:///old/src/old.py", code="x = 1\ny = 2\nz = 3\n", created_at=OLD,
                              updated_at=OLD, offered_at=OLD)])
    store.add_answer(Answer(prompt_id="0123456789ab", text="It sets three names, one per line, for the demo.",
                            understanding=4, via="document", created_at=OLD))
    store.save_snapshots([Snapshot(uri="file:///old/src/old.py", text_hash="cd" * 32, updated_at=OLD, ranges=[
        SnapshotRange(start_line=0, end_line=2, kind="chatEdit", event="e0" * 16)])])
    store.put("client:test", {"kept": True})
    store.close()


def dump(path: Path) -> list[str]:
    con = sqlite3.connect(path)
    try:
        return list(con.iterdump())
    finally:
        con.close()


def kept(before: list[str], path: Path) -> None:
    """Every statement of the earlier dump (schema and each row, byte for byte) is still in the file."""
    after = set(dump(path))
    missing = [line for line in before if line not in after]
    assert not missing, f"stored rows lost or changed: {missing[:3]}"
    con = sqlite3.connect(path)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        con.close()


def edit_rows(path: Path) -> list[tuple]:
    con = sqlite3.connect(path)
    try:
        return con.execute("select path, kind, lines, snippet from edits where path like 'src/new%' "
                           "order by ts").fetchall()
    finally:
        con.close()


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def shown(s, kind: types.MessageType | None = None) -> list[str]:
    return [m.message for m in s.client.messages if kind is None or m.type == kind]


def logged(s) -> list[str]:
    return [m.message for m in s.client.log_messages]


async def ai_edit(s, rel: str, block: str = BLOCK) -> str:
    uri = s.open(rel, CORE)
    s.hint(uri, "inlineCompletion", "github.copilot")
    s.insert(uri, 2, block)
    info = await s.file_info(uri)
    assert info["aiLines"] == 4, info  # tracked in memory whatever the database does
    return uri


async def still_one_message(s, needle: str, seconds: float = 2.5) -> str:
    """Wait a few flush ticks (each retries): the user was still told exactly once."""
    await asyncio.sleep(seconds)
    about = [m for m in shown(s) if needle in m]
    assert len(about) == 1, shown(s)
    return about[0]


# ------------------------------------------------------------------ read-only folder
async def test_read_only_folder_tracks_in_memory_and_writes_when_writable_again(workspace, db):
    seed(db)
    before = dump(db)
    os.chmod(db.parent, 0o500)  # sqlite cannot create ownwise.db-wal / -shm beside the file
    try:
        async with wrapped(workspace, db, env={"OWNWISE_TEST_NO_DAC": "1"}) as s:
            await eventually(lambda: shown(s, types.MessageType.Error))
            uri = await ai_edit(s, "src/new.py")
            msg = await still_one_message(s, str(db))
            assert s.client.messages[0].type == types.MessageType.Error
            assert "keeps tracking in memory" in msg and "writable" in msg, msg  # says what to do
            assert any(str(db) in m for m in logged(s))
            assert edit_rows(db) == []

            os.chmod(db.parent, 0o700)
            await eventually(lambda: edit_rows(db), timeout=5)
            s.hint(uri, "inlineCompletion", "github.copilot")
            s.insert(uri, 7, BLOCK2)
            assert (await s.file_info(uri))["aiLines"] == 8
            await eventually(lambda: len(edit_rows(db)) == 2, timeout=5)
            assert len([m for m in shown(s) if str(db) in m]) == 1
    finally:
        os.chmod(db.parent, 0o700)
    assert edit_rows(db) == [("src/new.py", "inlineCompletion", 4, BLOCK),
                             ("src/new.py", "inlineCompletion", 4, BLOCK2)]
    kept(before, db)


# ----------------------------------------------------------------------- full disk
@contextlib.contextmanager
def small_tmpfs(where: Path):
    where.mkdir()
    try:
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m,mode=700", "tmpfs", str(where)],
                       check=True, capture_output=True, timeout=10)
    except (OSError, subprocess.SubprocessError) as exc:
        pytest.skip(f"no tmpfs here (needs root): {exc}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True, timeout=10)


def fill(where: Path) -> Path:
    filler = where / "filler"
    with open(filler, "wb") as f:
        with contextlib.suppress(OSError):
            while True:
                f.write(b"\0" * 65536)
                f.flush()
    return filler


@pytest.mark.parametrize("how", ["rlimit", "tmpfs"])
async def test_full_disk_keeps_edits_queued_and_writes_them_when_space_is_back(workspace, tmp_path, how):
    """``rlimit``: RLIMIT_FSIZE 0 in the server (EFBIG on every write), works anywhere; ``tmpfs``: a
    real ENOSPC on a tiny tmpfs filled up (root only)."""
    with contextlib.ExitStack() as stack:
        if how == "tmpfs":
            dbfile = stack.enter_context(small_tmpfs(tmp_path / "mnt")) / "ownwise.db"
        else:
            dbfile = tmp_path / "data" / "ownwise.db"
        flag = tmp_path / "disk-full"
        seed(dbfile)
        before = dump(dbfile)
        async with wrapped(workspace, dbfile, env={"OWNWISE_TEST_FSIZE_FILE": str(flag)}) as s:
            await ai_edit(s, "src/new_before.py")
            await eventually(lambda: edit_rows(dbfile))
            filler = fill(dbfile.parent) if how == "tmpfs" else flag.touch()
            await ai_edit(s, "src/new_full.py", BLOCK2)
            await eventually(lambda: shown(s), timeout=5)
            msg = await still_one_message(s, "could not write")
            assert s.client.messages[0].type in (types.MessageType.Warning, types.MessageType.Error)
            assert "retried" in msg and ("space" in msg or "full" in msg), msg
            assert len(edit_rows(dbfile)) == 1

            filler.unlink() if how == "tmpfs" else flag.unlink()
            await eventually(lambda: len(edit_rows(dbfile)) == 2, timeout=5)
            await eventually(lambda: any("work again" in m for m in logged(s)), timeout=5)  # logged after the commit
            assert len(shown(s)) == 1, shown(s)
        assert edit_rows(dbfile) == [("src/new_before.py", "inlineCompletion", 4, BLOCK),
                                     ("src/new_full.py", "inlineCompletion", 4, BLOCK2)]
        kept(before, dbfile)


# ---------------------------------------------------------------------- corrupt file
def corrupt(path: Path, how: str) -> None:
    data = path.read_bytes()
    if how == "header":
        data = bytes(range(7, 107)) + data[100:]  # the 100-byte header: no "SQLite format 3\0" any more
    else:
        data = data[: len(data) // 2 - 1000]  # truncated, and not at a page boundary
    path.write_bytes(data)


@pytest.mark.parametrize("how", ["header", "truncated"])
async def test_corrupt_file_is_reported_once_and_left_byte_for_byte(workspace, db, how):
    seed(db)
    corrupt(db, how)
    os.chmod(db, 0o600)
    digest = sha(db)
    async with ownwise(workspace, db) as s:
        await eventually(lambda: shown(s))
        await ai_edit(s, "src/new.py")
        msg = await still_one_message(s, str(db))
        assert s.client.messages[0].type == types.MessageType.Error
        assert "Move it aside" in msg and "keeps tracking in memory" in msg, msg
        assert any(str(db) in m for m in logged(s))
        await ai_edit(s, "src/new2.py", BLOCK2)
        assert (await s.command("ownwise.session.end"))["ended"] is True
    assert sha(db) == digest
    assert len(shown(s)) == 1, shown(s)


# --------------------------------------------------------------------- locked database
async def test_lock_held_past_the_busy_timeout_loses_nothing(workspace, db):
    seed(db)
    before = dump(db)
    async with ownwise(workspace, db) as s:
        await ai_edit(s, "src/new_before.py")
        await eventually(lambda: edit_rows(db))
        other = sqlite3.connect(db, isolation_level=None)
        try:
            other.execute("BEGIN EXCLUSIVE")
            await ai_edit(s, "src/new_locked.py", BLOCK2)
            await asyncio.sleep(6.5)  # longer than the server's 5 s busy timeout
            assert len(edit_rows(db)) == 1
            other.execute("COMMIT")
        finally:
            other.close()
        await eventually(lambda: len(edit_rows(db)) == 2, timeout=8)
        assert any("locked" in m for m in logged(s)), logged(s)  # the lock did make a flush fail
        told = [m for m in shown(s) if "database" in m]
        assert len(told) <= 1, told
        assert all("locked" in m and "retried" in m for m in told), told
    assert edit_rows(db) == [("src/new_before.py", "inlineCompletion", 4, BLOCK),
                             ("src/new_locked.py", "inlineCompletion", 4, BLOCK2)]
    kept(before, db)


# ------------------------------------------------------- a session ends without a database
def prompt_rows(path: Path) -> list[tuple]:
    if not path.exists():
        return []
    con = sqlite3.connect(path)
    try:
        return con.execute("select path, kind, status, lines, code from prompts order by created_at").fetchall()
    except sqlite3.DatabaseError:
        return []
    finally:
        con.close()


async def test_prompts_of_a_session_ended_without_a_database_are_stored_when_it_is_back(workspace, db):
    seed(db)
    corrupt(db, "header")
    os.chmod(db, 0o600)
    async with ownwise(workspace, db, answer="Later") as s:
        await eventually(lambda: shown(s))
        uri = await ai_edit(s, "src/new.py")
        ended = await s.command("ownwise.session.end")
        assert ended["ended"] is True and ended["prompts"] == 0
        await asyncio.sleep(1.5)  # a tick or two: still unusable, nothing written to it
        assert prompt_rows(db) == []

        os.rename(db, db.with_name("ownwise.db.broken"))  # what the message says: move it aside
        await eventually(lambda: prompt_rows(db), timeout=5)
        assert prompt_rows(db) == [("src/new.py", "explain", "pending", 4, BLOCK)]
        info = await eventually(lambda: _pending(s, uri), timeout=5)
        assert info["pendingPromptsTotal"] == 1
        (p,) = (await s.request("ownwise/pendingPrompts", {}))["prompts"]
        res = await s.request("ownwise/answerPrompt", {
            "id": p["id"], "understanding": 4,
            "text": "total adds up the items one by one with a plain accumulator and returns the sum; "
                    "a loop is enough because the list is short and the order does not matter."})
        assert res["accepted"] is True and res["status"] == "answered", res
        assert len(shown(s)) == 1, shown(s)  # the one message about the broken file
    assert [r[2] for r in prompt_rows(db)] == ["answered"]


async def _pending(s, uri: str) -> dict | None:
    info = await s.file_info(uri)
    return info if info["pendingPromptsTotal"] else None
