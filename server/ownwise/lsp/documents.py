"""Documents over LSP: open, change, close, save, files changed on disk, hints, fileInfo, overrides.

``didChange`` is the hot path: each content change becomes an
:class:`~ownwise.attribution.Change` and the engine's fan-out does the rest in
memory; ``ownwise/status`` follows only when something the client shows changed.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from lsprotocol import types
from pydantic import ValidationError
from pygls.exceptions import JsonRpcInvalidParams

from ..attribution import Change
from ..documents import uri_to_path
from ..ownership import OwnershipClass
from ..store import StoreError
from ..words import plural
from . import protocol as P
from . import wire
from .handlers import brief, unavailable, validated
from .server import OwnwiseServer

log = logging.getLogger("ownwise.lsp")

#: files under .git whose change means git itself moved the work tree
GIT_MOVES = frozenset({"HEAD", "index", "ORIG_HEAD", "FETCH_HEAD", "MERGE_HEAD"})
#: the rules files of the Ownership Matrix: saving one re-reads the rules at once
CONFIG_FILES = (".ownwise.toml", "pyproject.toml")


def register(server: OwnwiseServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: OwnwiseServer, params: types.DidOpenTextDocumentParams) -> None:
        td = params.text_document
        if ls.engine.open(td.uri, td.text, td.version, td.language_id) is not None:
            ls.send_status(td.uri)
            ls.publish_diagnostics()

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
        ls.forget(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: OwnwiseServer, params: types.DidSaveTextDocumentParams) -> None:
        uri = params.text_document.uri
        if any(saved(uri) for saved in ls.saved):  # ownwise's own documents: answers, reflections
            return
        path = uri_to_path(uri)
        if path is not None and path.name in CONFIG_FILES and ls.engine.documents.poll_config():
            ls.send_statuses()

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched_files(ls: OwnwiseServer, params: types.DidChangeWatchedFilesParams) -> None:
        changes = [(uri_to_path(c.uri), c.type) for c in params.changes]
        git = [p for p, _t in changes if p is not None and ".git" in p.parts and p.name in GIT_MOVES]
        if git:
            # checkout, pull, rebase: the files changed because git moved, not because anyone wrote them
            log.info("%d file changes came with a move of %s: ignored as a whole", len(changes), git[0])
            return
        touched = 0
        seen: set[Path] = set()
        for path, kind in changes:
            if path is None or ".git" in path.parts or kind == types.FileChangeType.Deleted or path in seen:
                continue
            seen.add(path)  # one write can come as created + changed: looked at once
            touched += ls.engine.external_change(path)
        if touched:
            log.info("%s credited to agents from files changed on disk", plural(touched, "line"))

    @server.feature(P.EDIT_HINT)
    def edit_hint(ls: OwnwiseServer, params: Any) -> None:
        try:
            hint = P.EditHintParams.model_validate(params)
        except ValidationError as exc:  # a notification: nobody to answer, so logged and dropped
            log.warning("ownwise/editHint ignored, invalid params %r: %s", params, brief(exc))
            return
        ls.engine.hint(hint.uri, hint.kind, hint.source, hint.version)

    @server.feature(P.FILE_INFO)
    def file_info(ls: OwnwiseServer, params: Any) -> dict[str, Any]:
        p = validated(P.FileInfoParams, params, P.FILE_INFO)
        return wire.file_info(ls.engine, p.uri, with_text_hash=p.text_hash)

    @server.command(P.CMD_OWNERSHIP_SET)
    def ownership_set(ls: OwnwiseServer, *args: Any) -> dict[str, Any]:
        a = validated(P.OwnershipSetArgs, args[0] if args else None, P.CMD_OWNERSHIP_SET)
        try:
            d = ls.engine.set_override(a.uri, OwnershipClass(a.cls) if a.cls else None)
        except ValueError as exc:
            raise JsonRpcInvalidParams(str(exc)) from None
        except StoreError as exc:
            raise unavailable(P.CMD_OWNERSHIP_SET, exc) from None
        ls.send_status(a.uri)
        if a.cls:
            for overridden in ls.overridden:
                overridden(a.uri, OwnershipClass(a.cls))
        return wire.decision(d)


__all__ = ["GIT_MOVES", "register"]
