"""The repository: every read and write of the database, returning models."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from .db import MIGRATIONS, open_database
from .models import EditRecord, Snapshot, SnapshotRange


def utcnow() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


class Store:
    def __init__(self, db: Database, path: Path | None = None) -> None:
        self.db = db
        self.path = path

    @classmethod
    def open(cls, path: Path | None = None, *, memory: bool = False) -> tuple[Store, list[str]]:
        db, notes = open_database(path, memory=memory)
        return cls(db, None if memory else Path(path) if path else None), notes

    def close(self) -> None:
        self.db.conn.close()

    # ---------------------------------------------------------------- meta
    def schema_version(self) -> int:
        return len(MIGRATIONS.applied(self.db))

    def integrity_check(self) -> str:
        rows = self.db.execute("PRAGMA integrity_check").fetchall()
        return "; ".join(str(r[0]) for r in rows)

    # --------------------------------------------------------------- edits
    def add_edits(self, edits: Sequence[EditRecord]) -> None:
        if not edits:
            return
        rows = [e.model_dump() for e in edits]
        for r in rows:
            r["ai"] = int(r["ai"])
        self.db["edits"].insert_all(rows, pk="id", ignore=True)

    def edits(self, since: str | None = None) -> list[EditRecord]:
        where, args = ("ts >= ?", [since]) if since else (None, [])
        return [
            EditRecord(**{**r, "ai": bool(r["ai"])})
            for r in self.db["edits"].rows_where(where, args, order_by="ts, id")
        ]

    def edit_count(self) -> int:
        return self.db["edits"].count

    # ----------------------------------------------------------- ownership
    def set_override(self, path: str, cls: str | None) -> None:
        table = self.db["ownership_overrides"]
        if cls is None:
            table.delete_where("path = ?", [path])
        else:
            table.upsert({"path": path, "class": cls, "set_at": utcnow()}, pk="path")

    def override_for(self, path: str) -> str | None:
        row = next(self.db["ownership_overrides"].rows_where("path = ?", [path]), None)
        return row["class"] if row else None

    def overrides(self) -> dict[str, str]:
        return {r["path"]: r["class"] for r in self.db["ownership_overrides"].rows}

    # ----------------------------------------------------------- snapshots
    def save_snapshots(self, snaps: Iterable[Snapshot]) -> None:
        rows = [
            {
                "uri": s.uri,
                "text_hash": s.text_hash,
                "ranges": json.dumps([r.model_dump() for r in s.ranges]),
                "updated_at": s.updated_at,
            }
            for s in snaps
        ]
        if rows:
            self.db["attribution_snapshots"].upsert_all(rows, pk="uri")

    def snapshot(self, uri: str) -> Snapshot | None:
        row = next(self.db["attribution_snapshots"].rows_where("uri = ?", [uri]), None)
        if row is None:
            return None
        ranges = [SnapshotRange(**r) for r in json.loads(row["ranges"])]
        return Snapshot(uri=row["uri"], text_hash=row["text_hash"], ranges=ranges,
                        updated_at=row["updated_at"])

    # ------------------------------------------------------------------ kv
    def put(self, key: str, value: Any) -> None:
        self.db["kv"].upsert({"key": key, "value": json.dumps(value), "updated_at": utcnow()}, pk="key")

    def get(self, key: str) -> Any:
        row = next(self.db["kv"].rows_where("key = ?", [key]), None)
        return json.loads(row["value"]) if row else None

    def transaction(self):
        return self.db.atomic() if hasattr(self.db, "atomic") else self.db.conn
