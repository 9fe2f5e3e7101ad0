"""How often ``ownwise classify`` agrees with people, on real repositories.

The labelled corpus is ``benchmarks/ownership_corpus/``: ``repos.csv`` (repository, pinned
commit, kind) and one ``<owner>+<name>.csv`` per repository (path, class, borderline, reason),
labelled by reading each file by the Ownership Matrix's definitions (``GUIDE.md``), never by
looking at the classifier. This script classifies the labelled files of each repository the
way ``ownwise classify DIR`` does (the same scan, the same evidence, the repository's own
``.ownwise.toml`` if it has one) and prints agreement, the confusion matrix and core
precision and recall, on the clear labels and on all of them, in total and per repository.

Checkouts are looked for in ``--checkouts DIR`` (``DIR/<owner>+<name>``, checked out at the
pinned commit). A missing one is cloned from ``--clone-from`` (a directory of mirrors, as
``DIR/<owner>+<name>/repo``, or ``https://github.com``), which needs the network.

    .venv/bin/python benchmarks/ownership_eval.py --checkouts /work/corpus
    .venv/bin/python benchmarks/ownership_eval.py --checkouts /work/corpus --errors   # each disagreement
    .venv/bin/python benchmarks/ownership_eval.py --labels my.csv --repo /path/to/checkout   # your own labels

Per-repository figures are what a user of that repository would see; the totals pool every
labelled file.
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "server"))

from ownwise.ownership import Classifier, load_workspace_rules  # noqa: E402
from ownwise.ownership.scan import scan_workspace  # noqa: E402

CLASSES = ("transient", "repeatable", "core")
CORPUS = HERE / "ownership_corpus"


def read_labels(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return [row for row in csv.DictReader(fh)]


def checkout(repo: str, commit: str, checkouts: Path, clone_from: str | None) -> Path:
    name = repo.replace("/", "+")
    where = checkouts / name
    if not where.exists():
        if clone_from is None:
            raise SystemExit(f"no checkout of {repo} at {where}; pass --clone-from")
        source = (f"{clone_from.rstrip('/')}/{repo}.git" if clone_from.startswith(("http://", "https://"))
                  else str(Path(clone_from) / name / "repo"))
        subprocess.run(["git", "clone", "-q", source, str(where)], check=True)
    head = subprocess.run(["git", "-C", str(where), "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    if head != commit:
        subprocess.run(["git", "-C", str(where), "checkout", "-q", commit], check=True)
    return where


def classify_labelled(root: Path, labels: list[dict[str, str]]) -> tuple[dict[str, object], float]:
    """The decision for each labelled path, as ``ownwise classify`` makes it for the whole tree."""
    started = time.perf_counter()
    classifier = Classifier()
    rules, _errors, _files = load_workspace_rules(root)
    classifier.set_workspace_rules(root, rules)
    scan = scan_workspace(root)
    out = {}
    for row in labels:
        rel = row["path"]
        out[rel] = classifier.classify(root / rel, evidence=scan.evidence(rel))
    return out, time.perf_counter() - started


def figures(pairs: list[tuple[str, str]]) -> dict[str, object]:
    """Agreement, confusion matrix (label -> predicted), core precision and recall."""
    n = len(pairs)
    agree = sum(1 for truth, pred in pairs if truth == pred)
    confusion = {t: {p: 0 for p in CLASSES} for t in CLASSES}
    for truth, pred in pairs:
        confusion[truth][pred] += 1
    called_core = sum(1 for _t, p in pairs if p == "core")
    true_core = sum(1 for t, _p in pairs if t == "core")
    hit = confusion["core"]["core"]
    return {
        "files": n,
        "agreement": agree / n if n else None,
        "core_precision": hit / called_core if called_core else None,
        "core_recall": hit / true_core if true_core else None,
        "called_core": called_core,
        "labelled_core": true_core,
        "confusion": confusion,
    }


def _pct(x: float | None) -> str:
    return "  —  " if x is None else f"{x:5.2f}"


def print_table(title: str, rows: list[tuple[str, dict, dict]]) -> None:
    print(title)
    print(f"  {'repository':<42} {'clear':>5} {'agree':>6} {'coreP':>6} {'coreR':>6}   {'all':>4} {'agree':>6} "
          f"{'coreP':>6} {'coreR':>6}")
    for name, clear, every in rows:
        print(f"  {name:<42} {clear['files']:>5} {_pct(clear['agreement']):>6} {_pct(clear['core_precision']):>6} "
              f"{_pct(clear['core_recall']):>6}   {every['files']:>4} {_pct(every['agreement']):>6} "
              f"{_pct(every['core_precision']):>6} {_pct(every['core_recall']):>6}")


def print_confusion(title: str, f: dict) -> None:
    print(f"{title} (rows: label, columns: ownwise)")
    print(f"  {'':<11}" + "".join(f"{c:>11}" for c in CLASSES))
    for t in CLASSES:
        print(f"  {t:<11}" + "".join(f"{f['confusion'][t][p]:>11}" for p in CLASSES))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--checkouts", type=Path, default=Path("corpus"),
                    help="directory holding <owner>+<name> checkouts (default: ./corpus)")
    ap.add_argument("--clone-from", help="where to clone missing checkouts from: a mirrors directory or https://github.com")
    ap.add_argument("--corpus", type=Path, default=CORPUS,
                    help="the labelled corpus: a directory with repos.csv and <owner>+<name>.csv "
                         "(default: benchmarks/ownership_corpus; benchmarks/ownership_heldout is the held-out set)")
    ap.add_argument("--only", action="append", default=[], help="only this repository (owner/name); repeatable")
    ap.add_argument("--labels", type=Path, help="one labels CSV of your own (path,class,borderline,reason)")
    ap.add_argument("--repo", type=Path, help="with --labels: the checkout those paths are relative to")
    ap.add_argument("--errors", action="store_true", help="list every disagreement with the label's reason")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args(argv)

    jobs: list[tuple[str, Path, list[dict[str, str]]]] = []
    if args.labels:
        if not args.repo:
            ap.error("--labels needs --repo")
        jobs.append((args.repo.name, args.repo, read_labels(args.labels)))
    else:
        for row in read_labels(args.corpus / "repos.csv"):
            if args.only and row["repo"] not in args.only:
                continue
            where = checkout(row["repo"], row["commit"], args.checkouts, args.clone_from)
            jobs.append((row["repo"], where, read_labels(args.corpus / f"{row['repo'].replace('/', '+')}.csv")))

    every_pairs: list[tuple[str, str]] = []
    clear_pairs: list[tuple[str, str]] = []
    per_repo = []
    errors: list[str] = []
    timings = {}
    for name, root, labels in jobs:
        decisions, seconds = classify_labelled(root, labels)
        timings[name] = round(seconds, 2)
        pe, pc = [], []
        for row in labels:
            d = decisions[row["path"]]
            pred = d.cls.value
            pair = (row["class"], pred)
            pe.append(pair)
            if row.get("borderline", "0") != "1":
                pc.append(pair)
            if pred != row["class"]:
                mark = " (borderline)" if row.get("borderline") == "1" else ""
                errors.append(f"{name}: {row['path']}\n    label {row['class']}{mark}: {row['reason']}\n"
                              f"    ownwise {pred}: {d.rule}")
        every_pairs += pe
        clear_pairs += pc
        per_repo.append((name, figures(pc), figures(pe)))
    total = ("all repositories", figures(clear_pairs), figures(every_pairs))
    if args.json:
        print(json.dumps({"repositories": {n: {"clear": c, "all": a, "seconds": timings[n]} for n, c, a in per_repo},
                          "total": {"clear": total[1], "all": total[2]}}, indent=2))
        return 0
    if args.errors:
        print("\n".join(errors))
        print()
    print_table("Agreement with the labels (clear = not marked borderline)", per_repo + [total])
    print()
    print_confusion("Clear labels", total[1])
    print()
    print_confusion("All labels", total[2])
    print(f"\n{len(errors)} disagreements; scan time per repository (s): "
          + ", ".join(f"{n.split('/')[-1]} {t}" for n, t in timings.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
