"""Attribution: the document mirror, its AI line tags, and hint matching (pure)."""

from .document import Change, Thresholds, TrackedDocument, split_lines
from .hints import HintBook, PendingHint
from .model import AI_KINDS, SUSPECTED, AIRange, EditEvent, EditKind, Tag
from .provenance import Provenance

__all__ = [
    "AI_KINDS", "SUSPECTED", "AIRange", "Change", "EditEvent", "EditKind", "HintBook",
    "PendingHint", "Provenance", "Tag", "Thresholds", "TrackedDocument", "split_lines",
]
