"""The engine: open documents, hints, classification and storage, wired together.

Pure Python (no pygls): the LSP layer turns protocol messages into calls here
and sends what comes back. Everything on the ``change`` path is in memory;
the database is written by :meth:`Engine.flush` (at least once a second).
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlparse

import pathspec

from .attribution import SUSPECTED, AIRange, Change, EditKind, HintBook, Thresholds, TrackedDocument
from .attribution.document import UTF16, split_lines
from .ownership import (
    Classifier,
    ConfigError,
    Decision,
    OwnershipClass,
    load_workspace_rules,
    rules_from_settings,
)
from .prompts.blocks import Block, merge_blocks, prompt_kind, select
from .clock import Now, iso, parse_iso, utc_now
from .sessions import Session, SessionTracker, pid_alive
from .settings import Settings
from .store import EditRecord, Prompt, Snapshot, Store, StoreError, WriteQueue, default_db_path, what_to_do
from .store.models import SnapshotRange

if TYPE_CHECKING:
    from .focus.manager import FocusManager
    from .prompts.service import PromptService

log = logging.getLogger("ownwise.engine")

#: Notify the user: (level "error"|"warning"|"info", message).
UserNotifier = Callable[[str, str], None]


def uri_to_path(uri: str) -> Path | None:
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return None
    return Path(unquote(parsed.path))


@dataclass
class DocState:
    doc: TrackedDocument
    path: Path | None
    decision: Decision
    last_status: tuple | None = None
    snapshot_revision: int = -1
    diag_key: tuple | None = None  # what the last published diagnostics were computed from
    published: tuple | None = None  # the diagnostics last published
    where: tuple[str | None, str] = (None, "")  # (workspace root, display path); see Engine.relpath


@dataclass
class SessionEnd:
    """A session that just ended and the prompts it left."""

    session: Session
    prompts: list[Prompt]
    earlier: list[Prompt]  # prompts still pending from before


@dataclass(frozen=True)
class DebtBlock:
    """AI code in a core file that was never explained (or marked can't-explain)."""

    block: Block
    cannot_explain: bool


@dataclass
class ConfigWatch:
    files: list[Path]
    mtimes: dict[Path, float | None] = field(default_factory=dict)


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
        self.settings = settings or Settings()
        self.clock = clock
        self.wall = wall
        self.sessions = SessionTracker(wall, self.settings.session.idle_minutes)
        self._service: PromptService | None = None
        #: called when an edit starts a session (the server re-asks due explanations then)
        self.on_session_start: Callable[[Session], None] = lambda s: None
        self.internal: set[str] = set()  # open explanation documents: not tracked as code
        self.pending_total = 0
        self._explained: dict[str, tuple[set[str], set[str]]] = {}
        self._session_queued: tuple | None = None
        self.focus: FocusManager | None = None
        self.server_id = f"{socket.gethostname()}:{os.getpid()}:{int(time.time())}"
        self._minutes: dict[tuple[str, str], list] = {}  # (minute, class) -> [focus, lines, chars, ai, dirty]
        self._minute_stamp, self._minute_iso = -1, ""
        self.notify_user = notify_user or (lambda level, msg: None)
        self.db_path = db_path
        self.store = store
        self.store_error: str | None = None
        self.queue = WriteQueue()
        self.docs: dict[str, DocState] = {}
        self.hints = HintBook(clock, self.settings.attribution.hint_window_seconds)
        self.classifier = Classifier()
        self.roots: dict[Path, ConfigWatch] = {}
        self._reported_config: dict[str, str] = {}
        self._flush_failing = False
        self._agents_pruned: datetime | None = None  # when agent snapshots were last pruned
        self._secret_spec = self._compile_secrets()
        self.position_encoding = UTF16

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
        from .focus.manager import FocusManager

        self.focus = FocusManager(self.store, self.wall)
        self.refresh_pending()
        if self.store_error:
            log.info("database available again: %s", self.db_path)
        self.store_error = None
        return True

    @property
    def service(self) -> PromptService | None:
        """The prompt service, once the database is open (imported on first use: start-up)."""
        if self._service is None and self.store is not None:
            from .prompts.service import PromptService

            self._service = PromptService(self.store, self.docs_dir(), self.wall, self.settings.prompts)
        return self._service

    def docs_dir(self) -> Path:
        """Where explanation documents are written: beside the database."""
        return (self.db_path or default_db_path()).expanduser().parent / "explanations"

    def flush(self) -> int:
        """Write queued events, snapshots and the session; keep them queued on failure."""
        self._queue_snapshots()
        self._queue_session()
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
        ones after a week): agent edits are matched only within 24 h (:meth:`agent_edit`).
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
                   f"{len(self.queue)} items stay queued in memory and are retried."
                   + (f" {todo}." if todo else ""))
            log.error("%s", msg)
            self.notify_user("warning", msg)
        else:
            log.debug("flush failed again: %s", exc)

    def _queue_session(self) -> None:
        s = self.sessions.current
        if s is None:
            return
        key = (s.id, s.last_activity, s.human_chars, len(s.events))
        if key != self._session_queued:
            self.queue.add_session(s.record())
            self._session_queued = key

    def _queue_snapshots(self) -> None:
        for uri, st in self.docs.items():
            if st.snapshot_revision != st.doc.revision:
                self._snapshot(uri, st)

    def _snapshot(self, uri: str, st: DocState) -> None:
        ranges = [
            SnapshotRange(start_line=r.start_line, end_line=r.end_line, kind=r.kind,
                          source=r.source, human_modified=r.human_modified, event=r.event)
            for r in st.doc.ranges()
        ]
        self.queue.add_snapshot(Snapshot(uri=uri, text_hash=st.doc.text_hash(), ranges=ranges,
                                         updated_at=iso(self.wall())))
        st.snapshot_revision = st.doc.revision

    # ------------------------------------------------------------ settings
    def apply_settings(self, settings: Settings) -> list[str]:
        """Take new settings; return messages about bad ownership rules."""
        self.settings = settings
        self.hints.window = settings.attribution.hint_window_seconds
        self._secret_spec = self._compile_secrets()
        self.sessions.idle_minutes = settings.session.idle_minutes
        if self._service is not None:
            self._service.settings = settings.prompts
        for st in self.docs.values():
            st.diag_key = None
        rules, errors = rules_from_settings(settings.ownership.rules)
        self.classifier.set_settings_rules(rules)
        self.reclassify()
        return errors

    def _compile_secrets(self) -> pathspec.PathSpec:
        return pathspec.GitIgnoreSpec.from_lines(self.settings.secret_patterns)

    def thresholds(self) -> Thresholds:
        a = self.settings.attribution
        return Thresholds(a.suspected_min_lines, a.suspected_min_chars, a.suspected_counts_as_ai)

    # ----------------------------------------------------------- workspace
    def set_workspace_folders(self, roots: list[Path]) -> None:
        for root in list(self.roots):
            if root not in roots:
                self.classifier.remove_workspace(root)
                del self.roots[root]
        for root in roots:
            if root not in self.roots:
                self.roots[root] = ConfigWatch(files=[])
                self.load_config(root)
        self.reclassify()

    def load_config(self, root: Path) -> list[ConfigError]:
        rules, errors, files = load_workspace_rules(root)
        self.classifier.set_workspace_rules(root, rules)
        watch = self.roots.setdefault(root, ConfigWatch(files=[]))
        watch.files = [root / ".ownwise.toml", root / "pyproject.toml"]
        watch.mtimes = {f: _mtime(f) for f in watch.files}
        for f in {str(e.file) for e in errors} | {str(p) for p in files}:
            text = "\n".join(str(e) for e in errors if str(e.file) == f)
            if not text:
                self._reported_config.pop(f, None)
                continue
            log.error("ownership config: %s", text)
            if self._reported_config.get(f) != text:
                self._reported_config[f] = text
                self.notify_user(
                    "error",
                    f"ownwise: {text}. Rules from this file are ignored until it is fixed.",
                )
        return errors

    def poll_config(self) -> bool:
        """Re-read config files that changed on disk; True if any did."""
        changed = False
        for root, watch in list(self.roots.items()):
            if any(_mtime(f) != watch.mtimes.get(f) for f in watch.files):
                log.info("ownership config changed under %s; re-reading", root)
                self.load_config(root)
                changed = True
        if changed:
            self.reclassify()
        return changed

    def reclassify(self) -> None:
        for st in self.docs.values():
            st.decision = self.classify_path(st.path, st.doc.uri)
            st.where = self.relpath(st.path, st.doc.uri)

    def classify_path(self, path: Path | None, uri: str = "") -> Decision:
        target = path if path is not None else Path(urlparse(uri).path or uri)
        override = None
        if path is not None and self.store is not None:
            try:
                value = self.store.override_for(str(path))
                override = OwnershipClass(value) if value else None
            except Exception as exc:  # noqa: BLE001 - a bad db must not stop classification
                log.warning("could not read ownership override for %s: %s", path, exc)
        return self.classifier.classify(target, override=override)

    def relpath(self, path: Path | None, uri: str) -> tuple[str | None, str]:
        if path is None:
            return None, uri
        root = self.classifier.workspace_root_for(path)
        if root is None:
            return None, str(path)
        return str(root), path.relative_to(root).as_posix()

    def is_secret(self, path: Path | None) -> bool:
        if path is None:
            return False
        return self._secret_spec.match_file(path.name) or self._secret_spec.match_file(
            self.relpath(path, "")[1]
        )

    # ----------------------------------------------------------- documents
    def is_internal(self, uri: str) -> bool:
        """An explanation document: answers are read from it, its edits are not code."""
        path = uri_to_path(uri)
        if path is None or path.suffix != ".md":
            return False
        try:
            return path.resolve().parent == self.docs_dir().resolve()
        except OSError:
            return False

    def open(self, uri: str, text: str, version: int | None, language_id: str = "") -> DocState | None:
        if self.is_internal(uri):
            self.internal.add(uri)
            return None
        doc = TrackedDocument(uri, text, version=version, language_id=language_id,
                              encoding=self.position_encoding)
        path = uri_to_path(uri)
        st = DocState(doc, path, self.classify_path(path, uri), where=self.relpath(path, uri))
        self.docs[uri] = st
        snap = None
        if self.store is not None:
            try:
                snap = self.store.snapshot(uri)
            except Exception as exc:  # noqa: BLE001
                log.warning("could not read saved attribution for %s: %s", uri, exc)
        snap = self.queue.snapshots.get(uri, snap)
        if snap is not None and snap.ranges and snap.text_hash == doc.text_hash():
            doc.restore_ranges([
                AIRange(r.start_line, r.end_line, r.kind, r.source, r.human_modified, r.event)
                for r in snap.ranges
            ])
            log.info("restored %d AI ranges for %s", len(snap.ranges), uri)
        st.snapshot_revision = doc.revision
        return st

    def close(self, uri: str) -> None:
        self.internal.discard(uri)
        st = self.docs.pop(uri, None)
        self.hints.drop(uri)
        self._explained.pop(uri, None)
        if st is None:
            return
        if st.snapshot_revision != st.doc.revision:
            self._snapshot(uri, st)
        s = self.sessions.current
        if s is not None and s.events:
            # keep this session's AI code of a closed file: it is asked about at session end
            blocks = self._blocks(uri, st, s.events)
            if blocks:
                s.closed_blocks[uri] = blocks
            else:
                s.closed_blocks.pop(uri, None)

    def hint(self, uri: str, kind: EditKind, source: str | None, version: int | None) -> None:
        self.hints.add(uri, kind, source, version)

    def change(self, uri: str, version: int | None, changes: list[Change]) -> DocState | None:
        st = self.docs.get(uri)
        if st is None:
            if uri not in self.internal:
                log.warning("didChange for %s, which is not open; ignored", uri)
            return None
        if version is not None and st.doc.version is not None and version <= st.doc.version:
            log.warning("didChange for %s went from version %s back to %s; applied anyway",
                        uri, st.doc.version, version)
        pending = self.hints.take(uri, version)
        kind = pending.kind if pending else None
        source = pending.source if pending else None
        result = st.doc.apply(changes, kind, source, version=version, thresholds=self.thresholds())
        for w in result.warnings:
            log.warning("%s (version %s): %s", uri, version, w)
        ev = result.event
        if kind is EditKind.EXTERNAL_RELOAD and ev is None:
            # the file changed on disk: an agent's hook may have recorded exactly this edit
            found = self.agent_edit(st.path, st.doc.text)
            if found is not None:
                ev = st.doc.tag_lines(found[1], EditKind.AGENT_EDIT.value, found[0], version)
        workspace, rel = st.where
        started = self.sessions.activity(
            workspace=workspace, path=rel, human_lines=result.human_lines, human_chars=result.human_chars,
            ai_event=ev.id if ev is not None else None,
            ai_kind=ev.kind if ev is not None else None, ai_lines=ev.lines if ev is not None else 0,
            ownership_class=st.decision.cls.value if ev is not None and ev.ai else "",
        )
        if ev is not None:
            self._record(st, ev)
        self._count_minute(st, result.human_lines, result.human_chars, ev.lines if ev is not None and ev.ai else 0)
        if ev is not None and self.focus is not None and self.focus.active is not None:
            self._violation(st, ev)
        if started and self.sessions.current is not None:
            self.on_session_start(self.sessions.current)
        return st

    def _count_minute(self, st: DocState, human_lines: int, human_chars: int, ai_lines: int) -> None:
        now = self.wall()
        stamp = int(now.timestamp()) // 60
        if stamp != self._minute_stamp:  # format the minute once, not on every keystroke
            self._minute_stamp, self._minute_iso = stamp, iso(now.replace(second=0, microsecond=0))
        key = (self._minute_iso, st.decision.cls.value)
        row = self._minutes.get(key)
        if row is None:
            active = self.focus.active if self.focus is not None else None
            row = self._minutes[key] = [active.id if active else None, 0, 0, 0, True]
        row[1] += human_lines
        row[2] += human_chars
        row[3] += ai_lines
        row[4] = True  # changed since queued

    def _queue_minutes(self) -> None:
        from .store import ActivityMinute

        current = iso(self.wall().replace(second=0, microsecond=0))
        for (minute, cls), row in list(self._minutes.items()):
            if row[4]:
                self.queue.add_activity(ActivityMinute(
                    minute=minute, ownership_class=cls, server=self.server_id, focus_id=row[0],
                    human_lines=row[1], human_chars=row[2], ai_lines=row[3]))
                row[4] = False
            if minute < current:
                del self._minutes[(minute, cls)]

    def _violation(self, st: DocState, ev) -> None:
        """An AI edit (or a suspected insert) during a no-AI block: recorded; the user told once."""
        from .store import FocusViolation

        assert self.focus is not None and self.focus.active is not None
        block = self.focus.active
        suspected = ev.kind == SUSPECTED
        self.queue.add_violation(FocusViolation(
            block_id=block.id, ts=iso(self.wall()), kind=ev.kind, source=ev.source, lines=ev.lines,
            path=st.where[1], suspected=suspected))
        if suspected or block.notified:
            return
        try:
            self.focus.mark_notified()
        except Exception as exc:  # noqa: BLE001
            log.warning("could not store that the focus block's user was told: %s", exc)
        what = ev.kind if not ev.source else f"{ev.kind} from {ev.source}"
        self.notify_user("warning", (
            f"An AI edit ({what}, {ev.lines} lines in {st.where[1]}) arrived during your no-AI block. "
            f"It is recorded; switch your AI tools off to keep the block clean."))

    def _record(self, st: DocState, ev) -> None:
        workspace, rel = st.where
        secret = self.is_secret(st.path)
        snippet = ev.text_sample if self.settings.store_snippets and not secret else None
        self.queue.add_edit(EditRecord(
            id=ev.id, ts=iso(self.wall()), workspace=workspace, path=rel, uri=st.doc.uri,
            language_id=st.doc.language_id, ownership_class=st.decision.cls.value,
            kind=ev.kind, source=ev.source, ai=ev.ai, lines=ev.lines, chars=ev.chars,
            content_hash=ev.content_hash, snippet=snippet, doc_version=ev.version,
            session_id=self.sessions.current.id if self.sessions.current else None,
        ))

    # ------------------------------------------------------------ requests
    def file_info(self, uri: str) -> dict[str, Any]:
        st = self.docs.get(uri)
        sca = self.settings.attribution.suspected_counts_as_ai
        if st is None:
            path = uri_to_path(uri)
            d = self.classify_path(path, uri)
            return {"ownershipClass": d.cls.value, "rule": d.rule, "open": False, "aiLines": 0,
                    "humanModifiedLines": 0, "suspectedLines": 0, "aiRanges": [],
                    "pendingPrompts": self.pending_for(uri), "pendingPromptsTotal": self.pending_total,
                    "unexplainedBlocks": []}
        doc = st.doc
        return {
            "ownershipClass": st.decision.cls.value,
            "rule": st.decision.rule,
            "open": True,
            "aiLines": doc.ai_lines(sca),
            "humanModifiedLines": doc.human_modified_lines(sca),
            "suspectedLines": doc.suspected_lines(),
            "aiRanges": [
                {"startLine": r.start_line, "endLine": r.end_line, "kind": r.kind,
                 "source": r.source, "humanModified": r.human_modified}
                for r in doc.ranges()
            ],
            "pendingPrompts": self.pending_for(uri),
            "pendingPromptsTotal": self.pending_total,
            "unexplainedBlocks": [
                {"startLine": d.block.start_line, "endLine": d.block.end_line,
                 "cannotExplain": d.cannot_explain} for d in self.debt(uri)],
        }

    def status_if_changed(self, uri: str) -> dict[str, Any] | None:
        st = self.docs.get(uri)
        if st is None:
            return None
        sca = self.settings.attribution.suspected_counts_as_ai
        focus = self.focus.active if self.focus is not None else None
        status = {"uri": uri, "ownershipClass": st.decision.cls.value,
                  "aiLines": st.doc.ai_lines(sca), "pendingPrompts": self.pending_total,
                  "session": self.sessions.current is not None,
                  "focus": {"active": focus is not None,
                            "remainingSeconds": self.focus.remaining_seconds() if focus else None}}
        key = tuple(status.values())[:-1] + (focus.id if focus else None,)
        if key == st.last_status:
            return None
        st.last_status = key
        return status

    def set_override(self, uri: str, cls: OwnershipClass | None) -> Decision:
        path = uri_to_path(uri)
        if path is None:
            raise ValueError(f"only file: uris can be classified by hand, not {uri!r}")
        if not self.open_store() or self.store is None:
            raise RuntimeError(self.store_error or "the database is not available")
        self.store.set_override(str(path), cls.value if cls else None)
        decision = self.classify_path(path, uri)
        st = self.docs.get(uri)
        if st is not None:
            st.decision = decision
        return decision

    # ------------------------------------------------------ agents on disk
    def agent_edit(self, path: Path | None, text: str) -> tuple[str, list[int]] | None:
        """(agent, lines it wrote) when an agent's hooks recorded an edit that left exactly ``text``."""
        if path is None or not self.open_store() or self.store is None:
            return None
        from datetime import timedelta

        from .hooks.match import changed_lines
        from .store.fast import content_hash, line_hash, split

        try:
            since = iso(self.wall() - timedelta(hours=24))
            after = self.store.agent_after(str(path), content_hash(text), since)
            if after is None:
                return None
            before = self.store.agent_before(after)
            if before is None:
                log.info("%s was written by %s, but its hook recorded no state before the edit: "
                         "unattributed", path, after.agent)
                return None
            # several edits before anyone looked: follow the chain back (each before-state is the
            # previous edit's result) and diff the first before-state with the last result
            used = [after.id, before.id]
            for _ in range(100):
                if not before.exists or before.content_hash is None:
                    break
                prev = self.store.agent_post_with(str(path), before.content_hash, before)
                if prev is None or prev.agent != after.agent:
                    break
                earlier = self.store.agent_before(prev)
                if earlier is None:
                    break
                used += [prev.id, earlier.id]
                before = earlier
            self.store.mark_agent_used(used, iso(self.wall()))
        except Exception as exc:  # noqa: BLE001 - attribution must not break editing
            log.warning("could not read agent snapshots for %s: %s", path, exc)
            return None
        post = after.line_hashes or [line_hash(x) for x in split(text)]
        pre = before.line_hashes if before.exists else None
        if before.exists and pre is None:
            return None  # binary or huge: no line diff
        return after.agent, changed_lines(pre, post)

    def external_change(self, path: Path) -> int:
        """A file changed on disk while not open here: credit an agent's recorded edit; lines tagged."""
        uri = path.as_uri()
        if uri in self.docs:
            return 0  # the editor reloads the open buffer (externalReload) and that change is matched
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return 0
        found = self.agent_edit(path, text)
        if found is None:
            log.info("%s changed outside the editor with no agent hook record: unattributed", path)
            return 0
        agent, lines = found
        doc = TrackedDocument(uri, text, encoding=self.position_encoding)
        st = DocState(doc, path, self.classify_path(path, uri), where=self.relpath(path, uri))
        self._carry_ranges(st, uri)
        ev = doc.tag_lines(lines, EditKind.AGENT_EDIT.value, agent)
        if ev is None:
            return 0
        self._record(st, ev)
        self._snapshot(uri, st)
        return ev.lines

    def _carry_ranges(self, st: DocState, uri: str) -> None:
        """Keep the AI ranges the file had before the agent's edit (mapped through the line diff)."""
        from difflib import SequenceMatcher

        from .store.fast import line_hash

        snap = self.queue.snapshots.get(uri)
        if snap is None and self.store is not None:
            try:
                snap = self.store.snapshot(uri)
            except Exception:  # noqa: BLE001
                snap = None
        if snap is None or not snap.ranges:
            return
        after_hashes = [line_hash(x) for x in st.doc.lines]
        old_len = max(r.end_line for r in snap.ranges) + 1
        old_tags: list = [None] * old_len
        for r in snap.ranges:
            for i in range(r.start_line, r.end_line + 1):
                old_tags[i] = r
        # the old text is gone; its line hashes are the pre-edit snapshot's, when they match
        pre = self._pre_hashes_for(st.path, snap.text_hash)
        if pre is None:
            return
        mapped: list[AIRange] = []
        for tag, i1, i2, j1, _j2 in SequenceMatcher(None, pre, after_hashes, autojunk=False).get_opcodes():
            if tag != "equal":
                continue
            for k in range(i2 - i1):
                r = old_tags[i1 + k] if i1 + k < old_len else None
                if r is not None:
                    mapped.append(AIRange(j1 + k, j1 + k, r.kind, r.source, r.human_modified, r.event))
        st.doc.restore_ranges(mapped)

    def _pre_hashes_for(self, path: Path | None, text_hash: str) -> list[str] | None:
        if path is None or self.store is None:
            return None
        snap = self.store.agent_pre_with(str(path), text_hash)
        return snap.line_hashes if snap else None

    # ---------------------------------------------------- sessions, prompts
    def _blocks(self, uri: str, st: DocState, events: set[str] | None) -> list[Block]:
        _, rel = st.where
        return merge_blocks(uri, rel, st.decision.cls.value, st.doc.ranges(), st.doc.lines,
                            events=events, include_suspected=self.settings.attribution.suspected_counts_as_ai)

    def refresh_pending(self) -> bool:
        """Re-read the pending prompt count (the CLI may answer too); True if it changed."""
        if self.store is None:
            return False
        try:
            n = self.store.pending_count()
        except Exception as exc:  # noqa: BLE001
            log.warning("could not count pending prompts: %s", exc)
            return False
        changed = n != self.pending_total
        self.pending_total = n
        if changed:
            self._explained.clear()
            for st in self.docs.values():
                st.diag_key = None
        return changed

    def end_session(self, reason: str) -> SessionEnd | None:
        """End the current session and store prompts for the AI code kept in it."""
        s = self.sessions.end(reason)
        if s is None:
            return None
        blocks: list[Block] = []
        for uri, st in self.docs.items():
            blocks += self._blocks(uri, st, s.events)
        for uri, closed in s.closed_blocks.items():
            if uri not in self.docs:
                blocks += closed
        # prompts keep the block's code: never for files that match secretPatterns
        blocks = [b for b in blocks if not self.is_secret(uri_to_path(b.uri))]
        p = self.settings.prompts
        chosen = select(blocks, p.policy.model_dump(), min_lines=p.min_lines, max_count=p.max_per_session)
        prompts: list[Prompt] = []
        earlier: list[Prompt] = []
        self.queue.add_session(s.record())
        self._session_queued = None
        entries = [(b, self.relpath(uri_to_path(b.uri), b.uri)[0], self._language(b.uri)) for b in chosen]
        if self.open_store() and self.service is not None:
            try:
                earlier = [q for q in self.service.pending() if q.kind != "review"]
                prompts = self.service.create(s.id, entries)
            except Exception as exc:  # noqa: BLE001 - the session is still stored below
                log.error("could not store the prompts of session %s: %s", s.id, exc)
                self.notify_user("error", f"ownwise could not store this session's explain prompts: {exc}")
        elif entries:
            # no database: the prompts wait in the write queue (ids fixed now, so stored once)
            # and are written, pending and not yet offered, by the first flush once it opens
            from .prompts.service import make_prompts

            held = make_prompts(s.id, entries, self.settings.prompts, self.wall())
            self.queue.add_prompts(held)
            log.warning("session %s: the database is unavailable; %d prompts kept in memory until it opens",
                        s.id, len(held))
        self.flush()
        self.refresh_pending()
        log.info("session %s ended (%s): %d files, %d AI events, %d prompts",
                 s.id, reason, len(s.files), len(s.events), len(prompts))
        return SessionEnd(s, prompts, earlier)

    def _language(self, uri: str) -> str:
        st = self.docs.get(uri)
        if st is not None:
            return st.doc.language_id
        return {".py": "python", ".ts": "typescript", ".js": "javascript", ".go": "go",
                ".rs": "rust", ".java": "java", ".lua": "lua"}.get(Path(uri).suffix, "")

    def set_prompt_choice(self, session_id: int, choice: str) -> None:
        """Store what the user chose when the session's prompts were offered."""
        queued = self.queue.sessions.get(session_id)
        if queued is not None:
            self.queue.sessions[session_id] = queued.model_copy(update={"prompt_choice": choice})
            self.flush()
            return
        if self.open_store() and self.store is not None:
            try:
                self.store.set_session_choice(session_id, choice)
            except Exception as exc:  # noqa: BLE001
                log.warning("could not store the prompt choice of session %s: %s", session_id, exc)

    def close_stale_sessions(self) -> int:
        """Sessions left open by a crashed server: end them at their last edit, as interrupted."""
        if not self.open_store() or self.store is None:
            return 0
        import socket

        host = socket.gethostname()
        idle = self.settings.session.idle_minutes
        closed = []
        for rec in self.store.sessions(open_only=True):
            if self.sessions.current is not None and rec.id == self.sessions.current.id:
                continue
            alive = rec.host == host and rec.pid is not None and pid_alive(rec.pid)
            stale = (self.wall() - parse_iso(rec.last_activity)).total_seconds() > idle * 60
            if alive and not stale:
                continue
            closed.append(rec.model_copy(update={"ended_at": rec.last_activity, "end_reason": "interrupted"}))
        if closed:
            self.store.save_sessions(closed)
            log.info("closed %d session(s) left open by a crashed server", len(closed))
        return len(closed)

    def reask_due(self) -> Prompt | None:
        """At a session start: turn the first due explanation into a re-ask prompt."""
        if self.service is None:
            return None
        policy = self.settings.prompts.policy.model_dump()
        for card, original in self.service.due():
            lines = self._current_lines(original.uri)
            made = self.service.reask(card, original, lines,
                                      kind_for_changed=prompt_kind(original.ownership_class, policy))
            if made is not None:
                self.refresh_pending()
                return made
        return None

    def _current_lines(self, uri: str) -> Sequence[str] | None:
        st = self.docs.get(uri)
        if st is not None:
            return st.doc.lines
        path = uri_to_path(uri)
        try:
            return split_lines(path.read_text(encoding="utf-8", errors="surrogateescape")) if path else None
        except OSError:
            return []  # the file is gone: so is the code

    def explained(self, uri: str) -> tuple[set[str], set[str]]:
        hit = self._explained.get(uri)
        if hit is None:
            hit = (set(), set())
            if self.store is not None:
                try:
                    hit = self.store.explained_events(uri)
                except Exception as exc:  # noqa: BLE001
                    log.warning("could not read explanations for %s: %s", uri, exc)
            self._explained[uri] = hit
        return hit

    def invalidate_explained(self, uri: str | None = None) -> None:
        if uri is None:
            self._explained.clear()
        else:
            self._explained.pop(uri, None)
        for u, st in self.docs.items():
            if uri is None or u == uri:
                st.diag_key = None

    def debt(self, uri: str) -> list[DebtBlock]:
        """Unexplained (or can't-explain) AI blocks of a core file, for diagnostics."""
        st = self.docs.get(uri)
        if st is None or st.decision.cls is not OwnershipClass.CORE or self.is_secret(st.path):
            return []
        done, cannot = self.explained(uri)
        out = []
        for b in self._blocks(uri, st, None):
            if b.lines < self.settings.prompts.min_lines or b.events <= done:
                continue
            out.append(DebtBlock(b, bool(b.events & cannot)))
        return out

    def diagnostics_due(self, uri: str) -> bool:
        """True when this document's diagnostics may have changed since last published."""
        st = self.docs.get(uri)
        if st is None:
            return False
        key = (st.doc.revision, st.decision.cls, self.settings.prompts.diagnostics)
        if key == st.diag_key:
            return False
        st.diag_key = key
        return True

    def block_at(self, uri: str, start: int, end: int) -> Block | None:
        st = self.docs.get(uri)
        if st is None or self.is_secret(st.path):
            return None
        for b in self._blocks(uri, st, None):
            if b.start_line <= end and start <= b.end_line:
                return b
        return None

    def prompt_for_block(self, block: Block) -> Prompt:
        """A pending prompt for this block (an existing one if it covers the same AI code)."""
        assert self.service is not None
        if self.queue.prompts:
            self.flush()  # a prompt kept while the database was unavailable may cover this block
        for p in self.service.pending():
            if p.uri == block.uri and p.kind != "review" and set(p.events) & block.events:
                return p
        cls = block.ownership_class
        kind = prompt_kind(cls, self.settings.prompts.policy.model_dump()) or "explain"
        made = self.service.create(
            self.sessions.current.id if self.sessions.current else None,
            [(block, self.relpath(uri_to_path(block.uri), block.uri)[0], self._language(block.uri))],
            kind_for=lambda b: kind)
        self.refresh_pending()
        return made[0]

    def pending_for(self, uri: str) -> int:
        # the store, not self.service: that would import the prompt service on the first fileInfo
        if self.store is None or not self.pending_total:
            return 0
        try:
            return self.store.pending_count(uri) if self.store else 0
        except Exception:  # noqa: BLE001
            return 0

    def shutdown(self) -> SessionEnd | None:
        ended = None
        try:
            ended = self.end_session("shutdown")
        except Exception:  # noqa: BLE001 - still flush what is queued
            log.exception("could not end the session at shutdown")
        for uri in list(self.docs):
            st = self.docs[uri]
            if st.snapshot_revision != st.doc.revision:
                self._snapshot(uri, st)
        self.queue.put("settings", self.settings.snapshot())
        self.flush()
        return ended


_DAY = 86400.0  # seconds between two prunes of agent snapshots


def _mtime(path: Path) -> float | None:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return None
