"""How long `ownwise report` takes on a big database (goal 1.5 s), beside a naive baseline in the same run.

    .venv/bin/python benchmarks/bench_report.py [--edits 1000000] [--runs 5] [--weeks 8]
                                                [--keep PATH] [--json FILE]

Builds a synthetic database (benchmarks/synth.py: --edits edits and a year of sessions,
prompts, focus blocks, activity minutes and snapshots) in a temp dir, or reuses the one
at --keep when it was built with the same parameters (a PATH.params.json file next to it
records them). Then, run after run, each as a fresh process (cold, like a user running
the command; one untimed warm-up of each first, so the OS file cache and the bytecode
are warm as on a machine in use), the wall time of:

  a. `ownwise --db DB report --format json --weeks W --out /dev/null`;
  b. the baseline: `python -c` that opens DB with sqlite3 and fetches every
     `SELECT ts, ownership_class, kind, ai, lines FROM edits` row into Python (what a
     naive report would have to do before computing anything);
  c. `python -c pass`: the interpreter's start-up, the floor of any command.

Medians of the runs are printed as a table. This is a benchmark, not a test: the exit
status is 0 whatever the figures, unless the report command fails (its stderr is
printed; then 1).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

GOAL_S = 1.5
REUSE_DAYS = 7  # a kept database older than this is rebuilt (its weeks would drift out of the report)
BASELINE = (
    "import sqlite3, sys\n"
    "conn = sqlite3.connect(sys.argv[1])\n"
    "rows = conn.execute('SELECT ts, ownership_class, kind, ai, lines FROM edits').fetchall()\n"
    "print(len(rows))\n"
)


def ownwise_cmd() -> list[str]:
    for script in (Path(sys.executable).with_name("ownwise"), REPO / ".venv" / "bin" / "ownwise"):
        if script.exists():
            return [str(script)]
    return [sys.executable, "-m", "ownwise"]


def generator_hash() -> str:
    return hashlib.sha256((HERE / "synth.py").read_bytes()).hexdigest()[:16]


def prepare_db(db: Path, edits: int, days: int, seed: int, reuse: bool) -> tuple[dict, str]:
    """Build (or reuse) the database; its parameters, counts and when it was built, and what happened."""
    params_file = db.with_name(db.name + ".params.json")
    want = {"edits": edits, "days": days, "seed": seed, "generator": generator_hash()}
    if reuse and db.exists() and params_file.exists():
        try:
            have = json.loads(params_file.read_text())
        except ValueError:
            have = {}
        if have.get("params") == want:
            built = datetime.fromisoformat(have["now"])
            age = (datetime.now(timezone.utc) - built).total_seconds() / 86400
            if age <= REUSE_DAYS:
                return have, f"reused {db} (built {have['now'][:16]}, {age:.1f} days ago)"
            why = f"built {age:.0f} days ago"
        else:
            why = "other parameters or generator"
        note = f"rebuilt {db} ({why})"
    elif db.exists() and not params_file.exists():
        raise SystemExit(f"{db} exists and was not built by this benchmark (no {params_file.name}); "
                         f"remove it or choose another --keep path")
    else:
        note = f"built {db}"
    from synth import build_synthetic_db

    params_file.unlink(missing_ok=True)
    now = datetime.now(timezone.utc)
    start = time.perf_counter()
    counts = build_synthetic_db(db, edits=edits, days=days, seed=seed, now=now)
    took = time.perf_counter() - start
    info = {"params": want, "now": now.isoformat(timespec="seconds"), "counts": counts,
            "build_s": round(took, 1)}
    params_file.write_text(json.dumps(info, indent=2) + "\n")
    return info, f"{note} in {took:.1f} s"


def run(cmd: list[str], env: dict) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=str(REPO), timeout=900)
    return time.perf_counter() - start, proc


def fail(what: str, cmd: list[str], proc: subprocess.CompletedProcess) -> None:
    print(f"\nERROR: {what} failed (exit status {proc.returncode}): {' '.join(cmd)}", file=sys.stderr)
    print(proc.stderr or proc.stdout, file=sys.stderr)
    sys.exit(1)


def render(rows: list[list[str]]) -> str:
    header = ["measure", "median", "min", "max", "goal", "met?"]
    allrows = [header] + rows
    w = [max(len(r[i]) for r in allrows) for i in range(len(header))]
    out = [" | ".join(h.ljust(w[i]) for i, h in enumerate(header)), "-+-".join("-" * x for x in w)]
    for r in rows:
        out.append(" | ".join(c.ljust(w[i]) if i in (0, 4, 5) else c.rjust(w[i]) for i, c in enumerate(r)))
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--edits", type=int, default=1_000_000, help="edits in the synthetic database")
    ap.add_argument("--days", type=int, default=365, help="days of history (default a year)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--runs", type=int, default=5, help="timed runs of each command (median reported)")
    ap.add_argument("--weeks", type=int, default=8, help="the report's --weeks")
    ap.add_argument("--keep", type=Path, metavar="PATH",
                    help="build the database here and keep it; reused when built with the same parameters")
    ap.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = ap.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="ownwise-bench-report-"))
    try:
        if args.keep:
            db = args.keep.resolve()
            db.parent.mkdir(parents=True, exist_ok=True)
        else:
            db = tmp / "ownwise.db"
        info, note = prepare_db(db, args.edits, args.days, args.seed, reuse=bool(args.keep))
        size = sum(p.stat().st_size for p in db.parent.glob(db.name + "*") if not p.name.endswith(".json"))

        env = dict(os.environ)
        env.pop("OWNWISE_DB", None)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        report_cmd = ownwise_cmd() + ["--db", str(db), "report", "--format", "json", "--weeks",
                                      str(args.weeks), "--out", "/dev/null"]
        base_cmd = [sys.executable, "-c", BASELINE, str(db)]
        bare_cmd = [sys.executable, "-c", "pass"]

        print(f"ownwise report benchmark  ({args.runs} runs, median; each a fresh process)")
        print(f"python {platform.python_version()} {sys.executable}; {platform.machine()}, {os.cpu_count()} CPUs")
        try:
            load1 = os.getloadavg()[0]
            print(f"load average before start: {load1:.2f}"
                  + ("  (machine busy: figures will be noisy)" if load1 > 1.0 else ""))
        except OSError:
            pass
        print(f"database: {note}; {size / 1e6:.0f} MB")
        print("  " + ", ".join(f"{t} {n:,}" for t, n in info["counts"].items() if n))
        print(f"report:   {' '.join(report_cmd)}", flush=True)

        # untimed warm-up: OS file cache, bytecode; the report's output is checked once here
        out = tmp / "report.json"
        warm_cmd = report_cmd[:-1] + [str(out)]
        t, proc = run(warm_cmd, env)
        if proc.returncode != 0:
            fail("ownwise report", warm_cmd, proc)
        sanity = ""
        try:
            rep = json.loads(out.read_text())
            weeks = rep.get("weeks") or []
            sanity = (f"output checked: {rep.get('format')}, {len(weeks)} weeks, "
                      f"stage {((rep.get('stage') or {}).get('id'))!r}; warm-up {t:.2f} s")
        except (OSError, ValueError) as exc:
            sanity = f"WARNING: the report's output is not JSON ({exc})"
        t, proc = run(base_cmd, env)
        if proc.returncode != 0:
            fail("the baseline", base_cmd, proc)
        fetched = int(proc.stdout.strip() or 0)
        run(bare_cmd, env)

        times: dict[str, list[float]] = {"bare": [], "baseline": [], "report": []}
        for i in range(args.runs):  # interleaved, so a slow moment hits all three alike
            for key, cmd in (("bare", bare_cmd), ("baseline", base_cmd), ("report", report_cmd)):
                t, proc = run(cmd, env)
                if proc.returncode != 0:
                    if key == "report":
                        fail("ownwise report", cmd, proc)
                    fail(key, cmd, proc)
                times[key].append(t)
            print(f"  run {i + 1}/{args.runs}: report {times['report'][-1]:.2f} s, "
                  f"baseline {times['baseline'][-1]:.2f} s, bare {times['bare'][-1] * 1000:.0f} ms", flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    med = {k: statistics.median(v) for k, v in times.items()}

    def secs(x: float) -> str:
        return f"{x:.3f} s"

    met = med["report"] <= GOAL_S
    rows = [
        ["python -c pass (interpreter start-up)", secs(med["bare"]), secs(min(times["bare"])),
         secs(max(times["bare"])), "-", "-"],
        [f"baseline: fetch {fetched:,} edits rows (sqlite3)", secs(med["baseline"]),
         secs(min(times["baseline"])), secs(max(times["baseline"])), "-", "-"],
        [f"ownwise report --format json --weeks {args.weeks}", secs(med["report"]), secs(min(times["report"])),
         secs(max(times["report"])), f"report <= {GOAL_S} s", "yes" if met else "NO"],
    ]
    print()
    print(render(rows))
    print()
    print(f"report / baseline: {med['report'] / med['baseline']:.2f}x; "
          f"report over the bare interpreter: {med['report'] - med['bare']:.3f} s (medians)")
    print(sanity)
    print("within the goal" if met else f"OVER the {GOAL_S} s goal")
    if args.keep:
        print(f"database kept: {db}")

    if args.json:
        figures = {
            "meta": {"runs": args.runs, "weeks": args.weeks, "edits": args.edits, "days": args.days,
                     "seed": args.seed, "database": note, "db_mb": round(size / 1e6, 1),
                     "counts": info["counts"], "python": platform.python_version(),
                     "machine": platform.machine(), "cpus": os.cpu_count(),
                     "time": time.strftime("%Y-%m-%dT%H:%M:%S%z")},
            "report_s": {"median": med["report"], "runs": times["report"]},
            "baseline_s": {"median": med["baseline"], "runs": times["baseline"], "rows": fetched},
            "bare_s": {"median": med["bare"], "runs": times["bare"]},
            "goal_s": GOAL_S,
            "met": met,
        }
        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n")
        print(f"figures written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
