"""Tests of prompt blocks: merging AI ranges, the policy, selection, and locating a block again."""

from __future__ import annotations

import pytest

from ownwise.attribution.document import split_lines
from ownwise.attribution.model import AIRange
from ownwise.prompts.blocks import Block, locate, merge_blocks, prompt_kind, select

URI, PATH = "file:///ws/src/a.py", "src/a.py"
POLICY = {"transient": "none", "repeatable": "recall", "core": "explain"}


def doc(*lines: str) -> list[str]:
    """Document lines, each with its break except the last (as in TrackedDocument.lines)."""
    return split_lines("\n".join(lines))


def rng(start: int, end: int, kind: str = "chatEdit", event: str = "e1", *, hm: bool = False,
        source: str | None = "copilot") -> AIRange:
    return AIRange(start, end, kind, source, hm, event)


def merge(ranges: list[AIRange], lines: list[str], **kw) -> list[Block]:
    return merge_blocks(URI, PATH, "core", ranges, lines, **kw)


def block(path: str = PATH, cls: str = "core", start: int = 0, n: int = 3) -> Block:
    return Block(URI, path, cls, start, start + n - 1, "x\n" * n, frozenset({"e"}), ("chatEdit",), ())


LINES10 = doc(*(f"line{i}" for i in range(10)))


# ------------------------------------------------------------------ merge_blocks
def test_adjacent_ranges_of_different_kinds_and_modification_merge():
    ranges = [
        rng(2, 3, "inlineCompletion", "e1", source="copilot"),
        rng(4, 4, "chatEdit", "e2", hm=True, source="claude"),
        rng(5, 6, "inlineCompletion", "e3", source="copilot"),
    ]
    [b] = merge(ranges, LINES10)
    assert (b.start_line, b.end_line, b.lines) == (2, 6, 5)
    assert b.events == frozenset({"e1", "e2", "e3"})
    assert b.kinds == ("inlineCompletion", "chatEdit")
    assert b.sources == ("copilot", "claude")
    assert b.code == "".join(LINES10[2:7])
    assert (b.uri, b.path, b.ownership_class) == (URI, PATH, "core")


def test_unsorted_ranges_and_overlaps_merge():
    ranges = [rng(5, 6, event="b"), rng(2, 4, event="a"), rng(3, 5, event="c")]
    [b] = merge(ranges, LINES10)
    assert (b.start_line, b.end_line) == (2, 6)
    assert b.events == frozenset({"a", "b", "c"})


def test_blank_gap_is_bridged_and_belongs_to_the_block():
    lines = doc("a = 1", "b = 2", "", "   ", "c = 3", "d = 4")
    [b] = merge([rng(0, 1, event="x"), rng(4, 5, event="y")], lines)
    assert (b.start_line, b.end_line) == (0, 5)
    assert b.code == "a = 1\nb = 2\n\n   \nc = 3\nd = 4"


def test_human_line_between_keeps_blocks_apart():
    lines = doc("a = 1", "b = 2", "", "human = 1", "", "c = 3")
    blocks = merge([rng(0, 1), rng(4, 5)], lines)
    assert [(b.start_line, b.end_line) for b in blocks] == [(0, 1), (5, 5)]


def test_events_filter():
    ranges = [rng(0, 1, event="keep"), rng(2, 3, event="drop"), rng(6, 7, event="keep")]
    blocks = merge(ranges, LINES10, events={"keep"})
    assert [(b.start_line, b.end_line) for b in blocks] == [(0, 1), (6, 7)]
    assert all(b.events == frozenset({"keep"}) for b in blocks)
    assert merge(ranges, LINES10, events=[]) == []


def test_suspected_excluded_by_default_included_with_flag():
    ranges = [rng(0, 2, "suspected", "s", source=None), rng(3, 4, "agentEdit", "a")]
    [b] = merge(ranges, LINES10)
    assert (b.start_line, b.end_line, b.kinds) == (3, 4, ("agentEdit",))
    [b] = merge(ranges, LINES10, include_suspected=True)
    assert (b.start_line, b.end_line) == (0, 4)
    assert b.kinds == ("suspected", "agentEdit")
    assert b.sources == ("copilot",)


def test_non_ai_kinds_are_ignored():
    assert merge([rng(0, 2, "paste"), rng(3, 4, "human")], LINES10) == []


def test_blank_lines_at_the_ends_are_trimmed():
    lines = doc("", "  ", "x = 1", "y = 2", "", "\t", "z")
    [b] = merge([rng(0, 5)], lines)
    assert (b.start_line, b.end_line, b.code) == (2, 3, "x = 1\ny = 2\n")
    assert merge([rng(0, 1), rng(4, 5, event="e2")], lines) == []


def test_ranges_are_clamped_to_the_document():
    lines = doc("a", "b", "c")
    [b] = merge([rng(-3, 99)], lines)
    assert (b.start_line, b.end_line, b.code) == (0, 2, "a\nb\nc")
    assert merge([rng(5, 9)], lines) == []


def test_crlf_lines_keep_their_breaks():
    lines = split_lines("a\r\n\r\nb\r\nc")
    [b] = merge([rng(0, 0), rng(2, 3)], lines)
    assert b.code == "a\r\n\r\nb\r\nc"


