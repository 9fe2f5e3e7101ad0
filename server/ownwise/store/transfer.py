"""All of the user's own data out (``ownwise export``) and back in (``ownwise import``).

The export carries every table that holds what the user did and wrote: edits,
sessions, prompts, answers, review cards, focus blocks, their violations and
reflections, activity minutes, the agents' records, attribution snapshots,
ownership overrides and the key/values (settings, clients' state). Import
restores it into an empty or an existing database without duplicates: a row
whose key is already there is left as it is, and a row with a generated id
(answers, violations, reflections, agent records) that is already there with
the same content is not added again. Export, import into a fresh database,
export again: the two files are equal.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from ..clock import iso
from .models import (
    ActivityMinute,
    AgentSnapshot,
    Answer,
    EditRecord,
    FocusBlock,
    FocusReflection,
    FocusViolation,
    Prompt,
    ReviewCard,
    SessionRecord,
    Snapshot,
)
from .repo import HUMAN_LINES_SINCE, Store

FORMAT = "ownwise-export"
VERSION = 1  # keys are only ever added

_SESSION_JSON = ("files_touched", "ai_lines_by_kind", "ai_lines_by_class")
_PROMPT_JSON = ("events", "kinds", "sources")
_BOOLS = ("ai", "cannot_explain", "notified", "suspected", "exists")


class TransferError(ValueError):
    """The file is not an ownwise export this version can read."""


def _rows(store: Store, sql: str, args: Sequence[Any] = ()) -> list[dict[str, Any]]:
    cur = store.db.execute(sql, list(args))
    cols = [c[0] for c in cur.description]
    return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


def _loads(row: dict[str, Any], keys: Iterable[str]) -> dict[str, Any]:
    return {k: (json.loads(v) if k in keys and isinstance(v, str) else v) for k, v in row.items()}


def _since(column: str, since: str | None) -> tuple[str, list[str]]:
    return (f" where {column} >= ?", [since]) if since else ("", [])


def export_data(store: Store, since: str | None = None) -> dict[str, Any]:
    """Every table of the user's data as JSON values (``since``: rows at or after that ISO time, where a
    table has a time; review cards, overrides, snapshots and key/values always whole)."""

    def q(table: str, time_col: str | None, order: str) -> list[dict[str, Any]]:
        where, args = _since(time_col, since) if time_col else ("", [])
        return _rows(store, f"select * from {table}{where} order by {order}", args)

    def dump(model: Callable[..., Any], rows: list[dict[str, Any]], json_keys: Iterable[str] = ()) -> list[dict]:
        out = []
        for r in rows:
            r = _loads(r, json_keys)
            for b in _BOOLS:
                if b in r and r[b] is not None:
                    r[b] = bool(r[b])
            out.append(model(**r).model_dump(mode="json"))
        return out

    kv = [{"key": r["key"], "value": json.loads(r["value"]) if r["value"] is not None else None,
           "updated_at": r["updated_at"]} for r in q("kv", None, "key")]
    return {
        "edits": dump(EditRecord, q("edits", "ts", "ts, id")),
        "sessions": dump(SessionRecord, q("sessions", "started_at", "started_at, id"), _SESSION_JSON),
        "prompts": dump(Prompt, q("prompts", "created_at", "created_at, id"), _PROMPT_JSON),
        "answers": dump(Answer, q("answers", "created_at", "id")),
        "reviews": dump(ReviewCard, q("reviews", None, "prompt_id")),
        "ownershipOverrides": [{"path": r["path"], "class": r["class"]}
                               for r in q("ownership_overrides", None, "path")],
        "settings": store.get("settings"),
        "focusBlocks": dump(FocusBlock, q("focus_blocks", "started_at", "started_at, id")),
        "focusViolations": dump(FocusViolation, q("focus_violations", "ts", "id")),
        "focusReflections": dump(FocusReflection, q("focus_reflections", "created_at", "id")),
        "activityMinutes": dump(ActivityMinute, q("activity_minutes", "minute", "minute, ownership_class, server")),
        "agentSnapshots": dump(AgentSnapshot, q("agent_snapshots", "ts", "id"), ("line_hashes",)),
        "attributionSnapshots": dump(Snapshot, q("attribution_snapshots", None, "uri"), ("ranges", "line_hashes")),
        "kv": kv,
    }


def _row(item: dict[str, Any], json_keys: Iterable[str] = ()) -> dict[str, Any]:
    out = {}
    for k, v in item.items():
        if k in json_keys and v is not None:
            v = json.dumps(v)
        elif k in _BOOLS and isinstance(v, bool):
            v = int(v)
        out[k] = v
    return out


def _counted_since(db: Any, kv: list[dict[str, Any]], activity: bool, now: str) -> list[dict[str, Any]]:
    """Merge the moment human lines began to be counted per line (docs/report.md#older-history): the later
    of this database's and the export's wins (an export without it but with activity rows was counted per
    keystroke: then now). Returns the other kv rows."""
    theirs = next((x for x in kv if x["key"] == HUMAN_LINES_SINCE), None)
    rest = [x for x in kv if x["key"] != HUMAN_LINES_SINCE]
    if theirs is None:
        if not activity:
            return rest
        theirs = {"key": HUMAN_LINES_SINCE, "value": json.dumps(now), "updated_at": now}
    row = db.execute("select value from kv where key = ?", [HUMAN_LINES_SINCE]).fetchone()
    ours = json.loads(row[0]) if row and row[0] is not None else ""
    if (json.loads(theirs["value"]) or "") >= (ours or ""):
        db.table("kv").upsert(theirs, pk="key")
    return rest


def import_data(store: Store, data: Any) -> dict[str, int]:
    """Add an export's rows to ``store`` (one transaction); how many rows each table got."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise TransferError("not an ownwise export (its \"format\" is not \"ownwise-export\")")
    if not isinstance(data.get("version"), int) or data["version"] > VERSION:
        raise TransferError(f"export version {data.get('version')!r} is newer than this ownwise reads ({VERSION})")
    db = store.db
    added: dict[str, int] = {}

    def items(key: str) -> list[dict[str, Any]]:
        value = data.get(key) or []
        if not isinstance(value, list) or not all(isinstance(x, dict) for x in value):
            raise TransferError(f"\"{key}\" must be a list of objects")
        return value

    def keyed(key: str, table: str, rows: list[dict[str, Any]]) -> None:
        """Rows with a natural key: one already there stays as it is."""
        before = db.table(table).count
        if rows:
            db.table(table).insert_all(rows, ignore=True)
        added[key] = db.table(table).count - before

    def generated(key: str, table: str, rows: list[dict[str, Any]]) -> None:
        """Rows with a generated id: kept with their id where it is free; where the id holds other
        content, added with a new id unless the same content is there already (imported before)."""
        n = 0
        for r in rows:
            content = {k: v for k, v in r.items() if k != "id"}
            cond = " and ".join(f"[{k}] is ?" for k in content)
            same = f"select id from {table} where {cond}"
            found = {i for (i,) in db.execute(same, list(content.values())).fetchall()}
            if r.get("id") in found:
                continue  # this very row
            free = r.get("id") is not None and not db.execute(
                f"select 1 from {table} where id = ?", [r["id"]]).fetchone()
            if not free and found:
                continue  # imported before, under another id
            db.table(table).insert(r if free else content)
            n += 1
        added[key] = n

    with store.atomic():
        keyed("edits", "edits", [_row(x) for x in items("edits")])
        keyed("sessions", "sessions", [_row(x, _SESSION_JSON) for x in items("sessions")])
        keyed("prompts", "prompts", [_row(x, _PROMPT_JSON) for x in items("prompts")])
        generated("answers", "answers", [_row(x) for x in items("answers")])
        keyed("reviews", "reviews", [_row(x) for x in items("reviews")])
        keyed("ownershipOverrides", "ownership_overrides",
              [{"path": x["path"], "class": x["class"], "set_at": iso(store.now())}
               for x in items("ownershipOverrides")])
        keyed("focusBlocks", "focus_blocks", [_row(x) for x in items("focusBlocks")])
        generated("focusViolations", "focus_violations", [_row(x) for x in items("focusViolations")])
        generated("focusReflections", "focus_reflections", [_row(x) for x in items("focusReflections")])
        keyed("activityMinutes", "activity_minutes", [_row(x) for x in items("activityMinutes")])
        generated("agentSnapshots", "agent_snapshots", [_row(x, ("line_hashes",)) for x in items("agentSnapshots")])
        keyed("attributionSnapshots", "attribution_snapshots",
              [_row(x, ("ranges", "line_hashes")) for x in items("attributionSnapshots")])
        kv = [{"key": x["key"], "value": json.dumps(x.get("value")), "updated_at": x.get("updated_at")}
              for x in items("kv")]
        if not kv and data.get("settings") is not None:  # an export from before kv was exported
            kv = [{"key": "settings", "value": json.dumps(data["settings"]), "updated_at": None}]
        kv = _counted_since(db, kv, bool(items("activityMinutes")), iso(store.now()))
        keyed("kv", "kv", kv)
    return added


__all__ = ["FORMAT", "VERSION", "TransferError", "export_data", "import_data"]
