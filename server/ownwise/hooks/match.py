"""Which lines an agent's edit wrote: the diff of its before and after snapshots (pure)."""

from __future__ import annotations

from collections.abc import Sequence
from difflib import SequenceMatcher


def changed_lines(before: Sequence[str] | None, after: Sequence[str]) -> list[int]:
    """Indexes (0-based) of the lines of ``after`` that are not an unchanged line of ``before``.

    Both are per-line hashes; ``before`` None means the file did not exist: every line is new.
    """
    if before is None:
        return list(range(len(after)))
    out: list[int] = []
    for tag, _i1, _i2, j1, j2 in SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        if tag in ("replace", "insert"):
            out.extend(range(j1, j2))
    return out
