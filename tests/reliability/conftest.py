"""The reliability suite: short variants in ./scripts/test, full length with ``make soak`` (``--soak``)."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def soak(request) -> bool:
    """True under ``make soak``: tests use their full sizes (documented in docs/reliability.md)."""
    return bool(request.config.getoption("--soak"))


def scaled(soak: bool, short: int, full: int) -> int:
    return full if soak else short
