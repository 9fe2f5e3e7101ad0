"""The repository: every read and write of the database, returning models."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from ..clock import Now, iso, utc_now
from .db import MIGRATIONS, open_database
from .models import (
    ActivityMinute,
    ActivityTotal,
    AgentSnapshot,
    Answer,
    AnswerFact,
    EditFact,
    EditRecord,
    EditTotal,
    FocusBlock,
    FocusReflection,
    FocusViolation,
    LiveRange,
    Prompt,
    PromptFact,
    ReviewCard,
    SessionRecord,
    Snapshot,
    SnapshotRange,
)

#: ``kv`` key: since when human lines are counted once per line ("": always; docs/report.md#human-lines)
HUMAN_LINES_SINCE = "human_lines_per_line_since"
_SESSION_JSON = ("files_touched", "ai_lines_by_kind", "ai_lines_by_class")
_PROMPT_JSON = ("events", "kinds", "sources")


def _dump(row: dict, keys: Sequence[str]) -> dict:
    return {k: (json.dumps(v) if k in keys else v) for k, v in row.items()}


def _load(row: dict, keys: Sequence[str]) -> dict:
    return {k: (json.loads(v) if k in keys and isinstance(v, str) else v) for k, v in row.items()}


def _utf8(row: dict) -> dict:
    """The row with every string SQLite can store: a lone surrogate (which a client can send in
    JSON, e.g. ``"\\ud800"``) cannot be encoded as UTF-8 and would fail the whole flush, again and
    again; it is stored as ``?`` instead."""
    for k, v in row.items():
        if isinstance(v, str) and not v.isascii():
            try:
                v.encode("utf-8")
            except UnicodeEncodeError:
                row[k] = v.encode("utf-8", "replace").decode("utf-8")
    return row


def _pk(value: object) -> int:
    """The integer id SQLite gave an inserted row."""
    assert isinstance(value, int)
    return value


class Store:
    def __init__(self, db: Database, path: Path | None = None, *, now: Now = utc_now) -> None:
        self.db = db
        self.path = path
        self.now = now  # stamps set_at / updated_at: the server's wall clock, not the real one

    @classmethod
    def open(cls, path: Path | None = None, *, memory: bool = False, now: Now = utc_now) -> tuple[Store, list[str]]:
        db, notes = open_database(path, memory=memory)
        store = cls(db, None if memory else Path(path) if path else None, now=now)
        store._mark_human_line_counting()
        return store, notes

    def close(self) -> None:
        self.db.conn.close()

    @contextlib.contextmanager
    def atomic(self) -> Iterator[Store]:
        """One transaction: every write in it is committed, or none (``BEGIN IMMEDIATE``: it waits
        for another window's write instead of failing; nested, a savepoint). Callers outside
        ``store/`` group their writes with this, never through ``self.db``."""
        with self.db.atomic():
            yield self

    # ---------------------------------------------------------------- meta
    def _mark_human_line_counting(self) -> None:
        """Note, once, since when human lines are counted per line (docs/report.md#human-lines).

        A database with activity rows already was written by servers that counted every
        keystroke's lines: those rows cannot be recounted, so the report leaves them out and says
        so. A new database has none ("": every row counted per line).
        """
        if self.get(HUMAN_LINES_SINCE) is not None:
            return
        old = self.db.execute("select 1 from activity_minutes where human_lines > 0 limit 1").fetchone()
        try:
            with self.atomic():
                if self.get(HUMAN_LINES_SINCE) is None:  # another window may have written it meanwhile
                    self.put(HUMAN_LINES_SINCE, iso(self.now()) if old else "")
        except sqlite3.Error:  # busy or read-only: tried again at the next open
            pass

    def human_lines_since(self) -> str | None:
        """Since when human lines are counted once per line (ISO); None: in every row of this database."""
        return self.get(HUMAN_LINES_SINCE) or None

    def schema_version(self) -> int:
        return len(MIGRATIONS.applied(self.db))

    def integrity_check(self) -> str:
        rows = self.db.execute("PRAGMA integrity_check").fetchall()
        return "; ".join(str(r[0]) for r in rows)

    # --------------------------------------------------------------- edits
    def add_edits(self, edits: Sequence[EditRecord]) -> None:
        if not edits:
            return
        rows = [_utf8(e.model_dump()) for e in edits]
        for r in rows:
            r["ai"] = int(r["ai"])
        self.db.table("edits").insert_all(rows, pk="id", ignore=True)

    def edits(self, since: str | None = None) -> list[EditRecord]:
        where, args = ("ts >= ?", [since]) if since else (None, [])
        return [
            EditRecord(**{**r, "ai": bool(r["ai"])})
            for r in self.db.table("edits").rows_where(where, args, order_by="ts, id")
        ]

    def edit_count(self) -> int:
        return self.db.table("edits").count

    # ----------------------------------------------------------- ownership
    def set_override(self, path: str, cls: str | None) -> None:
        table = self.db.table("ownership_overrides")
        if cls is None:
            table.delete_where("path = ?", [path])
        else:
            table.upsert({"path": path, "class": cls, "set_at": iso(self.now())}, pk="path")

    def override_for(self, path: str) -> str | None:
        row = next(self.db.table("ownership_overrides").rows_where("path = ?", [path]), None)
        return row["class"] if row else None

    def overrides(self) -> dict[str, str]:
        return {r["path"]: r["class"] for r in self.db.table("ownership_overrides").rows}

    # ----------------------------------------------------------- snapshots
    def save_snapshots(self, snaps: Iterable[Snapshot]) -> None:
        rows = [
            _utf8({
                "uri": s.uri,
                "text_hash": s.text_hash,
                "ranges": json.dumps([r.model_dump() for r in s.ranges]),
                "updated_at": s.updated_at,
                "line_hashes": json.dumps(s.line_hashes) if s.line_hashes is not None else None,
            })
            for s in snaps
        ]
        if rows:
            self.db.table("attribution_snapshots").upsert_all(rows, pk="uri")

    def snapshot(self, uri: str) -> Snapshot | None:
        row = next(self.db.table("attribution_snapshots").rows_where("uri = ?", [uri]), None)
        if row is None:
            return None
        ranges = [SnapshotRange(**r) for r in json.loads(row["ranges"])]
        hashes = json.loads(row["line_hashes"]) if row.get("line_hashes") else None
        return Snapshot(uri=row["uri"], text_hash=row["text_hash"], ranges=ranges,
                        updated_at=row["updated_at"], line_hashes=hashes)

    def event_states(self, events: Iterable[str]) -> dict[str, str]:
        """AI event id -> ``explained`` or ``cannot`` (answered "I can't explain this yet"), from explain and
        recall prompts; an event in neither is not in the result (pending)."""
        wanted = set(events)
        out: dict[str, str] = {}
        if not wanted:
            return out
        rows = self.db.execute(
            "select status, events from prompts where kind != 'review' "
            "and status in ('answered', 'cannotExplain')").fetchall()
        for status, evs in rows:
            for e in json.loads(evs or "[]"):
                if e in wanted and (status == "answered" or e not in out):
                    out[e] = "explained" if status == "answered" else "cannot"
        return out

    # ------------------------------------------------------ workspace evidence
    def workspace_evidence(self, root: str) -> Any:
        """The cached repository evidence of a workspace root (JSON), or None."""
        row = next(self.db.table("workspace_evidence").rows_where("root = ?", [root]), None)
        if row is None:
            return None
        try:
            return json.loads(row["snapshot"])
        except ValueError:
            return None  # a damaged cache is read again from the files

    def save_workspace_evidence(self, root: str, head: str | None, snapshot: Any) -> None:
        with self.atomic():
            self.db.table("workspace_evidence").upsert(
                {"root": root, "head": head, "snapshot": json.dumps(snapshot, separators=(",", ":")),
                 "updated_at": iso(self.now())}, pk="root")

    # ------------------------------------------------------------------ kv
    def put(self, key: str, value: Any) -> None:
        self.db.table("kv").upsert({"key": key, "value": json.dumps(value), "updated_at": iso(self.now())}, pk="key")

    def get(self, key: str) -> Any:
        row = next(self.db.table("kv").rows_where("key = ?", [key]), None)
        return json.loads(row["value"]) if row else None

    # ------------------------------------------------------------ sessions
    def save_sessions(self, sessions: Iterable[SessionRecord]) -> None:
        rows = [_dump(s.model_dump(), _SESSION_JSON) for s in sessions]
        if rows:
            self.db.table("sessions").upsert_all(rows, pk="id")

    def set_session_choice(self, session_id: int, choice: str) -> None:
        self.db.table("sessions").update(session_id, {"prompt_choice": choice})

    def session(self, session_id: int) -> SessionRecord | None:
        row = next(self.db.table("sessions").rows_where("id = ?", [session_id]), None)
        return SessionRecord(**_load(row, _SESSION_JSON)) if row else None

    def sessions(self, *, open_only: bool = False, since: str | None = None) -> list[SessionRecord]:
        where: list[str] = []
        args: list[Any] = []
        if open_only:
            where.append("ended_at is null")
        if since:
            where.append("started_at >= ?")
            args.append(since)
        rows = self.db.table("sessions").rows_where(" and ".join(where) or None, args, order_by="started_at, id")
        return [SessionRecord(**_load(r, _SESSION_JSON)) for r in rows]

    # ------------------------------------------------------------- prompts
    def add_prompts(self, prompts: Iterable[Prompt], *, ignore: bool = False) -> None:
        """Insert new prompts; with ``ignore``, one whose id is already stored is left as it is."""
        rows = [_utf8(_dump(p.model_dump(), _PROMPT_JSON)) for p in prompts]
        if rows:
            self.db.table("prompts").insert_all(rows, pk="id", ignore=ignore)

    def prompt(self, prompt_id: str) -> Prompt | None:
        row = next(self.db.table("prompts").rows_where("id = ?", [prompt_id]), None)
        return Prompt(**_load(row, _PROMPT_JSON)) if row else None

    def prompts(self, *, status: str | Sequence[str] | None = None, uri: str | None = None,
                session_id: int | None = None, kind: str | None = None,
                since: str | None = None) -> list[Prompt]:
        where: list[str] = []
        args: list[Any] = []
        if status is not None:
            statuses = [status] if isinstance(status, str) else list(status)
            where.append(f"status in ({', '.join('?' * len(statuses))})")
            args += statuses
        for col, val in (("uri", uri), ("session_id", session_id), ("kind", kind)):
            if val is not None:
                where.append(f"{col} = ?")
                args.append(val)
        if since:
            where.append("created_at >= ?")
            args.append(since)
        rows = self.db.table("prompts").rows_where(" and ".join(where) or None, args, order_by="created_at, rowid")
        return [Prompt(**_load(r, _PROMPT_JSON)) for r in rows]

    def pending_count(self, uri: str | None = None) -> int:
        sql, args = "select count(*) from prompts where status = 'pending'", []
        if uri is not None:
            sql, args = sql + " and uri = ?", [uri]
        return self.db.execute(sql, args).fetchone()[0]

    def explained_events(self, uri: str) -> tuple[set[str], set[str]]:
        """AI event ids of this file's explained prompts, and of those answered "can't explain yet"."""
        done: set[str] = set()
        cannot: set[str] = set()
        rows = self.db.execute(
            "select status, events from prompts where uri = ? and kind != 'review' "
            "and status in ('answered', 'cannotExplain')", [uri]).fetchall()
        for status, events in rows:
            (done if status == "answered" else cannot).update(json.loads(events or "[]"))
        return done, cannot - done

    def update_prompts(self, ids: Sequence[str], **fields: Any) -> None:
        for pid in ids:
            self.db.table("prompts").update(pid, _dump(fields, _PROMPT_JSON))

    # ------------------------------------------------------------- answers
    def add_answer(self, answer: Answer) -> int:
        row = _utf8(answer.model_dump(exclude={"id"}))
        row["cannot_explain"] = int(row["cannot_explain"])
        return _pk(self.db.table("answers").insert(row).last_pk)

    def answers(self, prompt_id: str | None = None, since: str | None = None) -> list[Answer]:
        where: list[str] = []
        args: list[Any] = []
        if prompt_id is not None:
            where.append("prompt_id = ?")
            args.append(prompt_id)
        if since:
            where.append("created_at >= ?")
            args.append(since)
        rows = self.db.table("answers").rows_where(" and ".join(where) or None, args, order_by="id")
        return [Answer(**{**r, "cannot_explain": bool(r["cannot_explain"])}) for r in rows]

    # ------------------------------------------------------------- reviews
    def put_review(self, card: ReviewCard) -> None:
        self.db.table("reviews").upsert(card.model_dump(), pk="prompt_id")

    def review(self, prompt_id: str) -> ReviewCard | None:
        row = next(self.db.table("reviews").rows_where("prompt_id = ?", [prompt_id]), None)
        return ReviewCard(**row) if row else None

    def due_reviews(self, now: str, limit: int = 10) -> list[ReviewCard]:
        rows = self.db.table("reviews").rows_where("retired is null and due <= ?", [now],
                                             order_by="due", limit=limit)
        return [ReviewCard(**r) for r in rows]

    # --------------------------------------------------------------- focus
    def add_focus_block(self, block: FocusBlock) -> None:
        row = block.model_dump()
        row["notified"] = int(row["notified"])
        self.db.table("focus_blocks").insert(row, pk="id")

    def update_focus_block(self, block_id: str, **fields: Any) -> None:
        if "notified" in fields:
            fields["notified"] = int(fields["notified"])
        self.db.table("focus_blocks").update(block_id, fields)

    def focus_block(self, block_id: str) -> FocusBlock | None:
        row = next(self.db.table("focus_blocks").rows_where("id = ?", [block_id]), None)
        return FocusBlock(**{**row, "notified": bool(row["notified"])}) if row else None

    def focus_blocks(self, *, active: bool | None = None, since: str | None = None) -> list[FocusBlock]:
        where: list[str] = []
        args: list[Any] = []
        if active is not None:
            where.append("ended_at is null" if active else "ended_at is not null")
        if since:
            where.append("(ended_at is null or ended_at >= ?)")
            args.append(since)
        rows = self.db.table("focus_blocks").rows_where(" and ".join(where) or None, args, order_by="started_at")
        return [FocusBlock(**{**r, "notified": bool(r["notified"])}) for r in rows]

    def add_violations(self, items: Sequence[FocusViolation]) -> None:
        rows = [_utf8({**v.model_dump(exclude={"id"}), "suspected": int(v.suspected)}) for v in items]
        if rows:
            self.db.table("focus_violations").insert_all(rows)

    def violations(self, block_id: str | None = None) -> list[FocusViolation]:
        where, args = ("block_id = ?", [block_id]) if block_id else (None, [])
        return [FocusViolation(**{**r, "suspected": bool(r["suspected"])})
                for r in self.db.table("focus_violations").rows_where(where, args, order_by="id")]

    def add_reflection(self, r: FocusReflection) -> int:
        return _pk(self.db.table("focus_reflections").insert(r.model_dump(exclude={"id"})).last_pk)

    def reflections(self, block_id: str | None = None) -> list[FocusReflection]:
        where, args = ("block_id = ?", [block_id]) if block_id else (None, [])
        return [FocusReflection(**r) for r in self.db.table("focus_reflections").rows_where(where, args, order_by="id")]

    def save_activity(self, items: Iterable[ActivityMinute]) -> None:
        rows = [a.model_dump() for a in items]
        if rows:
            self.db.table("activity_minutes").upsert_all(rows, pk=("minute", "ownership_class", "server"))

    def activity(self, since: str | None = None) -> list[ActivityMinute]:
        where, args = ("minute >= ?", [since]) if since else (None, [])
        rows = self.db.table("activity_minutes").rows_where(where, args, order_by="minute")
        return [ActivityMinute(**r) for r in rows]

    # ------------------------------------------------------ agent snapshots
    def _agent(self, row: dict) -> AgentSnapshot:
        lines = json.loads(row["line_hashes"]) if row.get("line_hashes") else None
        return AgentSnapshot(**{**row, "exists": bool(row["exists"]), "line_hashes": lines})

    def agent_after(self, path: str, content_hash: str, since: str) -> AgentSnapshot | None:
        """The newest post-edit snapshot of this file with exactly this content."""
        row = next(self.db.table("agent_snapshots").rows_where(
            "path = ? and phase = 'post' and content_hash = ? and ts >= ? and used_at is null",
            [path, content_hash, since], order_by="ts desc, id desc", limit=1), None)
        return self._agent(row) if row else None

    def agent_post_with(self, path: str, content_hash: str, before: AgentSnapshot) -> AgentSnapshot | None:
        """An unused post-edit snapshot, earlier than ``before``, that left exactly this content."""
        row = next(self.db.table("agent_snapshots").rows_where(
            "path = ? and phase = 'post' and content_hash = ? and id < ? and used_at is null",
            [path, content_hash, before.id], order_by="ts desc, id desc", limit=1), None)
        return self._agent(row) if row else None

    def mark_agent_used(self, ids: Sequence[int], when: str) -> None:
        with self.atomic():
            for i in ids:
                self.db.table("agent_snapshots").update(i, {"used_at": when})

    def agent_pre_with(self, path: str, content_hash: str) -> AgentSnapshot | None:
        """The newest pre-edit snapshot of this file that had exactly this content."""
        row = next(self.db.table("agent_snapshots").rows_where(
            "path = ? and phase = 'pre' and content_hash = ?", [path, content_hash],
            order_by="ts desc, id desc", limit=1), None)
        return self._agent(row) if row else None

    def agent_before(self, after: AgentSnapshot) -> AgentSnapshot | None:
        """The pre-edit snapshot that goes with a post-edit one (same file and agent, just before)."""
        # only a before-state recorded after the file's previous recorded result: an older one would
        # credit to the agent what anyone else wrote in between
        where = ("path = ? and phase = 'pre' and agent = ? and ts <= ? and id < ? and id > coalesce("
                 "(select max(id) from agent_snapshots where path = ? and phase = 'post' and id < ?), 0)")
        args: list[Any] = [after.path, after.agent, after.ts, after.id, after.path, after.id]
        if after.session:
            where += " and (session = ? or session is null)"
            args.append(after.session)
        row = next(self.db.table("agent_snapshots").rows_where(where, args, order_by="ts desc, id desc", limit=1), None)
        return self._agent(row) if row else None

    def prune_agent_snapshots(self, now: datetime, *, used_for: timedelta = timedelta(days=1),
                              unused_for: timedelta = timedelta(days=7)) -> int:
        """Delete agent snapshots no edit can be matched with any more; return how many.

        A row is old when it was used (credited) more than ``used_for`` before ``now``, or was never
        used and was recorded more than ``unused_for`` before ``now``. For each file, the newest old
        row and **every row of that file before it** (by id) go: the rows of a file that stay are
        always its most recent ones, so a deleted post-edit row never lets :meth:`agent_before`
        reach back to an older before-state.
        """
        deleted = 0
        with self.atomic():
            tops = self.db.execute(
                "select path, max(id) from agent_snapshots where (used_at is not null and used_at < ?) "
                "or (used_at is null and ts < ?) group by path", [iso(now - used_for), iso(now - unused_for)]
            ).fetchall()
            for path, top in tops:
                deleted += self.db.execute(
                    "delete from agent_snapshots where path = ? and id <= ?", [path, top]).rowcount
        return deleted

    # -------------------------------------------------------------- report
    def edit_totals(self, lo: str, hi: str) -> list[EditTotal]:
        """Lines and events of edits with ``lo <= ts < hi``, per class, kind and AI flag (one index range scan)."""
        rows = self.db.execute(
            "select ownership_class, kind, ai, sum(lines), count(*) from edits where ts >= ? and ts < ? "
            "group by ownership_class, kind, ai", [lo, hi]).fetchall()
        return [EditTotal(ownership_class=c, kind=k, ai=bool(a), lines=n or 0, events=e) for c, k, a, n, e in rows]

    def edit_facts(self, ids: Iterable[str]) -> list[EditFact]:
        """The report's columns of these edits (unknown ids are left out).

        Bulk read for the report: ids are looked up in sorted order (index locality) and the
        models are built without validation, the values coming straight from the schema.
        """
        ids = sorted(set(ids))
        out: list[EditFact] = []
        make = EditFact.model_construct
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            marks = ",".join("?" * len(chunk))
            rows = self.db.execute(
                f"select id, ts, ownership_class, kind, ai, lines from edits where id in ({marks})", chunk).fetchall()
            out.extend(make(id=r[0], ts=r[1], ownership_class=r[2], kind=r[3], ai=bool(r[4]), lines=r[5])
                       for r in rows)
        return out

    def live_ranges(self) -> list[LiveRange]:
        """Every stored AI range of every document (from ``attribution_snapshots``), slim."""
        make = LiveRange.model_construct
        return [make(event=r["event"], lines=r["end_line"] - r["start_line"] + 1,
                     human_modified=bool(r.get("human_modified")), block_lines=r.get("block_lines"))
                for (text,) in self.db.execute("select ranges from attribution_snapshots").fetchall()
                for r in json.loads(text or "[]") if r.get("event")]

    def activity_totals(self, lo: str, hi: str) -> list[ActivityTotal]:
        """Typing with ``lo <= minute < hi``, inside and outside blocks: per class, and (class ``None``)
        over all classes, where a minute counts once however many classes and windows typed in it."""
        where = "from activity_minutes where minute >= ? and minute < ?"
        per_class = self.db.execute(
            f"select ownership_class, focus_id is not null and focus_id != '', count(distinct minute), "
            f"sum(human_lines) {where} group by 1, 2", [lo, hi]).fetchall()
        overall = self.db.execute(
            f"select null, focus_id is not null and focus_id != '', count(distinct minute), sum(human_lines) "
            f"{where} group by 2", [lo, hi]).fetchall()
        return [ActivityTotal(ownership_class=c, inside=bool(i), minutes=m, lines=n or 0)
                for c, i, m, n in per_class + overall]

    def prompt_facts(self, since: str | None = None) -> list[PromptFact]:
        """Prompts (without code) created at or after ``since``."""
        sql = "select id, kind, status, ownership_class, events, created_at, updated_at from prompts"
        rows = self.db.execute(sql + (" where created_at >= ?" if since else ""), [since] if since else []).fetchall()
        return [PromptFact(id=r[0], kind=r[1], status=r[2], ownership_class=r[3] or "",
                           events=json.loads(r[4] or "[]"), created_at=r[5], updated_at=r[6]) for r in rows]

    def explanation_times(self) -> dict[str, str]:
        """AI event id -> when an explain or recall prompt holding it was first explained (not "can't explain")."""
        rows = self.db.execute(
            "select p.events, min(a.created_at) from prompts p join answers a on a.prompt_id = p.id "
            "where p.kind != 'review' and a.cannot_explain = 0 group by p.id").fetchall()
        out: dict[str, str] = {}
        for events, at in rows:
            for e in json.loads(events or "[]"):
                if e not in out or at < out[e]:
                    out[e] = at
        return out

    def answer_facts(self, since: str | None = None) -> list[AnswerFact]:
        """Accepted answers (without text) given at or after ``since``, with their prompt's kind and class."""
        sql = ("select a.prompt_id, p.kind, p.ownership_class, a.cannot_explain, a.rating, a.created_at "
               "from answers a join prompts p on p.id = a.prompt_id")
        rows = self.db.execute(sql + (" where a.created_at >= ?" if since else ""), [since] if since else []).fetchall()
        return [AnswerFact(prompt_id=r[0], prompt_kind=r[1], ownership_class=r[2] or "", cannot_explain=bool(r[3]),
                           rating=r[4], created_at=r[5]) for r in rows]

