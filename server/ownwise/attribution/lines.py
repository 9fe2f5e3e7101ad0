"""The lines of a mirrored document, kept in chunks to save memory.

A list with one ``str`` per line costs about 57 bytes per line on top of the
text (the string header and the list's pointer): 28 MB for 100 open files of
5,000 lines, twice the text itself. :class:`Lines` keeps runs of up to
:data:`CHUNK` lines joined in one string (one header per run) and splits
exactly one of them (the *hot* chunk, the one last read or edited) into a list
of lines, so typing at one place keeps working on a plain list.

A ``Lines`` reads like a ``list[str]`` (``len``, indexing, slices, iteration,
``==`` with a list) and is changed only through :meth:`Lines.replace` (or
slice assignment, which calls it). Its lines must keep the mirror's invariant:
each line ends with its line break except the last, which has none, and no
line ends in ``"\\r"`` when the next one starts with ``"\\n"`` (that would be
one ``"\\r\\n"`` break). The document enforces this (``TrackedDocument``).
"""

from __future__ import annotations

import builtins
import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from itertools import accumulate
from typing import overload

#: lines per chunk when a run is (re)chunked; a hot chunk may grow to twice this
CHUNK = 64

_BREAK = re.compile(r"\r\n|\r|\n")


def split_lines(text: str) -> list[str]:
    """Split into lines that keep their breaks; the last item has none (maybe "")."""
    if "\n" not in text and "\r" not in text:
        return [text]
    if _plain_breaks(text):  # str.splitlines (in C) agrees with LSP here; it drops the last ""
        out = text.splitlines(keepends=True)
        if text[-1] in "\r\n":
            out.append("")
        return out
    out = []
    pos = 0
    for m in _BREAK.finditer(text):
        end = m.end()
        out.append(text[pos:end])
        pos = end
    out.append(text[pos:])
    return out


