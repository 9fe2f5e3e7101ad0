"""History rewrites move the records to the new commits by content hash, with real git: amend, rebase
(reordered, with a conflict resolved by hand), cherry-pick, squash merge. What the new commits get comes
from the old records alone (each rewrite is backfilled with an empty database), and what cannot be
carried for sure is left unknown."""

from __future__ import annotations

from pathlib import Path

from tests.trace_fixture import git, make_repo, meta, ownwise, ranges, records, remember

AI_A = "def area(w, h):\n    return w * h * SCALE_FACTOR\n"
AI_B = "def perimeter(w, h):\n    return 2 * (w + h) + BORDER_WIDTH\n"
AI_D = "def discount(price, rate):\n    return round(price * (1 - rate), 2)\n"



def commit(repo: Path, home: Path, db: Path, rel: str, text: str, ai: list | None = None, msg: str = "c") -> str:
    (repo / rel).parent.mkdir(parents=True, exist_ok=True)
    (repo / rel).write_text(text)
    remember(db, repo / rel, text, ai or [])
    git(repo, "add", "-A", home=home)
    git(repo, "commit", "-qm", msg, home=home)
    return git(repo, "rev-parse", "HEAD", home=home).strip()


def head(repo: Path, home: Path, rev: str = "HEAD") -> str:
    return git(repo, "rev-parse", rev, home=home).strip()


def test_amend_carries_the_record_to_the_new_commit(tmp_path, home):
    db = tmp_path / "o.db"
    repo = make_repo(tmp_path / "r", home)
    commit(repo, home, db, "src/a.py", "x = 1\n" + AI_A, [(1, 2, "inlineCompletion", "copilot", "ev1", False)])
    ownwise("trace", "backfill", "HEAD~1..HEAD", home=home, db=db, cwd=repo)
    (repo / "README").write_text("readme\n")
    git(repo, "add", "README", home=home)
    git(repo, "commit", "-q", "--amend", "--no-edit", home=home)
    fresh = tmp_path / "fresh.db"
    ownwise("trace", "backfill", "HEAD~1..HEAD", home=home, db=fresh, cwd=repo)
    [rec] = records(repo, home)
    assert ranges(rec, "src/a.py") == [("human", 1, 1), ("ai", 2, 3)]
    assert meta(rec, "src/a.py")["ranges"][0]["tool"] == "copilot"
    assert ranges(rec, "README") == [("unknown", 1, 1)]  # new in the amend, and nothing known of it


def test_rebase_reordered_with_a_conflict_resolved_by_hand(tmp_path, home):
    db = tmp_path / "o.db"
    repo = make_repo(tmp_path / "r", home)
    base_a = "one = 1\ntwo = 2\nthree = 3\n"
    commit(repo, home, db, "src/a.py", base_a)
    commit(repo, home, db, "src/c.py", "value = 1\n")
    git(repo, "checkout", "-qb", "feat", home=home)
    commit(repo, home, db, "src/a.py", base_a + AI_A, [(3, 4, "inlineCompletion", "copilot", "evA", False)], "A")
    commit(repo, home, db, "src/b.py", AI_B, [(0, 1, "chatEdit", "copilot-chat", "evB", False)], "B")
    commit(repo, home, db, "src/c.py", "value = 2\n", [], "C")
    ownwise("trace", "backfill", "main..feat", home=home, db=db, cwd=repo)
    git(repo, "checkout", "-q", "main", home=home)
    (repo / "src" / "a.py").write_text("zero = 0\nhalf = 0.5\n" + base_a)
    (repo / "src" / "c.py").write_text("value = 3\n")
    git(repo, "commit", "-qam", "main moves", home=home)
    git(repo, "checkout", "-q", "feat", home=home)
    # B before A, then C, whose change conflicts with main's
    swap = "sed -i -e '1{h;d}' -e '2{G}'"
    r = git(repo, "-c", f"sequence.editor={swap}", "rebase", "-i", "main", home=home, check=False)
    assert "CONFLICT" in r or "conflict" in git(repo, "status", home=home)
    (repo / "src" / "c.py").write_text("value = 23\n")  # resolved by hand
    git(repo, "add", "src/c.py", home=home)
    git(repo, "-c", "core.editor=true", "rebase", "--continue", home=home)
    subjects = git(repo, "log", "--format=%s", "main..feat", home=home).split()
    assert subjects == ["C", "A", "B"]

    fresh = tmp_path / "fresh.db"
    out = ownwise("trace", "backfill", "main..feat", home=home, db=fresh, cwd=repo).stdout
    assert "3 records written" in out, out
    [b] = records(repo, home, "feat~2")
    [a] = records(repo, home, "feat~1")
    [c] = records(repo, home, "feat")
    assert ranges(b, "src/b.py") == [("ai", 1, 2)]
    assert meta(b, "src/b.py")["ranges"][0]["kind"] == "chat"
    assert ranges(a, "src/a.py") == [("ai", 6, 7)]  # two lines further down, as main moved them
    assert ranges(c, "src/c.py") == [("unknown", 1, 1)]  # written by hand in the conflict: no evidence


