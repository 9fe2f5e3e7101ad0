"""What ownwise's database knows about the lines of a committed file, matched by line content.

A document's attribution snapshot (``attribution_snapshots``) holds its AI ranges and the per-line
hashes of the text they belong to. A committed file is diffed against that text by line hash; each
committed line equal to a snapshot line gets that line's tag: AI (``kind``, ``tool``), mixed (AI
code the user typed into), suspected, or none (the user's own). Committed lines that match no
snapshot line are not known. Explained states come from the prompts and answers. So the record of
a commit is the same whether the running server writes it just after the commit or ``ownwise trace
backfill`` writes it later from the database (as long as the file was not edited in between).
"""

from __future__ import annotations

from collections.abc import Sequence
from difflib import SequenceMatcher
from pathlib import Path

from ..hashing import line_hash
from ..store import Store
from .record import HUMAN, KINDS, UNKNOWN, Label


class Knowledge:
    def __init__(self, store: Store, *, suspected_counts_as_ai: bool = False) -> None:
        self.store = store
        self.suspected_counts_as_ai = suspected_counts_as_ai
        self._states: dict[str, str] = {}

    def labels(self, path: Path, committed: Sequence[str]) -> list[Label | None] | None:
        """A label per committed line (0-based list; None: not known), or None when nothing is known
        of the file."""
        snap = self.store.snapshot(path.as_uri())
        if snap is None:
            return None
        tags: dict[int, tuple[str, str | None, bool, str]] = {}
        for r in snap.ranges:
            for i in range(r.start_line, r.end_line + 1):
                tags[i] = (r.kind, r.source, r.human_modified, r.event)
        mine = [line_hash(t) for t in committed]
        theirs = snap.line_hashes
        if theirs is None:
            from ..hashing import text_hash

            # a row from before line hashes were stored: only an identical text can be matched
            if text_hash("\n".join(committed)) != snap.text_hash:
                return None
            theirs = mine
        events = {t[3] for t in tags.values()}
        missing = events - self._states.keys()
        if missing:
            found = self.store.event_states(missing)
            self._states.update({e: found.get(e, "pending") for e in missing})
        out: list[Label | None] = [None] * len(committed)
        matcher = SequenceMatcher(None, theirs, mine, autojunk=False)
        for a, b, size in matcher.get_matching_blocks():
            for k in range(size):
                tag = tags.get(a + k)
                out[b + k] = HUMAN if tag is None else self._label(*tag)
        return out

    def _label(self, kind: str, source: str | None, modified: bool, event: str) -> Label:
        name = KINDS.get(kind, kind)
        if kind == "suspected" and not self.suspected_counts_as_ai:
            return Label(UNKNOWN.type, name, source, None, (event,))
        return Label("mixed" if modified else "ai", name, source, self._states.get(event, "pending"), (event,))


__all__ = ["Knowledge"]
