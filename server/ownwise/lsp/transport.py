"""The wire under the server: pygls's protocol minus its document mirror, and a stdin that survives bad framing.

``ownwise/*`` params stay plain JSON here (each handler validates them against
its model in ``protocol.py``); a standard request whose params do not fit its
lsprotocol type is answered with ``-32602`` instead of being left hanging.
"""

from __future__ import annotations

import collections
import json
import logging
import re
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams
from pygls.protocol import LanguageServerProtocol, lsp_method
from pygls.protocol.json_rpc import JsonRPCNotification, JsonRPCRequestMessage

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


def is_parse_error(error: BaseException) -> bool:
    """True for what ``json.loads`` raises on a body that is not JSON (or not UTF-8)."""
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


__all__ = ["FRAMING_PROBLEMS", "FramedStdin", "OwnwiseProtocol", "is_parse_error"]
