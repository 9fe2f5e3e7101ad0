"""Source texts the ownership tests share."""

from __future__ import annotations


def branchy(n: int = 12, name: str = "work") -> str:
    """A Python function with *n* branch points (30 is core by its own evidence, 4 is not)."""
    body = "".join(f"    if x == {i}:\n        y += {i}\n" for i in range(n))
    return f"def {name}(x):\n    y = 0\n{body}    return y\n"
