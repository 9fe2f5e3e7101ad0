"""The report as JSON (docs/report.md), from the store: the only part of ownwise.report that reads it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from ..clock import iso as _iso
from ..clock import parse_iso
from ..focus.calibration import BlockSpan, calibrate, week_start_of
from . import figures as F
from . import signals

FORMAT = "ownwise-report/1"
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
MAX_WEEKS = 260

Progress = Callable[[str], None]


def _zone_label(now: datetime) -> str:
    off = now.utcoffset() or timedelta(0)
    sign = "-" if off < timedelta(0) else "+"
    minutes = abs(int(off.total_seconds())) // 60
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def plan_weeks(now: datetime, week_start: int, weeks: int | None = None, since: date | None = None) -> list[F.Week]:
    """The local weeks of the report, oldest first: the last ``weeks`` (default 8) up to the current one,
    or from the week holding ``since`` (then ``weeks`` at most)."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    zone = now.tzinfo
    current = week_start_of(now, week_start, zone)
    if since is not None:
        first = since - timedelta(days=(since.weekday() - week_start) % 7)
        if first > current:
            raise ValueError(f"--since {since.isoformat()} is after this week")
        count = (current - first).days // 7 + 1
        if weeks is not None:
            count = min(count, weeks)
    else:
        count = weeks if weeks is not None else 8
        first = current - timedelta(days=7 * (count - 1))
    if not 1 <= count <= MAX_WEEKS:
        raise ValueError(f"weeks must be 1 to {MAX_WEEKS}, not {count}")
    out = []
    for k in range(count):
        day = first + timedelta(days=7 * k)
        lo = datetime.combine(day, time(0), tzinfo=zone)
        hi = datetime.combine(day + timedelta(days=7), time(0), tzinfo=zone)
        out.append(F.Week(start=day, lo=_iso(lo), hi=_iso(hi), complete=hi <= now))
    return out


def build_report(store, *, now: datetime, week_start: str = "monday", goal_minutes: float = 90,
                 weeks: int | None = None, since: date | None = None,
                 progress: Progress | None = None, min_lines: int = 3) -> dict:
    """Every figure of the report, as the JSON of docs/report.md. ``now`` must be timezone-aware (local)."""
    step = progress or (lambda _msg: None)
    start_day = WEEKDAYS.index(week_start)
    plan = plan_weeks(now, start_day, weeks, since)
    lo = plan[0].lo

    # human lines are counted per line since `per_line` (docs/report.md#human-lines): weeks before it have no
    # comparable human figures, and the week holding it counts them (and AI lines in the share) from then on
    per_line = store.human_lines_since()
    human_from: list[str | None] = [
        None if per_line is None or per_line <= w.lo else per_line if per_line < w.hi else F.UNCOUNTED
        for w in plan]

    def edit_totals(lo: str, hi: str) -> list[F.EditTotal]:
        return [F.EditTotal(t.ownership_class, t.kind, t.ai, t.lines) for t in store.edit_totals(lo, hi)]

    step("edits")
    totals = [edit_totals(w.lo, w.hi) for w in plan]
    share_totals = [edit_totals(h, w.hi) if h not in (None, F.UNCOUNTED) else t
                    for w, h, t in zip(plan, human_from, totals)]

    step("attribution")
    ranges = [(r.event, r.lines, r.human_modified, r.block_lines) for r in store.live_ranges()]
    facts = {e.id: (e.ts, e.ownership_class, e.ai) for e in store.edit_facts(r[0] for r in ranges)}
    fates = F.fates_from_ranges(ranges, facts, min_lines=min_lines)

    step("explanations")
    explained = store.explanation_times()
    prompts = [F.PromptFact(p.kind, p.status, p.ownership_class, p.created_at) for p in store.prompt_facts(lo)]
    answers = [F.AnswerFact(a.prompt_kind, a.cannot_explain, a.rating, a.created_at) for a in store.answer_facts(lo)]
    pending = store.pending_count()

    step("focus")
    blocks = [BlockSpan(id=b.id, started_at=parse_iso(b.started_at),
                        ended_at=parse_iso(b.ended_at) if b.ended_at else None,
                        planned_minutes=b.planned_minutes, estimate_minutes=b.estimate_minutes,
                        end_reason=b.end_reason) for b in store.focus_blocks()]
    current = week_start_of(now, start_day, now.tzinfo)
    span = (current - plan[0].start).days // 7 + 1
    # focus minutes, estimates and the streak from the blocks; velocity from activity totals in SQL
    # (the same rule as the calibration's, which would need every activity row in Python)
    cal = calibrate(blocks, [], now=now, weeks=span, week_start=start_day, goal_minutes=goal_minutes)
    cal_weeks = {w.week_start: w for w in cal.weeks}
    errors: dict[date, list[float]] = defaultdict(list)
    for e in cal.estimates:
        errors[week_start_of(e.started_at, start_day, now.tzinfo)].append(e.error_pct)
    focus, human = [], []
    for w, h in zip(plan, human_from):
        lo = h if h not in (None, F.UNCOUNTED) else w.lo
        typing = {(t.ownership_class, t.inside): (t.minutes, t.lines) for t in store.activity_totals(lo, w.hi)}
        classes = {c for c, _inside in typing if c is not None}
        human.append({c: typing.get((c, True), (0, 0))[1] + typing.get((c, False), (0, 0))[1] for c in classes})
        by_class = {c: (*typing.get((c, True), (0, 0)), *typing.get((c, False), (0, 0))) for c in classes}
        (in_min, in_lines), (out_min, out_lines) = typing.get((None, True), (0, 0)), typing.get((None, False), (0, 0))
        c = cal_weeks.get(w.start)
        focus.append(F.FocusWeek(
            focus_minutes=c.focus_minutes if c else 0.0, goal_minutes=goal_minutes, met=c.met if c else False,
            inside_minutes=in_min, inside_lines=in_lines, outside_minutes=out_min, outside_lines=out_lines,
            by_class=by_class, estimate_errors=errors.get(w.start, ())))
    this_week = cal_weeks.get(current)
    this_focus = F.FocusWeek(focus_minutes=this_week.focus_minutes if this_week else 0.0, goal_minutes=goal_minutes)

    step("figures")
    debts = F.DebtIndex(fates, explained)
    weekly = F.weekly(plan, totals, human, fates, explained, prompts, answers, focus, debts,
                      human_from=human_from, share_totals=share_totals)
    now_fig = F.now_figures(debts, pending, this_focus, cal.streak_weeks)
    return {
        "format": FORMAT,
        "generatedAt": _iso(now),
        "timezone": _zone_label(now),
        "weekStartDay": week_start,
        "range": {"from": plan[0].start.isoformat(), "to": (plan[-1].start + timedelta(days=7)).isoformat()},
        "classes": list(F.CLASSES),
        "humanLinesSince": per_line,
        "weeks": weekly,
        "now": now_fig,
        "paradox": signals.paradox(weekly),
        "stage": signals.stage(weekly, now_fig),
    }
