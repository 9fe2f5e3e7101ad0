"""Which AI-written code gets a prompt: blocks of AI lines, the policy, and finding a block again.

Pure Python: no protocol, no storage.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..attribution.document import content_of, has_text, split_lines
from ..attribution.model import AI_KINDS, SUSPECTED, AIRange

#: the AI kinds as plain strings (``AIRange.kind`` holds the value)
_AI_KIND_VALUES = frozenset(k.value for k in AI_KINDS)
#: what a policy may ask for, besides "none"
PROMPT_KINDS = ("recall", "explain")
#: the order in which classes get prompts; any other class comes after these
_CLASS_ORDER = {"core": 0, "repeatable": 1}
#: a line that occurs more often than this in a document is "common" when locating a block
_COMMON = 3


def _plain(value: Any) -> str:
    """An enum member's value, or the string itself (``str`` enums hash by name, not value)."""
    return str(getattr(value, "value", value))


@dataclass(frozen=True)
class Block:
    """A run of AI-written lines of one document, as one unit to ask about."""

    uri: str
    path: str  # display path (workspace-relative when known)
    ownership_class: str  # "transient" | "repeatable" | "core"
    start_line: int  # 0-based, inclusive
    end_line: int  # 0-based, inclusive
    code: str  # the block's text, lines with their breaks as in the document
    events: frozenset[str]  # event ids of the AI ranges merged into it
    kinds: tuple[str, ...]  # distinct kinds, in order of first appearance
    sources: tuple[str, ...]  # distinct non-None sources, in order of first appearance
    #: why the block is asked about as core in a file that is not (the function around it is core)
    class_reason: str = ""

    @property
    def lines(self) -> int:
        """How many lines the block spans."""
        return self.end_line - self.start_line + 1


def _is_blank(lines: Sequence[str], i: int) -> bool:
    return not has_text(content_of(lines[i]))


def merge_blocks(
    uri: str,
    path: str,
    ownership_class: str,
    ranges: Sequence[AIRange],
    lines: Sequence[str],
    *,
    events: Collection[str] | None = None,
    include_suspected: bool = False,
) -> list[Block]:
    """Merge the AI ranges of a document into blocks.

    Ranges that touch (or overlap), or are separated only by blank lines, form one block;
    blank lines at either end of a block are dropped. ``events`` (when given) keeps only
    the ranges of those events; suspected ranges count only with ``include_suspected``.
    """
    n = len(lines)
    wanted = None if events is None else set(events)
    kept: list[tuple[int, int, AIRange]] = []
    for r in ranges:
        if wanted is not None and r.event not in wanted:
            continue
        if r.kind not in _AI_KIND_VALUES and not (include_suspected and r.kind == SUSPECTED):
            continue
        start, end = max(r.start_line, 0), min(r.end_line, n - 1)
        if start <= end:
            kept.append((start, end, r))
    kept.sort(key=lambda t: (t[0], t[1]))

    groups: list[list[tuple[int, int, AIRange]]] = []
    group_end = -2
    for item in kept:
        start, end, _ = item
        if groups and (
            start <= group_end + 1 or all(_is_blank(lines, i) for i in range(group_end + 1, start))
        ):
            groups[-1].append(item)
            group_end = max(group_end, end)
        else:
            groups.append([item])
            group_end = end

    cls = _plain(ownership_class)
    out: list[Block] = []
    for group in groups:
        start = group[0][0]
        end = max(e for _, e, _ in group)
        while start <= end and _is_blank(lines, start):
            start += 1
        while end >= start and _is_blank(lines, end):
            end -= 1
        if start > end:
            continue
        members = [r for s, e, r in group if s <= end and e >= start]
        kinds: dict[str, None] = {}
        sources: dict[str, None] = {}
        for r in members:
            kinds.setdefault(r.kind, None)
            if r.source is not None:
                sources.setdefault(r.source, None)
        out.append(
            Block(
                uri=uri,
                path=path,
                ownership_class=cls,
                start_line=start,
                end_line=end,
                code="".join(lines[start : end + 1]),
                events=frozenset(r.event for r in members),
                kinds=tuple(kinds),
                sources=tuple(sources),
            )
        )
    return out


