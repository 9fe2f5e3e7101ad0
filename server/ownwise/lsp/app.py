"""The language server put together: the features registered on one server, and ``serve``.

Each feature module registers its handlers; the flows that answer the server's
hooks are wired here, in one place, because their order matters: on
``didSave`` a reflection document is the focus feature's before the prompts
feature looks for answers in it; at a session's start a due re-ask is offered
before the weekly reminder.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, cast

from . import documents, focus, lifecycle, ownership, prompts, report, trace
from .server import OwnwiseServer
from .transport import FramedStdin


def build_server(db_path: Path | None = None, clock: Callable[[], float] | None = None) -> OwnwiseServer:
    server = OwnwiseServer(db_path=db_path, clock=clock)
    lifecycle.register(server)
    documents.register(server)
    explain = prompts.register(server)
    blocks = focus.register(server)
    report.register(server)
    owner = ownership.register(server)
    commits = trace.register(server)

    server.recovering.append(blocks.recover)  # after initialized: blocks a crashed server left open
    server.started += [lambda: server.spawn(explain.offer_unoffered()), owner.started, commits.started]
    server.session_started += [explain.session_started, blocks.session_started]
    server.session_ended.append(explain.session_ended)
    server.saved += [blocks.reflection_saved, explain.document_saved, owner.document_saved]
    server.folders_changed += [owner.folders_changed, commits.folders_changed]
    server.overridden.append(owner.offer_rule)
    server.ticks += [("focus check", blocks.tick), ("commit watch", commits.tick)]
    server.shutting_down += [blocks.shutdown, commits.shutdown]
    return server


def serve() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    build_server().start_io(cast(BinaryIO, FramedStdin(sys.stdin.buffer)))  # reads like one


__all__ = ["build_server", "serve"]
