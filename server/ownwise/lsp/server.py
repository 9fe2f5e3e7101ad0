"""OwnwiseServer: the pygls server around the pure :class:`~ownwise.engine.Engine`.

Handlers take the server as their first parameter (``ls``); there is no
global server object. The server knows no feature: feature modules
(``documents``, ``lifecycle``, ``prompts``, ``focus``, ``report``) register
their handlers on it, and ``app.build_server`` wires them together; what one
feature asks of another (a session ended, a session started, a document
saved, a tick) goes through the hooks below. Documents are mirrored by the
engine, not by pygls's workspace (whose ``TextDocument`` rewrites the whole
text on every change).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine, Sequence
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from .. import __version__
from ..clock import wall_clock
from ..engine import Engine, SessionEnd
from ..ownership import OwnershipClass
from ..sessions import Session
from ..settings import parse_settings
from . import diagnostics, wire
from . import protocol as P
from .logs import setup_logging
from .transport import OwnwiseProtocol, is_parse_error

log = logging.getLogger("ownwise.lsp")


class OwnwiseServer(LanguageServer):
    def __init__(self, *, db_path: Path | None = None, clock: Callable[[], float] | None = None) -> None:
        super().__init__("ownwise", __version__, protocol_cls=OwnwiseProtocol,
                         text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.connected = False
        self.init_options: dict[str, Any] = {}
        self.engine = Engine(db_path=db_path, notify_user=self.tell_user, wall=wall_clock(),
                             clock=clock or time.monotonic)
        self.engine.on_session_start = self._session_started
        #: what features do after ``initialized`` (first recovering what a crashed server left, then
        #: once running), when a session starts or ends, a document is saved, each tick, at shutdown
        self.recovering: list[Callable[[], None]] = []
        self.started: list[Callable[[], None]] = []
        self.session_started: list[Callable[[Session], None]] = []
        self.session_ended: list[Callable[[SessionEnd], None]] = []
        self.saved: list[Callable[[str], bool]] = []  # True: the document was theirs (stop there)
        self.folders_changed: list[Callable[[], None]] = []
        self.overridden: list[Callable[[str, OwnershipClass], None]] = []  # a file's class set by hand
        self.ticks: list[tuple[str, Callable[[], None]]] = []
        self.shutting_down: list[Callable[[], None]] = []
        self.tasks: set[asyncio.Task] = set()
        self._flusher: asyncio.Task | None = None
        self._settings_errors: list[str] = []
        self._status_sent: dict[str, tuple] = {}  # uri -> key of the last ownwise/status
        self._diagnosed: dict[str, tuple | None] = {}  # uri -> what its diagnostics were last computed from
        self._published: dict[str, tuple] = {}  # uri -> the diagnostics last published

    # -------------------------------------------------------------- output
    def tell_user(self, level: str, message: str) -> None:
        kind = {"error": types.MessageType.Error, "warning": types.MessageType.Warning}.get(
            level, types.MessageType.Info)
        if self.connected:
            self.window_show_message(types.ShowMessageParams(type=kind, message=message))

    def report_server_error(self, error: Exception, source) -> None:
        # Log, don't pop up: a malformed message is the client's bug, not the user's.
        log.error("%s: %s", getattr(source, "__name__", source), error)
        if (isinstance(error, (ValueError, RecursionError)) and is_parse_error(error)
                and isinstance(self.protocol, OwnwiseProtocol)):
            # pygls drops a body it cannot parse; JSON-RPC wants a Parse error with a null id
            self.protocol.send_invalid(None, -32700, f"Parse error: {error}")

    def send_status(self, uri: str) -> None:
        """``ownwise/status`` for an open document, if anything in it changed since the last one."""
        built = wire.status(self.engine, uri)
        if built is None:
            return
        params, key = built
        if self._status_sent.get(uri) == key:
            return
        self._status_sent[uri] = key
        self.protocol.notify(P.STATUS, params)

    def send_statuses(self) -> None:
        for uri in list(self.engine.documents.docs):
            self.send_status(uri)

    def forget(self, uri: str) -> None:
        """A document closed: what was last sent for it goes too (it is sent again when it reopens)."""
        self._status_sent.pop(uri, None)
        self._diagnosed.pop(uri, None)
        self._published.pop(uri, None)

    def publish_diagnostics(self, force: bool = False) -> None:
        """The explanation debt of each open document whose diagnostics may have changed."""
        engine = self.engine
        for uri in list(engine.documents.docs):
            key = diagnostics.due_key(engine, uri)
            due = key != self._diagnosed.get(uri)
            self._diagnosed[uri] = key
            if not due and not force:
                continue
            diags = diagnostics.of(engine, uri)
            published = tuple((d.range.start.line, d.range.end.line, d.range.end.character, d.code)
                              for d in diags)
            if published == self._published.get(uri) and not (force and diags):
                continue
            self._published[uri] = published
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
                uri=uri, diagnostics=diags, version=engine.documents.docs[uri].doc.version))

    def refresh_ui(self) -> None:
        self.send_statuses()
        self.publish_diagnostics(force=True)

    # ----------------------------------------------------------- UI flows
    def spawn(self, coro: Coroutine[Any, Any, Any]) -> None:
        """Run a UI flow after the current handler returns (its failure is logged)."""
        task = asyncio.get_running_loop().create_task(coro)
        self.tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task) -> None:
        self.tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("prompt flow failed: %r", task.exception())

    async def ask(self, message: str, actions: Sequence[str]) -> str | None:
        """``window/showMessageRequest``: the title chosen, or None (dismissed, or the client can't)."""
        try:
            result = await self.window_show_message_request_async(types.ShowMessageRequestParams(
                type=types.MessageType.Info, message=message,
                actions=[types.MessageActionItem(title=t) for t in actions]))
        except Exception as exc:  # noqa: BLE001 - a client that can't ask: what was offered stays pending
            log.warning("window/showMessageRequest failed: %s", exc)
            return None
        return getattr(result, "title", None) if result is not None else None

    async def show(self, path: Path) -> bool:
        """Open a document of ours in the editor; if the client can't, say where it is."""
        shown = False
        try:
            res = await self.window_show_document_async(types.ShowDocumentParams(
                uri=path.as_uri(), take_focus=True))
            shown = bool(getattr(res, "success", False))
        except Exception as exc:  # noqa: BLE001
            log.warning("window/showDocument failed: %s", exc)
        if not shown:
            self.tell_user("info", f"ownwise: write your answers in {path} and save it.")
        return shown

    # ------------------------------------------------------------ sessions
    def _session_started(self, session: Session) -> None:
        """From didChange, when an edit starts a session: the features' flows, after this handler."""
        for listener in self.session_started:
            listener(session)

    def end_session(self, reason: str) -> SessionEnd | None:
        ended = self.engine.end_session(reason)
        if ended is not None:
            self.refresh_ui()
            for listener in self.session_ended:
                listener(ended)
        return ended

    # -------------------------------------------------------------- timers
    def start_flusher(self) -> None:
        if self._flusher is None:
            self._flusher = asyncio.get_running_loop().create_task(self._flush_loop())

    async def _flush_loop(self) -> None:
        while True:
            await asyncio.sleep(self.engine.settings.flush_interval_seconds)
            try:
                self.tick()
            except Exception:
                log.exception("periodic flush failed")

    def tick(self) -> None:
        """Once a second: write what is queued, the features' checks, end an idle session, refresh."""
        engine = self.engine
        engine.flush()
        engine.hints.purge()
        for what, step in self.ticks:
            try:
                step()
            except Exception:
                log.exception("%s failed", what)
        if engine.sessions.idle_expired():
            self.end_session("idle")
        refresh = bool(engine.documents.reread_marked()) | engine.documents.poll_config()
        if engine.prompts.refresh_pending() or refresh:
            self.refresh_ui()
        else:
            self.publish_diagnostics()

    def shutdown(self) -> None:
        try:
            self.stop()
        except Exception:
            log.exception("final flush failed")
        super().shutdown()

    def stop(self) -> None:
        """The features' last words (a focus block ends), then the session ends and everything is written."""
        for step in self.shutting_down:
            step()
        self.engine.shutdown()

    # ------------------------------------------------------------ settings
    def apply_settings(self, raw: Any) -> None:
        settings, errors = parse_settings(raw)
        errors += self.engine.apply_settings(settings)
        setup_logging(self, settings.log_level)
        for e in errors:
            log.error("%s", e)
        if errors and errors != self._settings_errors:
            self.tell_user("error", "ownwise: " + "; ".join(errors))
        self._settings_errors = errors
        self.send_statuses()
        self.publish_diagnostics(force=True)


__all__ = ["OwnwiseServer"]
