"""The handler convention of lsp/ (no client): params validated with the short error text, the
database required with why it is not there, and the wire JSON built from the engine."""

from __future__ import annotations

from pathlib import Path

import pytest
from pygls.exceptions import JsonRpcInternalError, JsonRpcInvalidParams

from ownwise.attribution import Change, EditKind
from ownwise.engine import Engine
from ownwise.lsp import diagnostics, wire
from ownwise.lsp import protocol as P
from ownwise.lsp.handlers import require_database, validated
from ownwise.settings import Settings


def test_validated_answers_bad_params_with_the_method_and_the_short_reason():
    assert validated(P.FileInfoParams, {"uri": "file:///a.py", "textHash": True}, P.FILE_INFO).text_hash
    with pytest.raises(JsonRpcInvalidParams) as err:
        validated(P.AnswerPromptParams, {"id": "", "understanding": 9}, P.ANSWER_PROMPT)
    assert err.value.message == ("ownwise/answerPrompt: id: String should have at least 1 character; "
                                 "understanding: Input should be less than or equal to 5")
    with pytest.raises(JsonRpcInvalidParams) as err:
        validated(P.FileInfoParams, None, P.FILE_INFO)
    assert err.value.message.startswith("ownwise/fileInfo: params: ")


def test_require_database_says_why_there_is_none(tmp_path: Path):
    db = tmp_path / "ownwise.db"
    db.write_bytes(b"broken\n" * 100)
    engine = Engine(Settings(), db_path=db)
    with pytest.raises(JsonRpcInternalError) as err:
        require_database(engine, P.REPORT)
    assert err.value.message.startswith(f"ownwise/report: the ownwise database is not available (The ownwise "
                                        f"database {db} cannot be used")
    db.unlink()
    assert require_database(engine, P.REPORT) is engine


def test_the_wire_json_of_files_and_what_makes_diagnostics_due(tmp_path: Path):
    (tmp_path / "ws" / "src").mkdir(parents=True)
    (tmp_path / "ws" / ".ownwise.toml").write_text('[[ownership.rules]]\nglob = "src/**"\nclass = "core"\n')
    engine = Engine(Settings(), db_path=tmp_path / "ownwise.db")
    assert engine.open_store()
    engine.set_workspace_folders([tmp_path / "ws"])
    uri = (tmp_path / "ws" / "src" / "a.py").as_uri()
    closed = wire.file_info(engine, uri, with_text_hash=True)
    assert (closed["open"], closed["ownershipClass"], closed["textHash"], closed["aiRanges"]) == (
        False, "core", None, [])
    engine.open(uri, "", 1)
    key = diagnostics.due_key(engine, uri)
    engine.hint(uri, EditKind.CHAT_EDIT, "chat", None)
    engine.change(uri, None, [Change("a = 1\nb = 2\nc = 3\n", 0, 0, 0, 0)])
    info = wire.file_info(engine, uri)
    assert (info["open"], info["aiLines"], info["aiRanges"][0]["kind"], info["unexplainedBlocks"]) == (
        True, 3, "chatEdit", [{"startLine": 0, "endLine": 2, "cannotExplain": False}])
    assert "textHash" not in info
    changed = diagnostics.due_key(engine, uri)
    assert changed != key
    engine.prompts.invalidate_explained()  # an answer elsewhere: recomputed, though the text is the same
    assert diagnostics.due_key(engine, uri) != changed
    (d,) = diagnostics.of(engine, uri)
    assert (d.code, d.range.end.line, d.range.end.character) == (diagnostics.UNEXPLAINED, 2, 5)
    status, _key = wire.status(engine, uri) or ({}, ())
    rule = f"{tmp_path / 'ws' / '.ownwise.toml'}:1 (glob 'src/**' -> core)"
    assert status == {"uri": uri, "ownershipClass": "core", "rule": rule,
                      "aiLines": 3, "pendingPrompts": 0, "session": True,
                      "focus": {"active": False, "remainingSeconds": None}}
