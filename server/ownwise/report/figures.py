"""The weekly figures of the report, from plain values (no storage, no protocol).

Every rule is documented in docs/report.md ("How each figure is counted");
the tests in tests/unit/test_report_figures.py check them with hand-computed
numbers.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

CLASSES = ("transient", "repeatable", "core")
DEBT_CLASSES = ("repeatable", "core")
INLINE_KINDS = ("inlineCompletion", "inlineCompletionPartial")
RECALL_OK = ("hard", "good", "easy")
EXPLAIN_KINDS = ("explain", "recall")
#: a week whose human lines were counted per keystroke (before ``humanLinesSince``): not shown
UNCOUNTED = "uncounted"


@dataclass(frozen=True)
class Week:
    """One local week: its first day and the UTC instants (ISO strings, as stored) it spans."""

    start: date
    lo: str  # ISO 8601 UTC, inclusive
    hi: str  # ISO 8601 UTC, exclusive
    complete: bool


@dataclass(frozen=True)
class EditTotal:
    ownership_class: str
    kind: str
    ai: bool
    lines: int


@dataclass(frozen=True)
class LineFate:
    """What became of one AI event's lines: still present as written, present but changed by the user."""

    event: str
    ts: str
    ownership_class: str
    ai: bool
    present: int  # lines still tagged with the event, not modified by the user
    rewritten: int  # lines still tagged with the event, modified by the user
    #: of ``present``, the lines in blocks a prompt can ask about (at least prompts.minLines lines): the ones
    #: that can be debt; None: all of them (snapshots from before block sizes were kept)
    askable: int | None = None


@dataclass(frozen=True)
class PromptFact:
    kind: str
    status: str
    ownership_class: str
    created_at: str


@dataclass(frozen=True)
class AnswerFact:
    prompt_kind: str
    cannot_explain: bool
    rating: str | None
    created_at: str


@dataclass(frozen=True)
class FocusWeek:
    """The calibration's figures for one week (see ownwise.focus.calibration)."""

    focus_minutes: float = 0.0
    goal_minutes: float = 0.0
    met: bool = False
    inside_minutes: int = 0
    inside_lines: int = 0
    outside_minutes: int = 0
    outside_lines: int = 0
    #: class -> (minutes inside, lines inside, minutes outside, lines outside)
    by_class: Mapping[str, tuple[int, int, int, int]] = field(default_factory=dict)
    estimate_errors: Sequence[float] = ()  # error % of each estimate of a block started this week


def ratio(a: float, b: float, places: int = 3) -> float | None:
    return round(a / b, places) if b else None


def rate(lines: int, minutes: int) -> float | None:
    return round(lines / minutes, 2) if minutes else None


def week_index(weeks: Sequence[Week], ts: str) -> int | None:
    """The index of the week holding the stored timestamp ``ts`` (string order is time order)."""
    i = bisect_right([w.lo for w in weeks], ts) - 1
    return i if i >= 0 and ts < weeks[i].hi else None


def debt_lines(fates: Iterable[LineFate], explained: Mapping[str, str], at: str | None) -> dict[str, int]:
    """Capability debt per class at ``at`` (``None``: now).

    AI lines in core and repeatable files that are still present as written
    (not modified by the user), whose event was made before ``at`` and was not
    explained before ``at``.
    """
    return DebtIndex(fates, explained).at(at)


class DebtIndex:
    """:func:`debt_lines` for many instants: sorted prefix sums instead of a pass per instant.

    A line is debt at ``at`` when it was made before ``at`` (``ts < at``) and not explained
    before ``at``; so debt(at) = lines made before ``at`` − lines made *and* explained before
    ``at``, the latter counted by ``max(ts, explained)``.
    """

    def __init__(self, fates: Iterable[LineFate], explained: Mapping[str, str]) -> None:
        made: dict[str, list[tuple[str, int]]] = {c: [] for c in DEBT_CLASSES}
        done: dict[str, list[tuple[str, int]]] = {c: [] for c in DEBT_CLASSES}
        for f in fates:
            n = f.present if f.askable is None else f.askable
            if not f.ai or f.ownership_class not in made or not n:
                continue
            made[f.ownership_class].append((f.ts, n))
            if (when := explained.get(f.event)) is not None:
                done[f.ownership_class].append((max(f.ts, when), n))
        self._made = {c: _prefix(v) for c, v in made.items()}
        self._done = {c: _prefix(v) for c, v in done.items()}

    def at(self, at: str | None) -> dict[str, int]:
        return {c: _upto(self._made[c], at) - _upto(self._done[c], at) for c in DEBT_CLASSES}


