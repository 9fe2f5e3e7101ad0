"""``ownwise hook``'s error log: written, never raised, and rotated at a size bound."""

from __future__ import annotations

import pytest

from ownwise.hooks import run


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("OWNWISE_DB", str(tmp_path / "data" / "ownwise.db"))
    return tmp_path / "data"


def test_errors_are_logged_and_the_hook_still_exits_0(data_dir):
    assert run.run(["--agent", "no-such-agent"], "{}") == 0
    assert "unknown agent 'no-such-agent'" in (data_dir / "hook-errors.log").read_text()


def test_the_log_rotates_past_its_bound_keeping_one_old_file(data_dir, monkeypatch):
    monkeypatch.setattr(run, "LOG_MAX_BYTES", 1000)
    log, old = data_dir / "hook-errors.log", data_dir / "hook-errors.log.1"
    run._log_error("first " + "x" * 600)
    run._log_error("second " + "x" * 600)  # the log is still under the bound when this is added
    assert not old.exists() and log.stat().st_size > 1000
    run._log_error("third")  # over the bound: moved aside, a new log begins
    assert "first" in old.read_text() and "second" in old.read_text()
    assert "third" in log.read_text() and "first" not in log.read_text()
    run._log_error("fourth " + "x" * 1000)
    run._log_error("fifth")  # the second rotation replaces the older file
    assert "fourth" in old.read_text() and "first" not in old.read_text()
    assert log.read_text().endswith("fifth\n")
    assert sorted(p.name for p in data_dir.iterdir()) == ["hook-errors.log", "hook-errors.log.1"]


def test_the_default_bound_keeps_the_log_near_1_mb():
    assert run.LOG_MAX_BYTES == 1024 * 1024


# ---------------------------------------------------------------- what reaches the database

import json  # noqa: E402
import sqlite3  # noqa: E402


def rows(data_dir):
    con = sqlite3.connect(data_dir / "ownwise.db")
    try:
        return con.execute("select agent, phase, path, session from agent_snapshots order by id").fetchall()
    finally:
        con.close()


@pytest.fixture
def shop(tmp_path):
    ws = tmp_path / "shop"
    (ws / "src").mkdir(parents=True)
    (ws / "src" / "cart.py").write_text("def total(items):\n    pass\n")
    return ws


def copilot_pre(ws, camel=True):
    """Copilot CLI's preToolUse payload, camelCase (its own hook files) or the VS Code compatible
    form it sends to PascalCase hooks such as a project's .claude/settings.json (github/docs
    content/copilot/reference/hooks-reference.md, "preToolUse / PreToolUse")."""
    args = {"path": str(ws / "src" / "cart.py"), "old_str": "    pass\n", "new_str": "    return 0\n"}
    if camel:
        return {"sessionId": "s-1", "timestamp": 1767225600000, "cwd": str(ws), "toolName": "edit",
                "toolArgs": json.dumps(args)}
    return {"hook_event_name": "PreToolUse", "session_id": "s-1", "timestamp": "2026-01-01T00:00:00.000Z",
            "cwd": str(ws), "tool_name": "Edit", "tool_input": args}


def copilot_post(ws, camel=True):
    p = copilot_pre(ws, camel)
    if camel:
        return {**p, "toolResult": {"resultType": "success", "textResultForLlm": "ok"}}
    return {**p, "hook_event_name": "PostToolUse", "tool_result": {"result_type": "success",
                                                                    "text_result_for_llm": "ok"}}


def test_stdin_is_bytes_decoded_as_utf8_whatever_the_locale(data_dir, shop):
    target = shop / "src" / "naïve ”q”.py"
    target.write_text("x = 1\n")
    p = copilot_pre(shop)
    p["toolArgs"] = json.dumps({"path": str(target), "new_str": "“x”"}, ensure_ascii=False)
    raw = json.dumps(p, ensure_ascii=False).encode()
    for n, stdin in enumerate((raw, b"\xef\xbb\xbf" + raw, b"\xef\xbb\xbf\xef\xbb\xbf\n" + raw,
                               raw.replace("“x”".encode(), b"\xff\xfe"))):
        target.write_text(f"x = {n}\n")
        assert run.run(["--agent", "copilot", "--phase", "pre"], stdin) == 0
    assert rows(data_dir) == [("copilot", "pre", str(target), "s-1")] * 4
    log = data_dir / "hook-errors.log"  # the first call creates the database: a slow hook, no error
    assert not log.exists() or "Error" not in log.read_text()


