"""The open documents classified from evidence (issue: the Ownership Matrix from evidence): the text read
on open, on save and when an AI edit lands, never per keystroke; the repository's evidence arriving
later and reclassifying; an AI block in a core function of a CRUD file asked about, counted and
recorded as core."""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

import pytest

from ownwise.attribution import Change, EditKind
from ownwise.documents import Documents
from ownwise.engine import Engine
from ownwise.ownership.index import RepoIndex, refresh
from ownwise.settings import Settings
from tests.samples import branchy
from tests.unit.test_sessions_prompts import Clock

ROUTES = '''\
import hmac
from fastapi import APIRouter

router = APIRouter()


@router.get("/items")
def list_items():
    return []


@router.get("/users")
def list_users():
    return []


def authenticate(given, stored):
    if not given:
        return False
'''
CHECK = "    return hmac.compare_digest(given, stored)\n"


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "__init__.py").write_text("")
    (root / "pkg" / "engine.py").write_text(branchy(4))
    for i in range(8):
        (root / "pkg" / f"user{i}.py").write_text("from .engine import work\n")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


def _docs(tmp_path: Path, ws: Path) -> Documents:
    d = Documents(Settings(), lambda: tmp_path / "data" / "explanations")
    d.set_workspace_folders([ws])
    return d


def test_a_document_is_classified_from_its_text_and_again_when_its_repository_s_evidence_arrives(
        tmp_path: Path, ws: Path) -> None:
    docs = _docs(tmp_path, ws)
    uri = (ws / "pkg" / "engine.py").as_uri()
    st = docs.open(uri, branchy(4), 1)
    assert st is not None and st.decision.source == "evidence"
    assert st.decision.cls.value == "repeatable"  # 4 branch points, nobody known to import it yet
    changed = docs.apply_index(ws, RepoIndex(refresh(ws)))
    assert changed == [uri]
    assert st.decision.cls.value == "core" and "imported by 8 files" in st.decision.rule


def test_a_save_reads_the_text_again_and_moves_fan_in(tmp_path: Path, ws: Path) -> None:
    docs = _docs(tmp_path, ws)
    docs.apply_index(ws, RepoIndex(refresh(ws)))
    engine_uri = (ws / "pkg" / "engine.py").as_uri()
    user_uri = (ws / "pkg" / "user0.py").as_uri()
    engine = docs.open(engine_uri, branchy(4), 1)
    user = docs.open(user_uri, "from .engine import work\n", 1)
    assert engine is not None and user is not None and engine.decision.cls.value == "core"
    # typing changes nothing until the save
    user.doc.apply([Change(branchy(20), 0, 0, 1, 0)], None, None, version=2)
    assert user.decision.cls.value == "transient"
    changed = docs.saved(user_uri)
    assert user_uri in changed and user.decision.cls.value == "core"  # 20 branch points of its own now
    assert "imported by 7 files" in engine.decision.rule  # user0 no longer imports the engine


def test_a_closed_file_is_classified_from_the_disk(tmp_path: Path, ws: Path) -> None:
    (ws / "pkg" / "big.py").write_text(branchy(40))
    docs = _docs(tmp_path, ws)
    d = docs.classify_path(ws / "pkg" / "big.py")
    assert (d.cls.value, d.source) == ("core", "evidence")


def test_an_ai_edit_counts_under_the_class_the_text_has_now(tmp_path: Path, ws: Path) -> None:
    clock = Clock()
    engine = Engine(Settings(), db_path=tmp_path / "data" / "ownwise.db", wall=clock)
    assert engine.open_store()
    engine.set_workspace_folders([ws])
    uri = (ws / "tests" / "test_new.py").as_uri()
    (ws / "tests").mkdir()
    engine.open(uri, "", 1)  # an empty file in tests/: a placeholder, transient
    assert engine.docs[uri].decision.cls.value == "transient"
    engine.hint(uri, EditKind.CHAT_EDIT, "copilot-chat", None)
    engine.change(uri, 2, [Change("def test_a():\n    assert run() == 1\n\n\ndef test_b():\n    assert 2\n",
                                  0, 0, 0, 0)])
    assert engine.docs[uri].decision.cls.value == "repeatable"
    assert dict(engine.sessions.current.ai_by_class) == {"repeatable": 6}


