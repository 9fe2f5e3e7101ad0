"""Value types of attribution: edit kinds, line tags, accepted-edit events.

Pure Python: no protocol, no storage.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import Enum


class EditKind(str, Enum):
    """Where a change came from, as a client hint (``ownwise/editHint``) says."""

    INLINE_COMPLETION = "inlineCompletion"
    INLINE_COMPLETION_PARTIAL = "inlineCompletionPartial"
    CHAT_EDIT = "chatEdit"
    AGENT_EDIT = "agentEdit"
    PASTE = "paste"
    UNDO = "undo"
    REDO = "redo"
    FORMAT = "format"
    EXTERNAL_RELOAD = "externalReload"
    HUMAN = "human"

    @property
    def is_ai(self) -> bool:
        return self in AI_KINDS


AI_KINDS = frozenset(
    {
        EditKind.INLINE_COMPLETION,
        EditKind.INLINE_COMPLETION_PARTIAL,
        EditKind.CHAT_EDIT,
        EditKind.AGENT_EDIT,
    }
)

#: The tag kind of lines inserted by a large change that came with no hint.
SUSPECTED = "suspected"


@dataclass(frozen=True, slots=True)
class Tag:
    """What a line of a document is, when it is not plain human text.

    ``kind`` is an AI :class:`EditKind` value or :data:`SUSPECTED`; ``event``
    is the id of the stored event that put it there; ``human_modified`` is set
    once the user typed into the line.
    """

    kind: str
    source: str | None
    event: str
    human_modified: bool = False

    @property
    def suspected(self) -> bool:
        return self.kind == SUSPECTED

    def modified(self) -> Tag:
        return self if self.human_modified else replace(self, human_modified=True)


@dataclass(frozen=True, slots=True)
class AIRange:
    """A run of consecutive lines carrying the same tag (0-based, end inclusive)."""

    start_line: int
    end_line: int
    kind: str
    source: str | None
    human_modified: bool
    event: str


@dataclass(slots=True)
class EditEvent:
    """One accepted AI edit, or one suspected insert, ready to be stored."""

    id: str
    kind: str
    source: str | None
    ai: bool
    lines: int
    chars: int
    content_hash: str
    text_sample: str  # the inserted text, at most SNIPPET_LIMIT bytes of it
    version: int | None = None
    extra: dict = field(default_factory=dict)


SNIPPET_LIMIT = 4096


def snippet_of(text: str, limit: int = SNIPPET_LIMIT) -> str:
    """The first ``limit`` bytes of ``text`` (UTF-8), cut on a character boundary."""
    raw = text.encode("utf-8", "surrogatepass")
    if len(raw) <= limit:
        return text
    return raw[:limit].decode("utf-8", "ignore")
