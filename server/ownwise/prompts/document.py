"""The explanation document: one Markdown file per batch of prompts, and reading it back.

Each prompt is a section between two HTML comments, invisible in a Markdown
preview::

    <!-- ownwise:prompt ID -->
    ## 1. src/engine.py:3-6 (core · explain)
    ...
    ### Your answer
    ...
    Understanding: _/5
    <!-- ownwise:end ID -->

:func:`parse` is forgiving: CRLF line endings, the person's own headings and
fenced code in an answer, a deleted end marker, numbers written ``4``, ``4/5``
or ``**4**/5``.  Marker lines are found anywhere (even inside a fence, so an
unclosed fence in one answer cannot swallow the next prompt); the
``### Your answer`` heading and the ``Understanding:``/``Recall:`` lines are
looked for outside fenced code first.

Pure Python: no protocol, no storage.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..markdown import outside_fences as _outside_fences
from ..markdown import score_1_to_5
from ..markdown import strip_comments as _strip_comments
from .checks import CANNOT_EXPLAIN

__all__ = [
    "KINDS",
    "RATINGS",
    "DocItem",
    "ParsedAnswer",
    "append_code",
    "fence",
    "parse",
    "render",
]

KINDS = ("explain", "recall", "review")
RATINGS = ("again", "hard", "good", "easy")

DEFAULT_TITLE = "Explain the AI code you kept"
ANSWER_HEADING = "### Your answer"
WRITE_BELOW = "<!-- write your answer below this line -->"
UNDERSTANDING_PLACEHOLDER = "Understanding: _/5"
RECALL_HINT = "(Again, Hard, Good or Easy)"
RECALL_PLACEHOLDER = f"Recall: _ {RECALL_HINT}"
COMPARE_LABEL = "**The code, to compare:**"

_PROMPT_MARKER = re.compile(r"^[ \t]*<!--[ \t]*ownwise:prompt[ \t]+(\S+?)[ \t]*-->[ \t]*$")
_END_MARKER = re.compile(r"^[ \t]*<!--[ \t]*ownwise:end[ \t]+(\S+?)[ \t]*-->[ \t]*$")
_ANSWER_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+your[ \t]+answer[ \t]*#*[ \t]*$", re.I)
_UNDERSTANDING = re.compile(r"^\s*Understanding\s*:(.*)$")
_RECALL = re.compile(r"^\s*Recall\s*:(.*)$")
_RECALL_HINT = re.compile(r"\(\s*again\s*,\s*hard\s*,\s*good\s*,?\s*or\s*easy\s*\)", re.I)
_COMPARE = re.compile(r"^[ \t]*\*\*The code, to compare:\*\*[ \t]*$")
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
_BAD_ID = re.compile(r"\s|<|>|--")


@dataclass(frozen=True)
class DocItem:
    """One prompt in the document; ``location`` is e.g. ``"src/engine.py:3-6"``."""

    prompt_id: str
    kind: str
    location: str
    question: str
    code: str
    language: str = ""
    ownership_class: str = ""


@dataclass(frozen=True)
class ParsedAnswer:
    """What the person wrote for one prompt.

    ``text`` has HTML comments removed and is stripped.  ``understanding`` is 1..5,
    or ``None`` while still ``_``/missing (no error) or when unreadable (with
    ``understanding_error``).  ``rating`` is ``"again"``/``"hard"``/``"good"``/
    ``"easy"`` from a ``Recall:`` line (review prompts), else ``None``.
    """

    prompt_id: str
    text: str
    understanding: int | None
    understanding_error: str | None
    rating: str | None
    rating_error: str | None


# -- writing ----------------------------------------------------------------


def _normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _longest_run(text: str, char: str) -> int:
    return max((len(run) for run in re.findall(re.escape(char) + "+", text)), default=0)


def fence(code: str, language: str = "") -> str:
    """``code`` in a backtick fence longer than any backtick run inside it (no final newline)."""
    code = _normalize_newlines(code)
    ticks = "`" * max(3, _longest_run(code, "`") + 1)
    info = " ".join(language.replace("`", "").split())
    body = code if not code or code.endswith("\n") else code + "\n"
    return f"{ticks}{info}\n{body}{ticks}"


def _inline_code(text: str) -> str:
    ticks = "`" * (_longest_run(text, "`") + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def _first_line(code: str) -> str:
    return next((line.strip() for line in _normalize_newlines(code).split("\n") if line.strip()), "")


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _intro(items: Sequence[DocItem]) -> str:
    parts = [
        'Write each answer under "Your answer", in your own words: what the code does and why it '
        "does it that way. Then replace the `_` in `Understanding: _/5` with a number from 1 to 5 "
        "(1 = not at all, 5 = I could rewrite it myself)"
    ]
    if any(item.kind == "review" for item in items):
        parts.append(", and the `_` in `Recall:` with Again, Hard, Good or Easy")
    parts.append(
        f", and save the file. Writing `{CANNOT_EXPLAIN}` is fine: it is stored as such. "
        "Leave the lines that start with `<!-- ownwise:` as they are."
    )
    return "".join(parts)


def _unique_items(items: Sequence[DocItem]) -> list[DocItem]:
    """The items, each prompt id once (the first wins); raises on a bad id or kind."""
    seen: set[str] = set()
    unique: list[DocItem] = []
    for item in items:
        if not item.prompt_id or _BAD_ID.search(item.prompt_id):
            raise ValueError(
                f"prompt id {item.prompt_id!r} is empty or contains whitespace, '<', '>' or '--'"
            )
        if item.kind not in KINDS:
            raise ValueError(f"kind {item.kind!r} is not one of {', '.join(KINDS)}")
        if item.prompt_id not in seen:
            seen.add(item.prompt_id)
            unique.append(item)
    return unique


def _render_item(number: int, item: DocItem) -> list[str]:
    label = " · ".join(part for part in (_one_line(item.ownership_class), item.kind) if part)
    lines = [
        f"<!-- ownwise:prompt {item.prompt_id} -->",
        f"## {number}. {_one_line(item.location)} ({label})",
        "",
        f"**Question:** {_normalize_newlines(item.question).strip()}",
        "",
    ]
    if item.kind == "explain":
        lines.append(fence(item.code, item.language))
    else:
        lines.append(f"Starts with: {_inline_code(_first_line(item.code))}")
    lines += ["", ANSWER_HEADING, "", WRITE_BELOW, "", "", UNDERSTANDING_PLACEHOLDER]
    if item.kind == "review":
        lines.append(RECALL_PLACEHOLDER)
    lines += ["", f"<!-- ownwise:end {item.prompt_id} -->"]
    return lines


def render(items: Sequence[DocItem], *, title: str = DEFAULT_TITLE, intro: str | None = None) -> str:
    """The Markdown document for ``items`` (``\\n`` line endings, ends with a newline).

    A prompt id given twice is shown once (the first item).  Raises
    :class:`ValueError` for an empty prompt id, an id with whitespace, ``<``, ``>``
    or ``--``, or an unknown kind.
    """
    items = _unique_items(items)
    text = intro if intro is not None else _intro(items)
    lines = [f"# {_one_line(title)}", "", _normalize_newlines(text).strip()]
    for number, item in enumerate(items, start=1):
        lines.append("")
        lines.extend(_render_item(number, item))
    return "\n".join(lines) + "\n"


# -- reading ----------------------------------------------------------------


@dataclass(frozen=True)
class _Section:
    prompt_id: str
    start: int  # index of the prompt marker line
    end: int  # index of the end marker line, or of the line after the section
    has_end: bool


def _sections(lines: Sequence[str]) -> list[_Section]:
    """Each prompt's section (the first one for an id that appears twice)."""
    markers = [(i, m.group(1)) for i, line in enumerate(lines) if (m := _PROMPT_MARKER.match(line))]
    found: list[_Section] = []
    seen: set[str] = set()
    for n, (start, prompt_id) in enumerate(markers):
        limit = markers[n + 1][0] if n + 1 < len(markers) else len(lines)
        if prompt_id in seen:
            continue
        seen.add(prompt_id)
        end, has_end = limit, False
        for i in range(start + 1, limit):
            m = _END_MARKER.match(lines[i])
            if m and m.group(1) == prompt_id:
                end, has_end = i, True
                break
        found.append(_Section(prompt_id, start, end, has_end))
    return found