def test_cherry_pick_finds_the_picked_commits_record(tmp_path, home):
    db = tmp_path / "o.db"
    repo = make_repo(tmp_path / "r", home)
    commit(repo, home, db, "src/base.py", "base = True\n")
    git(repo, "checkout", "-qb", "feat", home=home)
    d = commit(repo, home, db, "src/d.py", "import math\n" + AI_D,
               [(1, 2, "agentEdit", "claude-code", "evD", False)], "D")
    ownwise("trace", "backfill", "main..feat", home=home, db=db, cwd=repo)
    git(repo, "checkout", "-q", "main", home=home)
    # main moved on meanwhile: picked onto its old tip within the same second, d would come out identical
    git(repo, "commit", "-q", "--allow-empty", "-m", "meanwhile on main", home=home)
    git(repo, "cherry-pick", d, home=home)
    fresh = tmp_path / "fresh.db"
    ownwise("trace", "backfill", "HEAD~1..HEAD", home=home, db=fresh, cwd=repo)
    [rec] = records(repo, home)
    assert rec["vcs"]["revision"] == head(repo, home) != d
    assert ranges(rec, "src/d.py") == [("unknown", 1, 1), ("ai", 2, 3)]
    assert meta(rec, "src/d.py")["ranges"][0]["tool"] == "claude-code"


def test_squash_merge_carries_each_range_once_and_skips_what_is_ambiguous(tmp_path, home):
    db = tmp_path / "o.db"
    repo = make_repo(tmp_path / "r", home)
    commit(repo, home, db, "src/base.py", "base = True\n")
    git(repo, "checkout", "-qb", "feat", home=home)
    commit(repo, home, db, "src/e.py", AI_D, [(0, 1, "inlineCompletion", "copilot", "evE", False)], "E1")
    commit(repo, home, db, "src/e.py", AI_D + "SALES_TAX_RATE = 0.2\n",
           [(0, 1, "inlineCompletion", "copilot", "evE", False)], "E2")
    commit(repo, home, db, "src/g.py", AI_B, [(0, 1, "chatEdit", "chat", "evG", False)], "G")
    # the same text again, by hand, in the same file: which copy G's range was is no longer sure
    commit(repo, home, db, "src/g.py", AI_B + AI_B, [(0, 1, "chatEdit", "chat", "evG", False)], "H")
    ownwise("trace", "backfill", "main..feat", home=home, db=db, cwd=repo)
    git(repo, "checkout", "-q", "main", home=home)
    git(repo, "merge", "--squash", "feat", home=home)
    git(repo, "commit", "-q", "--no-edit", home=home)
    assert "Squashed commit of the following" in git(repo, "log", "-1", "--format=%B", home=home)
    fresh = tmp_path / "fresh.db"
    ownwise("trace", "backfill", "HEAD~1..HEAD", home=home, db=fresh, cwd=repo)
    [rec] = records(repo, home)
    assert ranges(rec, "src/e.py") == [("ai", 1, 2), ("human", 3, 3)]
    assert ranges(rec, "src/g.py") == [("unknown", 1, 4)]
