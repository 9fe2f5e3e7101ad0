"""The hook's light path into the database: stdlib sqlite3 only (no sqlite-utils, no pydantic).

``ownwise hook`` runs before and after every file edit of a coding agent and must
return in well under 50 ms, so it writes one row per touched file with plain
sqlite3. The schema is still owned by :mod:`ownwise.store.db` (migration
``m008_agent_snapshots``); when the table is missing the full open migrates first.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from ..hashing import bytes_hash, line_hash, split
from ..hashing import text_hash as content_hash
from .location import default_db_path

#: bigger files are recorded by hash only (no line hashes): nobody diffs them line by line
MAX_BYTES = 8 * 1024 * 1024


def read_state(path: Path) -> tuple[bool, str | None, list[str] | None, int]:
    """(exists, content hash, line hashes, size) of a file now; text files only get line hashes."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return False, None, None, 0
    if len(raw) > MAX_BYTES:
        return True, bytes_hash(raw), None, len(raw)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return True, bytes_hash(raw), None, len(raw)
    return True, content_hash(text), [line_hash(x) for x in split(text)], len(raw)


def connect(db: Path) -> sqlite3.Connection:
    has = None
    if db.exists():
        conn = _open(db)
        has = conn.execute(
            "select 1 from sqlite_master where type = 'table' and name = 'agent_snapshots'").fetchone()
        if has is None:
            conn.close()
    if has is None:
        from .db import open_database  # first use: create and migrate (slow once)

        full, _ = open_database(db)
        full.conn.close()
        conn = _open(db)
    return conn


def _open(db: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(str(db), timeout=2.0, isolation_level=None)
    conn.execute("PRAGMA busy_timeout = 2000")
    conn.execute("PRAGMA synchronous = NORMAL")  # WAL (set by the server): no fsync per commit
    return conn


def record(conn: sqlite3.Connection, *, agent: str, phase: str, path: Path, ts: str, session: str | None,
           tool: str | None, since: str | None = None) -> bool:
    """Store the file's state now; False (nothing stored) when ``since`` is given and the file's
    newest snapshot, taken at or after ``since``, is this agent's, in this phase and session, with
    this state: another hook firing for the same edit."""
    import json

    exists, chash, lines, size = read_state(path)
    if since is not None:
        last = conn.execute(
            "select agent, phase, [exists], content_hash, session, ts from agent_snapshots where path = ? "
            "order by id desc limit 1", (str(path),)).fetchone()
        if (last is not None and last[:4] == (agent, phase, int(exists), chash) and last[5] >= since
                and (session is None or last[4] is None or last[4] == session)):
            return False
    conn.execute(
        "insert into agent_snapshots (agent, phase, path, ts, session, tool, [exists], content_hash, "
        "line_hashes, size) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (agent, phase, str(path), ts, session, tool, int(exists), chash,
         json.dumps(lines) if lines is not None else None, size))
    return True


__all__ = ["MAX_BYTES", "connect", "content_hash", "default_db_path", "line_hash", "read_state", "record", "split"]
