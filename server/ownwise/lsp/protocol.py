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
CMD_FOCUS_EXTEND = "ownwise.focus.extend"


class FocusStartArgs(_Params):
    minutes: float | None = Field(None, gt=0, le=600)
    task: str | None = Field(None, max_length=500)
    estimate_minutes: float | None = Field(None, alias="estimateMinutes", gt=0, le=6000)


class FocusExtendArgs(_Params):
    minutes: float = Field(gt=0, le=600)


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


LINE_ATTRIBUTION = "ownwise/lineAttribution"


class LineAttributionParams(_Params):
    """``ownwise/lineAttribution``: the AI lines of an open document (docs/git.md), for a hover or a gutter."""

    uri: str
