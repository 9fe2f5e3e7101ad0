"""Classifying many paths at once, as ``ownwise classify`` does.

Arguments are files and directories (a directory means its files: the git-tracked ones in a
git work tree, otherwise all files minus ``.gitignore``d ones). Paths are grouped by workspace
root (:func:`~.config.find_workspace_root`); each root's rules are read once and its files are
scanned once (:func:`~.scan.scan_workspace`), so the evidence that needs the whole repository
(who imports a file, its history) is there for every file.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from .config import find_workspace_root, load_workspace_rules
from .rules import Classifier, ConfigError, Decision, OwnershipClass
from .scan import WorkspaceScan, scan_workspace

__all__ = ["Item", "MissingPaths", "classify_paths", "expand"]


@dataclass(frozen=True)
class Item:
    """One classified file: as it is shown (the argument, or the directory joined with its file)."""

    shown: str
    path: Path
    decision: Decision


class MissingPaths(Exception):
    """Some arguments name nothing on disk."""

    def __init__(self, missing: list[str]) -> None:
        super().__init__(", ".join(missing))
        self.missing = missing


#: directories listed by :func:`expand`, so that a scan of the same directory does not list it again
_LISTED: dict[Path, list[Path]] = {}


def expand(args: Iterable[str]) -> list[tuple[str, Path]]:
    """``(shown, absolute path)`` for every file the arguments name; :class:`MissingPaths` if any is missing."""
    from .repo import list_relpaths

    out: list[tuple[str, Path]] = []
    missing: list[str] = []
    for raw in args:
        path = Path(os.path.abspath(Path(raw).expanduser()))
        if path.is_dir():
            base = str(path)
            listed = []
            for rel in list_relpaths(path):
                f = Path(base, rel)
                listed.append(f)
                out.append((os.path.join(raw, rel), f))
            _LISTED[path] = listed
        elif path.exists():
            out.append((raw, path))
        else:
            missing.append(raw)
    if missing:
        raise MissingPaths(missing)
    return out


def classify_paths(
    files: list[tuple[str, Path]],
    *,
    overrides: dict[str, str] | None = None,
    on_config_error: Callable[[ConfigError], None] = lambda e: None,
    classifier: Classifier | None = None,
) -> list[Item]:
    """Classify *files* (from :func:`expand`), in their order."""
    classifier = classifier or Classifier()
    overrides = overrides or {}
    roots: dict[Path, Path | None] = {}  # directory -> its workspace root (walking up once per directory)
    markers: dict[str, tuple[bool, bool, bool]] = {}  # what each directory holds, for find_workspace_root
    by_root: dict[Path | None, list[Path]] = {}
    for _shown, path in files:
        d = path.parent
        if d not in roots:
            roots[d] = find_workspace_root(d, markers)
        by_root.setdefault(roots[d], []).append(path)
    scans: dict[Path | None, WorkspaceScan] = {}
    for root, paths in by_root.items():
        if root is not None:
            rules, errors, _read = load_workspace_rules(root)
            for e in errors:
                on_config_error(e)
            classifier.set_workspace_rules(root, rules)
            scans[root] = scan_workspace(root, _LISTED.get(root))
        else:  # outside any workspace: each file on its own, without a repository's evidence
            scans[None] = scan_workspace(Path("/"), paths, history=False)
    out: list[Item] = []
    for shown, path in files:
        root = roots[path.parent]
        scan = scans[root]
        rel = path.relative_to(scan.root).as_posix()
        if rel not in scan.facts and rel not in scan.binary:
            # not listed (an untracked or ignored file named on purpose): read it now
            extra = scan_workspace(scan.root, [path], history=False)
            scan.facts.update(extra.facts)
            scan.binary |= extra.binary
        evidence = scan.evidence(rel) if root is not None else _alone(scan, rel)
        ov = overrides.get(str(path))
        decision = classifier.classify(path, override=OwnershipClass(ov) if ov else None, evidence=evidence)
        out.append(Item(shown, path, decision))
    return out


def _alone(scan: WorkspaceScan, rel: str):
    from .evidence import Evidence

    facts = scan.facts.get(rel)
    return Evidence(facts) if facts is not None else None
