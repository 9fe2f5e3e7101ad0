"""The weekly reminder: behind the no-AI goal with the week about to end? Say so, once a day."""

from __future__ import annotations

from datetime import date, datetime, time

from ..clock import iso, parse_iso
from ..settings import FocusSettings
from ..store import Store
from .calibration import week_start_of
from .stats import WEEKDAYS

#: the ``kv`` key holding the day of the last reminder (one a day, across windows)
LAST_REMINDER = "focus:lastReminder"


def minutes_this_week(store: Store, week: date, now: datetime) -> float:
    """No-AI minutes since the start of ``week`` (local), a running block counted up to ``now``."""
    start = datetime.combine(week, time(0), tzinfo=now.tzinfo)
    total = 0.0
    for b in store.focus_blocks(since=iso(start)):  # stored times are UTC
        began = max(parse_iso(b.started_at), start)
        end = parse_iso(b.ended_at) if b.ended_at else now
        total += max(0.0, (end - began).total_seconds() / 60)
    return total


def weekly_reminder(store: Store, s: FocusSettings, now: datetime, *, block_running: bool) -> str | None:
    """At a session start: the reminder to show (and the day noted), or None.

    Only when reminders are on, no block runs, the week ends within ``remindDaysBeforeWeekEnd``
    days, the goal is not met, and nobody was reminded today. ``now`` is local time."""
    if not s.reminders or s.weekly_goal_minutes <= 0 or block_running:
        return None
    week = week_start_of(now, WEEKDAYS.index(s.week_start))
    days_left = 6 - (now.date() - week).days
    if days_left > s.remind_days_before_week_end:
        return None
    today = now.date().isoformat()
    if store.get(LAST_REMINDER) == today:
        return None
    done = minutes_this_week(store, week, now)
    if done >= s.weekly_goal_minutes:
        return None
    store.put(LAST_REMINDER, today)
    left = "today" if days_left == 0 else "tomorrow" if days_left == 1 else f"in {days_left} days"
    return (f"ownwise: {round(done)} of {round(s.weekly_goal_minutes)} no-AI minutes this week, and the "
            f"week ends {left}. Start a block with the command \"ownwise.focus.start\".")


__all__ = ["LAST_REMINDER", "minutes_this_week", "weekly_reminder"]
