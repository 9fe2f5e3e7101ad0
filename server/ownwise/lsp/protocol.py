"""``ownwise/*`` method names and the models of their params (see docs/protocol.md)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ..attribution import EditKind

EDIT_HINT = "ownwise/editHint"
FILE_INFO = "ownwise/fileInfo"
STATUS = "ownwise/status"
CMD_OWNERSHIP_SET = "ownwise.ownership.set"


class _Params(BaseModel):
    # defer_build: a validator is built on first use; start-up needs only fileInfo's (~4 ms)
    model_config = ConfigDict(extra="ignore", populate_by_name=True, defer_build=True)


class EditHintParams(_Params):
    uri: str
    kind: EditKind
    source: str | None = None
    version: int | None = None


class FileInfoParams(_Params):
    uri: str
    text_hash: bool = Field(False, alias="textHash")  # also hash the mirrored text (checks, tests)


class OwnershipSetArgs(_Params):
    uri: str
    cls: Literal["transient", "repeatable", "core"] | None = Field(alias="class")

PENDING_PROMPTS = "ownwise/pendingPrompts"
ANSWER_PROMPT = "ownwise/answerPrompt"
SKIP_PROMPT = "ownwise/skipPrompt"
CMD_SESSION_END = "ownwise.session.end"
CMD_PROMPT_EXPLAIN = "ownwise.prompt.explain"
#: the message-request actions at session end (and for a due re-ask)
EXPLAIN_NOW, LATER, SKIP = "Explain now", "Later", "Skip"


class AnswerPromptParams(_Params):
    id: str = Field(min_length=1)
    text: str = ""
    understanding: int | None = Field(None, ge=1, le=5)
    cannot_explain: bool = Field(False, alias="cannotExplain")
    rating: Literal["again", "hard", "good", "easy", "Again", "Hard", "Good", "Easy"] | None = None


class SkipPromptParams(_Params):
    id: str = Field(min_length=1)


class ExplainArgs(_Params):
    """``ownwise.prompt.explain``: a block of a file (the code action), or every pending prompt."""

    uri: str | None = None
    start_line: int | None = Field(None, alias="startLine", ge=0)
    end_line: int | None = Field(None, alias="endLine", ge=0)


FOCUS_CHANGED = "ownwise/focusChanged"
CALIBRATION = "ownwise/calibration"
ANSWER_REFLECTION = "ownwise/answerReflection"
CMD_FOCUS_START = "ownwise.focus.start"
CMD_FOCUS_STOP = "ownwise.focus.stop"
CMD_FOCUS_STATUS = "ownwise.focus.status"
CMD_FOCUS_REFLECT = "ownwise.focus.reflect"


class FocusStartArgs(_Params):
    minutes: float | None = Field(None, gt=0, le=600)
    task: str | None = Field(None, max_length=500)
    estimate_minutes: float | None = Field(None, alias="estimateMinutes", gt=0, le=6000)


class CalibrationParams(_Params):
    weeks: int = Field(8, ge=1, le=520)


class AnswerReflectionParams(_Params):
    block_id: str = Field(alias="blockId", min_length=1)
    felt: int | None = Field(None, ge=1, le=5)
    looked_up: str = Field("", alias="lookedUp")
    took_longer: str = Field("", alias="tookLonger")
    actual_minutes: int | None = Field(None, alias="actualMinutes", ge=0, le=6000)
    notes: str = ""


SERVER_INFO = "ownwise/serverInfo"
CLIENT_STATE = "ownwise/clientState"


class ClientStateParams(_Params):
    """Get (no ``value`` key) or set a client's own state, kept in the database's kv table."""

    key: str = Field(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9_.:-]+$")
    value: object | None = None


REPORT = "ownwise/report"


class ReportParams(_Params):
    """``ownwise/report``: the weekly report (docs/report.md) as HTML and/or JSON."""

    weeks: int | None = Field(None, ge=1, le=260)
    since: date | None = None
    format: Literal["html", "json"] = "html"
    theme: Literal["vscode", "light", "dark"] = "vscode"


# ---------------------------------------------------------------- results
# What the server sends back (and its notifications): the wire's shapes, for the generated JSON
# Schema and TypeScript types (contract.py); ``wire.py`` builds them as plain dicts on the hot path,
# and tests/unit/test_contract.py checks that what it builds fits these models.

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
}
