"""What the server sends back and notifies, as models: the other half of the contract (``contract.py``).

``protocol.py`` holds the method names and the params the server validates (on
the start-up path); this module the shapes of its results and notifications,
and the table of every method. The server builds these as plain dicts
(``wire.py``, no validation on the hot path) and is not importing this module
at start-up; tests/unit/test_contract.py checks that what it builds fits.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from .protocol import (
    ANSWER_PROMPT,
    ANSWER_REFLECTION,
    CALIBRATION,
    CLIENT_STATE,
    CMD_FOCUS_EXTEND,
    CMD_FOCUS_REFLECT,
    CMD_FOCUS_START,
    CMD_FOCUS_STATUS,
    CMD_FOCUS_STOP,
    CMD_OWNERSHIP_SET,
    CMD_PROMPT_EXPLAIN,
    CMD_SESSION_END,
    EDIT_HINT,
    FILE_INFO,
    FOCUS_CHANGED,
    LINE_ATTRIBUTION,
    PENDING_PROMPTS,
    REPORT,
    SERVER_INFO,
    SKIP_PROMPT,
    STATUS,
    AnswerPromptParams,
    AnswerReflectionParams,
    CalibrationParams,
    ClientStateParams,
    EditHintParams,
    ExplainArgs,
    FileInfoParams,
    FocusExtendArgs,
    FocusStartArgs,
    LineAttributionParams,
    OwnershipSetArgs,
    ReportParams,
    SkipPromptParams,
    _Params,
)

OwnershipClassName = Literal["transient", "repeatable", "core"]


class _Result(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, defer_build=True)


class AIRangeInfo(_Result):
    start_line: int = Field(alias="startLine")
    end_line: int = Field(alias="endLine")
    kind: str
    source: str | None
    human_modified: bool = Field(alias="humanModified")


class UnexplainedBlock(_Result):
    start_line: int = Field(alias="startLine")
    end_line: int = Field(alias="endLine")
    cannot_explain: bool = Field(alias="cannotExplain")


class FileInfo(_Result):
    """``ownwise/fileInfo``: a file's class and, when it is open, its AI lines."""

    ownership_class: OwnershipClassName = Field(alias="ownershipClass")
    rule: str
    open: bool
    ai_lines: int = Field(alias="aiLines")
    human_modified_lines: int = Field(alias="humanModifiedLines")
    suspected_lines: int = Field(alias="suspectedLines")
    ai_ranges: list[AIRangeInfo] = Field(alias="aiRanges")
    pending_prompts: int = Field(alias="pendingPrompts")
    pending_prompts_total: int = Field(alias="pendingPromptsTotal")
    unexplained_blocks: list[UnexplainedBlock] = Field(alias="unexplainedBlocks")
    text_hash: str | None = Field(None, alias="textHash")  # only with textHash: true; null when not open


class FocusState(_Result):
    active: bool
    remaining_seconds: int | None = Field(alias="remainingSeconds")


class Status(_Result):
    """``ownwise/status`` (server → client): what the status bar shows for a document."""

    uri: str
    ownership_class: OwnershipClassName = Field(alias="ownershipClass")
    rule: str  # what decided the class, e.g. "core: 64 branch points, imported by 23 files"
    ai_lines: int = Field(alias="aiLines")
    pending_prompts: int = Field(alias="pendingPrompts")
    session: bool
    focus: FocusState


class FocusChanged(_Result):
    """``ownwise/focusChanged`` (server → client): a no-AI block began or ended."""

    active: bool
    id: str
    started_at: str = Field(alias="startedAt")
    planned_minutes: float = Field(alias="plannedMinutes")
    task: str | None
    ended_at: str | None = Field(None, alias="endedAt")
    end_reason: str | None = Field(None, alias="endReason")
    minutes: float | None = None
    violations: int | None = None
    suspected: int | None = None


class PromptRange(_Result):
    start_line: int = Field(alias="startLine")
    end_line: int = Field(alias="endLine")


class PromptItem(_Result):
    id: str
    kind: Literal["explain", "recall", "review"]
    status: str
    path: str
    uri: str
    range: PromptRange
    lines: int
    ownership_class: str = Field(alias="ownershipClass")
    question: str
    code: str
    language_id: str = Field(alias="languageId")
    created: str
    session_id: int | None = Field(alias="sessionId")
    show_code_after_answer: bool = Field(alias="showCodeAfterAnswer")


class PendingPrompts(_Result):
    prompts: list[PromptItem]
    #: answered "I can't explain this yet" and not explained since: still debt, and can be answered again
    cannot_explain: list[PromptItem] = Field(default_factory=list, alias="cannotExplain")


class AnswerOutcome(_Result):
    """``ownwise/answerPrompt``'s result."""

    accepted: bool
    feedback: str
    reason: str
    status: str
    next_review: str | None = Field(None, alias="nextReview")
    code: str | None = None  # recall and review prompts: the code, to compare


class Skipped(_Result):
    skipped: bool
    status: str


