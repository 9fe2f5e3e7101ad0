"""Where an insert that came with no hint is from, by the evidence a server has (pure).

Without a hint, a server sees only text arriving. The size of an insert says
little: pastes, moves and snippet expansions are as large as AI inserts. What
it can know is whether the text was **already there**, in the workspace's
open documents or just removed from one, and whether the insert **replaced a
word just typed** at the same place. :class:`Provenance` keeps that evidence
across every open document and gives each hint-less insert its verdict:

- ``move``: the text (whitespace aside) is, or is part of, a text removed
  from any open document in the last :attr:`Provenance.MOVE_SECONDS` (cut in
  one file, pasted in another; also an undo or redo of a deletion; the last
  64 large and 64 small removals are kept apart, so deleting words does not
  push a cut out);
  when it is exactly a text removed while its lines carried tags, those tags
  come back (:meth:`Provenance.restore`), as within one document;
- ``copy``: the text (whitespace aside) is already in an open document, or
  in one closed a moment ago (:attr:`Provenance.CLOSED_KEPT`): a copy and
  paste, or a duplicated block;
- ``edit``: the insert replaced text and, without the start and the end
  they share, what it adds is not large (a line sent again whole with one
  character typed, as a client syncing whole lines or documents does; a
  rename), or every line it inserts is one of the lines it replaced
  (sorted or moved lines);
- ``snippet``: the insert replaced a single word on its line (the trigger
  just typed: ``for``, ``def``, ``cl``), in the same change or in a deletion
  at the same place within :attr:`Provenance.SNIPPET_SECONDS` (Neovim's
  snippet engines delete the trigger and insert the body as two changes);
  completion items that replace the typed prefix look the same;
- ``suspected``: none of these, and the insert is large (the size rule the
  document applies, :class:`~ownwise.attribution.document.Thresholds`), or
  it is one line that carries a statement (at least :attr:`Provenance.STATEMENT_NAMES`
  names or numbers and :attr:`Provenance.STATEMENT_CHARS` non-blank characters)
  inserted on the line the user was typing on, at or after the last keystroke,
  within :attr:`Provenance.TYPING_SECONDS`: what an inline completion accepted
  at the cursor looks like (a keystroke inserts a character, a completion item
  the rest of a name);
- ``small``: none of these, and the insert is not large.

A client that sends hints is never judged here: a hint always wins. The one
input of time is the ``clock`` given (monotonic seconds); nothing reads the
time itself.
"""

from __future__ import annotations

import re
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol

from .model import Tag


class Mirror(Protocol):
    """What provenance reads of an open document."""

    @property
    def text(self) -> str: ...


def squash(s: str) -> str:
    """``s`` without any whitespace (texts that moved may be re-indented)."""
    return "".join(s.split())


@dataclass(slots=True)
class _Removal:
    uri: str
    squashed: str
    line: int
    index: int
    at: float
    word: bool  # one line, no whitespace: can be a snippet's trigger


@dataclass(slots=True)
class Judgement:
    """The last verdict, for logs and the benchmark: ``move``, ``copy``, ``snippet``, ``suspected``, ``small``."""

    verdict: str
    uri: str
    chars: int


