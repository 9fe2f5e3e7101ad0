"""Storage: the only code that knows the schema (sqlite-utils + Migrations).

Names are loaded on first use, so ``ownwise hook`` (which only needs
:mod:`ownwise.store.fast`) does not pay for sqlite-utils and pydantic.
"""

from __future__ import annotations

import importlib

# typing.TYPE_CHECKING without importing typing: ``ownwise hook`` imports this package
# (for store.fast) and nothing else on its path needs typing (~3 ms a call)
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_WHERE = {
    "MIGRATIONS": "db", "StoreError": "db", "default_db_path": "location", "open_database": "db", "what_to_do": "db",
    "ActivityMinute": "models", "AgentSnapshot": "models", "Answer": "models", "EditRecord": "models",
    "FocusBlock": "models",
    "FocusReflection": "models", "FocusViolation": "models", "Prompt": "models", "ReviewCard": "models",
    "SessionRecord": "models", "Snapshot": "models",
    "EditTotal": "models", "EditFact": "models", "PromptFact": "models", "AnswerFact": "models",
    "LiveRange": "models", "ActivityTotal": "models",
    "WriteQueue": "queue", "Store": "repo",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
