"""Hint-less inserts judged by the evidence across open documents (attribution/provenance.py),
through the real engine: moves between documents, copies, snippet expansions, and what stays suspected.
A monotonic clock the test moves; a real SQLite file in ``tmp_path``."""

from __future__ import annotations

from pathlib import Path

import pytest

from ownwise.attribution import Change, EditKind, Provenance
from ownwise.engine import Engine

A, B, C = "file:///ws/src/a.py", "file:///ws/src/b.py", "file:///ws/src/c.py"

HELPER = "def helper(items):\n    total = 0\n    for x in items:\n        total += x\n    return total\n"
#: code that is in no open document: what an AI inserts
FRESH = "def ratio(a, b):\n    if b == 0:\n        return None\n    return a / b\n"


class Tick:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def tick() -> Tick:
    return Tick()


@pytest.fixture
def engine(tmp_path: Path, tick: Tick) -> Engine:
    e = Engine(clock=tick, db_path=tmp_path / "ownwise.db")
    e.open(A, "import os\n\n" + HELPER + "\nprint(1)\n", 1, "python")
    e.open(B, "x = 1\n\ny = 2\n", 1, "python")
    return e


def suspected(e: Engine, uri: str) -> int:
    return e.documents.docs[uri].doc.suspected_lines()


def insert(e: Engine, uri: str, line: int, text: str, char: int = 0) -> None:
    e.change(uri, None, [Change(text, line, char, line, char)])


def test_a_cut_in_one_document_pasted_into_another_is_a_move(engine: Engine, tick: Tick):
    engine.change(A, None, [Change("", 2, 0, 7, 0)])  # cut the helper out of a.py
    tick.now += 40.0  # found the place in b.py
    insert(engine, B, 1, HELPER)
    assert suspected(engine, B) == 0
    assert engine.provenance.last is not None and engine.provenance.last.verdict == "move"


def test_a_moved_block_reindented_is_still_a_move(engine: Engine, tick: Tick):
    engine.change(A, None, [Change("", 2, 0, 7, 0)])
    tick.now += 5.0
    insert(engine, B, 1, "".join("    " + s for s in HELPER.splitlines(keepends=True)))
    assert suspected(engine, B) == 0


def test_ai_code_cut_in_one_document_keeps_its_tags_in_the_other(engine: Engine, tick: Tick):
    engine.hint(A, EditKind.INLINE_COMPLETION, "copilot", None)
    insert(engine, A, 0, FRESH)
    [ai] = engine.documents.docs[A].doc.ranges()
    assert (ai.start_line, ai.end_line, ai.kind) == (0, 3, "inlineCompletion")
    engine.change(A, None, [Change("", 0, 0, 4, 0)])  # cut
    tick.now += 3.0
    insert(engine, B, 2, FRESH)  # pasted, no hint (Neovim 0.7 without its client's put detection)
    [moved] = engine.documents.docs[B].doc.ranges()
    assert (moved.start_line, moved.end_line, moved.kind, moved.event) == (2, 5, "inlineCompletion", ai.event)
    assert suspected(engine, B) == 0


def test_a_cut_pasted_much_later_is_judged_again(engine: Engine, tick: Tick):
    engine.change(A, None, [Change("", 2, 0, 7, 0)])
    tick.now += Provenance.MOVE_SECONDS + 1
    insert(engine, B, 1, HELPER)
    assert suspected(engine, B) == 5


def test_a_copy_from_an_open_document_is_not_suspected(engine: Engine):
    insert(engine, B, 1, HELPER)  # copied from a.py, which still holds it
    assert suspected(engine, B) == 0
    assert engine.provenance.last is not None and engine.provenance.last.verdict == "copy"


def test_a_copy_from_a_document_closed_a_moment_ago_is_not_suspected(engine: Engine, tick: Tick):
    engine.close(A)
    tick.now += 2.0
    insert(engine, B, 1, HELPER)
    assert suspected(engine, B) == 0


def test_code_that_is_nowhere_stays_suspected(engine: Engine):
    insert(engine, B, 1, FRESH)
    assert suspected(engine, B) == 4
    assert engine.provenance.last is not None and engine.provenance.last.verdict == "suspected"


def test_a_snippet_replacing_its_trigger_in_one_change_is_not_suspected(engine: Engine, tick: Tick):
    for k, ch in enumerate("for"):  # typed on a new line of b.py
        tick.now += 0.15
        insert(engine, B, 1, ch, k)
    tick.now += 0.3
    body = "for item in iterable:\n    pass"
    engine.change(B, None, [Change(body, 1, 0, 1, 3)])
    assert suspected(engine, B) == 0
    assert engine.provenance.last is not None and engine.provenance.last.verdict == "snippet"


def test_a_snippet_as_a_deletion_and_an_insert_is_not_suspected(engine: Engine, tick: Tick):
    for k, ch in enumerate("def"):
        tick.now += 0.15
        insert(engine, B, 1, ch, k)
    tick.now += 0.4
    engine.change(B, None, [Change("", 1, 0, 1, 3)])  # LuaSnip: the trigger deleted ...
    tick.now += 0.002
    insert(engine, B, 1, "def function_name(args):\n    \"\"\"Docstring.\"\"\"\n    pass")  # ... the body put there
    assert suspected(engine, B) == 0


def test_an_insert_a_while_after_deleting_a_word_there_is_judged_on_its_own(engine: Engine, tick: Tick):
    engine.change(B, None, [Change("", 0, 0, 0, 1)])  # "x" deleted
    tick.now += 3.0  # then, seconds later, an AI block accepted at that place
    insert(engine, B, 0, FRESH)
    assert suspected(engine, B) == 4