def _prefix(items: list[tuple[str, int]]) -> tuple[list[str], list[int]]:
    items.sort()
    keys, sums, total = [], [0], 0
    for k, n in items:
        keys.append(k)
        total += n
        sums.append(total)
    return keys, sums


def _upto(prefix: tuple[list[str], list[int]], at: str | None) -> int:
    """The sum of the values whose key is before ``at`` (all of them for ``None``)."""
    keys, sums = prefix
    return sums[-1] if at is None else sums[bisect_left(keys, at)]


def weekly(
    weeks: Sequence[Week],
    edit_totals: Sequence[Sequence[EditTotal]],  # per week
    human_lines: Sequence[Mapping[str, int]],  # per week: class -> human-typed lines
    fates: Sequence[LineFate],
    explained: Mapping[str, str],
    prompts: Sequence[PromptFact],
    answers: Sequence[AnswerFact],
    focus: Sequence[FocusWeek],
    debts: DebtIndex | None = None,  # built from ``fates`` and ``explained`` when not given
    *,
    human_from: Sequence[str | None] | None = None,  # per week: None, an ISO instant, or UNCOUNTED
    share_totals: Sequence[Sequence[EditTotal]] | None = None,  # per week: the AI lines beside the human ones
) -> list[dict]:
    """The ``weeks`` entries of the report JSON (docs/report.md), oldest first.

    ``human_from`` says since when each week's human lines are counted once per line: ``None`` the whole
    week, an instant from then on (``share_totals`` then holds the AI lines from then on, for the share and
    the total), :data:`UNCOUNTED` not at all (every figure resting on human lines is ``null``).
    """
    fate_by_week: dict[int, list[LineFate]] = defaultdict(list)
    for f in fates:
        if f.ai and (i := week_index(weeks, f.ts)) is not None:
            fate_by_week[i].append(f)
    prompts_by_week: dict[int, list[PromptFact]] = defaultdict(list)
    for p in prompts:
        if p.kind in EXPLAIN_KINDS and (i := week_index(weeks, p.created_at)) is not None:
            prompts_by_week[i].append(p)
    answers_by_week: dict[int, list[AnswerFact]] = defaultdict(list)
    for a in answers:
        if (i := week_index(weeks, a.created_at)) is not None:
            answers_by_week[i].append(a)

    debts = DebtIndex(fates, explained) if debts is None else debts
    out = []
    for i, w in enumerate(weeks):
        totals = edit_totals[i]
        shares = share_totals[i] if share_totals is not None else totals
        hfrom = human_from[i] if human_from is not None else None
        known = hfrom != UNCOUNTED
        humans = human_lines[i]
        fw = focus[i]
        fates_w = fate_by_week.get(i, [])
        debt = debts.at(w.hi)

        def ai_lines(pred) -> int:
            return sum(t.lines for t in totals if t.ai and pred(t))

        def fate_counts(cls: str | None) -> tuple[int, int, int]:
            accepted = ai_lines(lambda t: cls is None or t.ownership_class == cls)
            fs = [f for f in fates_w if cls is None or f.ownership_class == cls]
            present = sum(f.present for f in fs)
            rewritten = sum(f.rewritten for f in fs)
            return present, rewritten, max(0, accepted - present - rewritten)

        def cohort(cls: str | None) -> tuple[int, int, int, int]:
            ps = [p for p in prompts_by_week.get(i, []) if cls is None or p.ownership_class == cls]
            return (len(ps), sum(p.status == "answered" for p in ps), sum(p.status == "cannotExplain" for p in ps),
                    sum(p.status == "skipped" for p in ps))

        ai = ai_lines(lambda t: True)
        share_ai = sum(t.lines for t in shares if t.ai)
        human = sum(humans.values())
        present, rewritten, gone = fate_counts(None)
        prompted, explained_n, cannot, skipped = cohort(None)
        core_prompted, core_explained, _, _ = cohort("core")
        reviews = [a for a in answers_by_week.get(i, []) if a.prompt_kind == "review"]
        recall_ok = sum(a.rating in RECALL_OK and not a.cannot_explain for a in reviews)
        errors = list(fw.estimate_errors)

        def known_or_none(v):
            return v if known else None

        by_class = {}
        for c in CLASSES:
            c_ai = ai_lines(lambda t, c=c: t.ownership_class == c)
            c_share_ai = sum(t.lines for t in shares if t.ai and t.ownership_class == c)
            c_human = humans.get(c, 0)
            c_present, c_rewritten, c_gone = fate_counts(c)
            c_prompted, c_explained, _, _ = cohort(c)
            in_min, in_lines, out_min, out_lines = fw.by_class.get(c, (0, 0, 0, 0))
            by_class[c] = {
                "aiLines": c_ai, "humanLines": known_or_none(c_human),
                "aiShare": known_or_none(ratio(c_share_ai, c_share_ai + c_human)),
                "present": c_present, "rewritten": c_rewritten, "gone": c_gone,
                "prompted": c_prompted, "explained": c_explained, "explanationRate": ratio(c_explained, c_prompted),
                "debtLines": debt.get(c, 0),
                "noAiVelocity": known_or_none(rate(in_lines, in_min)),
                "regularVelocity": known_or_none(rate(out_lines, out_min)),
            }

        out.append({
            "weekStart": w.start.isoformat(),
            "complete": w.complete,
            "humanLinesFrom": hfrom if known else None,
            "output": {
                "aiLines": ai,
                "inlineLines": ai_lines(lambda t: t.kind in INLINE_KINDS),
                "chatLines": ai_lines(lambda t: t.kind == "chatEdit"),
                "agentLines": ai_lines(lambda t: t.kind == "agentEdit"),
                "suspectedLines": sum(t.lines for t in totals if t.kind == "suspected"),
                "humanLines": known_or_none(human),
                "totalLines": known_or_none(share_ai + human),
                "aiShare": known_or_none(ratio(share_ai, share_ai + human)),
                "present": present, "rewritten": rewritten, "gone": gone,
            },
            "capability": {
                "prompted": prompted, "explained": explained_n, "cannotExplain": cannot, "skipped": skipped,
                "explanationRate": ratio(explained_n, prompted),
                "explanationRateCore": ratio(core_explained, core_prompted),
                "recallAsked": len(reviews), "recallOk": recall_ok, "recallRate": ratio(recall_ok, len(reviews)),
                "debtLines": sum(debt.values()), "debtLinesCore": debt["core"],
                "debtLinesRepeatable": debt["repeatable"],
                "focusMinutes": round(fw.focus_minutes, 1), "goalMinutes": fw.goal_minutes, "goalMet": fw.met,
                "noAiVelocity": known_or_none(rate(fw.inside_lines, fw.inside_minutes)),
                "regularVelocity": known_or_none(rate(fw.outside_lines, fw.outside_minutes)),
                "noAiTypingMinutes": known_or_none(fw.inside_minutes),
                "noAiTypedLines": known_or_none(fw.inside_lines),
                "regularTypingMinutes": known_or_none(fw.outside_minutes),
                "regularTypedLines": known_or_none(fw.outside_lines),
                "estimateErrorPct": round(sum(abs(e) for e in errors) / len(errors), 1) if errors else None,
            },
            "byClass": by_class,
        })
    return out


