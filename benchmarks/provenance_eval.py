"""Suspected precision and recall on labelled hint-less traces: ownwise beside size rules.

Replays each trace of ``provenance_traces/*.jsonl.gz`` (written by
``provenance_traces.py``; see its docstring for the labels) through the
server's real :class:`~ownwise.engine.Engine` (``open``, ``change``,
``close``; a clock that follows the trace's times; a database in a temporary
directory), and counts, over every change that inserts non-blank text:

- **ownwise**: the change made a ``suspected`` event (the server as it is; lines that get back
  the tags they had, e.g. an undo, are no new event);
- **size rule (before)**: the same engine with the cross-document evidence off
  (each document's judge removed): the size rule with the one-document move
  check, as the server was before issue 17;
- **WakaTime-style**: more than 2 new lines or more than 50 characters in the
  change's inserted text.

A positive is a change labelled ``ai`` or ``ai-edit``. Precision = suspected
AI changes / suspected changes; recall = suspected AI changes / AI changes.
Lines: the same, each change weighted by the non-blank lines it inserts.

    .venv/bin/python benchmarks/provenance_eval.py [FILES...] [--json] [--by-label]
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import tempfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "server"))

from ownwise.attribution import Change  # noqa: E402
from ownwise.engine import Engine  # noqa: E402

POSITIVE = {"ai", "ai-edit"}
RULES = ("ownwise", "before", "wakatime")


class TraceClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def wakatime(text: str) -> bool:
    return text.count("\n") > 2 or len(text) > 50


def suspected_so_far(engine: Engine) -> tuple[int, int]:
    """The running session's id and the lines of the suspected events it counted."""
    s = engine.sessions.current
    return (s.id, s.ai_by_kind.get("suspected", 0)) if s is not None else (-1, 0)


def new_suspicion(before: tuple[int, int], after: tuple[int, int]) -> bool:
    """Whether a change made a suspected event (a change can start a new session)."""
    return after[1] > (before[1] if after[0] == before[0] else 0)


def replay(trace: dict, evidence: bool, db_dir: Path) -> list[tuple[str, int, bool]]:
    """(label, non-blank lines, suspected) for every labelled change of one trace."""
    clock = TraceClock()
    engine = Engine(clock=clock, db_path=db_dir / f"{trace['name']}-{int(evidence)}.db")
    out: list[tuple[str, int, bool]] = []
    for ev in trace["events"]:
        clock.now = ev["t"]
        uri = ev["uri"]
        if ev["op"] == "open":
            st = engine.open(uri, ev["text"], 0, "python")
            if st is not None and not evidence:
                st.doc.judge = None
        elif ev["op"] == "close":
            engine.close(uri)
        else:
            before = suspected_so_far(engine)
            changes = [Change(c["text"], *c["range"]) for c in ev["changes"]]
            engine.change(uri, None, changes)
            label = ev.get("label")
            text = "".join(c["text"] for c in ev["changes"])
            if label is not None and text.strip():
                lines = sum(1 for s in text.splitlines() if s.strip())
                out.append((label, lines, new_suspicion(before, suspected_so_far(engine))))
    return out


def score(rows: list[tuple[str, int, bool]], weight: Callable[[int], int]) -> dict:
    tp = sum(weight(n) for lab, n, s in rows if s and lab in POSITIVE)
    fp = sum(weight(n) for lab, n, s in rows if s and lab not in POSITIVE)
    pos = sum(weight(n) for lab, n, _ in rows if lab in POSITIVE)
    return {"tp": tp, "fp": fp, "positives": pos,
            "precision": round(tp / (tp + fp), 3) if tp + fp else None,
            "recall": round(tp / pos, 3) if pos else None}


def evaluate(files: list[Path]) -> dict:
    traces = []
    for f in files:
        with gzip.open(f, "rt", encoding="utf-8") as fh:
            traces += [json.loads(line) for line in fh if line.strip()]
    rows: dict[str, list[tuple[str, int, bool]]] = {r: [] for r in RULES}
    with tempfile.TemporaryDirectory() as tmp:
        for t in traces:
            rows["ownwise"] += replay(t, True, Path(tmp))
            before = replay(t, False, Path(tmp))
            rows["before"] += before
            texts = [("".join(c["text"] for c in ev["changes"]), ev.get("label")) for ev in t["events"]
                     if ev["op"] == "change" and ev.get("label") is not None
                     and "".join(c["text"] for c in ev["changes"]).strip()]
            rows["wakatime"] += [(lab, n, wakatime(text)) for (text, lab), (_, n, _) in zip(texts, before, strict=True)]
    result: dict = {"traces": len(traces), "changes": len(rows["ownwise"]),
                    "labels": dict(Counter(lab for lab, _, _ in rows["ownwise"]))}
    for r in RULES:
        result[r] = {"changes": score(rows[r], lambda n: 1), "lines": score(rows[r], lambda n: n),
                     "suspected_by_label": dict(Counter(lab for lab, _, s in rows[r] if s))}
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--by-label", action="store_true", help="also: how many changes of each label each rule suspects")
    a = ap.parse_args()
    files = a.files or sorted((HERE / "provenance_traces").glob("*.jsonl.gz"))
    sets = {f.name.split(".")[0]: [f] for f in files}
    results = {name: evaluate(files) for name, files in sets.items()}
    if a.json:
        print(json.dumps(results, indent=2))
        return
    for name, res in results.items():
        print(f"\n{name}: {res['traces']} traces, {res['changes']} inserting changes; "
              + ", ".join(f"{k} {v}" for k, v in sorted(res["labels"].items())))
        print(f"  {'rule':<24}{'precision':>10}{'recall':>8}{'  (lines:':>10}{'precision':>10}{'recall':>8})")
        for r, title in (("ownwise", "ownwise (after)"), ("before", "size rule (before)"),
                         ("wakatime", "WakaTime-style")):
            c, ln = res[r]["changes"], res[r]["lines"]
            print(f"  {title:<24}{c['precision']!s:>10}{c['recall']!s:>8}{'':>10}{ln['precision']!s:>10}"
                  f"{ln['recall']!s:>8}")
            if a.by_label:
                print(f"  {'':<24}suspected: {res[r]['suspected_by_label']}")


if __name__ == "__main__":
    main()
