"""How long `ownwise hook` takes per call (budget 50 ms), beside bare `python -c pass` in the same run.

    .venv/bin/python benchmarks/bench_hook.py [--runs 30] [--lines 2000] [--json]

Each run: the agent's pre hook on a file of --lines lines, then the post hook after a
write; wall time of each subprocess, medians and p95 printed side by side with the
interpreter's own start-up (the floor no hook can go under). The hook runs from cached
bytecode (a temp PYTHONPYCACHEPREFIX, filled by one untimed call), as installed. Then the
post hook as an agent runs it: the entry `ownwise hooks install` writes, through `sh -c`
(its guard included), and that entry once the interpreter it names is gone.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def timed(cmd: list[str], stdin: str, env: dict) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, input=stdin, capture_output=True, text=True, env=env)
    elapsed = (time.perf_counter() - start) * 1000
    if proc.returncode != 0:
        raise SystemExit(f"{cmd} failed: {proc.stderr}")
    return elapsed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--lines", type=int, default=2000)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ws = Path(tmp) / "ws"
        ws.mkdir()
        target = ws / "big.py"
        target.write_text("".join(f"value_{i} = {i}\n" for i in range(args.lines)))
        env = dict(os.environ, OWNWISE_DB=str(Path(tmp) / "data" / "ownwise.db"),
                   PYTHONPATH=str(ROOT / "server"))
        # Bytecode, as in bench_lsp.py: the hook runs from cached .pyc files, as an installed
        # package does (pip compiles them; without PYTHONDONTWRITEBYTECODE python writes them
        # on first use), not from source compiled on every call. The cache goes to a temp
        # prefix, filled by the untimed first call; the tree is left alone.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
        script = Path(sys.executable).with_name("ownwise")  # what `ownwise hooks install` writes
        hook = ([str(script)] if script.exists() else [sys.executable, "-m", "ownwise"]) + [
            "hook", "--agent", "claude-code"]

        def payload(event: str) -> str:
            return json.dumps({"session_id": "bench", "cwd": str(ws), "hook_event_name": event,
                               "tool_name": "Edit", "tool_input": {"file_path": str(target)}})

        entry = gone = None
        try:  # the entry as installed (this tree has guarded entries)
            sys.path.insert(0, str(ROOT / "server"))
            from ownwise.hooks.agents import AGENTS
            from ownwise.hooks.command import Launcher

            launcher = Launcher(str(script), False) if script.exists() else Launcher(sys.executable, True)
            entry = ["sh", "-c", AGENTS["claude-code"].command("post", launcher)]
            gone = ["sh", "-c", AGENTS["claude-code"].command("post", Launcher(str(Path(tmp) / "gone" / "python"), True))]
        except ImportError:
            pass

        timed(hook, payload("PreToolUse"), env)  # first call creates and migrates the database
        bare, pre, post, via_entry, via_gone = [], [], [], [], []
        for i in range(args.runs):
            bare.append(timed([sys.executable, "-c", "pass"], "", env))
            pre.append(timed(hook, payload("PreToolUse"), env))
            with target.open("a") as f:
                f.write(f"added_{i} = {i}\n")
            post.append(timed(hook, payload("PostToolUse"), env))
            if entry and gone:
                timed(hook, payload("PreToolUse"), env)
                with target.open("a") as f:
                    f.write(f"again_{i} = {i}\n")
                via_entry.append(timed(entry, payload("PostToolUse"), env))
                via_gone.append(timed(gone, payload("PostToolUse"), env))

    def p95(xs: list[float]) -> float:
        return sorted(xs)[max(0, int(len(xs) * 0.95) - 1)]

    rows = {"python -c pass (floor)": bare, "hook, pre (PreToolUse)": pre, "hook, post (PostToolUse)": post}
    if via_entry:
        rows["hook, post, its entry (sh -c)"] = via_entry
        rows["entry, ownwise gone (sh -c)"] = via_gone
    result = {name: {"median_ms": round(statistics.median(xs), 1), "p95_ms": round(p95(xs), 1)}
              for name, xs in rows.items()}
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"ownwise hook, {args.runs} runs, a {args.lines}-line file; budget 50 ms per call")
    print(f"{'':31} {'median':>8} {'p95':>8}")
    for name, r in result.items():
        print(f"{name:31} {r['median_ms']:>6.1f}ms {r['p95_ms']:>6.1f}ms")
    over = statistics.median(post) - statistics.median(bare)
    print(f"hook cost over the bare interpreter: {over:.1f} ms (median, post)")
    print("within budget" if statistics.median(post) <= 50 else "OVER the 50 ms budget")


if __name__ == "__main__":
    main()