def fates_from_ranges(ranges: Iterable[tuple], facts: Mapping[str, tuple[str, str, bool]], *,
                      min_lines: int = 1) -> list[LineFate]:
    """Group snapshot ranges ``(event, lines, human_modified[, block_lines])`` per event, with each event's
    ``(ts, class, ai)``; ``askable`` counts the present lines in blocks of at least ``min_lines`` lines.

    Events with no stored edit are left out (they cannot be put in a week).
    """
    present: dict[str, int] = defaultdict(int)
    modified: dict[str, int] = defaultdict(int)
    askable: dict[str, int] = defaultdict(int)
    sized: set[str] = set()
    for event, lines, human, *rest in ranges:
        (modified if human else present)[event] += lines
        block = rest[0] if rest else None
        if block is not None:
            sized.add(event)
        if not human and (block is None or block >= min_lines):
            askable[event] += lines
    out = []
    for event in sorted(set(present) | set(modified)):
        if event not in facts:
            continue
        ts, cls, ai = facts[event]
        out.append(LineFate(event=event, ts=ts, ownership_class=cls, ai=ai,
                            present=present.get(event, 0), rewritten=modified.get(event, 0),
                            askable=askable.get(event, 0) if event in sized else None))
    return out


def now_figures(debts: DebtIndex, pending: int, this_week: FocusWeek, streak: int) -> dict:
    debt = debts.at(None)
    return {"debtLines": sum(debt.values()), "debtLinesCore": debt["core"], "debtLinesRepeatable": debt["repeatable"],
            "pendingPrompts": pending, "focusMinutesThisWeek": round(this_week.focus_minutes, 1),
            "goalMinutes": this_week.goal_minutes, "streakWeeks": streak}
