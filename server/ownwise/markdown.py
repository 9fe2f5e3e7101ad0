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
