"""The one clock: wall time as the server injects it, and the one format every stored time has.

Domain code never reads the time itself; it is given ``now`` (a
``Callable[[], datetime]``, UTC-aware). The language server's is
:func:`wall_clock` (shifted by ``$OWNWISE_CLOCK_OFFSET_SECONDS``, so tests can be
days later); the command line's is :func:`utc_now`. Stored times are
:func:`iso`: UTC, ISO 8601 with milliseconds, so string order is time order.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

#: what every unit that needs the time is given
Now = Callable[[], datetime]


def utc_now() -> datetime:
    """The real time, UTC."""
    return datetime.now(timezone.utc)


def wall_clock() -> Now:
    """UTC now, shifted by ``$OWNWISE_CLOCK_OFFSET_SECONDS`` (tests use it to be days later)."""
    try:
        offset = timedelta(seconds=float(os.environ.get("OWNWISE_CLOCK_OFFSET_SECONDS", "0")))
    except ValueError:
        offset = timedelta(0)
    if not offset:
        return utc_now
    return lambda: datetime.now(timezone.utc) + offset


def iso(dt: datetime) -> str:
    """A stored time: UTC, ISO 8601 with milliseconds (``2026-11-02T09:00:00.000+00:00``)."""
    return dt.astimezone(timezone.utc).isoformat(timespec="milliseconds")


def parse_iso(text: str) -> datetime:
    """A stored time back (a time without a zone is taken as UTC)."""
    dt = datetime.fromisoformat(text)
    return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)


__all__ = ["Now", "iso", "parse_iso", "utc_now", "wall_clock"]
