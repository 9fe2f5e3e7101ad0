"""Storage: the only code that knows the schema (sqlite-utils + Migrations)."""

from .db import MIGRATIONS, StoreError, default_db_path, open_database
from .models import Answer, EditRecord, Prompt, ReviewCard, SessionRecord, Snapshot
from .queue import WriteQueue
from .repo import Store

__all__ = [
    "MIGRATIONS", "Answer", "EditRecord", "Prompt", "ReviewCard", "SessionRecord", "Snapshot", "Store", "StoreError", "WriteQueue",
    "default_db_path", "open_database",
]
