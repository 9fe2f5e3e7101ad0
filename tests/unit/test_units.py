"""The engine's units, each on its own (no server): documents, recorder, crediting, explanation debt,
and the engine's fan-out of one change. Real SQLite files in ``tmp_path``, a fake wall clock."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from ownwise.attribution import Change, EditKind
from ownwise.clock import iso
from ownwise.crediting import AgentCredit
from ownwise.documents import Documents
from ownwise.engine import Engine
from ownwise.ownership import OwnershipClass
from ownwise.recorder import Recorder
from ownwise.sessions import SessionTracker
from ownwise.settings import Settings
from ownwise.store import StoreError
from ownwise.store.fast import connect, record
from tests.unit.test_sessions_prompts import BLOCK, Clock


@pytest.fixture
def clock() -> Clock:
    return Clock()


#: the classes these tests rely on, stated (not left to the built-in defaults)
RULES = ('[[ownership.rules]]\nglob = "src/**"\nclass = "core"\n\n'
         '[[ownership.rules]]\nglob = "tests/**"\nclass = "repeatable"\n')


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    (tmp_path / "ws" / "src").mkdir(parents=True)
    (tmp_path / "ws" / "tests").mkdir()
    (tmp_path / "ws" / ".ownwise.toml").write_text(RULES)
    return tmp_path / "ws"


def rows(db: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


# ---------------------------------------------------------------- documents
def documents(tmp_path: Path, ws: Path, **kw) -> Documents:
    d = Documents(Settings(), lambda: tmp_path / "data" / "explanations", **kw)
    d.set_workspace_folders([ws])
    return d


def test_documents_classify_each_file_and_say_where_it_is(tmp_path: Path, ws: Path):
    d = documents(tmp_path, ws)
    core = d.open((ws / "src" / "engine.py").as_uri(), "x = 1\n", 1, "python")
    test = d.open((ws / "tests" / "test_x.py").as_uri(), "", 1)
    assert core is not None and test is not None
    assert (core.decision.cls, core.where) == (OwnershipClass.CORE, (str(ws), "src/engine.py"))
    assert test.decision.cls is OwnershipClass.REPEATABLE
    assert d.language(core.doc.uri) == "python" and d.language((ws / "a.go").as_uri()) == "go"


def test_documents_leave_ownwises_own_documents_untracked(tmp_path: Path, ws: Path):
    d = documents(tmp_path, ws)
    folder = tmp_path / "data" / "explanations"
    folder.mkdir(parents=True)
    uri = (folder / "explain-1.md").as_uri()
    assert d.open(uri, "# x\n", 1) is None and uri in d.internal and uri not in d.docs
    d.close(uri)
    assert uri not in d.internal


def test_documents_reread_a_changed_rules_file_and_reclassify(tmp_path: Path, ws: Path):
    told: list[tuple[str, str]] = []
    d = documents(tmp_path, ws, notify_user=lambda level, msg: told.append((level, msg)))
    st = d.open((ws / "src" / "engine.py").as_uri(), "", 1)
    assert st is not None and st.decision.cls is OwnershipClass.CORE
    assert d.poll_config() is False
    (ws / ".ownwise.toml").write_text('[[ownership.rules]]\nglob = "src/**"\nclass = "transient"\n')
    assert d.poll_config() is True and st.decision.cls is OwnershipClass.TRANSIENT
    assert d.poll_config() is False
    (ws / ".ownwise.toml").write_text('[[ownership.rules]]\nglob = "src/**"\nclass = "nonsense"\n')
    d.poll_config()
    (ws / ".ownwise.toml").touch()
    d.load_config(ws)
    assert [level for level, _ in told] == ["error"]  # told once per distinct problem


def test_documents_take_the_users_override_and_secret_patterns(tmp_path: Path, ws: Path):
    d = documents(tmp_path, ws, override_for=lambda p: OwnershipClass.TRANSIENT if p.name == "x.py" else None)
    st = d.open((ws / "src" / "x.py").as_uri(), "", 1)
    assert st is not None and st.decision.cls is OwnershipClass.TRANSIENT
    assert d.is_secret(ws / "src" / "client_secret.py") and not d.is_secret(ws / "src" / "x.py")


def test_documents_current_lines_from_the_mirror_the_disk_or_gone(tmp_path: Path, ws: Path):
    d = documents(tmp_path, ws)
    on_disk = ws / "src" / "disk.py"
    on_disk.write_text("a\nb\n")
    uri = (ws / "src" / "open.py").as_uri()
    d.open(uri, "x\n", 1)
    assert list(d.current_lines(uri) or []) == ["x\n", ""]
    assert list(d.current_lines(on_disk.as_uri()) or []) == ["a\n", "b\n", ""]
    assert d.current_lines((ws / "gone.py").as_uri()) == []


# ----------------------------------------------------------------- recorder
def recorder_for(tmp_path: Path, clock: Clock, **kw) -> tuple[Recorder, Documents, SessionTracker]:
    rec = Recorder(db_path=tmp_path / "data" / "ownwise.db", wall=clock, **kw)
    docs = Documents(Settings(), rec.docs_dir, override_for=rec.override_for)
    return rec, docs, SessionTracker(clock)


def test_recorder_keeps_everything_queued_while_the_database_cannot_be_opened(tmp_path: Path, clock: Clock):
    told: list[str] = []
    db = tmp_path / "data" / "ownwise.db"
    db.parent.mkdir()
    db.write_bytes(b"not a database\n" * 100)
    rec, docs, sessions = recorder_for(tmp_path, clock, notify_user=lambda level, msg: told.append(level))
    rec.count_minute("core", 2, 10, 0, lambda: None)
    rec.put("k", 1)
    assert rec.flush(docs.docs, sessions) == 0 and len(rec.queue) == 2
    rec.flush(docs.docs, sessions)
    assert told == ["error"]  # once, not on every retry
    with pytest.raises(StoreError):
        rec.require_store()
    db.unlink()
    assert rec.flush(docs.docs, sessions) == 2 and len(rec.queue) == 0
    assert rows(db, "select minute, ownership_class, human_lines, human_chars from activity_minutes") == [
        ("2026-11-02T09:00:00.000+00:00", "core", 2, 10)]


def test_recorder_sums_a_minute_per_class_and_drops_it_once_the_minute_is_over(tmp_path: Path, clock: Clock):
    rec, docs, sessions = recorder_for(tmp_path, clock)
    rec.count_minute("core", 1, 1, 0, lambda: "block-1")
    rec.count_minute("core", 2, 5, 3, lambda: "never asked: the minute has its block")
    rec.count_minute("transient", 1, 1, 0, lambda: None)
    rec.flush(docs.docs, sessions)
    clock.advance(minutes=1)
    rec.count_minute("core", 1, 1, 0, lambda: None)
    rec.flush(docs.docs, sessions)
    assert rows(rec.database_path(), "select minute, ownership_class, focus_id, human_lines, human_chars, ai_lines "
                                     "from activity_minutes order by 1, 2") == [
        ("2026-11-02T09:00:00.000+00:00", "core", "block-1", 3, 6, 3),
        ("2026-11-02T09:00:00.000+00:00", "transient", None, 1, 1, 0),
        ("2026-11-02T09:01:00.000+00:00", "core", None, 1, 1, 0)]
    assert [k[0] for k in rec._minutes] == ["2026-11-02T09:01:00.000+00:00"]


def test_recorder_restores_ai_ranges_only_onto_the_same_text(tmp_path: Path, clock: Clock, ws: Path):
    rec, docs, sessions = recorder_for(tmp_path, clock)
    docs.set_workspace_folders([ws])
    uri = (ws / "src" / "a.py").as_uri()
    st = docs.open(uri, "", 1)
    assert st is not None
    st.doc.apply([Change(BLOCK, 0, 0, 0, 0)], EditKind.INLINE_COMPLETION, "copilot", version=2)
    rec.flush(docs.docs, sessions)  # the snapshot is queued and written
    for text, restored in ((BLOCK, 5), (BLOCK + "# changed outside\n", 0)):
        docs.close(uri)
        again = docs.open(uri, text, 3)
        assert again is not None
        rec.restore(uri, again)
        assert again.doc.ai_lines() == restored


def test_recorder_stores_the_client_state_and_the_prompt_choice(tmp_path: Path, clock: Clock):
    rec, docs, sessions = recorder_for(tmp_path, clock)
    assert rec.client_state("focus.snapshot") is None
    assert rec.client_state("focus.snapshot", {"a": 1}, write=True) == {"a": 1}
    sessions.activity(workspace=None, path="a.py", human_lines=1)
    s = sessions.end("command")
    assert s is not None
    rec.session_ended(s)
    rec.set_prompt_choice(s.id, "later", docs.docs, sessions)  # still queued: changed there, then written
    assert rows(rec.database_path(), "select prompt_choice from sessions") == [("later",)]


# ---------------------------------------------------------------- crediting
def test_crediting_finds_the_lines_an_agents_recorded_edit_wrote(tmp_path: Path, clock: Clock, ws: Path):
    rec, docs, _ = recorder_for(tmp_path, clock)
    docs.set_workspace_folders([ws])
    credit = AgentCredit(docs, rec, clock)
    f = ws / "src" / "agent.py"
    f.write_text("a = 1\nb = 2\n")
    assert rec.open_store()
    conn = connect(rec.database_path())
    record(conn, agent="claude-code", phase="pre", path=f, ts=iso(clock() - timedelta(seconds=2)),
           session="s1", tool="Edit")
    f.write_text("a = 1\nnew = 3\nb = 2\n")
    record(conn, agent="claude-code", phase="post", path=f, ts=iso(clock() - timedelta(seconds=1)),
           session="s1", tool="Edit")
    conn.close()
    found = credit.external_change(f)
    assert found is not None
    st, ev = found
    assert (ev.kind, ev.source, ev.lines) == ("agentEdit", "claude-code", 1)
    assert [(r.start_line, r.end_line) for r in st.doc.ranges()] == [(1, 1)]
    assert credit.external_change(f) is None  # credited once
    docs.open(f.as_uri(), f.read_text(), 1)
    assert credit.external_change(f) is None  # open: the editor's reload is matched instead


def test_crediting_leaves_a_write_no_hook_recorded_alone(tmp_path: Path, clock: Clock, ws: Path, caplog):
    rec, docs, _ = recorder_for(tmp_path, clock)
    f = ws / "src" / "plain.py"
    f.write_text("x = 1\n")
    credit = AgentCredit(docs, rec, clock)
    caplog.set_level("INFO", logger="ownwise.crediting")
    # the editor reports one write as several changes (created, changed, changed): one log line
    assert [credit.external_change(f) for _ in range(3)] == [None, None, None]
    f.write_text("x = 2\n")  # a second write: its own line
    assert credit.external_change(f) is None
    assert [r.getMessage().endswith("unattributed") for r in caplog.records] == [True, True]


# ---------------------------------------------------------- explanation debt
@pytest.fixture
def engine(tmp_path: Path, clock: Clock, ws: Path) -> Engine:
    e = Engine(Settings(), db_path=tmp_path / "data" / "ownwise.db", wall=clock)
    assert e.open_store()
    e.set_workspace_folders([ws])
    return e


def ai_insert(e: Engine, uri: str, line: int, text: str) -> None:
    e.hint(uri, EditKind.INLINE_COMPLETION, "copilot", None)
    e.change(uri, None, [Change(text, line, 0, line, 0)])


def test_debt_is_core_ai_code_not_explained_and_goes_when_answered(engine: Engine, ws: Path):
    core, test = (ws / "src" / "a.py").as_uri(), (ws / "tests" / "test_a.py").as_uri()
    engine.open(core, "", 1)
    engine.open(test, "", 1)
    ai_insert(engine, core, 0, BLOCK)
    ai_insert(engine, test, 0, BLOCK)
    debt = engine.prompts
    (block,) = debt.debt(core)
    assert (block.block.start_line, block.block.end_line, block.cannot_explain, block.end_character) == (
        0, 4, False, len("    return acc"))
    assert debt.debt(test) == []
    prompt = engine.prompt_for_block(block.block)
    assert engine.prompt_for_block(block.block).id == prompt.id  # the pending one, not a second
    before = debt.generation
    assert engine.service is not None
    answer = ("running_total adds the numbers of the list one after the other and gives back the total, "
              "using a plain loop because the input is small.")
    assert engine.service.answer(prompt.id, answer, understanding=4).accepted
    debt.invalidate_explained()
    assert debt.generation > before and debt.debt(core) == []


def test_debt_holds_a_sessions_prompts_in_the_queue_without_a_database(tmp_path: Path, clock: Clock, ws: Path):
    db = tmp_path / "data" / "ownwise.db"
    db.parent.mkdir()
    db.write_bytes(b"broken\n" * 100)
    e = Engine(Settings(), db_path=db, wall=clock)
    e.set_workspace_folders([ws])
    uri = (ws / "src" / "a.py").as_uri()
    e.open(uri, "", 1)
    ai_insert(e, uri, 0, BLOCK)
    s = e.sessions.end("command")
    assert s is not None
    ended = e.prompts.end_of_session(s)
    prompts, earlier = ended.prompts, ended.earlier
    assert prompts == [] and earlier == []
    assert [p.path for p in e.recorder.queue.prompts.values()] == ["src/a.py"]


# ------------------------------------------------------------ the fan-out
def test_a_change_in_a_focus_block_is_a_violation_and_the_user_is_told_once(tmp_path: Path, clock: Clock, ws: Path):
    told: list[str] = []
    e = Engine(Settings(), db_path=tmp_path / "data" / "ownwise.db", wall=clock,
               notify_user=lambda level, msg: told.append(msg))
    assert e.open_store() and e.focus is not None
    e.set_workspace_folders([ws])
    started: list[int] = []
    e.on_session_start = lambda s: started.append(s.id)
    block, _ = e.focus.start(30)
    uri = (ws / "src" / "a.py").as_uri()
    e.open(uri, "", 1)
    ai_insert(e, uri, 0, BLOCK)
    ai_insert(e, uri, 5, BLOCK)
    e.change(uri, None, [Change("x", 0, 0, 0, 0)])  # typed: not a violation
    e.flush()
    assert rows(e.recorder.database_path(), "select block_id, kind, lines, path from focus_violations") == [
        (block.id, "inlineCompletion", 5, "src/a.py")] * 2
    assert len(told) == 1 and "no-AI block" in told[0]
    assert len(started) == 1  # the first change started the session; the others went on in it
    (edits,) = rows(e.recorder.database_path(), "select count(*) from edits")
    assert edits == (2,)
