"""The calibration arithmetic: focus minutes per week, velocity inside and outside blocks, estimates.

Everything here works on plain values (no storage, no protocol).  Weeks are
local to a time zone and start at local midnight of the week-start day; a
block that runs across that midnight is split between the two weeks.  Time
differences are taken in UTC, so a daylight-saving change inside a block does
not add or remove an hour.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo

__all__ = [
    "ActivityMinute",
    "BlockSpan",
    "Calibration",
    "EstimateFigure",
    "Velocity",
    "WeekFigures",
    "block_minutes",
    "calibrate",
    "week_start_of",
]

TREND_MARGIN_PCT = 5.0
MIN_TREND_ESTIMATES = 4
_WEEK = timedelta(days=7)


# -- inputs -----------------------------------------------------------------


@dataclass(frozen=True)
class BlockSpan:
    """One focus block; ``ended_at`` is ``None`` while it is still running."""

    id: str
    started_at: datetime
    ended_at: datetime | None
    planned_minutes: float
    estimate_minutes: float | None
    end_reason: str | None  # "command" | "timeUp" | "shutdown" | "interrupted" | "cli" | None


@dataclass(frozen=True)
class ActivityMinute:
    """Human typing in one wall-clock minute, for one ownership class (rows may share a minute)."""

    minute: datetime
    ownership_class: str  # "transient" | "repeatable" | "core" | "" (unknown)
    focus_id: str | None
    human_lines: int
    human_chars: int


# -- outputs ----------------------------------------------------------------


@dataclass(frozen=True)
class Velocity:
    """Typing over a set of activity rows; ``active_minutes`` counts distinct minutes."""

    active_minutes: int = 0
    lines: int = 0
    chars: int = 0

    @property
    def lines_per_minute(self) -> float | None:
        return self.lines / self.active_minutes if self.active_minutes else None

    @property
    def chars_per_minute(self) -> float | None:
        return self.chars / self.active_minutes if self.active_minutes else None


@dataclass(frozen=True)
class WeekFigures:
    """One week: focus minutes against the goal, and velocity inside and outside blocks."""

    week_start: date
    focus_minutes: float
    goal_minutes: float
    met: bool
    blocks: int
    inside: Velocity
    outside: Velocity
    by_class: dict[str, tuple[Velocity, Velocity]]  # class -> (inside, outside)


@dataclass(frozen=True)
class EstimateFigure:
    """A finished block's estimate against the time it actually took."""

    block_id: str
    started_at: datetime
    estimate_minutes: float
    actual_minutes: float
    ratio: float  # actual / estimate
    error_pct: float  # (actual - estimate) / estimate * 100


@dataclass(frozen=True)
class Calibration:
    """The weeks in range (oldest first), the estimates made in them, the trend and the streak."""

    weeks: list[WeekFigures]
    estimates: list[EstimateFigure]
    estimate_trend: str | None  # "improving" | "worse" | "steady" | None
    streak_weeks: int


# -- helpers ----------------------------------------------------------------


def _utc(dt: datetime) -> datetime:
    return dt.astimezone(timezone.utc)


def _check_week_start(week_start: int) -> None:
    if not 0 <= week_start <= 6:
        raise ValueError(f"week_start must be 0 (Monday) to 6 (Sunday), not {week_start}")


def _local_midnight(day: date, zone: tzinfo | None) -> datetime:
    """The UTC instant of local midnight starting ``day`` in ``zone``."""
    return _utc(datetime.combine(day, time(0), tzinfo=zone))


def _minutes(start: datetime, end: datetime) -> float:
    return max(0.0, (end - start).total_seconds() / 60)


def _overlap(start: datetime, end: datetime, lo: datetime, hi: datetime) -> float:
    return _minutes(max(start, lo), min(end, hi))


def _minute_key(dt: datetime) -> datetime:
    return _utc(dt).replace(second=0, microsecond=0)


def _velocity(rows: Iterable[ActivityMinute]) -> Velocity:
    minutes: set[datetime] = set()
    lines = chars = 0
    for row in rows:
        minutes.add(_minute_key(row.minute))
        lines += row.human_lines
        chars += row.human_chars
    return Velocity(len(minutes), lines, chars)


def _inside(row: ActivityMinute) -> bool:
    return bool(row.focus_id)


@dataclass(frozen=True)
class _Span:
    block: BlockSpan
    start: datetime  # UTC
    end: datetime  # UTC, never before start


def _spans(blocks: Iterable[BlockSpan], now: datetime) -> list[_Span]:
    spans = []
    for b in blocks:
        start = _utc(b.started_at)
        end = _utc(b.ended_at if b.ended_at is not None else now)
        spans.append(_Span(b, start, max(start, end)))
    return spans


def _focus_minutes(spans: Iterable[_Span], lo: datetime, hi: datetime) -> float:
    return sum(_overlap(s.start, s.end, lo, hi) for s in spans)


# -- public -----------------------------------------------------------------