class Provenance:
    """Evidence across the open documents for inserts that came with no hint."""

    #: how long a removed text counts as "just removed" (a cut pasted later is still a move)
    MOVE_SECONDS = 15 * 60.0
    #: how many removed texts are kept, across all documents (small and large ones apart)
    REMOVED_KEPT = 64
    #: a removal this long (whitespace aside) is kept among the large ones
    LARGE_REMOVAL = 24
    #: how many recently closed documents' texts are kept for copies
    CLOSED_KEPT = 8
    #: a trigger word removed this long before an insert at its place makes a snippet expansion
    SNIPPET_SECONDS = 0.5
    #: the longest trigger word
    TRIGGER_CHARS = 32
    #: a one-line insert on the line being typed, this soon after a keystroke, ...
    TYPING_SECONDS = 10.0
    #: ... with at least this many names and numbers and non-blank characters, is suspected like a large one
    STATEMENT_NAMES = 4
    STATEMENT_CHARS = 16
    #: a removed or closed text longer than this (whitespace removed) is not kept
    KEEP_LIMIT = 1_000_000

    def __init__(self, clock: Callable[[], float], documents: Callable[[], Iterable[Mirror]]) -> None:
        self._clock = clock
        self._documents = documents
        self._removals: deque[_Removal] = deque(maxlen=self.REMOVED_KEPT)
        self._large_removals: deque[_Removal] = deque(maxlen=self.REMOVED_KEPT)  # words deleted do not push these out
        self._tagged: OrderedDict[str, tuple[float, tuple[Tag | None, ...]]] = OrderedDict()
        self._last_removal: dict[str, _Removal] = {}
        self._closed: OrderedDict[str, str] = OrderedDict()
        self._typed: dict[str, tuple[int, int, float]] = {}  # per uri: the line and index after the last keystroke
        self.last: Judgement | None = None

    # ------------------------------------------------------------ evidence
    def removed(self, uri: str, text: str, tags: tuple[Tag | None, ...] | None, line: int, index: int) -> None:
        """Non-blank ``text`` was removed from ``uri`` at (line, index); ``tags``: its lines' tags, if any."""
        now = self._clock()
        sq = squash(text)
        if len(sq) > self.KEEP_LIMIT:
            return
        word = len(sq) == len(text) and len(text) <= self.TRIGGER_CHARS
        r = _Removal(uri, sq, line, index, now, word)
        self._last_removal[uri] = r
        if len(sq) < 2:
            return  # a keystroke's worth: nothing to move or restore, and it would push real cuts out
        (self._large_removals if len(sq) >= self.LARGE_REMOVAL else self._removals).append(r)
        if tags is not None and any(t is not None for t in tags):
            self._tagged[text] = (now, tags)
            self._tagged.move_to_end(text)
            while len(self._tagged) > self.REMOVED_KEPT:
                self._tagged.popitem(last=False)

    def closed(self, uri: str, text: str) -> None:
        """``uri`` was closed with this text: copies from it still count as copies for a while."""
        self._last_removal.pop(uri, None)
        sq = squash(text)
        if not sq or len(sq) > self.KEEP_LIMIT:
            return
        self._closed[uri] = sq
        self._closed.move_to_end(uri)
        while len(self._closed) > self.CLOSED_KEPT:
            self._closed.popitem(last=False)

    def opened(self, uri: str) -> None:
        self._closed.pop(uri, None)

    # ------------------------------------------------------------ verdicts
    def restore(self, text: str) -> tuple[Tag | None, ...] | None:
        """The tags of exactly ``text`` removed while tagged from any open document, lately."""
        found = self._tagged.get(text)
        if found is None or self._clock() - found[0] > self.MOVE_SECONDS:
            return None
        return found[1]

    def judge(self, uri: str, text: str, line: int, index: int, large: bool, *, removed: str = "",
              size: Callable[[str], bool] | None = None) -> str:
        """The verdict for ``text`` inserted at (line, index) of ``uri`` with no hint.

        Called before the insert is applied (the document still holds the text before it).
        ``large``: whether the size rule suspects it; ``removed``: the text the same change
        replaced; ``size``: the size rule, for the part of ``text`` that is new.
        """
        verdict = self._verdict(uri, text, line, index, large, removed, size)
        self.last = Judgement(verdict, uri, len(text))
        return verdict

    def _verdict(self, uri: str, text: str, line: int, index: int, large: bool, removed: str,
                 size: Callable[[str], bool] | None) -> str:
        now = self._clock()
        last = self._last_removal.get(uri)
        if (last is not None and (last.line, last.index) == (line, index) and now - last.at <= self.SNIPPET_SECONDS
                and last.word):
            return "snippet"
        if large and removed:
            if size is not None and not size(new_part(removed, text)):
                return "edit"  # the text it replaced, with a small change (a line re-sent whole, a rename)
            old = {squash(x) for x in removed.splitlines()}
            if all(squash(x) in old for x in text.splitlines() if x.strip()):
                return "edit"  # the lines it replaced, reordered (sort lines, move lines)
        if "\n" not in text and "\r" not in text:
            typed = self._typed.get(uri)
            if len(text) <= 2:  # a keystroke (or an auto-closed pair)
                self._typed[uri] = (line, index + len(text), now)
            elif (not large and typed is not None and typed[0] == line and typed[1] <= index
                    and now - typed[2] <= self.TYPING_SECONDS and _statement(text, self.STATEMENT_NAMES,
                                                                           self.STATEMENT_CHARS)):
                large = True  # a statement completed where the user was typing
        if not large:
            return "small"  # the rest costs a scan; a small insert is not suspected anyway
        sq = squash(text)
        if not sq:
            return "small"
        for ring in (self._large_removals, self._removals):
            for r in reversed(ring):
                if now - r.at > self.MOVE_SECONDS:
                    break
                if len(r.squashed) >= len(sq) and sq in r.squashed:
                    return "move"
        if _found_in((doc.text for doc in self._documents()), text, sq):
            return "copy"
        if any(sq in t for t in self._closed.values()):
            return "copy"
        return "suspected"



_NAME = re.compile(r"[A-Za-z_0-9]+")


def _statement(text: str, names: int, chars: int) -> bool:
    """More than a keystroke or a completed name: several names or numbers and enough characters."""
    return len(_NAME.findall(text)) >= names and len(squash(text)) >= chars


def new_part(removed: str, inserted: str) -> str:
    """What ``inserted`` adds to the text it replaced: without the start and end they share."""
    n = min(len(removed), len(inserted))
    p = 0
    while p < n and removed[p] == inserted[p]:
        p += 1
    s = 0
    while s < n - p and removed[-1 - s] == inserted[-1 - s]:
        s += 1
    return inserted[p : len(inserted) - s]


def _found_in(texts: Iterable[str], inserted: str, squashed: str) -> bool:
    """Whether one of ``texts`` holds ``inserted``, whitespace aside.

    Found by its longest line (stripped, searched as it is: fast, no copy of the text), then
    checked with whitespace removed around each place it occurs: nothing is kept between calls.
    """
    anchor = max((line.strip() for line in inserted.splitlines()), key=len, default="")
    if not anchor:
        return False
    span = 3 * len(inserted) + 256
    for text in texts:
        at, looked = text.find(anchor), 0
        while at >= 0:
            looked += 1
            if looked > 200:  # a common line (``}``, ``pass``): look at the whole text once instead
                if squashed in squash(text):
                    return True
                break
            if squashed in squash(text[max(0, at - span) : at + span]):
                return True
            at = text.find(anchor, at + 1)
    return False
