"""A big synthetic ownwise database, for benchmarks: a year of sessions and 1,000,000 edits.

    .venv/bin/python benchmarks/synth.py OUT.db [--edits 1000000] [--days 365] [--seed 1]

``build_synthetic_db`` creates the schema with ``Store.open`` (every migration, so the file
is exactly what the server would have made), then fills every table with plain ``sqlite3``
``executemany`` in one transaction. The data is deterministic for a given seed and ``now``
and is shaped like a real user's: sessions in working hours (more on weekdays), edits only
inside their session, AI kinds in realistic shares, a skewed pool of ~2,000 files each with
a fixed ownership class, activity minutes consistent with the edits, focus blocks with their
violations and reflections, prompts whose events are real edits of their file, answers,
FSRS review cards computed by ownwise's own scheduler, and attribution snapshots whose
ranges point to real recent edits of their file.
"""

from __future__ import annotations

import argparse
import bisect
import hashlib
import json
import random
import sqlite3
import sys
import time
from collections import deque
from datetime import datetime, timedelta, timezone
from itertools import accumulate
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO / "server") not in sys.path:
    sys.path.insert(0, str(REPO / "server"))

from ownwise.prompts import review as fsrs_review  # noqa: E402
from ownwise.prompts.identifiers import primary_name  # noqa: E402
from ownwise.prompts.service import QUESTIONS  # noqa: E402
from ownwise.settings import Settings  # noqa: E402
from ownwise.store import Store  # noqa: E402

WORKSPACE = "/home/dev/proj"
URI_PREFIX = "file:///home/dev/proj/"
HOST = "devbox"
EXPLANATIONS = "/home/dev/.local/share/ownwise/explanations"

KINDS = ("inlineCompletion", "inlineCompletionPartial", "chatEdit", "agentEdit", "suspected")
KIND_CUM = tuple(accumulate((55, 10, 15, 12, 8)))
SOURCES = {
    "inlineCompletion": (("github.copilot", 80), ("supermaven", 12), ("codeium", 8)),
    "inlineCompletionPartial": (("github.copilot", 85), ("supermaven", 15)),
    "chatEdit": (("copilot-chat", 60), ("continue", 25), (None, 15)),
    "agentEdit": (("claude-code", 45), ("codex", 20), ("cursor", 15), ("copilot", 20)),
    "suspected": ((None, 1),),
}
# lines newly tagged, 1..40, skewed small: inline completions are short, agents write more
LINE_SKEW = {
    "inlineCompletion": 2.5,
    "inlineCompletionPartial": 1.5,
    "chatEdit": 7.0,
    "agentEdit": 10.0,
    "suspected": 4.0,
}
CLASSES = ("transient", "repeatable", "core")
EXT_LANG = {
    ".py": "python", ".ts": "typescript", ".tsx": "typescriptreact", ".js": "javascript",
    ".md": "markdown", ".json": "json", ".yaml": "yaml", ".toml": "toml", ".sql": "sql",
    ".sh": "shellscript", ".css": "css", ".rs": "rust", ".go": "go",
}
WORDS = (
    "account", "auth", "batch", "billing", "cache", "client", "config", "cursor", "digest",
    "engine", "event", "export", "feed", "filter", "graph", "handler", "index", "invoice",
    "job", "ledger", "loader", "mapper", "metrics", "model", "notify", "order", "parser",
    "payment", "pipeline", "policy", "queue", "rate", "report", "request", "router", "schema",
    "search", "session", "shard", "signal", "store", "stream", "sync", "task", "tenant",
    "token", "upload", "user", "utils", "view", "worker", "audit", "budget", "catalog",
)
TASKS = (
    "rewrite the retry loop without AI", "implement pagination for the export",
    "fix the flaky session test", "refactor the parser state machine", "add the rate limiter",
    "write the migration by hand", "port the invoice totals to decimals", "debug the cache eviction",
)
ANSWERS = (
    "It walks the {w} records in order and keeps a running total, returning early when the "
    "limit is reached so we never load the whole table.",
    "The {w} handler validates the payload first, then maps it to the domain object; the lookup "
    "table avoids a chain of ifs and keeps the mapping in one place.",
    "This batches {w} writes into one transaction because committing each row separately was "
    "the slow part; the retry only wraps the commit.",
    "It builds the {w} index lazily on first use and caches it, trading a little memory for "
    "avoiding a full scan on every request.",
    "The function normalises the {w} path, then resolves it against the workspace root so that "
    "relative and absolute inputs end up comparable.",
)
LOOKED_UP = ("", "", "the sqlite upsert syntax", "how asyncio.gather handles exceptions",
             "the exact signature of the decimal quantize call", "regex lookbehind rules")
