"""The server's life: initialize, initialized, configuration, workspace folders, shutdown, and its own state.

``initialize`` is answered with the database opened, settings applied and the
workspace's rules read; ``initialized`` closes what a crashed server left open,
starts the once-a-second tick, pulls ``workspace/configuration`` and registers
the file watcher. ``ownwise/serverInfo`` and ``ownwise/clientState`` are here
too.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from lsprotocol import types

from .. import __version__
from ..documents import uri_to_path
from . import protocol as P
from .handlers import require_database, validated
from .logs import setup_logging
from .server import OwnwiseServer

log = logging.getLogger("ownwise.lsp")


def _merge(base: dict[str, Any], over: Any) -> dict[str, Any]:
    if not isinstance(over, dict):
        return base
    out = dict(base)
    for k, v in over.items():
        out[k] = _merge(out[k], v) if isinstance(out.get(k), dict) and isinstance(v, dict) else v
    return out


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


async def watch_files(ls: OwnwiseServer) -> None:
    """Register the ``**/*`` watcher (where the client can) that tells of agents' edits on disk."""
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


def register(server: OwnwiseServer) -> None:
    @server.feature(types.INITIALIZE)
    def initialize(ls: OwnwiseServer, params: types.InitializeParams) -> None:
        ls.connected = True
        setup_logging(ls)
        engine = ls.engine
        opts = params.initialization_options if isinstance(params.initialization_options, dict) else {}
        ls.init_options = {k: v for k, v in opts.items() if k != "databasePath"}
        db = opts.get("databasePath")
        if isinstance(db, str) and db:
            engine.recorder.db_path = Path(db).expanduser()
        elif engine.recorder.db_path is None and os.environ.get("OWNWISE_DB"):
            engine.recorder.db_path = Path(os.environ["OWNWISE_DB"]).expanduser()
        engine.open_store()
        enc = ls.protocol.workspace.position_encoding
        engine.documents.position_encoding = getattr(enc, "value", enc) or "utf-16"
        roots = [uri_to_path(f.uri) for f in params.workspace_folders or []]
        if not roots and params.root_uri:
            roots = [uri_to_path(params.root_uri)]
        engine.documents.set_workspace_folders([r for r in roots if r is not None])
        ls.apply_settings(ls.init_options)

    @server.feature(types.INITIALIZED)
    async def initialized(ls: OwnwiseServer, params: types.InitializedParams) -> None:
        # recover before the first tick: its heartbeat would make a dead server's block look alive
        try:
            ls.engine.close_stale_sessions()
            for recover in ls.recovering:
                recover()
        except Exception as exc:  # noqa: BLE001
            log.warning("could not close sessions or focus blocks left open: %s", exc)
        ls.start_flusher()
        await pull_configuration(ls)
        await watch_files(ls)
        for started in ls.started:
            started()

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(ls: OwnwiseServer, params: types.DidChangeConfigurationParams) -> None:
        pushed = params.settings.get("ownwise") if isinstance(params.settings, dict) else None
        await pull_configuration(ls, pushed)

    @server.feature(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
    def did_change_folders(ls: OwnwiseServer, params: types.DidChangeWorkspaceFoldersParams) -> None:
        documents = ls.engine.documents
        removed = {uri_to_path(f.uri) for f in params.event.removed}
        added = {uri_to_path(f.uri) for f in params.event.added}
        roots = (set(documents.roots) - removed) | added
        documents.set_workspace_folders([r for r in roots if r is not None])
        for changed in ls.folders_changed:
            changed()

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: OwnwiseServer, *args: Any) -> None:
        ls.stop()

    @server.feature(P.SERVER_INFO)
    def server_info(ls: OwnwiseServer, params: Any) -> dict[str, Any]:
        recorder = ls.engine.recorder
        db = recorder.database_path()
        return {"version": __version__, "databasePath": str(db), "dataDir": str(db.parent),
                "databaseAvailable": recorder.available}

    @server.feature(P.CLIENT_STATE)
    def client_state(ls: OwnwiseServer, params: Any) -> dict[str, Any]:
        p = validated(P.ClientStateParams, params, P.CLIENT_STATE)
        engine = require_database(ls.engine, P.CLIENT_STATE)
        write = isinstance(params, dict) and "value" in params
        return {"key": p.key, "value": engine.recorder.client_state(p.key, p.value, write=write)}


__all__ = ["pull_configuration", "register", "watch_files"]