def week_start_of(dt: datetime, week_start: int = 0, tz: tzinfo | None = None) -> date:
    """The local date (in ``tz``, default ``dt``'s zone) of the first day of ``dt``'s week.

    ``week_start`` is 0 for Monday through 6 for Sunday.
    """
    _check_week_start(week_start)
    day = (dt.astimezone(tz) if tz is not None else dt).date()
    return day - timedelta(days=(day.weekday() - week_start) % 7)


def block_minutes(b: BlockSpan, now: datetime) -> float:
    """How long ``b`` ran, in minutes: to ``ended_at`` or, while running, to ``now``; never negative."""
    return _minutes(_utc(b.started_at), _utc(b.ended_at if b.ended_at is not None else now))


def _week(
    day: date,
    zone: tzinfo | None,
    spans: Sequence[_Span],
    rows: Sequence[ActivityMinute],
    goal_minutes: float,
) -> WeekFigures:
    lo, hi = _local_midnight(day, zone), _local_midnight(day + _WEEK, zone)
    focus = _focus_minutes(spans, lo, hi)
    started = sum(1 for s in spans if lo <= s.start < hi)
    inside = [r for r in rows if _inside(r)]
    outside = [r for r in rows if not _inside(r)]
    classes = sorted({r.ownership_class for r in rows})
    by_class = {
        c: (
            _velocity(r for r in inside if r.ownership_class == c),
            _velocity(r for r in outside if r.ownership_class == c),
        )
        for c in classes
    }
    return WeekFigures(
        week_start=day,
        focus_minutes=focus,
        goal_minutes=goal_minutes,
        met=focus >= goal_minutes,
        blocks=started,
        inside=_velocity(inside),
        outside=_velocity(outside),
        by_class=by_class,
    )


def _estimate(s: _Span) -> EstimateFigure:
    estimate = float(s.block.estimate_minutes or 0)
    actual = _minutes(s.start, s.end)
    return EstimateFigure(
        block_id=s.block.id,
        started_at=s.block.started_at,
        estimate_minutes=estimate,
        actual_minutes=actual,
        ratio=actual / estimate,
        error_pct=(actual - estimate) / estimate * 100,
    )


def _mean_abs_error(figures: Sequence[EstimateFigure]) -> float:
    return sum(abs(f.error_pct) for f in figures) / len(figures)


def _trend(estimates: Sequence[EstimateFigure]) -> str | None:
    n = len(estimates)
    if n < MIN_TREND_ESTIMATES:
        return None
    first, last = _mean_abs_error(estimates[: n // 2]), _mean_abs_error(estimates[n // 2 :])
    if last < first - TREND_MARGIN_PCT:
        return "improving"
    if last > first + TREND_MARGIN_PCT:
        return "worse"
    return "steady"


def _streak(
    spans: Sequence[_Span], current: date, zone: tzinfo | None, goal_minutes: float
) -> int:
    if not spans:
        return 0
    earliest = min(s.start for s in spans)

    def met(day: date) -> bool:
        lo, hi = _local_midnight(day, zone), _local_midnight(day + _WEEK, zone)
        return _focus_minutes(spans, lo, hi) >= goal_minutes

    day = current if met(current) else current - _WEEK
    streak = 0
    # Never count back past the week of the earliest block: nothing was measured before it.
    while _local_midnight(day + _WEEK, zone) > earliest and met(day):
        streak += 1
        day -= _WEEK
    return streak


def calibrate(
    blocks: Sequence[BlockSpan],
    activity: Sequence[ActivityMinute],
    *,
    now: datetime,
    weeks: int = 8,
    week_start: int = 0,
    goal_minutes: float = 90,
    tz: tzinfo | None = None,
) -> Calibration:
    """The figures for the ``weeks`` weeks ending with the week containing ``now``.

    Weeks are local to ``tz`` (default ``now``'s zone).  ``estimates`` holds the
    finished blocks with an estimate above zero that started in those weeks;
    the streak counts back as far as ``blocks`` go.  Raises :class:`ValueError`
    for a naive ``now``, ``weeks`` below 1 or ``week_start`` outside 0..6.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    if weeks < 1:
        raise ValueError(f"weeks must be at least 1, not {weeks}")
    _check_week_start(week_start)
    zone = tz if tz is not None else now.tzinfo
    current = week_start_of(now, week_start, zone)
    days = [current - _WEEK * k for k in range(weeks - 1, -1, -1)]
    spans = _spans(blocks, now)

    rows_by_week: dict[date, list[ActivityMinute]] = defaultdict(list)
    for row in activity:
        rows_by_week[week_start_of(row.minute, week_start, zone)].append(row)
    figures = [_week(day, zone, spans, rows_by_week.get(day, []), goal_minutes) for day in days]

    lo, hi = _local_midnight(days[0], zone), _local_midnight(current + _WEEK, zone)
    finished = [
        s
        for s in spans
        if s.block.ended_at is not None
        and s.block.estimate_minutes is not None
        and s.block.estimate_minutes > 0
        and lo <= s.start < hi
    ]
    finished.sort(key=lambda s: (s.start, s.block.id))
    estimates = [_estimate(s) for s in finished]
    return Calibration(
        weeks=figures,
        estimates=estimates,
        estimate_trend=_trend(estimates),
        streak_weeks=_streak(spans, current, zone, goal_minutes),
    )
