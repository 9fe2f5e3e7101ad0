"""``make bench``: every performance figure in one table, each beside its baseline from the same run.

Runs, one after the other (never in parallel: they would disturb each other):

1. ``bench_lsp.py`` — didChange streams, fileInfo latency, start-up and peak RSS against a bare
   pygls 2 server;
2. ``bench_hook.py`` — ``ownwise hook`` per call against ``python -c pass``;
3. ``bench_report.py`` — ``ownwise report`` over 1,000,000 synthetic edits against fetching every
   edit row (the database is kept in ``~/.cache/ownwise-bench/`` and reused);
4. ``bench_classify.py`` — ``ownwise classify`` over a 5,000-file repository (Django's source
   distribution from PyPI, committed to git once in ``~/.cache/ownwise-bench/``) against reading
   every file;
5. ``bench_commit.py`` — ``git commit`` with ``ownwise git install-hook`` and with a running server
   watching the repository, against ``git commit`` alone (nothing ownwise does may make a commit wait).

Then prints one table: measure, ownwise, baseline, ratio or difference, goal, met. Nothing asserts;
the exit status is 1 only when a benchmark itself failed. Figures: docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "ownwise-bench"


def _run(args: list[str], label: str) -> int:
    print(f"\n=== {label}: {' '.join(args)}", flush=True)
    return subprocess.run([sys.executable, *args], cwd=HERE.parent).returncode


def _captured(script: str, runs: int, label: str, failed: list[str]) -> subprocess.CompletedProcess:
    """A benchmark that prints its figures as JSON on stdout (its stderr shown when it fails)."""
    done = subprocess.run([sys.executable, str(HERE / script), "--json", "--runs", str(runs)], cwd=HERE.parent,
                          capture_output=True, text=True)
    print(f"\n=== {label}: {script} --json", flush=True)
    if done.returncode != 0:
        print(done.stderr)
        failed.append(script.removesuffix(".py"))
    return done


def _yn(ok: bool | None) -> str:
    return "-" if ok is None else ("yes" if ok else "NO")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="fewer runs (2 per LSP scenario, 10 hook calls, 3 reports)")
    ap.add_argument("--json", metavar="FILE", help="also write every figure as JSON")
    args = ap.parse_args(argv)

    rows: list[list[str]] = []
    failed: list[str] = []
    out: dict = {}
    with tempfile.TemporaryDirectory(prefix="ownwise-bench-") as tmp:
        lsp_json, report_json = Path(tmp) / "lsp.json", Path(tmp) / "report.json"
        lsp_args = [str(HERE / "bench_lsp.py"), "--json", str(lsp_json)] + (["--quick"] if args.quick else [])
        if _run(lsp_args, "LSP") != 0:
            failed.append("bench_lsp")
        hook = _captured("bench_hook.py", 10 if args.quick else 30, "hook", failed)
        CACHE.mkdir(parents=True, exist_ok=True)
        rep_args = [str(HERE / "bench_report.py"), "--keep", str(CACHE / "report-1m.db"), "--json", str(report_json),
                    "--runs", "3" if args.quick else "5"]
        if _run(rep_args, "report") != 0:
            failed.append("bench_report")
        classify = _captured("bench_classify.py", 1 if args.quick else 3, "classify", failed)
        commit = _captured("bench_commit.py", 8 if args.quick else 20, "commit", failed)

        if lsp_json.exists():
            sc = json.loads(lsp_json.read_text())["scenarios"]
            out["lsp"] = sc
            for key, label in (("a", "didChange stream, 10,000-line file"), ("b", "didChange stream, 10-line file"),
                               ("d", "start-up to first fileInfo")):
                f = sc.get(key, {})
                if "ratio" in f:
                    rows.append([label, f"{f['ownwise_s'] * 1e3:.0f} ms", f"{f['bare_s'] * 1e3:.0f} ms (bare pygls)",
                                 f"{f['ratio']:.2f}x", f"<= {f['goal_ratio_max']}x", _yn(f["met"])])
            c = sc.get("c", {})
            if "ownwise" in c:
                rows.append(["fileInfo p50, 100 files x 5k lines", f"{c['ownwise']['p50_ms']:.2f} ms",
                             f"{c['bare']['p50_ms']:.2f} ms (bare pygls)", "", "-", "-"])
                rows.append(["fileInfo p99, 2,000 AI ranges", f"{c['ownwise']['p99_ms']:.2f} ms",
                             f"{c['bare']['p99_ms']:.2f} ms (bare pygls)", "", "<= 10 ms", _yn(c["met"])])
            e = sc.get("e", {})
            if "delta_mb" in e:
                rows.append(["peak RSS, 100 files x 5k lines", f"{e['ownwise_mb']:.1f} MB",
                             f"{e['bare_mb']:.1f} MB (bare pygls)", f"{e['delta_mb']:+.1f} MB", "<= +30 MB",
                             _yn(e["met"])])
        if hook.returncode == 0:
            h = json.loads(hook.stdout)
            out["hook"] = h
            floor = h["python -c pass (floor)"]["median_ms"]
            for name in ("hook, pre (PreToolUse)", "hook, post (PostToolUse)", "hook, post, its entry (sh -c)"):
                if name not in h:
                    continue
                ms = h[name]["median_ms"]
                rows.append([f"ownwise {name}", f"{ms:.1f} ms", f"{floor:.1f} ms (python -c pass)",
                             f"{ms - floor:+.1f} ms", "<= 50 ms", _yn(ms <= 50)])
        if report_json.exists():
            r = json.loads(report_json.read_text())
            out["report"] = r
            rows.append(["report over 1,000,000 edits (8 weeks)", f"{r['report_s']['median']:.2f} s",
                         f"{r['baseline_s']['median']:.2f} s (fetch every edit)",
                         f"{r['report_s']['median'] / r['baseline_s']['median']:.2f}x", f"<= {r['goal_s']} s",
                         _yn(r["met"])])

        if classify.returncode == 0:
            c = json.loads(classify.stdout)
            out["classify"] = c
            rows.append([f"ownwise classify, {c['files']:,} files", f"{c['classify_s']['median']:.2f} s",
                         f"{c['read_all_s']['median']:.2f} s (read every file)",
                         f"{c['files'] / c['classify_s']['median']:.0f} files/s", f"<= {c['goal_s']} s",
                         _yn(c["met"])])

        if commit.returncode == 0:
            g = json.loads(commit.stdout)
            out["commit"] = g
            base = g["baseline_ms"]["median"]
            for key, label in (("hook_ms", "git commit, ownwise git install-hook"),
                               ("server_ms", "git commit, ownwise server watching")):
                ms = g[key]["median"]
                rows.append([label, f"{ms:.0f} ms", f"{base:.0f} ms (git commit alone)", f"{ms - base:+.0f} ms",
                             f"<= +{g['goal_added_ms']:.0f} ms", _yn(ms - base <= g["goal_added_ms"])])
            rows.append(["record in the notes after the commit (server)",
                         f"{g['server_record_after_ms']['median']:.0f} ms", "-", "", "-", "-"])

    head = ["measure", "ownwise", "baseline (same run)", "ratio", "goal", "met"]
    widths = [max(len(str(x[i])) for x in [head, *rows]) for i in range(len(head))]
    print("\n" + " | ".join(h.ljust(w) for h, w in zip(head, widths)))
    print("-+-".join("-" * w for w in widths))
    for row in rows:
        print(" | ".join(str(c).ljust(w) for c, w in zip(row, widths)))
    try:
        load = os.getloadavg()[0]
        print(f"\nload average at the end: {load:.2f} (ratios are noisy above ~0.5 on 2 cores)")
    except OSError:
        pass
    if args.json:
        Path(args.json).write_text(json.dumps({"rows": rows, **out}, indent=2) + "\n")
    if failed:
        print(f"FAILED: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
