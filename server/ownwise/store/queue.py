"""The write queue: keeps database writes off the didChange path.

Events and snapshots are queued in memory and written in one transaction on
``flush`` (the server flushes at least once a second and at shutdown). A
failed flush keeps everything queued for the next try, so nothing is lost
while the database is locked or unavailable. The explain prompts of a session
that ended while the database could not be opened wait here too.
"""

from __future__ import annotations

from collections.abc import Callable

from .models import ActivityMinute, EditRecord, FocusViolation, Prompt, SessionRecord, Snapshot
from .repo import Store


class WriteQueue:
    def __init__(self) -> None:
        self.edits: list[EditRecord] = []
        self.snapshots: dict[str, Snapshot] = {}
        self.kv: dict[str, object] = {}
        self.sessions: dict[int, SessionRecord] = {}
        self.violations: list[FocusViolation] = []
        self.activity: dict[tuple[str, str], ActivityMinute] = {}
        self.prompts: dict[str, Prompt] = {}  # new prompts by id (a session ended without a database)

    def __len__(self) -> int:
        return (len(self.edits) + len(self.snapshots) + len(self.kv) + len(self.sessions)
                + len(self.violations) + len(self.activity) + len(self.prompts))

    def add_edit(self, edit: EditRecord) -> None:
        self.edits.append(edit)

    def add_snapshot(self, snap: Snapshot) -> None:
        self.snapshots[snap.uri] = snap

    def add_session(self, session: SessionRecord) -> None:
        self.sessions[session.id] = session

    def add_violation(self, v: FocusViolation) -> None:
        self.violations.append(v)

    def add_activity(self, a: ActivityMinute) -> None:
        """The latest totals of one (minute, class) for this server: written as an upsert."""
        self.activity[(a.minute, a.ownership_class)] = a

    def add_prompts(self, prompts: list[Prompt]) -> None:
        """New prompts, inserted by the next flush that works; an id already stored is not inserted again."""
        for p in prompts:
            self.prompts[p.id] = p

    def put(self, key: str, value: object) -> None:
        self.kv[key] = value

    def flush(self, store: Store, on_error: Callable[[Exception], None] | None = None) -> int:
        """Write what is queued; return how many items were written (0 on error)."""
        if not len(self):
            return 0
        edits, snaps, kv, sessions = self.edits, self.snapshots, self.kv, self.sessions
        try:
            with store.atomic():
                store.save_sessions(sessions.values())
                store.add_prompts(self.prompts.values(), ignore=True)
                store.add_violations(self.violations)
                store.save_activity(self.activity.values())
                store.add_edits(edits)
                store.save_snapshots(snaps.values())
                for k, v in kv.items():
                    store.put(k, v)
        except Exception as exc:  # noqa: BLE001 - the caller reports; data stays queued
            if on_error:
                on_error(exc)
            return 0
        n = len(self)
        self.edits, self.snapshots, self.kv, self.sessions = [], {}, {}, {}
        self.violations, self.activity, self.prompts = [], {}, {}
        return n
