"""Chat and agent edits across files, and next edit suggestions, in a real VS Code (code-server 4.139.1).

The stand-in AI (fixture-ai) edits three files through VS Code's own chat editing (a chat
participant's `stream.textEdit`, the path Copilot's edit and agent modes take) and offers an
inline edit away from the cursor. It also logs every change with VS Code's own edit source
(`TextDocumentChangeEvent.detailedReason`, a proposed API the test extension may use and
ownwise, a published extension, may not): the ground truth each stored edit is checked against.
"""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

from .harness import open_file, screenshot, wait_for_file_text
from .test_ownwise_vscode import PY, export, ownwise_vsix, until  # noqa: F401

CHAT_FILES = ("a.py", "b.py", "c.py")
AGENT_LINE = "# edited by the fixture agent"


def changes(log: Path) -> list[dict]:
    """The fixture's log of every document change, with VS Code's edit source."""
    out = []
    for line in log.read_text().splitlines():
        if line.startswith("{"):
            out.append(json.loads(line))
    return out


def workspace(tmp_path: Path) -> tuple[Path, Path, Path]:
    ws = tmp_path / "ws"
    ws.mkdir()
    for name in (*CHAT_FILES, "d.py"):
        (ws / name).write_text(f'"""The {name[0]} module."""\nLIMIT = 10\n')
    return ws, tmp_path / "data" / "ownwise.db", tmp_path / "fixture-ai.log"


def snapshot_ranges(data: dict, path: Path) -> list[dict]:
    """The AI ranges of the newest attribution snapshot of `path`, checked against its text on disk."""
    text = path.read_text()
    rows = [s for s in data["attributionSnapshots"] if s["uri"].endswith("/" + path.name)]
    assert rows, f"no attribution snapshot of {path.name}"
    row = max(rows, key=lambda s: s["updated_at"])
    assert row["text_hash"] == hashlib.sha256(text.encode()).hexdigest(), f"{path.name}: snapshot of another text"
    return row["ranges"]


def tagged_lines(ranges: list[dict]) -> dict[int, str]:
    """Line (0-based) -> kind of the tag it carries."""
    return {i: r["kind"] for r in ranges for i in range(r["start_line"], r["end_line"] + 1)}


def open_chat(page) -> None:
    """The Chat view, its input focused, once the fixture's language model is there to answer."""
    page.keyboard.press("Control+Alt+I")
    box = page.locator(".interactive-input-part .monaco-editor .view-lines").first
    box.wait_for(timeout=20_000)
    box.click()


def send_chat(page, participant: str, prompt: str) -> None:
    """Type `participant prompt` into the chat input and send it (never a suggestion's text instead)."""
    page.keyboard.type(participant + " ")
    page.wait_for_timeout(1000)
    page.keyboard.type(prompt)
    page.wait_for_timeout(500)
    suggest = page.locator(".suggest-widget.visible")
    if suggest.count():
        page.keyboard.press("Escape")
        suggest.first.wait_for(state="hidden", timeout=5000)
    page.keyboard.press("Enter")


