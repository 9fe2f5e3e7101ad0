"""One tag per line, two bytes per line.

A ``list[Tag | None]`` costs a pointer (8 bytes) per line: 4 MB for 100 open
files of 5,000 lines, most of them ``None``. :class:`LineTags` keeps a 16-bit
code per line (``array("H")``, 0 for ``None``) and a palette of the distinct
tags; equal tags share one code. When the palette is full (65,535 tags in one
document, from many AI edits and their human-modified variants) it is
rebuilt from the codes still in use.

It reads and is changed like the list it replaces: ``len``, indexing, slices
(which return lists), iteration, ``==`` with a list, item and slice
assignment.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator
from typing import overload

from .model import Tag

#: most distinct tags one document holds before its palette is rebuilt
MAX_CODES = 0xFFFF


class LineTags:
    __slots__ = ("_codes", "_palette", "_index", "_limit")

    def __init__(self, tags: Iterable[Tag | None] = (), *, limit: int | None = None) -> None:
        self._limit = MAX_CODES if limit is None else min(limit, MAX_CODES)
        self._palette: list[Tag | None] = [None]
        self._index: dict[Tag, int] = {}
        self._codes = array("H")
        self._codes = self._encode(list(tags))

    @classmethod
    def none(cls, n: int) -> LineTags:
        """``n`` lines without a tag."""
        self = cls()
        self._codes = array("H", bytes(2 * n))
        return self

    # ------------------------------------------------------------- internals
    def _encode(self, tags: list[Tag | None]) -> array:
        if len(self._palette) + len(tags) > self._limit:  # maybe full: count the new ones
            fresh = {t for t in tags if t is not None and t not in self._index}
            if len(self._palette) + len(fresh) > self._limit:
                self._compact(fresh)
        index, palette = self._index, self._palette
        out = array("H")
        for t in tags:
            if t is None:
                out.append(0)
                continue
            c = index.get(t)
            if c is None:
                c = index[t] = len(palette)
                palette.append(t)
            out.append(c)
        return out

    def _compact(self, fresh: set[Tag]) -> None:
        """Rebuild the palette from the codes in use, to make room for ``fresh`` tags."""
        used = sorted(set(self._codes) - {0})
        palette: list[Tag | None] = [None]
        remap = [0] * len(self._palette)
        for c in used:
            remap[c] = len(palette)
            palette.append(self._palette[c])
        self._codes = array("H", [remap[c] for c in self._codes])
        self._palette = palette
        self._index = {t: i for i, t in enumerate(palette) if t is not None}
        if len(palette) + len(fresh) > self._limit:
            raise OverflowError(f"more than {self._limit} distinct tags in one document")

    # ------------------------------------------------------------- reading
    def __len__(self) -> int:
        return len(self._codes)

    @overload
    def __getitem__(self, i: int) -> Tag | None: ...
    @overload
    def __getitem__(self, i: slice) -> list[Tag | None]: ...

    def __getitem__(self, i: int | slice) -> Tag | None | list[Tag | None]:
        if isinstance(i, slice):
            return list(map(self._palette.__getitem__, self._codes[i]))
        return self._palette[self._codes[i]]

    def __iter__(self) -> Iterator[Tag | None]:
        return map(self._palette.__getitem__, self._codes)

    def runs(self) -> Iterator[tuple[int, int, Tag]]:
        """``(first, last, tag)`` of each run of consecutive lines with the same tag."""
        codes, palette = self._codes, self._palette
        i, n = 0, len(codes)
        while i < n:
            c = codes[i]
            if not c:
                i += 1
                continue
            j = i
            while j + 1 < n and codes[j + 1] == c:
                j += 1
            yield i, j, palette[c]  # type: ignore[misc]
            i = j + 1

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (LineTags, list)):
            return len(self) == len(other) and list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable, like a list

    def __repr__(self) -> str:
        return f"LineTags({list(self)!r})"

    # ------------------------------------------------------------- writing
    @overload
    def __setitem__(self, i: int, tag: Tag | None) -> None: ...
    @overload
    def __setitem__(self, i: slice, tag: Iterable[Tag | None]) -> None: ...

    def __setitem__(self, i, tag) -> None:
        if isinstance(i, slice):
            if i.step not in (None, 1):
                raise ValueError("extended slices are not supported")
            new = self._encode(list(tag))  # may compact: take the slice's bounds after it
            self._codes[i] = new
            return
        if not -len(self._codes) <= i < len(self._codes):
            raise IndexError("line index out of range")
        self._codes[i] = self._encode([tag])[0]
