"""The ownwise command line, run as a user runs it (a subprocess)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ownwise.store import EditRecord, Store

ROOT = Path(__file__).resolve().parents[2]


def run(args, db, cwd=None):
    env = dict(os.environ, OWNWISE_DB=str(db), PYTHONPATH=str(ROOT / "server"))
    return subprocess.run([sys.executable, "-m", "ownwise", *args], env=env, cwd=cwd,
                          capture_output=True, text=True, timeout=60)


def test_classify_prints_class_and_rule_with_file_and_line(tmp_path):
    ws = tmp_path / "ws"
    (ws / "src" / "legacy").mkdir(parents=True)
    (ws / "tests").mkdir()
    (ws / ".git").mkdir()
    (ws / ".ownwise.toml").write_text('# rules\n[[ownership.rules]]\nglob = "src/legacy/**"\nclass = "transient"\n')
    files = [ws / "src" / "legacy" / "old.py", ws / "src" / "engine.py", ws / "tests" / "test_x.py"]
    for f in files:
        f.write_text("x = 1\n")
    r = run(["classify", *map(str, files)], tmp_path / "o.db")
    assert r.returncode == 0, r.stderr
    out = r.stdout.splitlines()
    assert "transient" in out[0] and ".ownwise.toml:2" in out[0]
    assert "core" in out[1] and "built-in default" in out[1]
    assert "repeatable" in out[2] and "built-in default" in out[2]


def test_classify_reports_a_broken_config_and_uses_the_defaults(tmp_path):
    ws = tmp_path / "ws"
    (ws / "src").mkdir(parents=True)
    (ws / ".ownwise.toml").write_text('[[ownership.rules]]\nglob = "src/**"\nclass = "important"\n')
    (ws / "src" / "a.py").write_text("")
    r = run(["classify", str(ws / "src" / "a.py")], tmp_path / "o.db")
    assert r.returncode == 0
    assert ".ownwise.toml:3" in r.stderr and "important" in r.stderr
    assert "core" in r.stdout


def _edit(i, ts, **kw):
    base = dict(id=f"e{i}", ts=ts, path="src/a.py", uri="file:///ws/src/a.py", ownership_class="core",
                kind="inlineCompletion", source="copilot", ai=True, lines=3, chars=40,
                content_hash="h" * 64, snippet="x = 1\n")
    return EditRecord(**{**base, **kw})


def test_export_writes_the_documented_json_shape_and_filters_by_since(tmp_path):
    db = tmp_path / "o.db"
    store, _ = Store.open(db)
    store.add_edits([_edit(1, "2026-11-01T10:00:00.000+00:00"), _edit(2, "2026-11-20T10:00:00.000+00:00")])
    store.set_override("/ws/src/a.py", "repeatable")
    store.put("settings", {"storeSnippets": True})
    store.close()
    r = run(["export", "--format", "json"], db)
    data = json.loads(r.stdout)
    assert data["format"] == "ownwise-export" and data["version"] == 1
    assert [e["id"] for e in data["edits"]] == ["e1", "e2"]
    assert set(data["edits"][0]) == {"id", "ts", "session_id", "workspace", "path", "uri", "language_id",
                                     "ownership_class", "kind", "source", "ai", "lines", "chars",
                                     "content_hash", "snippet", "doc_version"}
    assert data["ownershipOverrides"] == [{"path": "/ws/src/a.py", "class": "repeatable"}]
    assert data["settings"] == {"storeSnippets": True} and data["sessions"] == []
    r = run(["export", "--format", "json", "--since", "2026-11-10"], db)
    assert [e["id"] for e in json.loads(r.stdout)["edits"]] == ["e2"]


def test_doctor_prints_path_size_schema_and_integrity(tmp_path):
    db = tmp_path / "data" / "o.db"
    Store.open(db)[0].close()
    r = run(["doctor"], db)
    assert r.returncode == 0, r.stdout + r.stderr
    assert str(db) in r.stdout and "schema version: 9" in r.stdout
    assert "integrity_check: ok" in r.stdout and "bytes" in r.stdout
    assert oct(db.stat().st_mode & 0o777) == "0o600"
    assert oct(db.parent.stat().st_mode & 0o777) == "0o700"


def test_doctor_on_a_corrupt_database_says_so_and_changes_nothing(tmp_path):
    db = tmp_path / "o.db"
    db.write_bytes(b"this is not sqlite" * 100)
    os.chmod(db, 0o600)
    before = db.read_bytes()
    r = run(["doctor"], db)
    assert r.returncode == 1 and "cannot" in r.stdout
    assert db.read_bytes() == before


@pytest.mark.parametrize("args", [["report"], ["export"], ["explain", "--list"], ["focus", "status"]])
def test_commands_on_a_corrupt_database_say_so_and_change_nothing(tmp_path, args):
    db = tmp_path / "o.db"
    db.write_bytes(b"this is not sqlite" * 100)
    os.chmod(db, 0o600)
    before = db.read_bytes()
    r = run(args, db)
    assert r.returncode == 1
    assert r.stderr.startswith(f"ownwise {args[0]}: The ownwise database ") and "cannot be used" in r.stderr
    assert db.read_bytes() == before


def _pending(db: Path, n: int = 2) -> list:
    from datetime import datetime, timezone

    from ownwise.prompts.blocks import Block
    from ownwise.prompts.service import PromptService

    store, _ = Store.open(db)
    code = "def backoff(retry_delay, attempts):\n    return retry_delay * 2 ** attempts\n\n"
    svc = PromptService(store, db.parent / "explanations", lambda: datetime.now(timezone.utc))
    blocks = [(Block(uri=f"file:///ws/src/m{i}.py", path=f"src/m{i}.py", ownership_class=cls,
                     start_line=0, end_line=2, code=code, events=frozenset({f"e{i}"}),
                     kinds=("chatEdit",), sources=()), "/ws", "python")
              for i, cls in enumerate(["core", "repeatable"][:n])]
    prompts = svc.create(7, blocks)
    store.close()
    return prompts


ANSWER = ("backoff doubles retry_delay for every attempt so that a failing service gets more "
          "and more time to recover before we call it again")


def test_explain_list_json_and_answer_by_id(tmp_path):
    db = tmp_path / "o.db"
    core, rep = _pending(db)
    r = run(["explain", "--list", "--json"], db)
    assert r.returncode == 0, r.stderr
    listed = json.loads(r.stdout)
    assert [(p["id"], p["kind"], p["path"]) for p in listed] == [
        (core.id, "explain", "src/m0.py"), (rep.id, "recall", "src/m1.py")]
    r = run(["explain", "--id", core.id, "--text", "it doubles", "--understanding", "3"], db)
    assert r.returncode == 1 and "2 words" in r.stdout
    r = run(["explain", "--id", core.id, "--text", ANSWER, "--understanding", "3"], db)
    assert r.returncode == 0 and "Saved" in r.stdout, r.stdout + r.stderr
    r = run(["explain", "--id", "nope", "--text", ANSWER], db)
    assert r.returncode == 2 and "nope" in r.stderr
    store, _ = Store.open(db)
    assert [(a.prompt_id, a.via, a.understanding) for a in store.answers()] == [(core.id, "cli", 3)]


def test_explain_interactive_in_the_terminal(tmp_path):
    db = tmp_path / "o.db"
    core, rep = _pending(db)
    env = dict(os.environ, OWNWISE_DB=str(db), PYTHONPATH=str(ROOT / "server"), COLUMNS="100")
    # core: a refused short answer, then a good one rated 4; repeatable: left for later
    stdin = f"too short\n.\n{ANSWER}\n.\n4\n\n"
    r = subprocess.run([sys.executable, "-m", "ownwise", "explain"], env=env, input=stdin,
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert "retry_delay * 2 ** attempts" in r.stdout  # the core code is shown
    assert "2 words" in r.stdout and "Saved" in r.stdout
    assert "1 answered, 1 still pending." in r.stdout
    store, _ = Store.open(db)
    assert [p.id for p in store.prompts(status="pending")] == [rep.id]
    assert [(a.prompt_id, a.understanding, a.via) for a in store.answers()] == [(core.id, 4, "cli")]


def test_hooks_install_then_uninstall_leaves_the_config_byte_identical(tmp_path):
    home, project = tmp_path / "home", tmp_path / "proj"
    (home / ".claude").mkdir(parents=True)
    (project / ".git").mkdir(parents=True)
    settings = home / ".claude" / "settings.json"
    original = (b'{\n  "model": "opus",\n'
                b'  "hooks": {"Stop": [{"hooks": [{"type": "command", "command": "say done"}]}]}\n}\n')
    settings.write_bytes(original)
    env = dict(os.environ, HOME=str(home), OWNWISE_DB=str(tmp_path / "data" / "o.db"),
               PYTHONPATH=str(ROOT / "server"))

    def hooks(*args):
        return subprocess.run([sys.executable, "-m", "ownwise", "hooks", *args, "--project", str(project)],
                              env=env, capture_output=True, text=True, timeout=60)

    r = hooks("install", "--agent", "claude-code")
    assert r.returncode == 0 and "installed" in r.stdout, r.stderr
    text = settings.read_text()
    assert "ownwise hook --agent claude-code" in text and "say done" in text
    assert hooks("install", "--agent", "claude-code").stdout.count("already installed") == 1
    status = json.loads(hooks("status", "--json").stdout)
    assert {(s["agent"], s["scope"]) for s in status if s["installed"]} == {("claude-code", "user")}
    assert hooks("uninstall", "--agent", "claude-code").returncode == 0
    assert settings.read_bytes() == original

    settings.write_text('{"hooks": [')  # broken: left alone, with a clear error
    before = settings.read_bytes()
    r = hooks("install", "--agent", "claude-code")
    assert r.returncode == 1 and "left as it is" in r.stderr and str(settings) in r.stderr
    assert settings.read_bytes() == before
