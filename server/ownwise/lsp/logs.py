"""Forward the server's own log records to the client (window/logMessage).

pygls's records are not forwarded (sending a message logs, which would
recurse); they go to stderr, which editors show in the server's output too.
"""

from __future__ import annotations

import logging
from typing import Protocol

from lsprotocol import types


class _Server(Protocol):
    """What the handler needs of the server (not the server's module: no import cycle)."""

    connected: bool

    def window_log_message(self, params: types.LogMessageParams) -> None: ...

_LEVELS = {
    logging.ERROR: types.MessageType.Error,
    logging.WARNING: types.MessageType.Warning,
    logging.INFO: types.MessageType.Info,
    logging.DEBUG: types.MessageType.Log,
}


class LspLogHandler(logging.Handler):
    def __init__(self, ls: _Server) -> None:
        super().__init__()
        self.ls = ls
        self._busy = False

    def emit(self, record: logging.LogRecord) -> None:
        if self._busy or not self.ls.connected:
            return
        self._busy = True
        try:
            level = min((lvl for lvl in _LEVELS if record.levelno >= lvl), default=logging.DEBUG,
                        key=lambda lvl: record.levelno - lvl)
            self.ls.window_log_message(
                types.LogMessageParams(type=_LEVELS[level], message=self.format(record))
            )
        except Exception:  # noqa: BLE001 - logging must never break the server
            pass
        finally:
            self._busy = False


def setup_logging(ls: _Server, level: str = "info") -> LspLogHandler:
    handler = LspLogHandler(ls)
    handler.setFormatter(logging.Formatter("[%(name)s] %(message)s"))
    own = logging.getLogger("ownwise")
    for h in list(own.handlers):
        if isinstance(h, LspLogHandler):
            own.removeHandler(h)
    own.addHandler(handler)
    own.setLevel(level.upper())
    own.propagate = False
    logging.getLogger("pygls").setLevel(logging.WARNING)
    return handler
