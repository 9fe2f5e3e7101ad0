"""Human lines as people mean them: a line the user wrote in counts once per session, however many
keystrokes it took (docs/report.md, "humanLines")."""

from __future__ import annotations

from ownwise.attribution import Change, EditKind, TrackedDocument

TYPED = "def total(items):\n    return sum(items)\n"


def type_keys(doc: TrackedDocument, text: str, line: int = 0, col: int = 0, epoch: int = 1,
              hint: EditKind | None = None) -> int:
    """Type ``text`` one key at a time at (line, col), as an editor sends it; return the human lines counted."""
    counted = 0
    for ch in text:
        counted += doc.apply([Change(ch, line, col, line, col)], hint, epoch=epoch).human_lines
        if ch == "\n":
            line, col = line + 1, 0
        else:
            col += 1
    return counted


def test_two_lines_typed_key_by_key_are_two_lines():
    doc = TrackedDocument("file:///a.py", "")
    assert type_keys(doc, TYPED) == 2
    assert doc.text == TYPED


def test_fixing_and_retyping_a_line_does_not_count_it_again():
    doc = TrackedDocument("file:///a.py", "")
    assert type_keys(doc, "x = 1\n") == 1
    # backspace twice and type the value again, then add a comment at its end
    doc.apply([Change("", 0, 3, 0, 5)])
    assert type_keys(doc, "42", 0, 3) == 0
    assert type_keys(doc, "  # the answer", 0, 6) == 0
    # a new session (epoch) counts it again, once
    assert type_keys(doc, "!", 0, 0, epoch=2) + type_keys(doc, "?", 0, 0, epoch=2) == 1


def test_a_line_moved_down_by_lines_typed_above_keeps_its_count():
    doc = TrackedDocument("file:///a.py", "")
    assert type_keys(doc, "b = 2\n") == 1
    # Enter at its start makes an empty line above; typing there counts that line only, and typing in
    # the old one (now line 1) does not count it again
    assert type_keys(doc, "\n", 0, 0) == 0
    assert type_keys(doc, "a = 1", 0, 0) == 1
    assert doc.text == "a = 1\nb = 2\n"
    assert type_keys(doc, "0", 1, 5) == 0


def test_splitting_a_line_is_not_writing_one_but_typing_on_the_new_line_is():
    doc = TrackedDocument("file:///a.py", "")
    assert type_keys(doc, "first()") == 1
    # Enter in the middle, then auto-indent's whitespace: nothing written yet
    assert doc.apply([Change("\n    ", 0, 5, 0, 5)]).human_lines == 0
    assert doc.text == "first\n    ()"  # the second line keeps the old line's text (and count)
    assert type_keys(doc, "x", 1, 4) == 0
    # Enter at the end of a line, then typing on the empty new line: a new line
    assert type_keys(doc, "\nsecond()", 1, 7) == 1


def test_a_multi_line_paste_counts_its_lines_and_undo_redo_reload_count_nothing():
    doc = TrackedDocument("file:///a.py", "")
    assert doc.apply([Change("a = 1\nb = 2\n\nc = 3\n", 0, 0, 0, 0)], EditKind.PASTE).human_lines == 3
    assert doc.apply([Change("", 0, 0, 4, 0)], EditKind.UNDO).human_lines == 0
    assert doc.apply([Change("a = 1\nb = 2\n", 0, 0, 0, 0)], EditKind.REDO).human_lines == 0
    assert doc.apply([Change.replace_all("x = 9\n")], EditKind.EXTERNAL_RELOAD).human_lines == 0


def test_ai_code_is_not_human_and_typing_into_it_counts_the_line_once():
    doc = TrackedDocument("file:///a.py", "\n")
    ai = doc.apply([Change("def f():\n    return 1\n", 0, 0, 0, 0)], EditKind.INLINE_COMPLETION)
    assert ai.human_lines == 0 and ai.event is not None and ai.event.lines == 2
    assert type_keys(doc, "0", 1, 12) + type_keys(doc, "0", 1, 13) == 1
    assert doc.ai_lines() == 1 and doc.human_modified_lines() == 1


def test_documents_only_read_keep_no_marks():
    doc = TrackedDocument("file:///a.py", "x\n" * 1000)
    doc.apply([Change("y = 1\n", 0, 0, 0, 0)], EditKind.INLINE_COMPLETION)
    assert doc._typed is None
    type_keys(doc, "z", 5, 0)
    assert doc._typed is not None and len(doc._typed) == len(doc.lines)
