"""Words shared by every message ownwise shows (pure, stdlib only): counted nouns with their plural."""

from __future__ import annotations


def plural(n: float, one: str, many: str | None = None) -> str:
    """``1 line``, ``2 lines``, ``1,234 lines``, ``1.5 minutes``; ``many`` for irregular plurals."""
    if isinstance(n, float) and n.is_integer():
        n = int(n)
    count = f"{n:,}" if isinstance(n, int) else f"{n:,.1f}".rstrip("0").rstrip(".")
    return f"{count} {one if n == 1 else (many or one + 's')}"


__all__ = ["plural"]
