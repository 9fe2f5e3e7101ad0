"""Matching ``ownwise/editHint`` notifications with the change they describe.

A hint names a uri and, optionally, the document version of the change. It
matches the change on that uri with that version or, without a version, the
next change on that uri within the window (2 s). Unmatched hints expire.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from .model import EditKind

log = logging.getLogger(__name__)


@dataclass(slots=True)
class PendingHint:
    uri: str
    kind: EditKind
    source: str | None
    version: int | None
    at: float


class HintBook:
    def __init__(self, clock: Callable[[], float], window: float = 2.0) -> None:
        self._clock = clock
        self.window = window
        self._by_uri: dict[str, list[PendingHint]] = {}

    def add(self, uri: str, kind: EditKind, source: str | None = None, version: int | None = None) -> None:
        self._by_uri.setdefault(uri, []).append(PendingHint(uri, kind, source, version, self._clock()))

    def take(self, uri: str, version: int | None) -> PendingHint | None:
        """The hint for the change to ``uri`` at ``version``, removed from the book."""
        pending = self._by_uri.get(uri)
        if not pending:
            return None
        now = self._clock()
        live = [h for h in pending if now - h.at <= self.window]
        for h in pending:
            if now - h.at > self.window:
                log.debug("hint %s for %s (version %s) expired unmatched", h.kind.value, uri, h.version)
        found = None
        if version is not None:
            found = next((h for h in live if h.version == version), None)
        if found is None:
            found = next((h for h in live if h.version is None), None)
        if found is not None:
            live.remove(found)
        if live:
            self._by_uri[uri] = live
        else:
            self._by_uri.pop(uri, None)
        return found

    def purge(self) -> int:
        """Forget every expired hint (a hint for a document that never changed)."""
        now, dropped = self._clock(), 0
        for uri in list(self._by_uri):
            live = [h for h in self._by_uri[uri] if now - h.at <= self.window]
            dropped += len(self._by_uri[uri]) - len(live)
            if live:
                self._by_uri[uri] = live
            else:
                del self._by_uri[uri]
        if dropped:
            log.debug("%d unmatched hints expired", dropped)
        return dropped

    def drop(self, uri: str) -> None:
        self._by_uri.pop(uri, None)

    def __len__(self) -> int:
        return sum(len(v) for v in self._by_uri.values())
