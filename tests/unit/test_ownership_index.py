"""The server's workspace evidence (:mod:`ownwise.ownership.index`): a first refresh reads every
source file's imports and the history; later refreshes read only what changed; a save moves
fan-in at once; the snapshot survives JSON (the store keeps it)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from ownwise.ownership.facts import file_facts
from ownwise.ownership.index import HISTORY_MAX_AGE, RepoIndex, Snapshot, refresh


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), "-c", "user.email=a@example.com", "-c", "user.name=A", *args],
                   check=True, capture_output=True)


def _repo(root: Path) -> Path:
    files = {
        "pkg/__init__.py": "",
        "pkg/engine.py": "def work(x):\n    return x\n",
        "pkg/a.py": "from .engine import work\n",
        "pkg/b.py": "from pkg.engine import work\n",
        "README.md": "# x\n",
    }
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "one")
    return root


def test_a_refresh_reads_only_what_changed_and_history_only_when_head_moved(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    first = refresh(root, now=1000.0)
    assert first.stats == {"files": 5, "read": 4, "reused": 0}  # README.md: not source code, not read
    assert first.commits["pkg/engine.py"] == 1 and first.head is not None
    index = RepoIndex(first)
    assert index.repo.fan_in("pkg/engine.py") == 2

    again = refresh(root, first, now=1001.0)
    assert again.stats == {"files": 5, "read": 0, "reused": 5}
    assert again.commits == first.commits and again.head == first.head

    (root / "pkg" / "c.py").write_text("from .engine import work\n")
    (root / "pkg" / "a.py").write_text("X = 1\n")
    os.utime(root / "pkg" / "a.py", ns=(1, 1))  # a new mtime even within the same second
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "two")
    third = refresh(root, again, now=1002.0)
    assert third.stats == {"files": 6, "read": 2, "reused": 4}
    assert third.head != first.head
    assert third.commits["pkg/a.py"] == 2 and third.commits["pkg/c.py"] == 1  # new commits added
    assert third.history_read_at == 1000.0  # read incrementally, not in full
    assert RepoIndex(third).repo.fan_in("pkg/engine.py") == 2  # b and c; a no longer imports it

    later = refresh(root, third, now=1000.0 + HISTORY_MAX_AGE + 1)
    assert later.history_read_at == 1000.0 + HISTORY_MAX_AGE + 1  # a week on: read in full again


def test_a_save_moves_fan_in_at_once(tmp_path: Path) -> None:
    index = RepoIndex(refresh(_repo(tmp_path)))
    changed = index.update_file("pkg/a.py", file_facts("pkg/a.py", "X = 1\n"))
    assert changed == {"pkg/engine.py"}
    assert index.repo.fan_in("pkg/engine.py") == 1
    assert index.update_file("pkg/a.py", file_facts("pkg/a.py", "X = 1\n")) == set()
    index.update_file("pkg/new.py", file_facts("pkg/new.py", "from . import engine\n"))
    assert index.repo.fan_in("pkg/engine.py") == 2


def test_the_snapshot_survives_json_and_refuses_what_it_did_not_write(tmp_path: Path) -> None:
    snap = refresh(_repo(tmp_path))
    back = Snapshot.from_json(json.loads(json.dumps(snap.to_json())))
    assert back is not None
    assert (back.files, back.head, back.commits, back.manifests) == (snap.files, snap.head, snap.commits,
                                                                      snap.manifests)
    assert Snapshot.from_json({"version": 99}) is None
    assert Snapshot.from_json({"version": 1, "root": "/x"}) is None
    assert Snapshot.from_json("nonsense") is None


def test_outside_git_there_is_no_history_and_nothing_fails(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("import os\n")
    snap = refresh(tmp_path)
    assert snap.head is None and snap.commits == {}
    index = RepoIndex(snap)
    ev = index.evidence("a.py", file_facts("a.py", "import os\n"))
    assert ev.history is None and ev.fan_in == 0
