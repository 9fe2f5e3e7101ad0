"""Opening the database (location, file modes, pragmas) and its migrations."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import platformdirs
from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from .location import default_db_path

MIGRATIONS = Migrations("ownwise")


class StoreError(Exception):
    """The database cannot be used; the message says what the user can do."""


class OwnwiseDatabase(Database):
    """``Database`` whose ``atomic()`` takes the write lock first (``BEGIN IMMEDIATE``).

    sqlite-utils begins with a plain (deferred) ``BEGIN``; the first read in the
    transaction (sqlite-utils reads the schema before each insert) pins a WAL snapshot,
    and if another window commits before our first write, SQLite refuses that write at
    once with "database is locked" (SQLITE_BUSY_SNAPSHOT), without waiting for
    ``busy_timeout``. ``BEGIN IMMEDIATE`` waits (``busy_timeout``) for the lock instead.
    """

    @contextlib.contextmanager
    def atomic(self) -> Iterator[Database]:
        if self.conn.in_transaction:  # nested: sqlite-utils' savepoint
            with super().atomic():
                yield self
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self
        except BaseException:
            self.rollback()
            raise
        else:
            try:
                self.conn.execute("COMMIT")
            except BaseException:
                self.rollback()
                raise


@MIGRATIONS()
def m001_edits(db: Database) -> None:
    db.table("edits").create(
        {
            "id": str,
            "ts": str,
            "session_id": int,
            "workspace": str,
            "path": str,
            "uri": str,
            "language_id": str,
            "ownership_class": str,
            "kind": str,
            "source": str,
            "ai": int,
            "lines": int,
            "chars": int,
            "content_hash": str,
            "snippet": str,
            "doc_version": int,
        },
        pk="id",
        not_null={"ts", "path", "uri", "ownership_class", "kind", "ai", "lines", "chars"},
    )
    db.table("edits").create_index(["ts"], index_name="idx_edits_ts")
    db.table("edits").create_index(["path", "ts"], index_name="idx_edits_path_ts")


@MIGRATIONS()
def m002_ownership_overrides(db: Database) -> None:
    db.table("ownership_overrides").create(
        {"path": str, "class": str, "set_at": str}, pk="path", not_null={"class", "set_at"}
    )


@MIGRATIONS()
def m003_attribution_snapshots(db: Database) -> None:
    db.table("attribution_snapshots").create(
        {"uri": str, "text_hash": str, "ranges": str, "updated_at": str},
        pk="uri",
        not_null={"text_hash", "ranges", "updated_at"},
    )


@MIGRATIONS()
def m004_kv(db: Database) -> None:
    db.table("kv").create({"key": str, "value": str, "updated_at": str}, pk="key")


@MIGRATIONS()
def m005_sessions(db: Database) -> None:
    db.table("sessions").create(
        {
            "id": int,
            "started_at": str,
            "ended_at": str,
            "last_activity": str,
            "end_reason": str,
            "workspace": str,
            "files_touched": str,
            "human_lines": int,
            "human_chars": int,
            "ai_lines_by_kind": str,
            "ai_lines_by_class": str,
            "prompt_choice": str,
            "pid": int,
            "host": str,
        },
        pk="id",
        not_null={"started_at", "last_activity"},
    )
    db.table("sessions").create_index(["started_at"], index_name="idx_sessions_started")


@MIGRATIONS()
def m006_prompts(db: Database) -> None:
    db.table("prompts").create(
        {
            "id": str,
            "session_id": int,
            "kind": str,
            "status": str,
            "ownership_class": str,
            "workspace": str,
            "path": str,
            "uri": str,
            "start_line": int,
            "end_line": int,
            "lines": int,
            "code": str,
            "code_hash": str,
            "language_id": str,
            "events": str,
            "kinds": str,
            "sources": str,
            "question": str,
            "parent_id": str,
            "created_at": str,
            "updated_at": str,
            "offered_at": str,
            "doc_path": str,
        },
        pk="id",
        not_null={"kind", "status", "path", "uri", "code", "created_at", "updated_at"},
    )
    db.table("prompts").create_index(["status", "created_at"], index_name="idx_prompts_status")
    db.table("prompts").create_index(["uri", "status"], index_name="idx_prompts_uri")
    db.table("answers").create(
        {
            "id": int,
            "prompt_id": str,
            "text": str,
            "understanding": int,
            "cannot_explain": int,
            "rating": str,
            "via": str,
            "created_at": str,
        },
        pk="id",
        not_null={"prompt_id", "text", "cannot_explain", "via", "created_at"},
        foreign_keys=[("prompt_id", "prompts", "id")],
    )
    db.table("answers").create_index(["prompt_id"], index_name="idx_answers_prompt")
    db.table("reviews").create(
        {
            "prompt_id": str,
            "card": str,
            "due": str,
            "reps": int,
            "last_review": str,
            "retired": str,
        },
        pk="prompt_id",
        not_null={"card", "due", "reps"},
        foreign_keys=[("prompt_id", "prompts", "id")],
    )
    db.table("reviews").create_index(["due"], index_name="idx_reviews_due")


@MIGRATIONS()
def m007_focus(db: Database) -> None:
    db.table("focus_blocks").create(
        {
            "id": str,
            "started_at": str,
            "planned_minutes": float,
            "task": str,
            "estimate_minutes": float,
            "ended_at": str,
            "end_reason": str,
            "last_activity": str,
            "started_by": str,
            "pid": int,
            "host": str,
            "notified": int,
            "reflection": str,
        },
        pk="id",
        not_null={"started_at", "planned_minutes", "last_activity", "started_by"},
    )
    db.table("focus_blocks").create_index(["started_at"], index_name="idx_focus_started")
    db.table("focus_violations").create(
        {"id": int, "block_id": str, "ts": str, "kind": str, "source": str, "lines": int,
         "path": str, "suspected": int},
        pk="id",
        not_null={"block_id", "ts", "kind", "lines", "suspected"},
        foreign_keys=[("block_id", "focus_blocks", "id")],
    )
    db.table("focus_violations").create_index(["block_id"], index_name="idx_violations_block")
    db.table("focus_reflections").create(
        {"id": int, "block_id": str, "felt": int, "looked_up": str, "took_longer": str,
         "actual_minutes": int, "notes": str, "via": str, "created_at": str},
        pk="id",
        not_null={"block_id", "via", "created_at"},
        foreign_keys=[("block_id", "focus_blocks", "id")],
    )
    db.table("activity_minutes").create(
        {"minute": str, "ownership_class": str, "server": str, "focus_id": str,
         "human_lines": int, "human_chars": int, "ai_lines": int},
        pk=("minute", "ownership_class", "server"),
        not_null={"human_lines", "human_chars", "ai_lines"},
    )
    db.table("activity_minutes").create_index(["minute"], index_name="idx_activity_minute")


@MIGRATIONS()
def m008_agent_snapshots(db: Database) -> None:
    db.table("agent_snapshots").create(
        {"id": int, "agent": str, "phase": str, "path": str, "ts": str, "session": str, "tool": str,
         "exists": int, "content_hash": str, "line_hashes": str, "size": int},
        pk="id",
        not_null={"agent", "phase", "path", "ts", "exists"},
    )
    db.table("agent_snapshots").create_index(["path", "ts"], index_name="idx_agent_snapshots_path")
    db.table("agent_snapshots").create_index(["content_hash"], index_name="idx_agent_snapshots_hash")


@MIGRATIONS()
def m009_agent_snapshots_used(db: Database) -> None:
    # an agent's recorded edit is credited once, then marked (two windows, repeated watcher events)
    db.table("agent_snapshots").add_column("used_at", str)


@MIGRATIONS()
def m010_workspace_evidence(db: Database) -> None:
    # the Ownership Matrix's repository evidence per workspace root (file imports, git history):
    # a cache, read again from the files and git whenever it is missing; never exported
    db.table("workspace_evidence").create(
        {"root": str, "head": str, "snapshot": str, "updated_at": str}, pk="root", not_null={"snapshot"})


@MIGRATIONS()
def m011_snapshot_line_hashes(db: Database) -> None:
    # the per-line hashes of the text a snapshot's ranges belong to: what a commit's lines are matched
    # with when its Agent Trace record is written from the database (docs/git.md)
    db.table("attribution_snapshots").add_column("line_hashes", str)


def _secure_dir(path: Path, owned: bool) -> list[str]:
    notes: list[str] = []
    if not path.exists():
        path.mkdir(parents=True, mode=0o700)
        os.chmod(path, 0o700)
        return notes
    mode = stat.S_IMODE(path.stat().st_mode)
    if owned and mode & 0o077:
        try:
            os.chmod(path, 0o700)
            notes.append(f"data dir {path} had mode {mode:o}; set to 700")
        except OSError as exc:
            notes.append(f"data dir {path} has mode {mode:o} and could not be changed: {exc}")
    return notes


def what_to_do(exc: BaseException) -> str | None:
    """What the user can do about a database error that is not a corrupt file (None: it may be corrupt)."""
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    if primary in (3, 8, 14):  # SQLITE_PERM, SQLITE_READONLY, SQLITE_CANTOPEN
        return "Make the file and its folder writable"
    if primary in (10, 13):  # SQLITE_IOERR, SQLITE_FULL
        return "Free some disk space (and check the disk)"
    if primary in (5, 6):  # SQLITE_BUSY, SQLITE_LOCKED
        return "Close the program that holds a lock on it"
    return None


def open_database(path: Path | None = None, *, memory: bool = False) -> tuple[Database, list[str]]:
    """Open (creating if needed) and migrate the database.

    Returns the database and notes about permissions it fixed. Raises
    :class:`StoreError` with a message for the user when it cannot be used.
    """
    notes: list[str] = []
    # execute_plugins=False: sqlite-utils plugins (``prepare_connection`` hooks) are for
    # the user's own ``sqlite-utils`` work, not ownwise's private database; loading them
    # scans every installed distribution's entry points (importlib.metadata): ~2 ms of
    # the server's start-up, for nothing ownwise uses.
    if memory:
        db = OwnwiseDatabase(memory=True, execute_plugins=False)
        MIGRATIONS.apply(db)
        return db, notes
    path = Path(path) if path else default_db_path()
    default_dir = Path(platformdirs.user_data_dir("ownwise"))
    conn: sqlite3.Connection | None = None
    try:
        notes += _secure_dir(path.parent, owned=path.parent == default_dir or not path.parent.exists())
        if not path.exists():
            fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
            os.close(fd)
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode != 0o600:
            os.chmod(path, 0o600)
            notes.append(f"database {path} had mode {mode:o}; set to 600")
        conn = sqlite3.connect(str(path), timeout=5.0, check_same_thread=False)
        conn.execute("PRAGMA busy_timeout = 5000")
        db = OwnwiseDatabase(conn, execute_plugins=False)
        db.enable_wal()
        conn.execute("PRAGMA synchronous = NORMAL")
        MIGRATIONS.apply(db)
    except (sqlite3.DatabaseError, OSError) as exc:
        if conn is not None:  # not left to the garbage collector: each retry would hold one more file
            conn.close()
        if isinstance(exc, OSError):
            raise StoreError(
                f"The ownwise database {path} cannot be opened ({exc}). "
                f"Check the folder's permissions and free space; ownwise keeps tracking in memory."
            ) from exc
        todo = what_to_do(exc) or "Move it aside (it may be corrupt)"
        raise StoreError(
            f"The ownwise database {path} cannot be used ({exc}). Nothing in it was changed. "
            f"{todo} or point initializationOptions.databasePath "
            f"(or OWNWISE_DB) elsewhere; "
            f"until then ownwise keeps tracking in memory."
        ) from exc
    return db, notes
