"""Explanation debt as diagnostics: core AI code not explained yet (or marked can't-explain)."""

from __future__ import annotations

from lsprotocol import types

from ..engine import Engine
from ..words import plural

SOURCE = "ownwise"
UNEXPLAINED = "unexplainedAICode"
CANNOT = "cannotExplainYet"


def of(engine: Engine, uri: str) -> list[types.Diagnostic]:
    """The diagnostics of an open document now (none when they are switched off)."""
    if not engine.settings.prompts.diagnostics:
        return []
    out = []
    for d in engine.prompts.debt(uri):
        b = d.block
        msg = (f"You marked this AI code (lines {b.start_line + 1}-{b.end_line + 1}) as "
               f"\"can't explain yet\" in core code." if d.cannot_explain else
               f"AI-written core code you haven't explained yet ({plural(b.lines, 'line')}): "
               f"capability debt.")
        out.append(types.Diagnostic(
            range=types.Range(start=types.Position(line=b.start_line, character=0),
                              end=types.Position(line=b.end_line, character=d.end_character)),
            message=msg, severity=types.DiagnosticSeverity.Information, source=SOURCE,
            code=CANNOT if d.cannot_explain else UNEXPLAINED,
            data={"startLine": b.start_line, "endLine": b.end_line}))
    return out


def due_key(engine: Engine, uri: str) -> tuple | None:
    """What a document's diagnostics are computed from: when it is unchanged, so are they."""
    st = engine.documents.docs.get(uri)
    if st is None:
        return None
    return (st.doc.revision, st.decision.cls, engine.settings.prompts.diagnostics, engine.prompts.generation)


__all__ = ["CANNOT", "SOURCE", "UNEXPLAINED", "due_key", "of"]
