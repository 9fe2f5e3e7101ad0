"""Spaced re-asking of accepted explanations, scheduled with FSRS.

An accepted explanation becomes a card; when it falls due, the user explains the code again
without looking and rates their recall. Cards are stored as JSON (``fsrs.Card.to_json``).
Scheduling is deterministic: no learning steps, no fuzzing.
"""

from __future__ import annotations

from datetime import datetime, timezone
from functools import lru_cache

from fsrs import Card, Rating, Scheduler

RATINGS = ("again", "hard", "good", "easy")
_RATING = {
    "again": Rating.Again,
    "hard": Rating.Hard,
    "good": Rating.Good,
    "easy": Rating.Easy,
}


@lru_cache(maxsize=1)
def scheduler() -> Scheduler:
    """The shared FSRS scheduler: whole-day intervals only, 90 % desired retention, no fuzzing."""
    return Scheduler(
        desired_retention=0.9,
        learning_steps=(),
        relearning_steps=(),
        enable_fuzzing=False,
    )


def _utc(moment: datetime) -> datetime:
    """``moment`` in UTC (a naive datetime is taken to be UTC already); FSRS wants exactly UTC."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def _rating(rating: str) -> Rating:
    key = rating.strip().lower() if isinstance(rating, str) else rating
    try:
        return _RATING[key]
    except (KeyError, TypeError):
        raise ValueError(f"unknown rating {rating!r}; expected one of: {', '.join(RATINGS)}") from None


def initial_rating(understanding: int | None) -> str:
    """The first rating of a card from the self-rated understanding (1..5) given with the answer."""
    if understanding is None:
        return "good"
    if understanding <= 1:
        return "again"
    if understanding == 2:
        return "hard"
    if understanding >= 5:
        return "easy"
    return "good"


def new_card(now: datetime, understanding: int | None) -> tuple[str, datetime]:
    """A card for an explanation accepted at ``now``: its JSON after a first review, and its due time."""
    at = _utc(now)
    card = Card(card_id=int(at.timestamp() * 1000), due=at)
    card, _ = scheduler().review_card(card, _RATING[initial_rating(understanding)], review_datetime=at)
    return card.to_json(), _utc(card.due)


def review(card_json: str, rating: str, now: datetime) -> tuple[str, datetime]:
    """Record a re-asking rated ``rating`` at ``now``: the card's new JSON and its next due time."""
    grade = _rating(rating)
    card = Card.from_json(card_json)
    card.due = _utc(card.due)
    if card.last_review is not None:
        card.last_review = _utc(card.last_review)
    card, _ = scheduler().review_card(card, grade, review_datetime=_utc(now))
    return card.to_json(), _utc(card.due)


def is_due(due: datetime, now: datetime) -> bool:
    """True once ``now`` has reached ``due``."""
    return _utc(due) <= _utc(now)


def describe_interval(now: datetime, due: datetime) -> str:
    """How far off ``due`` is, in words: "later today", "tomorrow", "in 3 days", "in 2 weeks", ...

    Counted in whole days, rounded to the nearest; "now" when ``due`` is not after ``now``.
    """
    seconds = (_utc(due) - _utc(now)).total_seconds()
    if seconds <= 0:
        return "now"
    days = round(seconds / 86400)
    if days < 1:
        return "later today"
    if days == 1:
        return "tomorrow"
    if days < 14:
        return f"in {days} days"
    if days < 60:
        return f"in {days // 7} weeks"
    return f"in {days // 30} months"
