"""The end-of-block reflection: a small Markdown document, and reading it back.

After a no-AI block the person is asked how it felt (1-5), what they had to
look up, what took longer than expected, and how long it actually took::

    <!-- ownwise:reflection BLOCK_ID -->
    # How did the no-AI block go?
    ...
    ## How did it feel?
    Felt: _/5   (1 = a struggle, 5 = easy)
    ...
    <!-- ownwise:end BLOCK_ID -->

:func:`parse` is forgiving: CRLF line endings, the person's own ``###``
headings, fenced code, a deleted end marker, numbers written ``4``, ``4/5``
or ``**4**/5``, minutes written ``75``, ``75 min`` or ``75m``.

Pure Python: no protocol, no storage.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..markdown import outside_fences as _outside_fences
from ..markdown import score_1_to_5
from ..markdown import strip_comments as _strip_comments

__all__ = ["ParsedReflection", "ReflectionItem", "parse", "render"]

TITLE = "# How did the no-AI block go?"
NO_TASK = "(no task given)"
INSTRUCTIONS = "Answer in a few words under each heading, then save the file."
WRITE_BELOW = "<!-- write below -->"
FELT_PLACEHOLDER = "Felt: _/5   (1 = a struggle, 5 = easy)"
HEADINGS = {
    "felt": "## How did it feel?",
    "looked_up": "## What did you have to look up?",
    "took_longer": "## What took longer than expected?",
    "actual": "## Actual time",
    "notes": "## Anything else?",
}

_START_MARKER = re.compile(r"^[ \t]*<!--[ \t]*ownwise:reflection[ \t]+(\S+?)[ \t]*-->[ \t]*$")
_END_MARKER = re.compile(r"^[ \t]*<!--[ \t]*ownwise:end[ \t]+(\S+?)[ \t]*-->[ \t]*$")
_HEADING = re.compile(r"^ {0,3}##[ \t]+(.*?)[ \t]*#*[ \t]*$")  # exactly "## ", not "###"
_FELT = re.compile(r"^[ \t]*(?:[*_]{1,2})?Felt(?:[*_]{1,2})?[ \t]*:(.*)$", re.I)
_ACTUAL = re.compile(r"^[ \t]*(?:[*_]{1,2})?Actual[ \t]+minutes(?:[*_]{1,2})?[ \t]*:(.*)$", re.I)
_FELT_HINT = re.compile(r"\(\s*1\s*=[^)]*\)")
_MINUTES = re.compile(r"(\d+)\s*(?:m|mins?|minutes?)?\.?", re.I)
_BAD_ID = re.compile(r"\s|<|>|--")

# Which section a "## " heading starts, by a word in it (the person may reword a heading a little).
_KEYWORDS = (
    ("felt", ("feel", "felt")),
    ("looked_up", ("look",)),
    ("took_longer", ("longer",)),
    ("actual", ("actual",)),
    ("notes", ("anything else", "notes")),
)


@dataclass(frozen=True)
class ReflectionItem:
    """One finished block to reflect on; ``started_at`` is display text, e.g. ``"Tue 24 Nov 14:00"``."""

    block_id: str
    started_at: str
    planned_minutes: int
    actual_minutes: int
    estimate_minutes: int | None
    task: str | None


@dataclass(frozen=True)
class ParsedReflection:
    """What the person wrote.

    Text fields have HTML comments removed and are stripped.  ``felt`` is 1..5,
    or ``None`` while still ``_``/missing (no error) or when unreadable (with a
    message in ``errors``); ``actual_minutes`` likewise.  Text written in the
    "How did it feel?" and "Actual time" sections besides the ``Felt:`` and
    ``Actual minutes:`` lines is kept at the start of ``notes``.
    """

    block_id: str
    felt: int | None
    looked_up: str
    took_longer: str
    actual_minutes: int | None
    notes: str
    errors: list[str]

    @property
    def started(self) -> bool:
        """Whether anything was written: a feeling, any text, or something unreadable."""
        return bool(
            self.felt is not None
            or self.looked_up
            or self.took_longer
            or self.notes
            or self.errors
        )


# -- writing ----------------------------------------------------------------


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _minutes_text(value: float) -> str:
    return str(int(round(value)))


def render(item: ReflectionItem) -> str:
    """The reflection document for ``item`` (``\\n`` line endings, ends with a newline).

    Raises :class:`ValueError` for an empty block id or one with whitespace, ``<``, ``>`` or ``--``.
    """
    if not item.block_id or _BAD_ID.search(item.block_id):
        raise ValueError(
            f"block id {item.block_id!r} is empty or contains whitespace, '<', '>' or '--'"
        )
    task = _one_line(item.task or "") or NO_TASK
    actual = _minutes_text(item.actual_minutes)
    summary = (
        f"Block: {task} — started {_one_line(item.started_at)}, "
        f"planned {_minutes_text(item.planned_minutes)} min, took {actual} min"
    )
    if item.estimate_minutes is not None:
        summary += f", you estimated {_minutes_text(item.estimate_minutes)} min"
    lines = [
        f"<!-- ownwise:reflection {item.block_id} -->",
        TITLE,
        "",
        summary + ".",
        "",
        INSTRUCTIONS,
        "",
        HEADINGS["felt"],
        "",
        FELT_PLACEHOLDER,
        "",
    ]
    for key in ("looked_up", "took_longer"):
        lines += [HEADINGS[key], "", WRITE_BELOW, "", ""]
    lines += [HEADINGS["actual"], "", f"Actual minutes: {actual}", ""]
    lines += [HEADINGS["notes"], "", WRITE_BELOW, "", ""]
    lines.append(f"<!-- ownwise:end {item.block_id} -->")
    return "\n".join(lines) + "\n"


# -- reading ----------------------------------------------------------------


def _normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")




def _section_key(heading: str) -> str | None:
    text = heading.lower()
    for key, words in _KEYWORDS:
        if any(word in text for word in words):
            return key
    return None


def _region(lines: Sequence[str]) -> tuple[str, int, int] | None:
    """The block id and the lines strictly between the first reflection marker and its end marker."""
    start = next(((i, m.group(1)) for i, line in enumerate(lines) if (m := _START_MARKER.match(line))), None)
    if start is None:
        return None
    at, block_id = start
    end = len(lines)
    for i in range(at + 1, len(lines)):
        m = _END_MARKER.match(lines[i])
        if m and m.group(1) == block_id:
            end = i
            break
        if _START_MARKER.match(lines[i]):  # a second document pasted below, end marker deleted
            end = i
            break
    return block_id, at + 1, end


def _sections(lines: Sequence[str], lo: int, hi: int) -> dict[str, tuple[int, int]]:
    """Each known section's body, ``[first line, end)``; the first heading of a kind wins.

    A ``## `` heading that is not one of ours (or repeats one) is the person's own
    text and stays in the section it is in; headings inside fenced code do not count.
    """
    outside = _outside_fences(lines[lo:hi])
    starts: list[tuple[int, str]] = []
    seen: set[str] = set()
    for i in range(lo, hi):
        m = _HEADING.match(lines[i])
        if not m or not outside[i - lo]:
            continue
        key = _section_key(m.group(1))
        if key is None or key in seen:
            continue
        seen.add(key)
        starts.append((i, key))
    found: dict[str, tuple[int, int]] = {}
    for n, (i, key) in enumerate(starts):
        found[key] = (i + 1, starts[n + 1][0] if n + 1 < len(starts) else hi)
    return found


def _find_line(
    lines: Sequence[str], pattern: re.Pattern[str], spans: Sequence[tuple[int, int]]
) -> int | None:
    """The first line matching ``pattern`` outside fenced code, trying each span in turn."""
    for lo, hi in spans:
        outside = _outside_fences(lines[lo:hi])
        for i in range(lo, hi):
            if outside[i - lo] and pattern.match(lines[i]):
                return i
    return None


def _felt(value: str) -> tuple[int | None, str | None]:
    return score_1_to_5(value, "Felt", _FELT_HINT)


def _actual(value: str) -> tuple[int | None, str | None]:
    written = _strip_comments(value).strip()
    core = written.replace("*", "").strip().strip("_").strip()
    if not core:
        return None, None
    m = _MINUTES.fullmatch(core)
    if m:
        return int(m.group(1)), None
    return None, f"Actual minutes must be a whole number of minutes, not '{written}'"


def parse(text: str) -> ParsedReflection | None:
    """What the person wrote in a reflection document, or ``None`` when its marker is missing."""
    lines = _normalize_newlines(text).split("\n")
    region = _region(lines)
    if region is None:
        return None
    block_id, lo, hi = region
    sections = _sections(lines, lo, hi)
    whole = (lo, hi)
    errors: list[str] = []

    felt_spans = [sections["felt"], whole] if "felt" in sections else [whole]
    felt_at = _find_line(lines, _FELT, felt_spans)
    felt: int | None = None
    if felt_at is not None:
        felt, error = _felt(_FELT.match(lines[felt_at]).group(1))  # type: ignore[union-attr]
        if error:
            errors.append(error)

    actual_spans = [sections["actual"], whole] if "actual" in sections else [whole]
    actual_at = _find_line(lines, _ACTUAL, actual_spans)
    actual: int | None = None
    if actual_at is not None:
        actual, error = _actual(_ACTUAL.match(lines[actual_at]).group(1))  # type: ignore[union-attr]
        if error:
            errors.append(error)

    skip = {felt_at, actual_at}

    def section_text(key: str) -> str:
        span = sections.get(key)
        if span is None:
            return ""
        kept = [lines[i] for i in range(*span) if i not in skip]
        return _strip_comments("\n".join(kept)).strip()

    extra = [section_text("felt"), section_text("actual"), section_text("notes")]
    return ParsedReflection(
        block_id=block_id,
        felt=felt,
        looked_up=section_text("looked_up"),
        took_longer=section_text("took_longer"),
        actual_minutes=actual,
        notes="\n\n".join(part for part in extra if part),
        errors=errors,
    )
