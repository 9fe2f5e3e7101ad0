"""The first hour in a real VS Code (code-server 4.139.1), as a new user meets it (issue 15).

- the walkthrough and a welcome open on the first start only; the status item is there before any file;
- the Command Palette lists ownwise's commands and none of the "(tracked)" key wrappers;
- a no-AI block says until when and what it switched off, and is stopped from its message and from the
  status item (which also extends it); an AI setting turned back on during a block is named, with the
  choice to end the block; the reflection is a webview whose saved answers turn read-only;
- a saved answer in the Explain view is read-only, collapsed and marked; "can't explain yet" is listed;
  the Explain panel is back after a window reload.

Screenshots go to test-artifacts/vscode/ (the README's to test-artifacts/vscode/readme/: `make screenshots`).
"""

from __future__ import annotations

import re
import sqlite3
import time

from .harness import focus_editor, run_command, screenshot
from .test_ownwise_vscode import (  # noqa: F401 - ownwise_vsix is a fixture
    accept_ai,
    confirm,
    open_engine,
    ownwise_vsix,
    start,
    start_block,
    status_text,
    until,
    user_settings,
)

STATUS = '.statusbar-item[id*="ownwise.status"]'
WEBVIEW = "iframe.webview.ready"
DOCUMENT = "iframe#active-frame"


def toast(page, text: str):
    return page.locator(".notification-toast", has_text=text)


def q(db, sql: str) -> list[tuple]:
    con = sqlite3.connect(db)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def palette_rows(page, text: str) -> list[str]:
    """The Command Palette's rows for ``text`` (their labels)."""
    page.keyboard.press("F1")
    page.locator(".quick-input-widget .quick-input-box input").wait_for(state="visible", timeout=5000)
    page.keyboard.type(text)
    page.wait_for_timeout(800)
    rows = page.locator(".quick-input-list .monaco-list-row .label-name").all_inner_texts()
    return [r.strip() for r in rows]


def ownwise_logs(server) -> list:
    """The extension's log files, one per extension host (a reload starts a new one)."""
    return sorted(server.user_dir.glob("logs/*/exthost*/ownwise.ownwise/Ownwise.log"))


def webview(page, heading: str):
    """The document of the webview whose page holds ``heading``."""
    frames = page.frame_locator(WEBVIEW)
    for i in range(page.locator(WEBVIEW).count()):
        doc = page.frame_locator(f"{WEBVIEW} >> nth={i}").frame_locator(DOCUMENT)
        if doc.locator("h1", has_text=heading).count():
            return doc
    return frames.frame_locator(DOCUMENT)


def test_the_walkthrough_opens_on_first_start_and_the_palette_is_clean(tmp_path, code_server, vscode_page,
                                                                        fixture_ai_vsix, ownwise_vsix):
    ws, db, settings, env = start(tmp_path, {"workbench.welcomePage.walkthroughs.openOnInstall": True})
    with code_server(ws, [fixture_ai_vsix, ownwise_vsix], settings, env) as server:
        page = vscode_page(server)
        # the walkthrough, opened by the extension's first start, and the one-time welcome
        page.locator(".editor-instance", has_text="Get started with ownwise").first.wait_for(timeout=60_000)
        toast(page, "Welcome to ownwise").wait_for(timeout=20_000)
        # the status item is there before any file is open
        until(lambda: "ownwise" in status_text(page), 30, "the status item shows from start-up")
        screenshot(page, "first-1-walkthrough", readme="walkthrough")
        assert page.locator(".editor-instance", has_text="Keys ownwise takes over").count() >= 1

        # the palette: ownwise's commands, none of the "(tracked)" wrappers the keys run
        rows = palette_rows(page, "Ownwise: ")
        assert "Ownwise: Start No-AI Block" in rows and "Ownwise: Get Started" in rows, rows
        assert "Ownwise: Stop No-AI Block" not in rows, rows  # no block runs
        screenshot(page, "first-2-palette")
        page.keyboard.press("Escape")
        tracked = palette_rows(page, "(tracked)")
        assert not [r for r in tracked if "Ownwise" in r], tracked
        page.keyboard.press("Escape")
        assert not [r for r in palette_rows(page, "Ownwise: Menu") if r.startswith("Ownwise: Menu")]
        page.keyboard.press("Escape")

        # the status item's menu (no block, no file)
        page.locator(STATUS).click()
        page.locator(".quick-input-list .monaco-list-row", has_text="Start a no-AI block").wait_for(timeout=10_000)
        page.keyboard.press("Escape")

        # once only: close everything, reload the window; neither comes back
        run_command(page, "View: Close All Editors")
        until(lambda: page.locator(".editor-instance", has_text="Get started with ownwise").count() == 0, 10,
              "the walkthrough is closed")
        screenshot(page, "first-3-closed")
        # VS Code's own reload: it stores the open editors on the way out (a browser reload may not, and
        # the closed walkthrough came back from the older state)
        with page.expect_navigation(timeout=60_000):
            run_command(page, "Developer: Reload Window")
        page.wait_for_selector(".monaco-workbench", timeout=60_000)
        until(lambda: len(ownwise_logs(server)) == 2, 60, "the extension started again")
        until(lambda: "ownwise" in status_text(page), 60, "the extension is up again")
        time.sleep(3)
        assert page.locator(".editor-instance", has_text="Get started with ownwise").count() == 0
        assert toast(page, "Welcome to ownwise").count() == 0
        # the extension's own word for it: the first start only
        assert sum(log.read_text().count("first start:") for log in ownwise_logs(server)) == 1


