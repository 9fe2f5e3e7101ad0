"""``ownwise git install-hook`` joins the hooks a repository already runs (husky, the pre-commit
framework) without replacing them, with real git and the real pre-commit; a commit never fails or
waits because of ownwise."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from tests.trace_fixture import ROOT, env, git, make_repo, ownwise, records, remember

HUSKY_H = """#!/usr/bin/env sh
[ "$HUSKY" = "2" ] && set -x
n=$(basename "$0")
s=$(dirname "$(dirname "$0")")/$n
[ ! -f "$s" ] && exit 0
sh -e "$s" "$@"
c=$?
[ $c != 0 ] && echo "husky - $n script failed (code $c)"
exit $c
"""



def husky(repo: Path, home: Path) -> None:
    """husky 9's layout: core.hooksPath is .husky/_, whose scripts run the user's .husky/<hook>."""
    (repo / ".husky" / "_").mkdir(parents=True)
    (repo / ".husky" / "_" / "h").write_text(HUSKY_H)
    (repo / ".husky" / "_" / "pre-commit").write_text('#!/usr/bin/env sh\n. "$(dirname "$0")/h"\n')
    (repo / ".husky" / "pre-commit").write_text("echo husky >> .git/husky-ran\n")
    for f in (repo / ".husky" / "_").iterdir():
        f.chmod(0o755)
    git(repo, "config", "core.hooksPath", ".husky/_", home=home)


def wait_for_record(repo: Path, home: Path, rev: str = "HEAD", timeout: float = 30) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        recs = records(repo, home, rev)
        if recs:
            return recs[0]
        time.sleep(0.2)
    raise AssertionError(f"no record for {rev} within {timeout} s")


def commit(repo: Path, home: Path, db: Path, rel: str, text: str) -> float:
    (repo / rel).parent.mkdir(parents=True, exist_ok=True)
    (repo / rel).write_text(text)
    remember(db, repo / rel, text, [(0, 0, "inlineCompletion", "copilot", "e-" + rel, False)])
    git(repo, "add", "-A", home=home)
    t0 = time.monotonic()
    p = subprocess.run(["git", "-C", str(repo), "commit", "-qm", rel], capture_output=True, text=True,
                       env=env(home, db), timeout=60)
    took = time.monotonic() - t0
    assert p.returncode == 0, p.stderr
    return took


def test_husky_hooks_still_run_and_the_record_is_written_in_the_background(tmp_path, home):
    db = tmp_path / "o.db"
    repo = make_repo(tmp_path / "r", home)
    husky(repo, home)
    out = ownwise("git", "install-hook", home=home, db=db, cwd=repo).stdout
    assert "(husky)" in out
    assert (repo / ".husky" / "post-commit").read_text().startswith("#!/bin/sh\n# >>> ownwise")
    assert (repo / ".husky" / "_" / "post-commit").exists()  # the wrapper git runs
    pre = (repo / ".husky" / "pre-commit").read_text()
    commit(repo, home, db, "src/a.py", "print('hello from the AI')\n")
    assert (repo / ".git" / "husky-ran").read_text() == "husky\n"  # husky's own hook ran
    rec = wait_for_record(repo, home)
    f = next(f for f in rec["files"] if f["path"] == "src/a.py")
    assert f["conversations"][0]["contributor"]["type"] == "ai"
    assert (repo / ".husky" / "pre-commit").read_text() == pre

    # an amend: post-rewrite hands over old -> new, and the rest of that hook still gets its stdin
    (repo / ".husky" / "post-rewrite").write_text("cat > .git/rewrite-seen\n")
    ownwise("git", "install-hook", home=home, db=db, cwd=repo)
    git(repo, "commit", "-q", "--amend", "-m", "amended", home=home)
    assert len((repo / ".git" / "rewrite-seen").read_text().split()) >= 2  # "old new"
    rec = wait_for_record(repo, home)
    assert rec["vcs"]["revision"] == git(repo, "rev-parse", "HEAD", home=home).strip()

    ownwise("git", "uninstall-hook", home=home, db=db, cwd=repo)
    assert not (repo / ".husky" / "post-commit").exists()
    assert (repo / ".husky" / "post-rewrite").read_text() == "cat > .git/rewrite-seen\n"


def test_pre_commit_framework_hooks_still_run(tmp_path, home):
    db = tmp_path / "o.db"
    repo = make_repo(tmp_path / "r", home)
    (repo / ".pre-commit-config.yaml").write_text(
        "repos:\n- repo: local\n  hooks:\n  - id: mark\n    name: mark\n"
        "    entry: sh -c 'echo ran >> .git/pre-commit-ran'\n    language: system\n    pass_filenames: false\n"
        "    always_run: true\n    stages: [pre-commit, post-commit]\n")
    pc = str(Path(sys.executable).parent / "pre-commit")
    p = subprocess.run([pc, "install", "-t", "pre-commit", "-t", "post-commit"], cwd=repo, capture_output=True,
                       text=True, env=env(home, db), timeout=120)
    assert p.returncode == 0, p.stdout + p.stderr
    generated = (repo / ".git" / "hooks" / "post-commit").read_text()
    out = ownwise("git", "install-hook", home=home, db=db, cwd=repo).stdout
    assert "post-commit.legacy (run first by pre-commit's hook)" in out
    assert (repo / ".git" / "hooks" / "post-commit").read_text() == generated  # pre-commit's file untouched
    commit(repo, home, db, "src/b.py", "print('from the AI too')\n")
    assert (repo / ".git" / "pre-commit-ran").read_text() == "ran\nran\n"  # its pre-commit and post-commit stages
    wait_for_record(repo, home)


def test_a_failing_or_slow_ownwise_never_fails_or_holds_up_the_commit(tmp_path, home):
    from ownwise.hooks.command import Launcher
    from ownwise.trace.git import Repo
    from ownwise.trace.hook import install

    db = tmp_path / "o.db"
    repo = make_repo(tmp_path / "r", home)
    husky(repo, home)
    bin_dir = tmp_path / "broken" / "bin"
    bin_dir.mkdir(parents=True)
    os.symlink(sys.executable, bin_dir / "python")
    fake = bin_dir / "ownwise"
    fake.write_text("#!/bin/sh\necho boom >&2\nsleep 10\nexit 1\n")
    fake.chmod(0o755)
    found = Repo.discover(repo)
    assert found is not None
    install(found, Launcher(str(fake), False))
    took = commit(repo, home, db, "src/c.py", "x = 1\n")
    assert took < 5, f"the commit waited {took:.1f} s"
    assert (repo / ".git" / "husky-ran").exists()
    # and an ownwise that is gone: the guard runs nothing, the commit goes on
    fake.unlink()
    commit(repo, home, db, "src/d.py", "y = 2\n")
    assert git(repo, "log", "--format=%s", "-2", home=home).split() == ["src/d.py", "src/c.py"]


def test_the_hook_script_is_plain_sh(tmp_path):
    from ownwise.hooks.command import Launcher
    from ownwise.trace.hook import block

    for hook in ("post-commit", "post-rewrite"):
        script = tmp_path / hook
        script.write_text("#!/bin/sh\n" + block(Launcher(str(ROOT / ".venv" / "bin" / "ownwise"), False), hook))
        assert subprocess.run(["sh", "-n", str(script)], capture_output=True).returncode == 0
