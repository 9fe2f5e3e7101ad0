"""Reading the records back and sharing them, with real git: blame, stats, the review guide, git-ai's
notes, two clones syncing through a bare remote at the same time, the team's weeks from the notes."""

from __future__ import annotations

import json
import threading
from pathlib import Path

from tests.trace_fixture import answer, git, make_repo, ownwise, records, remember

CORE_AI = "def charge(card, amount):\n    token = vault.tokenize(card)\n    return gateway.capture(token, amount)\n"
CORE_MORE = "def refund(charge_id):\n    return gateway.refund(charge_id, reason='requested')\n"
TOOL_AI = "for name in sorted(files):\n    print(name)\n"



def add(repo: Path, home: Path, db: Path, rel: str, text: str, ai=(), msg: str = "c") -> None:
    (repo / rel).parent.mkdir(parents=True, exist_ok=True)
    (repo / rel).write_text(text)
    remember(db, repo / rel, text, list(ai))
    git(repo, "add", "-A", home=home)
    git(repo, "commit", "-qm", msg, home=home)


def pr(tmp_path: Path, home: Path) -> tuple[Path, Path]:
    """main, then a branch with AI code: explained, not explained, can't explain; core and transient."""
    db = tmp_path / "o.db"
    repo = make_repo(tmp_path / "r", home)
    git(repo, "checkout", "-qb", "feature", home=home)
    add(repo, home, db, "tools/list.py", TOOL_AI, [(0, 1, "inlineCompletion", "copilot", "t1", False)])
    add(repo, home, db, "src/pay.py", "import vault\n" + CORE_AI,
        [(1, 1, "inlineCompletion", "copilot", "p1", False), (2, 3, "chatEdit", "copilot-chat", "p2", False)])
    add(repo, home, db, "src/pay.py", "import vault\n" + CORE_AI + "\n" + CORE_MORE,
        [(1, 1, "inlineCompletion", "copilot", "p1", False), (2, 3, "chatEdit", "copilot-chat", "p2", False),
         (5, 6, "agentEdit", "claude-code", "p3", False)])
    answer(db, ["p1"], "answered")
    answer(db, ["p3"], "cannotExplain")
    ownwise("trace", "backfill", "main..feature", home=home, db=db, cwd=repo)
    return repo, db


def test_review_lists_exactly_the_unexplained_ai_lines_core_first(tmp_path, home):
    repo, db = pr(tmp_path, home)
    md = ownwise("trace", "review", "main..feature", home=home, db=db, cwd=repo).stdout
    rows = [ln for ln in md.splitlines() if ln.startswith("| `")]
    assert rows == [
        "| `src/pay.py:3-4` | 2 | chat | copilot-chat | not explained |",
        "| `src/pay.py:6-7` | 2 | agent | claude-code | can't explain yet |",
        "| `tools/list.py:1-2` | 2 | inline | copilot | not explained |",
    ]
    assert md.index("**core**") < md.index("**transient**")
    assert "6 of 7 AI lines in 2 files are not explained yet" in md
    for code in ("tokenize", "gateway", "print(name)"):
        assert code not in md  # no code in the guide


def test_blame_and_stats_read_the_records(tmp_path, home):
    repo, db = pr(tmp_path, home)
    lines = json.loads(ownwise("blame", "src/pay.py", "--format", "json", home=home, db=db, cwd=repo).stdout)
    assert [(x["line"], x["type"], x["kind"], x["explained"]) for x in lines] == [
        (1, "human", None, None), (2, "ai", "inline", "explained"), (3, "ai", "chat", "pending"),
        (4, "ai", "chat", "pending"), (5, "human", None, None), (6, "ai", "agent", "cannot"),
        (7, "ai", "agent", "cannot")]
    assert {x["class"] for x in lines} == {"core"} and all(len(x["commit"]) == 40 for x in lines)
    text = ownwise("blame", "src/pay.py", home=home, db=db, cwd=repo).stdout
    assert "ai agent claude-code [can't explain yet]" in text and "| import vault" in text

    s = json.loads(ownwise("trace", "stats", "main..feature", "--json", home=home, db=db, cwd=repo).stdout)
    assert s["commits"] == 3 and s["commitsWithRecords"] == 3
    assert s["lines"]["ai"] == 7 and s["lines"]["explained"] == 1
    assert s["byClass"]["core"]["ai"] == 5 and s["byClass"]["transient"]["ai"] == 2
    assert s["byTool"] == {"copilot": 3, "copilot-chat": 2, "claude-code": 2}
    assert "byAuthor" not in s
    s = json.loads(ownwise("trace", "stats", "main..feature", "--json", "--by-author", home=home, db=db,
                           cwd=repo).stdout)
    assert list(s["byAuthor"]) == ["others (no per-author consent)"]  # the setting is off by default


