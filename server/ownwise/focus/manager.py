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

from ..clock import Now, iso, parse_iso
from ..sessions import pid_alive
from ..store import FocusBlock, Store

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

    def mark_notified(self) -> None:
        if self.active is not None and not self.active.notified:
            self.active = self.active.model_copy(update={"notified": True})
            with self.store.atomic():
                self.store.update_focus_block(self.active.id, notified=True)

    def set_reflection(self, block_id: str, state: str) -> None:
        with self.store.atomic():
            self.store.update_focus_block(block_id, reflection=state)

    # ------------------------------------------------------------- polling
    def sync(self) -> list[FocusChange]:
        """Once a second: see blocks started/stopped elsewhere, end one whose time is up, heartbeat."""
        changes: list[FocusChange] = []
        before = self.active
        now_block = self.current()
        if before is not None and (now_block is None or now_block.id != before.id):
            ended = self.store.focus_block(before.id) or before
            changes.append(FocusChange(ended, False))
        if now_block is not None and (before is None or now_block.id != before.id):
            changes.append(FocusChange(now_block, True))
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
