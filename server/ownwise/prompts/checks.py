"""Gentle checks of an answer before it is stored: no model, just a few plain rules.

In order: an empty answer, the "I can't explain this yet" marker (always
accepted), too few words, an answer that mostly repeats the code, and an answer
that names nothing from the code.  Every refusal says exactly what to do next.

Pure Python: no protocol, no storage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..words import plural
from .identifiers import identifiers, is_callable_name, mentions, primary_name

__all__ = [
    "CANNOT_EXPLAIN",
    "MIN_WORDS",
    "Check",
    "check_answer",
    "copies_code",
    "count_words",
    "is_cannot_explain",
]

CANNOT_EXPLAIN = "I can't explain this yet"
MIN_WORDS = 15

COPY_LINE_SHARE = 0.5
COPY_NGRAM_SHARE = 0.6
COPY_LINE_MIN_LENGTH = 8
NGRAM = 4

FEEDBACK_EMPTY = 'Write your answer under "Your answer" first.'
FEEDBACK_CANNOT_EXPLAIN = (
    'Stored as "can\'t explain yet". That\'s honest: this block stays on your list.'
)
FEEDBACK_COPIES_CODE = "It mostly repeats the code. Say in your own words what it does and why."
FEEDBACK_OK = "Saved. Thank you for explaining it in your own words."

_MARKERS = frozenset({"i can't explain this yet", "i cannot explain this yet", "i can not explain this yet"})
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2032": "'", "`": "'"})
_WORD = re.compile(r"\w+(?:['\u2019.]\w+)*")
_TOKEN = re.compile(r"[^\W_]+")
_FENCE_LINE = re.compile(r"^(?:`{3,}|~{3,})")


@dataclass(frozen=True)
class Check:
    """The outcome of :func:`check_answer`.

    ``feedback`` is always a sentence for the person; ``reason`` is one of
    ``"ok"``, ``"cannotExplain"``, ``"empty"``, ``"tooShort"``, ``"copiesCode"``,
    ``"noIdentifier"``.
    """

    accepted: bool
    cannot_explain: bool
    feedback: str
    reason: str


def is_cannot_explain(text: str) -> bool:
    """Whether the whole answer is "I can't explain this yet" (any case, either apostrophe)."""
    norm = " ".join(text.split()).lower().translate(_APOSTROPHES)
    if norm.startswith("- "):
        norm = norm[2:]
    norm = norm.strip().rstrip(".!").strip()
    for wrapper in ("**", "*", "_", "'", '"'):
        if len(norm) > 2 * len(wrapper) and norm.startswith(wrapper) and norm.endswith(wrapper):
            norm = norm[len(wrapper) : -len(wrapper)].strip().rstrip(".!").strip()
    return norm in _MARKERS


def count_words(text: str) -> int:
    """Words: runs of letters and digits; ``don't`` and ``retry_delay`` are one word each."""
    return sum(1 for word in _WORD.findall(text) if word.strip("_"))


def _ngrams(tokens: list[str]) -> list[tuple[str, ...]]:
    return [tuple(tokens[i : i + NGRAM]) for i in range(len(tokens) - NGRAM + 1)]


def copies_code(text: str, code: str) -> bool:
    """Whether the answer mostly repeats the code (whole lines, or runs of four words)."""
    code_lines = {line.strip() for line in code.splitlines() if line.strip()}
    answer_lines = [
        line.strip()
        for line in text.splitlines()
        if len(line.strip()) >= COPY_LINE_MIN_LENGTH and not _FENCE_LINE.match(line.strip())
    ]
    if answer_lines:
        copied = sum(1 for line in answer_lines if line in code_lines)
        if copied / len(answer_lines) >= COPY_LINE_SHARE:
            return True
    answer_grams = _ngrams(_TOKEN.findall(text.lower()))
    if len(answer_grams) >= NGRAM:
        code_grams = set(_ngrams(_TOKEN.findall(code.lower())))
        shared = sum(1 for gram in answer_grams if gram in code_grams)
        if shared / len(answer_grams) >= COPY_NGRAM_SHARE:
            return True
    return False


def _first_line(code: str) -> str:
    return next((line for line in code.splitlines() if line.strip()), "")


def check_answer(text: str, code: str, kind: str = "explain", *, min_words: int = MIN_WORDS) -> Check:
    """Check an answer about ``code``; ``kind`` is ``"explain"``, ``"recall"`` or ``"review"``.

    For recall and review the person saw only the code's first line, so only the
    names on that line are looked for.
    """
    if not text.strip():
        return Check(False, False, FEEDBACK_EMPTY, "empty")
    if is_cannot_explain(text):
        return Check(True, True, FEEDBACK_CANNOT_EXPLAIN, "cannotExplain")
    words = count_words(text)
    if words < min_words:
        feedback = (
            f"That's {words} word{'' if words == 1 else 's'}. Say what the code does and why it does it "
            f"that way, in at least {plural(min_words, 'word')}."
        )
        return Check(False, False, feedback, "tooShort")
    if copies_code(text, code):
        return Check(False, False, FEEDBACK_COPIES_CODE, "copiesCode")
    pool = identifiers(code) if kind not in ("recall", "review") else identifiers(_first_line(code))
    if pool and not any(mentions(text, name) for name in pool):
        primary = primary_name(code)
        name = primary if primary in pool else pool[0]
        question = "what does it do?" if is_callable_name(code, name) else "what does it control?"
        return Check(False, False, f"It doesn't mention `{name}`: {question}", "noIdentifier")
    return Check(True, False, FEEDBACK_OK, "ok")
