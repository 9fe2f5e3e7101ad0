"""Scanning a workspace once: every file's facts and the repository's evidence.

Used by ``ownwise classify`` (a directory or many files) and by the server's background
scan of a workspace folder. Reading the files and the one ``git log`` run side by side (the
log in a thread: git is a separate process), so a 5,000-file repository takes seconds.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .evidence import Evidence
from .facts import SCAN_CHARS, TEMPLATE_SUFFIXES, FileFacts, file_facts, language_of
from .repo import MANIFEST_NAMES, History, RepoFacts, list_files, read_history

__all__ = ["WorkspaceScan", "read_text", "scan_workspace"]

#: files larger than this are not read for evidence (a data dump, an archive)
MAX_READ = 4 * 1024 * 1024


#: files that are not source code are read this far (a generated header, a tiny fixture's lines)
HEAD_BYTES = 8192


def read_text(path: Path, limit: int = SCAN_CHARS, max_bytes: int = MAX_READ) -> tuple[str, int] | None:
    """``(text, total_lines)``: the first *limit* characters of a text file and its line count.

    At most *max_bytes* are read; the line count is -1 when the file is longer than that (only
    a bound is known). None for a file that cannot be read or is binary (a NUL byte in its first
    8 KiB).
    """
    try:
        with open(path, "rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError:
        return None
    if b"\0" in data[:8192]:
        return None
    lines = data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)
    if len(data) > max_bytes:
        lines = -1  # bigger than we read: at least this many
    text = data[: limit * 4].decode("utf-8", "replace")[:limit]
    return text, lines


@dataclass
class WorkspaceScan:
    """Facts for every scanned file (by workspace-relative posix path) and the repository's."""

    root: Path
    facts: dict[str, FileFacts] = field(default_factory=dict)
    repo: RepoFacts | None = None
    binary: set[str] = field(default_factory=set)

    def evidence(self, rel: str) -> Evidence | None:
        """The evidence about the file at *rel* (None when it was not read: binary or unreadable)."""
        facts = self.facts.get(rel)
        if facts is None:
            return None
        repo = self.repo
        if repo is None:
            return Evidence(facts)
        return Evidence(facts, repo.place(rel), repo.fan_in(rel), repo.history_of(rel))


#: files besides source code whose whole text is evidence: templates, infrastructure code, notebooks
_READ_WHOLE = (*TEMPLATE_SUFFIXES, ".tf", ".hcl", ".ipynb")

#: from this many files on, a scan reads them in worker processes (one per core, at most 4)
PARALLEL_FROM = 400


def scan_workspace(root: Path, files: Iterable[Path] | None = None, *, history: bool = True,
                   workers: int | None = None) -> WorkspaceScan:
    """Read *files* (default: :func:`~.repo.list_files` of *root*) and the repository's evidence.

    *workers*: processes reading the files (default: one per core, at most 4, from
    :data:`PARALLEL_FROM` files on; 1 reads them here). The ``git log`` runs beside them.
    """
    root = Path(os.path.abspath(root))
    paths = list(files) if files is not None else list_files(root)
    pairs: list[tuple[str, Path]] = []
    for path in paths:
        try:
            pairs.append((path.relative_to(root).as_posix(), path))
        except ValueError:
            continue
    n = workers if workers is not None else (min(os.cpu_count() or 1, 4) if len(pairs) >= PARALLEL_FROM else 1)
    hist: History | None = None
    if n > 1:
        # the workers are forked before any thread of ours exists; git runs while they read
        try:
            parts = _in_processes([pairs[i::n] for i in range(n)], lambda: read_history(root) if history else None)
        except Exception:
            parts = None
        if parts is not None:
            parts, hist = parts
    if n <= 1 or parts is None:
        result: list[History | None] = [None]
        thread = None
        if history:
            thread = threading.Thread(target=lambda: result.__setitem__(0, read_history(root)), daemon=True)
            thread.start()
        parts = [_read_chunk(pairs)]
        if thread is not None:
            thread.join()
        hist = result[0]
    scan = WorkspaceScan(root)
    manifests: dict[str, str] = {}
    for facts, found_manifests, binary in parts:
        scan.facts.update(facts)
        manifests.update(found_manifests)
        scan.binary |= binary
    scan.facts = {rel: scan.facts[rel] for rel, _p in pairs if rel in scan.facts}  # the listing's order
    repo = RepoFacts.build([rel for rel, _p in pairs], manifests, hist)
    for rel, facts in scan.facts.items():
        if facts.imports:
            repo.graph.add(rel, facts.language, facts.imports)
    scan.repo = repo
    return scan


def _read_chunk(pairs: list[tuple[str, Path]]) -> tuple[dict[str, FileFacts], dict[str, str], set[str]]:
    facts: dict[str, FileFacts] = {}
    manifests: dict[str, str] = {}
    binary: set[str] = set()
    for rel, path in pairs:
        whole = language_of(rel) or path.name.lower().endswith(_READ_WHOLE)
        got = read_text(path) if whole else read_text(path, HEAD_BYTES, HEAD_BYTES)
        if got is None:
            binary.add(rel)
            continue
        text, lines = got
        if path.name in MANIFEST_NAMES:
            manifests[rel] = text
        f = file_facts(rel, text)
        if lines >= 0 and f.lines != lines:
            f = _with_lines(f, lines)
        facts[rel] = f
    return facts, manifests, binary


def _in_processes(chunks: list[list[tuple[str, Path]]], meanwhile):
    """Read the chunks in worker processes; run ``meanwhile()`` here while they do."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    method = "fork" if "fork" in multiprocessing.get_all_start_methods() and os.name == "posix" else "spawn"
    with ProcessPoolExecutor(max_workers=len(chunks), mp_context=multiprocessing.get_context(method)) as pool:
        futures = [pool.submit(_read_chunk, c) for c in chunks]
        other = meanwhile()
        return [f.result() for f in futures], other


def _with_lines(facts: FileFacts, lines: int) -> FileFacts:
    from dataclasses import replace

    return replace(facts, lines=lines)
