"""OwnwiseServer: pygls glue around the pure :class:`~ownwise.engine.Engine`.

Handlers take the server as their first parameter (``ls``); there is no
global server object. Documents are mirrored by the engine, not by pygls's
workspace (whose ``TextDocument`` rewrites the whole text on every change).
"""

from __future__ import annotations

import asyncio
import collections
import logging
import os
import re
import sys
from pathlib import Path
from typing import Any

from lsprotocol import types
from pydantic import ValidationError
from pygls.exceptions import JsonRpcInternalError, JsonRpcInvalidParams
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol, lsp_method
from pygls.protocol.json_rpc import JsonRPCNotification, JsonRPCRequestMessage

from .. import __version__
from ..clock import wall_clock
from ..attribution import Change
from ..engine import Engine, uri_to_path
from ..ownership import OwnershipClass
from ..settings import Settings, parse_settings
from . import focus as focus_features
from . import prompts as prompt_features
from . import report as report_features
from . import protocol as P
from .logs import setup_logging
from .focus import FocusFlows
from .prompts import PromptFlows

log = logging.getLogger("ownwise.lsp")


class OwnwiseProtocol(LanguageServerProtocol):
    """pygls's protocol, minus its document mirror, with raw params for ownwise/*."""

    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: types.DidOpenTextDocumentParams):
        if (h := self.fm.features.get(types.TEXT_DOCUMENT_DID_OPEN)) is not None:
            yield h, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: types.DidChangeTextDocumentParams):
        if (h := self.fm.features.get(types.TEXT_DOCUMENT_DID_CHANGE)) is not None:
            yield h, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: types.DidCloseTextDocumentParams):
        if (h := self.fm.features.get(types.TEXT_DOCUMENT_DID_CLOSE)) is not None:
            yield h, (params,), None

    def handle_message(self, message) -> None:
        if isinstance(message, (dict, list, str, int, float, bool)) or message is None:
            # valid JSON, but not a JSON-RPC message (no "jsonrpc", a batch, a scalar)
            msg_id = message.get("id") if isinstance(message, dict) else None
            if not isinstance(msg_id, (int, str)) or isinstance(msg_id, bool):
                msg_id = None
            log.error("not a JSON-RPC 2.0 message, ignored: %.200r", message)
            self.send_invalid(msg_id, -32600, "Invalid Request: not a JSON-RPC 2.0 message")
            return
        super().handle_message(message)

    def send_invalid(self, msg_id: int | str | None, code: int, message: str) -> None:
        """A JSON-RPC error response written as is (``id`` may be null, which pygls omits)."""
        import json

        body = json.dumps({"jsonrpc": "2.0", "id": msg_id, "error": {"code": code, "message": message[:500]}},
                          separators=(",", ":")).encode()
        if self.writer is not None:
            self.writer.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))

    def structure_message(self, data: dict[str, Any]):
        if "jsonrpc" not in data:
            return data  # a nested object (params, a range, …), or not JSON-RPC: as pygls does
        while FRAMING_PROBLEMS:  # noted by the stdin reader thread, logged here on the loop
            log.error("%s", FRAMING_PROBLEMS.popleft())
        method = data.get("method")
        if isinstance(method, str) and method.startswith("ownwise/"):
            # Our own methods keep their params as plain JSON; handlers validate them.
            params = data.get("params")
            if "id" in data:
                return JsonRPCRequestMessage(id=data["id"], method=method,
                                             jsonrpc=data["jsonrpc"], params=params)
            return JsonRPCNotification(method=method, jsonrpc=data["jsonrpc"], params=params)
        try:
            return super().structure_message(data)
        except Exception as exc:
            if "jsonrpc" in data and "id" in data and "method" in data:
                # A request whose params do not fit its type: answer it, don't leave it hanging.
                err = JsonRpcInvalidParams.of(exc) if not isinstance(exc, JsonRpcInvalidParams) else exc
                self._send_response(data["id"], error=err.to_response_error())
            log.error("malformed %s message ignored: %s", data.get("method", "?"), exc)
            raise


