"""LineTags (two bytes per line) reads and changes exactly like a list of tags."""

from __future__ import annotations

import random

import pytest

from ownwise.attribution.linetags import LineTags
from ownwise.attribution.model import Tag


def test_random_changes_match_a_plain_list_also_when_the_palette_is_rebuilt():
    rng = random.Random("linetags")
    made = 0

    def fresh() -> Tag:
        nonlocal made
        made += 1
        return Tag(rng.choice(["inlineCompletion", "chatEdit", "suspected"]), "src", f"ev{made}",
                   rng.random() < 0.3)

    ref: list[Tag | None] = [None] * 30
    tags = LineTags.none(30)
    tags._limit = 48  # a small palette: rebuilt every few dozen new tags
    for step in range(5000):
        n = len(ref)
        a = rng.randint(0, n)
        b = min(n, a + rng.choice([0, 1, 2, 5, 12]))
        op = rng.random()
        if op < 0.6:
            t = fresh() if rng.random() < 0.7 else rng.choice([*ref, None])  # a new event, or an existing tag
            new = [t] * rng.randint(0, 6)
            if len(ref) - (b - a) + len(new) > 40:  # keep fewer live tags than the palette holds
                new = []
            tags[a:b] = new
            ref[a:b] = new
        elif op < 0.8 and n:
            i = rng.randrange(n) - (n if rng.random() < 0.3 else 0)  # negative indexes too
            t = rng.choice([fresh(), None, ref[i]])
            tags[i] = t
            ref[i] = t
        assert len(tags) == len(ref)
        if ref:
            i = rng.randrange(len(ref))
            assert tags[i] == ref[i]
        x, y = sorted((rng.randint(0, len(ref)), rng.randint(0, len(ref))))
        assert tags[x:y] == ref[x:y]
        if step % 25 == 0:
            assert tags == ref and list(tags) == ref
            runs = [(i, j, t) for i, j, t in tags.runs()]
            expect, i = [], 0
            while i < len(ref):
                if ref[i] is None:
                    i += 1
                    continue
                j = i
                while j + 1 < len(ref) and ref[j + 1] == ref[i]:
                    j += 1
                expect.append((i, j, ref[i]))
                i = j + 1
            assert runs == expect
    assert made > 10 * tags._limit  # the palette really was rebuilt many times
    assert len(tags._palette) <= tags._limit


def test_equal_tags_share_a_code_and_none_costs_nothing():
    t = Tag("chatEdit", "copilot", "e1")
    tags = LineTags([t, Tag("chatEdit", "copilot", "e1"), None, t.modified()])
    assert tags._palette == [None, t, t.modified()]
    assert tags.none(5000)._codes.itemsize * 5000 == 10_000


def test_more_live_tags_than_a_palette_holds_is_refused_and_changes_nothing():
    tags = LineTags([None] * 4, limit=3)
    tags[0:2] = [Tag("chatEdit", None, "a"), Tag("chatEdit", None, "b")]
    before = list(tags)
    with pytest.raises(OverflowError):
        tags[2:4] = [Tag("chatEdit", None, "c"), Tag("chatEdit", None, "d")]
    assert list(tags) == before
    with pytest.raises(IndexError):
        tags[4] = None
