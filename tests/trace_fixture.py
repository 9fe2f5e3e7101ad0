"""Real git in temporary repositories for the Agent Trace tests (no mocks of git), and what the
server would have stored about the lines, written through the store."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema

from ownwise.hashing import line_hashes, text_hash
from ownwise.store import Prompt, Snapshot, Store
from ownwise.store.models import SnapshotRange

ROOT = Path(__file__).resolve().parents[1]
#: the JSON Schema of cursor/agent-trace's README (spec 0.1.0), verbatim
SCHEMA = json.loads((Path(__file__).parent / "agent_trace_schema.json").read_text())
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
CORE_RULES = '[[ownership.rules]]\nglob = "src/**"\nclass = "core"\n\n[[ownership.rules]]\nglob = "tools/**"\n' \
             'class = "transient"\n'


def env(home: Path, db: Path | None = None) -> dict[str, str]:
    """An environment whose git has no global or system configuration but the test's own empty one."""
    e = dict(os.environ, HOME=str(home), GIT_CONFIG_GLOBAL=str(home / ".gitconfig"), GIT_CONFIG_NOSYSTEM="1",
             PYTHONPATH=str(ROOT / "server"), PRE_COMMIT_HOME=str(home / ".pre-commit"))
    for k in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        e.pop(k, None)
    if db is not None:
        e["OWNWISE_DB"] = str(db)
    return e


def git(repo: Path, *args: str, home: Path, check: bool = True, input: str | None = None) -> str:
    p = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, env=env(home),
                       input=input, timeout=60)
    if check and p.returncode != 0:
        raise AssertionError(f"git {' '.join(args)}: {p.stderr}")
    return p.stdout


def make_repo(path: Path, home: Path, *, email: str = "ada@example.com", rules: str = CORE_RULES) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    home.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", "main", home=home)
    git(path, "config", "user.email", email, home=home)
    git(path, "config", "user.name", email.split("@")[0].title(), home=home)
    (path / ".ownwise.toml").write_text(rules)
    git(path, "add", ".ownwise.toml", home=home)
    git(path, "commit", "-qm", "rules", home=home)
    return path


def ownwise(*args: str, home: Path, db: Path, cwd: Path, check: bool = True,
            input: str | None = None) -> subprocess.CompletedProcess[str]:
    p = subprocess.run([sys.executable, "-m", "ownwise", *args], capture_output=True, text=True, cwd=cwd,
                       env=env(home, db), input=input, timeout=180)
    if check and p.returncode != 0:
        raise AssertionError(f"ownwise {' '.join(args)}: {p.returncode}\n{p.stdout}\n{p.stderr}")
    return p


def remember(db: Path, path: Path, text: str, ai: list[tuple[int, int, str, str | None, str, bool]] = ()) -> None:
    """What the server stores for an open document: its AI ranges (0-based: start, end, kind, source, event,
    human_modified) and the hashes of the text's lines."""
    store, _ = Store.open(db)
    try:
        store.save_snapshots([Snapshot(
            uri=path.as_uri(), text_hash=text_hash(text), updated_at="2026-12-01T10:00:00.000+00:00",
            line_hashes=line_hashes(text),
            ranges=[SnapshotRange(start_line=s, end_line=e, kind=k, source=src, event=ev, human_modified=hm)
                    for s, e, k, src, ev, hm in ai])])
    finally:
        store.close()


def answer(db: Path, events: list[str], status: str, path: str = "src/x.py") -> None:
    """A prompt about these AI events with this status (answered, cannotExplain, pending)."""
    import uuid

    store, _ = Store.open(db)
    try:
        store.add_prompts([Prompt(id=uuid.uuid4().hex[:12], kind="explain", status=status, path=path,
                                  uri="file:///x", code="…", events=events, created_at="2026-12-01T10:00:00.000+00:00",
                                  updated_at="2026-12-01T10:00:00.000+00:00")])
    finally:
        store.close()


def records(repo: Path, home: Path, rev: str = "HEAD") -> list[dict]:
    """The JSON records in ``rev``'s note (each one a line), each checked against the specification's schema."""
    p = subprocess.run(["git", "-C", str(repo), "notes", "--ref=agent-trace", "show", rev], capture_output=True,
                       text=True, env=env(home))
    if p.returncode != 0:
        return []
    out = []
    for line in p.stdout.splitlines():
        if line.strip():
            rec = json.loads(line)
            VALIDATOR.validate(rec)
            out.append(rec)
    return out


def ranges(record: dict, path: str) -> list[tuple[str, int, int]]:
    """``(type, start, end)`` of a file's ranges, in line order."""
    f = next(f for f in record["files"] if f["path"] == path)
    return sorted(((c["contributor"]["type"], r["start_line"], r["end_line"])
                   for c in f["conversations"] for r in c["ranges"]), key=lambda t: t[1])


def meta(record: dict, path: str) -> dict:
    return record["metadata"]["dev.ownwise"]["files"][path]