TOOK_LONGER = ("", "", "the edge cases of empty input", "writing the tests", "naming things",
               "understanding the old code first")


def _cum(weights) -> list[float]:
    return list(accumulate(weights))


def _line_table(skew: float, size: int = 1024) -> list[int]:
    """A quantile table of lines 1..40 with a geometric-like tail (index it with random())."""
    weights = [pow(1.0 - 1.0 / (skew + 1.0), n - 1) for n in range(1, 41)]
    total = sum(weights)
    cum = list(accumulate(w / total for w in weights))
    return [min(40, bisect.bisect_left(cum, (i + 0.5) / size) + 1) for i in range(size)]


class _Clock:
    """ISO 8601 UTC with milliseconds ("2026-11-24T20:18:54.430+00:00") from epoch milliseconds."""

    def __init__(self) -> None:
        self.days: dict[int, str] = {}

    def __call__(self, ms: int) -> str:
        s, milli = divmod(ms, 1000)
        d, sod = divmod(s, 86400)
        day = self.days.get(d)
        if day is None:
            day = self.days[d] = (datetime(1970, 1, 1) + timedelta(days=d)).strftime("%Y-%m-%d")
        h, rest = divmod(sod, 3600)
        m, sec = divmod(rest, 60)
        return f"{day}T{h:02d}:{m:02d}:{sec:02d}.{milli:03d}+00:00"


def _uuid_hex(rng: random.Random) -> str:
    x = rng.getrandbits(128)
    x = (x & ~(0xF000 << 64)) | (0x4000 << 64)  # version 4
    x = (x & ~(0xC000 << 48)) | (0x8000 << 48)  # RFC 4122 variant
    return f"{x:032x}"


def _short_id(rng: random.Random) -> str:
    return _uuid_hex(rng)[:12]


def _make_paths(rng: random.Random, count: int = 2000) -> list[tuple[str, str, str, str]]:
    """(path, uri, language_id, ownership_class) for a plausible repository of ``count`` files."""
    areas = [  # (template, weight, class weights transient/repeatable/core)
        ("src/app/{a}/{b}.py", 34, (5, 35, 60)),
        ("src/app/{a}/{b}_{c}.py", 10, (5, 45, 50)),
        ("web/src/components/{A}{B}.tsx", 12, (10, 50, 40)),
        ("web/src/{a}/{b}.ts", 8, (10, 40, 50)),
        ("tests/unit/test_{a}_{b}.py", 14, (30, 70, 0)),
        ("tests/integration/test_{a}_{b}.py", 4, (30, 70, 0)),
        ("migrations/{n:04d}_{a}_{b}.sql", 3, (0, 100, 0)),
        ("scripts/{a}_{b}.sh", 3, (80, 20, 0)),
        ("scripts/{a}_{b}.py", 3, (80, 20, 0)),
        ("docs/{a}/{b}.md", 4, (90, 10, 0)),
        ("config/{a}.{b}.yaml", 2, (10, 90, 0)),
        ("services/{a}/src/{b}.rs", 2, (0, 30, 70)),
    ]
    area_cum = _cum(w for _, w, _ in areas)
    seen: set[str] = set()
    out = []
    n = 0
    while len(out) < count:
        tpl, _, cls_w = areas[bisect.bisect_left(area_cum, rng.random() * area_cum[-1])]
        a, b, c = rng.choice(WORDS), rng.choice(WORDS), rng.choice(WORDS)
        n += 1
        path = tpl.format(a=a, b=b, c=c, A=a.capitalize(), B=b.capitalize(), n=n)
        if path in seen:
            continue
        seen.add(path)
        ext = path[path.rfind("."):]
        cls = rng.choices(CLASSES, weights=cls_w)[0]
        out.append((path, URI_PREFIX + path, EXT_LANG.get(ext, ""), cls))
    return out


