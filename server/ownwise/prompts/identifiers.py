"""The names in a piece of code, most telling first, and whether a text mentions one.

Language-agnostic and approximate: a small scanner drops string literals and
comments, then regular expressions pick out identifiers, the names the code
defines (after ``def``/``function``/``func``/``fn``/``fun``/``class``/``const``/
``let``/``var``/``type``/``struct``/``interface``/``enum``/``trait``/``#define``,
C-style ``int name(...) {`` definitions, assignment targets, annotated fields,
destructuring, and the parameters of functions, arrows and lambdas) and calls.
Good enough to ask "does this answer name anything from the code?", not a parser.

Pure Python: no protocol, no storage.
"""

from __future__ import annotations

import re
from collections import Counter

__all__ = ["identifiers", "is_callable_name", "mentions", "name_words", "primary_name"]

MIN_LENGTH = 3

_KEYWORDS = frozenset(
    # Python
    "False None True and as assert async await break class continue def del elif else except "
    "finally for from global if import in is lambda nonlocal not or pass raise return try while "
    "with yield match case "
    # JavaScript / TypeScript
    "catch const debugger default delete do export extends function instanceof new super switch "
    "this throw typeof var void let static enum implements package protected interface private "
    "public of get set type any unknown never boolean symbol readonly declare namespace abstract "
    "keyof infer undefined null true false constructor "
    # Go
    "chan defer fallthrough func go goto map range select struct nil iota int8 int16 int32 int64 "
    "uint uint8 uint16 uint32 uint64 uintptr float32 float64 complex64 complex128 rune byte "
    "string make cap copy panic recover close "
    # Rust
    "crate dyn extern fn impl loop mod move mut pub ref Self trait unsafe use where usize isize "
    "u8 u16 u32 u64 u128 i8 i16 i32 i64 i128 f32 f64 char str bool Box Vec Option Some Result "
    "Ok Err String println eprintln format vec unwrap expect clone "
    # Java
    "byte double final float goto long native short strictfp synchronized throws transient "
    "volatile record Override Integer Object System fun"
    # C
    " auto inline register restrict signed sizeof typedef union unsigned include define undef "
    "ifdef ifndef endif pragma NULL size_t printf"
    .split()
)

_NOISE = frozenset(
    "self this cls print len range str int float bool list dict set tuple None True False null "
    "undefined true false console log return args kwargs isinstance issubclass super object "
    "enumerate zip map filter sorted reversed min max sum abs all any iter next repr hash id "
    "getattr setattr hasattr delattr input open format type vars dir callable property "
    "staticmethod classmethod Exception ValueError TypeError KeyError IndexError RuntimeError "
    "AttributeError NotImplementedError StopIteration length push append pop require module "
    "exports JSON Math Array Promise prototype document window then"
    .split()
)

_STOP = _KEYWORDS | _NOISE
# Words that, before ``name(...) {``, show a statement rather than a definition (``else if (x) {``).
_KEYWORDS_NOT_TYPES = frozenset(
    "return else new throw await yield case do if for while switch catch typeof delete in of".split()
)

_IDENT = re.compile(r"(?<![A-Za-z0-9_])(?:\d[A-Za-z0-9_.]*|([A-Za-z_][A-Za-z0-9_]*))")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_DUNDER = re.compile(r"^__\w+__$")

# -- scanning away strings and comments -------------------------------------

_PY_STRONG = re.compile(
    r"^[ \t]*(?:async[ \t]+)?def[ \t]+\w+[ \t]*\("
    r"|^[ \t]*class[ \t]+\w+[ \t]*[(:]"
    r"|^[ \t]*(?:from[ \t]+[\w.]+[ \t]+)?import[ \t]+[\w., ]+$"
    r"|^[ \t]*(?:elif|except)\b",
    re.M,
)
_NOT_PY = re.compile(r"[{};][ \t]*$|^[ \t]*//|\b(?:const|let|var|function|func|fn)\b|=>", re.M)
_RUST = re.compile(r"\bfn[ \t]+\w+|\bimpl\b|\blet[ \t]+mut\b|&'\w|<'\w")
_SPECIAL = re.compile(r"[\"'`#/]")
_PREPROCESSOR = re.compile(
    r"#[ \t]*(?:include|define|undef|if|ifdef|ifndef|elif|else|endif|pragma|error|warning|line|import)\b"
)
_LIFETIME = re.compile(r"'[A-Za-z_]\w*(?!['\w])")


def _is_python_like(code: str) -> bool:
    return bool(_PY_STRONG.search(code)) or not _NOT_PY.search(code)