def test_git_ai_notes_are_read_for_lines_ownwise_never_saw_and_never_written(tmp_path, home):
    db = tmp_path / "o.db"
    repo = make_repo(tmp_path / "r", home)
    (repo / "lib.rs").write_text("fn a() {}\nfn b() {}\nfn c() {}\n")
    git(repo, "add", "-A", home=home)
    git(repo, "commit", "-qm", "rust", home=home)
    note = ('lib.rs\n  s_c9883b05a2487d::t_9f8e7d6c5b4a32 1-2\n  h_31dce776f88375 3\n---\n'
            '{"schema_version": "authorship/3.0.0", "base_commit_sha": "x", "prompts": {}, '
            '"sessions": {"s_c9883b05a2487d": {"agent_id": {"tool": "cursor", "id": "1", "model": "m"}}},'
            '"humans": {"h_31dce776f88375": {"author": "A <a@x>"}}}\n')
    git(repo, "notes", "--ref=ai", "add", "-m", note, "HEAD", home=home)
    before = git(repo, "rev-parse", "refs/notes/ai", home=home)
    lines = json.loads(ownwise("blame", "lib.rs", "--format", "json", home=home, db=db, cwd=repo).stdout)
    assert [(x["type"], x["tool"], x["source"]) for x in lines] == [
        ("ai", "cursor", "git-ai"), ("ai", "cursor", "git-ai"), ("human", None, "git-ai")]
    ownwise("trace", "backfill", home=home, db=db, cwd=repo)
    assert git(repo, "rev-parse", "refs/notes/ai", home=home) == before


def test_two_clones_sync_at_once_through_a_bare_remote_nothing_lost_or_twice_never_forced(tmp_path, home):
    bare = tmp_path / "team.git"
    git(tmp_path, "init", "-q", "--bare", str(bare), home=home)
    git(bare, "config", "receive.denyNonFastForwards", "true", home=home)
    git(bare, "config", "core.logAllRefUpdates", "always", home=home)
    seed = make_repo(tmp_path / "seed", home)
    git(seed, "push", "-q", str(bare), "main", home=home)
    clones = []
    for who in ("ada", "bob"):
        c = tmp_path / who
        git(tmp_path, "clone", "-q", str(bare), str(c), home=home)
        git(c, "config", "user.email", f"{who}@example.com", home=home)
        git(c, "config", "user.name", who, home=home)
        db = tmp_path / f"{who}.db"
        for i in range(3):
            add(c, home, db, f"src/{who}{i}.py", f"def {who}_{i}():\n    return compute_{who}({i})\n",
                [(0, 1, "inlineCompletion", "copilot", f"{who}{i}", False)])
        git(c, "push", "-q", "origin", "HEAD:refs/heads/" + who, home=home)
        ownwise("trace", "backfill", "origin/main..HEAD", home=home, db=db, cwd=c)
        clones.append((c, db))

    # sharing is off until the user says so: nothing is pushed
    out = ownwise("trace", "sync", home=home, db=clones[0][1], cwd=clones[0][0]).stdout
    assert "Not pushed: sharing is off" in out
    assert git(bare, "for-each-ref", "refs/notes", home=home) == ""

    results: list = []

    def run(c: Path, db: Path) -> None:
        results.append(ownwise("trace", "sync", "--share", home=home, db=db, cwd=c, check=False))

    for _round in range(2):
        threads = [threading.Thread(target=run, args=cd) for cd in clones]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert all(r.returncode == 0 for r in results), [r.stderr for r in results]
    assert "What sharing sends" in results[0].stdout + results[1].stdout
    for c, db in clones:  # a last pull of what the other pushed
        ownwise("trace", "sync", home=home, db=db, cwd=c)

    ours = {}
    for c, _db in clones:
        git(c, "fetch", "-q", "origin", home=home)
        for who in ("ada", "bob"):
            for rev in git(c, "rev-list", f"origin/main..origin/{who}", home=home).split():
                recs = records(c, home, rev)
                assert len(recs) == 1, (c.name, rev, recs)  # there, and once
                ours.setdefault(rev, recs[0]["id"])
                assert recs[0]["id"] == ours[rev]  # the same record in both clones
    assert len(ours) == 6
    # every update of the remote's notes kept the one before it: no force
    log = git(bare, "reflog", "show", "--format=%H", "refs/notes/agent-trace", home=home).split()
    for newer, older in zip(log, log[1:]):
        git(bare, "merge-base", "--is-ancestor", older, newer, home=home)


def test_team_report_from_the_notes_with_per_author_figures_only_by_consent(tmp_path, home):
    from ownwise.store import Store

    repo, db = pr(tmp_path, home)
    t = json.loads(ownwise("team-report", "--git", "main..feature", "--format", "json", home=home, db=db,
                           cwd=repo).stdout)
    week = [w for w in t["weeks"] if w["all"]["ai"]][-1]
    assert week["all"]["ai"] == 7 and week["all"]["human"] == 2
    assert week["byClass"]["core"]["explainedShare"] == round(1 / 5, 3)
    assert t["members"] == []  # nobody agreed to per-author figures
    store, _ = Store.open(db)
    store.put("settings", {"trace": {"authorStats": True}})
    store.close()
    ownwise("trace", "backfill", "main..feature", "--force", home=home, db=db, cwd=repo)
    t = json.loads(ownwise("team-report", "--git", "main..feature", "--format", "json", home=home, db=db,
                           cwd=repo).stdout)
    assert [m["author"] for m in t["members"]] == ["ada@example.com"]
    text = ownwise("team-report", "--git", "main..feature", home=home, db=db, cwd=repo).stdout
    assert "ada@example.com" in text and "Per author" in text
