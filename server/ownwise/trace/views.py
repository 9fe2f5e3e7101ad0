"""What the records say, for people: blame, stats, the pull request's review guide, the team's weeks."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from .git import ZERO, Repo
from .read import NONE, LineInfo, Notes
from .record import author_stats, file_class, file_spans, paths

CLASS_ORDER = {"core": 0, "repeatable": 1, "transient": 2}


# -------------------------------------------------------------------- blame
@dataclass
class BlamedLine:
    line: int
    commit: str | None
    info: LineInfo
    text: str
    author: str
    when: int


def blame(repo: Repo, path: Path, rev: str | None = None, contents: bytes | None = None) -> list[BlamedLine]:
    """Each line of ``path`` with the commit that last changed it and what that commit's records say."""
    rel = path.resolve().relative_to(repo.root.resolve()).as_posix() if path.is_absolute() else path.as_posix()
    lines = repo.blame(rel, rev, contents)
    notes = Notes(repo, {b.commit for b in lines if b.commit != ZERO})
    out = []
    for b in lines:
        if b.commit == ZERO:
            out.append(BlamedLine(b.final, None, NONE, b.text, "", 0))
            continue
        out.append(BlamedLine(b.final, b.commit, notes.line(b.commit, b.path, b.orig), b.text, b.author,
                              b.author_time))
    return out


def blame_json(lines: list[BlamedLine]) -> list[dict[str, Any]]:
    return [{"line": b.line, "commit": b.commit, "type": b.info.label.type if b.commit else "uncommitted",
             "kind": b.info.label.kind, "tool": b.info.label.tool, "explained": b.info.label.explained,
             "class": b.info.cls, "source": b.info.source, "author": b.author or None} for b in lines]


# -------------------------------------------------------------------- stats
def commits_in(repo: Repo, revs: list[str], max_count: int) -> list[str]:
    return repo.rev_list(f"--max-count={max_count}", "--no-merges", *(revs or ["HEAD"]))


def stats(repo: Repo, revs: list[str], *, max_count: int = 10000, by_author: bool = False) -> dict[str, Any]:
    """Lines the commits added, by contributor, ownership class and tool; the explained share."""
    commits = commits_in(repo, revs, max_count)
    notes = Notes(repo, commits)
    infos = repo.commits(commits) if by_author else {}
    total: Counter[str] = Counter()
    by_class: dict[str, Counter[str]] = defaultdict(Counter)
    by_tool: Counter[str] = Counter()
    authors: dict[str, Counter[str]] = defaultdict(Counter)
    with_record = 0
    for c in commits:
        counted = _count_commit(notes, c)
        if counted is None:
            continue
        with_record += 1
        rec = notes.ours(c)
        for cls, tool, label_type, explained, n in counted:
            for bucket in (total, by_class[cls or "unclassified"]):
                bucket[label_type] += n
                if label_type in ("ai", "mixed"):
                    bucket["explained" if explained == "explained" else "unexplained"] += n
            if label_type in ("ai", "mixed"):
                by_tool[tool or "unknown"] += n
            if by_author:
                info = infos.get(c)
                consent = rec is not None and author_stats(rec)
                who = (info.author_email if info and consent else "others (no per-author consent)")
                authors[who][label_type] += n
                if label_type in ("ai", "mixed") and explained == "explained":
                    authors[who]["explained"] += n
    out: dict[str, Any] = {
        "format": "ownwise-trace-stats/1",
        "range": revs or ["HEAD"],
        "commits": len(commits),
        "commitsWithRecords": with_record,
        "lines": _figures(total),
        "byClass": {k: _figures(v) for k, v in sorted(by_class.items(), key=lambda kv: CLASS_ORDER.get(kv[0], 9))},
        "byTool": dict(by_tool.most_common()),
    }
    if by_author:
        out["byAuthor"] = {k: _figures(v) for k, v in sorted(authors.items())}
    return out


def _count_commit(notes: Notes, commit: str) -> list[tuple[str | None, str | None, str, str | None, int]] | None:
    rec = notes.ours(commit)
    rows: list[tuple[str | None, str | None, str, str | None, int]] = []
    if rec is not None:
        for p in paths(rec):
            cls = file_class(rec, p)
            for sp in file_spans(rec, p):
                rows.append((cls, sp.label.tool, sp.label.type, sp.label.explained, sp.end - sp.start + 1))
        return rows
    if not notes.has_any(commit):
        return None
    # no ownwise record: another tool's Agent Trace record, else git-ai's note
    for rec2 in notes.trace.get(commit, []):
        for p in paths(rec2):
            for sp in file_spans(rec2, p):
                rows.append((None, sp.label.tool, sp.label.type, None, sp.end - sp.start + 1))
        return rows
    for spans in notes.git_ai.get(commit, {}).values():
        for sp in spans:
            rows.append((None, sp.label.tool, sp.label.type, None, sp.end - sp.start + 1))
    return rows


