"""The record of a commit: which of the lines it adds are AI, human or mixed, and who says so.

Three sources, in this order of trust for each line the commit adds:

1. **Carried** (history rewrites): a range of an older record whose ``content_hash`` equals the
   hash of exactly one run of the new commit's added lines moves there with its label. Which older
   records may be searched comes from what made the commit (its reflog entry: amend, rebase,
   cherry-pick; a squash merge's message), else from every ownwise record of a commit that is not
   an ancestor of the new one. A range found more than once is skipped, and so is a line two
   ranges disagree about: when unsure, nothing is carried (docs/git.md).
2. **Known** (:class:`~.knowledge.Knowledge`): what the database knows about the committed file,
   matched by line content. Its AI, mixed and suspected lines always count; its "nobody tagged
   this line" (the user's own) only for commits the user made (commit, amend, merge), not for lines
   git wrote (rebase, cherry-pick, squash merge): those are unknown unless carried.
3. Otherwise the line is ``unknown``.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from ..clock import iso
from .git import CommitInfo, ReflogEntry, Repo
from .knowledge import Knowledge
from .record import (
    UNKNOWN,
    FileLines,
    Label,
    build,
    content_hash,
    dumps,
    file_spans,
    is_ours,
    latest_ours,
    parse_note,
    paths,
    revision,
)

#: a range searched among all other records (not an exact predecessor) needs this much text
MIN_OPEN_CHARS = 12
SQUASH_MESSAGE = "Squashed commit of the following:"
_CHERRY = re.compile(r"\(cherry picked from commit ([0-9a-f]{40,64})\)")
_REBASE = re.compile(r"^(?:pull(?: --rebase)?|rebase)(?: -i| -m| --interactive| --merge)? \(([a-z -]+)\)")


@dataclass
class Origin:
    """What made a commit, as far as it matters for its record."""

    kind: str  # commit, amend, merge, rebase, cherry-pick, squash, revert, unknown
    sources: list[str] | None = field(default_factory=list)  # exact predecessors; None: search all others
    rebase: tuple[str, str] | None = None  # (onto, old tip): its old commits are predecessors too
    human_ok: bool = True  # the database's "the user's own" counts
    carry: bool = False
    mine: bool = True  # the database may be asked at all (the user's own commit)


class ReflogPlanner:
    """Reads reflog entries in order and tells, for each one that made a commit, its :class:`Origin`."""

    def __init__(self) -> None:
        self.rebase: tuple[str, str] | None = None

    def feed(self, e: ReflogEntry) -> Origin | None:
        msg = e.message
        m = _REBASE.match(msg)
        if m:
            action = m.group(1).strip()
            if action == "start":
                self.rebase = (e.new, e.old)
                return None
            if action in ("finish", "abort"):
                self.rebase = None
                return None
            if e.new == e.old:
                return None
            extra = [e.old] if action in ("squash", "fixup") else []
            if self.rebase is None:
                return Origin("rebase", None, human_ok=False, carry=True)
            return Origin("rebase", extra, rebase=self.rebase, human_ok=False, carry=True)
        if msg.startswith("commit (amend)"):
            return Origin("amend", [e.old], rebase=self.rebase, carry=True)
        if msg.startswith("commit (merge)") or re.match(r"^(merge|pull)\b.*: Merge made by", msg):
            return Origin("merge")
        if msg.startswith("commit"):  # "commit:", "commit (initial):"
            return Origin("commit")
        if msg.startswith("cherry-pick"):
            return Origin("cherry-pick", None, human_ok=False, carry=True)
        if msg.startswith("revert"):
            return Origin("revert", None, human_ok=False, carry=True)
        return None


def plan(entries: Iterable[ReflogEntry]) -> dict[str, Origin]:
    """Commit -> its origin, for every commit a reflog says was made here (the last word wins)."""
    planner = ReflogPlanner()
    out: dict[str, Origin] = {}
    for e in entries:
        o = planner.feed(e)
        if o is not None:
            out[e.new] = o
    return out


def refine(origin: Origin, info: CommitInfo) -> Origin:
    """What the commit's message adds: a squash merge's default message, a cherry-pick's ``-x`` trailer."""
    if origin.kind == "commit" and SQUASH_MESSAGE in info.message:
        return Origin("squash", None, human_ok=False, carry=True, mine=origin.mine)
    if origin.kind == "cherry-pick":
        picked = _CHERRY.findall(info.message)
        if picked:
            return Origin("cherry-pick", picked, human_ok=False, carry=True, mine=origin.mine)
    return origin


Classify = Callable[[list[Path]], dict[Path, str]]


