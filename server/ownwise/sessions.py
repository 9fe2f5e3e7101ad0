"""Coding sessions (pure): from the first edit until idle, a command, a focus end or shutdown.

The tracker counts what happened in the session; the engine stores it (as a
:class:`~ownwise.store.SessionRecord`) and turns the AI code the user kept
into prompts when the session ends.
"""

from __future__ import annotations

import os
import socket
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from .clock import Now, iso
from .store.models import SessionRecord

END_REASONS = ("idle", "command", "focus", "shutdown", "interrupted")


def pid_alive(pid: int) -> bool:
    """Whether a process with this pid runs on this machine (a server that may still hold a row)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def new_session_id(now: datetime) -> int:
    """Unique enough across windows: microseconds since the epoch."""
    return int(now.timestamp() * 1_000_000) + time.perf_counter_ns() % 1000


@dataclass
class Session:
    id: int
    started_at: datetime
    last_activity: datetime
    workspace: str | None
    files: set[str] = field(default_factory=set)
    #: lines that received typed text, each once in the session (see TrackedDocument.apply's epoch)
    human_lines: int = 0
    human_chars: int = 0
    ai_by_kind: Counter = field(default_factory=Counter)
    ai_by_class: Counter = field(default_factory=Counter)
    events: set[str] = field(default_factory=set)
    ended_at: datetime | None = None
    end_reason: str | None = None
    prompt_choice: str | None = None
    #: this server's count of sessions, 1 for its first: the counting epoch of human lines
    ordinal: int = 1

    def record(self) -> SessionRecord:
        return SessionRecord(
            id=self.id, started_at=iso(self.started_at), last_activity=iso(self.last_activity),
            ended_at=iso(self.ended_at) if self.ended_at else None, end_reason=self.end_reason,
            workspace=self.workspace, files_touched=sorted(self.files),
            human_lines=self.human_lines, human_chars=self.human_chars,
            ai_lines_by_kind=dict(self.ai_by_kind), ai_lines_by_class=dict(self.ai_by_class),
            prompt_choice=self.prompt_choice, pid=os.getpid(), host=socket.gethostname(),
        )


class SessionTracker:
    def __init__(self, now: Now, idle_minutes: float = 20.0) -> None:
        self.now = now
        self.idle_minutes = idle_minutes
        self.current: Session | None = None
        self._ordinal = 0  # sessions started by this tracker

    @property
    def epoch(self) -> int:
        """The counting epoch of human lines: the running session's, or the next one's (an edit starts it).

        A line the user writes in counts once per epoch (``TrackedDocument.apply``), so once per session.
        """
        return self.current.ordinal if self.current is not None else self._ordinal + 1

    def activity(self, *, workspace: str | None, path: str, human_lines: int = 0,
                 human_chars: int = 0, ai_event: str | None = None, ai_kind: str | None = None,
                 ai_lines: int = 0, ownership_class: str = "") -> bool:
        """Count one edit; True when it started a new session."""
        now = self.now()
        started = self.current is None
        if started:
            self._ordinal += 1
            self.current = Session(new_session_id(now), now, now, workspace, ordinal=self._ordinal)
        s = self.current
        assert s is not None
        s.last_activity = now
        s.files.add(path)
        s.human_lines += human_lines
        s.human_chars += human_chars
        if ai_event is not None:
            s.events.add(ai_event)
            s.ai_by_kind[ai_kind or "?"] += ai_lines
            if ownership_class:  # empty for suspected inserts, which are not AI
                s.ai_by_class[ownership_class] += ai_lines
        return started

    def idle_expired(self) -> bool:
        s = self.current
        return s is not None and self.now() - s.last_activity >= timedelta(minutes=self.idle_minutes)

    def end(self, reason: str) -> Session | None:
        """Close the current session (idle ones end at their last edit)."""
        s = self.current
        if s is None:
            return None
        s.end_reason = reason
        s.ended_at = s.last_activity if reason == "idle" else self.now()
        self.current = None
        return s