def test_a_focus_block_speaks_and_stops_from_its_message_and_its_status_item(tmp_path, code_server, vscode_page,
                                                                             fixture_ai_vsix, ownwise_vsix):
    ws, db, settings, env = start(tmp_path)
    with code_server(ws, [fixture_ai_vsix, ownwise_vsix], settings, env) as server:
        page = vscode_page(server)
        open_engine(page)

        def ai_off() -> bool:
            now = user_settings(server)
            return now.get("editor.inlineSuggest.enabled") is False and now.get("chat.disableAIFeatures") is True

        def ai_back() -> bool:
            now = user_settings(server)
            return now.get("editor.inlineSuggest.enabled") is True and "chat.disableAIFeatures" not in now

        # 1. started with a length and a task: the message says until when and what was switched off
        start_block(page, "the parser", length="25")
        started = toast(page, 'No-AI block on "the parser" until')
        started.wait_for(timeout=15_000)
        text = started.first.inner_text()
        end = re.search(r"until (\d\d:\d\d)", text)
        assert end and "inline suggestions (ghost text)" in text, text
        assert "Chat and VS Code's other AI features" in text, text
        until(ai_off, 15, "AI is off")
        until(lambda: "No-AI" in status_text(page), 10, "the status item counts down")
        screenshot(page, "focus-1-started", readme="focus-started")
        # ... and it is stopped from the message
        started.get_by_role("button", name="Stop").click()
        until(ai_back, 15, "the settings are back")
        until(lambda: q(db, "select end_reason from focus_blocks") == [("command",)], 10, "the block ended")

        # 2. the reflection, in a webview: saved, then read-only
        offer = toast(page, "Your no-AI block is over (0 of 25 minutes)")
        offer.wait_for(timeout=20_000)
        offer.get_by_role("button", name="Reflect now").click()
        doc = page.frame_locator(WEBVIEW).frame_locator(DOCUMENT)
        doc.locator("h1", has_text="How did the no-AI block go?").wait_for(timeout=20_000)
        assert "Task: the parser" in doc.locator("body").inner_text()
        doc.locator('input[name="felt"][value="4"]').check()
        doc.locator("#lookedUp").fill("the re module's docs")
        doc.locator("#save").click()
        doc.locator(".feedback.ok", has_text="Reflection saved").wait_for(timeout=10_000)
        assert doc.locator("#lookedUp").evaluate("(t) => t.readOnly") is True
        assert doc.locator("#save").is_disabled()
        screenshot(page, "focus-2-reflection", readme="reflection")
        assert q(db, "select felt, looked_up, via from focus_reflections") == [(4, "the re module's docs", "request")]

        # 3. another block: the tooltip tells until when; the status item offers stop and extend. Back to the
        # file by its tab: Quick Open's Ctrl+P does not reach the workbench while the webview has the focus
        page.locator(".tabs-container .tab", has_text="engine.py").first.click()
        focus_editor(page)
        start_block(page)  # the default length, no task
        until(ai_off, 15, "AI is off again")
        toast(page, "No-AI block until").first.wait_for(timeout=15_000)
        page.locator(".notification-toast .codicon-notifications-clear, "
                     ".notification-toast .codicon-close").first.click()
        page.locator(STATUS).hover()
        tip = page.locator(".workbench-hover, .monaco-hover").filter(has_text="No-AI block until")
        until(lambda: tip.count() and "Stop the block" in tip.first.inner_text(), 15, "the tooltip names the block")
        screenshot(page, "focus-3-tooltip")
        page.mouse.move(5, 5)
        # the palette offers Stop and Extend during a block, not Start
        rows = palette_rows(page, "No-AI Block")
        page.keyboard.press("Escape")
        assert "Ownwise: Stop No-AI Block" in rows and "Ownwise: Start No-AI Block" not in rows, rows
        left_before = status_text(page)
        page.locator(STATUS).click()
        page.locator(".quick-input-list .monaco-list-row", has_text="15 more minutes").wait_for(timeout=10_000)
        screenshot(page, "focus-4-menu", readme="focus-menu")
        page.locator(".quick-input-list .monaco-list-row", has_text="15 more minutes").click()
        toast(page, "now runs until").wait_for(timeout=10_000)
        until(lambda: q(db, "select planned_minutes from focus_blocks where ended_at is null") == [(105.0,)], 10,
              "the block is 15 minutes longer")
        until(lambda: re.search(r"No-AI 10[45]:", status_text(page)), 10, f"the countdown follows ({left_before})")

        # 4. an AI setting turned back on during the block: named, switched off again, and the block can end
        # ticked again in the Settings editor, as a user would
        run_command(page, "Preferences: Open User Settings")
        page.locator(".settings-editor").wait_for(timeout=15_000)
        page.keyboard.type("editor.inlineSuggest.enabled")
        row = page.locator(".settings-editor .setting-item-bool").filter(has_text="Inline Suggest").first
        row.wait_for(timeout=15_000)
        row.locator(".setting-value-checkbox").click()
        back_on = toast(page, "You turned inline suggestions (ghost text) back on during your no-AI block")
        back_on.wait_for(timeout=20_000)
        until(ai_off, 15, "switched off again")
        screenshot(page, "focus-5-turned-back-on")
        back_on.get_by_role("button", name="End the block").click()
        until(ai_back, 15, "ending the block puts the settings back")
        # the Settings editor opens as a modal here: a click on its backdrop closes it
        page.locator(".monaco-modal-editor-block").click(position={"x": 5, "y": 5})
        page.locator(".monaco-modal-editor-block").wait_for(state="hidden", timeout=10_000)

        # 5. stopped from the status item: the menu's Stop
        toast(page, "Your no-AI block is over").first.wait_for(timeout=20_000)
        start_block(page)
        until(ai_off, 15, "AI is off")
        page.locator(STATUS).click()
        page.locator(".quick-input-list .monaco-list-row", has_text="Stop the block now").click()
        until(ai_back, 15, "stopped from the status item")
    assert [r[0] for r in q(db, "select end_reason from focus_blocks order by started_at")] == ["command"] * 3