def _figures(c: Counter[str]) -> dict[str, Any]:
    ai, mixed, human, unknown = c["ai"], c["mixed"], c["human"], c["unknown"]
    known = ai + mixed + human
    return {"ai": ai, "mixed": mixed, "human": human, "unknown": unknown,
            "aiShare": round((ai + mixed) / known, 3) if known else None,
            "explained": c["explained"],
            "explainedShare": round(c["explained"] / (ai + mixed), 3) if ai + mixed else None}


def stats_text(s: dict[str, Any]) -> str:
    def row(name: str, f: dict[str, Any]) -> str:
        share = "-" if f["aiShare"] is None else f"{f['aiShare'] * 100:.0f}%"
        expl = "-" if f["explainedShare"] is None else f"{f['explainedShare'] * 100:.0f}%"
        return (f"{name:<34} {f['ai']:>7} {f['mixed']:>7} {f['human']:>7} {f['unknown']:>8} {share:>9} "
                f"{expl:>10}\n")

    out = [f"{s['commits']} commits, {s['commitsWithRecords']} with records ({' '.join(s['range'])})\n\n",
           f"{'':<34} {'AI':>7} {'mixed':>7} {'human':>7} {'unknown':>8} {'AI share':>9} {'explained':>10}\n",
           row("all", s["lines"])]
    for cls, f in s["byClass"].items():
        out.append(row(f"  {cls}", f))
    if s["byTool"]:
        out.append("\nAI and mixed lines by tool: " + ", ".join(f"{t} {n}" for t, n in s["byTool"].items()) + "\n")
    if "byAuthor" in s:
        out.append("\n")
        for who, f in s["byAuthor"].items():
            out.append(row(who[:34], f))
    return "".join(out)


# ------------------------------------------------------------------- review
@dataclass
class Unexplained:
    path: str
    start: int
    end: int
    cls: str | None
    kind: str | None
    tool: str | None
    state: str  # pending or cannot
    type: str  # ai or mixed


def review(repo: Repo, base: str, head: str) -> tuple[list[Unexplained], dict[str, int]]:
    """The AI lines (``base..head``'s commits wrote them and they are in ``head``) their author has not
    explained: core files first, then repeatable, transient and unclassified; by path and line."""
    commits = set(repo.rev_list(f"{base}..{head}"))
    changed = [p for p in repo.out("diff", "--name-only", "--no-renames", "-z", base, head).split("\0") if p]
    items: list[Unexplained] = []
    counts = Counter[str]()
    for path in changed:
        if repo.run("cat-file", "-e", f"{head}:{path}", check=False).returncode != 0:
            continue  # deleted by the range
        try:
            lines = repo.blame(path, head)
        except Exception:  # noqa: BLE001 - a binary or unreadable file has no lines to review
            continue
        notes = Notes(repo, {b.commit for b in lines if b.commit in commits})
        for b in lines:
            if b.commit not in commits:
                continue
            info = notes.line(b.commit, b.path, b.orig)
            lab = info.label
            if not lab.is_ai:
                continue
            counts["ai"] += 1
            state = lab.explained or "pending"
            if state == "explained":
                counts["explained"] += 1
                continue
            counts["unexplained"] += 1
            last = items[-1] if items else None
            if (last is not None and last.path == path and last.end == b.final - 1 and
                    (last.cls, last.kind, last.tool, last.state, last.type) ==
                    (info.cls, lab.kind, lab.tool, state, lab.type)):
                last.end = b.final
            else:
                items.append(Unexplained(path, b.final, b.final, info.cls, lab.kind, lab.tool, state, lab.type))
    items.sort(key=lambda u: (CLASS_ORDER.get(u.cls or "", 3), u.path, u.start))
    counts["files"] = len({u.path for u in items})
    return items, dict(counts)


