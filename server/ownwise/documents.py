"""The open documents and their classification.

Each open document is mirrored once, by a :class:`TrackedDocument`, with the
ownership class of its file (the Ownership Matrix, with the workspace's
rules files polled by mtime, the user's per-file overrides, and evidence: the
document's own text, read when it is opened and saved, and its repository's,
from a :class:`~ownwise.ownership.index.RepoIndex` per workspace root built in
the background) and where it sits in its workspace. Nothing is classified on
a keystroke. Pure Python (no protocol, no storage: overrides are read through
the function it is given).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlparse

import pathspec

from .attribution import Thresholds, TrackedDocument
from .attribution.document import UTF16, split_lines
from .ownership import (
    Classifier,
    ConfigError,
    Decision,
    OwnershipClass,
    load_workspace_rules,
    rules_from_settings,
)
from .ownership.evidence import MODEL, Evidence, with_threshold
from .ownership.facts import FileFacts, file_facts
from .settings import Settings

if TYPE_CHECKING:  # the repository's evidence is imported when it arrives, not at start-up
    from .ownership.index import RepoIndex
    from .ownership.repo import Places

log = logging.getLogger("ownwise.documents")

#: Notify the user: (level "error"|"warning"|"info", message).
UserNotifier = Callable[[str, str], None]

_LANGUAGES = {".py": "python", ".ts": "typescript", ".js": "javascript", ".go": "go",
              ".rs": "rust", ".java": "java", ".lua": "lua"}


def uri_to_path(uri: str) -> Path | None:
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return None
    return Path(unquote(parsed.path))


@dataclass
class DocState:
    """One open document: its mirror, its file, its class and where it is in its workspace."""

    doc: TrackedDocument
    path: Path | None
    decision: Decision
    where: tuple[str | None, str] = (None, "")  # (workspace root, display path); see Documents.relpath
    snapshot_revision: int = -1  # the mirror's revision when its AI ranges were last queued for storage
    facts: FileFacts | None = None  # what its text says (read on open and on save, never per keystroke)


@dataclass
class ConfigWatch:
    files: list[Path]
    mtimes: dict[Path, float | None] = field(default_factory=dict)


class Documents:
    def __init__(self, settings: Settings, docs_dir: Callable[[], Path], *,
                 override_for: Callable[[Path], OwnershipClass | None] = lambda path: None,
                 notify_user: UserNotifier | None = None) -> None:
        self.settings = settings
        self.docs_dir = docs_dir  # where ownwise's own documents are written: not tracked as code
        self.override_for = override_for
        self.notify_user = notify_user or (lambda level, msg: None)
        self.docs: dict[str, DocState] = {}
        self.indexes: dict[Path, RepoIndex] = {}  # each workspace root's repository evidence
        self.internal: set[str] = set()  # open explanation and reflection documents
        self._read_since_tick: set[str] = set()  # documents read again after an AI edit since the last tick
        self._reread_at_tick: set[str] = set()  # ... and more AI edits landed in them since
        self.classifier = Classifier()
        self.roots: dict[Path, ConfigWatch] = {}
        self.position_encoding = UTF16
        self._reported_config: dict[str, str] = {}
        self._secret_spec = self._compile_secrets()

    # ------------------------------------------------------------ settings
    def apply_settings(self, settings: Settings) -> list[str]:
        """Take new settings; return messages about bad ownership rules."""
        self.settings = settings
        self._secret_spec = self._compile_secrets()
        rules, errors = rules_from_settings(settings.ownership.rules)
        self.classifier.set_settings_rules(rules)
        self.classifier.model = with_threshold(MODEL, settings.ownership.evidence.core_threshold)
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

    def reclassify(self, uris: set[str] | None = None) -> list[str]:
        """Classify the open documents (those of *uris*) again; return the ones whose class or reason changed."""
        changed = []
        for uri, st in self.docs.items():
            if uris is not None and uri not in uris:
                continue
            decision = self.classify_path(st.path, st.doc.uri, st.facts)
            if (decision.cls, decision.rule) != (st.decision.cls, st.decision.rule):
                changed.append(uri)
            st.decision = decision
            st.where = self.relpath(st.path, st.doc.uri)
        return changed

    def classify_path(self, path: Path | None, uri: str = "", facts: FileFacts | None = None) -> Decision:
        """The class of a file: rules first, then evidence (its *facts*, else its text read from disk)."""
        target = path if path is not None else Path(urlparse(uri).path or uri)
        override = self.override_for(path) if path is not None else None
        if override is not None:
            return self.classifier.classify(target, override=override)
        return self.classifier.classify(target, evidence=self.evidence(path, facts))

    def evidence(self, path: Path | None, facts: FileFacts | None = None) -> Evidence | None:
        """What the file and its repository say about it (None: nothing to read)."""
        if path is None:
            return None
        root, rel = self.relpath(path, "")
        if facts is None:
            facts = _facts_from_disk(path, rel)
            if facts is None:
                return None
        index = self.indexes.get(Path(root)) if root is not None else None
        if index is not None:
            return index.evidence(rel, facts)
        return Evidence(facts, _places().place(rel))

    # ------------------------------------------------ repository evidence
    def apply_index(self, root: Path, index: RepoIndex) -> list[str]:
        """A workspace's repository evidence arrived (or was refreshed): reclassify its open documents."""
        self.indexes[root] = index
        return self.reclassify({u for u, st in self.docs.items() if st.where[0] == str(root)})

    def reread(self, uri: str) -> bool:
        """Read an open document's text again and classify it (an AI edit just landed in it: the class it
        counts under is the one its text has now); True when the class or reason changed. O(document), so
        at most once per document between two ticks: a stream of AI edits (an agent, a chat response)
        marks it to be read at the next tick (``reread_marked``) instead."""
        st = self.docs.get(uri)
        if st is None or st.path is None:
            return False
        if uri in self._read_since_tick:
            self._reread_at_tick.add(uri)
            return False
        self._read_since_tick.add(uri)
        st.facts = file_facts(st.where[1], st.doc.text)
        return bool(self.reclassify({uri}))

    def reread_marked(self) -> list[str]:
        """Once a tick: read again the documents more AI edits landed in since their last reading; the ones
        whose class or reason changed."""
        marked, self._reread_at_tick, self._read_since_tick = self._reread_at_tick, set(), set()
        for uri in marked:
            st = self.docs.get(uri)
            if st is not None and st.path is not None:
                st.facts = file_facts(st.where[1], st.doc.text)
        return self.reclassify(marked) if marked else []

    def saved(self, uri: str) -> list[str]:
        """A document was saved: read its text again (facts, its imports for fan-in); return the open
        documents whose class or reason changed."""
        st = self.docs.get(uri)
        if st is None or st.path is None:
            return []
        st.facts = file_facts(st.where[1], st.doc.text)
        touched = {uri}
        root = st.where[0]
        index = self.indexes.get(Path(root)) if root is not None else None
        if index is not None:
            moved = index.update_file(st.where[1], st.facts)
            touched |= {u for u, other in self.docs.items() if other.where[0] == root and other.where[1] in moved}
        return self.reclassify(touched)

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
        return bool(self._secret_spec.match_file(path.name) or self._secret_spec.match_file(
            self.relpath(path, "")[1]))

    # ----------------------------------------------------------- documents
    def is_internal(self, uri: str) -> bool:
        """An explanation or reflection document: answers are read from it, its edits are not code."""
        path = uri_to_path(uri)
        if path is None or path.suffix != ".md":
            return False
        try:
            return path.resolve().parent == self.docs_dir().resolve()
        except OSError:
            return False

    def state_for(self, uri: str, text: str, version: int | None = None, language_id: str = "") -> DocState:
        """A mirror of ``text`` at ``uri``, classified (not registered as open)."""
        doc = TrackedDocument(uri, text, version=version, language_id=language_id,
                              encoding=self.position_encoding)
        path = uri_to_path(uri)
        where = self.relpath(path, uri)
        facts = file_facts(where[1], text) if path is not None else None
        return DocState(doc, path, self.classify_path(path, uri, facts), where=where, facts=facts)

    def open(self, uri: str, text: str, version: int | None, language_id: str = "") -> DocState | None:
        """Mirror an opened document; None for one of ownwise's own documents (not code)."""
        if self.is_internal(uri):
            self.internal.add(uri)
            return None
        st = self.docs[uri] = self.state_for(uri, text, version, language_id)
        return st

    def close(self, uri: str) -> DocState | None:
        self.internal.discard(uri)
        return self.docs.pop(uri, None)

    def set_decision(self, uri: str, decision: Decision) -> None:
        st = self.docs.get(uri)
        if st is not None:
            st.decision = decision

    def language(self, uri: str) -> str:
        st = self.docs.get(uri)
        if st is not None:
            return st.doc.language_id
        return _LANGUAGES.get(Path(uri).suffix, "")

    def current_lines(self, uri: str) -> Sequence[str] | None:
        """The file's lines now: the open mirror's, else read from disk (``[]``: the file is gone)."""
        st = self.docs.get(uri)
        if st is not None:
            return st.doc.lines
        path = uri_to_path(uri)
        try:
            return split_lines(path.read_text(encoding="utf-8", errors="surrogateescape")) if path else None
        except OSError:
            return []  # the file is gone: so is the code


@lru_cache(maxsize=1)
def _places() -> Places:
    """Where a file sits, by directory names only (before a workspace's file list is known)."""
    from .ownership.repo import Places

    return Places(())


def _facts_from_disk(path: Path, rel: str) -> FileFacts | None:
    """The facts of a file that is not open, read from disk (None: not a readable text file)."""
    from .ownership.scan import read_text

    got = read_text(path)
    if got is None:
        return None
    return file_facts(rel, got[0])


def _mtime(path: Path) -> float | None:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return None


__all__ = ["ConfigWatch", "DocState", "Documents", "uri_to_path"]