def _find(
    lines: Sequence[str], pattern: re.Pattern[str], lo: int, hi: int, *, last: bool = False
) -> int | None:
    """Index of the first line in ``lines[lo:hi]`` matching ``pattern`` outside fences.

    If every match is inside a fence (an unclosed fence), the first (or ``last``) match anywhere.
    """
    outside = _outside_fences(lines[lo:hi])
    anywhere = [i for i in range(lo, hi) if pattern.match(lines[i])]
    for i in anywhere:
        if outside[i - lo]:
            return i
    if anywhere:
        return anywhere[-1] if last else anywhere[0]
    return None


def _understanding(value: str) -> tuple[int | None, str | None]:
    return score_1_to_5(value, "Understanding")


def _rating(value: str) -> tuple[str | None, str | None]:
    written = _strip_comments(value).strip()
    core = _RECALL_HINT.sub("", written).replace("*", "").strip().strip("_()").strip()
    if not core:
        return None, None
    if core.lower() in RATINGS:
        return core.lower(), None
    return None, f"Recall must be Again, Hard, Good or Easy, not '{core}'"


def _parse_section(lines: Sequence[str], section: _Section) -> ParsedAnswer:
    lo, hi = section.start + 1, section.end
    heading = _find(lines, _ANSWER_HEADING, lo, hi)
    if heading is None:  # heading deleted: fall back to the "write below" comment
        heading = next((i for i in range(lo, hi) if WRITE_BELOW in lines[i]), None)
    body = heading + 1 if heading is not None else lo
    compare_at = _find(lines, _COMPARE, body, hi)
    limit = compare_at if compare_at is not None else hi
    understanding_at = _find(lines, _UNDERSTANDING, body, limit, last=True)
    answer_end = understanding_at if understanding_at is not None else limit
    tail = understanding_at + 1 if understanding_at is not None else body
    recall_at = _find(lines, _RECALL, tail, limit, last=True)
    if recall_at is not None and recall_at < answer_end:
        # No Understanding line: a Recall line ends the answer only as its last line.
        if any(line.strip() for line in lines[recall_at + 1 : answer_end]):
            recall_at = None
        else:
            answer_end = recall_at
    text = _strip_comments("\n".join(lines[body:answer_end])).strip() if heading is not None else ""
    understanding, understanding_error = None, None
    if understanding_at is not None:
        match = _UNDERSTANDING.match(lines[understanding_at])
        if match:
            understanding, understanding_error = _understanding(match.group(1))
    rating, rating_error = None, None
    if recall_at is not None:
        match = _RECALL.match(lines[recall_at])
        if match:
            rating, rating_error = _rating(match.group(1))
    return ParsedAnswer(section.prompt_id, text, understanding, understanding_error, rating, rating_error)


