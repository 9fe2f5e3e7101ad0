"""Neovim 0.7 (Debian's neovim) as a second real LSP client."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_nvim(tmp_path: Path, script: str, **extra: str) -> dict:
    """Run a Lua script in a headless Neovim 0.7 against the real server; return its JSON result."""
    nvim = shutil.which("nvim")
    assert nvim, "nvim is required (scripts/test installs Debian's neovim)"
    ws = tmp_path / "ws"
    (ws / "src").mkdir(parents=True)
    (ws / "src" / "engine.py").write_text("def total(items):\n    pass\n")
    # the class these tests rely on, stated (they are about the client, not about classification)
    (ws / ".ownwise.toml").write_text('[[ownership.rules]]\nglob = "src/**"\nclass = "core"\n')
    out = tmp_path / "result.json"
    env = dict(
        os.environ,
        **extra,
        OWNWISE_TEST_ROOT=str(ws),
        OWNWISE_TEST_OUT=str(out),
        OWNWISE_LUA=str(ROOT / "client-nvim" / "ownwise.lua"),
        OWNWISE_PYTHON=sys.executable,
        OWNWISE_TEST_STANDIN=str(ROOT / "tests" / "nvim" / "standin"),
        OWNWISE_DB=str(tmp_path / "data" / "ownwise.db"),
        PYTHONPATH=str(ROOT / "server"),
        XDG_STATE_HOME=str(tmp_path / "state"),
        XDG_DATA_HOME=str(tmp_path / "share"),
    )
    proc = subprocess.run(
        [nvim, "--headless", "-u", "NONE", "-i", "NONE", "-n",
         "-c", f"luafile {ROOT / 'tests' / 'nvim' / script}"],
        env=env, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
    )
    assert out.exists(), f"nvim wrote no result: rc={proc.returncode} {proc.stderr[-2000:]}"
    return json.loads(out.read_text())


def test_neovim_attaches_edits_hints_and_reads_file_info(tmp_path):
    data = run_nvim(tmp_path, "edit_and_hint.lua")
    assert data.get("err") in (None, [], {}), data
    info = data["info"]
    assert data["lines"][2:6] == ["    total = 0", "    for x in items:",
                                  "        total += x  # sum", "    return total"]
    assert info["ownershipClass"] == "core"
    assert info["aiLines"] == 3 and info["humanModifiedLines"] == 1
    assert [(r["startLine"], r["endLine"], r["humanModified"], r["source"]) for r in info["aiRanges"]] == [
        (2, 3, False, "nvim-test"), (4, 4, True, "nvim-test"), (5, 5, False, "nvim-test")]


def test_neovim_runs_the_explain_flow(tmp_path):
    answer = ("running_total walks the items once and keeps a running sum in acc, which is "
              "simpler than sum() here because each step will be logged later.")
    data = run_nvim(tmp_path, "explain_flow.lua", OWNWISE_TEST_ANSWER=answer)
    assert "error" not in data, data
    assert data["asked"] == ["You kept 1 AI edit (5 lines) in core code this session. Explain it now?"]
    assert "def running_total(items):" in data["doc"] and "Understanding: _/5" in data["doc"]
    assert any(m.startswith("Saved your answer for src/engine.py:3-7.") for m in data["shown"])
    con = sqlite3.connect(tmp_path / "data" / "ownwise.db")
    try:
        rows = con.execute("select a.text, a.understanding, a.via, p.status from answers a "
                           "join prompts p on p.id = a.prompt_id").fetchall()
    finally:
        con.close()
    assert rows == [(answer, 4, "document", "answered")]


def test_neovim_focus_commands_fire_the_user_autocmd(tmp_path):
    data = run_nvim(tmp_path, "focus_flow.lua")
    assert "error" not in data, data
    started, ended = data["events"]
    assert started["active"] is True and started["plannedMinutes"] == 90
    assert ended["active"] is False and ended["endReason"] == "command"


def test_neovim_ai_plugin_accepts_pastes_and_undo_are_attributed_exactly(tmp_path):
    """copilot.lua and copilot.vim stand-ins, vim.paste, a put, u and <C-r> (Neovim 0.7, no :OwnwiseHint)."""
    data = run_nvim(tmp_path, "ai_plugins.lua")
    assert "error" not in data, data
    steps = {s["name"]: s for s in data["steps"]}
    first = steps["copilot.lua accept"]
    assert first["lines"][1:5] == ["    total = 0", "    for x in items:", "        total += x", "    return total"]
    assert [(r["startLine"], r["endLine"], r["kind"], r["source"]) for r in first["ranges"]] == [
        (1, 4, "inlineCompletion", "copilot.lua")], first
    assert steps["typed"]["aiLines"] == 4 and steps["typed"]["suspected"] == 0
    vim_accept = steps["copilot.vim accept"]
    assert vim_accept["lines"][-2:] == ["def double(x):", "    return 2 * x"]
    assert vim_accept["aiLines"] == 6 and vim_accept["suspected"] == 0
    assert {(r["kind"], r["source"]) for r in vim_accept["ranges"]} == {
        ("inlineCompletion", "copilot.lua"), ("inlineCompletion", "copilot.vim")}
    assert steps["tab typed"]["lines"][-1] == "        y = 1"  # the fallback <Tab>, as spaces (expandtab)
    assert steps["tab typed"]["aiLines"] == 6
    for name in ("vim.paste", "put", "undone", "redone"):
        assert steps[name]["aiLines"] == 6 and steps[name]["suspected"] == 0, (name, steps[name])
    assert steps["vim.paste"]["lines"][-3:] == ["def helper(a, b):", "    c = a + b", "    return c"]
    assert steps["redone"]["lines"] == steps["put"]["lines"]
    assert len(steps["undone"]["lines"]) == len(steps["put"]["lines"]) - 6
    partial = steps["copilot.lua accept_word"]
    assert partial["lines"][-1] == "result "
    assert [r["kind"] for r in partial["ranges"]][-1] == "inlineCompletionPartial"
    assert steps["accept undone"]["aiLines"] == 6 and steps["accept redone"]["aiLines"] == 7
    assert steps["accept redone"]["ranges"] == partial["ranges"]
    # what the client sent: each hint names the version of the change it describes
    # (an undo or redo of several lines can be several changes, each with its hint: runs are merged here)
    sent = [(h["kind"], h.get("source")) for h in data["sent"]]
    runs = [k for i, k in enumerate(sent) if i == 0 or sent[i - 1] != k]
    assert runs == [("inlineCompletion", "copilot.lua"), ("inlineCompletion", "copilot.vim"),
                    ("paste", None), ("undo", None), ("redo", None),
                    ("inlineCompletionPartial", "copilot.lua"), ("redo", None),
                    ("inlineCompletion", "vim.lsp.inline_completion"), ("inlineCompletionPartial", "copilot.vim")]
    assert all(isinstance(h["version"], int) for h in data["sent"])
    con = sqlite3.connect(tmp_path / "data" / "ownwise.db")
    try:
        rows = con.execute("select kind, source, lines from edits order by ts").fetchall()
    finally:
        con.close()
    inline = steps["inline_completion accept"]
    assert inline["lines"][-2:] == ["def triple(x):", "    return 3 * x"]
    assert [(r["kind"], r["source"]) for r in inline["ranges"]][-1] == ("inlineCompletion", "vim.lsp.inline_completion")
    assert rows == [("inlineCompletion", "copilot.lua", 4), ("inlineCompletion", "copilot.vim", 2),
                    ("inlineCompletionPartial", "copilot.lua", 1),
                    ("inlineCompletion", "vim.lsp.inline_completion", 2), ("inlineCompletionPartial", "copilot.vim", 1)]
    word = steps["copilot.vim accept word"]
    assert word["lines"][-1] == "value"
    assert [(r["kind"], r["source"]) for r in word["ranges"]][-1] == ("inlineCompletionPartial", "copilot.vim")