class Lines(Sequence[str]):
    """A document's lines, chunked (see the module docstring)."""

    __slots__ = ("_chunks", "_counts", "_starts", "_n", "_hot", "_size")

    def __init__(self, lines: Iterable[str] = ("",), *, chunk: int = CHUNK) -> None:
        self._size = max(1, chunk)
        self._chunks: list[str | list[str]] = []
        self._counts: list[int] = []
        self._starts: list[int] = []
        self._hot = -1  # index of the one chunk held as a list, or -1
        lines = lines if isinstance(lines, list) else list(lines)
        if not lines:
            raise ValueError("a document has at least one line")
        self._n = len(lines)
        self._chunks, self._counts = self._pack(lines)
        self._reindex()

    @classmethod
    def from_text(cls, text: str, *, chunk: int = CHUNK) -> Lines:
        """The lines of ``text``, chunked straight from it (no string per line, even for a moment)."""
        self = cls.__new__(cls)
        self._size = k = max(1, chunk)
        self._hot = -1
        chunks: list[str | list[str]] = []
        counts: list[int] = []
        start = in_chunk = 0
        for m in _BREAK.finditer(text):
            in_chunk += 1
            if in_chunk == k:
                end = m.end()
                chunks.append(text[start:end])
                counts.append(k)
                start, in_chunk = end, 0
        chunks.append(text[start:])  # the last line (maybe "") and the lines before it
        counts.append(in_chunk + 1)
        self._chunks, self._counts, self._n = chunks, counts, sum(counts)
        self._reindex()
        return self

    # ------------------------------------------------------------- internals
    def _pack(self, lines: list[str]) -> tuple[list[str | list[str]], list[int]]:
        k = self._size
        if len(lines) <= k:
            return ["".join(lines)], [len(lines)]
        chunks: list[str | list[str]] = ["".join(lines[i : i + k]) for i in range(0, len(lines), k)]
        counts = [k] * (len(chunks) - 1) + [len(lines) - k * (len(chunks) - 1)]
        return chunks, counts

    def _reindex(self) -> None:
        self._starts = [0, *accumulate(self._counts[:-1])]

    def _split(self, c: int) -> list[str]:
        """Chunk ``c``'s lines as a new list (the chunk itself is left as it is)."""
        chunk = self._chunks[c]
        if isinstance(chunk, list):
            return chunk[:]
        if self._counts[c] == 1:
            return [chunk]
        out = split_lines(chunk)
        del out[self._counts[c]:]  # the "" after a chunk's final break (kept in the last chunk only)
        return out

    def _expand(self, c: int) -> list[str]:
        """Make chunk ``c`` the hot one (held as a list) and return that list."""
        hot = self._hot
        if hot == c:
            return self._chunks[c]  # type: ignore[return-value]
        if hot >= 0:
            self._chunks[hot] = "".join(self._chunks[hot])
        lines = self._split(c)
        self._chunks[c] = lines
        self._hot = c
        return lines

    def _chunk_of(self, i: int) -> int:
        return bisect_right(self._starts, i) - 1

    # ------------------------------------------------------------- reading
    def __len__(self) -> int:
        return self._n

    @overload
    def __getitem__(self, i: int) -> str: ...
    @overload
    def __getitem__(self, i: slice) -> list[str]: ...

    def __getitem__(self, i: int | slice) -> str | list[str]:
        if isinstance(i, slice):
            a, b, step = i.indices(self._n)
            if step != 1:
                return self.tolist()[i]
            return self.slice(a, b)
        n = self._n
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError("line index out of range")
        c = self._hot
        if c >= 0:
            start = self._starts[c]
            if start <= i < start + self._counts[c]:
                return self._chunks[c][i - start]
        c = self._chunk_of(i)
        return self._expand(c)[i - self._starts[c]]

    def slice(self, a: int, b: int) -> list[str]:
        """Lines ``a`` to ``b - 1`` (clamped) as a new list."""
        a, b = max(a, 0), min(b, self._n)
        if a >= b:
            return []
        c0, c1 = self._chunk_of(a), self._chunk_of(b - 1)
        if c0 == c1:
            chunk = self._chunks[c0]
            lines = chunk if isinstance(chunk, list) else self._split(c0)
            s = self._starts[c0]
            return lines[a - s : b - s]
        out: list[str] = []
        for c in range(c0, c1 + 1):
            chunk = self._chunks[c]
            out += chunk if isinstance(chunk, list) else self._split(c)
        s = self._starts[c0]
        return out[a - s : b - s]

    def __iter__(self) -> Iterator[str]:
        for c, chunk in enumerate(self._chunks):
            yield from (chunk if isinstance(chunk, list) else self._split(c))

    def tolist(self) -> list[str]:
        return list(self)

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else "".join(c) for c in self._chunks)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Lines):
            return self.tolist() == other.tolist()
        if isinstance(other, list):
            return len(other) == self._n and self.tolist() == other
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable, like a list

    def __repr__(self) -> str:
        return f"Lines({self.tolist()!r})"

    # ------------------------------------------------------------- writing
    def __setitem__(self, i: builtins.slice, new: Iterable[str]) -> None:
        if not isinstance(i, slice):
            raise TypeError("assign lines through a slice: lines[a:b] = [...]")
        a, b, step = i.indices(self._n)
        if step != 1:
            raise ValueError("extended slices are not supported")
        self.replace(a, max(a, b), new)

    def replace(self, a: int, b: int, new: Iterable[str]) -> None:
        """Replace lines ``a`` to ``b - 1`` with ``new`` (``a == b``: insert before ``a``)."""
        new = new if isinstance(new, list) else list(new)
        n = self._n
        if not (0 <= a <= b <= n):
            raise IndexError(f"line range {a}:{b} outside 0:{n}")
        if self._n - (b - a) + len(new) < 1:
            raise ValueError("a document has at least one line")
        # the chunks the change touches: an insert at the very end goes into the last one
        c0 = self._chunk_of(min(a, n - 1))
        c1 = self._chunk_of(min(max(b - 1, a), n - 1))
        start = self._starts[c0]
        if c0 == c1 == self._hot:
            lines = self._chunks[c0]
            lines[a - start : b - start] = new  # type: ignore[index]
            delta = len(new) - (b - a)
            self._n += delta
            if delta:
                self._counts[c0] += delta
                if self._counts[c0] == 0:
                    self._drop(c0)
                elif self._counts[c0] > 2 * self._size:
                    self._rechunk(c0, c0, lines)  # type: ignore[arg-type]
                else:
                    self._starts[c0 + 1 :] = [s + delta for s in self._starts[c0 + 1 :]]
            return
        lines = self.slice(self._starts[c0], self._starts[c1] + self._counts[c1])
        lines[a - start : b - start] = new
        self._n += len(new) - (b - a)
        self._rechunk(c0, c1, lines)

    def _drop(self, c: int) -> None:
        del self._chunks[c], self._counts[c]
        self._hot = -1
        self._reindex()

    def _rechunk(self, c0: int, c1: int, lines: list[str]) -> None:
        """Put ``lines`` in place of chunks ``c0..c1``; the piece at the change stays hot."""
        hot = self._hot
        if hot >= 0 and not c0 <= hot <= c1:
            self._chunks[hot] = "".join(self._chunks[hot])
        self._hot = -1
        if not lines:
            del self._chunks[c0 : c1 + 1], self._counts[c0 : c1 + 1]
        elif len(lines) <= 2 * self._size:
            self._chunks[c0 : c1 + 1] = [lines]
            self._counts[c0 : c1 + 1] = [len(lines)]
            self._hot = c0
        else:
            chunks, counts = self._pack(lines)
            self._chunks[c0 : c1 + 1] = chunks
            self._counts[c0 : c1 + 1] = counts
        self._reindex()


def _plain_breaks(s: str) -> bool:
    """True when ``str.splitlines`` (fast, in C) splits ``s`` exactly at LSP's line breaks.

    ``splitlines`` also breaks at ``\\v``, ``\\f``, ``\\x1c-\\x1e``, ``\\x85``,
    ``\\u2028`` and ``\\u2029``, which LSP does not; in ASCII text without the
    first five the two agree.
    """
    return (s.isascii() and "\v" not in s and "\f" not in s
            and "\x1c" not in s and "\x1d" not in s and "\x1e" not in s)

