"""Storage: the only code that knows the schema (sqlite-utils + Migrations)."""

from .db import MIGRATIONS, StoreError, default_db_path, open_database
from .models import EditRecord, Snapshot
from .queue import WriteQueue
from .repo import Store

__all__ = [
    "MIGRATIONS", "EditRecord", "Snapshot", "Store", "StoreError", "WriteQueue",
    "default_db_path", "open_database",
]
