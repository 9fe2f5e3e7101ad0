"""Storage: the only code that knows the schema (sqlite-utils + Migrations)."""

from .db import MIGRATIONS, StoreError, default_db_path, open_database
from .models import (
    ActivityMinute, Answer, EditRecord, FocusBlock, FocusReflection, FocusViolation, Prompt, ReviewCard,
    SessionRecord, Snapshot,
)
from .queue import WriteQueue
from .repo import Store

__all__ = [
    "MIGRATIONS", "ActivityMinute", "Answer", "FocusBlock", "FocusReflection", "FocusViolation", "EditRecord", "Prompt", "ReviewCard", "SessionRecord", "Snapshot", "Store", "StoreError", "WriteQueue",
    "default_db_path", "open_database",
]
