"""A small database with hand-computed report figures (tests/unit/test_report_*.py, tests/lsp).

Weeks start on Monday, UTC. ``NOW`` is Wednesday 2026-11-25 12:00; with
``weeks=3`` the report covers the weeks of Nov 9, Nov 16 and Nov 23 (current).
The expected figures are worked out by hand in the comments.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from ownwise.store import ActivityMinute, Answer, EditRecord, FocusBlock, Prompt, Snapshot, Store
from ownwise.store.models import SnapshotRange

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)
CODE = "def secret_sauce(x):\n    return x * 42\n"
ANSWER_TEXT = "It multiplies the running total by the answer to everything."


def ts(day: int, hh: int = 10, mm: int = 0, ss: int = 0, ms: int = 0, month: int = 11) -> str:
    return datetime(2026, month, day, hh, mm, ss, ms * 1000, tzinfo=timezone.utc).isoformat(timespec="milliseconds")


def _edit(id_, t, cls, kind, lines, *, ai=True, path="src/core.py"):
    return EditRecord(id=id_, ts=t, path=path, uri=f"file:///home/dev/proj/{path}", workspace="/home/dev/proj",
                      ownership_class=cls, kind=kind, ai=ai, lines=lines, chars=lines * 30, content_hash="0" * 64,
                      snippet=CODE)


def _range(a, b, event, *, human=False, kind="inlineCompletion"):
    return SnapshotRange(start_line=a, end_line=b, kind=kind, event=event, human_modified=human)


def _prompt(id_, kind, status, cls, events, created, *, path="src/core.py"):
    return Prompt(id=id_, kind=kind, status=status, ownership_class=cls, path=path,
                  uri=f"file:///home/dev/proj/{path}", workspace="/home/dev/proj", code=CODE, events=events,
                  question="What does `secret_sauce` do?", created_at=created, updated_at=created)


def build(path: Path) -> Path:
    store, _ = Store.open(path)
    store.add_edits([
        _edit("e0", ts(8, 23, 59, 59, 999), "core", "inlineCompletion", 100),  # before the first week
        _edit("e1", ts(10), "core", "inlineCompletion", 10),
        _edit("e2", ts(11), "core", "chatEdit", 6),
        _edit("e3", ts(12), "repeatable", "agentEdit", 4, path="src/crud.py"),
        _edit("e4", ts(12, 11), "transient", "inlineCompletionPartial", 3, path="scripts/x.py"),
        _edit("s1", ts(13), "core", "suspected", 30, ai=False),
        _edit("e7", ts(16, 0), "core", "inlineCompletion", 2),  # exactly at the week boundary: week of Nov 16
        _edit("e5", ts(17), "core", "inlineCompletion", 8),
        _edit("e6", ts(24), "repeatable", "chatEdit", 5, path="src/crud.py"),
    ])
    store.save_snapshots([
        Snapshot(uri="file:///home/dev/proj/src/core.py", text_hash="h1", updated_at=ts(25), ranges=[
            _range(0, 5, "e1"), _range(10, 11, "e1", human=True),  # e1: 6 present, 2 rewritten, 2 gone
            _range(20, 27, "e5"), _range(30, 31, "e7"),
            _range(40, 69, "s1", kind="suspected"),  # suspected and not counted as AI: never debt
            _range(100, 199, "e0"),
        ]),  # e2 is gone (6 lines)
        Snapshot(uri="file:///home/dev/proj/src/crud.py", text_hash="h2", updated_at=ts(25), ranges=[
            _range(0, 3, "e3", kind="agentEdit"), _range(10, 14, "e6", kind="chatEdit")]),
        Snapshot(uri="file:///home/dev/proj/scripts/x.py", text_hash="h3", updated_at=ts(25), ranges=[
            _range(0, 2, "e4")]),
    ])
    store.add_prompts([
        _prompt("p1", "explain", "answered", "core", ["e1"], ts(14)),
        _prompt("p3", "explain", "cannotExplain", "repeatable", ["e3"], ts(12, 12), path="src/crud.py"),
        _prompt("p2", "recall", "skipped", "core", ["e5"], ts(17, 12)),
        _prompt("p4", "explain", "pending", "core", ["e2"], ts(20)),
        _prompt("r1", "review", "answered", "core", ["e1"], ts(24)),
        _prompt("r2", "review", "answered", "core", ["e1"], ts(24, 11)),
    ])
    store.add_answer(Answer(prompt_id="p1", text=ANSWER_TEXT, understanding=4, via="document", created_at=ts(18)))
    store.add_answer(Answer(prompt_id="p3", text="I can't explain this yet", cannot_explain=True, via="cli",
                            created_at=ts(12, 13)))
    store.add_answer(Answer(prompt_id="r1", text=ANSWER_TEXT, rating="good", via="request", created_at=ts(24, 10, 30)))
    store.add_answer(Answer(prompt_id="r2", text=ANSWER_TEXT, rating="again", via="request", created_at=ts(24, 11, 30)))
    store.add_focus_block(FocusBlock(id="b1", started_at=ts(11, 8, 30), ended_at=ts(11, 10), planned_minutes=90,
                                     estimate_minutes=60, end_reason="command", last_activity=ts(11, 10),
                                     started_by="lsp", task="refactor the parser"))
    store.save_activity([
        ActivityMinute(minute=ts(10, 10), ownership_class="core", server="a:1:1", human_lines=5, human_chars=90),
        ActivityMinute(minute=ts(10, 10), ownership_class="core", server="b:2:2", human_lines=3, human_chars=40),
        ActivityMinute(minute=ts(11, 9), ownership_class="core", server="a:1:1", focus_id="b1", human_lines=4,
                       human_chars=60),
    ])
    store.close()
    return path


# The weeks of Nov 9 and Nov 16, by hand.
WEEK_NOV9 = {
    "output": {"aiLines": 23, "inlineLines": 13, "chatLines": 6, "agentLines": 4, "suspectedLines": 30,
               "humanLines": 12, "totalLines": 35, "aiShare": 0.657, "present": 13, "rewritten": 2, "gone": 8},
    "capability": {"prompted": 2, "explained": 1, "cannotExplain": 1, "skipped": 0, "explanationRate": 0.5,
                   "explanationRateCore": 1.0, "recallAsked": 0, "recallOk": 0, "recallRate": None,
                   # e0 100 + e1 6 (explained only on Nov 18) in core; e3 4 in repeatable
                   "debtLines": 110, "debtLinesCore": 106, "debtLinesRepeatable": 4,
                   "focusMinutes": 90.0, "goalMinutes": 90, "goalMet": True,
                   "noAiVelocity": 4.0, "regularVelocity": 8.0, "estimateErrorPct": 50.0},
    "core": {"aiLines": 16, "humanLines": 12, "aiShare": 0.571, "present": 6, "rewritten": 2, "gone": 8,
             "prompted": 1, "explained": 1, "explanationRate": 1.0, "debtLines": 106,
             "noAiVelocity": 4.0, "regularVelocity": 8.0},
}
WEEK_NOV16 = {
    "output": {"aiLines": 10, "inlineLines": 10, "chatLines": 0, "agentLines": 0, "suspectedLines": 0,
               "humanLines": 0, "totalLines": 10, "aiShare": 1.0, "present": 10, "rewritten": 0, "gone": 0},
    "capability": {"prompted": 2, "explained": 0, "cannotExplain": 0, "skipped": 1, "explanationRate": 0.0,
                   "explanationRateCore": 0.0, "recallAsked": 0, "recallRate": None,
                   # e0 100 + e7 2 + e5 8 in core (e1 explained on Nov 18); e3 4 in repeatable
                   "debtLines": 114, "debtLinesCore": 110, "debtLinesRepeatable": 4,
                   "focusMinutes": 0.0, "goalMet": False, "noAiVelocity": None, "regularVelocity": None,
                   "estimateErrorPct": None},
}
WEEK_NOV23 = {
    "output": {"aiLines": 5, "chatLines": 5, "present": 5, "gone": 0},
    "capability": {"prompted": 0, "explanationRate": None, "recallAsked": 2, "recallOk": 1, "recallRate": 0.5,
                   "debtLines": 119, "debtLinesCore": 110, "debtLinesRepeatable": 9},
}
NOW_FIGURES = {"debtLines": 119, "debtLinesCore": 110, "debtLinesRepeatable": 9, "pendingPrompts": 1,
               "focusMinutesThisWeek": 0.0, "goalMinutes": 90}