def _code_lines(rng: random.Random, lang: str, n: int) -> str:
    w = rng.choice(WORDS)
    if lang == "python":
        body = [f"def {w}_{rng.choice(WORDS)}(items, limit=None):"]
        body += [f"    {rng.choice(WORDS)} = {w}.get(items[{i}], {i})" for i in range(n - 2)]
        body.append(f"    return {w}")
    elif lang == "rust":
        body = [f"fn {w}_{rng.choice(WORDS)}(items: &[u64]) -> u64 {{"]
        body += [f"    let {rng.choice(WORDS)}_{i} = items.get({i}).copied().unwrap_or({i});" for i in range(n - 2)]
        body.append("}")
    elif lang == "sql":
        body = [f"CREATE TABLE {w}_{rng.choice(WORDS)} ("]
        body += [f"    {rng.choice(WORDS)}_{i} INTEGER NOT NULL," for i in range(n - 2)]
        body.append(");")
    elif lang == "shellscript":
        body = [f"{w}_{rng.choice(WORDS)}() {{"]
        body += [f'  {rng.choice(WORDS)}_{i}="${{{i + 1}:-{i}}}"' for i in range(n - 2)]
        body.append("}")
    elif lang == "yaml":
        body = [f"{w}:"] + [f"  {rng.choice(WORDS)}_{i}: {i}" for i in range(n - 1)]
    else:
        body = [f"function {w}{rng.choice(WORDS).capitalize()}(items) {{"]
        body += [f"  const {rng.choice(WORDS)}{i} = items[{i}] ?? {i};" for i in range(n - 2)]
        body.append("}")
    return "\n".join(body[:n])


