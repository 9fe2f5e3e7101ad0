"""The recorder: what ownwise keeps, on its way to the database.

It owns the store's lifecycle (opened lazily, retried while it cannot be, the
user told once), the write queue that keeps the database off the ``didChange``
path, and what is queued on it: edits, attribution snapshots (and their
restoring on open), the running session, activity minutes per class, focus
violations, key/values. :meth:`Recorder.flush` writes all of it in one
transaction (at least once a second) and prunes old agent snapshots once a day.
Pure Python over the store (no protocol).
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from .attribution import AIRange, EditEvent
from .clock import Now, iso, parse_iso
from .documents import DocState, UserNotifier
from .hashing import line_hashes, text_hash
from .ownership import OwnershipClass
from .prompts.blocks import merge_blocks
from .sessions import Session, SessionTracker, pid_alive
from .store import (
    ActivityMinute,
    EditRecord,
    FocusViolation,
    Prompt,
    Snapshot,
    Store,
    StoreError,
    WriteQueue,
    default_db_path,
    what_to_do,
)
from .store.models import SnapshotRange
from .words import plural

log = logging.getLogger("ownwise.recorder")

_DAY = 86400.0  # seconds between two prunes of agent snapshots


@dataclass
class MinuteTotals:
    """What this server saw in one wall-clock minute for one ownership class."""

    focus_id: str | None
    human_lines: int = 0
    human_chars: int = 0
    ai_lines: int = 0
    dirty: bool = True  # changed since last queued


class Recorder:
    def __init__(self, *, db_path: Path | None = None, store: Store | None = None, wall: Now,
                 notify_user: UserNotifier | None = None) -> None:
        self.db_path = db_path
        self.store = store
        self.store_error: str | None = None
        self.wall = wall
        self.notify_user = notify_user or (lambda level, msg: None)
        #: called once the database opens (again): the engine builds what needs it then
        self.on_open: Callable[[Store], None] = lambda store: None
        self.queue = WriteQueue()
        self.server_id = f"{socket.gethostname()}:{os.getpid()}:{int(time.time())}"
        self._minutes: dict[tuple[str, str], MinuteTotals] = {}  # (minute, class) -> totals
        self._minute_stamp, self._minute_iso = -1, ""
        self._session_queued: tuple | None = None
        self._flush_failing = False
        self._agents_pruned: datetime | None = None  # when agent snapshots were last pruned
        #: attribution.suspectedCountsAsAI: whether suspected ranges join AI blocks (snapshots' block sizes)
        self.suspected_counts_as_ai = False

    # ------------------------------------------------------------- storage
    def open_store(self) -> bool:
        """Open the database if it is not open; tell the user once if it fails."""
        if self.store is not None:
            return True
        try:
            self.store, notes = Store.open(self.db_path, now=self.wall)
        except StoreError as exc:
            if self.store_error != str(exc):
                self.store_error = str(exc)
                log.error("%s", exc)
                self.notify_user("error", str(exc))
            return False
        for note in notes:
            log.warning("%s", note)
        self.on_open(self.store)
        if self.store_error:
            log.info("database available again: %s", self.db_path)
        self.store_error = None
        return True

    @property
    def available(self) -> bool:
        return self.store is not None

    def database_path(self) -> Path:
        return self.db_path if self.db_path is not None else default_db_path()

    def docs_dir(self) -> Path:
        """Where explanation and reflection documents are written: beside the database."""
        return self.database_path().expanduser().parent / "explanations"

    def flush(self, documents: dict[str, DocState], sessions: SessionTracker) -> int:
        """Write queued events, snapshots and the session; keep them queued on failure."""
        self.queue_snapshots(documents)
        self._queue_session(sessions.current)
        self._queue_minutes()
        self.prune_agent_snapshots()
        if not len(self.queue) or not self.open_store():
            return 0
        assert self.store is not None
        written = self.queue.flush(self.store, on_error=self._flush_error)
        if written and self._flush_failing:
            self._flush_failing = False
            log.info("database writes work again; %d queued items written", written)
        return written

    def prune_agent_snapshots(self) -> int:
        """Once a day (the first flush with the database open, then daily): drop old agent snapshots.

        The retention is :meth:`Store.prune_agent_snapshots`' (used rows a day after use, unused
        ones after a week): agent edits are matched only within 24 h (see ``crediting``).
        """
        now = self.wall()
        if self.store is None or (self._agents_pruned is not None
                                  and (now - self._agents_pruned).total_seconds() < _DAY):
            return 0
        self._agents_pruned = now
        try:
            n = self.store.prune_agent_snapshots(now)
        except Exception as exc:  # noqa: BLE001 - tried again tomorrow; nothing depends on it
            log.warning("could not prune old agent snapshots: %s", exc)
            return 0
        if n:
            log.info("pruned %d old agent snapshots", n)
        return n

    def _flush_error(self, exc: Exception) -> None:
        if not self._flush_failing:
            self._flush_failing = True
            todo = what_to_do(exc)
            msg = (f"ownwise could not write to its database ({exc}); "
                   f"{plural(len(self.queue), 'item')} stay{'s' if len(self.queue) == 1 else ''} queued in memory "
                   "and are retried."
                   + (f" {todo}." if todo else ""))
            log.error("%s", msg)
            self.notify_user("warning", msg)
        else:
            log.debug("flush failed again: %s", exc)

    # ------------------------------------------------------------ sessions
    def _queue_session(self, s: Session | None) -> None:
        if s is None:
            return
        key = (s.id, s.last_activity, s.human_chars, len(s.events))
        if key != self._session_queued:
            self.queue.add_session(s.record())
            self._session_queued = key

    def session_ended(self, s: Session) -> None:
        self.queue.add_session(s.record())
        self._session_queued = None

    def hold_prompts(self, prompts: list[Prompt]) -> None:
        """New prompts kept in the write queue until a flush can write them (no database now)."""
        self.queue.add_prompts(prompts)

    def set_prompt_choice(self, session_id: int, choice: str, documents: dict[str, DocState],
                          sessions: SessionTracker) -> None:
        """Store what the user chose when the session's prompts were offered."""
        queued = self.queue.sessions.get(session_id)
        if queued is not None:
            self.queue.sessions[session_id] = queued.model_copy(update={"prompt_choice": choice})
            self.flush(documents, sessions)
            return
        if self.open_store() and self.store is not None:
            try:
                self.store.set_session_choice(session_id, choice)
            except Exception as exc:  # noqa: BLE001
                log.warning("could not store the prompt choice of session %s: %s", session_id, exc)

    def close_stale_sessions(self, current: Session | None, idle_minutes: float) -> int:
        """Sessions left open by a crashed server: end them at their last edit, as interrupted."""
        if not self.open_store() or self.store is None:
            return 0
        host = socket.gethostname()
        closed = []
        for rec in self.store.sessions(open_only=True):
            if current is not None and rec.id == current.id:
                continue
            alive = rec.host == host and rec.pid is not None and pid_alive(rec.pid)
            stale = (self.wall() - parse_iso(rec.last_activity)).total_seconds() > idle_minutes * 60
            if alive and not stale:
                continue
            closed.append(rec.model_copy(update={"ended_at": rec.last_activity, "end_reason": "interrupted"}))
        if closed:
            self.store.save_sessions(closed)
            log.info("closed %d session(s) left open by a crashed server", len(closed))
        return len(closed)

    # ----------------------------------------------------------- snapshots
    def queue_snapshots(self, documents: dict[str, DocState]) -> None:
        """An attribution snapshot of each document changed since its last one."""
        for uri, st in documents.items():
            if st.snapshot_revision != st.doc.revision:
                self.snapshot(uri, st)

    def snapshot(self, uri: str, st: DocState) -> None:
        doc_ranges = st.doc.ranges()
        sizes = block_sizes(doc_ranges, st.doc.lines, self.suspected_counts_as_ai)
        ranges = [
            SnapshotRange(start_line=r.start_line, end_line=r.end_line, kind=r.kind,
                          source=r.source, human_modified=r.human_modified, event=r.event, block_lines=n)
            for r, n in zip(doc_ranges, sizes)
        ]
        text = st.doc.text
        self.queue.add_snapshot(Snapshot(uri=uri, text_hash=text_hash(text), ranges=ranges,
                                         updated_at=iso(self.wall()), line_hashes=line_hashes(text)))
        st.snapshot_revision = st.doc.revision

    def saved_snapshot(self, uri: str) -> Snapshot | None:
        """The newest snapshot of ``uri``: still queued, else stored."""
        snap = self.queue.snapshots.get(uri)
        if snap is not None or self.store is None:
            return snap
        try:
            return self.store.snapshot(uri)
        except Exception as exc:  # noqa: BLE001
            log.warning("could not read saved attribution for %s: %s", uri, exc)
            return None

    def restore(self, uri: str, st: DocState) -> None:
        """An opened document gets back its saved AI ranges, if its text is exactly the saved one."""
        snap = self.saved_snapshot(uri)
        doc = st.doc
        if snap is not None and snap.ranges and snap.text_hash == doc.text_hash():
            doc.restore_ranges([
                AIRange(r.start_line, r.end_line, r.kind, r.source, r.human_modified, r.event)
                for r in snap.ranges
            ])
            log.info("restored %d AI ranges for %s", len(snap.ranges), uri)
        st.snapshot_revision = doc.revision

    # --------------------------------------------------------------- edits
    def record(self, st: DocState, ev: EditEvent, session_id: int | None, *, secret: bool,
               store_snippets: bool, ownership_class: str | None = None) -> None:
        workspace, rel = st.where
        snippet = ev.text_sample if store_snippets and not secret else None
        self.queue.add_edit(EditRecord(
            id=ev.id, ts=iso(self.wall()), workspace=workspace, path=rel, uri=st.doc.uri,
            language_id=st.doc.language_id, ownership_class=ownership_class or st.decision.cls.value,
            kind=ev.kind, source=ev.source, ai=ev.ai, lines=ev.lines, chars=ev.chars,
            content_hash=ev.content_hash, snippet=snippet, doc_version=ev.version,
            session_id=session_id,
        ))

    def violation(self, block_id: str, ev: EditEvent, path: str, suspected: bool) -> None:
        self.queue.add_violation(FocusViolation(
            block_id=block_id, ts=iso(self.wall()), kind=ev.kind, source=ev.source, lines=ev.lines,
            path=path, suspected=suspected))

    # ------------------------------------------------------------ activity
    def count_minute(self, cls: str, human_lines: int, human_chars: int, ai_lines: int,
                     focus_id: Callable[[], str | None]) -> None:
        """This minute's totals for the class (``focus_id`` asked once, when the minute starts)."""
        now = self.wall()
        stamp = int(now.timestamp()) // 60
        if stamp != self._minute_stamp:  # format the minute once, not on every keystroke
            self._minute_stamp, self._minute_iso = stamp, iso(now.replace(second=0, microsecond=0))
        key = (self._minute_iso, cls)
        row = self._minutes.get(key)
        if row is None:
            row = self._minutes[key] = MinuteTotals(focus_id())
        row.human_lines += human_lines
        row.human_chars += human_chars
        row.ai_lines += ai_lines
        row.dirty = True

    def _queue_minutes(self) -> None:
        current = iso(self.wall().replace(second=0, microsecond=0))
        for (minute, cls), row in list(self._minutes.items()):
            if row.dirty:
                self.queue.add_activity(ActivityMinute(
                    minute=minute, ownership_class=cls, server=self.server_id, focus_id=row.focus_id,
                    human_lines=row.human_lines, human_chars=row.human_chars, ai_lines=row.ai_lines))
                row.dirty = False
            if minute < current:
                del self._minutes[(minute, cls)]

    # ----------------------------------------------------- small reads/writes
    def override_for(self, path: Path) -> OwnershipClass | None:
        """The user's per-file class, if any (a bad database must not stop classification)."""
        if self.store is None:
            return None
        try:
            value = self.store.override_for(str(path))
        except Exception as exc:  # noqa: BLE001
            log.warning("could not read ownership override for %s: %s", path, exc)
            return None
        return OwnershipClass(value) if value else None

    def require_store(self) -> Store:
        """The open store, or :class:`StoreError` saying why there is none."""
        if not self.open_store() or self.store is None:
            raise StoreError(self.store_error or "the database is not available")
        return self.store

    def set_override(self, path: Path, cls: OwnershipClass | None) -> None:
        self.require_store().set_override(str(path), cls.value if cls else None)

    def client_state(self, key: str, value: Any = None, *, write: bool = False) -> Any:
        """A client's own state in the ``kv`` table (``client:KEY``): written with ``write``, then read."""
        store = self.require_store()
        if write:
            store.put(f"client:{key}", value)
        return store.get(f"client:{key}")

    def workspace_evidence(self, root: Path) -> Any:
        """The cached repository evidence of a workspace root (None: none, or no database)."""
        if not self.open_store() or self.store is None:
            return None
        try:
            return self.store.workspace_evidence(str(root))
        except Exception as exc:  # noqa: BLE001 - a cache: read again from the files
            log.warning("could not read the cached workspace evidence of %s: %s", root, exc)
            return None

    def save_workspace_evidence(self, root: Path, head: str | None, snapshot: Any) -> None:
        if not self.open_store() or self.store is None:
            return
        try:
            self.store.save_workspace_evidence(str(root), head, snapshot)
        except Exception as exc:  # noqa: BLE001 - a cache: the next start reads the files again
            log.warning("could not cache the workspace evidence of %s: %s", root, exc)

    def put(self, key: str, value: object) -> None:
        """A key/value written with the next flush."""
        self.queue.put(key, value)

    @contextmanager
    def reader(self) -> Iterator[Store]:
        """A store to read with on the calling thread: its own connection when the database is a file
        (a worker thread's report does not hold up the edits), else the open one."""
        store = self.require_store()
        if store.path is None:
            yield store
            return
        own, _notes = Store.open(store.path, now=self.wall)
        try:
            yield own
        finally:
            own.close()

    def report(self, now: datetime, week_start: str, goal_minutes: float, weeks: int | None,
               since: date | None, min_lines: int = 3) -> dict[str, Any]:
        """The weekly report (docs/report.md); safe in a worker thread when the database is a file."""
        from .report.build import build_report

        with self.reader() as store:
            return build_report(store, now=now, week_start=week_start, goal_minutes=goal_minutes,
                                weeks=weeks, since=since, min_lines=min_lines)

    @property
    def reads_in_thread(self) -> bool:
        """Whether :meth:`report` may run in a worker thread (an in-memory store has one connection)."""
        return self.store is not None and self.store.path is not None


def block_sizes(ranges: list[AIRange], lines: Sequence[str], include_suspected: bool) -> list[int | None]:
    """For each range, the lines of the AI block it is part of (as prompts see blocks: the report's debt
    counts only blocks a prompt can ask about); None for a range in no block (not AI, or only blanks)."""
    blocks = merge_blocks("", "", "", ranges, lines, include_suspected=include_suspected)
    out: list[int | None] = []
    for r in ranges:
        out.append(next((b.lines for b in blocks if b.start_line <= r.end_line and r.start_line <= b.end_line
                         and r.event in b.events), None))
    return out


__all__ = ["MinuteTotals", "Recorder", "block_sizes"]
