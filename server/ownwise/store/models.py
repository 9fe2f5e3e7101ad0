"""What storage returns: pydantic models, not rows."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class _Model(BaseModel):
    # defer_build: each model's validator is built on its first use, not at import. Most of
    # these are not used before the server's first answer (start-up: ~5 ms).
    model_config = ConfigDict(defer_build=True)


class EditRecord(_Model):
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


class SnapshotRange(_Model):
    start_line: int
    end_line: int
    kind: str
    source: str | None = None
    human_modified: bool = False
    event: str
    #: lines of the AI block the range is part of when stored (prompts/blocks.py's merge_blocks: touching
    #: ranges and ranges apart by blank lines only form one block); None in snapshots from before it was kept
    block_lines: int | None = None


class Snapshot(_Model):
    """A document's AI ranges for one exact text (restored when reopened unchanged)."""

    uri: str
    text_hash: str
    ranges: list[SnapshotRange]
    updated_at: str
    line_hashes: list[str] | None = None  # hashing.line_hashes of that text (None in rows from before schema 11)


class SessionRecord(_Model):
    """A coding session: from the first edit to idle, command, focus end or shutdown."""

    id: int
    started_at: str
    ended_at: str | None = None
    last_activity: str
    end_reason: str | None = None  # idle | command | focus | shutdown | interrupted
    workspace: str | None = None
    files_touched: list[str] = []
    human_lines: int = 0
    human_chars: int = 0
    ai_lines_by_kind: dict[str, int] = {}
    ai_lines_by_class: dict[str, int] = {}
    prompt_choice: str | None = None  # explainNow | later | skip | dismissed
    pid: int | None = None
    host: str | None = None


class Prompt(_Model):
    """One request to explain (or recall, or re-explain) a block of AI code."""

    id: str
    session_id: int | None = None
    kind: str  # explain | recall | review
    status: str  # pending | answered | cannotExplain | skipped | retired
    ownership_class: str = ""
    workspace: str | None = None
    path: str
    uri: str
    start_line: int = 0
    end_line: int = 0
    lines: int = 0
    code: str
    code_hash: str = ""
    language_id: str = ""
    events: list[str] = []
    kinds: list[str] = []
    sources: list[str] = []
    question: str = ""
    parent_id: str | None = None
    created_at: str
    updated_at: str
    offered_at: str | None = None
    doc_path: str | None = None

    @property
    def location(self) -> str:
        if self.end_line > self.start_line:
            return f"{self.path}:{self.start_line + 1}-{self.end_line + 1}"
        return f"{self.path}:{self.start_line + 1}"


class Answer(_Model):
    """An accepted answer to a prompt (never updated, never deleted)."""

    id: int | None = None
    prompt_id: str
    text: str
    understanding: int | None = None
    cannot_explain: bool = False
    rating: str | None = None  # for review prompts: again | hard | good | easy
    via: str  # document | request | cli
    created_at: str


class ReviewCard(_Model):
    """The FSRS schedule for re-asking an explained prompt."""

    prompt_id: str
    card: str  # fsrs Card JSON
    due: str
    reps: int = 0
    last_review: str | None = None
    retired: str | None = None  # why it is no longer asked: changed | gone


class FocusBlock(_Model):
    """A no-AI focus block (the weekly calibration benchmark)."""

    id: str
    started_at: str
    planned_minutes: float
    task: str | None = None
    estimate_minutes: float | None = None
    ended_at: str | None = None
    end_reason: str | None = None  # command | timeUp | shutdown | interrupted | cli
    last_activity: str
    started_by: str = "lsp"  # lsp | cli
    pid: int | None = None  # the server that last kept it alive
    host: str | None = None
    notified: bool = False  # the user was told about an AI edit in it
    reflection: str | None = None  # None | offered | answered | skipped


class FocusViolation(_Model):
    """An AI edit (or a suspected insert) that arrived during a focus block."""

    id: int | None = None
    block_id: str
    ts: str
    kind: str
    source: str | None = None
    lines: int
    path: str | None = None
    suspected: bool = False


class FocusReflection(_Model):
    """How a focus block went, in the user's words."""

    id: int | None = None
    block_id: str
    felt: int | None = None
    looked_up: str = ""
    took_longer: str = ""
    actual_minutes: int | None = None
    notes: str = ""
    via: str  # document | request | cli
    created_at: str


class ActivityMinute(_Model):
    """What one server saw in one wall-clock minute, for one ownership class."""

    minute: str
    ownership_class: str
    server: str
    focus_id: str | None = None
    human_lines: int = 0
    human_chars: int = 0
    ai_lines: int = 0


class AgentSnapshot(_Model):
    """A file's state recorded by ``ownwise hook`` before or after an agent's edit (no text)."""

    id: int
    agent: str
    phase: str  # pre | post
    path: str
    ts: str
    session: str | None = None
    tool: str | None = None
    exists: bool
    content_hash: str | None = None
    line_hashes: list[str] | None = None
    size: int = 0
    used_at: str | None = None


# -- what the report reads (aggregates and slim rows; see ownwise.report) ----


class EditTotal(_Model):
    """Lines and events of ``edits`` in a time range, per class, kind and AI flag."""

    ownership_class: str
    kind: str
    ai: bool
    lines: int
    events: int


class EditFact(_Model):
    """The few columns of one edit the report needs (no path, no text)."""

    id: str
    ts: str
    ownership_class: str
    kind: str
    ai: bool
    lines: int


class LiveRange(_Model):
    """One stored AI range of a document: its event, its lines, and whether the user modified it."""

    event: str
    lines: int
    human_modified: bool
    block_lines: int | None = None


class ActivityTotal(_Model):
    """Human typing in a time range inside or outside no-AI blocks, for one class or (``None``) all classes."""

    ownership_class: str | None
    inside: bool
    minutes: int  # distinct wall-clock minutes
    lines: int


class PromptFact(_Model):
    """A prompt without its code: kind, status, class and times."""

    id: str
    kind: str
    status: str
    ownership_class: str = ""
    events: list[str] = []
    created_at: str
    updated_at: str


class AnswerFact(_Model):
    """An accepted answer without its text, with its prompt's kind and class."""

    prompt_id: str
    prompt_kind: str
    ownership_class: str = ""
    cannot_explain: bool
    rating: str | None = None
    created_at: str
