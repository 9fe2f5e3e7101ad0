"""Fit the evidence score's weights on the labelled corpus, and check them on repositories left out.

The score (``server/ownwise/ownership/evidence.py``, ``Model``) decides core or not for the source
files that no rule and no decisive evidence settled. This script collects those files from the
corpus (``benchmarks/ownership_corpus``, checkouts as for ``ownership_eval.py``), fits a logistic
regression of "labelled core" on the score's features (L2-regularised, plain Python: no numpy),
and reports, for each repository, how the weights fitted **without** it do on it (leave one
repository out): the figure to expect on a repository nobody tuned on.

    .venv/bin/python benchmarks/ownership_fit.py --checkouts /work/corpus

It prints the weights, rounded, to copy into ``Model``; the checked-in weights are the rounded
ones, so the figures ``ownership_eval.py`` prints are those of the rounded model.
Borderline labels are left out of the fit (they are neighbouring classes by definition).
"""

from __future__ import annotations

import argparse
import math
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "server"))

from ownership_eval import CORPUS, checkout, read_labels  # noqa: E402

from ownwise.ownership import Classifier, load_workspace_rules  # noqa: E402
from ownwise.ownership.evidence import FEATURES, MODEL, features  # noqa: E402
from ownwise.ownership.scan import scan_workspace  # noqa: E402


def collect(checkouts: Path, clone_from: str | None, with_borderline: bool):
    """(repo, path, feature vector, is_core) for every labelled file that reached the score."""
    rows = []
    for repo in read_labels(CORPUS / "repos.csv"):
        root = checkout(repo["repo"], repo["commit"], checkouts, clone_from)
        classifier = Classifier()
        rules, _e, _f = load_workspace_rules(root)
        classifier.set_workspace_rules(root, rules)
        scan = scan_workspace(root)
        for lab in read_labels(CORPUS / f"{repo['repo'].replace('/', '+')}.csv"):
            if lab["borderline"] == "1" and not with_borderline:
                continue
            ev = scan.evidence(lab["path"])
            if ev is None:
                continue
            d = classifier.classify(root / lab["path"], evidence=ev)
            if d.score is None:
                continue
            f = features(ev.facts, ev.fan_in, ev.history)
            rows.append((repo["repo"], lab["path"], [f[k] for k in FEATURES], lab["class"] == "core"))
    return rows


def fit(rows, l2: float = 1.0, steps: int = 4000, rate: float = 0.05) -> tuple[float, list[float]]:
    """Logistic regression by gradient descent: (bias, weights)."""
    n = len(FEATURES)
    w = [0.0] * n
    b = 0.0
    m = len(rows)
    for _ in range(steps):
        gb = 0.0
        gw = [0.0] * n
        for _r, _p, x, y in rows:
            z = b + sum(wi * xi for wi, xi in zip(w, x))
            p = 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))
            err = p - (1.0 if y else 0.0)
            gb += err
            for i in range(n):
                gw[i] += err * x[i]
        b -= rate * gb / m
        for i in range(n):
            w[i] -= rate * (gw[i] / m + l2 * w[i] / m)
    return b, w


def predict(b: float, w: list[float], x: list[float], at: float = 0.0) -> bool:
    return b + sum(wi * xi for wi, xi in zip(w, x)) >= at


def counts(pairs):
    tp = sum(1 for y, p in pairs if y and p)
    fp = sum(1 for y, p in pairs if not y and p)
    fn = sum(1 for y, p in pairs if y and not p)
    return tp, fp, fn


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--checkouts", type=Path, default=Path("corpus"))
    ap.add_argument("--clone-from")
    ap.add_argument("--l2", type=float, default=1.0)
    ap.add_argument("--with-borderline", action="store_true", help="fit on borderline labels too")
    args = ap.parse_args(argv)
    rows = collect(args.checkouts, args.clone_from, args.with_borderline)
    print(f"{len(rows)} files reached the score ({sum(1 for r in rows if r[3])} labelled core)")
    repos = sorted({r[0] for r in rows})
    loro = []
    per = defaultdict(list)
    for held in repos:
        train = [r for r in rows if r[0] != held]
        b, w = fit(train, args.l2)
        for r in rows:
            if r[0] == held:
                pair = (r[3], predict(b, w, r[2]))
                loro.append(pair)
                per[held].append(pair)
    print("\nleft out: core found / labelled core, wrongly called core")
    for repo in repos:
        tp, fp, fn = counts(per[repo])
        print(f"  {repo:<42} {tp}/{tp + fn}  false core {fp}")
    tp, fp, fn = counts(loro)
    print(f"  {'all (leave one repository out)':<42} precision {tp / max(1, tp + fp):.2f} recall {tp / max(1, tp + fn):.2f}")
    b, w = fit(rows, args.l2)
    tp, fp, fn = counts([(r[3], predict(b, w, r[2])) for r in rows])
    print(f"  {'all (fitted on everything)':<42} precision {tp / max(1, tp + fp):.2f} recall {tp / max(1, tp + fn):.2f}")
    print("\nweights (copy into Model, rounded):")
    print(f"    bias = {b:.1f}")
    for k, v in zip(FEATURES, w):
        print(f"    {k} = {v:.1f}    (now {getattr(MODEL, k)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
