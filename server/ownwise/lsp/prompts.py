"""The Explanation Requirement over LSP: session end, the message request, the document, re-asks.

Any client gets the flow through standard messages (``window/showMessageRequest``,
``window/showDocument``, ``textDocument/didSave``, ``window/showMessage``,
diagnostics and a code action); rich clients also get ``ownwise/pendingPrompts``,
``ownwise/answerPrompt`` and ``ownwise/skipPrompt``. See docs/explain.md.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams

from ..attribution.document import column_of
from ..documents import uri_to_path
from ..engine import Engine, SessionEnd
from ..files import write_private
from ..sessions import Session
from ..store import Prompt
from ..words import plural
from . import diagnostics, wire
from . import protocol as P
from .handlers import require_database, validated
from .server import OwnwiseServer

if TYPE_CHECKING:
    from ..prompts.service import Outcome, PromptService

log = logging.getLogger("ownwise.lsp.prompts")


class PromptFlows:
    """The explanation flows of one server: offering prompts, the document, answers, re-asks."""

    def __init__(self, ls: OwnwiseServer) -> None:
        self.ls = ls

    @property
    def engine(self) -> Engine:
        return self.ls.engine

    # ------------------------------------------------------------ sessions
    def session_started(self, session: Session) -> None:
        """An edit started a session: re-ask one due explanation (after this didChange)."""
        try:
            self.ls.spawn(self.offer_reask())
        except RuntimeError:  # no running loop (unit use)
            return

    def session_ended(self, ended: SessionEnd) -> None:
        if ended.prompts:
            self.ls.spawn(self.offer(ended.prompts, ended.earlier, ended.session.id))

    async def offer(self, prompts: Sequence[Prompt], earlier: Sequence[Prompt] = (),
                    session_id: int | None = None, message: str | None = None) -> str | None:
        """Ask whether to explain now; act on the choice; return it."""
        service = self.engine.service
        if service is None or not prompts:
            return None
        from ..prompts.service import summary_message

        service.mark_offered([p.id for p in prompts])
        msg = message or summary_message(prompts, len(earlier))
        choice = await self.ls.ask(msg, (P.EXPLAIN_NOW, P.LATER, P.SKIP))
        name = {P.EXPLAIN_NOW: "explainNow", P.LATER: "later", P.SKIP: "skip"}.get(choice or "", "dismissed")
        if session_id is not None:
            self.engine.set_prompt_choice(session_id, name)
        log.info("prompt choice %s for %s", name, plural(len(prompts), "prompt"))
        if choice == P.EXPLAIN_NOW:
            await self.open_document(list(prompts) + [p for p in earlier if p.status == "pending"])
        elif choice == P.SKIP:
            service.skip([p.id for p in prompts])
            self.engine.refresh_pending()
            self.ls.refresh_ui()
        return name

    async def open_document(self, prompts: Sequence[Prompt]) -> Path | None:
        service = self.engine.service
        if service is None or not prompts:
            return None
        prompts = list(prompts[:20])
        path = service.write_document(prompts)
        service.mark_offered([p.id for p in prompts if p.offered_at is None])
        log.info("explanation document %s for %s", path, plural(len(prompts), "prompt"))
        await self.ls.show(path)
        return path

    async def offer_unoffered(self) -> None:
        """At start-up: prompts of a session that ended when the editor closed."""
        if not self.engine.pending_total:
            return
        service = self.engine.service
        if service is None:
            return
        fresh = [p for p in service.pending() if p.offered_at is None and p.kind != "review"]
        if not fresh:
            return
        sessions = {p.session_id for p in fresh}
        earlier = [p for p in service.pending() if p.offered_at is not None and p.kind != "review"]
        from ..prompts.service import summary_message

        msg = ("Your last session ended when the editor closed. "
               + summary_message(fresh, len(earlier)).replace(" this session", ""))
        await self.offer(fresh, earlier, sessions.pop() if len(sessions) == 1 else None, message=msg)

    async def offer_reask(self) -> None:
        engine = self.engine
        prompt = engine.prompts.reask_due()
        if prompt is None:
            return
        self.ls.refresh_ui()
        if prompt.kind == "review":
            msg = prompt.question.split("?")[0].replace("Without looking at the code: can", "Can") + "?"
        else:
            msg = (f"You explained the code at {prompt.location} before, and it has changed a lot "
                   f"since. Explain it again?")
        await self.offer([prompt], message=msg)

    # ------------------------------------------------------------- answers
    def document_saved(self, uri: str) -> bool:
        """didSave: if it is an explanation document, read and store its answers."""
        service = self.engine.service
        path = uri_to_path(uri)
        if service is None or path is None or not service.is_document(path):
            return False
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            self.ls.tell_user("error", f"ownwise could not read {path}: {exc}")
            return True
        try:
            outcomes = service.answer_document(text)
        except Exception as exc:
            log.exception("storing answers from %s failed", path)
            self.ls.tell_user("error", f"ownwise could not store your answers ({exc}). "
                                       f"They are still in {path.name}; save again to retry.")
            return True
        if not outcomes:
            return True
        self.after_answers()
        self.confirm(outcomes)
        revealed = service.reveal_code(text, outcomes)
        if revealed != text:
            self.ls.spawn(self.show_code(uri, path, text, revealed))
        return True

    def confirm(self, outcomes: Sequence[Outcome]) -> None:
        ok = [o for o in outcomes if o.accepted]
        bad = [o for o in outcomes if not o.accepted]
        parts = []
        if ok:
            if len(ok) == 1:
                feedback = ok[0].feedback.removeprefix("Saved. ")
                parts.append(f"Saved your answer for {ok[0].prompt.location}. {feedback}")
            else:
                parts.append(f"Saved {len(ok)} answers ({', '.join(o.prompt.location for o in ok)}).")
        for o in bad:
            parts.append(f"{o.prompt.location}: {o.feedback}")
        left = self.engine.pending_total
        if ok and left:
            parts.append(f"{left} {'prompt' if left == 1 else 'prompts'} left.")
        kind = "warning" if bad else "info"
        self.ls.tell_user(kind, " ".join(parts))

    async def show_code(self, uri: str, path: Path, old: str, new: str) -> None:
        """Recall/review answers saved: show the code to compare, in the open document."""
        caps = self.ls.client_capabilities.workspace
        if caps is not None and caps.apply_edit:
            edit = text_edit(old, new, self.engine.documents.position_encoding)
            try:
                res = await self.ls.workspace_apply_edit_async(types.ApplyWorkspaceEditParams(
                    label="ownwise: show the code to compare",
                    edit=types.WorkspaceEdit(changes={uri: [edit]})))
                if getattr(res, "applied", False):
                    return
            except Exception as exc:  # noqa: BLE001
                log.warning("workspace/applyEdit failed: %s", exc)
        write_private(path, new)

    def after_answers(self) -> None:
        self.engine.refresh_pending()
        self.engine.prompts.invalidate_explained()
        self.ls.refresh_ui()


def text_edit(old: str, new: str, encoding: str = "utf-16") -> types.TextEdit:
    """One edit turning ``old`` into ``new`` (common prefix/suffix kept)."""
    i = 0
    n = min(len(old), len(new))
    while i < n and old[i] == new[i]:
        i += 1
    j = 0
    while j < n - i and old[len(old) - 1 - j] == new[len(new) - 1 - j]:
        j += 1

    def pos(offset: int) -> types.Position:
        before = old[:offset]
        line = before.count("\n")
        col_text = before[before.rfind("\n") + 1:]
        return types.Position(line=line, character=column_of(col_text, encoding))

    return types.TextEdit(range=types.Range(start=pos(i), end=pos(len(old) - j)),
                          new_text=new[i:len(new) - j])


def _service(ls: OwnwiseServer, method: str) -> PromptService:
    service = require_database(ls.engine, method).prompts.service
    assert service is not None  # the database is open
    return service


def register(server: OwnwiseServer) -> PromptFlows:
    """The prompt requests, commands and code action; the flows are wired to the server's hooks by ``app``."""
    flows = PromptFlows(server)

    @server.feature(P.PENDING_PROMPTS)
    def pending_prompts(ls: OwnwiseServer, params: Any) -> dict[str, Any]:
        from ..prompts.service import prompt_json

        service = _service(ls, P.PENDING_PROMPTS)
        return {"prompts": [prompt_json(p) for p in service.pending()],
                "cannotExplain": [prompt_json(p) for p in service.cannot_explain()]}

    @server.feature(P.ANSWER_PROMPT)
    def answer_prompt(ls: OwnwiseServer, params: Any) -> dict[str, Any]:
        a = validated(P.AnswerPromptParams, params, P.ANSWER_PROMPT)
        try:
            o = _service(ls, P.ANSWER_PROMPT).answer(
                a.id, a.text, understanding=a.understanding, cannot_explain=a.cannot_explain, rating=a.rating,
                via="request")
        except KeyError as exc:
            raise JsonRpcInvalidParams(str(exc.args[0])) from None
        if o.accepted:
            flows.after_answers()
        return wire.outcome(o)

    @server.feature(P.SKIP_PROMPT)
    def skip_prompt(ls: OwnwiseServer, params: Any) -> dict[str, Any]:
        a = validated(P.SkipPromptParams, params, P.SKIP_PROMPT)
        try:
            (p,) = _service(ls, P.SKIP_PROMPT).skip([a.id])
        except KeyError as exc:
            raise JsonRpcInvalidParams(str(exc.args[0])) from None
        flows.after_answers()
        return {"skipped": p.status == "skipped", "status": p.status}

    @server.command(P.CMD_SESSION_END)
    def session_end(ls: OwnwiseServer, *args: Any) -> dict[str, Any]:
        ended = ls.end_session("command")
        if ended is None:
            return {"ended": False, "prompts": 0}
        return {"ended": True, "sessionId": ended.session.id, "prompts": len(ended.prompts),
                "smallLines": ended.small_lines, "minLines": ls.engine.settings.prompts.min_lines}

    @server.command(P.CMD_PROMPT_EXPLAIN)
    async def prompt_explain(ls: OwnwiseServer, *args: Any) -> dict[str, Any]:
        a = validated(P.ExplainArgs, args[0] if args else {}, P.CMD_PROMPT_EXPLAIN)
        service = _service(ls, P.CMD_PROMPT_EXPLAIN)
        if a.uri is None:
            prompts = list(service.pending())
        else:
            start = a.start_line or 0
            block = ls.engine.prompts.block_at(a.uri, start, a.end_line if a.end_line is not None else start)
            if block is None:
                raise JsonRpcInvalidParams(f"no AI code at {a.uri}:{start + 1}")
            prompts = [ls.engine.prompt_for_block(block)]
            ls.refresh_ui()
        if not prompts:
            ls.tell_user("info", "ownwise: nothing to explain right now.")
            return {"prompts": 0}
        path = await flows.open_document(prompts)
        return {"prompts": len(prompts), "document": path.as_uri() if path else None}

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION, types.CodeActionOptions(
        code_action_kinds=[types.CodeActionKind.QuickFix]))
    def code_action(ls: OwnwiseServer, params: types.CodeActionParams) -> list[types.CodeAction]:
        uri = params.text_document.uri
        first, last = params.range.start.line, params.range.end.line
        ours = [d for d in params.context.diagnostics
                if d.source == diagnostics.SOURCE and d.code in (diagnostics.UNEXPLAINED, diagnostics.CANNOT)]
        out = []
        for debt in ls.engine.prompts.debt(uri):
            b = debt.block
            if b.start_line > last or first > b.end_line:
                continue
            args = {"uri": uri, "startLine": b.start_line, "endLine": b.end_line}
            diags = [d for d in ours if d.range.start.line <= b.end_line and b.start_line <= d.range.end.line]
            out.append(types.CodeAction(
                title=f"Explain this (lines {b.start_line + 1}-{b.end_line + 1})",
                kind=types.CodeActionKind.QuickFix, diagnostics=diags or None, is_preferred=True,
                command=types.Command(title="Explain this", command=P.CMD_PROMPT_EXPLAIN, arguments=[args])))
        return out

    return flows


__all__ = ["PromptFlows", "register", "text_edit"]