class OwnwiseServer(LanguageServer):
    def __init__(self, *, db_path: Path | None = None, clock=None) -> None:
        super().__init__("ownwise", __version__, protocol_cls=OwnwiseProtocol,
                         text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.connected = False
        self.init_options: dict[str, Any] = {}
        kwargs = {"clock": clock} if clock else {}
        self.engine = Engine(db_path=db_path, notify_user=self.tell_user, wall=wall_clock(), **kwargs)
        self.flows = PromptFlows(self)
        self.focus_flows = FocusFlows(self)
        self.engine.on_session_start = self.flows.session_started
        self._flusher: asyncio.Task | None = None
        self._settings_errors: list[str] = []

    # -------------------------------------------------------------- output
    def tell_user(self, level: str, message: str) -> None:
        kind = {"error": types.MessageType.Error, "warning": types.MessageType.Warning}.get(
            level, types.MessageType.Info)
        if self.connected:
            self.window_show_message(types.ShowMessageParams(type=kind, message=message))

    def report_server_error(self, error: Exception, source) -> None:
        # Log, don't pop up: a malformed message is the client's bug, not the user's.
        log.error("%s: %s", getattr(source, "__name__", source), error)
        if isinstance(error, (ValueError, RecursionError)) and _is_parse_error(error):
            # pygls drops a body it cannot parse; JSON-RPC wants a Parse error with a null id
            self.protocol.send_invalid(None, -32700, f"Parse error: {error}")

    def send_status(self, uri: str) -> None:
        status = self.engine.status_if_changed(uri)
        if status is not None:
            self.protocol.notify(P.STATUS, status)

    # -------------------------------------------------------------- timers
    def start_flusher(self) -> None:
        if self._flusher is None:
            self._flusher = asyncio.get_running_loop().create_task(self._flush_loop())

    async def _flush_loop(self) -> None:
        while True:
            await asyncio.sleep(self.engine.settings.flush_interval_seconds)
            try:
                self.tick()
            except Exception:  # noqa: BLE001 - the loop must survive anything
                log.exception("periodic flush failed")

    def tick(self) -> None:
        """Once a second: write what is queued, end an idle session, refresh what changed."""
        engine = self.engine
        engine.flush()
        engine.hints.purge()
        try:
            self.focus_flows.tick()
        except Exception:  # noqa: BLE001 - a locked database must not stop the rest of the tick
            log.exception("focus check failed")
        if engine.sessions.idle_expired():
            self.flows.end_session("idle")
        refresh = engine.poll_config()
        if engine.refresh_pending() or refresh:
            self.flows.refresh_ui()
        else:
            self.flows.publish_diagnostics()

    def shutdown(self) -> None:
        try:
            self.focus_flows.shutdown()
            self.engine.shutdown()
        except Exception:  # noqa: BLE001
            log.exception("final flush failed")
        super().shutdown()

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
        for uri in list(self.engine.docs):
            self.send_status(uri)
        self.flows.publish_diagnostics(force=True)


#: files under .git whose change means git itself moved the work tree
GIT_MOVES = frozenset({"HEAD", "index", "ORIG_HEAD", "FETCH_HEAD", "MERGE_HEAD"})


def _merge(base: dict[str, Any], over: Any) -> dict[str, Any]:
    if not isinstance(over, dict):
        return base
    out = dict(base)
    for k, v in over.items():
        out[k] = _merge(out[k], v) if isinstance(out.get(k), dict) and isinstance(v, dict) else v
    return out


def build_server(db_path: Path | None = None, clock=None) -> OwnwiseServer:
    server = OwnwiseServer(db_path=db_path, clock=clock)

    @server.feature(types.INITIALIZE)
    def initialize(ls: OwnwiseServer, params: types.InitializeParams) -> None:
        ls.connected = True
        setup_logging(ls)
        opts = params.initialization_options if isinstance(params.initialization_options, dict) else {}
        ls.init_options = {k: v for k, v in opts.items() if k != "databasePath"}
        db = opts.get("databasePath")
        if isinstance(db, str) and db:
            ls.engine.db_path = Path(db).expanduser()
        elif ls.engine.db_path is None and os.environ.get("OWNWISE_DB"):
            ls.engine.db_path = Path(os.environ["OWNWISE_DB"]).expanduser()
        ls.engine.open_store()
        enc = ls.protocol.workspace.position_encoding
        ls.engine.position_encoding = getattr(enc, "value", enc) or "utf-16"
        roots = [uri_to_path(f.uri) for f in params.workspace_folders or []]
        if not roots and params.root_uri:
            roots = [uri_to_path(params.root_uri)]
        ls.engine.set_workspace_folders([r for r in roots if r is not None])
        ls.apply_settings(ls.init_options)

    @server.feature(types.INITIALIZED)
    async def initialized(ls: OwnwiseServer, params: types.InitializedParams) -> None:
        # recover before the first tick: its heartbeat would make a dead server's block look alive
        try:
            ls.engine.close_stale_sessions()
            ls.focus_flows.recover()
        except Exception as exc:  # noqa: BLE001
            log.warning("could not close sessions or focus blocks left open: %s", exc)
        ls.start_flusher()
        await pull_configuration(ls)
        await watch_files(ls)
        ls.flows.spawn(ls.flows.offer_unoffered())

    async def pull_configuration(ls: OwnwiseServer, pushed: Any = None) -> None:
        caps = ls.client_capabilities.workspace
        raw: Any = pushed
        if caps is not None and caps.configuration:
            try:
                result = await ls.workspace_configuration_async(
                    types.ConfigurationParams(items=[types.ConfigurationItem(section="ownwise")]))
                raw = result[0] if result else None
            except Exception as exc:  # noqa: BLE001
                log.warning("workspace/configuration failed: %s", exc)
        if raw is None and pushed is None:
            return
        ls.apply_settings(_merge(ls.init_options, raw))

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(ls: OwnwiseServer, params: types.DidChangeConfigurationParams) -> None:
        pushed = params.settings.get("ownwise") if isinstance(params.settings, dict) else None
        await pull_configuration(ls, pushed)

    @server.feature(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
    def did_change_folders(ls: OwnwiseServer, params: types.DidChangeWorkspaceFoldersParams) -> None:
        roots = set(ls.engine.roots)
        roots -= {uri_to_path(f.uri) for f in params.event.removed}
        roots |= {uri_to_path(f.uri) for f in params.event.added}
        ls.engine.set_workspace_folders([r for r in roots if r is not None])

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched_files(ls: OwnwiseServer, params: types.DidChangeWatchedFilesParams) -> None:
        changes = [(uri_to_path(c.uri), c.type) for c in params.changes]
        git = [p for p, _t in changes if p is not None and ".git" in p.parts and p.name in GIT_MOVES]
        if git:
            # checkout, pull, rebase: the files changed because git moved, not because anyone wrote them
            log.info("%d file changes came with a move of %s: ignored as a whole", len(changes), git[0])
            return
        touched = 0
        for path, kind in changes:
            if path is None or ".git" in path.parts or kind == types.FileChangeType.Deleted:
                continue
            touched += ls.engine.external_change(path)
        if touched:
            log.info("%d lines credited to agents from files changed on disk", touched)

    async def watch_files(ls: OwnwiseServer) -> None:
        caps = ls.client_capabilities.workspace
        watched = getattr(caps, "did_change_watched_files", None) if caps else None
        if not (watched and watched.dynamic_registration):
            return
        try:
            await ls.client_register_capability_async(types.RegistrationParams(registrations=[
                types.Registration(
                    id="ownwise-watch", method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                    register_options=types.DidChangeWatchedFilesRegistrationOptions(watchers=[
                        types.FileSystemWatcher(glob_pattern="**/*"),
                    ]))]))
        except Exception as exc:  # noqa: BLE001
            log.warning("could not watch files: %s", exc)

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: OwnwiseServer, *args) -> None:
        ls.focus_flows.shutdown()
        ls.engine.shutdown()

    # ----------------------------------------------------------- documents
    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: OwnwiseServer, params: types.DidOpenTextDocumentParams) -> None:
        td = params.text_document
        if ls.engine.open(td.uri, td.text, td.version, td.language_id) is not None:
            ls.send_status(td.uri)
            ls.flows.publish_diagnostics()

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: OwnwiseServer, params: types.DidChangeTextDocumentParams) -> None:
        changes = []
        for c in params.content_changes:
            rng = getattr(c, "range", None)
            if rng is None:
                changes.append(Change.replace_all(c.text))
            else:
                changes.append(Change(c.text, rng.start.line, rng.start.character,
                                      rng.end.line, rng.end.character))
        uri = params.text_document.uri
        if ls.engine.change(uri, params.text_document.version, changes) is not None:
            ls.send_status(uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: OwnwiseServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.engine.close(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: OwnwiseServer, params: types.DidSaveTextDocumentParams) -> None:
        if ls.focus_flows.reflection_saved(params.text_document.uri) or ls.flows.document_saved(
                params.text_document.uri):
            return
        path = uri_to_path(params.text_document.uri)
        if path is not None and path.name in (".ownwise.toml", "pyproject.toml"):
            if ls.engine.poll_config():
                for uri in list(ls.engine.docs):
                    ls.send_status(uri)

    # ------------------------------------------------------------- ownwise
    @server.feature(P.EDIT_HINT)
    def edit_hint(ls: OwnwiseServer, params: Any) -> None:
        try:
            hint = P.EditHintParams.model_validate(params)
        except ValidationError as exc:
            log.warning("ownwise/editHint ignored, invalid params %r: %s", params, _brief(exc))
            return
        ls.engine.hint(hint.uri, hint.kind, hint.source, hint.version)

    @server.feature(P.FILE_INFO)
    def file_info(ls: OwnwiseServer, params: Any) -> dict[str, Any]:
        try:
            p = P.FileInfoParams.model_validate(params)
        except ValidationError as exc:
            raise JsonRpcInvalidParams(f"ownwise/fileInfo: {_brief(exc)}") from None
        info = ls.engine.file_info(p.uri)
        if p.text_hash:  # on request only: hashing a big document on every status refresh is waste
            st = ls.engine.docs.get(p.uri)
            info["textHash"] = st.doc.text_hash() if st is not None else None
        return info

    @server.command(P.CMD_OWNERSHIP_SET)
    def ownership_set(ls: OwnwiseServer, *args: Any) -> dict[str, Any]:
        try:
            a = P.OwnershipSetArgs.model_validate(args[0] if args else None)
        except ValidationError as exc:
            raise JsonRpcInvalidParams(f"{P.CMD_OWNERSHIP_SET}: {_brief(exc)}") from None
        try:
            d = ls.engine.set_override(a.uri, OwnershipClass(a.cls) if a.cls else None)
        except ValueError as exc:
            raise JsonRpcInvalidParams(str(exc)) from None
        ls.send_status(a.uri)
        return {"ownershipClass": d.cls.value, "rule": d.rule}

    @server.feature(P.SERVER_INFO)
    def server_info(ls: OwnwiseServer, params: Any) -> dict[str, Any]:
        db = ls.engine.db_path
        if db is None:
            from ..store import default_db_path

            db = default_db_path()
        return {"version": __version__, "databasePath": str(db), "dataDir": str(db.parent),
                "databaseAvailable": ls.engine.store is not None}

    @server.feature(P.CLIENT_STATE)
    def client_state(ls: OwnwiseServer, params: Any) -> dict[str, Any]:
        try:
            p = P.ClientStateParams.model_validate(params)
        except ValidationError as exc:
            raise JsonRpcInvalidParams(f"{P.CLIENT_STATE}: {_brief(exc)}") from None
        if not ls.engine.open_store() or ls.engine.store is None:
            raise JsonRpcInternalError(f"the ownwise database is not available: {ls.engine.store_error}")
        key = f"client:{p.key}"
        if isinstance(params, dict) and "value" in params:
            ls.engine.store.put(key, p.value)
        return {"key": p.key, "value": ls.engine.store.get(key)}

    prompt_features.register(server)
    focus_features.register(server)
    report_features.register(server)
    return server


def _brief(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(map(str, e['loc'])) or 'params'}: {e['msg']}" for e in exc.errors())


def _is_parse_error(error: BaseException) -> bool:
    """True for what ``json.loads`` raises on a body that is not JSON (or not UTF-8)."""
    import json

    return isinstance(error, (json.JSONDecodeError, UnicodeDecodeError, RecursionError)) or (
        type(error) is ValueError and "integer string conversion" in str(error))


#: framing problems seen by :class:`FramedStdin` (reader thread), logged with the next message
FRAMING_PROBLEMS: collections.deque[str] = collections.deque(maxlen=100)
_HEADER = b"Content-Length: "
_CONTENT_LENGTH = re.compile(rb"Content-Length: (\d+)\r\n")


class FramedStdin:
    """stdin for pygls's reader loop, surviving a client's framing errors.

    pygls reads header lines with ``readline`` and a body with ``read(n)``. After a
    wrong Content-Length the rest of a body is glued to the next header on one line,
    which pygls never recognises again: every later message was lost. Here such a
    line is cut back to its header. A length above ``MAX_BODY`` (which made
    ``read`` raise OverflowError or MemoryError and end the server) is not a header;
    bodies are read in chunks, so memory grows only with the bytes that arrive.
    """

    MAX_BODY = 1 << 30
    CHUNK = 1 << 24

    def __init__(self, raw) -> None:
        self.raw = raw

    def readline(self) -> bytes:
        line = self.raw.readline()
        at = line.rfind(_HEADER)
        if at > 0:
            FRAMING_PROBLEMS.append(f"framing: {at} bytes before a Content-Length header skipped "
                                    "(a wrong Content-Length?)")
            line = line[at:]
        m = _CONTENT_LENGTH.fullmatch(line)
        if m is not None and (len(m.group(1)) > 10 or int(m.group(1)) > self.MAX_BODY):
            FRAMING_PROBLEMS.append(f"framing: Content-Length {m.group(1)[:30].decode()} is over "
                                    f"{self.MAX_BODY} bytes; message skipped")
            return b"X-Ownwise-Skipped: too long\r\n"
        return line

    def read(self, n: int) -> bytes:
        if n <= self.CHUNK:
            return self.raw.read(n)
        parts = []
        while n > 0:
            part = self.raw.read(min(n, self.CHUNK))
            if not part:
                break
            parts.append(part)
            n -= len(part)
        return b"".join(parts)


def serve() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    build_server().start_io(FramedStdin(sys.stdin.buffer))


__all__ = ["OwnwiseServer", "Settings", "build_server", "serve"]