def test_one_engine_shares_the_evidence_and_forgets_what_it_should(engine: Engine, tick: Tick):
    engine.open(C, "z = 3\n", 1, "python")
    assert engine.documents.docs[C].doc.judge is engine.provenance
    engine.close(C)
    engine.open(C, "z = 3\n", 2, "python")  # reopened: its text is open again, not a closed one's
    insert(engine, B, 1, FRESH)
    insert(engine, C, 1, FRESH)  # FRESH is in b.py now: a copy
    assert suspected(engine, B) == 4 and suspected(engine, C) == 0


def type_line(e: Engine, tick: Tick, uri: str, line: int, text: str, col: int = 0) -> int:
    for ch in text:
        tick.now += 0.12
        insert(e, uri, line, ch, col)
        col += 1
    return col


def test_a_statement_completed_where_the_user_types_is_suspected(engine: Engine, tick: Tick):
    insert(engine, B, 1, "\n")
    col = type_line(engine, tick, B, 1, "ret")
    tick.now += 1.2  # the ghost text showed; Tab (no hint: a client that sends none)
    insert(engine, B, 1, "urn Path(unquote(parsed.path))", col)
    assert suspected(engine, B) == 1


def test_a_completed_name_or_a_line_typed_elsewhere_is_not(engine: Engine, tick: Tick):
    insert(engine, B, 1, "\n")
    col = type_line(engine, tick, B, 1, "x = app")
    tick.now += 0.5
    insert(engine, B, 1, "end_to_list(", col)  # a completion item: the rest of one name
    assert suspected(engine, B) == 0
    tick.now += 0.5
    insert(engine, B, 0, "from collections import OrderedDict\n")  # an auto-import, not where the user types
    assert suspected(engine, B) == 0
    tick.now += 1.0
    insert(engine, A, 0, "value = compute(total, rate, items)")  # another document than the one typed in
    assert suspected(engine, A) == 0


def test_a_line_typed_into_then_pasted_from_an_open_document_is_a_copy(engine: Engine, tick: Tick):
    engine.open(C, "total = compute_total(items, tax_rate, discount)\n", 1, "python")
    insert(engine, B, 1, "\n")
    col = type_line(engine, tick, B, 1, "total = ")
    tick.now += 2.0
    insert(engine, B, 1, "compute_total(items, tax_rate, discount)", col)  # copied from c.py
    assert suspected(engine, B) == 0
    assert engine.provenance.last is not None and engine.provenance.last.verdict == "copy"


LONG = "    return compute_total(items, tax_rate=tax_rate, discount=discount, rounding=rounding_mode)\n"


def test_a_keystroke_sent_as_the_whole_document_is_not_suspected(engine: Engine, tick: Tick):
    engine.open(C, "def f(items):\n" + LONG + "x = 1\n", 1, "python")
    tick.now += 1.0
    typed = LONG.replace("rounding_mode)", "rounding_mode) ")
    engine.change(C, None, [Change.replace_all("def f(items):\n" + typed + "x = 1\n")])  # a client syncing whole text
    assert suspected(engine, C) == 0
    assert engine.provenance.last is not None and engine.provenance.last.verdict == "edit"


def test_a_rewrite_that_keeps_only_the_first_line_is_judged_by_what_it_adds(engine: Engine, tick: Tick):
    engine.open(C, "def f(a, b):\n    pass\n", 1, "python")
    tick.now += 1.0
    engine.change(C, None, [Change("def f(a, b):\n    if b == 0:\n        return None\n    return a / b\n",
                                   0, 0, 2, 0)])
    assert suspected(engine, C) == 4


def test_a_cut_survives_many_deleted_words_and_characters_before_the_paste(engine: Engine, tick: Tick):
    engine.change(A, None, [Change("", 2, 0, 7, 0)])  # cut the helper
    for _ in range(100):  # then the user types and deletes in b.py: words and characters
        tick.now += 0.2
        insert(engine, B, 0, "word ")
        engine.change(B, None, [Change("", 0, 0, 0, 5)])
        insert(engine, B, 0, "x")
        engine.change(B, None, [Change("", 0, 0, 0, 1)])
    insert(engine, B, 1, HELPER)
    assert suspected(engine, B) == 0


def test_the_evidence_can_be_turned_off_and_on_again(tmp_path: Path, tick: Tick):
    from ownwise.settings import parse_settings

    off, _ = parse_settings({"attribution": {"evidence": False}})
    e = Engine(off, clock=tick, db_path=tmp_path / "ownwise.db")
    e.open(A, "import os\n\n" + HELPER, 1, "python")
    e.open(B, "x = 1\n", 1, "python")
    insert(e, B, 1, HELPER)  # a copy, judged by size alone
    assert suspected(e, B) == 5
    on, _ = parse_settings({})
    e.apply_settings(on)
    insert(e, B, 0, HELPER)
    assert suspected(e, B) == 5


def test_sorted_lines_are_an_edit_not_new_code(engine: Engine, tick: Tick):
    engine.open(C, "import sys\nimport os\nimport json\nimport re\n", 1, "python")
    tick.now += 1.0
    engine.change(C, None, [Change("import json\nimport os\nimport re\nimport sys\n", 0, 0, 4, 0)])  # Sort Lines
    assert suspected(engine, C) == 0
    assert engine.provenance.last is not None and engine.provenance.last.verdict == "edit"
