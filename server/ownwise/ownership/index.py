"""A workspace's repository evidence, kept by the server: built once, then refreshed incrementally.

The editor classifies a file when it is opened and when it is saved, from the file's own
text (:func:`~.facts.file_facts`, cheap: one file) and from what its repository says about it
(where it sits, who imports it, how often it changes): :class:`RepoIndex` holds the latter for
one workspace root.

- :func:`refresh` does the heavy part, in a worker thread: it lists the files, reads the
  imports of each source file **whose size or modification time changed** since the snapshot
  it is given, and reads git's history only when ``HEAD`` moved (only the new commits when the
  old ``HEAD`` is an ancestor, the whole last year otherwise, or once a week).
- The result, a :class:`Snapshot`, is plain data: the store keeps it as JSON with the commit it
  was read at, so the next start needs only the files that changed since.
- On save, :meth:`RepoIndex.update_file` replaces one file's imports: the fan-in of the files
  it imports moves at once, without a rescan.

Nothing here runs on a keystroke. Pure Python (stdlib; git through :mod:`.repo`).
"""

from __future__ import annotations

import logging
import os
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from .evidence import Evidence
from .facts import FileFacts, imports_of, language_of
from .repo import MANIFEST_NAMES, History, RepoFacts, git_head, list_files, read_history

__all__ = ["RepoIndex", "Snapshot", "refresh"]

log = logging.getLogger("ownwise.ownership")

#: history older than this is read again in full (the "last year" window slides)
HISTORY_MAX_AGE = 7 * 86400.0
#: above this many files, a workspace's imports are not read in the background (fan-in unknown)
MAX_FILES = 50_000
#: a snapshot keeps the text of these small files (the import graph needs module and crate names)
_MANIFEST_MAX = 64 * 1024


@dataclass
class Snapshot:
    """What a refresh found, as plain data (``to_json``/``from_json`` for the store)."""

    root: str
    files: dict[str, list] = field(default_factory=dict)  # rel -> [mtime_ns, size, [imports]]
    manifests: dict[str, str] = field(default_factory=dict)
    head: str | None = None  # the commit the history was read at
    history_read_at: float = 0.0  # time.time() of the last full read of the history
    commits: dict[str, int] = field(default_factory=dict)
    authors: dict[str, int] = field(default_factory=dict)
    stats: dict[str, int] = field(default_factory=dict)  # files read, reused, history mode (for the log)

    def to_json(self) -> dict:
        return {"version": 1, "root": self.root, "files": self.files, "manifests": self.manifests,
                "head": self.head, "historyReadAt": self.history_read_at, "commits": self.commits,
                "authors": self.authors}

    @classmethod
    def from_json(cls, data: object) -> Snapshot | None:
        """A snapshot from the store, or None when it is not one this version wrote."""
        if not isinstance(data, dict) or data.get("version") != 1:
            return None
        try:
            return cls(root=str(data["root"]), files=dict(data["files"]), manifests=dict(data["manifests"]),
                       head=data.get("head"), history_read_at=float(data.get("historyReadAt") or 0.0),
                       commits=dict(data.get("commits") or {}), authors=dict(data.get("authors") or {}))
        except (KeyError, TypeError, ValueError):
            return None


def refresh(root: Path, previous: Snapshot | None = None, *, now: float | None = None) -> Snapshot:
    """Bring *previous* (or nothing) up to date with the files and history of *root* (slow: a worker's job)."""
    root = Path(os.path.abspath(root))
    now = time.time() if now is None else now
    old = previous if previous is not None and previous.root == str(root) else None
    snap = Snapshot(root=str(root))
    read = reused = 0
    paths = list_files(root)
    if len(paths) > MAX_FILES:
        # a huge tree (a monorepo opened whole): places and history, but no import scan of it all
        log.info("workspace %s has %d files (over %d): its imports are not read, fan-in stays unknown",
                 root, len(paths), MAX_FILES)
    for path in paths:
        rel = path.relative_to(root).as_posix()
        try:
            st = path.stat()
        except OSError:
            continue
        cached = old.files.get(rel) if old is not None else None
        if old is not None and cached is not None and cached[0] == st.st_mtime_ns and cached[1] == st.st_size and (
                path.name not in MANIFEST_NAMES or rel in old.manifests):
            snap.files[rel] = cached
            if rel in old.manifests:
                snap.manifests[rel] = old.manifests[rel]
            reused += 1
            continue
        imports: list[str] = []
        if (language_of(rel) and len(paths) <= MAX_FILES) or path.name in MANIFEST_NAMES:
            text = _read(path)
            if text is not None:
                imports = list(imports_of(rel, text))
                if path.name in MANIFEST_NAMES and len(text) <= _MANIFEST_MAX:
                    snap.manifests[rel] = text
            read += 1
        snap.files[rel] = [st.st_mtime_ns, st.st_size, imports]
    mode = _refresh_history(root, old, snap, now)
    snap.stats = {"files": len(snap.files), "read": read, "reused": reused}
    log.info("workspace evidence for %s: %d files (%d read, %d unchanged), history %s",
             root, len(snap.files), read, reused, mode)
    return snap


