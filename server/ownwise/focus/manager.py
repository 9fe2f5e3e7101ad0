"""Starting, stopping and keeping track of no-AI focus blocks, over the store.

The database is the truth, so the CLI (``ownwise focus start``) and every
editor window see the same block: a running server re-reads it once a second
(:meth:`FocusManager.sync`). The server that keeps a block alive writes its
pid and a heartbeat (``last_activity``); a block whose server died is closed
at that heartbeat as ``interrupted`` the next time a server starts.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from ..clock import Now, iso, parse_iso
from ..sessions import pid_alive
from ..store import FocusBlock, FocusReflection, Store

if TYPE_CHECKING:
    from ..settings import FocusSettings
    from .reflection import ParsedReflection, ReflectionItem

log = logging.getLogger("ownwise.focus")


@dataclass(frozen=True)
class FocusChange:
    """A block began or ended since the last look."""

    block: FocusBlock
    active: bool


def planned_end(block: FocusBlock) -> datetime:
    return parse_iso(block.started_at) + timedelta(minutes=block.planned_minutes)


def minutes_of(block: FocusBlock, now: datetime) -> float:
    end = parse_iso(block.ended_at) if block.ended_at else now
    return max(0.0, (end - parse_iso(block.started_at)).total_seconds() / 60)


class FocusManager:
    def __init__(self, store: Store, now: Now, *, by: str = "lsp") -> None:
        self.store = store
        self.now = now
        self.by = by
        self.pid = os.getpid()
        self.host = socket.gethostname()
        self.active: FocusBlock | None = None

    # ------------------------------------------------------------- actions
    def current(self) -> FocusBlock | None:
        """The open block in the database (the newest, if several)."""
        blocks = self.store.focus_blocks(active=True)
        return blocks[-1] if blocks else None

    def start(self, minutes: float, task: str | None = None,
              estimate_minutes: float | None = None) -> tuple[FocusBlock, bool]:
        """Start a block; (the block, True) — or (the running one, False) if one runs already."""
        running = self.current()
        if running is not None:
            self.active = running
            return running, False
        now = iso(self.now())
        block = FocusBlock(
            id=uuid.uuid4().hex[:12], started_at=now, planned_minutes=minutes, task=task or None,
            estimate_minutes=estimate_minutes, last_activity=now, started_by=self.by,
            pid=self.pid if self.by == "lsp" else None, host=self.host,
        )
        with self.store.atomic():
            self.store.add_focus_block(block)
        self.active = block
        log.info("focus block %s started: %s min%s", block.id, minutes, f", task {task!r}" if task else "")
        return block, True

    def stop(self, reason: str, at: datetime | None = None) -> FocusBlock | None:
        """End the running block (at ``at``, default now); None if none runs."""
        block = self.current()
        if block is None:
            self.active = None
            return None
        end = at or self.now()
        fields = {"ended_at": iso(end), "end_reason": reason, "last_activity": iso(end)}
        with self.store.atomic():
            self.store.update_focus_block(block.id, **fields)
        self.active = None
        ended = block.model_copy(update=fields)
        log.info("focus block %s ended (%s) after %.1f min", block.id, reason, minutes_of(ended, end))
        return ended

    def extend(self, minutes: float) -> FocusBlock | None:
        """Make the running block ``minutes`` longer (its planned end later); None if none runs."""
        block = self.current()
        if block is None:
            self.active = None
            return None
        planned = block.planned_minutes + minutes
        with self.store.atomic():
            self.store.update_focus_block(block.id, planned_minutes=planned)
        self.active = block.model_copy(update={"planned_minutes": planned})
        log.info("focus block %s extended by %s min to %s min", block.id, minutes, planned)
        return self.active

    def mark_notified(self) -> None:
        if self.active is not None and not self.active.notified:
            self.active = self.active.model_copy(update={"notified": True})
            with self.store.atomic():
                self.store.update_focus_block(self.active.id, notified=True)

    def set_reflection(self, block_id: str, state: str) -> None:
        with self.store.atomic():
            self.store.update_focus_block(block_id, reflection=state)

    # ------------------------------------------------------------- reading
    def block(self, block_id: str) -> FocusBlock | None:
        return self.store.focus_block(block_id)

    def violation_counts(self, block_id: str) -> tuple[int, int]:
        """(AI edits, suspected inserts) recorded during the block."""
        found = self.store.violations(block_id)
        suspected = sum(1 for v in found if v.suspected)
        return len(found) - suspected, suspected

    def awaiting_reflection(self) -> list[FocusBlock]:
        """Ended blocks not reflected on yet, oldest first."""
        return [b for b in self.store.focus_blocks(active=False) if b.reflection != "answered"]

    def unasked_after_shutdown(self) -> FocusBlock | None:
        """The last ended block, if the editor's closing ended it and nobody asked for a reflection yet."""
        last = next((b for b in reversed(self.store.focus_blocks(active=False))), None)
        if last is not None and last.end_reason == "shutdown" and last.reflection is None:
            return last
        return None

    def weekly_reminder(self, s: FocusSettings) -> str | None:
        """At a session start: the reminder to show when behind the weekly goal (see ``reminder``)."""
        from .reminder import weekly_reminder

        return weekly_reminder(self.store, s, self.now().astimezone(), block_running=self.active is not None)

    def calibration(self, s: FocusSettings, weeks: int) -> dict:
        """The calibration figures (``ownwise/calibration``) up to now."""
        from .stats import calibration

        return calibration(self.store, self.now(), s, weeks)

    # ---------------------------------------------------------- reflection
    def reflection_item(self, b: FocusBlock) -> ReflectionItem:
        from .reflection import ReflectionItem

        started = parse_iso(b.started_at).astimezone()
        return ReflectionItem(
            block_id=b.id, started_at=started.strftime("%a %d %b %H:%M"),
            planned_minutes=round(b.planned_minutes), actual_minutes=round(minutes_of(b, self.now())),
            estimate_minutes=round(b.estimate_minutes) if b.estimate_minutes else None, task=b.task)

    def write_reflection(self, b: FocusBlock, folder: Path) -> Path:
        """The reflection document of a block (0600), ready for the user to fill in."""
        from ..files import write_private
        from .reflection import render

        return write_private(folder / f"reflect-{b.id}.md", render(self.reflection_item(b)))

    def save_reflection(self, block_id: str, felt: int | None, looked_up: str | None, took_longer: str | None,
                        actual: int | None, notes: str | None, via: str) -> None:
        """Store a reflection (from its document or a request); KeyError for an unknown block."""
        if self.store.focus_block(block_id) is None:
            raise KeyError(f"no focus block with id {block_id!r}")
        with self.store.atomic():
            self.store.add_reflection(FocusReflection(
                block_id=block_id, felt=felt, looked_up=looked_up or "", took_longer=took_longer or "",
                actual_minutes=actual, notes=notes or "", via=via, created_at=iso(self.now())))
            self.store.update_focus_block(block_id, reflection="answered")

    def save_reflection_document(self, text: str) -> ParsedReflection | None:
        """Read a saved reflection document and store it once it is filled in without errors.

        Returns what was read (None: not a reflection document); nothing is stored while it is not
        started or has errors (``parsed.errors``)."""
        from .reflection import parse

        parsed = parse(text)
        if parsed is None or not parsed.started or parsed.errors:
            return parsed
        self.save_reflection(parsed.block_id, parsed.felt, parsed.looked_up, parsed.took_longer,
                             parsed.actual_minutes, parsed.notes, "document")
        return parsed

    # ------------------------------------------------------------- polling
    def sync(self) -> list[FocusChange]:
        """Once a second: see blocks started/stopped elsewhere, end one whose time is up, heartbeat."""
        changes: list[FocusChange] = []
        before = self.active
        now_block = self.current()
        if before is not None and (now_block is None or now_block.id != before.id):
            ended = self.store.focus_block(before.id) or before
            changes.append(FocusChange(ended, False))
        if now_block is not None and (before is None or now_block.id != before.id
                                      or now_block.planned_minutes != before.planned_minutes):
            changes.append(FocusChange(now_block, True))  # new here, or extended elsewhere
        self.active = now_block
        if now_block is None:
            return changes
        now = self.now()
        end = planned_end(now_block)
        if now >= end:
            ended = self.stop("timeUp", at=end)
            if ended is not None:
                changes.append(FocusChange(ended, False))
            return changes
        with self.store.atomic():
            self.store.update_focus_block(now_block.id, last_activity=iso(now), pid=self.pid, host=self.host)
        self.active = now_block.model_copy(update={"last_activity": iso(now), "pid": self.pid})
        return changes

    def recover(self) -> list[FocusBlock]:
        """At start-up: close blocks whose server died, at their last heartbeat, as interrupted."""
        closed = []
        for block in self.store.focus_blocks(active=True):
            if block.pid is None:
                continue  # started from the CLI and not yet picked up: a live block
            if block.host == self.host and block.pid != self.pid and pid_alive(block.pid):
                continue  # another window keeps it
            if block.host != self.host:
                stale = (self.now() - parse_iso(block.last_activity)).total_seconds() > 60
                if not stale:
                    continue
            fields = {"ended_at": block.last_activity, "end_reason": "interrupted"}
            with self.store.atomic():
                self.store.update_focus_block(block.id, **fields)
            closed.append(block.model_copy(update=fields))
            log.warning("focus block %s was left open by a server that stopped; closed as interrupted "
                        "at %s", block.id, block.last_activity)
        return closed

    def remaining_seconds(self) -> int | None:
        if self.active is None:
            return None
        return max(0, int((planned_end(self.active) - self.now()).total_seconds()))

    def status(self) -> dict:
        b = self.active
        if b is None:
            return {"active": False}
        return {"active": True, "id": b.id, "startedAt": b.started_at, "plannedMinutes": b.planned_minutes,
                "task": b.task, "estimateMinutes": b.estimate_minutes,
                "remainingSeconds": self.remaining_seconds()}
