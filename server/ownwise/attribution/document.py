"""The document mirror and its line tags.

A :class:`TrackedDocument` holds the text of one open document as its lines
(each with its own line break, the last one without; kept in chunks by
:class:`~ownwise.attribution.lines.Lines` to save memory) and, beside them, a
sequence of the same length (:class:`~ownwise.attribution.linetags.LineTags`,
two bytes per line) with one :class:`~ownwise.attribution.model.Tag` (or
``None`` for plain human text) per line. An incremental change replaces a
slice of both, so the work per edit is proportional to the edit, not to
the document (pygls's own ``TextDocument`` re-splits the whole text).

Line breaks are those of LSP: ``\\r\\n``, ``\\r`` and ``\\n``. Columns arrive in
the negotiated position encoding (UTF-16 unless the client offered another).
"""

from __future__ import annotations

import re
import uuid
from array import array
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from ..hashing import text_hash
from .lines import Lines, split_lines
from .linetags import LineTags
from .model import SUSPECTED, AIRange, EditEvent, EditKind, Tag, snippet_of
from .provenance import Provenance, squash

_NON_WS = re.compile(r"\S")

UTF8, UTF16, UTF32 = "utf-8", "utf-16", "utf-32"


def content_of(line: str) -> str:
    """A line without its line break."""
    if line.endswith("\n"):
        return line[:-2] if line.endswith("\r\n") else line[:-1]
    if line.endswith("\r"):
        return line[:-1]
    return line


def has_text(s: str) -> bool:
    """True when ``s`` holds anything but whitespace."""
    return _NON_WS.search(s) is not None


def column_to_index(content: str, column: int, encoding: str = UTF16) -> int:
    """Turn an LSP column into an index into ``content`` (clamped to its length)."""
    if column <= 0:
        return 0
    if encoding == UTF32 or content.isascii():
        return min(column, len(content))
    units = 0
    for i, ch in enumerate(content):
        if units >= column:
            return i
        o = ord(ch)
        if encoding == UTF16:
            units += 2 if o > 0xFFFF else 1
        else:  # UTF-8
            units += 1 if o < 0x80 else 2 if o < 0x800 else 3 if o < 0x10000 else 4
    return len(content)


def column_of(content: str, encoding: str = UTF16) -> int:
    """The LSP column at the end of ``content`` (its length in the encoding's code units)."""
    if encoding == UTF32 or content.isascii():
        return len(content)
    if encoding == UTF16:
        return len(content.encode("utf-16-le", "surrogatepass")) // 2
    return len(content.encode("utf-8", "surrogatepass"))


@dataclass(slots=True)
class Change:
    """One content change: replace the range with ``text`` (``range`` None: whole text)."""

    text: str
    start_line: int = 0
    start_char: int = 0
    end_line: int = 0
    end_char: int = 0
    whole: bool = False

    @classmethod
    def replace_all(cls, text: str) -> Change:
        return cls(text=text, whole=True)


@dataclass(slots=True)
class Thresholds:
    """When a hint-less change is *suspected* of coming from an AI."""

    min_lines: int = 2
    min_chars: int = 80
    suspected_counts_as_ai: bool = False


@dataclass(slots=True)
class ApplyResult:
    event: EditEvent | None = None
    warnings: list[str] = field(default_factory=list)
    restored_lines: int = 0
    #: non-whitespace characters the user typed or pasted
    human_chars: int = 0
    #: lines that received typed (or pasted) text and were not counted before in this counting
    #: epoch (a session): a line is counted once however many keystrokes it takes
    human_lines: int = 0


#: hints (and no hint) under which re-inserted text gets its removed tags back
_RESTORING = frozenset({None, EditKind.UNDO, EditKind.REDO, EditKind.PASTE})
#: hints whose text is not the user writing: never counted as human lines or characters
_NOT_WRITTEN = frozenset({EditKind.UNDO, EditKind.REDO, EditKind.EXTERNAL_RELOAD})


def _new_event_id() -> str:
    return uuid.uuid4().hex


class _OnDemand:
    """One event id per ``apply``, made on first use."""

    __slots__ = ("_make", "_id")

    def __init__(self, make: Callable[[], str]) -> None:
        self._make = make
        self._id: str | None = None

    def __call__(self) -> str:
        if self._id is None:
            self._id = self._make()
        return self._id


