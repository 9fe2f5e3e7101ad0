"""``ownwise/*`` method names and the models of their params (see docs/protocol.md)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ..attribution import EditKind

EDIT_HINT = "ownwise/editHint"
FILE_INFO = "ownwise/fileInfo"
STATUS = "ownwise/status"
CMD_OWNERSHIP_SET = "ownwise.ownership.set"


class _Params(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class EditHintParams(_Params):
    uri: str
    kind: EditKind
    source: str | None = None
    version: int | None = None


class FileInfoParams(_Params):
    uri: str


class OwnershipSetArgs(_Params):
    uri: str
    cls: Literal["transient", "repeatable", "core"] | None = Field(alias="class")
