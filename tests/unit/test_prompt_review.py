"""Tests of spaced re-asking: FSRS cards, ratings, due times, and the interval wording."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from ownwise.prompts.review import (
    RATINGS,
    describe_interval,
    initial_rating,
    is_due,
    new_card,
    review,
    scheduler,
)

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=timezone.utc)


def test_scheduler_is_cached_and_deterministic():
    s = scheduler()
    assert s is scheduler()
    assert s.enable_fuzzing is False
    assert s.learning_steps == () and s.relearning_steps == ()
    assert s.desired_retention == 0.9


@pytest.mark.parametrize(
    ("understanding", "rating"),
    [(1, "again"), (2, "hard"), (3, "good"), (4, "good"), (None, "good"), (5, "easy")],
)
def test_initial_rating(understanding, rating):
    assert initial_rating(understanding) == rating
    assert rating in RATINGS


def test_new_card_due_grows_with_understanding():
    dues = [new_card(NOW, u)[1] for u in (1, 2, 3, 5)]
    assert all(d > NOW for d in dues)
    assert dues == sorted(dues)
    assert dues[-1] > dues[0]
    assert new_card(NOW, None)[1] == new_card(NOW, 3)[1]


def test_new_card_is_deterministic():
    assert new_card(NOW, 4) == new_card(NOW, 4)


def test_good_twice_grows_the_interval():
    card, due1 = new_card(NOW, 3)
    first = due1 - NOW
    card, due2 = review(card, "good", due1)
    second = due2 - due1
    card, due3 = review(card, "good", due2)
    third = due3 - due2
    assert first < second < third


def test_again_after_a_long_interval_comes_back_sooner():
    card, due = new_card(NOW, 5)
    for _ in range(3):
        card, due = review(card, "good", due)
    _, due_again = review(card, "again", due)
    _, due_good = review(card, "good", due)
    assert due < due_again < due_good
    assert due_again - due < timedelta(days=30) < due_good - due


def test_card_json_round_trips():
    card, due = new_card(NOW, 4)
    data = json.loads(card)
    assert data["last_review"] is not None
    assert datetime.fromisoformat(data["due"]) == due
    again, due_again = review(card, "hard", due)
    assert json.loads(again)["card_id"] == data["card_id"]
    assert review(again, "easy", due_again) == review(json.dumps(json.loads(again)), "easy", due_again)


def test_naive_and_other_zones_are_utc():
    naive = NOW.replace(tzinfo=None)
    card, due = new_card(naive, 3)
    assert due.tzinfo is not None and due.utcoffset() == timedelta(0)
    assert (card, due) == new_card(NOW, 3)
    berlin = NOW.astimezone(ZoneInfo("Europe/Berlin"))
    assert new_card(berlin, 3) == (card, due)
    assert review(card, "good", due.replace(tzinfo=None)) == review(card, "good", due)


def test_invalid_rating_raises():
    card, due = new_card(NOW, 3)
    with pytest.raises(ValueError, match="again, hard, good, easy"):
        review(card, "perfect", due)
    with pytest.raises(ValueError):
        review(card, "", due)


def test_rating_is_case_insensitive():
    card, due = new_card(NOW, 3)
    assert review(card, " Good ", due) == review(card, "good", due)


def test_is_due():
    assert not is_due(NOW + timedelta(seconds=1), NOW)
    assert is_due(NOW, NOW)
    assert is_due(NOW - timedelta(days=1), NOW)
    assert is_due(NOW.replace(tzinfo=None), NOW)


@pytest.mark.parametrize(
    ("delta", "words"),
    [
        (timedelta(0), "now"),
        (timedelta(hours=-5), "now"),
        (timedelta(hours=3), "later today"),
        (timedelta(hours=11), "later today"),
        (timedelta(days=1), "tomorrow"),
        (timedelta(days=2), "in 2 days"),
        (timedelta(days=2, seconds=-1), "in 2 days"),
        (timedelta(days=13), "in 13 days"),
        (timedelta(days=14), "in 2 weeks"),
        (timedelta(days=20), "in 2 weeks"),
        (timedelta(days=21), "in 3 weeks"),
        (timedelta(days=59), "in 8 weeks"),
        (timedelta(days=60), "in 2 months"),
        (timedelta(days=125), "in 4 months"),
        (timedelta(days=365), "in 12 months"),
    ],
)
def test_describe_interval(delta, words):
    assert describe_interval(NOW, NOW + delta) == words


def test_describe_interval_of_a_new_card():
    _, due = new_card(NOW, 3)
    assert describe_interval(NOW, due) in {"tomorrow"} | {f"in {n} days" for n in range(2, 14)}