def _quoted_end(code: str, i: int, quote: str, multiline: bool) -> int:
    """Index just past the closing ``quote`` of a literal opened at ``i``, or -1."""
    j, n, q = i + len(quote), len(code), len(quote)
    while j < n:
        c = code[j]
        if c == "\\":
            j += 2
            continue
        if c == "\n" and not multiline:
            return -1
        if code.startswith(quote, j):
            return j + q
        j += 1
    return -1


def _scrub(code: str) -> str:
    """``code`` with string literals replaced by ``""`` and comments removed (line breaks kept)."""
    python = _is_python_like(code)
    rust = not python and bool(_RUST.search(code))
    out: list[str] = []
    i, n = 0, len(code)
    while i < n:
        m = _SPECIAL.search(code, i)
        if m is None:
            out.append(code[i:])
            break
        j = m.start()
        out.append(code[i:j])
        c = code[j]
        if c in "\"'" and code.startswith(c * 3, j):
            end = _quoted_end(code, j, c * 3, multiline=True)
            end = n if end < 0 else end
            out.append('""' + "\n" * code.count("\n", j, end))
            i = end
        elif c in "\"'`":
            if c == "'" and rust and _LIFETIME.match(code, j):
                out.append(" ")
                i = j + 1
                continue
            end = _quoted_end(code, j, c, multiline=c == "`")
            if end < 0:
                out.append(" ")
                i = j + 1
            else:
                out.append('""' + "\n" * code.count("\n", j, end))
                i = end
        elif c == "#":
            line_start = code.rfind("\n", 0, j) + 1
            prev = code[j - 1] if j > 0 else ""
            keep = not python and (
                (not code[line_start:j].strip() and _PREPROCESSOR.match(code, j))
                or code.startswith(("#[", "#!["), j)
                or prev.isalnum()
                or prev in "._"
            )
            if keep and re.match(r"#[ \t]*(?:include|import)\b", code[j:]):
                eol = code.find("\n", j)  # ``#include <stdio.h>``: nothing telling
                i = n if eol < 0 else eol
            elif keep:
                out.append(" ")
                i = j + 1
            else:
                eol = code.find("\n", j)
                i = n if eol < 0 else eol
        elif not python and code.startswith("//", j):
            eol = code.find("\n", j)
            i = n if eol < 0 else eol
        elif not python and code.startswith("/*", j):
            end = code.find("*/", j + 2)
            end = n if end < 0 else end + 2
            out.append(" " + "\n" * code.count("\n", j, end))
            i = end
        else:
            out.append(c)
            i = j + 1
    return "".join(out)


# -- definitions ------------------------------------------------------------

_DEF_KEYWORD = re.compile(
    r"(?<![\w.])(def|class|function|func|fn|const|let|var|type|struct|interface|enum|trait)\b"
    r"[ \t]*\*?[ \t]*(?:mut[ \t]+)?([A-Za-z_]\w*)?"
)
_CALLABLE_KEYWORDS = frozenset({"def", "class", "function", "func", "fn", "fun"})
_SIGNATURE = re.compile(r"(?<![\w.])(def|function|func|fn|fun)\b[ \t]*\*?[ \t]*")
# C, C++, Java, C#, JS class methods: ``int sum(int *items, int n) {`` (types, name, params, brace).
_C_FUNCTION = re.compile(
    r"^[ \t]*((?:[\w*&<>\[\],:]+[ \t]+)+)\**([A-Za-z_]\w*)[ \t]*\(([^;{}()]*)\)"
    r"[ \t]*(?:const|noexcept|throws[\w \t,.]*)?\s*\{",
    re.M,
)
_C_DEFINE = re.compile(r"(?<![\w.])define[ \t]+([A-Za-z_]\w*)")
_ASSIGN = re.compile(
    r"(?<![\w.])((?:[A-Za-z_][\w.]*[ \t]*,[ \t]*){0,8}[A-Za-z_][\w.]*)[ \t]*(?::=|=(?![=>]))"
)
_ANNOTATED = re.compile(r"^[ \t]*([A-Za-z_]\w*)[ \t]*:[ \t]*[A-Za-z_][\w.\[\], |]*(?:=(?!=).*)?$", re.M)
_DESTRUCTURE = re.compile(r"(?<![\w.])(?:const|let|var)[ \t]*([{\[])")
_GO_GROUP = re.compile(r"(?<![\w.])(?:var|const|type)[ \t]*\(")
_ARROW_PARENS = re.compile(r"\(([^()]*)\)[ \t]*(?::[^=()\n]*)?=>")
_ARROW_SINGLE = re.compile(r"(?<![\w.])([A-Za-z_]\w*)[ \t]*=>")
_LAMBDA = re.compile(r"(?<![\w.])lambda\b([^:\n]*):")
_CLOSERS = {"(": ")", "[": "]", "{": "}", "<": ">"}


