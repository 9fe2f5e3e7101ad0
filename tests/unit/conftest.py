"""Fixtures shared by the unit tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def home(tmp_path: Path):
    """A HOME of its own for real git; afterwards, nothing ownwise did touched the global git config."""
    h = tmp_path / "home"
    h.mkdir()
    yield h
    assert not (h / ".gitconfig").exists()