def test_a_saved_answer_is_read_only_and_the_explain_panel_is_back_after_a_reload(tmp_path, code_server,
                                                                                  vscode_page, fixture_ai_vsix,
                                                                                  ownwise_vsix):
    ws, db, settings, env = start(tmp_path)
    answer = ("total adds every item with the builtin sum and returns it, which is clearer and "
              "faster than a hand-written loop over items")
    with code_server(ws, [fixture_ai_vsix, ownwise_vsix], settings, env) as server:
        page = vscode_page(server)
        open_engine(page)
        # nothing pending yet: the empty view says when prompts come
        run_command(page, "Ownwise: Explain Pending AI Code")
        doc = page.frame_locator(WEBVIEW).frame_locator(DOCUMENT)
        doc.get_by_text("Prompts appear when a coding session ends").wait_for(timeout=20_000)
        screenshot(page, "explain-1-empty")
        page.locator(".tabs-container .tab", has_text="engine.py").first.click()
        focus_editor(page)

        accept_ai(page)
        until(lambda: "1 AI line" in status_text(page), 15, "the AI line is counted")
        run_command(page, "Ownwise: End Session and Explain")
        ask = toast(page, "Explain it now?")
        ask.wait_for(timeout=20_000)
        ask.get_by_role("button", name="Explain now").click()
        doc = page.frame_locator(WEBVIEW).frame_locator(DOCUMENT)
        box = doc.locator("textarea").first
        box.wait_for(timeout=20_000)
        box.fill(answer)
        doc.locator('input[type="radio"][value="4"]').first.check()
        doc.locator("button.submit").first.click()
        doc.locator(".feedback.ok").first.wait_for(timeout=10_000)
        # saved: read-only, collapsed, marked, its buttons disabled
        section = doc.locator("section.prompt").first
        assert "done" in (section.get_attribute("class") or "")
        assert box.evaluate("(t) => t.readOnly") is True
        assert section.locator("details").evaluate("(d) => d.open") is False
        assert section.locator(".state").inner_text().strip() == "saved"
        assert section.locator("button.submit").is_disabled()
        screenshot(page, "explain-2-saved", readme="explain-saved")

        # another AI line, "can't explain yet": listed under its own heading, to answer again
        page.locator(".tabs-container .tab", has_text="engine.py").first.click()
        focus_editor(page)
        page.keyboard.press("Control+End")
        page.keyboard.type("\n")
        accept_ai(page)
        run_command(page, "Ownwise: End Session and Explain")
        toast(page, "Explain it now?").last.get_by_role("button", name="Explain now").click()
        doc.locator("button.cannot").first.wait_for(timeout=20_000)
        doc.locator("button.cannot").first.click()
        doc.locator(".state", has_text="can't explain yet").wait_for(timeout=10_000)
        run_command(page, "Ownwise: Explain Pending AI Code")
        doc.locator("h1", has_text="You could not explain these yet").wait_for(timeout=20_000)
        assert doc.locator("button.cannot", has_text="I still can't explain this yet").count() == 1
        screenshot(page, "explain-3-cannot-explain")

        # reload the window: the Explain panel comes back, filled again
        page.reload()
        page.wait_for_selector(".monaco-workbench", timeout=60_000)
        page.locator(".tabs-container .tab", has_text="Ownwise: Explain").first.wait_for(timeout=60_000)
        page.locator(".tabs-container .tab", has_text="Ownwise: Explain").first.click()
        doc = page.frame_locator(WEBVIEW).frame_locator(DOCUMENT)
        doc.locator("h1", has_text="You could not explain these yet").wait_for(timeout=60_000)
        screenshot(page, "explain-4-after-reload")
    assert sorted(r[0] for r in q(db, "select status from prompts")) == ["answered", "cannotExplain"]
