"""Agents writing files on disk: their hooks' snapshots turn into exact agentEdit lines."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from lsprotocol import types

from .conftest import ROOT, ownwise

BEFORE = "def total(items):\n    pass\n\n\ndef mean(xs):\n    return sum(xs) / len(xs)\n"
AFTER = ("def total(items):\n    acc = 0\n    for x in items:\n        acc += x\n    return acc\n\n\n"
         "def mean(xs):\n    return sum(xs) / len(xs)\n")
# lines 1-4 of AFTER are the agent's; the rest was there before
AGENT_LINES = (1, 4)


def hook(db: Path, agent: str, payload: dict, *extra: str) -> float:
    env = dict(os.environ, OWNWISE_DB=str(db), PYTHONPATH=str(ROOT / "server"))
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "ownwise", "hook", "--agent", agent, *extra],
                          input=json.dumps(payload), capture_output=True, text=True, env=env, timeout=30)
    assert proc.returncode == 0 and proc.stdout == "", proc.stderr
    return time.perf_counter() - start


def claude(event: str, path: Path, cwd: Path) -> dict:
    data = {"session_id": "s-1", "transcript_path": "/tmp/t.jsonl", "cwd": str(cwd), "hook_event_name": event,
            "tool_name": "Edit", "tool_input": {"file_path": str(path), "old_string": "    pass\n",
                                               "new_string": "    acc = 0\n"}}
    if event == "PostToolUse":
        data["tool_response"] = {"filePath": str(path), "success": True}
    return data


def agent_edit(db: Path, ws: Path, path: Path) -> None:
    """What Claude Code does: pre hook, the write, post hook."""
    hook(db, "claude-code", claude("PreToolUse", path, ws))
    path.write_text(AFTER)
    hook(db, "claude-code", claude("PostToolUse", path, ws))


def watched(s, *paths: Path, kind=types.FileChangeType.Changed) -> None:
    s.client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(
        changes=[types.FileEvent(uri=p.as_uri(), type=kind) for p in paths]))


async def test_closed_file_written_by_an_agent_gets_exactly_its_lines(workspace, db):
    target = workspace / "src" / "stats.py"
    target.write_text(BEFORE)
    async with ownwise(workspace, db) as s:
        agent_edit(db, workspace, target)
        watched(s, target)
        await s.file_info(target.as_uri())  # the notification was handled
        uri = s.open("src/stats.py", AFTER)
        info = await s.file_info(uri)
        assert [(r["startLine"], r["endLine"], r["kind"], r["source"]) for r in info["aiRanges"]] == [
            (*AGENT_LINES, "agentEdit", "claude-code")]


async def test_open_buffer_reloaded_from_disk_is_credited_to_the_agent(workspace, db):
    target = workspace / "src" / "stats.py"
    target.write_text(BEFORE)
    async with ownwise(workspace, db) as s:
        uri = s.open("src/stats.py", BEFORE)
        agent_edit(db, workspace, target)
        s.hint(uri, "externalReload")
        s.replace_all(uri, AFTER)
        info = await s.file_info(uri)
        assert [(r["startLine"], r["endLine"], r["kind"], r["source"]) for r in info["aiRanges"]] == [
            (*AGENT_LINES, "agentEdit", "claude-code")]
    con = __import__("sqlite3").connect(db)
    assert con.execute("select kind, source, lines from edits").fetchall() == [("agentEdit", "claude-code", 4)]


async def test_git_checkout_and_unhooked_writes_are_not_ai(workspace, db):
    target = workspace / "src" / "stats.py"
    target.write_text(BEFORE)
    git = workspace / ".git"
    git.mkdir()
    (git / "HEAD").write_text("ref: refs/heads/main\n")
    async with ownwise(workspace, db) as s:
        agent_edit(db, workspace, target)  # recorded by the hook ...
        watched(s, target, git / "HEAD")  # ... but arrives with a move of HEAD: a checkout
        other = workspace / "src" / "other.py"
        other.write_text(AFTER)  # written by something without hooks
        watched(s, other, kind=types.FileChangeType.Created)
        await s.file_info(target.as_uri())
        for rel, text in (("src/stats.py", AFTER), ("src/other.py", AFTER)):
            info = await s.file_info(s.open(rel, text))
            assert info["aiRanges"] == [] and info["aiLines"] == 0, rel
    con = __import__("sqlite3").connect(db)
    assert con.execute("select count(*) from edits").fetchone() == (0,)


async def test_the_users_unsaved_lines_are_never_credited(workspace, db):
    target = workspace / "src" / "stats.py"
    target.write_text(BEFORE)
    async with ownwise(workspace, db) as s:
        uri = s.open("src/stats.py", BEFORE)
        agent_edit(db, workspace, target)
        # the buffer is reloaded with the agent's text plus a line the user typed at the end
        s.hint(uri, "externalReload")
        s.replace_all(uri, AFTER + "# mine\n")
        info = await s.file_info(uri)
        assert info["aiRanges"] == []  # not the agent's recorded result: unattributed as a whole


def test_the_hook_never_fails_the_agent(tmp_path):
    db = tmp_path / "data" / "ownwise.db"
    env = dict(os.environ, OWNWISE_DB=str(db), PYTHONPATH=str(ROOT / "server"))
    for stdin, agent in (("{not json", "claude-code"), ("{}", "no-such-agent"), ("[1, 2]", "claude-code")):
        proc = subprocess.run([sys.executable, "-m", "ownwise", "hook", "--agent", agent], input=stdin,
                              capture_output=True, text=True, env=env, timeout=30)
        assert proc.returncode == 0 and proc.stdout == ""
    log = (db.parent / "hook-errors.log").read_text()
    assert "JSONDecodeError" in log and "unknown agent 'no-such-agent'" in log


async def test_two_edits_before_anyone_looked_are_both_credited_and_only_once(workspace, db):
    target = workspace / "src" / "stats.py"
    target.write_text(BEFORE)
    async with ownwise(workspace, db) as s:
        agent_edit(db, workspace, target)  # lines 1-4
        hook(db, "claude-code", claude("PreToolUse", target, workspace))
        target.write_text(AFTER + "\n\ndef spread(xs):\n    return max(xs) - min(xs)\n")
        hook(db, "claude-code", claude("PostToolUse", target, workspace))
        watched(s, target)
        watched(s, target)  # the same change seen twice
        await s.file_info(target.as_uri())
        info = await s.file_info(s.open("src/stats.py", target.read_text()))
        assert [(r["startLine"], r["endLine"]) for r in info["aiRanges"]] == [(1, 4), (11, 12)]
    con = __import__("sqlite3").connect(db)
    assert con.execute("select kind, lines from edits").fetchall() == [("agentEdit", 6)]


async def test_an_old_before_state_never_credits_what_the_user_wrote_since(workspace, db):
    target = workspace / "src" / "stats.py"
    target.write_text(BEFORE)
    async with ownwise(workspace, db) as s:
        agent_edit(db, workspace, target)
        watched(s, target)
        target.write_text(AFTER + "USER = 5\n")  # the user's own change, saved
        # the agent edits again, but its pre hook did not run (e.g. Cursor without preToolUse)
        target.write_text(AFTER + "USER = 5\nAGENT = 6\n")
        hook(db, "claude-code", claude("PostToolUse", target, workspace))
        watched(s, target)
        await s.file_info(target.as_uri())
        info = await s.file_info(s.open("src/stats.py", target.read_text()))
        assert all(r["startLine"] != 9 for r in info["aiRanges"])  # USER = 5 is not the agent's


def copilot(event: str, path: Path, cwd: Path, camel: bool) -> dict:
    """Copilot CLI's payload for its edit tool: camelCase to its own hook file, the VS Code
    compatible form to a PascalCase hook such as the project's .claude/settings.json
    (github/docs content/copilot/reference/hooks-reference.md, "preToolUse / PreToolUse")."""
    args = {"path": str(path), "old_str": "    pass\n", "new_str": "    acc = 0\n"}
    if camel:
        data = {"sessionId": "s-7", "timestamp": 1767225600000, "cwd": str(cwd), "toolName": "edit",
                "toolArgs": json.dumps(args)}
        if event == "post":
            data["toolResult"] = {"resultType": "success", "textResultForLlm": "ok"}
        return data
    data = {"hook_event_name": "PreToolUse" if event == "pre" else "PostToolUse", "session_id": "s-7",
            "timestamp": "2026-01-01T00:00:00.000Z", "cwd": str(cwd), "tool_name": "Edit", "tool_input": args}
    if event == "post":
        data["tool_result"] = {"result_type": "success", "text_result_for_llm": "ok"}
    return data


async def test_an_edit_two_agents_hooks_saw_is_credited_once_to_the_agent_that_made_it(workspace, db):
    # Copilot CLI runs ownwise's copilot entry and, in a project with ownwise's Claude Code hooks
    # in .claude/settings.local.json, the claude-code entry too: both record the same edit
    target = workspace / "src" / "stats.py"
    target.write_text(BEFORE)
    async with ownwise(workspace, db) as s:
        hook(db, "copilot", copilot("pre", target, workspace, camel=True), "--phase", "pre")
        hook(db, "claude-code", copilot("pre", target, workspace, camel=False))
        target.write_text(AFTER)
        hook(db, "claude-code", copilot("post", target, workspace, camel=False))
        hook(db, "copilot", copilot("post", target, workspace, camel=True), "--phase", "post")
        watched(s, target)
        await s.file_info(target.as_uri())
        info = await s.file_info(s.open("src/stats.py", AFTER))
        assert [(r["startLine"], r["endLine"], r["kind"], r["source"]) for r in info["aiRanges"]] == [
            (*AGENT_LINES, "agentEdit", "copilot")]
    con = __import__("sqlite3").connect(db)
    assert con.execute("select kind, source, lines from edits").fetchall() == [("agentEdit", "copilot", 4)]
