"""``ownwise classify`` over a 5,000-file repository (goal: 5 s), beside reading every file in the same run.

    .venv/bin/python benchmarks/bench_classify.py [--runs 3] [--json] [--tree DIR]

The repository: Django 5.2.8's source distribution from PyPI (a registry, so this runs on a
fresh machine), its first 5,000 files in sorted order, committed to git once, kept in
``~/.cache/ownwise-bench/classify-5000``. Each run times the whole command as a user runs it,
``ownwise classify --format json DIR`` (a new process: start-up, the file list, every file
read and scanned, the import graph, ``git log``), and beside it the floor no classifier can go
under: a process that lists the same files with git and reads every byte of them.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "ownwise-bench"
FILES = 5000
GOAL_S = 5.0

_READ_ALL = """
import subprocess, sys
root = sys.argv[1]
names = subprocess.run(["git", "-C", root, "ls-files", "-z"], capture_output=True).stdout.split(b"\\0")
n = 0
for name in names:
    if name:
        with open(root.encode() + b"/" + name, "rb") as fh:
            n += len(fh.read())
print(n)
"""


def tree(cache: Path) -> Path:
    """The 5,000-file git repository, made once."""
    where = cache / "classify-5000"
    if (where / ".git").is_dir():
        return where
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:",
                        "django==5.2.8", "-d", tmp], check=True)
        sdist = next(Path(tmp).glob("*.tar.gz"))
        with tarfile.open(sdist) as tar:
            members = sorted((m for m in tar.getmembers() if m.isfile()), key=lambda m: m.name)[:FILES]
            stage = Path(tmp) / "x"
            for m in members:
                m.uid = m.gid = os.getuid()
            tar.extractall(stage, members=members, filter="data")
        top = next(stage.iterdir())
        if where.exists():
            shutil.rmtree(where)
        shutil.move(str(top), str(where))
    git = ["git", "-C", str(where), "-c", "user.email=bench@example.com", "-c", "user.name=bench"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "Django 5.2.8 sdist, first 5,000 files"], check=True)
    return where


def timed(cmd: list[str], env: dict) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, env=env)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{cmd} failed: {done.stderr.decode()[-2000:]}")
    return elapsed


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--tree", type=Path, help="classify this repository instead")
    ap.add_argument("--against", type=Path, metavar="CHECKOUT",
                    help="also time an older ownwise (a checkout; its server/ on PYTHONPATH), given every file "
                         "as an argument (versions before 0.2 took no directories): the before figure")
    args = ap.parse_args()
    where = args.tree or tree(CACHE)
    files = subprocess.run(["git", "-C", str(where), "ls-files"], capture_output=True, text=True).stdout.count("\n")
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, OWNWISE_DB=str(Path(tmp) / "o.db"), PYTHONPATH=str(ROOT / "server"))
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
        classify = [sys.executable, "-m", "ownwise", "classify", "--format", "json", str(where)]
        read_all = [sys.executable, "-c", _READ_ALL, str(where)]
        timed(classify, env)  # untimed: bytecode and the page cache
        ours, floor, old = [], [], []
        names = subprocess.run(["git", "-C", str(where), "ls-files"], capture_output=True, text=True).stdout.split()
        old_env = dict(env, PYTHONPATH=str(args.against / "server")) if args.against else None
        old_cmd = [sys.executable, "-m", "ownwise", "classify", *(str(where / n) for n in names)]
        for _ in range(args.runs):  # alternating, so a change of load hits both
            ours.append(timed(classify, env))
            floor.append(timed(read_all, env))
            if old_env is not None:
                old.append(timed(old_cmd, old_env))
    result = {"files": files, "classify_s": {"median": statistics.median(ours), "all": ours},
              "read_all_s": {"median": statistics.median(floor), "all": floor}, "goal_s": GOAL_S,
              "cores": os.cpu_count()}
    result["met"] = result["classify_s"]["median"] <= GOAL_S
    if old:
        result["against_s"] = {"median": statistics.median(old), "all": old, "checkout": str(args.against)}
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"{files} files: ownwise classify {result['classify_s']['median']:.2f} s "
              f"({files / result['classify_s']['median']:.0f} files/s), reading every file "
              f"{result['read_all_s']['median']:.2f} s; goal <= {GOAL_S} s: {'met' if result['met'] else 'NOT met'}"
              + (f"; the older checkout {result['against_s']['median']:.2f} s" if old else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