def parse(text: str) -> list[ParsedAnswer]:
    """Every prompt's answer in ``text``, in document order (the first section wins for a repeated id)."""
    lines = _normalize_newlines(text).split("\n")
    return [_parse_section(lines, section) for section in _sections(lines)]


def append_code(text: str, prompt_id: str, code: str, language: str = "") -> str:
    """``text`` with the prompt's code shown at the end of its section, to compare with the answer.

    Idempotent; an unknown ``prompt_id`` leaves ``text`` unchanged.  Keeps the
    document's line endings.
    """
    raw = _LINE.findall(text)
    lines = [line.rstrip("\r\n") for line in raw]
    section = next((s for s in _sections(lines) if s.prompt_id == prompt_id), None)
    if section is None:
        return text
    if any(_COMPARE.match(line) for line in lines[section.start + 1 : section.end]):
        return text
    newline = next((line[len(line.rstrip("\r\n")) :] for line in raw if line.endswith(("\n", "\r"))), "\n")
    block = ["", COMPARE_LABEL, "", *fence(code, language).split("\n"), ""]
    at = section.end
    if at > 0 and not lines[at - 1].strip():
        block = block[1:]
    head = "".join(raw[:at])
    if head and not head.endswith(("\n", "\r")):
        head += newline
    return head + "".join(line + newline for line in block) + "".join(raw[at:])