def _balanced_end(code: str, i: int) -> int:
    """Index just past the bracket that closes the one at ``i`` (or ``len(code)``)."""
    opener = code[i]
    closer = _CLOSERS[opener]
    depth = 0
    for j in range(i, len(code)):
        c = code[j]
        if c == opener:
            depth += 1
        elif c == closer and not (closer == ">" and code[j - 1] in "=-"):
            depth -= 1
            if depth == 0:
                return j + 1
    return len(code)


def _split_top(params: str) -> list[tuple[int, str]]:
    """Split on commas outside brackets: ``(offset, piece)`` pairs."""
    pieces: list[tuple[int, str]] = []
    depth, start = 0, 0
    for j, c in enumerate(params):
        if c in "([{<":
            depth += 1
        elif c in ")]}" or (c == ">" and j > 0 and params[j - 1] not in "=-"):
            depth = max(0, depth - 1)
        elif c == "," and depth == 0:
            pieces.append((start, params[start:j]))
            start = j + 1
    pieces.append((start, params[start:]))
    return pieces


def _param_names(params: str, base: int, c_style: bool = False) -> list[tuple[int, str]]:
    """Parameter names in a parameter list (first name of each; all names of a destructuring).

    ``c_style``: ``int *items`` names ``items`` (the last name before any ``=``),
    unless the parameter is annotated ``name: Type``.
    """
    found: list[tuple[int, str]] = []
    for offset, piece in _split_top(params):
        stripped = piece.lstrip(" \t\r\n*&.")
        lead = offset + len(piece) - len(stripped)
        if stripped[:1] in ("{", "["):
            inner = stripped[: _balanced_end(stripped, 0)]
            found.extend((base + lead + m.start(), m.group()) for m in _NAME.finditer(inner))
            continue
        if c_style and ":" not in stripped:
            names = list(_NAME.finditer(stripped.split("=", 1)[0]))
            if names:
                found.append((base + lead + names[-1].start(), names[-1].group()))
            continue
        for m in _NAME.finditer(stripped):
            if m.group() in ("mut", "ref", "public", "private", "protected", "readonly", "final"):
                continue
            found.append((base + lead + m.start(), m.group()))
            break
    return found


def _signatures(code: str) -> list[tuple[int, str | None, list[tuple[int, str]]]]:
    """Each ``def``/``function``/``func``/``fn``: (position, name or None, parameters)."""
    out: list[tuple[int, str | None, list[tuple[int, str]]]] = []
    for m in _SIGNATURE.finditer(code):
        i, params = m.end(), []
        if m.group(1) == "func" and code.startswith("(", i):  # Go receiver or anonymous func
            close = _balanced_end(code, i)
            after = re.match(r"[ \t]*([A-Za-z_]\w*)[ \t]*[\[(]", code[close:])
            if after is None:
                out.append((m.start(), None, _param_names(code[i + 1 : close - 1], i + 1)))
                continue
            params.extend(_param_names(code[i + 1 : close - 1], i + 1))
            i = close + after.start(1)
        nm = _NAME.match(code, i)
        name = nm.group() if nm else None
        name_pos = nm.start() if nm else m.start()
        if name is None and m.group(1) in ("def", "fn", "fun"):  # ``fn(x)``: calls a variable
            continue
        j = nm.end() if nm else i
        while j < len(code) and code[j] in " \t":
            j += 1
        if j < len(code) and code[j] in "<[":  # generics
            j = _balanced_end(code, j)
            while j < len(code) and code[j] in " \t":
                j += 1
        if j < len(code) and code[j] == "(":
            close = _balanced_end(code, j)
            params.extend(_param_names(code[j + 1 : close - 1], j + 1))
        out.append((name_pos, name, params))
    for m in _C_FUNCTION.finditer(code):
        name = m.group(2)
        if name in _KEYWORDS or any(t in _KEYWORDS_NOT_TYPES for t in m.group(1).split()):
            continue
        out.append((m.start(2), name, _param_names(m.group(3), m.start(3), c_style=True)))
    out.sort(key=lambda sig: sig[0])
    return out


def _paren_depths(code: str) -> list[int]:
    depths, depth = [], 0
    for c in code:
        depths.append(depth)
        if c in "([":
            depth += 1
        elif c in ")]":
            depth = max(0, depth - 1)
    return depths