# ----------------------------------------------------------------- prompt_kind
@pytest.mark.parametrize(
    ("cls", "expected"),
    [("core", "explain"), ("repeatable", "recall"), ("transient", None), ("unknown", None)],
)
def test_prompt_kind(cls, expected):
    assert prompt_kind(cls, POLICY) == expected


def test_prompt_kind_accepts_ownership_enum():
    from ownwise.ownership import OwnershipClass

    assert prompt_kind(OwnershipClass.CORE, POLICY) == "explain"
    assert prompt_kind("core", {OwnershipClass.CORE: "recall"}) == "recall"


# ---------------------------------------------------------------------- select
def test_min_lines_edge():
    exact, short = block(n=3), block(start=10, n=2)
    assert select([exact, short], POLICY, min_lines=3) == [exact]
    assert select([short], POLICY, min_lines=2) == [short]


def test_transient_with_policy_none_is_dropped():
    t = block(cls="transient", n=50)
    assert select([t], POLICY) == []
    assert select([t], {**POLICY, "transient": "recall"}) == [t]


def test_order_and_cap_with_a_mix_of_classes():
    r_big = block("b.py", "repeatable", 0, 40)
    c_small = block("z.py", "core", 0, 3)
    c_big = block("z.py", "core", 10, 9)
    c_same_a = block("a.py", "core", 50, 5)
    c_same_a_early = block("a.py", "core", 5, 5)
    c_same_b = block("b.py", "core", 0, 5)
    other = block("o.py", "experimental", 0, 100)
    transient = block("t.py", "transient", 0, 100)
    policy = {**POLICY, "experimental": "recall"}
    every = [other, transient, r_big, c_small, c_same_b, c_same_a, c_big, c_same_a_early]
    expected = [c_big, c_same_a_early, c_same_a, c_same_b, c_small, r_big, other]
    assert select(every, policy, max_count=10) == expected
    assert select(every, policy) == expected[:5]
    assert select(every, policy, max_count=6) == expected[:6]
    assert select(every, policy, max_count=0) == []
    assert select(every, policy, max_count=-1) == []


# ---------------------------------------------------------------------- locate
CODE_LINES = [
    "def parse_header(raw: bytes) -> dict[str, str]:",
    '    """Split a raw HTTP header block."""',
    "    fields = {}",
    "    for line in raw.split(b'\\r\\n'):",
    "        name, _, value = line.partition(b':')",
    "        fields[name.strip().lower()] = value.strip()",
    "    if not fields:",
    "        return None",
    "    return fields",
    "}",
]
CODE = "\n".join(CODE_LINES) + "\n"


def filler(n: int, tag: str = "f") -> list[str]:
    return [f"{tag}_{i} = {i}" for i in range(n)]


def test_locate_unchanged_block_moved_down():
    before = doc(*filler(10), *CODE_LINES, *filler(5, "g"))
    assert locate(CODE, before) == (10, 19, 1.0)
    after = doc(*filler(60), *CODE_LINES, *filler(5, "g"))
    assert locate(CODE, after) == (60, 69, 1.0)


def test_locate_ignores_indentation_and_blank_lines():
    moved = [("\t" + line.strip()) if line.strip() else line for line in CODE_LINES]
    moved.insert(3, "")
    got = locate(CODE, doc(*filler(7), *moved))
    assert got == (7, 17, 1.0)


def test_locate_half_rewritten():
    changed = list(CODE_LINES)
    for i in (0, 2, 4, 6, 8):
        changed[i] = f"rewritten_{i}()"
    got = locate(CODE, doc(*filler(30), *changed, *filler(30, "g")))
    assert got is not None
    start, end, sim = got
    assert sim == pytest.approx(0.5)
    assert 30 <= start and end <= 39


def test_locate_deleted():
    assert locate(CODE, doc(*filler(40))) is None
    assert locate(CODE, []) is None
    assert locate("\n  \n", doc(*filler(3))) is None


def test_common_lines_do_not_pull_the_region_away():
    # Lots of "return None" and "}" near the top; the block's distinctive lines are far below.
    noise = []
    for i in range(12):
        noise += [f"def helper_{i}():", "        return None", "}"]
    body = doc(*noise, *filler(100), *CODE_LINES, *filler(10, "g"))
    start = len(noise) + 100
    assert locate(CODE, body) == (start, start + 9, 1.0)


def test_common_lines_only_inside_the_distinctive_region_count():
    # The block was edited: its "return None" and "}" are gone, but they abound elsewhere.
    edited = [line for line in CODE_LINES if line.strip() not in ("return None", "}")]
    noise = ["        return None", "}"] * 10
    body = doc(*noise, *filler(50), *edited, *filler(50, "g"), *noise)
    start = len(noise) + 50
    got = locate(CODE, body)
    assert got is not None
    assert got[0] == start and got[1] == start + len(edited) - 1
    assert got[2] == pytest.approx(8 / 10)


def test_locate_repeated_lines_in_the_code_match_once_each():
    code = "x = 1\nx = 1\ny = 2\n"
    body = doc("x = 1", *filler(20), "x = 1", "x = 1", "y = 2", *filler(20, "g"), "x = 1")
    assert locate(code, body) == (21, 23, 1.0)


def test_locate_region_is_at_most_twice_the_code():
    code = "alpha()\nbeta()\n"
    body = doc("alpha()", *filler(10), "beta()")
    start, end, sim = locate(code, body)
    assert end - start + 1 <= 4
    assert sim == pytest.approx(0.5)