def test_an_edit_that_reaches_two_agents_hooks_is_credited_once_to_its_agent(data_dir, shop):
    # Copilot CLI runs its own hook file and the project's .claude/settings.json hooks
    # (hooks-reference.md, "Hooks locations"): ownwise's copilot and claude-code entries both fire
    run.run(["--agent", "copilot", "--phase", "pre"], json.dumps(copilot_pre(shop)).encode())
    run.run(["--agent", "claude-code"], json.dumps(copilot_pre(shop, camel=False)).encode())
    (shop / "src" / "cart.py").write_text("def total(items):\n    return 0\n")
    run.run(["--agent", "claude-code"], json.dumps(copilot_post(shop, camel=False)).encode())  # either order
    run.run(["--agent", "copilot", "--phase", "post"], json.dumps(copilot_post(shop)).encode())
    cart = str(shop / "src" / "cart.py")
    assert rows(data_dir) == [("copilot", "pre", cart, "s-1"), ("copilot", "post", cart, "s-1")]


def test_cursor_running_claude_codes_hooks_is_credited_to_cursor(data_dir, shop):
    # Cursor loads Claude Code's hooks and sends them its own payload (cursor.com/docs/reference/
    # third-party-hooks: PreToolUse is mapped to preToolUse, Edit to Write; DobermanCore/
    # Doberman-Core#576: cwd "", the workspace in workspace_roots, a BOM on Windows)
    cart = shop / "src" / "cart.py"
    p = {"conversation_id": "c-1", "generation_id": "g-1", "hook_event_name": "preToolUse",
         "cursor_version": "3.11.25", "workspace_roots": [str(shop)], "cwd": "", "tool_name": "Write",
         "tool_input": {"file_path": str(cart), "content": "def total(items):\n    return 0\n"}}
    raw = b"\xef\xbb\xbf" + json.dumps(p).encode()
    run.run(["--agent", "claude-code"], raw)  # ~/.claude/settings.json, run by Cursor
    assert rows(data_dir) == [("cursor", "pre", str(cart), "c-1")]
    run.run(["--agent", "cursor", "--phase", "pre"], raw)  # its own hooks.json entry: the same edit
    assert rows(data_dir) == [("cursor", "pre", str(cart), "c-1")]


def test_the_same_state_is_recorded_again_after_another_phase_or_later(data_dir, shop, monkeypatch):
    pre = json.dumps(copilot_pre(shop)).encode()
    run.run(["--agent", "copilot", "--phase", "pre"], pre)
    run.run(["--agent", "copilot", "--phase", "post"], json.dumps(copilot_post(shop)).encode())  # nothing changed
    run.run(["--agent", "copilot", "--phase", "pre"], pre)  # the next edit's before-state: not the same edit
    assert [r[1] for r in rows(data_dir)] == ["pre", "post", "pre"]
    monkeypatch.setattr(run, "SAME_EDIT_SECONDS", -1.0)  # as if the next call came later
    run.run(["--agent", "copilot", "--phase", "pre"], pre)
    assert [r[1] for r in rows(data_dir)] == ["pre", "post", "pre", "pre"]


def test_cursors_bare_patch_text_names_its_files(data_dir, shop, monkeypatch):
    # Cursor has sent ApplyPatch's preToolUse input as the patch text itself, not JSON
    # (deftai/directive#2713, #2738); the entry's --phase says which event it was
    monkeypatch.setenv("CURSOR_PROJECT_DIR", str(shop))
    patch = "*** Begin Patch\n*** Update File: src/cart.py\n@@\n-    pass\n+    return 0\n*** End Patch\n"
    assert run.run(["--agent", "cursor", "--phase", "pre"], patch.encode()) == 0
    assert rows(data_dir) == [("cursor", "pre", str(shop / "src" / "cart.py"), None)]
    assert run.run(["--agent", "claude-code"], patch.encode()) == 0  # no phase: not guessed
    assert len(rows(data_dir)) == 1
    assert "JSONDecodeError" in (data_dir / "hook-errors.log").read_text()


def test_main_reads_stdin_as_bytes_and_never_raises(monkeypatch, data_dir):
    class Broken:
        @property
        def buffer(self):
            raise OSError("stdin is gone")

    monkeypatch.setattr(run.sys, "stdin", Broken())
    assert run.main(["--agent", "copilot"]) == 0
    monkeypatch.setattr(run.sys, "stdin", None)
    assert run.main(["--agent", "copilot"]) == 0
