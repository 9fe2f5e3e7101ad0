"""The hover on an AI line in a real VS Code (code-server 4.139.1): its kind, its tool and whether it
was explained, from ownwise/lineAttribution; and the optional gutter mark (docs/git.md)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from .harness import ROOT, run_command, screenshot
from .test_ownwise_vscode import accept_counted, open_engine, ownwise_vsix, start, status_text, until  # noqa: F401 (fixture)


def hover_text(page, shot: str | None = None) -> str:
    run_command(page, "Show or Focus Hover")
    # the part of the hover that is ours (the debt diagnostic of the same line has one too)
    hover = page.locator(".monaco-hover .hover-row, .monaco-hover .hover-contents").filter(has_text="AI code ·")
    try:
        hover.first.wait_for(timeout=10_000)
    except Exception:  # noqa: BLE001 - no hover (yet): the caller tries again
        return ""
    text = hover.first.inner_text()
    if shot:
        screenshot(page, shot)
    page.keyboard.press("Escape")
    return text


def explain_pending(db) -> None:
    """Answer the pending prompt with the command line, as a user could."""
    env = dict(os.environ, PYTHONPATH=str(ROOT / "server"))
    listed = subprocess.run([sys.executable, "-m", "ownwise", "--db", str(db), "explain", "--list", "--json"],
                            capture_output=True, text=True, env=env, timeout=60)
    [prompt] = json.loads(listed.stdout)
    done = subprocess.run([sys.executable, "-m", "ownwise", "--db", str(db), "explain", "--id", prompt["id"],
                           "--text", "total adds up all the items with the builtin sum and returns the result, "
                                     "which is shorter and clearer than a loop", "--understanding", "4"],
                          capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_hover_on_an_ai_line_shows_its_kind_and_whether_it_was_explained(tmp_path, code_server, vscode_page,
                                                                             fixture_ai_vsix, ownwise_vsix):
    ws, db, settings, env = start(tmp_path, {"ownwise.trace.gutter": True})
    with code_server(ws, [fixture_ai_vsix, ownwise_vsix], settings, env) as server:
        page = vscode_page(server)
        open_engine(page)
        accept_counted(page)
        page.keyboard.press("ArrowUp")  # onto the accepted line
        text = until(lambda: hover_text(page, "trace-1-hover-not-explained"), 30, "the hover on the AI line")
        assert "AI code · inline completion" in text and "not explained yet" in text, text
        until(lambda: page.locator(".monaco-editor .cgmr").count() >= 1, 15, "the gutter marks the line")

        run_command(page, "Ownwise: End Session and Explain")
        page.locator(".notification-toast", has_text="Explain it now?").wait_for(timeout=20_000)
        explain_pending(db)
        page.keyboard.press("Escape")
        text = until(lambda: (t := hover_text(page, "trace-2-hover-explained")) and "not explained" not in t and t,
                     40, "the hover says the line was explained")
        assert "explained" in text and "inline completion" in text, text