class Tracer:
    """Builds and writes the records of one repository's commits."""

    def __init__(self, repo: Repo, *, knowledge: Knowledge | None, classify: Classify, version: str,
                 now: Callable[[], datetime], author_stats: bool = False) -> None:
        self.repo = repo
        self.knowledge = knowledge
        self.classify = classify
        self.version = version
        self.now = now
        self.author_stats = author_stats
        self._open: list[str] | None = None

    # ------------------------------------------------------------------ build
    def record(self, commit: str, origin: Origin, info: CommitInfo | None = None) -> dict[str, Any]:
        info = info or self.repo.commits([commit])[commit]
        origin = refine(origin, info)
        added = self.repo.added_lines(commit, info.parents)
        carried = self.carry(commit, added, origin) if origin.carry else {}
        known = self.known(commit, added) if origin.mine and self.knowledge is not None else {}
        classes = self.classify([self.repo.root / p for p in added]) if added else {}
        files = []
        for path, lines in added.items():
            labelled: dict[int, tuple[str, Label]] = {}
            for n, text in lines.items():
                label = carried.get(path, {}).get(n)
                if label is None:
                    k = known.get(path, {}).get(n)
                    if k is not None and (k.type != "human" or origin.human_ok):
                        label = k
                labelled[n] = (text, label or UNKNOWN)
            files.append(FileLines(path, classes.get(self.repo.root / path), labelled))
        return build(commit, files, record_id=str(uuid.uuid4()), timestamp=iso(self.now()), version=self.version,
                     author_stats=self.author_stats)

    def known(self, commit: str, added: dict[str, dict[int, str]]) -> dict[str, dict[int, Label]]:
        assert self.knowledge is not None
        blobs = self.repo.blobs([f"{commit}:{p}" for p in added])
        out: dict[str, dict[int, Label]] = {}
        for path, lines in added.items():
            raw = blobs.get(f"{commit}:{path}")
            if raw is None or b"\0" in raw[:8000]:
                continue
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                continue
            labels = self.knowledge.labels(self.repo.root / path, text.split("\n"))
            if labels is None:
                continue
            out[path] = {n: lab for n in lines if n - 1 < len(labels) and (lab := labels[n - 1]) is not None}
        return out

    # ------------------------------------------------------------------ carry
    def sources(self, commit: str, origin: Origin) -> tuple[list[str], bool]:
        """The commits whose records may be carried into ``commit``, and whether they are exact."""
        if origin.sources is None:
            return self.open_sources(commit), False
        found = list(origin.sources)
        if origin.rebase is not None:
            onto, old_tip = origin.rebase
            try:
                found += self.repo.rev_list(f"{onto}..{old_tip}")
            except Exception:  # noqa: BLE001 - an old tip gc'd away: what is left is still exact
                pass
        return [c for c in dict.fromkeys(found) if c != commit], True

    def open_sources(self, commit: str) -> list[str]:
        """Every commit with an ownwise record that is not ``commit`` or one of its ancestors."""
        noted = [c for c in self.repo.notes() if c != commit] if self._open is None else self._open
        self._open = noted
        if not noted:
            return []
        text = self.repo.out("rev-list", "--ignore-missing", "--stdin",
                             input=("\n".join(noted) + f"\n^{commit}\n").encode())
        reach = set(text.split())
        return [c for c in noted if c in reach]

    def carry(self, commit: str, added: dict[str, dict[int, str]], origin: Origin) -> dict[str, dict[int, Label]]:
        sources, exact = self.sources(commit, origin)
        if not sources or not added:
            return {}
        notes = self.repo.notes(commits=sources)
        wanted: list[tuple[str, int, str, Label]] = []  # (path, length, hash, label)
        for c in sources:
            rec = latest_ours(parse_note(notes.get(c, "")), c)
            if rec is None:
                continue
            for p in paths(rec):
                for sp in file_spans(rec, p):
                    if sp.content_hash and sp.label.type != "unknown":
                        wanted.append((p, sp.end - sp.start + 1, sp.content_hash, sp.label))
        windows: dict[tuple[str, int], dict[str, list[int]]] = {}

        def starts(path: str, length: int, digest: str) -> list[int]:
            key = (path, length)
            if key not in windows:
                lines = added.get(path, {})
                table: dict[str, list[int]] = {}
                for s in lines:
                    if all(n in lines for n in range(s, s + length)):
                        table.setdefault(content_hash(lines[n] for n in range(s, s + length)), []).append(s)
                windows[key] = table
            return windows[key].get(digest, [])

        out: dict[str, dict[int, Label]] = {}
        clash: set[tuple[str, int]] = set()
        for path, length, digest, label in wanted:
            hits = [(path, s) for s in starts(path, length, digest)]
            if not hits:
                hits = [(p, s) for p in added if p != path for s in starts(p, length, digest)]
            if len(hits) != 1:
                continue  # not there, or more than once: no guess
            p, s = hits[0]
            text = "".join(added[p][n] for n in range(s, s + length))
            if not exact and len("".join(text.split())) < MIN_OPEN_CHARS:
                continue
            for n in range(s, s + length):
                have = out.setdefault(p, {}).get(n)
                if have is not None and have != label:
                    clash.add((p, n))
                out[p][n] = label
        for p, n in clash:
            out[p].pop(n, None)
        return out

    # ------------------------------------------------------------------ write
    def write(self, records: Sequence[dict[str, Any]]) -> None:
        """Put each record in its commit's note, replacing ownwise's older record of it (other tools'
        lines stay)."""
        by_commit = {revision(r): r for r in records if revision(r)}
        if not by_commit:
            return

        def update(current: dict[str, str]) -> dict[str, str]:
            out = {}
            for c, rec in by_commit.items():
                assert c is not None
                keep = [ln for ln in current.get(c, "").splitlines()
                        if ln.strip() and not _ours_for(ln, c)]
                out[c] = "\n".join(keep + [dumps(rec)]) + "\n"
            return out

        self.repo.update_notes([c for c in by_commit if c], update)


def _ours_for(line: str, commit: str) -> bool:
    recs = parse_note(line)
    return bool(recs) and is_ours(recs[0]) and revision(recs[0]) in (commit, None)


def has_record(notes: dict[str, str], commit: str) -> bool:
    return latest_ours(parse_note(notes.get(commit, "")), commit) is not None


__all__ = ["MIN_OPEN_CHARS", "Origin", "ReflogPlanner", "Tracer", "has_record", "plan", "refine"]
