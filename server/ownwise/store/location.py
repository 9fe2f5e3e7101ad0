"""Where the database is: ``$OWNWISE_DB``, else the platform's user data dir.

Standard library (and ``platformdirs`` when no path is set): the agents' hook
needs it too, without the rest of the store.
"""

from __future__ import annotations

import os
from pathlib import Path


def default_db_path() -> Path:
    """``$OWNWISE_DB``, else the platform's user data dir (as platformdirs has it)."""
    env = os.environ.get("OWNWISE_DB")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("ownwise")) / "ownwise.db"


__all__ = ["default_db_path"]
