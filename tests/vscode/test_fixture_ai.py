"""Smoke test of the VS Code e2e toolchain: code-server + Chromium + the fixture-ai stand-in.

No ownwise code is involved: this proves that an extension installed from a .vsix
runs, that its inline completion shows as ghost text and Tab accepts it, and that a
command run from the palette edits the file, all read back from disk.
"""

from __future__ import annotations

from .harness import (
    editor_text,
    open_file,
    run_command,
    save_and_read,
    screenshot,
    wait_for_file_text,
    wait_for_ghost_text,
    wait_for_no_ghost_text,
)


def test_fixture_ai_completion_and_command(tmp_path, fixture_ai_vsix, code_server, vscode_page):
    ws = tmp_path / "ws"
    ws.mkdir()
    a = ws / "a.py"
    a.write_text("def total(items):\n")
    ai_log = tmp_path / "fixture-ai.log"

    with code_server(ws, [fixture_ai_vsix], {}, {"FIXTURE_AI_LOG": str(ai_log)}) as server:
        page = vscode_page(server)
        wait_for_file_text(ai_log, "activated", timeout=60)
        open_file(page, "a.py")
        page.keyboard.press("Control+End")
        page.keyboard.type("    # ai:")

        ghost = wait_for_ghost_text(page, timeout=20)
        assert ghost == "    return sum(items)", ghost
        screenshot(page, "fixture_ai-1-ghost-text")

        page.keyboard.press("Tab")
        wait_for_no_ghost_text(page)
        assert "return sum(items)" in editor_text(page)
        text = save_and_read(page, a, contains="return sum(items)")
        assert text == "def total(items):\n    # ai:\n    return sum(items)\n"
        screenshot(page, "fixture_ai-2-accepted")

        # A stand-in "agent" edit through the command palette, at the cursor (end of file).
        run_command(page, "Fixture AI: Insert Block")
        wait_for_file_text(ai_log, "ok=true")
        text = save_and_read(page, a, contains="def ai_block(x):")
        assert text == ("def total(items):\n    # ai:\n    return sum(items)\n"
                        "def ai_block(x):\n    y = x * 2\n    return y + 1\n")
        screenshot(page, "fixture_ai-3-command")