def test_a_stream_of_ai_edits_reads_the_document_once_then_at_the_next_tick(tmp_path: Path, ws: Path) -> None:
    """An agent streaming edits into a large file must not re-read it per edit; the class still follows."""
    docs = _docs(tmp_path, ws)
    uri = (ws / "pkg" / "new.py").as_uri()
    st = docs.open(uri, "", 1)
    assert st is not None and st.decision.cls.value == "transient"
    st.doc.apply([Change("def a():\n    return 1\n", 0, 0, 0, 0)], EditKind.CHAT_EDIT, "chat", version=2)
    docs.reread(uri)  # the first AI edit since the tick: read at once
    first = st.facts
    st.doc.apply([Change(branchy(30), 2, 0, 2, 0)], EditKind.CHAT_EDIT, "chat", version=3)
    assert docs.reread(uri) is False and st.facts is first  # the next ones wait for the tick
    assert st.decision.cls.value != "core"
    assert docs.reread_marked() == [uri] and st.decision.cls.value == "core"
    assert docs.reread_marked() == []  # nothing marked since
    st.doc.apply([Change("\n", 0, 0, 0, 0)], EditKind.CHAT_EDIT, "chat", version=4)
    read_at_tick = st.facts
    docs.reread(uri)
    assert st.facts is not read_at_tick  # a new tick: the first AI edit is read at once again


def test_an_ai_block_in_a_core_function_of_a_crud_file_is_asked_about_counted_and_stored_as_core(
        tmp_path: Path, ws: Path) -> None:
    clock = Clock()
    engine = Engine(Settings(), db_path=tmp_path / "data" / "ownwise.db", wall=clock)
    assert engine.open_store()
    engine.set_workspace_folders([ws])
    uri = (ws / "app" / "routes.py").as_uri()
    engine.open(uri, ROUTES, 1)
    st = engine.docs[uri]
    assert st.decision.cls.value == "repeatable" and "CRUD routes" in st.decision.rule
    line = ROUTES.count("\n")
    engine.hint(uri, EditKind.INLINE_COMPLETION, "copilot", None)
    engine.change(uri, 2, [Change(CHECK + "    # the stored hash is never logged\n    # nor compared with ==\n",
                                  line, 0, line, 0)])
    (debt,) = engine.debt(uri)
    assert debt.block.ownership_class == "core"
    assert debt.block.class_reason == ("This block is in a repeatable file, but the function authenticate is core: "
                                       "it uses hmac (security); it is asked about as core.")
    ended = engine.end_session("command")
    assert ended is not None
    (prompt,) = ended.prompts
    assert prompt.ownership_class == "core" and prompt.question.startswith("This block is in a repeatable file")
    engine.flush()
    rows = sqlite3.connect(tmp_path / "data" / "ownwise.db").execute(
        "select ownership_class from edits where ai = 1").fetchall()
    assert rows == [("core",)]


def test_the_core_threshold_setting_moves_the_line(tmp_path: Path, ws: Path) -> None:
    from ownwise.settings import parse_settings

    docs = _docs(tmp_path, ws)
    uri = (ws / "pkg" / "big.py").as_uri()
    st = docs.open(uri, branchy(40), 1)
    assert st is not None and st.decision.cls.value == "core" and st.decision.score is not None
    settings, errors = parse_settings({"ownership": {"evidence": {"coreThreshold": st.decision.score + 0.5}}})
    assert not errors
    docs.apply_settings(settings)
    assert st.decision.cls.value == "repeatable"
