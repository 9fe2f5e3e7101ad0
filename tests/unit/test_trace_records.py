"""Agent Trace records in git notes, written from the database (``ownwise trace backfill``), with real git.

Each record is validated against the JSON Schema of the specification's README; what ownwise knows of
the lines is stored as the server stores it (attribution snapshots with line hashes, prompts).
"""

from __future__ import annotations

from tests.trace_fixture import answer, git, make_repo, meta, ownwise, ranges, records, remember

ENGINE = ("def total(items):\n"  # 1 human
          "    acc = 0\n"  # 2 ai
          "    for x in items:\n"  # 3 ai
          "        acc += x\n"  # 4 mixed (AI, then typed into)
          "    return acc\n")  # 5 human



def test_backfill_writes_one_valid_record_with_the_ranges_and_what_the_author_explained(tmp_path, home):
    db = tmp_path / "o.db"
    repo = make_repo(tmp_path / "r", home)
    (repo / "src").mkdir()
    (repo / "src" / "engine.py").write_text(ENGINE)
    remember(db, repo / "src" / "engine.py", ENGINE, [(1, 2, "inlineCompletion", "github.copilot", "ev1", False),
                                                      (3, 3, "chatEdit", "copilot-chat", "ev2", True)])
    answer(db, ["ev1"], "answered")
    answer(db, ["ev2"], "cannotExplain")
    git(repo, "add", "-A", home=home)
    git(repo, "commit", "-qm", "total", home=home)
    out = ownwise("trace", "backfill", "HEAD~1..HEAD", home=home, db=db, cwd=repo).stdout
    assert "1 record written" in out
    [rec] = records(repo, home)
    head = git(repo, "rev-parse", "HEAD", home=home).strip()
    assert rec["vcs"] == {"type": "git", "revision": head}
    assert rec["tool"]["name"] == "ownwise" and rec["version"] == "0.1.0"
    assert ranges(rec, "src/engine.py") == [("human", 1, 1), ("ai", 2, 3), ("mixed", 4, 4), ("human", 5, 5)]
    assert all(r["content_hash"].startswith("sha256:") for f in rec["files"] for c in f["conversations"]
               for r in c["ranges"])
    m = meta(rec, "src/engine.py")
    assert m["class"] == "core"
    assert m["ranges"] == [
        {"start_line": 2, "end_line": 3, "type": "ai", "kind": "inline", "tool": "github.copilot",
         "explained": "explained", "events": ["ev1"]},
        {"start_line": 4, "end_line": 4, "type": "mixed", "kind": "chat", "tool": "copilot-chat",
         "explained": "cannot", "events": ["ev2"]}]
    # no code and no explanation text leave in the record
    note = git(repo, "notes", "--ref=agent-trace", "show", "HEAD", home=home)
    assert "acc += x" not in note and "for x in items" not in note and "…" not in note

    # a second run writes nothing twice
    assert "0 records written" in ownwise("trace", "backfill", "HEAD~1..HEAD", home=home, db=db, cwd=repo).stdout
    assert len(records(repo, home)) == 1


def test_lines_are_matched_by_content_not_by_the_file_as_it_is_now(tmp_path, home):
    """The user edited the file after committing (two lines on top): the commit's lines still match."""
    db = tmp_path / "o.db"
    repo = make_repo(tmp_path / "r", home)
    (repo / "src").mkdir()
    (repo / "src" / "engine.py").write_text(ENGINE)
    git(repo, "add", "-A", home=home)
    git(repo, "commit", "-qm", "total", home=home)
    later = "import os\nimport sys\n" + ENGINE + "print(total([1]))\n"
    (repo / "src" / "engine.py").write_text(later)
    remember(db, repo / "src" / "engine.py", later, [(3, 4, "agentEdit", "claude-code", "ev9", False)])
    ownwise("trace", "backfill", "HEAD~1..HEAD", home=home, db=db, cwd=repo)
    [rec] = records(repo, home)
    assert ranges(rec, "src/engine.py") == [("human", 1, 1), ("ai", 2, 3), ("human", 4, 5)]
    assert meta(rec, "src/engine.py")["ranges"][0]["kind"] == "agent"


def test_a_human_only_commit_gets_a_record_of_human_lines_and_an_unknown_file_unknown_ones(tmp_path, home):
    db = tmp_path / "o.db"
    repo = make_repo(tmp_path / "r", home)
    (repo / "src").mkdir()
    (repo / "src" / "mine.py").write_text("x = 1\ny = 2\n")
    (repo / "tools").mkdir()
    (repo / "tools" / "gen.py").write_text("print(1)\n")  # never seen by ownwise
    remember(db, repo / "src" / "mine.py", "x = 1\ny = 2\n")
    git(repo, "add", "-A", home=home)
    git(repo, "commit", "-qm", "mine", home=home)
    ownwise("trace", "backfill", "HEAD~1..HEAD", home=home, db=db, cwd=repo)
    [rec] = records(repo, home)
    assert ranges(rec, "src/mine.py") == [("human", 1, 2)]
    assert ranges(rec, "tools/gen.py") == [("unknown", 1, 1)]
    assert meta(rec, "tools/gen.py") == {"class": "transient"}


def test_trace_notes_off_writes_nothing(tmp_path, home):
    from ownwise.store import Store

    db = tmp_path / "o.db"
    repo = make_repo(tmp_path / "r", home)
    store, _ = Store.open(db)
    store.put("settings", {"trace": {"notes": False}})
    store.close()
    r = ownwise("trace", "backfill", home=home, db=db, cwd=repo, check=False)
    assert r.returncode == 1 and "turned off" in r.stderr
    assert git(repo, "for-each-ref", "refs/notes", home=home) == ""


def test_bad_input_gets_a_clear_error(tmp_path, home):
    db = tmp_path / "o.db"
    r = ownwise("trace", "stats", home=home, db=db, cwd=tmp_path, check=False)
    assert r.returncode == 2 and "not inside a git work tree" in r.stderr
    repo = make_repo(tmp_path / "r", home)
    r = ownwise("trace", "review", "main", home=home, db=db, cwd=repo, check=False)
    assert r.returncode == 2 and "A..B" in r.stderr
    r = ownwise("trace", "review", "nope..main", home=home, db=db, cwd=repo, check=False)
    assert r.returncode == 2 and "not a commit: nope" in r.stderr
    r = ownwise("trace", "sync", "nowhere", home=home, db=db, cwd=repo, check=False)
    assert r.returncode == 2 and "no such remote" in r.stderr
    # a note that is not JSON (someone else's) is read past, not an error
    git(repo, "notes", "--ref=agent-trace", "add", "-m", "not json", "HEAD", home=home)
    assert ownwise("blame", ".ownwise.toml", "--format", "json", home=home, db=db, cwd=repo).returncode == 0
