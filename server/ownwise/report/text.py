"""The report for the terminal (rich tables with sparklines) and as CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from .words import TERMS, human_lines_note, plural

BARS = "▁▂▃▄▅▆▇█"


def sparkline(values: Sequence[float | None]) -> str:
    """One block character per value, scaled from 0 to the largest; a space for no data."""
    present = [v for v in values if v is not None]
    top = max(present, default=0)
    out = []
    for v in values:
        if v is None:
            out.append(" ")
        elif top <= 0:
            out.append(BARS[0])
        else:
            out.append(BARS[min(len(BARS) - 1, int(v / top * (len(BARS) - 1) + 0.5))])
    return "".join(out)


def pct(v: float | None) -> str:
    return "—" if v is None else f"{round(v * 100)}%"


def num(v: float | None, places: int = 0) -> str:
    if v is None:
        return "—"
    return f"{v:,.{places}f}" if places else f"{round(v):,}"


def _label(week: dict) -> str:
    return week["weekStart"] + ("" if week["complete"] else " (so far)")


def _short(week: dict) -> str:
    from datetime import date

    d = date.fromisoformat(week["weekStart"])
    return f"{d:%b} {d.day}" + ("" if week["complete"] else "*")


ROWS: list[tuple[str, str, str, str]] = [
    # label, part, key, format
    ("AI lines", "output", "aiLines", "n"),
    ("  inline", "output", "inlineLines", "n"),
    ("  chat", "output", "chatLines", "n"),
    ("  agent", "output", "agentLines", "n"),
    ("Suspected lines", "output", "suspectedLines", "n"),
    ("Human-typed lines", "output", "humanLines", "n"),
    ("AI share", "output", "aiShare", "%"),
    ("AI lines still present", "output", "present", "n"),
    ("  rewritten by you", "output", "rewritten", "n"),
    ("  gone", "output", "gone", "n"),
    ("Prompts", "capability", "prompted", "n"),
    ("  explained", "capability", "explained", "n"),
    ("  can't explain yet", "capability", "cannotExplain", "n"),
    ("  skipped", "capability", "skipped", "n"),
    ("Explanation rate", "capability", "explanationRate", "%"),
    ("  in core code", "capability", "explanationRateCore", "%"),
    ("Recall success", "capability", "recallRate", "%"),
    ("Capability debt, lines", "capability", "debtLines", "n"),
    ("  core", "capability", "debtLinesCore", "n"),
    ("No-AI minutes", "capability", "focusMinutes", "n"),
    ("No-AI velocity, lines/min", "capability", "noAiVelocity", "2"),
    ("Usual velocity, lines/min", "capability", "regularVelocity", "2"),
    ("Estimate error", "capability", "estimateErrorPct", "e"),
]


def _cell(v, fmt: str) -> str:
    if fmt == "%":
        return pct(v)
    if fmt == "2":
        return num(v, 2)
    if fmt == "e":
        return "—" if v is None else f"{v:.0f}%"
    return num(v)


def render_console(report: dict, console) -> None:
    """Print the report on a rich ``Console``."""
    from rich.panel import Panel
    from rich.table import Table

    weeks = report["weeks"]
    console.print(f"[bold]ownwise — weekly report[/bold]  {report['range']['from']} … {report['range']['to']} "
                  f"({report['timezone']}, weeks start on {report['weekStartDay'].capitalize()})")
    fit = max(2, (console.width - 30 - max(8, len(weeks)) - 4) // 9)
    shown = weeks[-fit:]
    table = Table(show_edge=False, pad_edge=False,
                  caption="* this week so far" if not weeks[-1]["complete"] else None)
    table.add_column("week of", no_wrap=True)
    for w in shown:
        table.add_column(_short(w), justify="right", no_wrap=True)
    table.add_column(f"{len(weeks)} weeks", justify="left", no_wrap=True)
    for label, part, key, fmt in ROWS:
        values = [w[part][key] for w in weeks]
        table.add_row(label, *[_cell(w[part][key], fmt) for w in shown], sparkline(values))
    console.print(table)

    latest = weeks[-1]
    per = Table(title=f"By class, week of {_label(latest)}", show_edge=False, pad_edge=False)
    for col in ("class", "AI", "human", "share", "expl.", "debt", "no-AI/min", "usual/min"):
        per.add_column(col, justify="left" if col == "class" else "right", no_wrap=True)
    for c in report["classes"]:
        f = latest["byClass"][c]
        per.add_row(c, num(f["aiLines"]), num(f["humanLines"]), pct(f["aiShare"]),
                    f"{f['explained']}/{f['prompted']}", num(f["debtLines"]), num(f["noAiVelocity"], 2),
                    num(f["regularVelocity"], 2))
    console.print(per)

    note = human_lines_note(report)
    if note:
        console.print(f"[dim]{note}[/dim]")
    now = report["now"]
    console.print(f"Now: capability debt [bold]{plural(now['debtLines'], 'line')}[/bold] "
                  f"(core {now['debtLinesCore']:,}, repeatable {now['debtLinesRepeatable']:,}); "
                  f"{plural(now['pendingPrompts'], 'prompt')} pending; "
                  f"no-AI {num(now['focusMinutesThisWeek'])} of {plural(now['goalMinutes'], 'minute')} this week; "
                  f"goal streak {plural(now['streakWeeks'], 'week')}.")
    console.print(f"[dim]Capability debt: {TERMS['capability debt']}[/dim]")
    p = report["paradox"]
    console.print(Panel(f"{p['text']}\n\n[dim]{TERMS['paradox signal']}[/dim]", title="Paradox signal",
                        border_style="red" if p["holds"] else "dim"))
    s = report["stage"]
    body = f"{s['text']}\n[dim]{TERMS['stage']}[/dim]"
    if s["because"]:
        body += "\n" + "\n".join(f"• {b}" for b in s["because"])
    if s["practice"]:
        body += f"\n\nPractice: {s['practice']}"
    body += f"\n\n[dim]{s['note']}[/dim]"
    console.print(Panel(body, title="Stage"))


CSV_COLUMNS = [
    "weekStart", "complete", "scope",
    "aiLines", "inlineLines", "chatLines", "agentLines", "suspectedLines", "humanLines", "totalLines", "aiShare",
    "present", "rewritten", "gone",
    "prompted", "explained", "cannotExplain", "skipped", "explanationRate", "explanationRateCore",
    "recallAsked", "recallOk", "recallRate",
    "debtLines", "debtLinesCore", "debtLinesRepeatable",
    "focusMinutes", "goalMinutes", "goalMet", "noAiVelocity", "regularVelocity", "estimateErrorPct",
]


def render_csv(report: dict) -> str:
    """One row per week and scope (``all``, then each class); empty cells where a figure has no data
    or does not exist per class."""
    buf = io.StringIO()
    out = csv.DictWriter(buf, CSV_COLUMNS, lineterminator="\n", extrasaction="ignore")
    out.writeheader()
    def row(**values) -> dict:
        return {k: (str(v).lower() if isinstance(v, bool) else v) for k, v in values.items()}

    for w in report["weeks"]:
        base = {"weekStart": w["weekStart"], "complete": w["complete"]}
        out.writerow(row(**base, scope="all", **w["output"], **w["capability"]))
        for c in report["classes"]:
            out.writerow(row(**base, scope=c, **w["byClass"][c]))
    return buf.getvalue()
