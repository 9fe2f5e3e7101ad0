"""The report's words (pure): what its terms mean, plurals, and the notes on data it lacks.

Shared by the terminal and the HTML report (and the VS Code webview, which shows the HTML), so a term
is explained the same way wherever it first appears.
"""

from __future__ import annotations

from datetime import datetime

from ..words import plural

#: one sentence for each term the report uses, shown where it first appears
TERMS = {
    "capability debt": ("AI-written lines in core and repeatable files, still as the AI wrote them, that you "
                        "were asked about (blocks of at least prompts.minLines lines) and have not explained yet."),
    "paradox signal": ("Output rising week after week while what you can explain, recall or write without AI "
                       "falls: shipping more while understanding less."),
    "stage": ("Which of four patterns (Honeymoon, Drift, Dependency, Fragility) your last complete weeks "
              "resemble, from your own figures: a prompt to reflect, not a verdict."),
    "human lines": "Lines you typed or pasted, each counted once per coding session however many keystrokes.",
    "velocity": "Human lines per minute in which you typed, inside no-AI blocks (no-AI) and outside them (usual).",
}


def human_lines_note(report: dict) -> str | None:
    """Why some weeks show no human lines: before ``humanLinesSince`` they were counted per keystroke."""
    since = report.get("humanLinesSince")
    weeks = report.get("weeks") or []
    if not since or not any(w.get("humanLinesFrom") or (w.get("output") or {}).get("humanLines") is None
                            for w in weeks):
        return None
    when = datetime.fromisoformat(since).astimezone()
    day = f"{when:%a} {when.day} {when:%b %Y}, {when:%H:%M}"
    return (f"Human lines are counted once per line since {day}. Before that ownwise counted every keystroke's "
            "lines, which cannot be recounted: human lines, AI share and velocities are not shown (—) for "
            "earlier weeks, and that week counts them from then on.")


def weeks_needed(have: int, need: int) -> str:
    """``1 more complete week needed`` / ``3 more complete weeks needed``."""
    return f"{plural(need - have, 'more complete week')} needed"


__all__ = ["TERMS", "human_lines_note", "plural", "weeks_needed"]
