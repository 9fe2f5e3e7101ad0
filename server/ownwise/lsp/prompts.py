"""The Explanation Requirement over LSP: session end, the message request, the document, re-asks.

Any client gets the flow through standard messages (``window/showMessageRequest``,
``window/showDocument``, ``textDocument/didSave``, ``window/showMessage``,
diagnostics and a code action); rich clients also get ``ownwise/pendingPrompts``,
``ownwise/answerPrompt`` and ``ownwise/skipPrompt``. See docs/explain.md.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lsprotocol import types
from pydantic import ValidationError
from pygls.exceptions import JsonRpcInternalError, JsonRpcInvalidParams

from ..attribution.document import column_of
from ..engine import SessionEnd, uri_to_path
from ..sessions import Session
from ..store import Prompt
from . import protocol as P

if TYPE_CHECKING:
    from ..prompts.service import Outcome
    from .server import OwnwiseServer

log = logging.getLogger("ownwise.lsp.prompts")

DIAG_SOURCE = "ownwise"
DIAG_UNEXPLAINED = "unexplainedAICode"
DIAG_CANNOT = "cannotExplainYet"


def outcome_json(o: Outcome) -> dict[str, Any]:
    out: dict[str, Any] = {"accepted": o.accepted, "feedback": o.feedback, "reason": o.reason,
                           "status": o.prompt.status}
    if o.next_due is not None:
        out["nextReview"] = o.next_due.isoformat()
    if o.reveals_code:
        out["code"] = o.prompt.code
    return out


class PromptFlows:
    """The async UI flows; one per server (``ls.flows``)."""

    def __init__(self, ls: OwnwiseServer) -> None:
        self.ls = ls
        self.tasks: set[asyncio.Task] = set()

    @property
    def engine(self):
        return self.ls.engine

    def spawn(self, coro) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self.tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task) -> None:
        self.tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("prompt flow failed: %r", task.exception())

    # ------------------------------------------------------------ sessions
    def session_started(self, session: Session) -> None:
        """Called from didChange when an edit starts a session: re-ask one due explanation."""
        try:
            self.spawn(self.offer_reask())
        except RuntimeError:  # no running loop (unit use)
            return
        self.spawn(self._remind())  # after this didChange, not inside it

    async def _remind(self) -> None:
        try:
            self.ls.focus_flows.maybe_remind()
        except Exception as exc:  # noqa: BLE001 - a reminder must never break editing
            log.warning("focus reminder failed: %s", exc)

    def end_session(self, reason: str) -> SessionEnd | None:
        ended = self.engine.end_session(reason)
        if ended is not None:
            self.refresh_ui()
            if ended.prompts:
                self.spawn(self.offer(ended.prompts, ended.earlier, ended.session.id))
        return ended

    async def offer(self, prompts: Sequence[Prompt], earlier: Sequence[Prompt] = (),
                    session_id: int | None = None, message: str | None = None) -> str | None:
        """Ask whether to explain now; act on the choice; return it."""
        service = self.engine.service
        if service is None or not prompts:
            return None
        from ..prompts.service import summary_message

        service.mark_offered([p.id for p in prompts])
        msg = message or summary_message(prompts, len(earlier))
        choice = await self.ask(msg, (P.EXPLAIN_NOW, P.LATER, P.SKIP))
        name = {P.EXPLAIN_NOW: "explainNow", P.LATER: "later", P.SKIP: "skip"}.get(choice or "", "dismissed")
        if session_id is not None:
            self.engine.set_prompt_choice(session_id, name)
        log.info("prompt choice %s for %d prompts", name, len(prompts))
        if choice == P.EXPLAIN_NOW:
            await self.open_document(list(prompts) + [p for p in earlier if p.status == "pending"])
        elif choice == P.SKIP:
            service.skip([p.id for p in prompts])
            self.engine.refresh_pending()
            self.refresh_ui()
        return name

    async def ask(self, message: str, actions: Sequence[str]) -> str | None:
        try:
            result = await self.ls.window_show_message_request_async(types.ShowMessageRequestParams(
                type=types.MessageType.Info, message=message,
                actions=[types.MessageActionItem(title=t) for t in actions]))
        except Exception as exc:  # noqa: BLE001 - a client that can't ask: the prompts stay pending
            log.warning("window/showMessageRequest failed: %s", exc)
            return None
        return getattr(result, "title", None) if result is not None else None

    async def open_document(self, prompts: Sequence[Prompt]) -> Path | None:
        service = self.engine.service
        if service is None or not prompts:
            return None
        prompts = list(prompts[:20])
        path = service.write_document(prompts)
        service.mark_offered([p.id for p in prompts if p.offered_at is None])
        log.info("explanation document %s for %d prompts", path, len(prompts))
        await self.show(path)
        return path

    async def show(self, path: Path) -> bool:
        """Open a document of ours in the editor; if the client can't, say where it is."""
        shown = False
        try:
            res = await self.ls.window_show_document_async(types.ShowDocumentParams(
                uri=path.as_uri(), take_focus=True))
            shown = bool(getattr(res, "success", False))
        except Exception as exc:  # noqa: BLE001
            log.warning("window/showDocument failed: %s", exc)
        if not shown:
            self.ls.tell_user("info", f"ownwise: write your answers in {path} and save it.")
        return shown

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
        prompt = engine.reask_due()
        if prompt is None:
            return
        self.refresh_ui()
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
        except Exception as exc:  # noqa: BLE001 - nothing was confirmed; the document still has it
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
            self.spawn(self.show_code(uri, path, text, revealed))
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
            edit = text_edit(old, new, self.engine.position_encoding)
            try:
                res = await self.ls.workspace_apply_edit_async(types.ApplyWorkspaceEditParams(
                    label="ownwise: show the code to compare",
                    edit=types.WorkspaceEdit(changes={uri: [edit]})))
                if getattr(res, "applied", False):
                    return
            except Exception as exc:  # noqa: BLE001
                log.warning("workspace/applyEdit failed: %s", exc)
        path.write_text(new, encoding="utf-8")

    def after_answers(self) -> None:
        self.engine.refresh_pending()
        self.engine.invalidate_explained()
        self.refresh_ui()

    def refresh_ui(self) -> None:
        for uri in list(self.engine.docs):
            self.ls.send_status(uri)
        self.publish_diagnostics(force=True)

    # --------------------------------------------------------- diagnostics
    def publish_diagnostics(self, force: bool = False) -> None:
        engine = self.engine
        for uri in list(engine.docs):
            if not engine.diagnostics_due(uri) and not force:
                continue
            diags = []
            if engine.settings.prompts.diagnostics:
                for d in engine.debt(uri):
                    b = d.block
                    last = engine.docs[uri].doc.lines[b.end_line]
                    end_col = column_of(last.rstrip("\r\n"), engine.position_encoding)
                    msg = (f"You marked this AI code (lines {b.start_line + 1}-{b.end_line + 1}) as "
                           f"\"can't explain yet\" in core code." if d.cannot_explain else
                           f"AI-written core code you haven't explained yet ({b.lines} lines): "
                           f"capability debt.")
                    diags.append(types.Diagnostic(
                        range=types.Range(start=types.Position(line=b.start_line, character=0),
                                          end=types.Position(line=b.end_line, character=end_col)),
                        message=msg, severity=types.DiagnosticSeverity.Information, source=DIAG_SOURCE,
                        code=DIAG_CANNOT if d.cannot_explain else DIAG_UNEXPLAINED,
                        data={"startLine": b.start_line, "endLine": b.end_line}))
            st = engine.docs[uri]
            key = tuple((d.range.start.line, d.range.end.line, d.range.end.character, d.code)
                        for d in diags)
            if key == st.published and not (force and diags):
                continue
            st.published = key
            self.ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
                uri=uri, diagnostics=diags, version=st.doc.version))


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


