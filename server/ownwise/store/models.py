"""What storage returns: pydantic models, not rows."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class EditRecord(BaseModel):
    """One accepted AI edit (or suspected insert), as stored in ``edits``."""

    model_config = ConfigDict(frozen=True)

    id: str
    ts: str  # ISO 8601, UTC
    session_id: int | None = None
    workspace: str | None = None
    path: str  # workspace-relative when inside a workspace, else absolute
    uri: str
    language_id: str = ""
    ownership_class: str
    kind: str
    source: str | None = None
    ai: bool
    lines: int
    chars: int
    content_hash: str
    snippet: str | None = None
    doc_version: int | None = None


class SnapshotRange(BaseModel):
    start_line: int
    end_line: int
    kind: str
    source: str | None = None
    human_modified: bool = False
    event: str


class Snapshot(BaseModel):
    """A document's AI ranges for one exact text (restored when reopened unchanged)."""

    uri: str
    text_hash: str
    ranges: list[SnapshotRange]
    updated_at: str
