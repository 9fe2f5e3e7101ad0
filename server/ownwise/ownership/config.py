"""Reading ownership rules from a workspace and from client settings.

A workspace's rules come from ``<root>/.ownwise.toml`` (``[[ownership.rules]]``)
or, only if that file does not exist, from ``<root>/pyproject.toml``
(``[[tool.ownwise.ownership.rules]]``).  A file with any error contributes no
rules at all; the errors are returned for the caller to show.

Every rule's ``origin`` names the file and the line it was written on: the
line of its ``[[...rules]]`` header, or, for an inline array
(``rules = [{glob = "...", class = "..."}]``), the line of that inline table
(TOML 1.0 inline tables are on one line, so that is the line of its glob).

Pure Python: no protocol, no storage.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

from .rules import ConfigError, OwnershipClass, Rule, _type_name, validate_glob

__all__ = [
    "OWNWISE_TOML",
    "PYPROJECT_TOML",
    "RuleSuggestion",
    "add_rule",
    "suggest_rule",
    "find_workspace_root",
    "load_workspace_rules",
    "rules_from_settings",
]

OWNWISE_TOML = ".ownwise.toml"
PYPROJECT_TOML = "pyproject.toml"

_OWNWISE_PATH = ("ownership", "rules")
_PYPROJECT_PATH = ("tool", "ownwise", "ownership", "rules")

_RULE_KEYS = ("glob", "class")
_CLASS_NAMES = ", ".join(c.value for c in OwnershipClass)


# --------------------------------------------------------------------------
# Workspace files


def load_workspace_rules(root: Path) -> tuple[list[Rule], list[ConfigError], list[Path]]:
    """Read the rules of the workspace at *root*.

    Returns ``(rules, errors, files)``: ``files`` are the files that were read
    (``[]`` if neither file exists).  With any error, ``rules`` is empty.
    """
    root = Path(os.path.abspath(os.fspath(root)))
    ownwise = root / OWNWISE_TOML
    if ownwise.is_file():
        return (*_load_file(ownwise, _OWNWISE_PATH), [ownwise])
    pyproject = root / PYPROJECT_TOML
    if pyproject.is_file():
        return (*_load_file(pyproject, _PYPROJECT_PATH), [pyproject])
    return [], [], []


def _load_file(path: Path, keypath: tuple[str, ...]) -> tuple[list[Rule], list[ConfigError]]:
    name = str(path)

    def error(line: int | None, message: str) -> tuple[list[Rule], list[ConfigError]]:
        return [], [ConfigError(name, line, message)]

    try:
        data = path.read_bytes()
    except OSError as exc:
        return error(None, f"cannot read the file: {exc.strerror or exc}")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return error(data[: exc.start].count(b"\n") + 1, "not valid UTF-8")
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line, message = _toml_error(text, str(exc))
        return error(line, f"invalid TOML: {message}")

    dotted = ".".join(keypath)
    value: Any = document
    for depth, key in enumerate(keypath):
        if key not in value:
            return [], []  # no rules configured here
        value = value[key]
        if depth < len(keypath) - 1 and not isinstance(value, dict):
            where = keypath[: depth + 1]
            if where == ("tool",):
                return [], []  # someone else's odd `tool`: no ownwise configuration
            return error(
                _locate(text, where).key_line,
                f"{'.'.join(where)} must be a table, not {_type_name(value)}",
            )

    located = _locate(text, keypath)
    if not isinstance(value, list):
        return error(located.key_line, f"{dotted} must be an array of tables, not {_type_name(value)}")
    lines: list[int | None] = [e.line for e in located.elements]
    if len(lines) != len(value):  # a layout the locator does not follow
        lines = [None] * len(value)

    rules: list[Rule] = []
    errors: list[ConfigError] = []
    for index, item in enumerate(value):
        loc = located.elements[index] if lines[index] is not None else None
        line = lines[index]
        label = f"{dotted}[{index}]"
        if not isinstance(item, dict):
            errors.append(
                ConfigError(name, line, f"{label} must be a table with \"glob\" and \"class\", "
                            f"not {_type_name(item)}")
            )
            continue
        problems = _check_item(item)
        for key, message in problems:
            key_line = loc.keys.get(key, line) if loc is not None and key else line
            errors.append(ConfigError(name, key_line, f"{label}: {message}"))
        if problems:
            continue
        origin = name if line is None else f"{name}:{line}"
        rules.append(Rule(item["glob"], _parse_class(item["class"]), origin))  # type: ignore[arg-type]
    if errors:
        errors.sort(key=lambda e: e.line or 0)
        return [], errors
    return rules, []


def _check_item(item: dict[str, Any]) -> list[tuple[str | None, str]]:
    """Problems of one rule table as ``(key, message)``; ``key`` locates it."""
    problems: list[tuple[str | None, str]] = []
    for key in item:
        if key not in _RULE_KEYS:
            problems.append((key, f"unknown key {key!r} (a rule has \"glob\" and \"class\")"))
    if "glob" not in item:
        problems.append((None, 'missing "glob"'))
    else:
        problem = validate_glob(item["glob"])
        if problem is not None:
            problems.append(("glob", problem))
    if "class" not in item:
        problems.append((None, 'missing "class"'))
    elif _parse_class(item["class"]) is None:
        problems.append(("class", _class_problem(item["class"])))
    return problems


def _parse_class(value: object) -> OwnershipClass | None:
    if not isinstance(value, str):
        return None
    try:
        return OwnershipClass(value.strip().lower())
    except ValueError:
        return None


def _class_problem(value: object) -> str:
    if not isinstance(value, str):
        return f"class must be a string, not {_type_name(value)} (expected one of: {_CLASS_NAMES})"
    return f"unknown class {value!r} (expected one of: {_CLASS_NAMES})"


_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_TOML_END = re.compile(r"\s*\(at end of document\)\s*$")


def _toml_error(text: str, message: str) -> tuple[int | None, str]:
    """The line of a ``TOMLDecodeError`` and its message without the position."""
    match = _TOML_POSITION.search(message)
    if match:
        return int(match.group(1)), f"{message[: match.start()]} (column {match.group(2)})"
    match = _TOML_END.search(message)
    if match:
        return max(1, text.count("\n") + (0 if text.endswith("\n") else 1)), (
            f"{message[: match.start()]} (at end of document)"
        )
    return None, message


# --------------------------------------------------------------------------
# Client settings


def _json_type_name(value: object) -> str:
    return {dict: "an object", list: "a list", type(None): "null"}.get(type(value)) or _type_name(value)


def rules_from_settings(raw: object) -> tuple[list[Rule], list[str]]:
    """Rules from the client settings value ``ownership.rules``.

    *raw* is ``None`` (not set) or a list of ``{"glob": ..., "class": ...}``.
    With any error the settings contribute no rules; each error names
    ``ownership.rules[i]``.
    """
    if raw is None:
        return [], []
    if not isinstance(raw, (list, tuple)):
        return [], [
            f"ownership.rules must be a list of {{\"glob\": ..., \"class\": ...}} objects, "
            f"not {_json_type_name(raw)}"
        ]
    rules: list[Rule] = []
    errors: list[str] = []
    for index, item in enumerate(raw):
        label = f"ownership.rules[{index}]"
        if not isinstance(item, dict):
            errors.append(f"{label} must be an object with \"glob\" and \"class\", not {_json_type_name(item)}")
            continue
        problems = _check_item(item)
        errors.extend(f"{label}: {message}" for _, message in problems)
        if not problems:
            rules.append(Rule(item["glob"], _parse_class(item["class"]), f"settings {label}"))  # type: ignore[arg-type]
    if errors:
        return [], errors
    return rules, []


# --------------------------------------------------------------------------
# Finding the root (for the CLI)


def find_workspace_root(path: Path, markers: dict[str, tuple[bool, bool, bool]] | None = None) -> Path | None:
    """The workspace root for a file or directory, walking up from it.

    Only directories up to the nearest one holding ``.git`` (the repository
    top) are searched.  Among them, the nearest with ``.ownwise.toml`` wins;
    else the nearest whose ``pyproject.toml`` has ``[tool.ownwise]``; else
    the ``.git`` directory's; else the nearest with a ``pyproject.toml``;
    else ``None``.  Symlinks are not resolved. *markers* (a dict kept by the
    caller) remembers what each directory holds across calls: ``ownwise
    classify`` asks for thousands of directories that share their parents.
    """
    start = os.path.normpath(os.path.abspath(os.fspath(path)))
    if not os.path.isdir(start):
        start = os.path.dirname(start)
    seen = markers if markers is not None else {}
    candidates: list[tuple[str, bool, bool]] = []  # (directory, has .ownwise.toml, has pyproject.toml)
    repo: str | None = None
    directory = start
    while True:
        m = seen.get(directory)
        if m is None:
            m = seen[directory] = (os.path.exists(os.path.join(directory, ".git")),
                                   os.path.isfile(os.path.join(directory, OWNWISE_TOML)),
                                   os.path.isfile(os.path.join(directory, PYPROJECT_TOML)))
        candidates.append((directory, m[1], m[2]))
        if m[0]:
            repo = directory
            break
        parent = os.path.dirname(directory)
        if parent == directory:
            break
        directory = parent
    for d, has_ownwise, _py in candidates:
        if has_ownwise:
            return Path(d)
    pyprojects = [d for d, _o, has_py in candidates if has_py]
    for d in pyprojects:
        if _has_tool_ownwise(Path(d, PYPROJECT_TOML)):
            return Path(d)
    if repo is not None:
        return Path(repo)
    return Path(pyprojects[0]) if pyprojects else None


_TOOL_OWNWISE = re.compile(r"""^\s*\[\[?\s*["']?tool["']?\s*\.\s*["']?ownwise\b""", re.M)


def _has_tool_ownwise(pyproject: Path) -> bool:
    """Whether *pyproject* has a ``[tool.ownwise]`` table (parsed once per file version)."""
    try:
        st = pyproject.stat()
    except OSError:
        return False
    return _tool_ownwise_in(str(pyproject), st.st_mtime_ns, st.st_size)


@lru_cache(maxsize=256)
def _tool_ownwise_in(pyproject: str, _mtime: int, _size: int) -> bool:
    try:
        text = Path(pyproject).read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    if "ownwise" not in text:
        return False  # no need to parse a big pyproject.toml to know that
    try:
        tool = tomllib.loads(text).get("tool")
    except tomllib.TOMLDecodeError:
        return bool(_TOOL_OWNWISE.search(text))
    return isinstance(tool, dict) and "ownwise" in tool


# --------------------------------------------------------------------------
# Locating rules in the TOML text
#
# tomllib gives values but no positions.  The document has already been parsed
# successfully when this runs, so a small structural scan is enough: it follows
# strings (all four kinds), comments, table headers, dotted keys, arrays and
# inline tables, and records where the elements of the target array start.


@dataclass
class _Element:
    line: int
    keys: dict[str, int] = field(default_factory=dict)  # key -> line (header form)


@dataclass
class _Located:
    key_line: int | None = None
    elements: list[_Element] = field(default_factory=list)


@dataclass(frozen=True)
class _Tok:
    kind: str  # "[", "]", "{", "}", "=", ",", ".", "nl", "str", "bare", "other"
    line: int
    text: str
    adjacent: bool = False  # for "[" / "]": the next character is the same bracket


_BARE = re.compile(r"[A-Za-z0-9_-]+")


def _tokens(text: str) -> Iterator[_Tok]:
    i, line, n = 0, 1, len(text)
    while i < n:
        c = text[i]
        if c in " \t\r":
            i += 1
        elif c == "\n":
            yield _Tok("nl", line, c)
            line += 1
            i += 1
        elif c == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end
        elif c in "[]":
            yield _Tok(c, line, c, adjacent=text.startswith(c, i + 1))
            i += 1
        elif c in "{}=,.":
            yield _Tok(c, line, c)
            i += 1
        elif c in "\"'":
            start = i
            if text.startswith(c * 3, i):
                i += 3
                while i < n and not text.startswith(c * 3, i):
                    i += 2 if c == '"' and text[i] == "\\" else 1
                i += 3
                extra = 0  # up to two quotes may end the content
                while extra < 2 and i < n and text[i] == c:
                    i += 1
                    extra += 1
            else:
                i += 1
                while i < n and text[i] != c and text[i] != "\n":
                    i += 2 if c == '"' and text[i] == "\\" else 1
                i += 1
            raw = text[start:i]
            yield _Tok("str", line, raw)
            line += raw.count("\n")
        else:
            match = _BARE.match(text, i)
            if match:
                yield _Tok("bare", line, match.group())
                i = match.end()
            else:
                yield _Tok("other", line, c)
                i += 1


def _key_part(tok: _Tok) -> str:
    if tok.kind == "str":
        try:
            return str(tomllib.loads(f"k = {tok.text}")["k"])
        except tomllib.TOMLDecodeError:
            return tok.text
    return tok.text


def _locate(text: str, target: tuple[str, ...]) -> _Located:
    """Where the elements of the array at *target* start, in document order."""
    toks = list(_tokens(text))
    pos = 0
    result = _Located()
    table: tuple[str, ...] = ()
    current: _Element | None = None  # element of an array-of-tables target

    def peek() -> _Tok | None:
        return toks[pos] if pos < len(toks) else None

    def skip_newlines() -> None:
        nonlocal pos
        while pos < len(toks) and toks[pos].kind == "nl":
            pos += 1

    def read_key() -> tuple[str, ...]:
        nonlocal pos
        parts: list[str] = []
        while pos < len(toks) and toks[pos].kind in ("bare", "str", "."):
            if toks[pos].kind != ".":
                parts.append(_key_part(toks[pos]))
            pos += 1
        return tuple(parts)

    def skip_value(record: _Located | None) -> None:
        nonlocal pos
        tok = peek()
        if tok is None:
            return
        if tok.kind == "[":
            pos += 1
            while True:
                skip_newlines()
                tok = peek()
                if tok is None:
                    return
                if tok.kind == "]":
                    pos += 1
                    return
                if tok.kind == ",":
                    pos += 1
                    continue
                if record is not None:
                    record.elements.append(_Element(tok.line))
                before = pos
                skip_value(None)
                if pos == before:
                    pos += 1  # malformed; cannot happen after tomllib accepted it
        elif tok.kind == "{":
            pos += 1
            while True:
                skip_newlines()
                tok = peek()
                if tok is None:
                    return
                if tok.kind == "}":
                    pos += 1
                    return
                if tok.kind == ",":
                    pos += 1
                    continue
                read_key()
                if peek() is not None and peek().kind == "=":  # type: ignore[union-attr]
                    pos += 1
                    skip_value(None)
                else:
                    pos += 1  # malformed; cannot happen after tomllib accepted it
        else:
            while pos < len(toks) and toks[pos].kind not in ("nl", ",", "]", "}"):
                pos += 1

    while True:
        skip_newlines()
        tok = peek()
        if tok is None:
            break
        if tok.kind == "[":
            array = tok.adjacent
            pos += 2 if array else 1
            keypath = read_key()
            while pos < len(toks) and toks[pos].kind != "nl":
                pos += 1
            table = keypath
            current = None
            if array and keypath == target:
                current = _Element(tok.line)
                result.elements.append(current)
                if result.key_line is None:
                    result.key_line = tok.line
            elif keypath == target and result.key_line is None:
                result.key_line = tok.line  # `[ownership.rules]`: not an array
            continue
        key = read_key()
        if not key or peek() is None or peek().kind != "=":  # type: ignore[union-attr]
            pos += 1  # not a key/value line; cannot happen after tomllib accepted it
            continue
        pos += 1
        full = table + key
        if current is not None and table == target:
            current.keys.setdefault(key[0], tok.line)
        if full == target:
            if result.key_line is None:
                result.key_line = tok.line
            skip_value(result)
        else:
            skip_value(None)
    return result


# --------------------------------------------------------------------------
# Learning from the user: a rule for a file's siblings


@dataclass(frozen=True)
class RuleSuggestion:
    """A rule to offer after the user set a file's class by hand, and where it would be written."""

    glob: str
    cls: OwnershipClass
    file: Path  # .ownwise.toml, or pyproject.toml when its [tool.ownwise] holds the rules
    text: str  # the TOML that would be inserted, shown to the user before it is written
    siblings: int  # how many other files the rule would reach


def suggest_rule(root: Path, path: Path, cls: OwnershipClass, files: list[Path] | None = None) -> RuleSuggestion | None:
    """A rule giving *cls* to the files beside *path* (its directory, ``dir/**``), or None.

    None when the file sits at the workspace root (a rule for the whole workspace is not a
    sibling rule) or has no siblings. *files*: the workspace's files (default: listed now).
    """
    root = Path(os.path.abspath(root))
    try:
        rel = Path(os.path.abspath(path)).relative_to(root)
    except ValueError:
        return None
    if len(rel.parts) < 2:
        return None
    directory = rel.parent.as_posix()
    glob = f"{directory}/**"
    if files is None:
        from .repo import list_files

        files = list_files(root / directory)
    siblings = sum(1 for f in files if f.parent.is_relative_to(root / directory) and f.resolve() != Path(
        os.path.abspath(path)).resolve())
    if siblings == 0:
        return None
    target, table = _rules_file(root)
    text = f'[[{table}]]\nglob = "{_toml_escape(glob)}"\nclass = "{cls.value}"\n'
    return RuleSuggestion(glob, cls, target, text, siblings)


def add_rule(suggestion: RuleSuggestion) -> Path:
    """Write the suggested rule into its file, **before** the rules already there (first match wins).

    The file's other content is kept byte for byte. Raises :class:`ValueError` when the file
    holds its rules in a form a table cannot be put in front of (an inline ``rules = [...]``)
    or would not parse afterwards; nothing is written then.
    """
    path = suggestion.file
    table = suggestion.text.split("]]", 1)[0].lstrip("[")
    try:
        old = path.read_text("utf-8")
    except FileNotFoundError:
        old = ""
    dotted = r"[ \t]*\.[ \t]*".join(re.escape(k) for k in table.split("."))
    header = re.compile(r"^[ \t]*\[\[[ \t]*" + dotted + r"[ \t]*\]\]", re.M)
    m = header.search(old)
    if m is not None:
        new = old[: m.start()] + suggestion.text + "\n" + old[m.start():]
    else:
        parsed = tomllib.loads(old) if old.strip() else {}
        keys = table.split(".")
        node: Any = parsed
        for k in keys:
            node = node.get(k) if isinstance(node, dict) else None
        if node is not None:
            raise ValueError(f"{path} lists its rules inline; add this rule to it yourself:\n{suggestion.text}")
        new = old + ("\n" if old and not old.endswith("\n") else "") + ("\n" if old.strip() else "") + suggestion.text
    rules, errors, _files = _check_written(path, new)
    if errors:
        raise ValueError(f"{path} would not be valid with the rule: {errors[0]}")
    path.write_text(new, encoding="utf-8")
    return path


def _check_written(path: Path, text: str):
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        probe = Path(tmp) / path.name
        probe.write_text(text, encoding="utf-8")
        keypath = _PYPROJECT_PATH if path.name == PYPROJECT_TOML else _OWNWISE_PATH
        rules, errors = _load_file(probe, keypath)
        return rules, errors, [probe]


def _rules_file(root: Path) -> tuple[Path, str]:
    """Where a workspace's rules live: ``.ownwise.toml`` unless only pyproject.toml has them."""
    ownwise = root / OWNWISE_TOML
    if not ownwise.is_file() and (root / PYPROJECT_TOML).is_file() and _has_tool_ownwise(root / PYPROJECT_TOML):
        return root / PYPROJECT_TOML, ".".join(_PYPROJECT_PATH)
    return ownwise, ".".join(_OWNWISE_PATH)


def _toml_escape(s: str) -> str:
    return s.replace("\\", "\\\\").replace('"', '\\"')