def _refresh_history(root: Path, old: Snapshot | None, snap: Snapshot, now: float) -> str:
    head = git_head(root)
    if head is None:
        return "none (not a git repository)"
    if old is not None and old.head == head and now - old.history_read_at < HISTORY_MAX_AGE:
        snap.head, snap.history_read_at = old.head, old.history_read_at
        snap.commits, snap.authors = dict(old.commits), dict(old.authors)
        return "unchanged"
    if (old is not None and old.head and now - old.history_read_at < HISTORY_MAX_AGE
            and _is_ancestor(root, old.head, head)):
        added = read_history(root, since_commit=old.head)
        if added is not None:
            snap.head, snap.history_read_at = head, old.history_read_at
            snap.commits = dict(old.commits)
            for rel, n in added.commits.items():
                snap.commits[rel] = snap.commits.get(rel, 0) + n
            # authors are counted per read; an incremental read can only add (an upper bound)
            snap.authors = {rel: max(old.authors.get(rel, 0), added.authors.get(rel, 0))
                            for rel in set(old.authors) | set(added.authors)}
            return f"{sum(added.commits.values())} file changes in new commits"
    full = read_history(root)
    if full is None:
        return "unreadable"
    snap.head, snap.history_read_at, snap.commits, snap.authors = full.head, now, full.commits, full.authors
    return "read in full"


def _is_ancestor(root: Path, old: str, new: str) -> bool:
    try:
        done = subprocess.run(["git", "-C", str(root), "merge-base", "--is-ancestor", old, new],
                              capture_output=True, timeout=5, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


def _read(path: Path) -> str | None:
    from .scan import read_text

    got = read_text(path)
    return got[0] if got is not None else None


class RepoIndex:
    """The evidence a repository gives about its files, for one workspace root (in memory)."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        self.root = Path(snapshot.root)
        history = History(head=snapshot.head, commits=snapshot.commits, authors=snapshot.authors) \
            if snapshot.head is not None else None
        self.repo = RepoFacts.build(list(snapshot.files), snapshot.manifests, history)
        self._imports: dict[str, tuple[str, ...]] = {}
        for rel, rec in snapshot.files.items():
            imports = tuple(rec[2]) if len(rec) > 2 else ()
            if imports:
                self._imports[rel] = imports
                self.repo.graph.add(rel, language_of(rel), imports)

    def evidence(self, rel: str, facts: FileFacts) -> Evidence:
        return Evidence(facts, self.repo.place(rel), self.repo.fan_in(rel), self.repo.history_of(rel))

    def update_file(self, rel: str, facts: FileFacts) -> set[str]:
        """A file was saved: take its imports now; return the files whose fan-in changed."""
        new = facts.imports
        old = self._imports.get(rel, ())
        if new == old and rel in self.repo.graph.files:
            return set()
        graph = self.repo.graph
        graph.files.add(rel)
        before = {t for t, who in graph.importers.items() if rel in who}
        for who in graph.importers.values():
            who.discard(rel)
        graph.add(rel, facts.language, new)
        after = {t for t, who in graph.importers.items() if rel in who}
        self._imports[rel] = new
        rec = self.snapshot.files.get(rel)
        if rec is not None:
            self.snapshot.files[rel] = [rec[0], rec[1], list(new)]
        return before ^ after

    def importers_count(self) -> dict[str, int]:
        return {t: len(w) for t, w in self.repo.graph.importers.items()}
