"""The team view: weekly aggregates that give nothing away, and their merge.

``team_export`` keeps only counts, rates and minutes per week (a fixed list
of numeric keys), the week dates and the alias the user chose: no paths, no
code, no explanation text, no uris, no host, no time zone. ``merge`` reads
several exports and pools them. docs/report.md ("Team view") lists exactly
what leaves the machine.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from .figures import CLASSES, rate, ratio

TEAM_FORMAT = "ownwise-team/1"
ALIAS_MAX = 40

WEEK_KEYS = {
    "output": ("aiLines", "inlineLines", "chatLines", "agentLines", "humanLines", "totalLines", "aiShare"),
    "capability": ("prompted", "explained", "cannotExplain", "skipped", "explanationRate", "recallAsked", "recallOk",
                   "recallRate", "debtLines", "focusMinutes", "goalMinutes", "goalMet", "noAiVelocity",
                   "regularVelocity", "noAiTypingMinutes", "noAiTypedLines", "regularTypingMinutes",
                   "regularTypedLines"),
}
CLASS_KEYS = ("aiLines", "humanLines", "prompted", "explained", "debtLines")


class TeamError(ValueError):
    """A file that is not a team export, or a bad alias."""


def check_alias(alias: str) -> str:
    alias = alias.strip()
    if not alias or len(alias) > ALIAS_MAX or any(not (c.isalnum() or c in "-_. ") for c in alias):
        raise TeamError(f"the alias must be 1 to {ALIAS_MAX} letters, digits, spaces, '-', '_' or '.'")
    return alias


def team_export(report: dict, alias: str) -> dict:
    """The weekly aggregates of ``report`` that may leave the machine, under ``alias``."""
    alias = check_alias(alias)
    weeks = []
    for w in report["weeks"]:
        row: dict = {"weekStart": w["weekStart"], "complete": bool(w["complete"])}
        for part, keys in WEEK_KEYS.items():
            for k in keys:
                row[k] = w[part][k]
        row["byClass"] = {c: {k: w["byClass"][c][k] for k in CLASS_KEYS} for c in CLASSES}
        weeks.append(row)
    return {"format": TEAM_FORMAT, "alias": alias, "weekStartDay": report["weekStartDay"], "weeks": weeks}


def _validate(data: object, name: str) -> dict:
    if not isinstance(data, dict) or data.get("format") != TEAM_FORMAT:
        raise TeamError(f"{name}: not an ownwise team export (made by `ownwise export --team`)")
    if not isinstance(data.get("weeks"), list) or not isinstance(data.get("alias"), str):
        raise TeamError(f"{name}: team export without weeks or alias")
    for w in data["weeks"]:
        if not isinstance(w, dict) or not isinstance(w.get("weekStart"), str):
            raise TeamError(f"{name}: a week without weekStart")
        for k in WEEK_KEYS["output"] + WEEK_KEYS["capability"]:
            v = w.get(k)
            if v is not None and not isinstance(v, (int, float)):
                raise TeamError(f"{name}: week {w['weekStart']}: {k} is not a number")
    return data


def _pooled(rows: Sequence[dict]) -> dict:
    s = lambda k: sum(r.get(k) or 0 for r in rows)  # noqa: E731
    return {
        "members": len(rows),
        "aiLines": s("aiLines"), "humanLines": s("humanLines"), "totalLines": s("totalLines"),
        "aiShare": ratio(s("aiLines"), s("totalLines")),
        "prompted": s("prompted"), "explained": s("explained"),
        "explanationRate": ratio(s("explained"), s("prompted")),
        "recallRate": ratio(s("recallOk"), s("recallAsked")),
        "debtLines": s("debtLines"),
        "focusMinutes": round(s("focusMinutes"), 1),
        "focusMinutesPerMember": round(s("focusMinutes") / len(rows), 1) if rows else None,
        "goalMetMembers": sum(bool(r.get("goalMet")) for r in rows),
        "noAiVelocity": rate(s("noAiTypedLines"), s("noAiTypingMinutes")),
        "regularVelocity": rate(s("regularTypedLines"), s("regularTypingMinutes")),
    }


def merge(exports: Sequence[tuple[str, object]]) -> dict:
    """The team report from ``(file name, parsed JSON)`` pairs, one per member."""
    if not exports:
        raise TeamError("no team exports given")
    members = [_validate(d, name) for name, d in exports]
    notes = []
    seen: dict[str, int] = {}
    aliases = []
    for m in members:
        a = m["alias"]
        seen[a] = seen.get(a, 0) + 1
        aliases.append(a if seen[a] == 1 else f"{a} #{seen[a]}")
    if any(n > 1 for n in seen.values()):
        notes.append("Some members used the same alias; they are numbered (#2, #3, …).")
    starts = {m.get("weekStartDay") for m in members}
    if len(starts) > 1:
        notes.append("Members' weeks start on different days (" + ", ".join(sorted(map(str, starts)))
                     + "); weeks are matched by their first day only.")
    days = sorted({w["weekStart"] for m in members for w in m["weeks"]})
    weeks = []
    for day in days:
        rows = []
        for alias, m in zip(aliases, members):
            w = next((w for w in m["weeks"] if w["weekStart"] == day), None)
            if w is not None:
                rows.append({"alias": alias, **{k: w.get(k) for k in WEEK_KEYS["output"] + WEEK_KEYS["capability"]}})
        weeks.append({"weekStart": day, "team": _pooled(rows), "members": rows})
    totals = []
    for alias, m in zip(aliases, members):
        pooled = _pooled(m["weeks"])
        totals.append({"alias": alias, "weeks": len(m["weeks"]), **{k: v for k, v in pooled.items() if k != "members"}})
    return {"format": "ownwise-team-report/1", "members": aliases, "weeks": weeks,
            "overall": {"team": _pooled([w for m in members for w in m["weeks"]]), "members": totals},
            "notes": notes}


def _pct(v) -> str:
    return "—" if v is None else f"{round(v * 100)}%"


def _n(v, places: int = 0) -> str:
    return "—" if v is None else (f"{v:,.{places}f}" if places else f"{round(v):,}")


TEAM_COLUMNS = [
    ("AI share", "aiShare", _pct), ("explanation rate", "explanationRate", _pct), ("recall", "recallRate", _pct),
    ("no-AI minutes", "focusMinutes", _n), ("no-AI velocity", "noAiVelocity", lambda v: _n(v, 2)),
    ("regular velocity", "regularVelocity", lambda v: _n(v, 2)), ("debt lines", "debtLines", _n),
]


def render_team_console(team: dict, console) -> None:
    from rich.table import Table

    t = Table(title="ownwise — team report (all weeks)", show_edge=False)
    t.add_column("member")
    for label, _k, _f in TEAM_COLUMNS:
        t.add_column(label, justify="right")
    for row in team["overall"]["members"]:
        t.add_row(row["alias"], *[f(row.get(k)) for _l, k, f in TEAM_COLUMNS])
    t.add_row("[bold]team[/bold]", *[f(team["overall"]["team"].get(k)) for _l, k, f in TEAM_COLUMNS])
    console.print(t)
    w = Table(title="Team, per week", show_edge=False)
    w.add_column("week")
    w.add_column("members", justify="right")
    for label, _k, _f in TEAM_COLUMNS:
        w.add_column(label, justify="right")
    for week in team["weeks"]:
        w.add_row(week["weekStart"], str(week["team"]["members"]),
                  *[f(week["team"].get(k)) for _l, k, f in TEAM_COLUMNS])
    console.print(w)
    for n in team["notes"]:
        console.print(f"[yellow]{n}[/yellow]")


def render_team_html(team: dict) -> str:
    e = html.escape

    def table(rows: Sequence[tuple[str, dict]], first: str) -> str:
        head = "".join(f"<th>{e(label)}</th>" for label, _k, _f in TEAM_COLUMNS)
        body = "".join("<tr><td>" + e(name) + "</td>" + "".join(f"<td>{e(f(r.get(k)))}</td>"
                                                                  for _l, k, f in TEAM_COLUMNS) + "</tr>"
                       for name, r in rows)
        return f"<table><thead><tr><th>{e(first)}</th>{head}</tr></thead><tbody>{body}</tbody></table>"

    overall = [(r["alias"], r) for r in team["overall"]["members"]] + [("team", team["overall"]["team"])]
    weekly = [(w["weekStart"], w["team"]) for w in team["weeks"]]
    notes = "".join(f"<p class=note>{e(n)}</p>" for n in team["notes"])
    return (
        "<!DOCTYPE html><html lang=en><head><meta charset=utf-8>"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        "<title>ownwise — team report</title><style>"
        "body{font-family:system-ui,sans-serif;margin:2rem;color:#222;background:#fff}"
        "table{border-collapse:collapse;margin:1rem 0}th,td{padding:.3rem .7rem;border-bottom:1px solid #ddd;"
        "text-align:right}th:first-child,td:first-child{text-align:left}.note{color:#a60}"
        "</style></head><body><h1>ownwise — team report</h1>"
        "<p>Weekly aggregates each member exported with <code>ownwise export --team</code>: counts, rates and "
        "minutes only.</p>"
        f"{notes}<h2>Members, all weeks</h2>{table(overall, 'member')}"
        f"<h2>Team, per week</h2>{table(weekly, 'week')}</body></html>\n"
    )
