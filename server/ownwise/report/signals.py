"""The paradox signal and the stage read-out, from the weekly figures (pure).

Both read only complete weeks. The rules and thresholds are documented in
docs/report.md and tested at their edges in tests/unit/test_report_signals.py.
A stage is a reflection aid worded as such, never a verdict.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .words import plural, weeks_needed

PARADOX_MIN_WEEKS = 3
RISE = 0.10  # output must end at least 10 % above where it started
FALL = 0.10  # a capability figure must end at least 10 % below where it started
EPS = 1e-9  # so that exactly 10 % counts despite binary fractions
FALLING_METRICS = (
    ("explanationRate", "explanation rate", "pct"),
    ("noAiVelocity", "no-AI velocity", "lpm"),
    ("recallRate", "recall success", "pct"),
)

STAGE_WEEKS = 4
STAGE_MIN_LINES = 50
SHARE_FLOOR = 0.20  # below: no stage applies
SHARE_STAGE = 0.40  # drift and dependency need at least this AI share
SHARE_FRAGILE = 0.60  # fragility: drift and dependency signs together at this share
EXPLAIN_LOW = 0.50
RECALL_LOW = 0.50
FOCUS_LOW = 0.25  # of the goal's minutes
VELOCITY_LOW = 0.60  # no-AI velocity as a share of regular velocity

NOTE = "A reflection aid from your own figures, not a verdict."

STAGES = {
    "honeymoon": ("Honeymoon", "speed without friction"),
    "drift": ("Drift", "fast but hollow"),
    "dependency": ("Dependency", "can't work without it"),
    "fragility": ("Fragility", "high output, low agency"),
}


def _pct(x: float) -> str:
    return f"{round(x * 100)}%"


def _fmt(x: float, unit: str) -> str:
    return _pct(x) if unit == "pct" else f"{x:.2f} lines/min"


def rises(values: Sequence[float | None]) -> bool:
    """Never down from one week to the next, and the last at least 10 % above the first (and above it)."""
    vs = [v for v in values if v is not None]
    if len(vs) < 2 or len(vs) < len(values):
        return False
    steady = all(b >= a for a, b in zip(vs, vs[1:]))
    return steady and vs[-1] > vs[0] and vs[-1] - vs[0] >= vs[0] * RISE - EPS


def falls(values: Sequence[float | None]) -> bool:
    """Never up from one week to the next, and the last at least 10 % below the first."""
    vs = [v for v in values if v is not None]
    if len(vs) < 2 or len(vs) < len(values):
        return False
    steady = all(b <= a for a, b in zip(vs, vs[1:]))
    return steady and vs[-1] < vs[0] and vs[0] - vs[-1] >= vs[0] * FALL - EPS


def paradox(weeks: Sequence[dict]) -> dict:
    """Output up while the explanation rate, no-AI velocity or recall falls, over the last 3+ complete weeks."""
    done = [w for w in weeks if w["complete"]]
    # weeks before the first one with any code in it say nothing about a trend
    first = next((i for i, w in enumerate(done) if w["output"]["aiLines"] or w["output"]["totalLines"]), len(done))
    done = done[first:]
    if len(done) < PARADOX_MIN_WEEKS:
        return {"holds": False, "weeks": len(done), "output": None, "falling": [],
                "text": f"Not enough weeks yet: the paradox signal needs {PARADOX_MIN_WEEKS} complete weeks with "
                        f"code in them (this report has {len(done)}: "
                        f"{weeks_needed(len(done), PARADOX_MIN_WEEKS)})."}
    # the longest run of trailing complete weeks (3 at least) over which the rule holds
    for n in range(len(done), PARADOX_MIN_WEEKS - 1, -1):
        span = done[-n:]
        output = [w["output"]["totalLines"] for w in span]
        if not rises(output):
            continue
        falling = []
        for key, label, unit in FALLING_METRICS:
            vals = [w["capability"][key] for w in span]
            if falls(vals):
                falling.append({"metric": key, "label": label, "from": vals[0], "to": vals[-1], "unit": unit})
        if not falling:
            continue
        grew = round((output[-1] / output[0] - 1) * 100) if output[0] else None
        what = " and ".join(f"your {f['label']} fell from {_fmt(f['from'], f['unit'])} to {_fmt(f['to'], f['unit'])}"
                            for f in falling)
        rose = f"rose {grew}%" if grew is not None else "rose"
        text = (f"Output {rose} over the last {n} weeks ({output[0]:,} → {output[-1]:,} lines) while {what}. "
                "Shipping more while understanding less is the productivity paradox.")
        return {"holds": True, "weeks": n, "output": {"from": output[0], "to": output[-1]}, "falling": falling,
                "text": text}
    return {"holds": False, "weeks": len(done), "output": None, "falling": [],
            "text": f"No paradox signal: in the last {plural(len(done), 'complete week')} your output did not "
                    "rise while your explanation rate, no-AI velocity or recall fell."}


def _sum(weeks: Sequence[dict], part: str, key: str) -> float:
    return sum(w[part][key] or 0 for w in weeks)


def stage(weeks: Sequence[dict], now: dict) -> dict:
    """Which of the four stages the last 4 complete weeks resemble, with the figures that put them there."""
    done = [w for w in weeks if w["complete"]][-STAGE_WEEKS:]
    n = len(done)
    base: dict[str, Any] = {"id": None, "name": None, "tagline": None, "weeks": n, "because": [], "practice": None,
                            "note": NOTE}
    # weeks whose human lines were counted per keystroke (totalLines null) are left out of the share; in the
    # week the per-line count began, the AI lines beside the human ones are totalLines - humanLines
    known = [w["output"] for w in done if w["output"]["totalLines"] is not None]
    total = sum(o["totalLines"] for o in known)
    ai = sum(o["totalLines"] - o["humanLines"] if o.get("humanLines") is not None else o["aiLines"] for o in known)
    if not done or total < STAGE_MIN_LINES:
        if not done:
            return {**base, "text": f"No complete week yet: a stage is read from the last {STAGE_WEEKS} complete "
                                    f"weeks ({weeks_needed(0, 1)})."}
        return {**base, "text": f"Not enough code yet to read a stage: it needs {STAGE_MIN_LINES} lines in the "
                                f"last {STAGE_WEEKS} complete weeks (there {'was' if total == 1 else 'were'} "
                                f"{int(total)})."}
    share = ai / total
    if share < SHARE_FLOOR:
        return {**base, "because": [f"AI wrote {_pct(share)} of your lines"],
                "text": f"AI wrote under {_pct(SHARE_FLOOR)} of your lines in the last {n} complete weeks: "
                        "none of the four stages applies."}

    because = [f"AI wrote {_pct(share)} of your lines"]
    drift, dep = [], []
    prompted = _sum(done, "capability", "prompted")
    explained = _sum(done, "capability", "explained")
    if prompted and explained / prompted < EXPLAIN_LOW:
        drift.append(f"you explained {_pct(explained / prompted)} of the AI code you were asked about")
    debt0, debt1 = done[0]["capability"]["debtLines"], done[-1]["capability"]["debtLines"]
    if debt1 > debt0:
        drift.append(f"unexplained AI code in core and repeatable files grew from {debt0:,} to "
                     f"{plural(debt1, 'line')}")
    asked = _sum(done, "capability", "recallAsked")
    ok = _sum(done, "capability", "recallOk")
    if asked and ok / asked < RECALL_LOW:
        drift.append(f"you could recall {_pct(ok / asked)} of what you explained before")
    goal = _sum(done, "capability", "goalMinutes")
    focus = _sum(done, "capability", "focusMinutes")
    if goal and focus / goal < FOCUS_LOW:
        dep.append(f"you worked {round(focus)} of the {plural(round(goal), 'no-AI minute')} you aimed for")
    in_min, in_lines = _sum(done, "capability", "noAiTypingMinutes"), _sum(done, "capability", "noAiTypedLines")
    out_min, out_lines = _sum(done, "capability", "regularTypingMinutes"), _sum(done, "capability", "regularTypedLines")
    if in_min and out_min and out_lines:
        v_in, v_out = in_lines / in_min, out_lines / out_min
        if v_in / v_out < VELOCITY_LOW:
            dep.append(f"without AI you typed {v_in:.2f} lines/min, {_pct(v_in / v_out)} of your usual {v_out:.2f}")

    debt = now["debtLines"]
    goal_week = int(now["goalMinutes"] or 90)
    if share >= SHARE_FRAGILE and drift and dep:
        sid, signs = "fragility", drift + dep
        practice = (f"Start small and regular: one {goal_week}-minute no-AI block this week (`ownwise focus start`), "
                    "explain one block of core AI code a day (`ownwise explain`), and answer the recall questions "
                    "when they come.")
    elif share >= SHARE_STAGE and dep:
        sid, signs = "dependency", dep
        practice = (f"Do a {goal_week}-minute no-AI block this week on a task you know "
                    f"(`ownwise focus start --minutes {goal_week}`), then compare your velocity in the next report.")
    elif share >= SHARE_STAGE and drift:
        sid, signs = "drift", drift
        practice = (f"Explain the AI code you kept in core files ({plural(debt, 'line')} unexplained now): run "
                    "`ownwise explain`, or \"Ownwise: Explain Pending\" in VS Code.")
    else:
        sid, signs = "honeymoon", []
        if prompted:
            signs.append(f"you explained {_pct(explained / prompted)} of the AI code you were asked about")
        practice = ("Keep the habits while they are cheap: explain AI code in core files as you go, and put this "
                    "week's no-AI block in your calendar (`ownwise focus start`).")
    name, tagline = STAGES[sid]
    return {**base, "id": sid, "name": name, "tagline": tagline, "because": because + signs, "practice": practice,
            "text": f"Your last {n} complete week{'s' if n != 1 else ''} resemble{'s' if n == 1 else ''} "
                    f"{name} ({tagline})."}
