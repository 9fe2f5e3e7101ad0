"""The agent hook check at start-up, in a real VS Code (code-server 4.139.1).

The user's home holds hook entries an earlier ownwise wrote (bare commands, no guard) into a
virtualenv that has since been deleted: Claude Code's settings.json and Copilot CLI's
ownwise.json. When the extension starts its server it runs `ownwise hooks status --json` with
the server's Python, shows one "Repair agent hooks" offer for both, and accepting it runs
`ownwise hooks repair`: both files then hold the guarded command for that Python's ownwise, the
user's own settings beside them untouched. Screenshots: test-artifacts/vscode/agent-hooks-*.png.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from ownwise.hooks.command import is_current, launcher_in

from .harness import ROOT, screenshot
from .test_ownwise_vscode import ownwise_vsix, start, until  # noqa: F401


def old_entries(home, gone):
    """What ownwise wrote before its entries were guarded, pointing at ``gone``."""
    claude = home / ".claude" / "settings.json"
    claude.parent.mkdir(parents=True)
    group = {"matcher": "Write|Edit|MultiEdit|NotebookEdit",
             "hooks": [{"type": "command", "command": f"{gone}/bin/ownwise hook --agent claude-code"}]}
    claude.write_text(json.dumps({"model": "opus", "hooks": {"PreToolUse": [group], "PostToolUse": [group]}},
                                 indent=2) + "\n")
    copilot = home / ".copilot" / "hooks" / "ownwise.json"
    copilot.parent.mkdir(parents=True)
    copilot.write_text(json.dumps({"version": 1, "hooks": {
        "preToolUse": [{"type": "command", "bash": f"{gone}/bin/ownwise hook --agent copilot --phase pre"}],
        "postToolUse": [{"type": "command", "bash": f"{gone}/bin/ownwise hook --agent copilot --phase post"}]}},
        indent=2) + "\n")
    return claude, copilot


def status(home) -> list[dict]:
    out = subprocess.run([sys.executable, "-m", "ownwise", "hooks", "status", "--json"], capture_output=True,
                         text=True, env=dict(os.environ, HOME=str(home), PYTHONPATH=str(ROOT / "server")),
                         cwd=home, timeout=60)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_stale_agent_hooks_get_one_repair_offer_and_accepting_it_rewrites_them(tmp_path, code_server, vscode_page,
                                                                                ownwise_vsix):
    ws, _db, settings, env = start(tmp_path)
    home = tmp_path / "home"
    claude, copilot = old_entries(home, tmp_path / "deleted-venv")
    assert {(r["agent"], r["scope"]) for r in status(home) if r["stale"]} == {("claude-code", "user"),
                                                                            ("copilot", "user")}
    env["HOME"] = str(home)
    with code_server(ws, [ownwise_vsix], settings, env) as server:
        page = vscode_page(server)
        offer = page.locator(".notification-toast", has_text="Repair agent hooks")
        offer.wait_for(timeout=90_000)
        assert offer.count() == 1  # one offer for both files
        text = offer.inner_text()
        assert "the agent hooks in 2 config files (Claude Code (user), Copilot CLI (user))" in text, text
        screenshot(page, "agent-hooks-1-offer")
        offer.get_by_role("button", name="Repair agent hooks").click()
        page.locator(".notification-toast", has_text="repaired the agent hooks in 2 config files").wait_for(
            timeout=60_000)
        screenshot(page, "agent-hooks-2-repaired")
        until(lambda: not any(r["stale"] for r in status(home)), 10, "nothing stale any more")
    # rewritten for the server's Python (the configured one, or the private environment when
    # code-server does not apply the machine-overridable setting): guarded, and it is there
    data = json.loads(claude.read_text())
    assert data["model"] == "opus"
    command = data["hooks"]["PreToolUse"][0]["hooks"][0]["command"]
    launcher = launcher_in(command)
    assert launcher is not None and launcher.missing() is None, command
    assert is_current(command, launcher, "hook --agent claude-code") and command.endswith("; exit 0")
    entry = json.loads(copilot.read_text())["hooks"]["preToolUse"][0]
    assert launcher_in(entry["bash"]) == launcher and launcher_in(entry["powershell"]) == launcher
    assert entry["matcher"] == "edit|create|str_replace_editor|apply_patch|write"
    assert "deleted-venv" not in claude.read_text() + copilot.read_text()
