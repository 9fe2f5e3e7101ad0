"""Performance benchmark: ownwise vs a bare pygls 2 server, over stdio LSP.

    python benchmarks/bench_lsp.py [--quick] [--runs N] [--json FILE]
                                   [--only a,b,c,d,e] [--against-bare]

Both servers get the identical, deterministic message stream (seeded
``random.Random``); every scenario runs against both in the same invocation,
interleaved run by run, and the table shows the median of N runs (5 by
default, 2 with ``--quick``) and the ratio ownwise/bare (or the delta).

Scenarios (see docs/performance.md):

a. didChange stream on a 10,000-line file: 5,000 single-character edits and
   200 multi-line inserts (5-30 lines; an ``ownwise/editHint`` before every
   2nd), then one ``ownwise/fileInfo``; wall time from the first byte written
   to the answer read.                                     goal <= 0.6x bare
b. the same on a 10-line file (inserts of 2-6 lines, each deleted again by the
   next change so the file stays small).                   goal <= 1.15x bare
c. ``ownwise/fileInfo`` latency with 100 open 5,000-line files and 2,000 AI
   ranges (20 per file: hinted inserts, each followed by a typed human line):
   N rounds of 1,000 requests round-robin, one at a time, per server process
   (2 processes per server, 1 with --quick); median of the rounds' p50/p99.
                                                           goal p99 <= 10 ms
d. start-up: spawn -> initialize answered -> initialized -> didOpen of a small
   file -> first fileInfo answered (after one untimed warm-up spawn each).
                                                           goal <= 1.3x bare
e. peak RSS (VmHWM of the server's process tree, read before shutdown) with
   the 100 open files of (c), median over the processes.   goal <= +30 MB

This is a benchmark, not a test: nothing asserts on time. The exit status is
0 unless a server crashed, hung or answered with an error (printed; then 1).

Nothing here imports ownwise: it is spawned as ``<python> -m ownwise serve``
with cwd=<repo>, PYTHONPATH=<repo>/server and OWNWISE_DB=<temp file>, and
only spoken to over LSP.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shlex
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from lspclient import LspClient, ServerError, frame, notification  # noqa: E402

SEED = 20250101
FILEINFO = "ownwise/fileInfo"
EDITHINT = "ownwise/editHint"

# timeouts (seconds): generous, only there so that a hung server is reported
T_START = 60.0
T_STREAM = 600.0
T_REQ = 60.0


# --------------------------------------------------------------------------
# servers


CURRENT = ["?"]  # the server being measured (for error reports)


@dataclass
class ServerSpec:
    name: str  # column label: "ownwise" or "bare"
    cmd: list[str]
    env: dict[str, str]
    cwd: str
    db_dir: str | None = None  # OWNWISE_DB gets a fresh file in here per spawn
    spawns: int = 0

    def spawn(self, log_dir: str) -> LspClient:
        CURRENT[0] = self.name
        self.spawns += 1
        env = dict(self.env)
        if self.db_dir is not None:
            env["OWNWISE_DB"] = os.path.join(self.db_dir, f"ownwise-{self.spawns}.db")
        stderr_path = os.path.join(log_dir, f"{self.name}-{self.spawns}.stderr")
        return LspClient(self.cmd, cwd=self.cwd, env=env, stderr_path=stderr_path)


def make_specs(args, tmp: str) -> dict[str, ServerSpec]:
    base_env = dict(os.environ)
    pp = str(REPO / "server")
    if base_env.get("PYTHONPATH"):
        pp = pp + os.pathsep + base_env["PYTHONPATH"]
    base_env["PYTHONPATH"] = pp
    # Bytecode: both servers must start from cached .pyc files (as an
    # installed package would), but the tree is left alone: the cache goes to
    # a temp prefix, filled by the untimed warm-up runs.
    base_env.pop("PYTHONDONTWRITEBYTECODE", None)
    base_env["PYTHONPYCACHEPREFIX"] = os.path.join(tmp, "pycache")
    bare_cmd = [sys.executable, str(HERE / "bare_server.py")]
    db_dir = os.path.join(tmp, "db")
    os.makedirs(db_dir, exist_ok=True)
    if args.ownwise_cmd:
        own = ServerSpec("ownwise", shlex.split(args.ownwise_cmd), dict(base_env), str(REPO), db_dir)
    elif args.against_bare:
        own = ServerSpec("ownwise", list(bare_cmd), dict(base_env), str(REPO), db_dir)
    else:
        own = ServerSpec("ownwise", [sys.executable, "-m", "ownwise", "serve"], dict(base_env), str(REPO), db_dir)
    bare = ServerSpec("bare", bare_cmd, dict(base_env), str(REPO))
    return {"ownwise": own, "bare": bare}


# --------------------------------------------------------------------------
# documents and edit streams (deterministic)

_WORDS = (
    "value total count index result items buffer config parser token node "
    "state cache offset length window path name data score owner range delta"
).split()
_CALLS = "compute load parse merge update render resolve apply lookup collect".split()


def gen_line(rng: random.Random, i: int) -> str:
    r = rng.random()
    ind = " " * (4 * rng.randint(0, 3))
    w1, w2, w3 = rng.choice(_WORDS), rng.choice(_WORDS), rng.choice(_WORDS)
    if r < 0.08:
        return ""
    if r < 0.16:
        return f"{ind}# {w1} {w2} {w3} ({i})"
    if r < 0.24:
        return f"def {rng.choice(_CALLS)}_{w1}_{i}({w2}, {w3}=None):"
    if r < 0.30:
        return f"{ind}if {w1} > {i % 97}:"
    if r < 0.36:
        return f"{ind}return {w1}_{i % 13} + {w2}"
    return f"{ind}{w1}_{i % 50} = {rng.choice(_CALLS)}({w2}, {w3}, {i})"


def gen_lines(rng: random.Random, n: int, start: int = 0) -> list[str]:
    return [gen_line(rng, start + i) for i in range(n)]


_TYPED = "abcdefghijklmnopqrstuvwxyz_ .,()=+0123456789"


def _pos(line: int, ch: int) -> dict[str, int]:
    return {"line": line, "character": ch}


class DocStream:
    """A reference copy of one document plus the didChange messages that edit
    it: every edit is computed against the reference, so it is valid."""

    def __init__(self, uri: str, lines: list[str], version: int = 1) -> None:
        self.uri = uri
        self.lines = lines  # without line terminators; text = "\n".join(lines)
        self.version = version
        self.frames: list[bytes] = []
        self.changes = 0
        self.single_char = 0
        self.multi_line = 0
        self.hints = 0
        self.ai_lines = 0  # hinted lines left untouched (scenario c only)
        self.ai_nonblank = 0  # ... of which not blank

    # -- messages
    def did_open(self) -> bytes:
        return frame(
            notification(
                "textDocument/didOpen",
                {
                    "textDocument": {
                        "uri": self.uri,
                        "languageId": "python",
                        "version": self.version,
                        "text": "\n".join(self.lines),
                    }
                },
            )
        )

    def _change(self, sl: int, sc: int, el: int, ec: int, text: str) -> None:
        self.version += 1
        self.changes += 1
        self.frames.append(
            frame(
                notification(
                    "textDocument/didChange",
                    {
                        "textDocument": {"uri": self.uri, "version": self.version},
                        "contentChanges": [
                            {"range": {"start": _pos(sl, sc), "end": _pos(el, ec)}, "text": text}
                        ],
                    },
                )
            )
        )

    def hint_next(self, kind: str = "inlineCompletion") -> None:
        """``ownwise/editHint`` for the change that comes next (its version)."""
        self.hints += 1
        self.frames.append(
            frame(
                notification(
                    EDITHINT,
                    {"uri": self.uri, "kind": kind, "source": "bench", "version": self.version + 1},
                )
            )
        )

    # -- edits (each updates the reference and emits one didChange)
    def type_char(self, line: int, col: int, ch: str) -> None:
        s = self.lines[line]
        if ch == "\n":
            self.lines[line : line + 1] = [s[:col], s[col:]]
        else:
            self.lines[line] = s[:col] + ch + s[col:]
        self.single_char += 1
        self._change(line, col, line, col, ch)

    def backspace(self, line: int, col: int) -> tuple[int, int]:
        """Delete the character before (line, col); returns the new cursor."""
        if col > 0:
            s = self.lines[line]
            self.lines[line] = s[: col - 1] + s[col:]
            self.single_char += 1
            self._change(line, col - 1, line, col, "")
            return line, col - 1
        if line == 0:
            return line, col
        prev = self.lines[line - 1]
        self.lines[line - 1 : line + 1] = [prev + self.lines[line]]
        self.single_char += 1
        self._change(line - 1, len(prev), line, 0, "")
        return line - 1, len(prev)

    def insert_lines(self, at: int, new: list[str]) -> None:
        """Insert whole lines before line ``at`` (0 <= at < len(lines))."""
        assert 0 <= at < len(self.lines)
        self.lines[at:at] = new
        self.multi_line += 1
        self._change(at, 0, at, 0, "".join(s + "\n" for s in new))

    def delete_lines(self, at: int, k: int) -> None:
        assert 0 <= at and at + k < len(self.lines)
        del self.lines[at : at + k]
        self._change(at, 0, at + k, 0, "")

    def expected_lines(self) -> int:
        """What pygls reports as len(doc.lines) for the current text."""
        return len("\n".join(self.lines).splitlines())


def typing_burst(d: DocStream, rng: random.Random, budget: int, *, small: bool) -> int:
    """A burst of single-character edits at one place; returns how many."""
    line = rng.randrange(len(d.lines))
    col = rng.randint(0, len(d.lines[line]))
    n = min(budget, rng.randint(1, 12))
    r = rng.random()
    if small:
        # keep the 10-line file small: no Enter, and delete (within the line)
        # rather than type when the line is long
        if len(d.lines[line]) > 60 or (r < 0.4 and col > 0):
            r = 0.0
    done = 0
    if r < 0.12:  # backspaces
        for _ in range(min(n, 4)):
            if (line == 0 or small) and col == 0:
                break  # (the small file never joins lines: it keeps ~10)
            line, col = d.backspace(line, col)
            done += 1
        return done
    for _ in range(n):
        if not small and rng.random() < 0.03:
            d.type_char(line, col, "\n")
            line, col = line + 1, 0
        else:
            d.type_char(line, col, rng.choice(_TYPED))
            col += 1
        done += 1
    return done


def build_stream(lines: int, *, small: bool, seed: int, uri: str) -> DocStream:
    """Scenario a (small=False) / b (small=True) stream for one document."""
    rng = random.Random(seed)
    d = DocStream(uri, gen_lines(rng, lines))
    open_frame = d.did_open()
    d.open_frame = open_frame  # type: ignore[attr-defined]
    single_total, inserts = 5000, 200
    per_insert = single_total // inserts
    typed = 0
    for i in range(inserts):
        target = per_insert * (i + 1)
        while typed < target:
            typed += typing_burst(d, rng, target - typed, small=small)
        if i % 2 == 1:
            d.hint_next("inlineCompletion")
        if small:
            k = rng.randint(2, 6)
            at = rng.randrange(len(d.lines))
            d.insert_lines(at, gen_lines(rng, k, 50_000 + i * 10))
            d.delete_lines(at, k)
        else:
            k = rng.randint(5, 30)
            at = rng.randrange(len(d.lines))
            d.insert_lines(at, gen_lines(rng, k, 50_000 + i * 40))
    assert d.single_char == single_total and d.multi_line == inserts, (d.single_char, d.multi_line)
    return d


def build_corpus(n_files: int, n_lines: int, ranges: int, seed: int, root: Path) -> list[DocStream]:
    """Scenario c/e: n_files documents, each with ``ranges`` hinted AI inserts
    separated by a typed human line (Enter + 3 characters)."""
    rng = random.Random(seed)
    docs = []
    for f in range(n_files):
        uri = (root / "pkg" / f"module_{f:03d}.py").as_uri()
        d = DocStream(uri, gen_lines(rng, n_lines, f * n_lines))
        d.open_frame = d.did_open()  # type: ignore[attr-defined]
        seg = n_lines // ranges
        shift = 0
        for r in range(ranges):
            at = shift + r * seg + rng.randrange(1, seg - 1)
            k = rng.randint(3, 12)
            d.hint_next("inlineCompletion")
            block = gen_lines(rng, k, 900_000 + r * 20)
            d.insert_lines(at, block)
            d.ai_lines += k  # never edited afterwards
            d.ai_nonblank += sum(1 for x in block if x.strip())
            # a human line right after the AI block: "# h" typed then Enter
            hl = at + k
            for c, ch in enumerate("# h"):
                d.type_char(hl, c, ch)
            d.type_char(hl, 3, "\n")
            shift += k + 1
        docs.append(d)
    return docs


# --------------------------------------------------------------------------
# measurement helpers


class BenchError(Exception):
    pass


def peak_rss_mb(pid: int) -> tuple[float, str]:
    """Peak RSS (VmHWM) of pid and its children, in MB."""
    pids = [pid]
    try:
        import psutil

        pids += [c.pid for c in psutil.Process(pid).children(recursive=True)]
    except Exception:
        psutil = None  # type: ignore[assignment]
    total_kb = 0
    how = "VmHWM"
    for p in pids:
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        total_kb += int(line.split()[1])
                        break
        except OSError:
            if psutil is None:
                raise
            how = "rss"
            total_kb += psutil.Process(p).memory_info().rss // 1024
    return total_kb / 1024.0, how


def check_info(result: Any, expected_lines: int | None, who: str, warnings: list[str]) -> None:
    if not isinstance(result, dict):
        raise BenchError(f"{who}: {FILEINFO} answered {result!r}, expected an object")
    if expected_lines is None:
        return
    for key in ("lines", "lineCount", "totalLines"):
        if key in result and isinstance(result[key], int):
            if result[key] != expected_lines:
                warnings.append(
                    f"{who}: {FILEINFO}.{key} = {result[key]}, the reference copy has {expected_lines}"
                    " lines (document out of sync?)"
                )
            return


def check_ai(result: dict[str, Any], d: DocStream, ranges: int, warnings: list[str]) -> None:
    """Sanity check that ownwise saw the whole stream before answering (a
    warning only: the benchmark does not judge attribution)."""
    got = result.get("aiLines")
    # how blank lines at the edges of a block count is ownwise's business
    if isinstance(got, int) and not (d.ai_nonblank <= got <= d.ai_lines):
        warnings.append(
            f"ownwise: {FILEINFO}.aiLines = {got} for {d.uri}, {d.ai_lines} hinted lines"
            f" ({d.ai_nonblank} not blank) were inserted"
        )
    got_r = result.get("aiRanges")
    if isinstance(got_r, list) and len(got_r) != ranges:
        warnings.append(f"ownwise: {FILEINFO}.aiRanges has {len(got_r)} ranges for {d.uri}, {ranges} were created")


def start(spec: ServerSpec, root: Path, ctx: Ctx) -> LspClient:
    c = spec.spawn(ctx.log_dir)
    ctx.live.append(c)
    c.initialize(root.as_uri(), None, timeout=T_START)
    return c


def stop(c: LspClient, ctx: Ctx, who: str) -> None:
    rc = c.shutdown_exit()
    if c in ctx.live:
        ctx.live.remove(c)
    if rc not in (0, None):
        raise BenchError(f"{who}: exited with code {rc} after shutdown/exit\n{c.stderr_tail()}")


@dataclass
class Ctx:
    args: argparse.Namespace
    specs: dict[str, ServerSpec]
    tmp: Path
    log_dir: str
    runs: int
    live: list[LspClient] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


ORDER = ("ownwise", "bare")


def interleaved(ctx: Ctx, runs: int, one: Callable[[str, int], Any]) -> dict[str, list[Any]]:
    """run i: ownwise then bare for even i, bare then ownwise for odd i."""
    out: dict[str, list[Any]] = {"ownwise": [], "bare": []}
    for i in range(runs):
        order = ORDER if i % 2 == 0 else ORDER[::-1]
        for name in order:
            out[name].append(one(name, i))
    return out


# --------------------------------------------------------------------------
# scenarios


def scenario_stream(ctx: Ctx, key: str, n_lines: int, small: bool) -> dict[str, Any]:
    root = ctx.tmp / f"ws_{key}"
    (root / "src").mkdir(parents=True, exist_ok=True)
    uri = (root / "src" / ("big.py" if not small else "small.py")).as_uri()
    t = time.perf_counter()
    d = build_stream(n_lines, small=small, seed=SEED + (0 if not small else 1), uri=uri)
    expected = d.expected_lines()
    stream = d.frames
    nbytes = sum(len(f) for f in stream)
    info = {
        "changes": d.changes,
        "single_char": d.single_char,
        "multi_line_inserts": d.multi_line,
        "hints": d.hints,
        "messages": len(stream) + 1,
        "bytes": nbytes,
        "final_lines": expected,
        "build_s": round(time.perf_counter() - t, 3),
    }

    def one(name: str, i: int) -> float:
        spec = ctx.specs[name]
        c = start(spec, root, ctx)
        c.write_frames([d.open_frame])  # type: ignore[attr-defined]
        c.request(FILEINFO, {"uri": uri}, T_REQ)  # barrier: the open is done
        msg_id, p, req = c.send_request(FILEINFO, {"uri": uri})
        frames = stream + [req]
        t0 = time.perf_counter()
        c.write_frames(frames)
        result, at = c.wait(msg_id, p, FILEINFO, T_STREAM)
        elapsed = at - t0
        check_info(result, expected, name, ctx.warnings)
        stop(c, ctx, name)
        return elapsed

    res = interleaved(ctx, ctx.runs, one)
    return {"info": info, "ownwise_runs_s": res["ownwise"], "bare_runs_s": res["bare"]}


def scenario_corpus(ctx: Ctx) -> dict[str, Any]:
    """c (fileInfo latency) and e (peak RSS) share one setup per process."""
    a = ctx.args
    root = ctx.tmp / "ws_c"
    t = time.perf_counter()
    docs = build_corpus(a.files, a.file_lines, a.ranges, SEED + 2, root)
    for d in docs:
        p = Path(d.uri[len("file://") :])
        p.parent.mkdir(parents=True, exist_ok=True)
    setup_frames: list[bytes] = []
    for d in docs:
        setup_frames.append(d.open_frame)  # type: ignore[attr-defined]
        setup_frames.extend(d.frames)
    expected = [d.expected_lines() for d in docs]
    info = {
        "files": len(docs),
        "lines_per_file_at_open": a.file_lines,
        "ai_ranges": sum(d.multi_line for d in docs),
        "changes": sum(d.changes for d in docs),
        "setup_messages": len(setup_frames),
        "setup_bytes": sum(len(f) for f in setup_frames),
        "requests": a.requests,
        "build_s": round(time.perf_counter() - t, 3),
    }

    def one(name: str, i: int) -> dict[str, Any]:
        spec = ctx.specs[name]
        c = start(spec, root, ctx)
        t0 = time.perf_counter()
        c.write_frames(setup_frames)
        # barrier: answered only after everything before it was handled
        msg_id, p, req = c.send_request(FILEINFO, {"uri": docs[-1].uri})
        c.write_frames([req])
        res, at = c.wait(msg_id, p, FILEINFO, T_STREAM)
        setup_s = at - t0
        check_info(res, expected[-1], name, ctx.warnings)
        rounds = []
        for rnd in range(ctx.runs):  # N rounds of 1,000 requests, same process
            lat = []
            for k in range(a.requests):
                j = k % len(docs)
                res, dt = c.timed_request(FILEINFO, {"uri": docs[j].uri}, T_REQ)
                lat.append(dt)
                if rnd == 0 and k < len(docs):
                    check_info(res, expected[j], name, ctx.warnings)
                    if name == "ownwise" and not ctx.args.against_bare:
                        check_ai(res, docs[j], a.ranges, ctx.warnings)
            lat.sort()
            rounds.append({"p50_ms": pct(lat, 50) * 1e3, "p99_ms": pct(lat, 99) * 1e3, "max_ms": lat[-1] * 1e3})
        rss, how = peak_rss_mb(c.pid)
        stop(c, ctx, name)
        return {"setup_s": setup_s, "rounds": rounds, "peak_rss_mb": rss, "rss_how": how}

    res = interleaved(ctx, ctx.procs_c, one)  # type: ignore[attr-defined]
    return {"info": info, "ownwise_runs": res["ownwise"], "bare_runs": res["bare"]}


def scenario_startup(ctx: Ctx) -> dict[str, Any]:
    root = ctx.tmp / "ws_d"
    (root / "src").mkdir(parents=True, exist_ok=True)
    rng = random.Random(SEED + 3)
    d = DocStream((root / "src" / "hello.py").as_uri(), gen_lines(rng, 10))
    open_frame = d.did_open()
    expected = d.expected_lines()

    def one(name: str, i: int) -> float:
        spec = ctx.specs[name]
        c = spec.spawn(ctx.log_dir)  # the clock starts inside, just before Popen
        ctx.live.append(c)
        c.initialize(root.as_uri(), None, timeout=T_START)  # + "initialized"
        c.write_frames([open_frame])
        msg_id, p, req = c.send_request(FILEINFO, {"uri": d.uri})
        c.write_frames([req])
        result, at = c.wait(msg_id, p, FILEINFO, T_START)
        elapsed = at - c.spawned_at
        check_info(result, expected, name, ctx.warnings)
        stop(c, ctx, name)
        return elapsed

    # one untimed warm-up each (disk cache, .pyc files)
    interleaved(ctx, 1, one)
    res = interleaved(ctx, ctx.runs, one)
    return {"ownwise_runs_s": res["ownwise"], "bare_runs_s": res["bare"]}


# --------------------------------------------------------------------------
# report


def pct(sorted_vals: list[float], q: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_vals:
        return float("nan")
    k = max(0, min(len(sorted_vals) - 1, int(round(q / 100.0 * len(sorted_vals) + 0.5)) - 1))
    return sorted_vals[k]


def med(xs: list[float]) -> float:
    return statistics.median(xs) if xs else float("nan")


def fmt_ms(s: float) -> str:
    return f"{s * 1e3:,.0f} ms" if s >= 1 else f"{s * 1e3:,.1f} ms"


def yn(ok: bool | None) -> str:
    return "-" if ok is None else ("yes" if ok else "NO")


def render(rows: list[list[str]]) -> str:
    header = ["scenario", "ownwise", "bare", "ratio/delta", "goal", "met?"]
    allrows = [header] + rows
    w = [max(len(r[i]) for r in allrows) for i in range(len(header))]
    sep = "-+-".join("-" * x for x in w)
    out = [" | ".join(h.ljust(w[i]) for i, h in enumerate(header)), sep]
    for r in rows:
        out.append(" | ".join((c.ljust(w[i]) if i == 0 else c.rjust(w[i]) if i < 4 else c.ljust(w[i])) for i, c in enumerate(r)))
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="2 runs per scenario instead of 5")
    ap.add_argument("--runs", type=int, default=None, help="runs per scenario (median reported)")
    ap.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    ap.add_argument("--only", default="a,b,c,d,e", help="comma-separated scenarios (default: all)")
    ap.add_argument(
        "--against-bare",
        action="store_true",
        help="use a second bare_server.py in place of ownwise (to check the harness)",
    )
    ap.add_argument("--ownwise-cmd", help="command line to run in place of '<python> -m ownwise serve'")
    ap.add_argument("--keep-tmp", action="store_true", help="keep the temp dir (server stderr logs, DBs)")
    ap.add_argument("--files", type=int, default=100, help=argparse.SUPPRESS)
    ap.add_argument("--file-lines", type=int, default=5000, help=argparse.SUPPRESS)
    ap.add_argument("--ranges", type=int, default=20, help=argparse.SUPPRESS)
    ap.add_argument("--requests", type=int, default=1000, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    runs = args.runs or (2 if args.quick else 5)
    only = {s.strip() for s in args.only.split(",") if s.strip()}
    tmp = Path(tempfile.mkdtemp(prefix="ownwise-bench-"))
    log_dir = str(tmp / "logs")
    os.makedirs(log_dir, exist_ok=True)
    ctx = Ctx(args, make_specs(args, str(tmp)), tmp, log_dir, runs)
    # c/e: the setup (100 opens, 10,000 changes) is the expensive part, so each
    # server process serves N rounds of 1,000 requests; 2 processes per server
    # (1 with --quick). p50/p99: median over rounds; RSS: median over processes.
    ctx.procs_c = 1 if args.quick else 2  # type: ignore[attr-defined]

    print(f"ownwise LSP benchmark  ({'quick, ' if args.quick else ''}{runs} runs, median; seed {SEED})")
    print(f"python {platform.python_version()} {sys.executable}; {platform.machine()}, {os.cpu_count()} CPUs")
    if args.against_bare:
        print("--against-bare: the 'ownwise' column is a second bare_server.py (harness check)")
    print(f"ownwise: {' '.join(ctx.specs['ownwise'].cmd)}   (cwd {REPO}, PYTHONPATH={REPO / 'server'})")
    print(f"bare:    {' '.join(ctx.specs['bare'].cmd)}")
    try:
        load1 = os.getloadavg()[0]
        print(f"load average before start: {load1:.2f}" + ("  (machine busy: figures will be noisy)" if load1 > 0.5 else ""))
    except OSError:
        pass
    print(flush=True)

    rows: list[list[str]] = []
    figures: dict[str, Any] = {}
    started = time.perf_counter()

    def guarded(key: str, label: str, fn: Callable[[], Any]) -> Any:
        t = time.perf_counter()
        print(f"  running {label} ...", end="", flush=True)
        try:
            r = fn()
            print(f" {time.perf_counter() - t:.1f} s", flush=True)
            return r
        except (ServerError, BenchError, OSError) as exc:
            print(" ERROR", flush=True)
            msg = f"{label}: {exc}"
            for c in list(ctx.live):
                tail = c.stderr_tail()
                if tail:
                    msg += f"\n--- stderr of {' '.join(c.cmd[-2:])} (pid {c.pid}), last lines:\n{tail}"
            ctx.errors.append(msg)
            for c in list(ctx.live):
                try:
                    c.close(timeout=5)
                except Exception:
                    pass
                ctx.live.remove(c)
            who = CURRENT[0]
            figures[key] = {"error": str(exc), "server": who}
            rows.append([label, "ERROR" if who == "ownwise" else "?", "ERROR" if who == "bare" else "?", "", "", "NO"])
            return None

    def ratio_row(label: str, key: str, r: dict[str, Any], goal: float) -> None:
        o, b = med(r["ownwise_runs_s"]), med(r["bare_runs_s"])
        ratio = o / b if b else float("nan")
        ok = ratio <= goal
        rows.append([label, fmt_ms(o), fmt_ms(b), f"{ratio:.2f}x", f"<= {goal}x", yn(ok)])
        figures[key] = {
            **({"info": r["info"]} if "info" in r else {}),
            "ownwise_s": o,
            "bare_s": b,
            "ownwise_runs_s": r["ownwise_runs_s"],
            "bare_runs_s": r["bare_runs_s"],
            "ratio": ratio,
            "goal_ratio_max": goal,
            "met": ok,
        }

    if "a" in only:
        r = guarded("a", "a. didChange stream, 10k-line file", lambda: scenario_stream(ctx, "a", 10_000, False))
        if r:
            ratio_row("a. didChange stream, 10k-line file", "a", r, 0.6)
    if "b" in only:
        r = guarded("b", "b. didChange stream, 10-line file", lambda: scenario_stream(ctx, "b", 10, True))
        if r:
            ratio_row("b. didChange stream, 10-line file", "b", r, 1.15)
    if "c" in only or "e" in only:
        r = guarded("c", "c/e. 100 open files x 5k lines", lambda: scenario_corpus(ctx))
        if r:
            def agg(procs: list[dict[str, Any]]) -> dict[str, float]:
                rounds = [x for pr in procs for x in pr["rounds"]]
                m = {k: med([x[k] for x in procs]) for k in ("setup_s", "peak_rss_mb")}
                m.update({k: med([x[k] for x in rounds]) for k in ("p50_ms", "p99_ms", "max_ms")})
                return m

            om, bm = agg(r["ownwise_runs"]), agg(r["bare_runs"])
            if "c" in only:
                rows.append(["c. setup: open + 2,000 AI ranges (info)", fmt_ms(om["setup_s"]), fmt_ms(bm["setup_s"]), f"{om['setup_s'] / bm['setup_s']:.2f}x", "-", "-"])
                rows.append(["c. fileInfo latency p50", f"{om['p50_ms']:.2f} ms", f"{bm['p50_ms']:.2f} ms", f"{om['p50_ms'] / bm['p50_ms']:.2f}x", "-", "-"])
                ok = om["p99_ms"] <= 10.0
                rows.append(["c. fileInfo latency p99", f"{om['p99_ms']:.2f} ms", f"{bm['p99_ms']:.2f} ms", f"{om['p99_ms'] / bm['p99_ms']:.2f}x", "p99 <= 10 ms", yn(ok)])
                figures["c"] = {
                    "info": r["info"],
                    "ownwise": om,
                    "bare": bm,
                    "ownwise_runs": r["ownwise_runs"],
                    "bare_runs": r["bare_runs"],
                    "goal_p99_ms_max": 10.0,
                    "met": ok,
                }
            if "e" in only:
                delta = om["peak_rss_mb"] - bm["peak_rss_mb"]
                ok = delta <= 30.0
                rows.append(["e. peak RSS, 100 open files x 5k lines", f"{om['peak_rss_mb']:.1f} MB", f"{bm['peak_rss_mb']:.1f} MB", f"{delta:+.1f} MB", "<= +30 MB", yn(ok)])
                figures["e"] = {
                    "ownwise_mb": om["peak_rss_mb"],
                    "bare_mb": bm["peak_rss_mb"],
                    "delta_mb": delta,
                    "how": r["ownwise_runs"][0]["rss_how"],
                    "ownwise_runs_mb": [x["peak_rss_mb"] for x in r["ownwise_runs"]],
                    "bare_runs_mb": [x["peak_rss_mb"] for x in r["bare_runs"]],
                    "goal_delta_mb_max": 30.0,
                    "met": ok,
                }
        elif r is None and "e" in only and "c" in only:
            rows.append(["e. peak RSS, 100 open files x 5k lines", "ERROR", "ERROR", "", "", "NO"])
    if "d" in only:
        r = guarded("d", "d. start-up to first fileInfo", lambda: scenario_startup(ctx))
        if r:
            ratio_row("d. start-up to first fileInfo", "d", r, 1.3)

    total = time.perf_counter() - started
    print()
    print(render(rows))
    print()
    notes = []
    if "a" in figures and "info" in figures["a"]:
        i = figures["a"]["info"]
        notes.append(f"a: {i['single_char']} single-char edits + {i['multi_line_inserts']} inserts + {i['hints']} hints, {i['bytes'] / 1e6:.1f} MB, file ends at {i['final_lines']} lines")
    if "b" in figures and "info" in figures["b"]:
        i = figures["b"]["info"]
        notes.append(f"b: {i['changes']} changes ({i['single_char']} single-char, {i['multi_line_inserts']} inserts each deleted again) + {i['hints']} hints, file ends at {i['final_lines']} lines")
    if "c" in figures and "info" in figures["c"]:
        i = figures["c"]["info"]
        notes.append(f"c/e: {i['files']} files, {i['ai_ranges']} AI ranges, {i['changes']} changes; {runs} rounds of {i['requests']} fileInfo requests per process; {ctx.procs_c} process(es) per server")  # type: ignore[attr-defined]
    for n in notes:
        print(n)
    print(f"total {total:.0f} s")

    for w in dict.fromkeys(ctx.warnings):
        print(f"WARNING: {w}")

    if args.json:
        out = {
            "meta": {
                "runs": runs,
                "processes_c_e": ctx.procs_c,  # type: ignore[attr-defined]
                "quick": args.quick,
                "against_bare": args.against_bare,
                "seed": SEED,
                "python": platform.python_version(),
                "machine": platform.machine(),
                "cpus": os.cpu_count(),
                "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                "total_s": total,
            },
            "scenarios": figures,
            "warnings": list(dict.fromkeys(ctx.warnings)),
            "errors": ctx.errors,
        }
        Path(args.json).write_text(json.dumps(out, indent=2) + "\n")
        print(f"figures written to {args.json}")

    if ctx.errors:
        for e in ctx.errors:
            print(f"\nERROR: {e}", file=sys.stderr)
    if args.keep_tmp or ctx.errors:
        print(f"temp dir kept: {tmp} (server stderr in {log_dir})")
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if ctx.errors else 0


if __name__ == "__main__":
    sys.exit(main())
