"""Blocks, not only files: is the function around a block of AI code core, whatever its file is?

A file can mix CRUD and core: a module of routes with one constant-time ``authenticate``. An AI
block inside a function whose own evidence is core is asked about, and counted as debt, as
core even in a repeatable (or transient) file. :func:`unit_verdict` finds the function (or
method) around a block and weighs its own evidence:

- a **security** import the function uses (``hmac.compare_digest``, ``secrets``, ``jwt``,
  Node's ``crypto``, ``javax.crypto``...): core;
- at least :data:`UNIT_BRANCHES` branch points of its own: core;
- another hard-domain import it uses (concurrency, parsing, numerical, low-level) and at
  least :data:`UNIT_HARD_BRANCHES` branch points: core.

Functions are found by indentation (Python) or by braces (the C family: JavaScript and
TypeScript, Go, Rust, Java, Kotlin, C, C#, Swift, PHP). Pure Python, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .facts import FileFacts, file_facts, language_of
from .facts import Lazy as _Lazy

__all__ = ["UNIT_BRANCHES", "UNIT_HARD_BRANCHES", "Unit", "enclosing_unit", "unit_verdict"]

#: a function with this many branch points of its own is core
UNIT_BRANCHES = 10
#: ... or this many, when it uses a hard-domain import (concurrency, parsing, numerical, low-level)
UNIT_HARD_BRANCHES = 4

_PY_DEF = _Lazy(r"^([ \t]*)(?:async[ \t]+)?def[ \t]+(\w+)")
_C_SIGNATURE = _Lazy(
    r"\bfunction\b[ \t]*\*?[ \t]*(\w*)|\bfunc\b[ \t]*(?:\([^)]*\)[ \t]*)?(\w+)|\bfn[ \t]+(\w+)"
    r"|\bfun[ \t]+(?:[\w.<>]+\.)?(\w+)"
    r"|(\w+)[ \t]*=[ \t]*(?:async[ \t]*)?(?:\([^)]*\)|\w+)[ \t]*=>"
    r"|^[ \t]*(?:(?:public|private|protected|internal|static|final|override|async|export|default|virtual|abstract"
    r"|synchronized|suspend|open|inline)[ \t]+)*(?:[\w<>\[\],.?]+[ \t]+)?(\w+)[ \t]*\([^;]*\)[ \t]*(?:[:\->][^{;]*)?\{")
_KEYWORDS = frozenset({"if", "for", "while", "switch", "catch", "return", "else", "do", "try", "when", "match"})


@dataclass(frozen=True)
class Unit:
    """A function around a block: its name, its lines (0-based, inclusive) and what decided its class."""

    name: str
    start_line: int
    end_line: int
    core: bool
    why: str  # e.g. "the function authenticate is core: it uses hmac (security)"


def enclosing_unit(lines: Sequence[str], start: int, end: int, language: str) -> tuple[str, int, int] | None:
    """``(name, first line, last line)`` of the function around lines *start*..*end*, or None."""
    if not lines or start < 0 or start >= len(lines):
        return None
    end = min(max(end, start), len(lines) - 1)
    if language == "python":
        return _python_unit(lines, start, end)
    if language in ("js", "go", "rust", "java", "c", "csharp", "swift", "php", "dart"):
        return _brace_unit(lines, start, end)
    return None


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


def _python_unit(lines: Sequence[str], start: int, end: int) -> tuple[str, int, int] | None:
    first = next((i for i in range(start, end + 1) if lines[i].strip()), None)
    if first is None:
        return None
    inner = _indent(lines[first])
    for i in range(first, -1, -1):
        m = _PY_DEF.match(lines[i])
        if m is None or not lines[i].strip():
            continue
        level = len(m.group(1).replace("\t", "    "))
        if i == first or level < inner:
            last = i
            for j in range(i + 1, len(lines)):
                if lines[j].strip() and _indent(lines[j]) <= level and not lines[j].lstrip().startswith(")"):
                    break
                last = j if lines[j].strip() else last
            if last >= end:
                return m.group(2), i, last
            inner = level  # the block runs past this def: look further out
    return None


def _brace_unit(lines: Sequence[str], start: int, end: int) -> tuple[str, int, int] | None:
    # depth of each line's start, counting braces outside strings and line comments
    depth_at: list[int] = []
    depth = 0
    opens: list[tuple[int, int]] = []  # (line, depth after) of each "{"
    closes: dict[int, int] = {}  # line of a "{" -> line of its "}"
    stack: list[int] = []
    for i, line in enumerate(lines):
        depth_at.append(depth)
        code = re.sub(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`|//.*', "", line)
        for ch in code:
            if ch == "{":
                stack.append(i)
                depth += 1
                opens.append((i, depth))
            elif ch == "}" and stack:
                closes.setdefault(stack.pop(), i)
                depth -= 1
    del opens
    # the innermost "{" opened on a signature line at or before the block whose "}" is at or after it
    best: tuple[str, int, int] | None = None
    for open_line, close_line in closes.items():
        if open_line > start or close_line < end:
            continue
        sig = lines[open_line]
        m = _C_SIGNATURE.search(sig)
        if m is None:
            continue
        name = next((g for g in m.groups() if g), "")
        if name in _KEYWORDS:
            continue
        if best is None or open_line > best[1]:
            best = (name or "(anonymous)", open_line, close_line)
    return best


def unit_verdict(relpath: str, lines: Sequence[str], start: int, end: int,
                 file: FileFacts | None = None) -> Unit | None:
    """The function around a block and whether its own evidence is core (None: no function found)."""
    language = language_of(relpath)
    found = enclosing_unit(lines, start, end, language)
    if found is None:
        return None
    name, first, last = found
    text = "".join(lines[first:last + 1])
    own = file_facts(relpath, text)
    file = file if file is not None else file_facts(relpath, "".join(lines))
    used = _used_hard(file, text)
    security = sorted(n for n, d in used if d == "security")
    other = sorted(f"{n} ({d})" for n, d in used if d != "security")
    label = f"the function {name}" if name != "(anonymous)" else "the function around it"
    branch_text = f"{own.branches} branch point{'s' if own.branches != 1 else ''}"
    if security:
        return Unit(name, first, last, True, f"{label} is core: it uses {', '.join(security)} (security)")
    if own.branches >= UNIT_BRANCHES:
        return Unit(name, first, last, True, f"{label} is core: {branch_text}")
    if other and own.branches >= UNIT_HARD_BRANCHES:
        return Unit(name, first, last, True, f"{label} is core: it uses {', '.join(other)}, {branch_text}")
    return Unit(name, first, last, False, f"{label}: {branch_text}")


def _used_hard(file: FileFacts, text: str) -> list[tuple[str, str]]:
    """(local name, domain) of the file's hard-domain imports that *text* mentions."""
    from .facts import _HARD

    out: list[tuple[str, str]] = []
    for spec in file.imports:
        for domain, rx in _HARD.get(file.language, ()):
            if rx.search(spec):
                name = re.split(r"[./:\\]+", spec.rstrip("/"))[-1].replace("-", "_")
                if name and re.search(rf"\b{re.escape(name)}\b", text):
                    out.append((name, domain))
                break
    return sorted(set(out))
