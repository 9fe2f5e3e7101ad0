"""The engine: the units of ownwise wired together, and the fan-out of one document change.

Pure Python (no pygls): the LSP layer turns protocol messages into calls here
(or on the units) and builds what it sends from what they return. The units:

- :class:`~ownwise.documents.Documents`: the open documents and their classification;
- :class:`~ownwise.recorder.Recorder`: the store's lifecycle, the write queue, snapshots,
  activity minutes, pruning;
- :class:`~ownwise.crediting.AgentCredit`: lines coding agents wrote on disk;
- :class:`~ownwise.prompts.debt.ExplanationDebt`: prompts at a session's end, the debt, re-asks;
- :class:`~ownwise.sessions.SessionTracker` and the :class:`~ownwise.focus.manager.FocusManager`.

Everything on the :meth:`Engine.change` path is in memory; the database is
written by :meth:`Engine.flush` (at least once a second).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from .attribution import SUSPECTED, Change, EditEvent, EditKind, HintBook, Provenance
from .clock import Now, utc_now
from .crediting import AgentCredit
from .documents import DocState, Documents, UserNotifier, uri_to_path
from .ownership import Decision, OwnershipClass
from .prompts.blocks import Block
from .prompts.debt import DebtBlock, ExplanationDebt, SessionEnd
from .recorder import Recorder
from .sessions import Session, SessionTracker
from .settings import Settings
from .store import Prompt, Store
from .words import plural

if TYPE_CHECKING:
    from .focus.manager import FocusManager
    from .prompts.service import PromptService

log = logging.getLogger("ownwise.engine")

__all__ = ["DebtBlock", "DocState", "Engine", "SessionEnd", "uri_to_path"]


class Engine:
    def __init__(
        self,
        settings: Settings | None = None,
        *,
        store: Store | None = None,
        db_path: Path | None = None,
        clock: Callable[[], float] = time.monotonic,
        wall: Now = utc_now,
        notify_user: UserNotifier | None = None,
    ) -> None:
        settings = settings or Settings()
        self._settings = settings
        self.wall = wall
        self.notify_user = notify_user or (lambda level, msg: None)
        self.recorder = Recorder(db_path=db_path, store=store, wall=wall, notify_user=self.notify_user)
        self.recorder.on_open = self._store_opened
        self.recorder.suspected_counts_as_ai = settings.attribution.suspected_counts_as_ai
        self.documents = Documents(settings, self.recorder.docs_dir, override_for=self.recorder.override_for,
                                   notify_user=self.notify_user)
        self.hints = HintBook(clock, settings.attribution.hint_window_seconds)
        #: moves, copies and snippet expansions across the open documents, for hint-less inserts
        self.provenance = Provenance(clock, lambda: (st.doc for st in self.documents.docs.values()))
        self.sessions = SessionTracker(wall, settings.session.idle_minutes)
        self.credit = AgentCredit(self.documents, self.recorder, wall)
        self.prompts = ExplanationDebt(settings, self.documents, self.recorder, wall)
        self.focus: FocusManager | None = None
        #: called when an edit starts a session (the server re-asks due explanations then)
        self.on_session_start: Callable[[Session], None] = lambda s: None

    # ------------------------------------------------------------ settings
    @property
    def settings(self) -> Settings:
        return self._settings

    def apply_settings(self, settings: Settings) -> list[str]:
        """Take new settings; return messages about bad ownership rules."""
        self._settings = settings
        self.hints.window = settings.attribution.hint_window_seconds
        for st in self.documents.docs.values():
            st.doc.judge = self.provenance if settings.attribution.evidence else None
        self.sessions.idle_minutes = settings.session.idle_minutes
        self.recorder.suspected_counts_as_ai = settings.attribution.suspected_counts_as_ai
        self.prompts.apply_settings(settings)
        return self.documents.apply_settings(settings)

    # ------------------------------------------------------------- storage
    def open_store(self) -> bool:
        return self.recorder.open_store()

    def _store_opened(self, store: Store) -> None:
        from .focus.manager import FocusManager

        self.focus = FocusManager(store, self.wall)
        self.prompts.refresh_pending()

    def flush(self) -> int:
        """Write what is queued (one transaction); keep it queued on failure."""
        return self.recorder.flush(self.documents.docs, self.sessions)

    # ----------------------------------------------------------- documents
    def open(self, uri: str, text: str, version: int | None, language_id: str = "") -> DocState | None:
        st = self.documents.open(uri, text, version, language_id)
        if st is not None:
            st.doc.judge = self.provenance if self._settings.attribution.evidence else None
            self.provenance.opened(uri)
            self.recorder.restore(uri, st)
        return st

    def close(self, uri: str) -> None:
        st = self.documents.close(uri)
        self.hints.drop(uri)
        self.prompts.forget(uri)
        if st is None:
            return
        self.provenance.closed(uri, st.doc.text)
        if st.snapshot_revision != st.doc.revision:
            self.recorder.snapshot(uri, st)
        self.prompts.keep_closed(uri, st, self.sessions.current)

    def hint(self, uri: str, kind: EditKind, source: str | None, version: int | None) -> None:
        self.hints.add(uri, kind, source, version)

    def change(self, uri: str, version: int | None, changes: list[Change]) -> DocState | None:
        """One ``didChange``: mirror it, credit it, count it, record it."""
        st = self.documents.docs.get(uri)
        if st is None:
            if uri not in self.documents.internal:
                log.warning("didChange for %s, which is not open; ignored", uri)
            return None
        if version is not None and st.doc.version is not None and version <= st.doc.version:
            log.warning("didChange for %s went from version %s back to %s; applied anyway",
                        uri, st.doc.version, version)
        pending = self.hints.take(uri, version)
        kind = pending.kind if pending else None
        result = st.doc.apply(changes, kind, pending.source if pending else None, version=version,
                              thresholds=self.documents.thresholds(), epoch=self.sessions.epoch)
        for w in result.warnings:
            log.warning("%s (version %s): %s", uri, version, w)
        ev = result.event
        if kind is EditKind.EXTERNAL_RELOAD and ev is None:
            ev = self.credit.reloaded(st, version)  # an agent's hook may have recorded exactly this edit
        if ev is not None and ev.ai:
            self.documents.reread(uri)  # an AI edit (not a keystroke): it counts under the class the text has now
        workspace, rel = st.where
        started = self.sessions.activity(
            workspace=workspace, path=rel, human_lines=result.human_lines, human_chars=result.human_chars,
            ai_event=ev.id if ev is not None else None,
            ai_kind=ev.kind if ev is not None else None, ai_lines=ev.lines if ev is not None else 0,
            ownership_class=st.decision.cls.value if ev is not None and ev.ai else "",
        )
        if ev is not None:
            self._record(st, ev)
        self.recorder.count_minute(st.decision.cls.value, result.human_lines, result.human_chars,
                                   ev.lines if ev is not None and ev.ai else 0, self._focus_id)
        if ev is not None and self.focus is not None and self.focus.active is not None:
            self._violation(st, ev)
        if started and self.sessions.current is not None:
            self.on_session_start(self.sessions.current)
        return st

    def _record(self, st: DocState, ev: EditEvent) -> None:
        self.recorder.record(st, ev, self.sessions.current.id if self.sessions.current else None,
                             secret=self.documents.is_secret(st.path),
                             store_snippets=self.settings.store_snippets, ownership_class=self._edit_class(st, ev))

    def _edit_class(self, st: DocState, ev: EditEvent) -> str:
        """The class an AI edit counts under: its file's, or core when the function it lands in is core."""
        cls = st.decision.cls
        if not ev.ai or cls is OwnershipClass.CORE or st.decision.source == "override":
            return cls.value
        lines = [(r.start_line, r.end_line) for r in st.doc.ranges() if r.event == ev.id]
        if not lines:
            return cls.value
        from .ownership.units import unit_verdict

        unit = unit_verdict(st.where[1], st.doc.lines, lines[0][0], lines[-1][1], st.facts)
        return OwnershipClass.CORE.value if unit is not None and unit.core else cls.value

    def _focus_id(self) -> str | None:
        active = self.focus.active if self.focus is not None else None
        return active.id if active else None

    def _violation(self, st: DocState, ev: EditEvent) -> None:
        """An AI edit (or a suspected insert) during a no-AI block: recorded; the user told once."""
        assert self.focus is not None and self.focus.active is not None
        block = self.focus.active
        suspected = ev.kind == SUSPECTED
        self.recorder.violation(block.id, ev, st.where[1], suspected)
        if suspected or block.notified:
            return
        try:
            self.focus.mark_notified()
        except Exception as exc:  # noqa: BLE001
            log.warning("could not store that the focus block's user was told: %s", exc)
        what = ev.kind if not ev.source else f"{ev.kind} from {ev.source}"
        self.notify_user("warning", (
            f"An AI edit ({what}, {plural(ev.lines, 'line')} in {st.where[1]}) arrived during your no-AI block. "
            f"It is recorded; switch your AI tools off to keep the block clean."))

    def external_change(self, path: Path) -> int:
        """A file changed on disk while not open here: credit an agent's recorded edit; lines tagged."""
        found = self.credit.external_change(path)
        if found is None:
            return 0
        st, ev = found
        self._record(st, ev)
        self.recorder.snapshot(st.doc.uri, st)
        return ev.lines

    def set_override(self, uri: str, cls: OwnershipClass | None) -> Decision:
        path = uri_to_path(uri)
        if path is None:
            raise ValueError(f"only file: uris can be classified by hand, not {uri!r}")
        self.recorder.set_override(path, cls)
        st = self.documents.docs.get(uri)
        decision = self.documents.classify_path(path, uri, st.facts if st is not None else None)
        self.documents.set_decision(uri, decision)
        return decision

    # ------------------------------------------------------------ sessions
    def end_session(self, reason: str) -> SessionEnd | None:
        """End the current session and store prompts for the AI code kept in it."""
        s = self.sessions.end(reason)
        if s is None:
            return None
        self.recorder.session_ended(s)
        ended = self.prompts.end_of_session(s)
        self.flush()
        self.prompts.refresh_pending()
        log.info("session %s ended (%s): %s, %s, %s", s.id, reason, plural(len(s.files), "file"),
                 plural(len(s.events), "AI event"), plural(len(ended.prompts), "prompt"))
        return ended

    def set_prompt_choice(self, session_id: int, choice: str) -> None:
        self.recorder.set_prompt_choice(session_id, choice, self.documents.docs, self.sessions)

    def close_stale_sessions(self) -> int:
        return self.recorder.close_stale_sessions(self.sessions.current, self.settings.session.idle_minutes)

    def prompt_for_block(self, block: Block) -> Prompt:
        """A pending prompt for this block (an existing one if it covers the same AI code)."""
        if self.recorder.queue.prompts:
            self.flush()  # a prompt kept while the database was unavailable may cover this block
        return self.prompts.prompt_for_block(block, self.sessions.current.id if self.sessions.current else None)

    def shutdown(self) -> SessionEnd | None:
        ended = None
        try:
            ended = self.end_session("shutdown")
        except Exception:
            log.exception("could not end the session at shutdown")
        self.recorder.queue_snapshots(self.documents.docs)
        self.recorder.put("settings", self.settings.snapshot())
        self.flush()
        return ended

    # ----------------------------------------------- the units' own names
    # (kept on the engine for its callers: tests and the command line)
    @property
    def store(self) -> Store | None:
        return self.recorder.store

    @property
    def docs(self) -> dict[str, DocState]:
        return self.documents.docs

    @property
    def service(self) -> PromptService | None:
        return self.prompts.service

    @property
    def pending_total(self) -> int:
        return self.prompts.pending_total

    def refresh_pending(self) -> bool:
        return self.prompts.refresh_pending()

    def debt(self, uri: str) -> list[DebtBlock]:
        return self.prompts.debt(uri)

    def set_workspace_folders(self, roots: list[Path]) -> None:
        self.documents.set_workspace_folders(roots)