def prompt_kind(ownership_class: str, policy: Mapping[str, str]) -> str | None:
    """What the policy asks for a class: "recall", "explain", or None (no prompt)."""
    wanted = {_plain(k): _plain(v) for k, v in policy.items()}.get(_plain(ownership_class))
    return wanted if wanted in PROMPT_KINDS else None


def select(
    blocks: Iterable[Block], policy: Mapping[str, str], *, min_lines: int = 3, max_count: int = 5
) -> list[Block]:
    """The blocks worth a prompt, most important first, at most ``max_count`` of them.

    Core before repeatable before any other class; within a class, longer blocks first.
    """
    if max_count <= 0:
        return []
    chosen = [
        b for b in blocks if b.lines >= min_lines and prompt_kind(b.ownership_class, policy) is not None
    ]
    chosen.sort(
        key=lambda b: (
            _CLASS_ORDER.get(_plain(b.ownership_class), len(_CLASS_ORDER)),
            -b.lines,
            b.path,
            b.start_line,
        )
    )
    return chosen[:max_count]


def _code_lines(code: str) -> list[str]:
    """The lines of ``code`` without breaks (a final break does not start another line)."""
    parts = [content_of(p) for p in split_lines(code)]
    if len(parts) > 1 and parts[-1] == "":
        parts.pop()
    return parts


def locate(code: str, lines: Sequence[str]) -> tuple[int, int, float] | None:
    """Where a stored block of ``code`` now is in a document: (start_line, end_line, similarity).

    Lines are compared stripped; blank lines are ignored. The region is the window of at
    most twice the code's line count holding the most code lines, each weighted by its
    rarity in the document (a line occurring more than 3 times weighs 1/occurrences), so
    ``}`` or ``return None`` elsewhere cannot pull the region away from the distinctive
    lines. ``similarity`` is the share of the code's non-blank lines found in the region
    (0..1). None when no code line occurs in the document.
    """
    code_lines = _code_lines(code)
    need = Counter(s for s in (c.strip() for c in code_lines) if s)
    total = sum(need.values())
    if not total:
        return None

    hits: list[tuple[int, str]] = []
    freq: Counter[str] = Counter()
    for i, line in enumerate(lines):
        s = content_of(line).strip()
        if s in need:
            hits.append((i, s))
            freq[s] += 1
    if not hits:
        return None
    weight = {s: 1.0 if f <= _COMMON else 1.0 / f for s, f in freq.items()}
    width = 2 * len(code_lines)

    # Sliding window over the hits: score = weighted matches, each code line matched at most
    # as many times as it occurs in the code.
    have: Counter[str] = Counter()
    score = 0.0
    best: tuple[float, int, int, int] | None = None  # (score, -span, left, right)
    left = 0
    for right, (pos, s) in enumerate(hits):
        if have[s] < need[s]:
            score += weight[s]
        have[s] += 1
        while pos - hits[left][0] >= width:
            gone = hits[left][1]
            have[gone] -= 1
            if have[gone] < need[gone]:
                score -= weight[gone]
            left += 1
        # Surplus copies at the left end match nothing the code still needs: drop them (the
        # score stays; a later window, which loses hits from the left first, keeps them surplus).
        while left < right and have[hits[left][1]] > need[hits[left][1]]:
            have[hits[left][1]] -= 1
            left += 1
        cand = (round(score, 9), hits[left][0] - pos, left, right)
        if best is None or cand[:2] > best[:2]:
            best = cand
    assert best is not None
    _, _, lo, hi = best

    window = hits[lo : hi + 1]
    # Drop surplus copies at the right end too, then count the matched code lines.
    counts = Counter(s for _, s in window)
    while len(window) > 1 and counts[window[-1][1]] > need[window[-1][1]]:
        counts[window[-1][1]] -= 1
        window.pop()
    matched = sum(min(c, need[s]) for s, c in counts.items())
    return window[0][0], window[-1][0], matched / total
