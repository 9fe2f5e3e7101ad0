"""The calibration arithmetic: weeks, split blocks, velocity, estimates, trend and streak."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from ownwise.focus.calibration import (
    ActivityMinute,
    BlockSpan,
    Velocity,
    block_minutes,
    calibrate,
    week_start_of,
)

UTC = timezone.utc
PLUS2 = timezone(timedelta(hours=2))
# Wednesday 26 Nov 2025, noon UTC: the current week (Monday start) begins Monday 24 Nov.
NOW = datetime(2025, 11, 26, 12, 0, tzinfo=UTC)
MON = date(2025, 11, 24)


def at(day: int, hour: int = 9, minute: int = 0, month: int = 11, tz=UTC) -> datetime:
    return datetime(2025, month, day, hour, minute, tzinfo=tz)


def block(
    id: str,
    start: datetime,
    minutes: float | None,
    *,
    estimate: float | None = None,
    planned: float = 45,
) -> BlockSpan:
    """A block of ``minutes`` from ``start``; ``minutes=None`` means still running."""
    end = None if minutes is None else start + timedelta(minutes=minutes)
    return BlockSpan(id, start, end, planned, estimate, "command" if end else None)


def row(
    minute: datetime, cls: str = "core", focus: str | None = None, lines: int = 0, chars: int = 0
) -> ActivityMinute:
    return ActivityMinute(minute, cls, focus, lines, chars)


def week(cal, start: date):
    return next(w for w in cal.weeks if w.week_start == start)


# -- weeks -------------------------------------------------------------------


def test_week_start_of_monday_and_sunday_weeks() -> None:
    wed = at(26)
    assert week_start_of(wed) == MON
    assert week_start_of(wed, 6) == date(2025, 11, 23)  # Sunday
    assert week_start_of(at(23), 6) == date(2025, 11, 23)  # a Sunday starts its own week
    assert week_start_of(at(23), 0) == date(2025, 11, 17)
    assert week_start_of(at(24, 0, 0)) == MON  # Monday midnight belongs to the new week
    with pytest.raises(ValueError):
        week_start_of(wed, 7)


def test_week_start_of_uses_the_local_date_in_tz() -> None:
    late_sunday = at(23, 23, 30)  # 23:30 UTC Sunday = 01:30 Monday in UTC+2
    assert week_start_of(late_sunday) == date(2025, 11, 17)
    assert week_start_of(late_sunday, tz=PLUS2) == MON
    assert week_start_of(late_sunday.astimezone(PLUS2)) == MON  # default: dt's own zone


def test_calibrate_covers_the_requested_weeks_oldest_first_including_empty_ones() -> None:
    cal = calibrate([], [], now=NOW, weeks=3)
    assert [w.week_start for w in cal.weeks] == [date(2025, 11, 10), date(2025, 11, 17), MON]
    empty = cal.weeks[0]
    assert (empty.focus_minutes, empty.goal_minutes, empty.met, empty.blocks) == (0, 90, False, 0)
    assert empty.inside == Velocity(0, 0, 0) and empty.outside == Velocity(0, 0, 0)
    assert empty.by_class == {}
    assert [w.week_start for w in calibrate([], [], now=NOW, weeks=1).weeks] == [MON]
    assert (cal.estimates, cal.estimate_trend, cal.streak_weeks) == ([], None, 0)


def test_calibrate_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError):
        calibrate([], [], now=NOW, weeks=0)
    with pytest.raises(ValueError):
        calibrate([], [], now=NOW, week_start=-1)
    with pytest.raises(ValueError):
        calibrate([], [], now=datetime(2025, 11, 26, 12, 0))


# -- block minutes -------------------------------------------------------------


def test_block_minutes_finished_running_and_never_negative() -> None:
    assert block_minutes(block("a", at(24, 9), 30), NOW) == 30
    assert block_minutes(block("b", at(26, 11, 15), None), NOW) == 45  # running: up to now
    backwards = BlockSpan("c", at(24, 10), at(24, 9), 45, None, "command")
    assert block_minutes(backwards, NOW) == 0
    assert block_minutes(block("d", at(26, 13), None), NOW) == 0  # starts after now
    # Different zones for start and end: still real elapsed minutes.
    mixed = BlockSpan("e", at(24, 9), at(24, 11, 30, tz=PLUS2), 45, None, "command")
    assert block_minutes(mixed, NOW) == 30


def test_two_blocks_in_a_week_short_of_the_goal() -> None:
    blocks = [block("a", at(24, 9), 30), block("b", at(25, 14), 45)]
    w = week(calibrate(blocks, [], now=NOW), MON)
    assert w.focus_minutes == 75
    assert w.blocks == 2
    assert w.goal_minutes == 90 and not w.met
    assert week(calibrate(blocks, [], now=NOW, goal_minutes=75), MON).met  # exactly the goal


def test_running_block_counts_up_to_now() -> None:
    cal = calibrate([block("a", at(26, 11), None)], [], now=NOW)
    assert week(cal, MON).focus_minutes == 60
    assert week(cal, MON).blocks == 1
    assert cal.estimates == []


def test_block_across_sunday_to_monday_midnight_is_split() -> None:
    b = block("a", at(23, 23, 30), 50)  # Sun 23:30 -> Mon 00:20
    cal = calibrate([b], [], now=NOW, weeks=2)
    prev, cur = week(cal, date(2025, 11, 17)), week(cal, MON)
    assert (prev.focus_minutes, prev.blocks) == (30, 1)
    assert (cur.focus_minutes, cur.blocks) == (20, 0)


def test_split_with_sunday_weeks() -> None:
    across_sunday = block("a", at(22, 23, 50), 50)  # Sat 23:50 -> Sun 00:40
    across_monday = block("b", at(23, 23, 30), 50)  # Sun 23:30 -> Mon 00:20: one Sunday week
    cal = calibrate([across_sunday, across_monday], [], now=NOW, weeks=2, week_start=6)
    assert [w.week_start for w in cal.weeks] == [date(2025, 11, 16), date(2025, 11, 23)]
    prev, cur = cal.weeks
    assert (prev.focus_minutes, prev.blocks) == (10, 1)
    assert (cur.focus_minutes, cur.blocks) == (40 + 50, 1)


def test_tz_moves_a_late_sunday_block_into_monday() -> None:
    b = block("a", at(23, 23, 30), 20)  # 23:30-23:50 UTC Sunday = 01:30-01:50 Monday in UTC+2
    utc = calibrate([b], [], now=NOW, weeks=2)
    assert [w.focus_minutes for w in utc.weeks] == [20, 0]
    local = calibrate([b], [], now=NOW, weeks=2, tz=PLUS2)
    assert [w.focus_minutes for w in local.weeks] == [0, 20]
    assert [w.blocks for w in local.weeks] == [0, 1]
    # The default zone is now's.
    assert calibrate([b], [], now=NOW.astimezone(PLUS2), weeks=2).weeks[1].focus_minutes == 20


def test_split_at_local_midnight_in_tz() -> None:
    b = block("a", at(23, 21, 30), 60)  # 21:30-22:30 UTC = 23:30-00:30 local (UTC+2)
    cal = calibrate([b], [], now=NOW, weeks=2, tz=PLUS2)
    assert [w.focus_minutes for w in cal.weeks] == [30, 30]


def test_dst_change_inside_a_block_counts_real_minutes() -> None:
    zoneinfo = pytest.importorskip("zoneinfo")
    try:
        berlin = zoneinfo.ZoneInfo("Europe/Berlin")
    except zoneinfo.ZoneInfoNotFoundError:
        pytest.skip("no time zone data")
    # Clocks go from 02:00 to 03:00 on Sunday 30 March 2025: 01:30 -> 03:30 local is one hour.
    b = BlockSpan(
        "a",
        datetime(2025, 3, 30, 1, 30, tzinfo=berlin),
        datetime(2025, 3, 30, 3, 30, tzinfo=berlin),
        90,
        None,
        "command",
    )
    now = datetime(2025, 3, 30, 12, 0, tzinfo=berlin)
    assert block_minutes(b, now) == 60
    assert calibrate([b], [], now=now, weeks=1).weeks[0].focus_minutes == 60


# -- velocity ----------------------------------------------------------------


def test_inside_and_outside_velocity_count_each_minute_once() -> None:
    m1, m2, m3, m4 = at(25, 10, 0), at(25, 10, 1), at(25, 16, 0), at(25, 16, 5)
    rows = [
        row(m1, "core", "f1", 3, 60),
        row(m1, "repeatable", "f1", 1, 10),  # same minute, another class
        row(m2, "core", "f1", 2, 40),
        row(m3, "core", None, 5, 100),
        row(m3, "core", None, 1, 20),  # same minute, a second editor window
        row(m4, "", None, 0, 5),
        row(at(10, 10), "core", None, 9, 99),  # another week: not in this one
    ]
    w = week(calibrate([], rows, now=NOW), MON)
    assert w.inside == Velocity(2, 6, 110)
    assert w.inside.lines_per_minute == 3.0 and w.inside.chars_per_minute == 55.0
    assert w.outside == Velocity(2, 6, 125)
    assert w.outside.lines_per_minute == 3.0 and w.outside.chars_per_minute == 62.5
    assert w.by_class == {
        "": (Velocity(0, 0, 0), Velocity(1, 0, 5)),
        "core": (Velocity(2, 5, 100), Velocity(1, 6, 120)),
        "repeatable": (Velocity(1, 1, 10), Velocity(0, 0, 0)),
    }
    assert w.by_class["repeatable"][1].lines_per_minute is None
    assert w.by_class["repeatable"][1].chars_per_minute is None


def test_activity_goes_to_its_own_week_and_same_minute_in_two_zones_is_one() -> None:
    rows = [
        row(at(18, 10), "core", "f0", 4, 40),
        row(at(25, 10), "core", None, 2, 20),
        row(at(25, 12, tz=PLUS2), "core", None, 1, 10),  # 10:00 UTC: the same minute
        row(at(25, 10, 1).replace(second=30), "core", None, 1, 10),  # mid-minute: minute 10:01
    ]
    cal = calibrate([], rows, now=NOW, weeks=2)
    assert cal.weeks[0].inside == Velocity(1, 4, 40) and cal.weeks[0].outside == Velocity(0, 0, 0)
    assert cal.weeks[1].outside == Velocity(2, 4, 40)


# -- estimates ---------------------------------------------------------------


def test_estimate_figures_for_finished_blocks_with_an_estimate() -> None:
    blocks = [
        block("late", at(25, 9), 45, estimate=60),
        block("early", at(24, 9), 50, estimate=40),
        block("none", at(24, 11), 30, estimate=None),
        block("zero", at(24, 13), 30, estimate=0),
        block("running", at(26, 11), None, estimate=30),
        block("old", at(3, 9), 30, estimate=30),  # before the 2-week range
    ]
    cal = calibrate(blocks, [], now=NOW, weeks=2)
    assert [e.block_id for e in cal.estimates] == ["early", "late"]
    early, late = cal.estimates
    assert early.started_at == at(24, 9)
    assert (early.estimate_minutes, early.actual_minutes) == (40, 50)
    assert early.ratio == pytest.approx(1.25) and early.error_pct == pytest.approx(25.0)
    assert (late.estimate_minutes, late.actual_minutes) == (60, 45)
    assert late.ratio == pytest.approx(0.75) and late.error_pct == pytest.approx(-25.0)
    assert cal.estimate_trend is None


def trend_of(errors: list[float]) -> str | None:
    """The trend for finished blocks estimated at 100 minutes that were off by ``errors`` percent."""
    blocks = [block(f"b{i}", at(10 + i, 9), 100 + err, estimate=100) for i, err in enumerate(errors)]
    cal = calibrate(blocks, [], now=NOW, weeks=3)
    assert [e.error_pct for e in cal.estimates] == pytest.approx(errors)
    return cal.estimate_trend


def test_estimate_trend() -> None:
    assert trend_of([50, -40, 10, -5]) == "improving"  # 45 -> 7.5
    assert trend_of([10, -5, 50, -40]) == "worse"  # 7.5 -> 45
    assert trend_of([20, -20, 22, -18]) == "steady"  # 20 -> 20
    assert trend_of([10, 10, 15, 15]) == "steady"  # exactly 5 points worse is still steady
    assert trend_of([10, 10, 4, 4]) == "improving"  # 6 points better
    assert trend_of([40, -40, 30, 10, -5]) == "improving"  # first 2: 40, last 3: 15
    assert trend_of([40, -40, 30]) is None  # fewer than 4


# -- streak ------------------------------------------------------------------


def weekly(*minutes: float) -> list[BlockSpan]:
    """One block on the Tuesday of each week, oldest first, ending with the current week."""
    n = len(minutes)
    return [
        block(f"w{k}", at(25, 9) - timedelta(weeks=n - 1 - k), m)
        for k, m in enumerate(minutes)
        if m
    ]


def test_streak_counts_the_current_week_when_met() -> None:
    assert calibrate(weekly(90, 95, 120), [], now=NOW).streak_weeks == 3


def test_streak_ends_last_week_while_the_current_week_is_not_met() -> None:
    assert calibrate(weekly(0, 90, 90, 30), [], now=NOW).streak_weeks == 2
    assert calibrate(weekly(0, 90, 90, 0), [], now=NOW).streak_weeks == 2


def test_a_gap_breaks_the_streak() -> None:
    assert calibrate(weekly(90, 90, 45, 90, 10), [], now=NOW).streak_weeks == 1
    assert calibrate(weekly(90, 90, 45, 0), [], now=NOW).streak_weeks == 0
    assert calibrate(weekly(90, 90, 90, 89), [], now=NOW, goal_minutes=90).streak_weeks == 3


def test_streak_goes_back_beyond_the_weeks_shown() -> None:
    cal = calibrate(weekly(90, 90, 90, 90, 90, 0), [], now=NOW, weeks=1)
    assert len(cal.weeks) == 1
    assert cal.streak_weeks == 5


def test_streak_with_blocks_split_over_weeks_and_a_lower_goal() -> None:
    # Two 60-minute halves: a block Sun 23:00 -> Mon 01:00 gives each week 60 minutes.
    blocks = [block("a", at(23, 23), 120)]
    assert calibrate(blocks, [], now=NOW).streak_weeks == 0
    assert calibrate(blocks, [], now=NOW, goal_minutes=60).streak_weeks == 2


def test_streak_never_counts_weeks_before_the_first_block_even_with_no_goal() -> None:
    assert calibrate([], [], now=NOW, goal_minutes=0).streak_weeks == 0
    assert calibrate(weekly(10, 0), [], now=NOW, goal_minutes=0).streak_weeks == 2
