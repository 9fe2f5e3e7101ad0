"""The document mirror and its line tags, against naive reference models."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ownwise.attribution import Change, EditKind, TrackedDocument, split_lines
from ownwise.attribution.document import column_to_index, content_of, has_text

ALPHABET = st.sampled_from(list("ab \t") + ["\n", "\r\n", "\r", "é", "😀", "中"])
AI_ALPHABET = st.sampled_from(list("AB ") + ["\n", "\r\n", "😀"])


def _ref_lines(text: str) -> list[str]:
    """Reference split: walk the characters by hand."""
    out, cur, i = [], "", 0
    while i < len(text):
        c = text[i]
        if c == "\r" and i + 1 < len(text) and text[i + 1] == "\n":
            out.append(cur + "\r\n")
            cur, i = "", i + 2
            continue
        cur += c
        if c in "\r\n":
            out.append(cur)
            cur = ""
        i += 1
    out.append(cur)
    return out


def _offset(lines: list[str], line: int, units: int) -> int:
    """Reference: absolute offset of an LSP (line, utf-16 column) position."""
    line = min(line, len(lines) - 1)
    base = sum(len(x) for x in lines[:line])
    content = content_of(lines[line])
    n = 0
    for i, ch in enumerate(content):
        if n >= units:
            return base + i
        n += 2 if ord(ch) > 0xFFFF else 1
    return base + len(content)


@st.composite
def edit_script(draw, alphabet=ALPHABET):
    doc = draw(st.lists(alphabet, max_size=40).map("".join))
    steps = []
    for _ in range(draw(st.integers(1, 25))):
        l1 = draw(st.integers(0, 12))
        c1 = draw(st.integers(0, 12))
        l2 = draw(st.integers(0, 12))
        c2 = draw(st.integers(0, 12))
        ai = draw(st.booleans())
        text = draw(st.lists(AI_ALPHABET if ai else alphabet, max_size=12).map("".join))
        steps.append((l1, c1, l2, c2, text, ai))
    return doc, steps


def test_split_lines_matches_reference():
    for text in ["", "a", "a\n", "a\r\nb", "\r\r\n\n", "x\ry\nz\r\n", "\n"]:
        assert split_lines(text) == _ref_lines(text)
        assert "".join(split_lines(text)) == text


@given(edit_script())
@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow], deadline=None)
def test_mirror_equals_reference_text(script):
    doc_text, steps = script
    doc = TrackedDocument("file:///x", doc_text)
    ref = doc_text
    for l1, c1, l2, c2, text, ai in steps:
        ref_lines = _ref_lines(ref)
        a, b = _offset(ref_lines, l1, c1), _offset(ref_lines, l2, c2)
        if l1 >= len(ref_lines):
            a = len(ref)
        if l2 >= len(ref_lines):
            b = len(ref)
        if b < a:
            a, b = b, a
        # Positions are only compared when inside the document, as a client sends them.
        if l1 >= len(ref_lines) or l2 >= len(ref_lines):
            continue
        if (l2, c2) < (l1, c1):
            l1, c1, l2, c2 = l2, c2, l1, c1
        doc.apply([Change(text, l1, c1, l2, c2)], EditKind.INLINE_COMPLETION if ai else EditKind.HUMAN)
        ref = ref[:a] + text + ref[b:]
        assert doc.text == ref
        assert doc.lines == _ref_lines(ref)
        assert len(doc.tags) == len(doc.lines)
        # the marks of lines the user wrote in (human lines, counted once) move with their lines
        assert doc._typed is None or len(doc._typed) == len(doc.lines)


@given(edit_script(alphabet=st.sampled_from(list("hk \t") + ["\n", "\r\n"])))
@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow], deadline=None)
def test_every_line_holding_ai_text_is_tagged(script):
    """Reference model: a label per character. A line with any non-blank AI
    character must carry a tag; a document only humans typed in has none; the
    counts equal a recount of the tags."""
    doc_text, steps = script
    doc = TrackedDocument("file:///x", doc_text)
    ref = doc_text
    labels = [False] * len(ref)  # True: the character came from an AI
    any_ai = False
    for l1, c1, l2, c2, text, ai in steps:
        ref_lines = _ref_lines(ref)
        if l1 >= len(ref_lines) or l2 >= len(ref_lines):
            continue
        if (l2, c2) < (l1, c1):
            l1, c1, l2, c2 = l2, c2, l1, c1
        a, b = _offset(ref_lines, l1, c1), _offset(ref_lines, l2, c2)
        doc.apply([Change(text, l1, c1, l2, c2)], EditKind.CHAT_EDIT if ai else EditKind.HUMAN)
        ref = ref[:a] + text + ref[b:]
        labels = labels[:a] + [ai] * len(text) + labels[b:]
        any_ai = any_ai or (ai and has_text(text))
        pos = 0
        for i, line in enumerate(_ref_lines(ref)):
            has_ai_text = any(
                labels[pos + k] and not line[k].isspace() for k in range(len(line))
            )
            if has_ai_text:
                assert doc.tags[i] is not None, (i, line, doc.lines, doc.tags)
            pos += len(line)
        if not any_ai:
            assert all(t is None for t in doc.tags)
        ai = sum(1 for t in doc.tags if t and not t.human_modified)
        hm = sum(1 for t in doc.tags if t and t.human_modified)
        assert doc.ai_lines() == ai and doc.human_modified_lines() == hm


def test_column_to_index_utf16_utf8_utf32():
    s = "a😀b中"
    assert column_to_index(s, 1) == 1
    assert column_to_index(s, 3) == 2  # after the astral char (2 UTF-16 units)
    assert column_to_index(s, 4) == 3
    assert column_to_index(s, 99) == 4
    assert column_to_index(s, 5, "utf-8") == 2
    assert column_to_index(s, 2, "utf-32") == 2


def _completion(doc, text, line, kind=EditKind.INLINE_COMPLETION):
    return doc.apply([Change(text, line, 0, line, 0)], kind, "copilot")


BLOCK = "    x = load()\n    y = x * 2\n    return y\n"


def test_ai_insert_then_typing_inside_marks_only_that_line():
    doc = TrackedDocument("u", "def f():\n    pass\n")
    r = _completion(doc, BLOCK, 2)
    assert r.event.lines == 3 and r.event.kind == "inlineCompletion" and r.event.ai
    doc.apply([Change("z", 3, 5, 3, 5)], EditKind.HUMAN)
    flags = [(x.start_line, x.end_line, x.human_modified) for x in doc.ranges()]
    assert flags == [(2, 2, False), (3, 3, True), (4, 4, False)]
    assert doc.ai_lines() == 2 and doc.human_modified_lines() == 1


def test_undo_removes_and_redo_restores_without_new_event():
    doc = TrackedDocument("u", "def f():\n    pass\n")
    first = _completion(doc, BLOCK, 2).event
    doc.apply([Change("", 2, 0, 5, 0)], EditKind.UNDO)
    assert doc.ranges() == [] and doc.ai_lines() == 0
    r = doc.apply([Change(BLOCK, 2, 0, 2, 0)], EditKind.REDO)
    assert r.event is None and r.restored_lines == 3
    assert {x.event for x in doc.ranges()} == {first.id}
    assert doc.ai_lines() == 3


def test_whitespace_only_reformat_keeps_ai():
    doc = TrackedDocument("u", "def f():\n    pass\n")
    _completion(doc, BLOCK, 2)
    # re-indent every AI line (a formatter), with and without a format hint
    doc.apply([Change("  ", 2, 0, 2, 4)], EditKind.FORMAT)
    doc.apply([Change("        ", 3, 0, 3, 4)])
    assert doc.ai_lines() == 3 and doc.human_modified_lines() == 0


def test_paste_is_not_ai_and_hintless_big_insert_is_suspected():
    doc = TrackedDocument("u", "x = 1\n")
    r = doc.apply([Change("a = 1\nb = 2\nc = 3\n", 1, 0, 1, 0)], EditKind.PASTE)
    assert r.event is None and doc.ranges() == []
    r = doc.apply([Change("".join(f"v{i} = {i}\n" for i in range(30)), 4, 0, 4, 0)])
    assert r.event.kind == "suspected" and not r.event.ai and r.event.lines == 30
    assert doc.suspected_lines() == 30 and doc.ai_lines() == 0
    assert doc.ai_lines(suspected_counts_as_ai=True) == 30


def test_a_move_is_never_suspected():
    text = "".join(f"line_{i} = {i}\n" for i in range(5))
    doc = TrackedDocument("u", "top\n" + text + "end\n")
    doc.apply([Change("", 1, 0, 6, 0)])  # cut
    r = doc.apply([Change(text, 2, 0, 2, 0)])  # paste elsewhere, no hint
    assert r.event is None and doc.suspected_lines() == 0


def test_whitespace_and_small_hintless_changes_are_not_suspected():
    doc = TrackedDocument("u", "x\n")
    assert doc.apply([Change("\n\n\n    \n", 0, 1, 0, 1)]).event is None
    assert doc.apply([Change("y = 2", 1, 0, 1, 0)]).event is None


def test_deleting_ai_text_removes_it():
    doc = TrackedDocument("u", "a\n")
    _completion(doc, BLOCK, 1, EditKind.AGENT_EDIT)
    doc.apply([Change("", 1, 0, 3, 0)], EditKind.HUMAN)
    assert doc.ai_lines() == 1 and [x.start_line for x in doc.ranges()] == [1]


def test_out_of_range_positions_are_clamped_with_a_warning():
    doc = TrackedDocument("u", "ab\ncd")
    r = doc.apply([Change("X", 99, 0, 99, 5)], EditKind.HUMAN)
    assert doc.text == "ab\ncdX" and r.warnings
    r = doc.apply([Change("Y", 0, 50, 0, 60)], EditKind.HUMAN)
    assert doc.text == "abY\ncdX"


def test_restore_ranges_puts_tags_back():
    doc = TrackedDocument("u", "def f():\n    pass\n")
    _completion(doc, BLOCK, 2)
    saved = doc.ranges()
    again = TrackedDocument("u", doc.text)
    again.restore_ranges(saved)
    assert again.ranges() == saved and again.ai_lines() == 3


def test_whole_text_change_without_hint_only_touches_the_lines_that_differ():
    doc = TrackedDocument("u", "def f():\n    pass\n")
    _completion(doc, BLOCK, 2)
    new_text = doc.text.replace("    y = x * 2\n", "    y = x * 2  # c\n")
    r = doc.apply([Change.replace_all(new_text)])
    assert doc.text == new_text and r.event is None and doc.suspected_lines() == 0
    # line-level diff: the rewritten line is replaced (no longer AI), the others keep their tags
    assert doc.ai_lines() == 2 and [(x.start_line, x.end_line) for x in doc.ranges()] == [(2, 2), (4, 4)]
    assert doc.apply([Change.replace_all(new_text)]).event is None  # no change at all
    doc.apply([Change.replace_all("")])
    assert doc.text == "" and doc.ai_lines() == 0


@given(st.lists(st.lists(ALPHABET, max_size=30).map("".join), min_size=2, max_size=6))
@settings(max_examples=200, deadline=None)
def test_whole_text_changes_keep_the_mirror_exact(texts):
    doc = TrackedDocument("u", texts[0])
    for t in texts[1:]:
        doc.apply([Change.replace_all(t)], EditKind.HUMAN)
        assert doc.text == t and doc.lines == _ref_lines(t)