def test_a_three_file_chat_edit_is_chat_on_every_line_and_typing_meanwhile_stays_human(
        tmp_path, code_server, vscode_page, fixture_ai_vsix, ownwise_vsix):
    ws, db, log = workspace(tmp_path)
    settings = {"ownwise.server.pythonPath": PY, "fixtureAi.chatPauseMs": 5000}
    env = {"OWNWISE_DB": str(db), "FIXTURE_AI_LOG": str(log)}
    with code_server(ws, [fixture_ai_vsix, ownwise_vsix], settings, env) as server:
        page = vscode_page(server)
        wait_for_file_text(log, "models 1", timeout=60)
        open_file(page, "a.py")
        open_chat(page)
        send_chat(page, "@fixture", "add a helper to each module")
        # while the response renders (the agent pauses after each file), the user types in the
        # file the agent just edited, and in a file it never edits
        wait_for_file_text(log, "chat-edited a.py", timeout=60)
        screenshot(page, "chat-1-a-edited")
        open_file(page, "a.py")
        page.keyboard.press("Control+End")
        page.keyboard.type("typed_in_a = 2\n")
        # and inside the session's own change, which VS Code does not mirror into its model
        page.keyboard.press("Control+Home")
        for _ in range(3):
            page.keyboard.press("ArrowDown")
        page.keyboard.press("End")
        page.keyboard.type("  # typed")
        open_file(page, "d.py")
        page.keyboard.press("Control+End")
        page.keyboard.type("typed_in_d = 3\n")
        wait_for_file_text(log, "chat-done", timeout=60)
        screenshot(page, "chat-2-done")
        for name in ("a.py", "d.py"):
            open_file(page, name)
            page.keyboard.press("Control+S")
        until(lambda: "typed_in_a" in (ws / "a.py").read_text() and "typed_in_d" in (ws / "d.py").read_text(),
              15, "the typed files are saved")
        time.sleep(2.5)  # a flush

    data = export(db)
    truth = changes(log)
    edits = {(e["path"], e["doc_version"]): e for e in data["edits"]}
    chat = [c for c in truth if c["source"] == "Chat.applyEdits"]
    typed = [c for c in truth if c["source"] == "cursor" and c["uri"].startswith("file:")]
    assert {Path(c["uri"]).name for c in chat} == set(CHAT_FILES), truth
    assert len(chat) == 6 and typed, truth
    # every change the chat session applied is a chatEdit, under its own version
    for c in chat:
        e = edits.get((Path(c["uri"]).name, c["version"]))
        assert e is not None and e["kind"] == "chatEdit", (c, data["edits"])
    # nothing the user typed is
    for c in typed:
        assert (Path(c["uri"]).name, c["version"]) not in edits, (c, data["edits"])
    assert {e["kind"] for e in data["edits"]} == {"chatEdit"}, data["edits"]

    # every line the session added, in all three files, is chatEdit; the rest is the user's
    for name in CHAT_FILES:
        lines = (ws / name).read_text().splitlines()
        tags = tagged_lines(snapshot_ranges(data, ws / name))
        added = [i for i, line in enumerate(lines)
                 if line == AGENT_LINE or line.startswith(f"def {name[0]}_helper") or line.startswith("    return x")]
        assert len(added) == 3, lines
        assert {i: tags.get(i) for i in added} == {i: "chatEdit" for i in added}, (name, lines, tags)
        for i, line in enumerate(lines):
            if line and i not in added:
                assert i not in tags, (name, i, line, tags)
    a_lines = (ws / "a.py").read_text().splitlines()
    assert "typed_in_a = 2" in a_lines and "    return x + 1  # typed" in a_lines, a_lines


def test_a_next_edit_suggestion_accepted_with_tab_is_an_inline_completion(
        tmp_path, code_server, vscode_page, fixture_ai_vsix, ownwise_vsix):
    ws = tmp_path / "ws"
    ws.mkdir()
    src = ws / "calc.py"
    src.write_text("def total(items):\n    total = 0\n    for item in items:\n"
                   "    total = total + item  # slow\n    return total\n")
    db, log = tmp_path / "data" / "ownwise.db", tmp_path / "fixture-ai.log"
    settings = {"ownwise.server.pythonPath": PY, "editor.inlineSuggest.enabled": True}
    env = {"OWNWISE_DB": str(db), "FIXTURE_AI_LOG": str(log)}
    with code_server(ws, [fixture_ai_vsix, ownwise_vsix], settings, env) as server:
        page = vscode_page(server)
        wait_for_file_text(log, "activated", timeout=60)
        open_file(page, "calc.py")
        page.keyboard.press("Control+End")
        page.keyboard.type("# edit:")
        wait_for_file_text(log, "provide-edit", timeout=20)
        time.sleep(1.5)
        screenshot(page, "nes-1-shown")
        page.keyboard.press("Tab")  # to the edit
        time.sleep(1)
        screenshot(page, "nes-2-jumped")
        page.keyboard.press("Tab")  # accept it
        # VS Code applies the smallest edit: "= total +" becomes "+=", the comment goes
        until(lambda: any(c["source"] == "inlineCompletionAccept" for c in changes(log)), 15, "the edit is accepted")
        screenshot(page, "nes-3-accepted")
        page.keyboard.press("Control+S")
        until(lambda: "    total += item\n" in src.read_text(), 15, "the file is saved")
        time.sleep(2.5)  # a flush
    data = export(db)
    accepted = [c for c in changes(log) if c["source"] == "inlineCompletionAccept"]
    assert len(accepted) == 1, changes(log)
    assert [(e["kind"], e["doc_version"], e["lines"]) for e in data["edits"]] == [
        ("inlineCompletion", accepted[0]["version"], 1)], data["edits"]
