"""Bad input gets a clear error and loses nothing: the server keeps serving."""

from __future__ import annotations

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException

from .conftest import ownwise

CORE = "def f():\n    pass\n"


async def test_bad_hints_and_requests_get_errors_and_the_server_keeps_going(workspace, db):
    async with ownwise(workspace, db) as s:
        uri = s.open("src/a.py", CORE)
        # hints with wrong types or unknown kinds are logged and ignored
        s.client.protocol.notify("ownwise/editHint", {"uri": uri, "kind": "telepathy"})
        s.client.protocol.notify("ownwise/editHint", {"uri": 42, "kind": "inlineCompletion"})
        s.client.protocol.notify("ownwise/editHint", None)
        s.insert(uri, 2, "x = 1\n")
        info = await s.file_info(uri)
        assert info["aiLines"] == 0
        # a request with wrong param types is answered with an LSP error
        with pytest.raises(JsonRpcException) as err:
            await s.request("ownwise/fileInfo", {"uri": 5})
        assert err.value.code == -32602
        with pytest.raises(JsonRpcException):
            await s.request("ownwise/fileInfo", None)
        with pytest.raises(JsonRpcException):
            await s.command("ownwise.ownership.set", {"uri": uri, "class": "vital"})
        # unknown uris: a change is ignored, fileInfo classifies what it can
        s.client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri="file:///nowhere/x.py", version=9),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text="zzz")]))
        other = await s.file_info("file:///nowhere/x.py")
        assert other["open"] is False and other["aiLines"] == 0
        assert any("not open" in m.message for m in s.client.log_messages)
        # still attributing correctly afterwards
        s.hint(uri, "inlineCompletion")
        s.insert(uri, 3, "y = 2\nz = 3\n")
        assert (await s.file_info(uri))["aiLines"] == 2


async def test_ranges_past_the_end_are_clamped_and_the_mirror_stays_right(workspace, db):
    async with ownwise(workspace, db) as s:
        uri = s.open("src/a.py", "ab\ncd")
        s.change(uri, 99, 0, 99, 7, "X")         # past the last line: appended at the end
        s.change(uri, 0, 50, 0, 60, "Y")         # past the line's end: at the end of the line
        s.hint(uri, "inlineCompletion")
        s.insert(uri, 1, "ai()\nmore()\n")
        info = await s.file_info(uri)
        assert [(r["startLine"], r["endLine"]) for r in info["aiRanges"]] == [(1, 2)]
        assert any("past the end" in m.message for m in s.client.log_messages)
        # the mirror is right: closing and reopening the same text restores the ranges
        s.close(uri)
        uri = s.open("src/a.py", "abY\nai()\nmore()\ncdX")
        assert (await s.file_info(uri))["aiLines"] == 2


async def test_a_20_mb_insert_is_taken_and_stored_with_a_capped_snippet(workspace, db):
    big = ("x = 1  # filler line of an agent's big write\n" * 460_000)[: 20 * 1024 * 1024]
    async with ownwise(workspace, db) as s:
        uri = s.open("src/a.py", CORE)
        s.hint(uri, "agentEdit", "some-agent")
        s.insert(uri, 2, big)
        info = await s.file_info(uri)
        assert info["aiLines"] == big.count("\n") + 1 - (1 if big.endswith("\n") else 0)
    import sqlite3
    con = sqlite3.connect(db)
    (snippet_len, chars), = con.execute("select length(snippet), chars from edits").fetchall()
    assert snippet_len <= 4096 and chars == len(big)


async def test_server_info_and_client_state_round_trip(workspace, db):
    async with ownwise(workspace, db) as s:
        info = await s.request("ownwise/serverInfo", {})
        assert info["databasePath"] == str(db) and info["dataDir"] == str(db.parent)
        saved = [{"key": "editor.inlineSuggest.enabled", "user": {"set": True, "value": True}}]
        assert (await s.request("ownwise/clientState", {"key": "vscode.focus", "value": saved}))["value"] == saved
        assert (await s.request("ownwise/clientState", {"key": "vscode.focus"}))["value"] == saved
        assert (await s.request("ownwise/clientState", {"key": "vscode.focus", "value": None}))["value"] is None
        with pytest.raises(JsonRpcException):
            await s.request("ownwise/clientState", {"key": "bad key!"})