def review_markdown(items: list[Unexplained], counts: dict[str, int], base: str, head: str) -> str:
    """The review guide as Markdown for a pull request comment: where, class, kind, tool, state; no code."""
    n = counts.get("unexplained", 0)
    out = [f"### AI code not yet explained by its author (`{base}..{head}`)\n\n"]
    if not counts.get("ai"):
        out.append("The records of these commits show no AI lines.\n")
        return "".join(out)
    out.append(f"{n} of {counts.get('ai', 0)} AI lines in {counts.get('files', 0)} file"
               f"{'s' if counts.get('files', 0) != 1 else ''} are not explained yet"
               " (core files first). Review these hardest.\n\n")
    if not items:
        out.append("Every AI line here has been explained by its author.\n")
        return "".join(out)
    heading = None
    for u in items:
        cls = u.cls or "unclassified"
        if cls != heading:
            heading = cls
            out.append(f"\n**{cls}**\n\n| Where | Lines | Kind | Tool | State |\n|---|---:|---|---|---|\n")
        where = f"{u.path}:{u.start}" + (f"-{u.end}" if u.end != u.start else "")
        state = {"cannot": "can't explain yet", "pending": "not explained"}.get(u.state, u.state)
        kind = u.kind or ("AI" if u.type == "ai" else "AI, edited")
        if u.type == "mixed":
            kind += " (edited by the author)" if u.kind else ""
        out.append(f"| `{_md(where)}` | {u.end - u.start + 1} | {_md(kind)} | {_md(u.tool or '-')} | {state} |\n")
    out.append("\n<sub>From the Agent Trace records in refs/notes/agent-trace (ownwise trace review).</sub>\n")
    return "".join(out)


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("`", "'")


# ---------------------------------------------------------------------- team
def team(repo: Repo, revs: list[str], *, weeks: int = 8, now: datetime | None = None,
         week_start: int = 0, max_count: int = 100000) -> dict[str, Any]:
    """The team's weeks from the notes alone: AI share and explained share per class, per author only for
    authors whose records allow it (setting ``trace.authorStats``)."""
    now = now or datetime.now(timezone.utc).astimezone()
    today = now.date()
    first = today - timedelta(days=(today.weekday() - week_start) % 7) - timedelta(weeks=weeks - 1)
    since = datetime.combine(first, datetime.min.time(), tzinfo=now.tzinfo)
    commits = repo.rev_list(f"--max-count={max_count}", "--no-merges", f"--since={int(since.timestamp())}",
                            *(revs or ["HEAD"]))
    notes = Notes(repo, commits)
    infos = repo.commits(commits)
    buckets: dict[str, dict[str, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
    members: dict[str, dict[str, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
    for c in commits:
        counted = _count_commit(notes, c)
        info = infos.get(c)
        if counted is None or info is None:
            continue
        when = datetime.fromtimestamp(info.author_time, now.tzinfo).date()
        week = (when - timedelta(days=(when.weekday() - week_start) % 7)).isoformat()
        rec = notes.ours(c)
        who = info.author_email if rec is not None and author_stats(rec) else None
        for cls, _tool, t, explained, n in counted:
            targets = [buckets[week]] + ([members[who]] if who else [])
            for target in targets:
                for scope in ("all", cls or "unclassified"):
                    target[scope][t] += n
                    if t in ("ai", "mixed") and explained == "explained":
                        target[scope]["explained"] += n
    week_list = [(first + timedelta(weeks=i)).isoformat() for i in range(weeks)]
    return {
        "format": "ownwise-team-git/1",
        "range": revs or ["HEAD"],
        "weeks": [{"weekStart": w, "all": _figures(buckets[w]["all"]),
                   "byClass": {k: _figures(v) for k, v in buckets[w].items() if k != "all"}} for w in week_list],
        "members": [{"author": who, "all": _figures(m["all"]),
                     "byClass": {k: _figures(v) for k, v in m.items() if k != "all"}}
                    for who, m in sorted(members.items())],
        "note": "Per-author figures only for authors whose records allow it (setting trace.authorStats); "
                "everyone's lines count in the weeks.",
    }


def team_text(t: dict[str, Any]) -> str:
    def pct(v: float | None) -> str:
        return "-" if v is None else f"{v * 100:.0f}%"

    out = [f"Team report from git notes ({' '.join(t['range'])})\n\n",
           f"{'week':<12} {'AI':>6} {'human':>6} {'AI share':>9} {'explained':>10}  explained by class\n"]
    for w in t["weeks"]:
        f = w["all"]
        per = ", ".join(f"{k} {pct(v['explainedShare'])}" for k, v in
                        sorted(w["byClass"].items(), key=lambda kv: CLASS_ORDER.get(kv[0], 9))
                        if v["ai"] + v["mixed"])
        out.append(f"{w['weekStart']:<12} {f['ai'] + f['mixed']:>6} {f['human']:>6} {pct(f['aiShare']):>9} "
                   f"{pct(f['explainedShare']):>10}  {per}\n")
    if t["members"]:
        out.append("\nPer author (with their consent):\n")
        for m in t["members"]:
            f = m["all"]
            out.append(f"  {m['author']:<32} AI {f['ai'] + f['mixed']:>5}  human {f['human']:>5}  "
                       f"AI share {pct(f['aiShare']):>5}  explained {pct(f['explainedShare']):>5}\n")
    out.append("\n" + t["note"] + "\n")
    return "".join(out)


__all__ = ["BlamedLine", "Unexplained", "blame", "blame_json", "review", "review_markdown", "stats", "stats_text",
           "team", "team_text"]
