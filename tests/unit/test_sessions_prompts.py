"""Sessions and prompts through the pure engine and the prompt service (no server)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from ownwise.attribution import Change, EditKind
from ownwise.engine import Engine
from ownwise.prompts.blocks import Block
from ownwise.prompts.service import PromptService, summary_message
from ownwise.sessions import SessionTracker
from ownwise.settings import PromptSettings, Settings
from ownwise.store import Store

BLOCK = ("def running_total(items):\n"
         "    acc = 0\n"
         "    for x in items:\n"
         "        acc += x\n"
         "    return acc\n")
GOOD = ("running_total adds up the items one by one and returns the sum; it keeps a plain "
        "accumulator because the list is small and order does not matter here.")


class Clock:
    def __init__(self) -> None:
        self.t = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.t

    def advance(self, **kw) -> None:
        self.t += timedelta(**kw)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def engine(tmp_path: Path, clock: Clock) -> Engine:
    ws = tmp_path / "ws"
    (ws / "src").mkdir(parents=True)
    # these tests are about sessions and prompts, not about how a file gets its class
    (ws / ".ownwise.toml").write_text('[[ownership.rules]]\nglob = "src/**"\nclass = "core"\n')
    e = Engine(Settings(), db_path=tmp_path / "data" / "ownwise.db", wall=clock)
    assert e.open_store()
    e.set_workspace_folders([ws])
    e.ws = ws  # type: ignore[attr-defined]
    return e


def ai_insert(e: Engine, uri: str, line: int, text: str, kind=EditKind.INLINE_COMPLETION) -> None:
    e.hint(uri, kind, "copilot", None)
    e.change(uri, None, [Change(text, line, 0, line, 0)])


def uri_of(e: Engine, rel: str) -> str:
    return (e.ws / rel).as_uri()  # type: ignore[attr-defined]


def test_session_counts_human_and_ai_lines_by_kind_and_class(engine: Engine, clock: Clock):
    core, tests = uri_of(engine, "src/engine.py"), uri_of(engine, "tests/test_x.py")
    engine.open(core, "x = 1\n", 1)
    engine.open(tests, "", 1)
    engine.change(core, 2, [Change("y = 2\n", 1, 0, 1, 0)])  # typed by the user
    engine.change(core, 3, [Change("z = 3\n", 2, 0, 2, 0)])
    ai_insert(engine, core, 3, BLOCK)
    ai_insert(engine, tests, 0, "def test_a():\n    assert run() == 1\n", EditKind.CHAT_EDIT)
    s = engine.sessions.current
    assert s is not None and s.human_lines == 2 and s.human_chars == len("y=2z=3")
    assert dict(s.ai_by_kind) == {"inlineCompletion": 5, "chatEdit": 2}
    assert dict(s.ai_by_class) == {"core": 5, "repeatable": 2}
    assert s.files == {"src/engine.py", "tests/test_x.py"}


def test_session_end_prompts_only_code_still_present_core_first(engine: Engine, clock: Clock):
    core, rep = uri_of(engine, "src/engine.py"), uri_of(engine, "tests/test_x.py")
    engine.open(core, "", 1)
    engine.open(rep, "", 1)
    ai_insert(engine, rep, 0, "def test_a():\n    x = run()\n    assert x == 1\n    assert x\n"
                              "    assert run() != 2\n    assert True\n")  # 6 lines
    ai_insert(engine, core, 0, BLOCK)  # 5 lines
    ai_insert(engine, core, 5, "def gone():\n    return 1\n    # tail\n")
    engine.change(core, None, [Change("", 5, 0, 8, 0)])  # the user deleted that AI code again
    ended = engine.end_session("command")
    assert ended is not None
    assert [(p.path, p.kind, p.lines) for p in ended.prompts] == [
        ("src/engine.py", "explain", 5), ("tests/test_x.py", "recall", 6)]
    assert summary_message(ended.prompts) == (
        "You kept 1 AI edit (5 lines) in core code and 1 AI edit (6 lines) in repeatable code this "
        "session. Explain them now?")
    rec = engine.store.session(ended.session.id)
    assert rec is not None and rec.end_reason == "command" and rec.ended_at is not None


def test_closed_file_keeps_its_prompts_and_max_per_session_caps(engine: Engine):
    engine.settings.prompts.max_per_session = 1
    a, b = uri_of(engine, "src/a.py"), uri_of(engine, "src/b.py")
    engine.open(a, "", 1)
    engine.open(b, "", 1)
    ai_insert(engine, a, 0, BLOCK)
    ai_insert(engine, b, 0, BLOCK + "    # and more\n")
    engine.close(b)
    ended = engine.end_session("command")
    assert [(p.path, p.lines) for p in ended.prompts] == [("src/b.py", 6)]


def test_idle_ends_at_last_edit(engine: Engine, clock: Clock):
    engine.settings.session.idle_minutes = 20
    engine.sessions.idle_minutes = 20
    u = uri_of(engine, "src/a.py")
    engine.open(u, "", 1)
    engine.change(u, 2, [Change("a", 0, 0, 0, 0)])
    last = clock()
    clock.advance(minutes=19)
    assert not engine.sessions.idle_expired()
    clock.advance(minutes=1)
    assert engine.sessions.idle_expired()
    ended = engine.end_session("idle")
    assert ended.session.ended_at == last


def test_stale_open_session_of_a_dead_server_is_closed_as_interrupted(engine: Engine, clock: Clock):
    u = uri_of(engine, "src/a.py")
    engine.open(u, "", 1)
    engine.change(u, 2, [Change("a", 0, 0, 0, 0)])
    engine.flush()
    sid = engine.sessions.current.id
    engine.sessions.current = None  # the server died: nothing ended it
    clock.advance(hours=1)
    assert engine.close_stale_sessions() == 1
    rec = engine.store.session(sid)
    assert rec.end_reason == "interrupted" and rec.ended_at == rec.last_activity


def test_explanation_documents_are_not_tracked_as_code(engine: Engine):
    engine.service.docs_dir.mkdir(parents=True)
    doc = (engine.service.docs_dir / "explain-x.md").as_uri()
    assert engine.open(doc, "# x\n", 1) is None
    assert engine.change(doc, 2, [Change("typing", 0, 0, 0, 0)]) is None
    assert engine.sessions.current is None


# ------------------------------------------------------------- the service
@pytest.fixture
def service(tmp_path: Path, clock: Clock) -> PromptService:
    store, _ = Store.open(tmp_path / "db" / "ownwise.db")
    return PromptService(store, tmp_path / "db" / "explanations", clock, PromptSettings())


def block(code=BLOCK, cls="core", path="src/a.py", start=0) -> Block:
    return Block(uri=f"file:///ws/{path}", path=path, ownership_class=cls, start_line=start,
                 end_line=start + code.count("\n") - 1, code=code, events=frozenset({"e1"}),
                 kinds=("inlineCompletion",), sources=("copilot",))


def test_answer_needs_understanding_then_schedules_a_review(service: PromptService, clock: Clock):
    (p,) = service.create(1, [(block(), "/ws", "python")])
    o = service.answer(p.id, GOOD)
    assert not o.accepted and o.reason == "noUnderstanding"
    o = service.answer(p.id, GOOD, understanding=4)
    assert o.accepted and o.next_due is not None and o.next_due > clock()
    assert service.store.review(p.id).reps == 1
    assert service.explained_events(p.uri) == ({"e1"}, set())
    assert service.pending() == []


def test_review_when_due_and_changed_code_becomes_a_new_prompt(service: PromptService, clock: Clock):
    (p,) = service.create(1, [(block(), "/ws", "python")])
    service.answer(p.id, GOOD, understanding=3)
    assert service.due() == []
    clock.advance(days=60)
    (card, original), = service.due()
    lines = ["# header\n"] * 10 + BLOCK.splitlines(keepends=True)
    r = service.reask(card, original, lines, kind_for_changed="explain")
    assert r.kind == "review" and (r.start_line, r.end_line) == (10, 14)
    assert r.question.startswith("Without looking at the code: can you still explain `running_total` in src/a.py?")
    assert service.due() == []  # one a day, and one pending already
    o = service.answer(r.id, GOOD, rating="good")
    assert o.accepted and service.store.review(p.id).reps == 2
    clock.advance(days=400)
    (card, original), = service.due()
    rewritten = ["def running_total(items):\n", "    return sum(items)\n"]
    r2 = service.reask(card, original, rewritten, kind_for_changed="explain")
    assert r2.kind == "explain" and r2.parent_id == p.id and r2.code == "".join(rewritten)
    assert service.store.review(p.id).retired == "changed"


def test_reask_of_deleted_code_retires_the_card(service: PromptService, clock: Clock):
    (p,) = service.create(1, [(block(), "/ws", "python")])
    service.answer(p.id, GOOD, understanding=3)
    clock.advance(days=60)
    (card, original), = service.due()
    assert service.reask(card, original, ["nothing here\n"], kind_for_changed="explain") is None
    assert service.store.review(p.id).retired == "gone" and service.due() == []


def test_skip_and_cannot_explain(service: PromptService):
    a, b = service.create(1, [(block(), "/ws", "python"), (block(path="src/b.py"), "/ws", "python")])
    assert [p.status for p in service.skip([a.id])] == ["skipped"]
    o = service.answer(b.id, "I can't explain this yet")
    assert o.accepted and o.cannot_explain and o.next_due is None
    assert service.explained_events(b.uri) == (set(), {"e1"})
    assert [x.cannot_explain for x in service.store.answers()] == [True]


def test_document_round_trip_stores_each_answer(service: PromptService):
    a, b = service.create(1, [(block(), "/ws", "python"), (block(path="src/b.py"), "/ws", "python")])
    path = service.write_document([a, b])
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    text = path.read_text()
    marker = "<!-- write your answer below this line -->"
    first, rest = text.split(marker, 1)
    rest = rest.replace("Understanding: _/5", "Understanding: 5/5", 1)
    outcomes = service.answer_document(first + marker + "\n" + GOOD + "\n" + rest)
    assert [(o.prompt.id, o.accepted) for o in outcomes] == [(a.id, True)]  # b not started
    assert [p.id for p in service.pending()] == [b.id]


def test_tracker_without_activity_has_no_session(clock: Clock):
    t = SessionTracker(clock, 1)
    assert t.end("command") is None and not t.idle_expired()


def test_secret_files_get_no_prompt_and_no_debt(engine: Engine):
    u = uri_of(engine, "src/client_secret.py")
    engine.open(u, "", 1)
    ai_insert(engine, u, 0, BLOCK)
    assert engine.docs[u].decision.cls.value == "core" and engine.debt(u) == []
    assert engine.end_session("command").prompts == []


def test_prompts_of_a_session_ended_without_a_database_are_stored_once_it_opens(tmp_path: Path, clock: Clock):
    ws = tmp_path / "ws"
    (ws / "src").mkdir(parents=True)
    (ws / ".ownwise.toml").write_text('[[ownership.rules]]\nglob = "src/**"\nclass = "core"\n')
    dbfile = tmp_path / "data" / "ownwise.db"
    dbfile.parent.mkdir()
    dbfile.write_bytes(b"not a database, whatever it was\n" * 200)  # cannot be opened
    e = Engine(Settings(), db_path=dbfile, wall=clock)
    assert not e.open_store()
    e.set_workspace_folders([ws])
    core = (ws / "src" / "engine.py").as_uri()
    e.open(core, "", 1)
    ai_insert(e, core, 0, BLOCK)
    ended = e.end_session("command")
    assert ended is not None and ended.prompts == []
    clock.advance(minutes=5)
    assert e.flush() == 0 and e.store is None  # still unavailable: nothing lost, nothing written

    dbfile.unlink()  # the user moved the broken file aside
    clock.advance(minutes=5)
    e.flush()
    assert e.store is not None
    (p,) = e.store.prompts()
    assert (p.session_id, p.path, p.kind, p.status, p.lines, p.code, p.offered_at) == (
        ended.session.id, "src/engine.py", "explain", "pending", 5, BLOCK, None)
    assert p.created_at == "2026-11-02T09:00:00.000+00:00"  # when the session ended
    assert e.store.session(ended.session.id).end_reason == "command"
    e.flush()
    assert [q.id for q in e.store.prompts()] == [p.id]  # written once
    assert e.refresh_pending() and e.pending_total == 1

    outcome = e.service.answer(p.id, GOOD, understanding=4)
    assert outcome.accepted
    assert e.store.prompt(p.id).status == "answered" and e.store.review(p.id) is not None
    e.refresh_pending()
    assert e.pending_total == 0 and e.debt(core) == []
