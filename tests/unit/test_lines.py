"""Lines (the mirror's chunked line store) reads and changes exactly like a list of lines."""

from __future__ import annotations

import random

import pytest

from ownwise.attribution.lines import Lines, split_lines

# LSP breaks, and characters str.splitlines() breaks at but LSP does not
PIECES = ["a", "bc", "é", "中", "😀", " ", "\t", "\v", "\f", "\x1c", "\x85", "\u2028", "x" * 30]
BREAKS = ["\n", "\r\n", "\r"]


def random_lines(rng: random.Random, n: int, last: bool) -> list[str]:
    """``n`` lines, each with its break; when ``last``, the final one has none."""
    out = []
    for i in range(n):
        body = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 4)))
        brk = "" if last and i == n - 1 else rng.choice(BREAKS)
        out.append(body + brk)
    return out


def fix_cr(lines: list[str]) -> list[str]:
    """The mirror's invariant: a line ending in \\r is never followed by one starting with \\n."""
    return split_lines("".join(lines))


@pytest.mark.parametrize("chunk", [1, 2, 3, 8, 64])
def test_random_replacements_match_a_plain_list(chunk):
    rng = random.Random(f"lines-{chunk}")
    ref = fix_cr(random_lines(rng, rng.randint(1, 300), last=True))
    lines = Lines(ref, chunk=chunk)
    for step in range(3000):
        n = len(ref)
        a = rng.randint(0, n - 1)
        b = min(n, a + rng.choice([0, 0, 1, 1, 2, 5, 40, 200]))
        k = rng.choice([0, 1, 1, 2, 3, 10, 150])
        new = random_lines(rng, k, last=b == n)
        if b == n and not new:
            new = random_lines(rng, 1, last=True)  # the document keeps its last line
        candidate = ref[:a] + new + ref[b:]
        if candidate != fix_cr(candidate):
            continue  # a "\r" meeting a "\n": the document widens such edits first
        if rng.random() < 0.8:  # the document reads the lines it changes first (they turn hot)
            assert lines[a] == ref[a] and lines[max(a, b - 1)] == ref[max(a, b - 1)]
        lines.replace(a, b, new)
        ref = candidate
        # reads between edits, as the document does them
        for i in {0, a, min(a + 1, len(ref) - 1), len(ref) - 1, rng.randrange(len(ref))}:
            assert lines[i] == ref[i], (step, i)
        assert lines[-1] == ref[-1]
        x, y = sorted((rng.randint(-5, len(ref) + 5), rng.randint(-5, len(ref) + 5)))
        assert lines[x:y] == ref[x:y], (step, x, y)
        assert len(lines) == len(ref)
        if step % 50 == 0:
            assert lines == ref and list(lines) == ref
            assert lines.text() == "".join(ref)
    assert lines == ref and lines.text() == "".join(ref)


def test_slice_assignment_and_an_empty_last_line():
    lines = Lines(["a\n", "b\n", "c\n", ""], chunk=2)
    lines[1:3] = ["x\n"]
    assert lines == ["a\n", "x\n", ""]
    lines[3:3] = []  # nothing to insert at the end: unchanged
    lines[2:3] = ["y\n", "z"]
    assert lines.tolist() == ["a\n", "x\n", "y\n", "z"]
    assert lines.text() == "a\nx\ny\nz"
    assert lines[::2] == ["a\n", "y\n"]


def test_many_lines_pasted_into_one_place_are_rechunked():
    lines = Lines(["top\n", "end"], chunk=4)
    big = [f"{i}\n" for i in range(1000)]
    lines[1:1] = big
    assert len(lines) == 1002 and lines[500] == "499\n" and lines[-1] == "end"
    assert len(lines._chunks) >= 1002 // 8  # no chunk holds more than twice the chunk size
    del_all_but_last = lines.slice(0, 1001)
    assert del_all_but_last[0] == "top\n"
    lines.replace(0, 1001, [])
    assert lines == ["end"]


def test_bad_changes_are_refused_and_change_nothing():
    lines = Lines(["a\n", "b"], chunk=1)
    with pytest.raises(IndexError):
        lines.replace(1, 3, ["x"])
    with pytest.raises(IndexError):
        lines.replace(-1, 1, ["x"])
    with pytest.raises(ValueError):
        lines.replace(0, 2, [])  # a document has at least one line
    with pytest.raises(IndexError):
        lines[2]
    with pytest.raises(TypeError):
        lines[0] = "x"  # type: ignore[index]
    with pytest.raises(ValueError):
        Lines([])
    assert lines == ["a\n", "b"]


@pytest.mark.parametrize("chunk", [1, 2, 3, 64])
def test_from_text_equals_the_split_text(chunk):
    rng = random.Random(f"from-text-{chunk}")
    texts = ["", "a", "\n", "\r\n", "a\r", "a\r\nb", "\r\r\n\n", "x\n" * chunk, "x\n" * (chunk - 1) + "y"]
    texts += ["".join(random_lines(rng, rng.randint(1, 200), last=True)) for _ in range(200)]
    for text in texts:
        lines = Lines.from_text(text, chunk=chunk)
        assert lines == split_lines(text) and lines.text() == text and len(lines) == len(split_lines(text))
        for i in range(len(lines)):
            assert lines[i] == split_lines(text)[i]