def register(server: OwnwiseServer) -> None:
    """The prompt requests, commands and code action."""

    def _params(model, params: Any, method: str):
        try:
            return model.model_validate(params)
        except ValidationError as exc:
            from .server import _brief

            raise JsonRpcInvalidParams(f"{method}: {_brief(exc)}") from None

    def _service(ls: OwnwiseServer):
        if not ls.engine.open_store() or ls.engine.service is None:
            raise JsonRpcInternalError(f"the ownwise database is not available: {ls.engine.store_error}")
        return ls.engine.service

    @server.feature(P.PENDING_PROMPTS)
    def pending_prompts(ls, params: Any) -> dict[str, Any]:
        from ..prompts.service import prompt_json

        return {"prompts": [prompt_json(p) for p in _service(ls).pending()]}

    @server.feature(P.ANSWER_PROMPT)
    def answer_prompt(ls, params: Any) -> dict[str, Any]:
        a = _params(P.AnswerPromptParams, params, P.ANSWER_PROMPT)
        try:
            o = _service(ls).answer(a.id, a.text, understanding=a.understanding,
                                    cannot_explain=a.cannot_explain, rating=a.rating, via="request")
        except KeyError as exc:
            raise JsonRpcInvalidParams(str(exc.args[0])) from None
        if o.accepted:
            ls.flows.after_answers()
        return outcome_json(o)

    @server.feature(P.SKIP_PROMPT)
    def skip_prompt(ls, params: Any) -> dict[str, Any]:
        a = _params(P.SkipPromptParams, params, P.SKIP_PROMPT)
        try:
            (p,) = _service(ls).skip([a.id])
        except KeyError as exc:
            raise JsonRpcInvalidParams(str(exc.args[0])) from None
        ls.flows.after_answers()
        return {"skipped": p.status == "skipped", "status": p.status}

    @server.command(P.CMD_SESSION_END)
    def session_end(ls, *args: Any) -> dict[str, Any]:
        ended = ls.flows.end_session("command")
        if ended is None:
            return {"ended": False, "prompts": 0}
        return {"ended": True, "sessionId": ended.session.id, "prompts": len(ended.prompts)}

    @server.command(P.CMD_PROMPT_EXPLAIN)
    async def prompt_explain(ls, *args: Any) -> dict[str, Any]:
        a = _params(P.ExplainArgs, args[0] if args else {}, P.CMD_PROMPT_EXPLAIN)
        service = _service(ls)
        if a.uri is None:
            prompts = [p for p in service.pending()]
        else:
            start = a.start_line or 0
            block = ls.engine.block_at(a.uri, start, a.end_line if a.end_line is not None else start)
            if block is None:
                raise JsonRpcInvalidParams(f"no AI code at {a.uri}:{start + 1}")
            prompts = [ls.engine.prompt_for_block(block)]
            ls.flows.refresh_ui()
        if not prompts:
            ls.tell_user("info", "ownwise: nothing to explain right now.")
            return {"prompts": 0}
        path = await ls.flows.open_document(prompts)
        return {"prompts": len(prompts), "document": path.as_uri() if path else None}

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION, types.CodeActionOptions(
        code_action_kinds=[types.CodeActionKind.QuickFix]))
    def code_action(ls, params: types.CodeActionParams) -> list[types.CodeAction]:
        uri = params.text_document.uri
        first, last = params.range.start.line, params.range.end.line
        ours = [d for d in params.context.diagnostics
                if d.source == DIAG_SOURCE and d.code in (DIAG_UNEXPLAINED, DIAG_CANNOT)]
        out = []
        for debt in ls.engine.debt(uri):
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
