"""End to end over LSP: sessions, the explain prompt, answers in SQLite, re-asking."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Union
from urllib.parse import unquote, urlparse

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException

from .conftest import ROOT, eventually, ownwise

CORE = "def total(items):\n    pass\n"
# what the AI wrote (4 lines) into src/engine.py, a core file
BLOCK = ("def running_total(items, retry_delay):\n"
         "    acc = 0\n"
         "    for x in items:\n"
         "        acc += x\n"
         "    return acc\n")
GOOD = ("running_total adds up the items one by one and returns the sum; it keeps a plain "
        "accumulator because the list is small and order does not matter here.")


def q(db: Path, sql: str, *args):
    con = sqlite3.connect(db)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def cleared(s, uri: str) -> bool:
    """Diagnostics were published for uri, and are now empty."""
    return uri in s.client.diagnostics and len(s.client.diagnostics[uri]) == 0


def doc_path(s) -> Path:
    return Path(unquote(urlparse(s.client.shown_documents[-1].uri).path))


async def ai_block(s, rel="src/engine.py", text=CORE, block=BLOCK, kind="inlineCompletion"):
    uri = s.open(rel, text)
    s.hint(uri, kind, "github.copilot")
    s.insert(uri, 2, block)
    return uri


def answer_in(text: str, answer: str, understanding: str = "4", rating: str | None = None) -> str:
    """Write an answer into an explanation document, as a user would."""
    head, tail = text.split("<!-- write your answer below this line -->", 1)
    tail = tail.replace("Understanding: _/5", f"Understanding: {understanding}/5", 1)
    if rating is not None:
        tail = tail.replace("Recall: _", f"Recall: {rating}", 1)
    return head + "<!-- write your answer below this line -->\n" + answer + "\n" + tail


async def save_answer(s, path: Path, answer: str, understanding: str = "4", rating: str | None = None):
    """Open the document in the client, type the answer, save it."""
    uri = path.as_uri()
    original = path.read_text()
    s.open_external = getattr(s, "open_external", set())
    if uri not in s.versions:
        s.versions[uri] = 1
        s.client.text_document_did_open(types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="markdown", version=1, text=original)))
    new = answer_in(original, answer, understanding, rating)
    s.replace_all(uri, new)
    path.write_text(new)
    s.did_save(uri)
    return uri


async def test_explain_now_flow_stores_the_answer_and_export_shows_it(workspace, db):
    async with ownwise(workspace, db, answer="Explain now") as s:
        uri = await ai_block(s)
        await eventually(lambda: s.client.diagnostics.get(uri))
        diag = s.client.diagnostics[uri][0]
        assert diag.severity == types.DiagnosticSeverity.Information and diag.code == "unexplainedAICode"
        assert (diag.range.start.line, diag.range.end.line) == (2, 6)

        ended = await s.command("ownwise.session.end")
        assert ended["ended"] is True and ended["prompts"] == 1
        await eventually(lambda: s.client.shown_documents)
        assert s.asked[0].message == ("You kept 1 AI edit (5 lines) in core code this session. "
                                      "Explain it now?")
        assert [a.title for a in s.asked[0].actions] == ["Explain now", "Later", "Skip"]
        path = doc_path(s)
        assert path.parent == db.parent / "explanations" and oct(path.stat().st_mode & 0o777) == "0o600"
        text = path.read_text()
        assert "src/engine.py:3-7" in text and BLOCK in text and "Understanding: _/5" in text
        assert "why this approach rather than another" in text

        await save_answer(s, path, GOOD, "4")
        await eventually(lambda: any("Saved your answer" in m for m in s.messages()))
        info = await s.file_info(uri)
        assert info["pendingPrompts"] == 0 and info["unexplainedBlocks"] == []
        await eventually(lambda: cleared(s, uri))

    assert q(db, "select text, understanding, cannot_explain, via from answers") == [(GOOD, 4, 0, "document")]
    assert q(db, "select status, kind, path, lines from prompts") == [("answered", "explain", "src/engine.py", 5)]
    assert q(db, "select end_reason, prompt_choice, human_lines from sessions") == [("command", "explainNow", 0)]
    sess = q(db, "select ai_lines_by_kind, ai_lines_by_class, files_touched from sessions")[0]
    assert json.loads(sess[0]) == {"inlineCompletion": 5} and json.loads(sess[1]) == {"core": 5}
    assert json.loads(sess[2]) == ["src/engine.py"]
    assert q(db, "select count(*) from reviews where due > ?", "2026")[0][0] == 1
    out = subprocess.run([sys.executable, "-m", "ownwise", "--db", str(db), "export"], capture_output=True,
                         text=True, env={"PYTHONPATH": str(ROOT / "server")}, check=True)
    exported = json.loads(out.stdout)
    assert exported["answers"][0]["text"] == GOOD
    assert exported["prompts"][0]["status"] == "answered" and exported["sessions"][0]["end_reason"] == "command"


async def test_too_short_or_vague_answers_are_refused_with_a_specific_hint(workspace, db):
    async with ownwise(workspace, db, answer="Explain now") as s:
        await ai_block(s)
        await s.command("ownwise.session.end")
        await eventually(lambda: s.client.shown_documents)
        path = doc_path(s)
        await save_answer(s, path, "It sums the numbers.")
        await eventually(lambda: any("4 words" in m for m in s.messages()))
        path.write_text(path.read_text().replace("It sums the numbers.\n", ""))
        vague = ("This part goes over the list and adds every number to a variable, then it gives "
                 "back the result at the end of the loop.")
        await save_answer(s, path, vague)
        await eventually(lambda: any("doesn't mention `running_total`" in m for m in s.messages()))
        assert all(m.type == types.MessageType.Warning for m in s.client.messages)
        assert len((await s.request("ownwise/pendingPrompts", {}))["prompts"]) == 1
    assert q(db, "select count(*) from answers") == [(0,)]
    assert q(db, "select status from prompts") == [("pending",)]


async def test_cannot_explain_is_accepted_and_keeps_the_diagnostic(workspace, db):
    async with ownwise(workspace, db, answer="Explain now") as s:
        uri = await ai_block(s)
        await s.command("ownwise.session.end")
        await eventually(lambda: s.client.shown_documents)
        await save_answer(s, doc_path(s), "I can’t explain this yet.", understanding="_")
        await eventually(lambda: any("Saved your answer" in m for m in s.messages()))
        await eventually(lambda: [d.code for d in s.client.diagnostics.get(uri, [])] == ["cannotExplainYet"])
    assert q(db, "select cannot_explain from answers") == [(1,)]
    assert q(db, "select status from prompts") == [("cannotExplain",)]
    assert q(db, "select count(*) from reviews") == [(0,)]


async def test_later_keeps_prompts_pending_across_a_restart(workspace, db):
    async with ownwise(workspace, db, answer="Later") as s:
        await ai_block(s)
        await s.command("ownwise.session.end")
        await eventually(lambda: q(db, "select prompt_choice from sessions") == [("later",)])
        assert not s.client.shown_documents
    async with ownwise(workspace, db) as s:
        pending = (await s.request("ownwise/pendingPrompts", {}))["prompts"]
        assert [(p["kind"], p["path"], p["range"], p["code"]) for p in pending] == [
            ("explain", "src/engine.py", {"startLine": 2, "endLine": 6}, BLOCK)]
        assert s.asked == []  # offered once already; "Later" is not nagged at start-up
        uri = s.open("src/engine.py", CORE + BLOCK)
        info = await s.file_info(uri)
        assert info["pendingPrompts"] == 1 and info["pendingPromptsTotal"] == 1


async def test_skip_is_recorded(workspace, db):
    async with ownwise(workspace, db, answer="Skip") as s:
        await ai_block(s)
        await s.command("ownwise.session.end")
        await eventually(lambda: q(db, "select status from prompts") == [("skipped",)])
        assert (await s.request("ownwise/pendingPrompts", {}))["prompts"] == []
    assert q(db, "select prompt_choice from sessions") == [("skip",)]


async def test_shutdown_ends_the_session_and_its_prompts_are_offered_at_next_start(workspace, db):
    async with ownwise(workspace, db) as s:
        await ai_block(s)
    assert q(db, "select end_reason from sessions") == [("shutdown",)]
    async with ownwise(workspace, db, answer="Later") as s:
        await eventually(lambda: s.asked)
        assert s.asked[0].message.startswith("Your last session ended when the editor closed. You kept 1 AI")
    assert q(db, "select end_reason, prompt_choice from sessions") == [("shutdown", "later")]


async def test_idle_ends_the_session(workspace, db):
    async with ownwise(workspace, db, answer="Later", settings={"session": {"idleMinutes": 0.02}}) as s:
        await ai_block(s)
        await eventually(lambda: s.asked, timeout=8)
    assert q(db, "select end_reason from sessions") == [("idle",)]


async def test_transient_and_small_blocks_get_no_prompt(workspace, db):
    async with ownwise(workspace, db, answer="Explain now") as s:
        await ai_block(s, rel="scripts/once.sh", text="#!/bin/sh\n\n")
        await ai_block(s, rel="src/small.py", block="x = 1\ny = 2\n")
        ended = await s.command("ownwise.session.end")
        # the 2-line block in a core file is under prompts.minLines (3): not asked about, and not debt
        assert ended == {"ended": True, "sessionId": ended["sessionId"], "prompts": 0, "smallLines": 2, "minLines": 3}
    assert s.asked == []


async def test_rich_client_requests(workspace, db):
    async with ownwise(workspace, db, answer="Later") as s:
        await ai_block(s)
        await s.command("ownwise.session.end")
        (p,) = (await s.request("ownwise/pendingPrompts", {}))["prompts"]
        res = await s.request("ownwise/answerPrompt", {"id": p["id"], "text": "adds numbers", "understanding": 3})
        assert res["accepted"] is False and res["reason"] == "tooShort"
        with pytest.raises(JsonRpcException):
            await s.request("ownwise/answerPrompt", {"id": p["id"], "text": GOOD, "understanding": 9})
        with pytest.raises(JsonRpcException):
            await s.request("ownwise/answerPrompt", {"id": "nope", "text": GOOD, "understanding": 3})
        with pytest.raises(JsonRpcException):
            await s.request("ownwise/skipPrompt", {})
        res = await s.request("ownwise/answerPrompt", {"id": p["id"], "text": GOOD, "understanding": 5})
        assert res["accepted"] is True and res["status"] == "answered" and "nextReview" in res
        again = await s.request("ownwise/answerPrompt", {"id": p["id"], "text": GOOD, "understanding": 5})
        assert again["accepted"] is False and again["reason"] == "notPending"
    assert q(db, "select understanding, via from answers") == [(5, "request")]


def fix_code_action_union(client) -> None:
    """lsprotocol's client-side converter reads a CodeAction that has a command as a Command
    (both have title and command); tell them apart the way the spec does: Command.command
    is a string."""
    conv = client.protocol._converter

    def structure(obj, _type):
        if isinstance(obj.get("command"), str):
            return conv.structure(obj, types.Command)
        return conv.structure(obj, types.CodeAction)

    conv.register_structure_hook(Union[types.Command, types.CodeAction], structure)  # noqa: UP007 - cattrs' key


async def test_code_action_explain_this_opens_a_prompt_for_that_block(workspace, db):
    async with ownwise(workspace, db) as s:
        fix_code_action_union(s.client)
        uri = await ai_block(s)
        await eventually(lambda: s.client.diagnostics.get(uri))
        actions = plain_actions(await s.client.text_document_code_action_async(types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(start=types.Position(line=3, character=0), end=types.Position(line=3, character=0)),
            context=types.CodeActionContext(diagnostics=s.client.diagnostics[uri]))))
        assert [a.title for a in actions] == ["Explain this (lines 3-7)"]
        cmd = actions[0].command
        res = await s.command(cmd.command, *cmd.arguments)
        assert res["prompts"] == 1
        assert doc_path(s).read_text().count("<!-- ownwise:prompt ") == 1
        await save_answer(s, doc_path(s), GOOD)
        await eventually(lambda: cleared(s, uri))


def plain_actions(actions):
    return [a for a in actions or [] if isinstance(a, types.CodeAction)]


async def test_recall_prompt_shows_the_code_only_after_the_answer(workspace, db):
    caps = types.ClientCapabilities(workspace=types.WorkspaceClientCapabilities(apply_edit=False))
    async with ownwise(workspace, db, answer="Explain now", capabilities=caps) as s:
        await ai_block(s, rel="tests/test_total.py")  # repeatable: a recall prompt
        await s.command("ownwise.session.end")
        await eventually(lambda: s.client.shown_documents)
        path = doc_path(s)
        text = path.read_text()
        assert "Starts with:" in text and "    acc += x" not in text
        await save_answer(s, path, GOOD)
        await eventually(lambda: "    acc += x" in path.read_text())
        assert "The code, to compare" in path.read_text()
    assert q(db, "select kind, status from prompts") == [("recall", "answered")]


async def test_explained_code_is_reasked_when_due(workspace, db):
    async with ownwise(workspace, db, answer="Later") as s:
        await ai_block(s)
        await s.command("ownwise.session.end")
        (p,) = (await s.request("ownwise/pendingPrompts", {}))["prompts"]
        res = await s.request("ownwise/answerPrompt", {"id": p["id"], "text": GOOD, "understanding": 4})
        assert res["accepted"]
    (workspace / "src" / "engine.py").write_text(CORE + BLOCK)
    # the same day: nothing is due
    async with ownwise(workspace, db, answer="Explain now") as s:
        uri = s.open("src/engine.py", CORE + BLOCK)
        s.insert(uri, 0, "# ")
        await s.file_info(uri)
        await s.command("ownwise.session.end")
        assert s.asked == []
    # 400 days later it is
    later = {"OWNWISE_CLOCK_OFFSET_SECONDS": str(400 * 86400)}
    async with ownwise(workspace, db, answer="Explain now", env=later) as s:
        uri = s.open("src/engine.py", CORE + BLOCK)
        s.insert(uri, 0, "# ")
        await eventually(lambda: s.client.shown_documents)
        assert s.asked[0].message == "Can you still explain `running_total` in src/engine.py?"
        path = doc_path(s)
        text = path.read_text()
        assert "Recall: _" in text and "    acc += x" not in text
        await save_answer(s, path, GOOD, understanding="4", rating="Good")
        await eventually(lambda: any("Saved your answer" in m for m in s.messages()))
    assert q(db, "select kind, status from prompts order by created_at") == [
        ("explain", "answered"), ("review", "answered")]
    assert q(db, "select rating from answers order by id") == [(None,), ("good",)]
    assert q(db, "select reps from reviews") == [(2,)]