class TrackedDocument:
    """One open document: its text and which of its lines came from an AI."""

    #: how many recently removed tagged blocks are kept for undo/redo and moves
    REMOVED_CACHE = 32
    #: how many recently deleted texts are kept to tell a move from an insert
    DELETED_CACHE = 16
    #: lines per chunk of the text (see :mod:`ownwise.attribution.lines`)
    CHUNK_LINES = 64

    def __init__(
        self,
        uri: str,
        text: str,
        *,
        version: int | None = None,
        language_id: str = "",
        encoding: str = UTF16,
    ) -> None:
        self.uri = uri
        self.version = version
        self.language_id = language_id
        self.encoding = encoding
        self.lines = Lines.from_text(text, chunk=self.CHUNK_LINES)
        self.tags = LineTags.none(len(self.lines))
        self.counts = {"ai": 0, "ai_hm": 0, "sus": 0, "sus_hm": 0}
        self._removed: OrderedDict[str, tuple[Tag | None, ...]] = OrderedDict()
        self._deleted: deque[str] = deque(maxlen=self.DELETED_CACHE)
        #: per line, the counting epoch (a session) in which the user last wrote in it (0: never);
        #: made on the first human edit, so documents only read cost nothing
        self._typed: array | None = None
        self.revision = 0  # bumps on every change; lets callers cache derived figures
        #: evidence across the open documents for hint-less inserts (moves, copies, snippets)
        self.judge: Provenance | None = None

    # ------------------------------------------------------------------ text
    @property
    def text(self) -> str:
        return self.lines.text()

    def text_hash(self) -> str:
        return text_hash(self.text)

    # ---------------------------------------------------------------- counts
    def _count(self, tags: Iterable[Tag | None], sign: int) -> None:
        c = self.counts
        for t in tags:
            if t is None:
                continue
            if t.kind == SUSPECTED:
                c["sus_hm" if t.human_modified else "sus"] += sign
            else:
                c["ai_hm" if t.human_modified else "ai"] += sign

    def ai_lines(self, suspected_counts_as_ai: bool = False) -> int:
        n = self.counts["ai"]
        return n + self.counts["sus"] if suspected_counts_as_ai else n

    def human_modified_lines(self, suspected_counts_as_ai: bool = False) -> int:
        n = self.counts["ai_hm"]
        return n + self.counts["sus_hm"] if suspected_counts_as_ai else n

    def suspected_lines(self) -> int:
        return self.counts["sus"] + self.counts["sus_hm"]

    def ranges(self) -> list[AIRange]:
        """Runs of consecutive lines with the same tag."""
        return [AIRange(i, j, t.kind, t.source, t.human_modified, t.event) for i, j, t in self.tags.runs()]

    def restore_ranges(self, ranges: Sequence[AIRange]) -> None:
        """Put back tags saved for the same text (attribution across restarts)."""
        self._count(self.tags, -1)
        tags: list[Tag | None] = [None] * len(self.lines)
        for r in ranges:
            tag = Tag(r.kind, r.source, r.event, r.human_modified)
            for i in range(max(r.start_line, 0), min(r.end_line, len(tags) - 1) + 1):
                tags[i] = tag
        self.tags = LineTags(tags)
        self._count(tags, +1)
        self.revision += 1

    def tag_lines(self, lines: Iterable[int], kind: str, source: str | None,
                  version: int | None = None) -> EditEvent | None:
        """Tag these lines as written by an AI now (an agent's edit found after the fact)."""
        wanted = sorted({i for i in lines if 0 <= i < len(self.lines) and has_text(self.lines[i])})
        if not wanted:
            return None
        event = _new_event_id()
        tag = Tag(kind, source, event)
        old = [self.tags[i] for i in wanted]
        self._count(old, -1)
        for i in wanted:
            self.tags[i] = tag
        self._count([tag] * len(wanted), +1)
        self.revision += 1
        joined = "".join(self.lines[i] for i in wanted)
        return EditEvent(
            id=event, kind=kind, source=source, ai=True, lines=len(wanted), chars=len(joined),
            content_hash=text_hash(joined),
            text_sample=snippet_of(joined), version=version)

    # ---------------------------------------------------------------- change
    def _position(self, line: int, char: int, warn: list[str]) -> tuple[int, int]:
        """Clamp an LSP position to the document; return (line, index)."""
        last = len(self.lines) - 1
        if line < 0 or char < 0:
            warn.append(f"negative position ({line}, {char}) clamped")
            line, char = max(line, 0), max(char, 0)
        if line > last:
            warn.append(f"line {line} is past the end ({last}); clamped to the end")
            return last, len(content_of(self.lines[last]))
        content = content_of(self.lines[line])
        idx = column_to_index(content, char, self.encoding)
        return line, idx

    def apply(
        self,
        changes: Sequence[Change],
        hint: EditKind | None = None,
        source: str | None = None,
        *,
        version: int | None = None,
        thresholds: Thresholds | None = None,
        new_event_id: Callable[[], str] = _new_event_id,
        epoch: int = 1,
    ) -> ApplyResult:
        """Apply one ``didChange`` (its content changes in order) with its hint.

        ``epoch`` (1 or more) is the counting period of human lines, the session: a line that
        receives typed text counts in ``result.human_lines`` once per epoch, however many
        keystrokes and fixes it takes.
        """
        th = thresholds or Thresholds()
        result = ApplyResult()
        ai = hint is not None and hint.is_ai
        event_id = _OnDemand(new_event_id)  # most changes tag nothing: no uuid for them
        tagged = chars = 0
        texts: list[str] = []
        for ch in changes:
            if ch.whole:
                ranged = self._as_range(ch.text)
                if ranged is None:
                    continue
                ch = ranged
            n = self._apply_one(ch, hint, source, event_id, th, result, epoch)
            if n:
                tagged += n
                chars += len(ch.text)
                texts.append(ch.text)
        if version is not None:
            self.version = version
        self.revision += 1
        if tagged:
            joined = "".join(texts)
            result.event = EditEvent(
                id=event_id(),
                kind=hint.value if ai and hint is not None else SUSPECTED,
                source=source if ai else None,
                ai=ai or th.suspected_counts_as_ai,
                lines=tagged,
                chars=chars,
                content_hash=text_hash(joined),
                text_sample=snippet_of(joined),
                version=version,
            )
        return result

    def _as_range(self, text: str) -> Change | None:
        """A whole-text change as the smallest range of lines that differs."""
        old, new = self.lines.tolist(), split_lines(text)
        n = min(len(old), len(new))
        p = 0
        while p < n and old[p] == new[p]:
            p += 1
        if p == len(old) == len(new):
            return None
        s = 0
        while s < n - p and old[-1 - s] == new[-1 - s]:
            s += 1
        if s == 0:
            # up to the very end of the document (the column is clamped to the line)
            return Change("".join(new[p:]), p, 0, len(old) - 1, 1 << 40)
        return Change("".join(new[p : len(new) - s]), p, 0, len(old) - s, 0)

    def _apply_one(
        self,
        ch: Change,
        hint: EditKind | None,
        source: str | None,
        event_id: Callable[[], str],
        th: Thresholds,
        result: ApplyResult,
        epoch: int = 1,
    ) -> int:
        """Apply one content change; return how many lines it tagged new."""
        lines, tags = self.lines, self.tags
        warn = result.warnings
        if ch.whole:
            sl, si = 0, 0
            el = len(lines) - 1
            ei = len(content_of(lines[el]))
        else:
            sl, si = self._position(ch.start_line, ch.start_char, warn)
            el, ei = self._position(ch.end_line, ch.end_char, warn)
            if (el, ei) < (sl, si):
                warn.append("range end before its start; swapped")
                sl, si, el, ei = el, ei, sl, si
        text = ch.text
        first = lines[sl]
        last_line = lines[el]
        if sl == el:
            removed = first[si:ei]
        else:
            removed = first[si:] + "".join(lines[sl + 1 : el]) + last_line[:ei]
        removed_from = sl
        if sl == el:
            del_first = del_last = has_text(removed)
        else:
            del_first = has_text(content_of(first[si:]))
            del_last = has_text(last_line[:ei])
        prefix = first[:si]
        suffix = last_line[ei:]
        # A "\n" landing right after a line that ends in "\r" joins it into one
        # break: widen the window to that line so the split stays exact.
        if si == 0 and sl > 0 and lines[sl - 1].endswith("\r"):
            if (text or suffix).startswith("\n"):
                sl -= 1
                prefix = lines[sl]
        combined = prefix + text + suffix
        new = split_lines(combined)
        is_last = el == len(lines) - 1
        if not is_last:
            new.pop()  # combined ends with el's line break: nothing after it
        old_tags = tags[sl : el + 1]
        m = len(new)

        ins_text_nonws = has_text(text)
        del_nonws = has_text(removed)
        whitespace_only = not ins_text_nonws and not del_nonws

        # Remember removed tagged text for undo/redo and moves.
        if del_nonws:
            # the removed text's own lines (not the line before, widened into the window above)
            removed_tags = None
            if any(t is not None for t in tags[removed_from : el + 1]):
                key = removed
                removed_tags = self._removed[key] = self._removed_tags_for(
                    removed, tags[removed_from : el + 1]
                )
                self._removed.move_to_end(key)
                while len(self._removed) > self.REMOVED_CACHE:
                    self._removed.popitem(last=False)
            self._deleted.append(_squash(removed))
            if self.judge is not None:
                self.judge.removed(self.uri, removed, removed_tags, removed_from, si)

        # Where each new line's inserted part lies in ``combined``.
        ins_a = len(prefix)
        ins_b = ins_a + len(text)

        ai = hint is not None and hint.is_ai
        restored = None
        if ins_text_nonws and hint in _RESTORING:
            restored = self._removed.get(text)
            if restored is None and self.judge is not None:
                restored = self.judge.restore(text)  # cut in another open document
        suspect = False
        if hint is None and not restored and ins_text_nonws and not ai:
            large = _is_large(text, th)
            if self.judge is not None:
                large = self.judge.judge(self.uri, text, removed_from, si, large, removed=removed,
                                         size=lambda t: _is_large(t, th)) == SUSPECTED
            if large:
                suspect = _squash(text) not in self._deleted
        fmt = hint is EditKind.FORMAT or (whitespace_only and not ai)

        # Tags carried over from the old first and last lines.
        carry_first = old_tags[0] if has_text(content_of(prefix)) else None
        carry_last = old_tags[-1] if has_text(content_of(suffix)) else None
        if m == 1:
            if carry_first is None:
                carry_first, del_first = carry_last, del_last
            del_last = del_first
        # The user's writing: lines counted in this epoch keep their mark where their old text stays
        human = not ai and not suspect and restored is None and not fmt and hint not in _NOT_WRITTEN
        typed = self._typed
        if typed is None and human and ins_text_nonws:
            typed = self._typed = array("I", bytes(4 * len(lines)))
        new_marks: list[int] | None = None
        if typed is not None:
            old_marks = typed[sl : el + 1]
            mark_first = old_marks[0] if has_text(content_of(prefix)) else 0
            mark_last = old_marks[-1] if has_text(content_of(suffix)) else 0
            if m == 1 and not mark_first:
                mark_first = mark_last
            new_marks = [0] * m
            if m:
                new_marks[0] = mark_first
                new_marks[-1] = mark_last if m > 1 else mark_first
        written = 0
        new_tags: list[Tag | None] = [None] * m
        tagged = 0
        restored_pieces = None
        if restored is not None:
            restored_pieces = split_lines(text)
        pos = 0
        ai_tag = Tag(hint.value, source, event_id()) if ai and hint else None
        sus_tag = Tag(SUSPECTED, None, event_id()) if suspect else None
        human_chars = 0
        for j in range(m):
            line = new[j]
            a, b = pos, pos + len(line)
            pos = b
            lo, hi = max(a, ins_a), min(b, ins_b)
            ins_piece = combined[lo:hi] if lo < hi else ""
            ins_has = has_text(ins_piece)
            middle = 0 < j < m - 1
            carried = carry_first if j == 0 else (carry_last if j == m - 1 else None)
            if ai_tag is not None:
                if ins_has or (middle and lo < hi and ins_text_nonws):
                    new_tags[j] = ai_tag
                    tagged += 1
                else:
                    new_tags[j] = carried
            elif restored is not None and restored_pieces is not None and j < len(restored_pieces) and (
                ins_has or middle
            ):
                rtag = restored[j] if j < len(restored) else None
                new_tags[j] = rtag if rtag is not None else carried
                if rtag is not None:
                    result.restored_lines += 1
            elif sus_tag is not None and (ins_has or middle):
                new_tags[j] = sus_tag
                tagged += 1
            elif fmt:
                if carried is None and old_tags:
                    carried = old_tags[min(j, len(old_tags) - 1)]
                new_tags[j] = carried
            else:
                touched = ins_has or (j == 0 and del_first) or (j == m - 1 and del_last)
                if carried is not None and touched:
                    carried = carried.modified()
                new_tags[j] = carried
                if ins_has:
                    human_chars += len(_squash(ins_piece))
                    if human and new_marks is not None:
                        if new_marks[j] != epoch:
                            written += 1
                        new_marks[j] = epoch
        if human:
            result.human_chars += human_chars
            result.human_lines += written

        self._count(old_tags, -1)
        lines[sl : el + 1] = new
        tags[sl : el + 1] = new_tags
        if typed is not None and new_marks is not None:
            typed[sl : el + 1] = array("I", new_marks)
        self._count(new_tags, +1)
        return tagged

    @staticmethod
    def _removed_tags_for(removed: str, old_tags: list[Tag | None]) -> tuple[Tag | None, ...]:
        """Tags of the removed text's lines, piece by piece."""
        pieces = split_lines(removed)
        return tuple(old_tags[i] if i < len(old_tags) else None for i in range(len(pieces)))


def _is_large(text: str, th: Thresholds) -> bool:
    """The size rule: enough non-blank lines or non-whitespace characters to suspect."""
    return (sum(1 for piece in split_lines(text) if has_text(piece)) >= th.min_lines
            or len(_squash(text)) >= th.min_chars)


_squash = squash  # ``s`` without any whitespace (to compare texts that moved)
