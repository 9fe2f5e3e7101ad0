"""Markdown helpers shared by the explanation and reflection documents (pure)."""

from __future__ import annotations

import re
from collections.abc import Sequence

FENCE_OPEN = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
COMMENT = re.compile(r"<!--.*?-->", re.S)


def strip_comments(text: str) -> str:
    return COMMENT.sub("", text)


def outside_fences(lines: Sequence[str]) -> list[bool]:
    """For each line, whether it is outside fenced code (fence lines themselves count as inside)."""
    flags: list[bool] = []
    opener: tuple[str, int] | None = None
    for line in lines:
        if opener is None:
            m = FENCE_OPEN.match(line)
            if m and not (m.group(1)[0] == "`" and "`" in m.group(2)):
                opener = (m.group(1)[0], len(m.group(1)))
                flags.append(False)
            else:
                flags.append(True)
        else:
            char, length = opener
            if re.match(rf"^ {{0,3}}{re.escape(char)}{{{length},}}[ \t]*$", line):
                opener = None
            flags.append(False)
    return flags


def score_1_to_5(value: str, label: str, hint: re.Pattern[str] | None = None) -> tuple[int | None, str | None]:
    """A filled-in ``N/5`` line: (N, None), (None, None) while still ``_``, or (None, error).

    ``hint`` removes a printed explanation such as "(1 = a struggle, 5 = easy)" first.
    """
    written = strip_comments(value).strip()
    shown = hint.sub("", written).strip() if hint else written
    core = re.sub(r"\s*/\s*5\s*$", "", shown.replace("*", "").strip()).strip().strip("_").strip()
    if not core:
        return None, None
    if re.fullmatch(r"\d+", core):
        number = int(core)
        if 1 <= number <= 5:
            return number, None
        return None, f"{label} must be a number from 1 to 5, not {number}"
    return None, f"{label} must be a number from 1 to 5, not '{shown}'"
