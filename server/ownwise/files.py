"""The one writer of ownwise's own documents: private to the user (0600, in a 0700 folder).

Explanation and reflection documents, a rewritten explanation document and
exported data hold the user's code and words: nobody else on the machine
reads them.
"""

from __future__ import annotations

import os
from pathlib import Path


def write_private(path: Path, text: str) -> Path:
    """Write ``text`` (UTF-8, line breaks as given) to ``path``, mode 0600; a missing folder is made 0700."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
        f.write(text)
    os.chmod(path, 0o600)  # a file that was there keeps its mode through O_CREAT
    return path


__all__ = ["write_private"]
