"""The engine: open documents, hints, classification and storage, wired together.

Pure Python (no pygls): the LSP layer turns protocol messages into calls here
and sends what comes back. Everything on the ``change`` path is in memory;
the database is written by :meth:`Engine.flush` (at least once a second).
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import pathspec

from .attribution import AIRange, Change, EditKind, HintBook, Thresholds, TrackedDocument
from .attribution.document import UTF16
from .ownership import (
    Classifier,
    ConfigError,
    Decision,
    OwnershipClass,
    load_workspace_rules,
    rules_from_settings,
)
from .settings import Settings
from .store import EditRecord, Snapshot, Store, StoreError, WriteQueue
from .store.models import SnapshotRange
from .store.repo import utcnow

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
        notify_user: UserNotifier | None = None,
    ) -> None:
        self.settings = settings or Settings()
        self.clock = clock
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
        self._secret_spec = self._compile_secrets()
        self.position_encoding = UTF16

    # ------------------------------------------------------------- storage
    def open_store(self) -> bool:
        """Open the database if it is not open; tell the user once if it fails."""
        if self.store is not None:
            return True
        try:
            self.store, notes = Store.open(self.db_path)
        except StoreError as exc:
            if self.store_error != str(exc):
                self.store_error = str(exc)
                log.error("%s", exc)
                self.notify_user("error", str(exc))
            return False
        for note in notes:
            log.warning("%s", note)
        if self.store_error:
            log.info("database available again: %s", self.db_path)
        self.store_error = None
        return True

    def flush(self) -> int:
        """Write queued events and snapshots; keep them queued on failure."""
        self._queue_snapshots()
        if not len(self.queue) or not self.open_store():
            return 0
        assert self.store is not None
        written = self.queue.flush(self.store, on_error=self._flush_error)
        if written and self._flush_failing:
            self._flush_failing = False
            log.info("database writes work again; %d queued items written", written)
        return written

    def _flush_error(self, exc: Exception) -> None:
        if not self._flush_failing:
            self._flush_failing = True
            msg = (f"ownwise could not write to its database ({exc}); "
                   f"{len(self.queue)} items stay queued in memory and are retried.")
            log.error("%s", msg)
            self.notify_user("warning", msg)
        else:
            log.debug("flush failed again: %s", exc)

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
                                         updated_at=utcnow()))
        st.snapshot_revision = st.doc.revision

    # ------------------------------------------------------------ settings
    def apply_settings(self, settings: Settings) -> list[str]:
        """Take new settings; return messages about bad ownership rules."""
        self.settings = settings
        self.hints.window = settings.attribution.hint_window_seconds
        self._secret_spec = self._compile_secrets()
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
    def open(self, uri: str, text: str, version: int | None, language_id: str = "") -> DocState:
        doc = TrackedDocument(uri, text, version=version, language_id=language_id,
                              encoding=self.position_encoding)
        path = uri_to_path(uri)
        st = DocState(doc, path, self.classify_path(path, uri))
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
        st = self.docs.pop(uri, None)
        self.hints.drop(uri)
        if st is not None and st.snapshot_revision != st.doc.revision:
            self._snapshot(uri, st)

    def hint(self, uri: str, kind: EditKind, source: str | None, version: int | None) -> None:
        self.hints.add(uri, kind, source, version)

    def change(self, uri: str, version: int | None, changes: list[Change]) -> DocState | None:
        st = self.docs.get(uri)
        if st is None:
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
        if result.event is not None:
            self._record(st, result.event)
        return st

    def _record(self, st: DocState, ev) -> None:
        workspace, rel = self.relpath(st.path, st.doc.uri)
        secret = self.is_secret(st.path)
        snippet = ev.text_sample if self.settings.store_snippets and not secret else None
        self.queue.add_edit(EditRecord(
            id=ev.id, ts=utcnow(), workspace=workspace, path=rel, uri=st.doc.uri,
            language_id=st.doc.language_id, ownership_class=st.decision.cls.value,
            kind=ev.kind, source=ev.source, ai=ev.ai, lines=ev.lines, chars=ev.chars,
            content_hash=ev.content_hash, snippet=snippet, doc_version=ev.version,
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
                    "pendingPrompts": 0}
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
            "pendingPrompts": 0,
        }

    def status_if_changed(self, uri: str) -> dict[str, Any] | None:
        st = self.docs.get(uri)
        if st is None:
            return None
        sca = self.settings.attribution.suspected_counts_as_ai
        status = {"uri": uri, "ownershipClass": st.decision.cls.value,
                  "aiLines": st.doc.ai_lines(sca), "pendingPrompts": 0}
        key = tuple(status.values())
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

    def shutdown(self) -> None:
        for uri in list(self.docs):
            st = self.docs[uri]
            if st.snapshot_revision != st.doc.revision:
                self._snapshot(uri, st)
        self.queue.put("settings", self.settings.snapshot())
        self.flush()


def _mtime(path: Path) -> float | None:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return None
