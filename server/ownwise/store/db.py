"""Opening the database (location, file modes, pragmas) and its migrations."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import platformdirs
from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

MIGRATIONS = Migrations("ownwise")


class StoreError(Exception):
    """The database cannot be used; the message says what the user can do."""


@MIGRATIONS()
def m001_edits(db: Database) -> None:
    db["edits"].create(
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
    db["edits"].create_index(["ts"], index_name="idx_edits_ts")
    db["edits"].create_index(["path", "ts"], index_name="idx_edits_path_ts")


@MIGRATIONS()
def m002_ownership_overrides(db: Database) -> None:
    db["ownership_overrides"].create(
        {"path": str, "class": str, "set_at": str}, pk="path", not_null={"class", "set_at"}
    )


@MIGRATIONS()
def m003_attribution_snapshots(db: Database) -> None:
    db["attribution_snapshots"].create(
        {"uri": str, "text_hash": str, "ranges": str, "updated_at": str},
        pk="uri",
        not_null={"text_hash", "ranges", "updated_at"},
    )


@MIGRATIONS()
def m004_kv(db: Database) -> None:
    db["kv"].create({"key": str, "value": str, "updated_at": str}, pk="key")


def default_db_path() -> Path:
    """``$OWNWISE_DB``, else the platform's user data dir."""
    env = os.environ.get("OWNWISE_DB")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir("ownwise")) / "ownwise.db"


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


def open_database(path: Path | None = None, *, memory: bool = False) -> tuple[Database, list[str]]:
    """Open (creating if needed) and migrate the database.

    Returns the database and notes about permissions it fixed. Raises
    :class:`StoreError` with a message for the user when it cannot be used.
    """
    notes: list[str] = []
    if memory:
        db = Database(memory=True)
        MIGRATIONS.apply(db)
        return db, notes
    path = Path(path) if path else default_db_path()
    default_dir = Path(platformdirs.user_data_dir("ownwise"))
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
        db = Database(conn)
        db.enable_wal()
        conn.execute("PRAGMA synchronous = NORMAL")
        MIGRATIONS.apply(db)
    except sqlite3.DatabaseError as exc:
        raise StoreError(
            f"The ownwise database {path} cannot be used ({exc}). Nothing in it was changed. "
            f"Move it aside (it may be corrupt) or point initializationOptions.databasePath "
            f"(or OWNWISE_DB) elsewhere; "
            f"until then ownwise keeps tracking in memory."
        ) from exc
    except OSError as exc:
        raise StoreError(
            f"The ownwise database {path} cannot be opened ({exc}). "
            f"Check the folder's permissions and free space; ownwise keeps tracking in memory."
        ) from exc
    return db, notes