def build_synthetic_db(path: Path, *, edits: int = 1_000_000, days: int = 365, seed: int = 1,
                       now: datetime | None = None) -> dict:
    """Create a synthetic database at ``path`` (replacing any file there); counts per table."""
    t0 = time.perf_counter()
    path = Path(path)
    for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        p.unlink(missing_ok=True)
    now = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    store, _ = Store.open(path, now=lambda: now)  # deterministic: the kv mark it writes is stamped with now
    store.close()

    rng = random.Random(seed)
    now_ms = int(now.timestamp() * 1000)
    fmt = _Clock()

    def log(msg: str) -> None:
        print(f"synth: {msg} ({time.perf_counter() - t0:.1f} s)", file=sys.stderr, flush=True)

    paths = _make_paths(rng)
    n_paths = len(paths)
    popularity = _cum(1.0 / pow(r + 1, 0.9) for r in range(n_paths))  # Zipf-like
    order = list(range(n_paths))
    rng.shuffle(order)  # popular files are not all in one area

    # ---------------------------------------------------------------- plan the sessions
    first_day = (now - timedelta(days=days - 1)).date()
    sessions: list[dict] = []
    for d in range(days):
        day = first_day + timedelta(days=d)
        weekday = day.weekday() < 5
        if weekday:
            n_sess = rng.choices((1, 2, 3, 4, 5), weights=(8, 25, 35, 22, 10))[0]
        else:
            n_sess = 1 if rng.random() < 0.25 else 0
        if not n_sess:
            continue
        day_ms = int(datetime(day.year, day.month, day.day, tzinfo=timezone.utc).timestamp() * 1000)
        t = day_ms + (8 * 60 + rng.randint(0, 90)) * 60_000 + rng.randint(0, 59_999)
        server = None
        focus_today = False
        for _ in range(n_sess):
            focus = weekday and not focus_today and rng.random() < 0.1
            if focus:
                focus_today = True
                pre = rng.randint(20, 60) * 60_000 + rng.randint(0, 59_999)
                planned = rng.choice((60, 60, 75, 90, 90, 120))
                timeup = rng.random() < 0.65
                actual = planned * 60_000 if timeup else int(planned * 60_000 * rng.uniform(0.5, 0.95))
                block_start = t + pre + rng.randint(5_000, 120_000)
                block_end = block_start + actual
                end = block_end
                blk = {"start": block_start, "end": block_end, "planned": planned, "timeup": timeup}
            else:
                end = t + int(rng.triangular(20, 180, 60) * 60_000)
                blk = None
            if end > now_ms - 60_000 or end > day_ms + 21 * 3_600_000:
                break
            if server is None:
                start_s = t // 1000 - rng.randint(5, 900)
                server = (rng.randint(2_000, 60_000), start_s)
            sessions.append({"start": t, "end": end, "focus": blk, "pid": server[0],
                             "server": f"{HOST}:{server[0]}:{server[1]}",
                             "weight": (end - t if blk is None else blk["start"] - t)
                             * rng.lognormvariate(0, 0.35)})
            if rng.random() < 0.15:
                server = None  # the editor was restarted
            t = end + rng.randint(10, 75) * 60_000 + rng.randint(0, 59_999)

    # violations: a few AI edits inside the focus blocks (they are edits too)
    n_viol = 0
    for s in sessions:
        if s["focus"]:
            s["focus"]["violations"] = rng.choices((0, 1, 2, 3), weights=(55, 25, 15, 5))[0]
            n_viol += s["focus"]["violations"]
    if n_viol > edits:
        for s in sessions:
            if s["focus"]:
                s["focus"]["violations"] = 0
        n_viol = 0
    remaining = edits - n_viol
    total_w = sum(s["weight"] for s in sessions) or 1.0
    floors = []
    for s in sessions:
        exact = remaining * s["weight"] / total_w
        s["n"] = int(exact)
        floors.append((exact - s["n"], rng.random()))
    left = remaining - sum(s["n"] for s in sessions)
    for i in sorted(range(len(sessions)), key=lambda i: floors[i], reverse=True)[:left]:
        sessions[i]["n"] += 1
    sessions = [s for s in sessions if s["n"] or (s["focus"] and s["focus"]["violations"])]
    log(f"{len(sessions):,} sessions planned over {days} days, {edits:,} edits to write")

    # ---------------------------------------------------------------- the connection
    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -262144")
    conn.execute("PRAGMA temp_store = MEMORY")
    conn.execute("BEGIN")
    edit_sql = ("INSERT INTO edits (id, ts, session_id, workspace, path, uri, language_id, "
                "ownership_class, kind, source, ai, lines, chars, content_hash, snippet, doc_version) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")

    line_tables = {k: _line_table(v) for k, v in LINE_SKEW.items()}
    source_tables = {}
    for k, pairs in SOURCES.items():
        tab: list[str | None] = []
        for src, w in pairs:
            tab += [src] * w
        source_tables[k] = tab
    ai_kinds = KINDS[:4]

    recent: list[deque] = [deque(maxlen=40) for _ in range(n_paths)]  # (id, kind, source, lines, ms)
    last_ms = [0] * n_paths
    session_rows, activity_rows, block_rows, viol_rows, refl_rows = [], [], [], [], []
    prompt_rows, answer_rows, review_rows = [], [], []
    reask_days: set[int] = set()
    buf: list[tuple] = []
    written = 0
    next_report = 100_000
    getrandbits, random_ = rng.getrandbits, rng.random

    for s in sessions:
        start, end, blk = s["start"], s["end"], s["focus"]
        sid = start * 1000 + rng.randint(0, 999)
        edits_end = blk["start"] - rng.randint(5_000, 60_000) if blk else end
        # the files this session works on, and how much each
        k = rng.randint(3, 30)
        ws = list(dict.fromkeys(order[bisect.bisect_left(popularity, random_() * popularity[-1])]
                                for _ in range(k)))
        ws_cum = _cum(1.0 / (i + 1) for i in range(len(ws)))
        n = s["n"]
        span = max(1, edits_end - start)
        times = sorted(start + int(random_() * span) for _ in range(n))
        if n:
            times[0], times[-1] = start, max(edits_end, start)
        kinds = rng.choices(KINDS, cum_weights=KIND_CUM, k=n)
        files = rng.choices(ws, cum_weights=ws_cum, k=n)
        planned: list[tuple[int, str, int]] = list(zip(times, kinds, files))
        if blk:  # focus violations: AI edits inside the block
            for _ in range(blk["violations"]):
                kind = "suspected" if random_() < 0.3 else rng.choice(ai_kinds)
                planned.append((blk["start"] + int(random_() * (blk["end"] - blk["start"] - 1)),
                                kind, rng.choice(ws)))
            planned.sort(key=lambda e: e[0])
        by_kind: dict[str, int] = {}
        by_class: dict[str, int] = {}
        touched: set[int] = set()
        minute_ai: dict[tuple[int, str], int] = {}
        session_ai: dict[int, list[tuple]] = {}
        versions: dict[int, int] = {}
        violations = []
        for ms, kind, f in planned:
            p, uri, lang, cls = paths[f]
            lines = line_tables[kind][int(random_() * 1024)]
            ai = 0 if kind == "suspected" else 1
            src = source_tables[kind][int(random_() * len(source_tables[kind]))]
            eid = _uuid_hex(rng)
            v = versions.get(f)
            v = versions[f] = (rng.randint(1, 40) if v is None else v + 1 + int(random_() * 6))
            doc_version = None if kind == "agentEdit" and random_() < 0.3 else v
            buf.append((eid, fmt(ms), sid, WORKSPACE, p, uri, lang, cls, kind, src, ai, lines,
                        lines * (26 + int(random_() * 18)), f"{getrandbits(256):064x}", None, doc_version))
            by_kind[kind] = by_kind.get(kind, 0) + lines
            if ai:
                by_class[cls] = by_class.get(cls, 0) + lines
                session_ai.setdefault(f, []).append((eid, kind, src, lines, ms))
            touched.add(f)
            key = (ms // 60_000, cls)
            minute_ai[key] = minute_ai.get(key, 0) + (lines if ai else 0)
            recent[f].append((eid, kind, src, lines, ms))
            last_ms[f] = ms
            if blk and ms >= blk["start"]:
                violations.append((ms, kind, src, lines, p, 1 - ai))
        written += len(planned)
        if len(buf) >= 100_000:
            conn.executemany(edit_sql, buf)
            buf.clear()
        if written >= next_report:
            log(f"edits {written:,}/{edits:,}")
            next_report += 100_000

        # activity minutes: every minute with an edit, plus most minutes with typing
        block_id = _short_id(rng) if blk else None
        first_min, last_min = start // 60_000, end // 60_000
        human_total = human_chars_total = 0
        for m in range(first_min, last_min + 1):
            in_block = bool(blk) and m * 60_000 + 59_999 >= blk["start"] and m * 60_000 < blk["end"]
            typing = random_() < (0.85 if in_block else 0.65)
            per_class: dict[str, list[int]] = {}
            for cls in CLASSES:
                a = minute_ai.get((m, cls))
                if a is not None:
                    per_class[cls] = [0, 0, a]
            if typing:
                cls = paths[rng.choice(ws)][3]
                hl = min(15, int(rng.expovariate(1 / (4.0 if in_block else 3.5))) + (1 if in_block else 0))
                row = per_class.setdefault(cls, [0, 0, 0])
                row[0] += hl
                row[1] += hl * rng.randint(14, 38) if hl else rng.randint(0, 6)
            for cls, (hl, hc, al) in per_class.items():
                activity_rows.append((fmt(m * 60_000), cls, s["server"], block_id if in_block else None,
                                      hl, hc, al))
                human_total += hl
                human_chars_total += hc

        # the session row
        if blk:
            last_activity = max([blk["end"] - rng.randint(1_000, 90_000)] + [v[0] for v in violations])
            ended, reason = blk["end"], "focus"
        else:
            last_activity = edits_end
            reason = rng.choices(("idle", "command", "shutdown", "interrupted"), weights=(60, 15, 20, 5))[0]
            ended = last_activity + {"idle": 0, "interrupted": 0, "command": rng.randint(1_000, 30_000),
                                     "shutdown": rng.randint(60_000, 1_200_000)}[reason]
            ended = min(ended, now_ms - 1)

        # prompts made at the end of the session: core files get explain, repeatable recall
        candidates = [(f, evs) for f, evs in session_ai.items() if paths[f][3] != "transient"]
        n_prompts = min(len(candidates), rng.choices((0, 1, 2, 3, 4, 5), weights=(20, 25, 25, 15, 10, 5))[0])
        choice = None
        if n_prompts:
            choice = rng.choices(("explainNow", "later", "skip", "dismissed"), weights=(40, 30, 15, 15))[0]
            created = ended + rng.randint(2, 40)
            for f, evs in rng.sample(candidates, n_prompts):
                _make_prompt(rng, fmt, s, sid, f, evs, paths[f], created, choice, now_ms,
                             prompt_rows, answer_rows, review_rows, reask_days)
                created += rng.randint(1, 5)
        session_rows.append((
            sid, fmt(start), fmt(ended), fmt(last_activity), reason, WORKSPACE,
            json.dumps(sorted(paths[f][0] for f in touched)), human_total, human_chars_total,
            json.dumps(by_kind), json.dumps(by_class), choice, s["pid"], HOST))

        if blk:
            planned_min = blk["planned"]
            est = (round(planned_min * rng.uniform(0.5, 1.3) / 5) * 5 or 5) if random_() < 0.55 else None
            reflection = rng.choices(("answered", "skipped", "offered", None), weights=(50, 20, 20, 10))[0]
            block_rows.append((
                block_id, fmt(blk["start"]), float(planned_min),
                rng.choice(TASKS) if random_() < 0.7 else None, float(est) if est else None,
                fmt(blk["end"]), "timeUp" if blk["timeup"] else "command", fmt(blk["end"]),
                "cli" if random_() < 0.15 else "lsp", s["pid"], HOST,
                1 if any(v[5] == 0 for v in violations) else 0, reflection))
            for ms, kind, src, lines, p, suspected in violations:
                viol_rows.append((block_id, fmt(ms), kind, src, lines, p, suspected))
            if reflection == "answered":
                actual_min = (blk["end"] - blk["start"]) / 60_000
                refl_rows.append((
                    block_id, rng.choice((1, 2, 3, 3, 4, 4, 5)), rng.choice(LOOKED_UP),
                    rng.choice(TOOK_LONGER), int(round(actual_min * rng.uniform(0.8, 1.6))),
                    "" if random_() < 0.6 else "Slower than with completions, but I know this code now.",
                    "document" if random_() < 0.7 else "request",
                    fmt(min(now_ms - 1, blk["end"] + rng.randint(30_000, 3_600_000)))))
    if buf:
        conn.executemany(edit_sql, buf)
        buf.clear()
    log(f"edits {written:,} written")

    conn.executemany("INSERT INTO sessions (id, started_at, ended_at, last_activity, end_reason, "
                     "workspace, files_touched, human_lines, human_chars, ai_lines_by_kind, "
                     "ai_lines_by_class, prompt_choice, pid, host) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                     session_rows)
    conn.executemany("INSERT INTO activity_minutes (minute, ownership_class, server, focus_id, "
                     "human_lines, human_chars, ai_lines) VALUES (?,?,?,?,?,?,?)", activity_rows)
    conn.executemany("INSERT INTO focus_blocks (id, started_at, planned_minutes, task, estimate_minutes, "
                     "ended_at, end_reason, last_activity, started_by, pid, host, notified, reflection) "
                     "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", block_rows)
    conn.executemany("INSERT INTO focus_violations (block_id, ts, kind, source, lines, path, suspected) "
                     "VALUES (?,?,?,?,?,?,?)", viol_rows)
    conn.executemany("INSERT INTO focus_reflections (block_id, felt, looked_up, took_longer, "
                     "actual_minutes, notes, via, created_at) VALUES (?,?,?,?,?,?,?,?)", refl_rows)
    conn.executemany("INSERT INTO prompts (id, session_id, kind, status, ownership_class, workspace, "
                     "path, uri, start_line, end_line, lines, code, code_hash, language_id, events, "
                     "kinds, sources, question, parent_id, created_at, updated_at, offered_at, doc_path) "
                     "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", prompt_rows)
    answer_rows.sort(key=lambda r: r[-1])  # ids increase with time, as they would
    conn.executemany("INSERT INTO answers (prompt_id, text, understanding, cannot_explain, rating, via, "
                     "created_at) VALUES (?,?,?,?,?,?,?)", answer_rows)
    conn.executemany("INSERT INTO reviews (prompt_id, card, due, reps, last_review, retired) "
                     "VALUES (?,?,?,?,?,?)", review_rows)

    # attribution snapshots: the AI ranges still in each file, pointing to recent edits of it
    snap_rows = []
    for f, (_p, uri, _lang, _cls) in enumerate(paths):
        ranges = []
        line = rng.randint(0, 30)
        items = list(recent[f])
        for age, (eid, kind, src, lines, _ms) in enumerate(reversed(items)):
            if random_() > (0.75 if age < 5 else 0.35 if age < 20 else 0.15):
                continue  # rewritten or deleted since
            kept = lines if random_() < 0.7 else rng.randint(1, lines)
            ranges.append((eid, kind, src, kept, random_() < 0.15))
        rng.shuffle(ranges)
        out = []
        for eid, kind, src, kept, modified in ranges:
            line += rng.randint(0, 25)
            out.append({"start_line": line, "end_line": line + kept - 1, "kind": kind, "source": src,
                        "human_modified": modified, "event": eid})
            line += kept
        updated = min(now_ms - 1, (last_ms[f] or now_ms - rng.randint(1, days) * 86_400_000)
                      + rng.randint(1_000, 600_000))
        snap_rows.append((uri, f"{getrandbits(256):064x}", json.dumps(out), fmt(updated)))
    conn.executemany("INSERT INTO attribution_snapshots (uri, text_hash, ranges, updated_at) VALUES (?,?,?,?)",
                     snap_rows)

    # a few per-file overrides, and what a server leaves in kv at shutdown
    over = rng.sample(range(n_paths), 6)
    conn.executemany("INSERT INTO ownership_overrides (path, class, set_at) VALUES (?,?,?)",
                     [(f"{WORKSPACE}/{paths[f][0]}", rng.choice(CLASSES),
                       fmt(now_ms - rng.randint(1, days) * 86_400_000)) for f in over])
    settings = Settings(store_snippets=False).snapshot()
    last = fmt(max((s["end"] for s in sessions), default=now_ms - 1))
    conn.executemany("INSERT INTO kv (key, value, updated_at) VALUES (?,?,?)", [
        ("settings", json.dumps(settings), last),
        ("focus:lastReminder", json.dumps((now - timedelta(days=rng.randint(0, 6))).date().isoformat()), last),
    ])
    # the database was created just before the first session (and so the file is deterministic)
    created = datetime.fromtimestamp((sessions[0]["start"] if sessions else now_ms) / 1000 - 60, timezone.utc)
    conn.execute("UPDATE _sqlite_migrations SET applied_at = ? WHERE migration_set = 'ownwise'",
                 [str(created)])
    conn.execute("COMMIT")
    log("committed; checkpointing the WAL")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    counts = {t: conn.execute(f"SELECT count(*) FROM [{t}]").fetchone()[0] for t in (
        "edits", "sessions", "activity_minutes", "focus_blocks", "focus_violations", "focus_reflections",
        "prompts", "answers", "reviews", "attribution_snapshots", "ownership_overrides", "kv",
        "agent_snapshots")}
    conn.close()
    log("done")
    return counts


def _make_prompt(rng: random.Random, fmt, s: dict, sid: int, f: int, evs: list[tuple],
                 file: tuple[str, str, str, str], created: int, choice: str, now_ms: int,
                 prompt_rows: list, answer_rows: list, review_rows: list, reask_days: set[int]) -> None:
    """One prompt on a block of this session's AI edits of one file, with its answer and re-asks."""
    p, uri, lang, cls = file
    i = rng.randrange(len(evs))
    block = evs[i:i + rng.randint(1, 3)]
    n_lines = max(3, min(60, sum(e[3] for e in block)))
    start_line = rng.randint(0, 400)
    code = _code_lines(rng, lang, n_lines)
    code_hash = hashlib.sha256(code.encode()).hexdigest()
    events = json.dumps([e[0] for e in block])
    kinds = json.dumps(sorted({e[1] for e in block}))
    sources = json.dumps(sorted({e[2] for e in block if e[2]}))
    kind = "explain" if cls == "core" else "recall"
    pid = _short_id(rng)
    offered = created + rng.randint(5, 30) if choice != "dismissed" or rng.random() < 0.5 else None
    if choice == "skip":
        status = "skipped"
    else:
        status = rng.choices(("answered", "cannotExplain", "skipped", "pending"), weights=(60, 12, 13, 15))[0]
    answered_at = created + int(rng.expovariate(1 / 3_600_000)) + 30_000
    if status in ("answered", "cannotExplain") and answered_at >= now_ms:
        status = "pending"
    updated = created if status == "pending" else answered_at if status != "skipped" else (offered or created)
    doc = None
    if status in ("answered", "cannotExplain") or (choice == "explainNow" and status != "pending"):
        stamp = datetime.fromtimestamp(created / 1000, timezone.utc).strftime("%Y%m%d-%H%M%S")
        doc = f"{EXPLANATIONS}/{kind}-{stamp}-{pid[:6]}.md"
    prompt_rows.append((pid, sid, kind, status, cls, WORKSPACE, p, uri, start_line,
                        start_line + n_lines - 1, n_lines, code, code_hash, lang, events, kinds, sources,
                        QUESTIONS[kind], None, fmt(created), fmt(updated),
                        fmt(offered) if offered else None, doc))
    if status == "cannotExplain":
        answer_rows.append((pid, "I can't explain this yet", None, 1, None, "document", fmt(answered_at)))
        return
    if status != "answered":
        return
    understanding = rng.choices((1, 2, 3, 4, 5), weights=(5, 15, 35, 30, 15))[0]
    answer_rows.append((pid, rng.choice(ANSWERS).format(w=rng.choice(WORDS)), understanding, 0, None,
                        "document", fmt(answered_at)))
    at = datetime.fromtimestamp(answered_at / 1000, timezone.utc)
    card, due = fsrs_review.new_card(at, understanding)
    reps, last_review, retired = 1, answered_at, None
    # re-asks while the card fell due before now
    while True:
        # at most one re-ask a day (prompts.reaskPerDay): the first free day from the due one
        due_ms = int(due.timestamp() * 1000)
        day = due_ms // 86_400_000
        while day in reask_days:
            day += 1
        ask = max(due_ms + rng.randint(60_000, 3_600_000),
                  day * 86_400_000 + rng.randint(8 * 3_600_000, 17 * 3_600_000))
        if ask >= now_ms:
            break
        reask_days.add(day)
        if rng.random() < 0.04:
            retired = "gone"
            break
        rid = _short_id(rng)
        rstatus = rng.choices(("answered", "cannotExplain", "skipped", "pending"), weights=(72, 8, 10, 10))[0]
        done = ask + int(rng.expovariate(1 / 1_800_000)) + 20_000
        if rstatus in ("answered", "cannotExplain") and done >= now_ms:
            rstatus = "pending"
        name = primary_name(code)
        target = f"`{name}`" if name else f"the code at {p}:{start_line + 1}-{start_line + n_lines}"
        prompt_rows.append((rid, sid, "review", rstatus, cls, WORKSPACE, p, uri, start_line,
                            start_line + n_lines - 1, n_lines, code, code_hash, lang, events, kinds, sources,
                            QUESTIONS["review"].format(name=f"{target} in {p}"), pid, fmt(ask),
                            fmt(ask if rstatus == "pending" else done), fmt(ask + rng.randint(5, 30)), None))
        if rstatus in ("skipped", "pending"):
            break
        if rstatus == "cannotExplain":
            rating = "again"
            answer_rows.append((rid, "I can't explain this yet", None, 1, rating, "document", fmt(done)))
        else:
            rating = rng.choices(("again", "hard", "good", "easy"), weights=(10, 20, 55, 15))[0]
            answer_rows.append((rid, rng.choice(ANSWERS).format(w=rng.choice(WORDS)), None, 0, rating,
                                "document", fmt(done)))
        card, due = fsrs_review.review(card, rating, datetime.fromtimestamp(done / 1000, timezone.utc))
        reps, last_review = reps + 1, done
    review_rows.append((pid, card, fmt(int(due.timestamp() * 1000)), reps, fmt(last_review), retired))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--edits", type=int, default=1_000_000)
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    start = time.perf_counter()
    counts = build_synthetic_db(args.out, edits=args.edits, days=args.days, seed=args.seed)
    took = time.perf_counter() - start
    size = sum(p.stat().st_size for p in args.out.parent.glob(args.out.name + "*"))
    for table, n in counts.items():
        print(f"{table:22} {n:>10,}")
    print(f"{took:.1f} s, {size / 1e6:.0f} MB: {args.out}")


if __name__ == "__main__":
    main()
