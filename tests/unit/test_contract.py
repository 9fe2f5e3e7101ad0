"""The typed contract with the clients: generated files up to date, every method in it, and what the
server really sends fitting its models (they forbid unknown keys, so a key added on one side only fails)."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

import pytest

from ownwise.attribution import Change, EditKind
from ownwise.engine import Engine
from ownwise.focus.manager import FocusChange
from ownwise.lsp import contract, wire
from ownwise.lsp import results as P
from ownwise.lsp.app import build_server
from ownwise.settings import Settings

CLIENT = Path(__file__).resolve().parents[2] / "client-vscode" / "src"


def test_the_generated_schema_and_typescript_are_up_to_date():
    for path, text in contract.rendered().items():
        assert path.read_text(encoding="utf-8") == text, (
            f"{path.name} is out of date: run .venv/bin/python -m ownwise.lsp.contract --write")


def test_every_ownwise_method_and_command_the_server_handles_is_in_the_contract():
    fm = build_server().protocol.fm
    handled = {m for m in fm.features if m.startswith("ownwise/")}
    assert handled == set(P.REQUESTS) | set(P.CLIENT_NOTIFICATIONS)
    assert set(fm.commands) == set(P.COMMANDS)


def test_the_vscode_client_sends_ownwise_messages_only_through_the_typed_helpers():
    raw = re.compile(r"\.(sendRequest|sendNotification|onNotification)\(")
    bare = {f.name: [ln for ln in f.read_text().splitlines() if raw.search(ln)]
            for f in CLIENT.glob("*.ts") if f.name not in ("rpc.ts", "protocol.ts")}
    assert {name: lines for name, lines in bare.items() if lines} == {}


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    (tmp_path / "ws" / "src").mkdir(parents=True)
    (tmp_path / "ws" / ".ownwise.toml").write_text('[[ownership.rules]]\nglob = "src/**"\nclass = "core"\n')
    now = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)
    e = Engine(Settings(), db_path=tmp_path / "data" / "ownwise.db", wall=lambda: now)
    assert e.open_store()
    e.set_workspace_folders([tmp_path / "ws"])
    e.ws = tmp_path / "ws"  # type: ignore[attr-defined]
    return e


def test_what_the_server_sends_fits_the_contracts_models(engine: Engine):
    uri = (engine.ws / "src" / "a.py").as_uri()  # type: ignore[attr-defined]
    P.FileInfo.model_validate(wire.file_info(engine, uri, with_text_hash=True))
    engine.open(uri, "", 1)
    engine.hint(uri, EditKind.CHAT_EDIT, "chat", None)
    engine.change(uri, None, [Change("def f(a):\n    b = a\n    return b\n", 0, 0, 0, 0)])
    info = P.FileInfo.model_validate(wire.file_info(engine, uri, with_text_hash=True))
    assert info.ai_lines == 3 and info.unexplained_blocks and info.text_hash
    status = wire.status(engine, uri)
    assert status is not None
    P.Status.model_validate(status[0])

    assert engine.focus is not None
    block, _ = engine.focus.start(30, "a task")
    P.FocusChanged.model_validate(wire.focus_changed(FocusChange(block, True), engine.focus, engine.wall()))
    P.FocusStatus.model_validate({**engine.focus.status(), "started": True})
    ended = engine.focus.stop("command")
    assert ended is not None
    P.FocusChanged.model_validate(wire.focus_changed(FocusChange(ended, False), engine.focus, engine.wall()))
    P.FocusStopped.model_validate({"active": False, "stopped": True, "block": wire.block(ended, engine.wall())})
    P.FocusStatus.model_validate(engine.focus.status())
    P.Calibration.model_validate(engine.focus.calibration(engine.settings.focus, 2))

    from ownwise.prompts.service import prompt_json

    ended_session = engine.end_session("command")
    assert ended_session is not None and ended_session.prompts
    P.PendingPrompts.model_validate({"prompts": [prompt_json(p) for p in engine.prompts.service.pending()]})
    outcome = engine.prompts.service.answer(ended_session.prompts[0].id, "too short", understanding=3)
    P.AnswerOutcome.model_validate(wire.outcome(outcome))
    P.OwnershipDecision.model_validate(wire.decision(engine.documents.docs[uri].decision))
