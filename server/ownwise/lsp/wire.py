"""What ``ownwise/*`` messages carry: JSON (camelCase) built from what the domain returns.

The domain returns models and values; only this module knows the wire's key
names (docs/protocol.md). Generated TypeScript types mirror these shapes.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..documents import uri_to_path
from ..engine import Engine
from ..focus.manager import FocusChange, FocusManager, minutes_of
from ..ownership import Decision
from ..store import FocusBlock

if TYPE_CHECKING:
    from ..prompts.service import Outcome


def decision(d: Decision) -> dict[str, Any]:
    return {"ownershipClass": d.cls.value, "rule": d.rule}


def file_info(engine: Engine, uri: str, *, with_text_hash: bool = False) -> dict[str, Any]:
    """``ownwise/fileInfo``: the file's class and its AI lines (an unopened file: its class only)."""
    debt = engine.prompts
    st = engine.documents.docs.get(uri)
    if st is None:
        d = engine.documents.classify_path(uri_to_path(uri), uri)
        info: dict[str, Any] = {
            **decision(d), "open": False, "aiLines": 0, "humanModifiedLines": 0, "suspectedLines": 0,
            "aiRanges": [], "pendingPrompts": debt.pending_for(uri), "pendingPromptsTotal": debt.pending_total,
            "unexplainedBlocks": []}
        if with_text_hash:
            info["textHash"] = None
        return info
    doc = st.doc
    sca = engine.settings.attribution.suspected_counts_as_ai
    info = {
        **decision(st.decision),
        "open": True,
        "aiLines": doc.ai_lines(sca),
        "humanModifiedLines": doc.human_modified_lines(sca),
        "suspectedLines": doc.suspected_lines(),
        "aiRanges": [
            {"startLine": r.start_line, "endLine": r.end_line, "kind": r.kind,
             "source": r.source, "humanModified": r.human_modified}
            for r in doc.ranges()
        ],
        "pendingPrompts": debt.pending_for(uri),
        "pendingPromptsTotal": debt.pending_total,
        "unexplainedBlocks": [
            {"startLine": d.block.start_line, "endLine": d.block.end_line,
             "cannotExplain": d.cannot_explain} for d in debt.debt(uri)],
    }
    if with_text_hash:  # on request only: hashing a big document on every status refresh is waste
        info["textHash"] = doc.text_hash()
    return info


def status(engine: Engine, uri: str) -> tuple[dict[str, Any], tuple] | None:
    """``ownwise/status`` of an open document, and the key that says whether it changed."""
    st = engine.documents.docs.get(uri)
    if st is None:
        return None
    sca = engine.settings.attribution.suspected_counts_as_ai
    focus = engine.focus.active if engine.focus is not None else None
    remaining = engine.focus.remaining_seconds() if engine.focus is not None and focus else None
    params = {"uri": uri, "ownershipClass": st.decision.cls.value, "rule": st.decision.rule,
              "aiLines": st.doc.ai_lines(sca), "pendingPrompts": engine.prompts.pending_total,
              "session": engine.sessions.current is not None,
              "focus": {"active": focus is not None, "remainingSeconds": remaining}}
    key = tuple(params.values())[:-1] + (focus.id if focus else None,)
    return params, key


def block(b: FocusBlock, now: datetime) -> dict[str, Any]:
    return {"id": b.id, "startedAt": b.started_at, "plannedMinutes": b.planned_minutes, "task": b.task,
            "estimateMinutes": b.estimate_minutes, "endedAt": b.ended_at, "endReason": b.end_reason,
            "minutes": round(minutes_of(b, now), 1)}


def focus_changed(change: FocusChange, manager: FocusManager | None, now: datetime) -> dict[str, Any]:
    """``ownwise/focusChanged``: a block began or ended (then with its length and violations)."""
    b = change.block
    params: dict[str, Any] = {"active": change.active, "id": b.id, "startedAt": b.started_at,
                              "plannedMinutes": b.planned_minutes, "task": b.task}
    if not change.active:
        params.update(endedAt=b.ended_at, endReason=b.end_reason, minutes=round(minutes_of(b, now), 1))
        if manager is not None:
            violations, suspected = manager.violation_counts(b.id)
            params.update(violations=violations, suspected=suspected)
    return params


def outcome(o: Outcome) -> dict[str, Any]:
    """``ownwise/answerPrompt``'s result."""
    out: dict[str, Any] = {"accepted": o.accepted, "feedback": o.feedback, "reason": o.reason,
                           "status": o.prompt.status}
    if o.next_due is not None:
        out["nextReview"] = o.next_due.isoformat()
    if o.reveals_code:
        out["code"] = o.prompt.code
    return out


__all__ = ["block", "decision", "file_info", "focus_changed", "outcome", "status"]