def _definitions(code: str) -> list[tuple[int, str]]:
    """``(position, name)`` of every name the (scrubbed) code defines."""
    found: list[tuple[int, str]] = []
    for m in _DEF_KEYWORD.finditer(code):
        if m.group(2):
            found.append((m.start(2), m.group(2)))
    for pos, name, params in _signatures(code):
        if name:
            found.append((pos, name))
        found.extend(params)
    depths = _paren_depths(code)
    for m in _ASSIGN.finditer(code):
        if depths[m.start()]:
            continue
        for target in re.finditer(r"[A-Za-z_][\w.]*", m.group(1)):
            found.append((m.start(1) + target.start(), target.group().rsplit(".", 1)[-1]))
    for m in _ANNOTATED.finditer(code):
        found.append((m.start(1), m.group(1)))
    for m in _DESTRUCTURE.finditer(code):
        start = m.start(1)
        inner = code[start : _balanced_end(code, start)]
        found.extend((start + n.start(), n.group()) for n in _NAME.finditer(inner))
    for m in _GO_GROUP.finditer(code):
        start = m.end() - 1
        block = code[start + 1 : _balanced_end(code, start) - 1]
        for line in re.finditer(r"^[ \t]*([A-Za-z_]\w*)", block, re.M):
            found.append((start + 1 + line.start(1), line.group(1)))
    for m in _C_DEFINE.finditer(code):
        found.append((m.start(1), m.group(1)))
    for m in _ARROW_PARENS.finditer(code):
        found.extend(_param_names(m.group(1), m.start(1)))
    for m in _ARROW_SINGLE.finditer(code):
        found.append((m.start(1), m.group(1)))
    for m in _LAMBDA.finditer(code):
        found.extend(_param_names(m.group(1), m.start(1)))
    return found


def _keep(name: str) -> bool:
    return len(name) >= MIN_LENGTH and name not in _STOP and not _DUNDER.match(name)


# -- public ------------------------------------------------------------------


def identifiers(code: str) -> list[str]:
    """The code's identifiers, most telling first: defined names, then the rest by frequency."""
    clean = _scrub(code)
    occurrences = [m.group(1) for m in _IDENT.finditer(clean) if m.group(1) and _keep(m.group(1))]
    counts = Counter(occurrences)
    first_seen = {name: i for i, name in reversed(list(enumerate(occurrences)))}
    defined: list[str] = []
    for _, name in sorted(_definitions(clean), key=lambda pair: pair[0]):
        if _keep(name) and name not in defined:
            defined.append(name)
    taken = set(defined)
    rest = sorted((n for n in counts if n not in taken), key=lambda n: (-counts[n], first_seen[n]))
    return defined + rest


def primary_name(code: str) -> str | None:
    """The function or class the code defines, else its most telling identifier, else ``None``."""
    clean = _scrub(code)
    named: list[tuple[int, str]] = [(pos, name) for pos, name, _ in _signatures(clean) if name]
    named.extend(
        (m.start(), m.group(2))
        for m in _DEF_KEYWORD.finditer(clean)
        if m.group(1) == "class" and m.group(2)
    )
    for _, name in sorted(named):
        if name not in _KEYWORDS:
            return name
    found = identifiers(code)
    return found[0] if found else None


def is_callable_name(code: str, name: str) -> bool:
    """True if ``name`` is defined as a function or class in ``code``, or called there."""
    if not name:
        return False
    clean = _scrub(code)
    for _pos, sig_name, _params in _signatures(clean):
        if sig_name == name:
            return True
    for m in _DEF_KEYWORD.finditer(clean):
        if m.group(1) in _CALLABLE_KEYWORDS and m.group(2) == name:
            return True
    return re.search(rf"(?<![A-Za-z0-9_]){re.escape(name)}[ \t]*\(", clean) is not None


def name_words(name: str) -> list[str]:
    """``retry_delay``, ``retryDelay``, ``RetryDelay`` -> ``["retry", "delay"]`` (lower-cased)."""
    words: list[str] = []
    for part in re.split(r"[^A-Za-z0-9]+", name):
        words.extend(re.findall(r"[A-Z]+(?=[A-Z][a-z]|\d|$)|[A-Z]?[a-z]+|[A-Z]+|\d+", part))
    return [w.lower() for w in words]


def mentions(text: str, name: str) -> bool:
    """Whether ``text`` names ``name`` (case-insensitive, whole word), also written as words.

    ``retry_delay`` is mentioned by "retry delay", "retry-delay", "retryDelay" or
    "retrydelay"; a plural or possessive ending ("delays", "delay's") counts too.
    """
    if not name or not text:
        return False
    edge_before, edge_after = r"(?<![A-Za-z0-9_])", r"(?:s|es|['’]s)?(?![A-Za-z0-9_])"
    if re.search(edge_before + re.escape(name) + edge_after, text, re.IGNORECASE):
        return True
    words = name_words(name)
    if not words:
        return False
    pattern = edge_before + r"[\s_\-]*".join(re.escape(w) for w in words) + edge_after
    return re.search(pattern, text, re.IGNORECASE) is not None
