"""The calibration figures (``ownwise/calibration``, ``ownwise focus stats``) as JSON, from the store."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..clock import parse_iso
from ..settings import FocusSettings
from ..store import Store

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


def calibration(store: Store, now: datetime, s: FocusSettings, weeks: int) -> dict[str, Any]:
    """The figures of ``ownwise/calibration`` and ``ownwise focus stats`` (``now``: any zone; local weeks)."""
    from . import calibration as C

    now = now.astimezone()
    blocks = [C.BlockSpan(id=b.id, started_at=parse_iso(b.started_at),
                          ended_at=parse_iso(b.ended_at) if b.ended_at else None,
                          planned_minutes=b.planned_minutes, estimate_minutes=b.estimate_minutes,
                          end_reason=b.end_reason) for b in store.focus_blocks()]
    # rows from before human lines were counted once per line cannot be recounted: left out (docs/report.md)
    activity = [C.ActivityMinute(minute=parse_iso(a.minute), ownership_class=a.ownership_class,
                                 focus_id=a.focus_id, human_lines=a.human_lines, human_chars=a.human_chars)
                for a in store.activity(store.human_lines_since())]
    cal = C.calibrate(blocks, activity, now=now, weeks=weeks, week_start=WEEKDAYS.index(s.week_start),
                      goal_minutes=s.weekly_goal_minutes)

    def vel(v):
        return {"activeMinutes": v.active_minutes, "lines": v.lines, "chars": v.chars,
                "linesPerMinute": v.lines_per_minute, "charsPerMinute": v.chars_per_minute}

    return {
        "weeks": [{"weekStart": w.week_start.isoformat(), "focusMinutes": round(w.focus_minutes, 1),
                   "goalMinutes": w.goal_minutes, "met": w.met, "blocks": w.blocks,
                   "inside": vel(w.inside), "outside": vel(w.outside),
                   "byClass": {c: {"inside": vel(i), "outside": vel(o)} for c, (i, o) in w.by_class.items()}}
                  for w in cal.weeks],
        "estimates": [{"blockId": e.block_id, "startedAt": e.started_at.isoformat(),
                       "estimateMinutes": e.estimate_minutes, "actualMinutes": round(e.actual_minutes, 1),
                       "ratio": round(e.ratio, 3), "errorPct": round(e.error_pct, 1)} for e in cal.estimates],
        "estimateTrend": cal.estimate_trend,
        "streakWeeks": cal.streak_weeks,
    }