class ServerInfo(_Result):
    version: str
    database_path: str = Field(alias="databasePath")
    data_dir: str = Field(alias="dataDir")
    database_available: bool = Field(alias="databaseAvailable")


class ClientState(_Result):
    key: str
    value: object | None


class Report(_Result):
    format: Literal["html", "json"]
    report: dict[str, object]
    html: str | None = None


class NoParams(_Params):
    """A request without params (``{}``)."""


class FocusStatus(_Result):
    """``ownwise.focus.status`` (and ``start``, with ``started``)."""

    active: bool
    id: str | None = None
    started_at: str | None = Field(None, alias="startedAt")
    planned_minutes: float | None = Field(None, alias="plannedMinutes")
    task: str | None = None
    estimate_minutes: float | None = Field(None, alias="estimateMinutes")
    remaining_seconds: int | None = Field(None, alias="remainingSeconds")
    started: bool | None = None


class FocusBlockInfo(_Result):
    id: str
    started_at: str = Field(alias="startedAt")
    planned_minutes: float = Field(alias="plannedMinutes")
    task: str | None
    estimate_minutes: float | None = Field(alias="estimateMinutes")
    ended_at: str | None = Field(alias="endedAt")
    end_reason: str | None = Field(alias="endReason")
    minutes: float


class FocusStopped(_Result):
    active: bool
    stopped: bool
    block: FocusBlockInfo | None = None


class ReflectOpened(_Result):
    block_id: str | None = Field(alias="blockId")
    document: str | None = None


class Saved(_Result):
    saved: bool


class SessionEnded(_Result):
    ended: bool
    session_id: int | None = Field(None, alias="sessionId")
    prompts: int
    #: AI lines the session kept in blocks under ``minLines`` lines: not asked about, not debt
    small_lines: int | None = Field(None, alias="smallLines")
    min_lines: int | None = Field(None, alias="minLines")


class ExplainOpened(_Result):
    prompts: int
    document: str | None = None


class OwnershipDecision(_Result):
    ownership_class: OwnershipClassName = Field(alias="ownershipClass")
    rule: str


class Calibration(_Result):
    """``ownwise/calibration`` (docs/focus.md): weeks, estimates, trend, streak."""

    model_config = ConfigDict(extra="allow")

    weeks: list[dict[str, object]]
    estimates: list[dict[str, object]]
    estimate_trend: str | None = Field(alias="estimateTrend")
    streak_weeks: int = Field(alias="streakWeeks")


class AttributedRange(_Result):
    """AI lines of a document (0-based, inclusive): from the editor's own tags, or from the records of the
    commits that last changed them."""

    start_line: int = Field(alias="startLine")
    end_line: int = Field(alias="endLine")
    type: Literal["ai", "mixed"]
    kind: str | None  # inline, chat, agent, suspected
    tool: str | None
    explained: Literal["explained", "cannot", "pending"] | None
    when: str | None  # the edit's time (editor), or the commit's author time (records)
    commit: str | None
    source: Literal["editor", "ownwise", "agent-trace", "git-ai", "none"]


class LineAttribution(_Result):
    uri: str
    ranges: list[AttributedRange]


#: every ``ownwise/*`` request (client → server): method -> (params, result)
REQUESTS: dict[str, tuple[type[BaseModel], type[BaseModel]]] = {
    FILE_INFO: (FileInfoParams, FileInfo),
    PENDING_PROMPTS: (NoParams, PendingPrompts),
    ANSWER_PROMPT: (AnswerPromptParams, AnswerOutcome),
    SKIP_PROMPT: (SkipPromptParams, Skipped),
    SERVER_INFO: (NoParams, ServerInfo),
    CLIENT_STATE: (ClientStateParams, ClientState),
    REPORT: (ReportParams, Report),
    CALIBRATION: (CalibrationParams, Calibration),
    ANSWER_REFLECTION: (AnswerReflectionParams, Saved),
    LINE_ATTRIBUTION: (LineAttributionParams, LineAttribution),
}
#: notifications client → server
CLIENT_NOTIFICATIONS: dict[str, type[BaseModel]] = {EDIT_HINT: EditHintParams}
#: notifications server → client
SERVER_NOTIFICATIONS: dict[str, type[BaseModel]] = {STATUS: Status, FOCUS_CHANGED: FocusChanged}
#: ``workspace/executeCommand`` commands: name -> (the one argument, or None for none; result)
COMMANDS: dict[str, tuple[type[BaseModel] | None, type[BaseModel]]] = {
    CMD_OWNERSHIP_SET: (OwnershipSetArgs, OwnershipDecision),
    CMD_SESSION_END: (None, SessionEnded),
    CMD_PROMPT_EXPLAIN: (ExplainArgs, ExplainOpened),
    CMD_FOCUS_START: (FocusStartArgs, FocusStatus),
    CMD_FOCUS_STOP: (None, FocusStopped),
    CMD_FOCUS_STATUS: (None, FocusStatus),
    CMD_FOCUS_REFLECT: (None, ReflectOpened),
    CMD_FOCUS_EXTEND: (FocusExtendArgs, FocusStatus),
}
