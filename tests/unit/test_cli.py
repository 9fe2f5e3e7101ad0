"""The ownwise command line, run as a user runs it (a subprocess)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ownwise.store import EditRecord, Store
from tests.samples import branchy

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
        f.write_text(branchy(30))
    r = run(["classify", *map(str, files)], tmp_path / "o.db")
    assert r.returncode == 0, r.stderr
    out = r.stdout.splitlines()
    assert out[0] == f"{files[0]}\ttransient\t{ws}/.ownwise.toml:2 (glob 'src/legacy/**' -> transient)"
    assert out[1] == f"{files[1]}\tcore\tcore: 30 branch points"
    assert out[2] == f"{files[2]}\trepeatable\tbuilt-in default: tests (glob 'test_*.py' -> repeatable)"
    assert out[-1] == "3 files: 1 transient, 1 repeatable, 1 core"


def test_classify_reports_a_broken_config_and_uses_the_defaults(tmp_path):
    ws = tmp_path / "ws"
    (ws / "src").mkdir(parents=True)
    (ws / ".ownwise.toml").write_text('[[ownership.rules]]\nglob = "src/**"\nclass = "important"\n')
    (ws / "src" / "a.py").write_text(branchy(30))
    r = run(["classify", str(ws / "src" / "a.py")], tmp_path / "o.db")
    assert r.returncode == 0
    assert ".ownwise.toml:3" in r.stderr and "important" in r.stderr
    assert "\tcore\t" in r.stdout


def _git_tree(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    subprocess.run(["git", "-C", str(root), "add", "-A"], check=True)
    return root


def test_classify_a_directory_lists_its_git_files_literally_with_counts_and_formats(tmp_path):
    ws = _git_tree(tmp_path / "ws", {
        ".gitignore": "out/\n",
        "app/[slug]/page.tsx": "export default function Page() {\n  return (<div>hi</div>)\n}\n",
        "lib/engine.py": branchy(30),
        "README.md": "# x\n",
        "out/junk.py": branchy(30),
    })
    r = run(["classify", str(ws)], tmp_path / "o.db", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    shown = [line.split("\t")[0] for line in r.stdout.splitlines() if "\t" in line]
    assert shown == [f"{ws}/.gitignore", f"{ws}/README.md", f"{ws}/app/[slug]/page.tsx", f"{ws}/lib/engine.py"]
    assert r.stdout.splitlines()[-1] == "4 files: 3 transient, 0 repeatable, 1 core"
    j = run(["classify", "--format", "json", "ws"], tmp_path / "o.db", cwd=tmp_path)
    data = json.loads(j.stdout)
    engine = next(d for d in data if d["path"] == "ws/lib/engine.py")
    assert engine["class"] == "core" and engine["source"] == "evidence"
    assert {"name": "branches", "value": 30, "weight": engine["signals"][1]["weight"],
            "text": "30 branch points"} in engine["signals"]
    assert set(engine) >= {"path", "class", "rule", "source", "signals"}
    c = run(["classify", "--format", "csv", "ws/lib/engine.py"], tmp_path / "o.db", cwd=tmp_path)
    assert c.stdout.splitlines()[0] == "path,class,source,rule"
    assert c.stdout.splitlines()[1].startswith("ws/lib/engine.py,core,evidence,")
    e = run(["classify", "--explain", "ws/lib/engine.py"], tmp_path / "o.db", cwd=tmp_path)
    assert "score" in e.stdout and "branches" in e.stdout and "bias" in e.stdout


def test_classify_a_missing_path_exits_2_and_help_explains_the_arguments(tmp_path):
    (tmp_path / "a.py").write_text("x = 1\n")
    r = run(["classify", str(tmp_path / "a.py"), str(tmp_path / "nope.py")], tmp_path / "o.db")
    assert r.returncode == 2
    assert r.stderr == f"ownwise classify: no such file or directory: {tmp_path / 'nope.py'}\n"
    assert r.stdout == ""
    h = run(["classify", "--help"], tmp_path / "o.db")
    assert "git-tracked" in h.stdout and "--format" in h.stdout and "--explain" in h.stdout


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
    assert str(db) in r.stdout and "schema version: 11" in r.stdout
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


def test_an_old_unguarded_hook_is_reported_repaired_and_uninstalled_to_the_original_bytes(tmp_path):
    import base64
    import hashlib

    home, project, data = tmp_path / "home", tmp_path / "proj", tmp_path / "data"
    (home / ".claude").mkdir(parents=True)
    (project / ".git").mkdir(parents=True)
    settings = home / ".claude" / "settings.json"
    original = b'{\n    "model": "opus"\n}\n'
    # what an earlier ownwise left: its bare entry, pointing into a virtualenv since deleted, and
    # its backup of the user's bytes (the backup format has not changed)
    gone = tmp_path / "old-venv" / "bin" / "ownwise"
    group = {"matcher": "Write|Edit|MultiEdit|NotebookEdit",
             "hooks": [{"type": "command", "command": f"{gone} hook --agent claude-code"}]}
    old = json.dumps({"model": "opus", "hooks": {"PreToolUse": [group], "PostToolUse": [group]}}, indent=4) + "\n"
    settings.write_text(old)
    backups = data / "hooks-backup"
    backups.mkdir(parents=True)
    digest = hashlib.sha256(str(settings).encode()).hexdigest()[:16]
    (backups / f"claude-code-user-{digest}.json").write_text(json.dumps({
        "format": 1, "agent": "claude-code", "scope": "user", "path": str(settings), "existed": True,
        "mode": 0o644, "original": base64.b64encode(original).decode(), "created_dirs": [],
        "written_sha256": hashlib.sha256(old.encode()).hexdigest()}))
    env = dict(os.environ, HOME=str(home), OWNWISE_DB=str(data / "o.db"), PYTHONPATH=str(ROOT / "server"))

    def ownwise(*args):
        r = subprocess.run([sys.executable, "-m", "ownwise", *args], env=env, cwd=project,
                           capture_output=True, text=True, timeout=60)
        assert r.returncode == 0, r.stderr
        return r.stdout

    doctor = ownwise("doctor")
    assert f"claude-code (user): stale: {gone.parent / 'python'} is missing" in doctor
    assert "1 hook config has stale entries: run ownwise hooks repair." in doctor
    rows = {(r["agent"], r["scope"]): r for r in json.loads(ownwise("hooks", "status", "--json"))}
    row = rows["claude-code", "user"]
    assert row["stale"] and row["unguarded"] and row["missing"] == [str(gone.parent / "python")]
    assert [k for k, r in rows.items() if r["stale"]] == [("claude-code", "user")]

    assert ownwise("hooks", "repair").strip() == f"claude-code (user): repaired — {settings}"
    assert str(gone) not in settings.read_text()
    assert not any(r["stale"] for r in json.loads(ownwise("hooks", "status", "--json")))
    assert "Nothing to repair" in ownwise("hooks", "repair")
    assert "agent hooks: claude-code (user): yes" in ownwise("doctor")

    assert "restored" in ownwise("hooks", "uninstall", "--agent", "claude-code")
    assert settings.read_bytes() == original


def test_installing_codexs_hook_says_to_trust_it_in_codex(tmp_path):
    env = dict(os.environ, HOME=str(tmp_path), OWNWISE_DB=str(tmp_path / "d" / "o.db"),
               PYTHONPATH=str(ROOT / "server"))
    run = lambda *a: subprocess.run([sys.executable, "-m", "ownwise", "hooks", *a], env=env, cwd=tmp_path,  # noqa: E731
                                    capture_output=True, text=True, timeout=60)
    first = run("install", "--agent", "codex")
    assert first.returncode == 0 and "open /hooks in Codex and trust ownwise's entries" in first.stdout
    assert "trust" not in run("install", "--agent", "codex").stdout  # already installed: nothing new to trust
