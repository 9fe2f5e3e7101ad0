"""A minimal, fast, synchronous LSP (JSON-RPC over stdio) client for benchmarks.

* ``subprocess.Popen`` with Content-Length framing;
* a reader thread decodes every message from the server, stamps it with
  ``time.perf_counter()`` and resolves the matching pending request;
* a writer thread owns the server's stdin, so that replies to server->client
  requests (``workspace/configuration``, ``client/registerCapability``,
  ``window/showMessageRequest``, ``window/workDoneProgress/create``, ...) are
  never stuck behind a large batch the main thread is writing: batches are
  written in message-aligned chunks and pending replies go out between chunks.
  The server therefore never blocks waiting on us;
* notifications from the server are ignored (counted).

Nothing here knows about ownwise: it is plain LSP.
"""

from __future__ import annotations

import collections
import itertools
import json
import os
import subprocess
import threading
import time
from collections.abc import Iterable, Sequence
from typing import Any

_dumps = json.JSONEncoder(separators=(",", ":"), ensure_ascii=True).encode
_loads = json.loads

#: Batches are cut into chunks of about this many bytes (at message boundaries).
CHUNK_BYTES = 256 * 1024


class ServerError(Exception):
    """The server answered with an error, crashed or did not answer in time."""


def frame(message: dict[str, Any]) -> bytes:
    """One message, Content-Length framed, ready to write."""
    body = _dumps(message).encode("ascii")
    return b"Content-Length: %d\r\n\r\n%s" % (len(body), body)


def notification(method: str, params: Any) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "method": method, "params": params}


def _chunks(frames: Iterable[bytes], size: int = CHUNK_BYTES) -> list[bytes]:
    out: list[bytes] = []
    cur: list[bytes] = []
    n = 0
    for f in frames:
        cur.append(f)
        n += len(f)
        if n >= size:
            out.append(b"".join(cur))
            cur, n = [], 0
    if cur:
        out.append(b"".join(cur))
    return out


class _Pending:
    __slots__ = ("event", "message", "at")

    def __init__(self) -> None:
        self.event = threading.Event()
        self.message: dict[str, Any] | None = None
        self.at = 0.0


class LspClient:
    """Spawn ``cmd`` and talk LSP to it over its stdin/stdout."""

    def __init__(
        self,
        cmd: Sequence[str],
        *,
        cwd: str | None = None,
        env: dict[str, str] | None = None,
        stderr_path: str | None = None,
    ) -> None:
        self.cmd = list(cmd)
        self._stderr_file = open(stderr_path or os.devnull, "wb")
        self.stderr_path = stderr_path
        self.spawned_at = time.perf_counter()
        self.proc = subprocess.Popen(
            self.cmd,
            cwd=cwd,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr_file,
        )
        self.pid = self.proc.pid
        self._ids = itertools.count(1)
        self._pending: dict[int, _Pending] = {}
        self._lock = threading.Lock()
        self._closed = False
        self.notifications = collections.Counter()
        self.server_requests = collections.Counter()
        self.reader_error: BaseException | None = None
        # writer: a queue of chunk lists; replies have priority
        self._wcond = threading.Condition()
        self._wqueue: collections.deque[tuple[list[bytes], threading.Event | None]] = collections.deque()
        self._replies: collections.deque[bytes] = collections.deque()
        self.writer_error: BaseException | None = None
        self._reader = threading.Thread(target=self._read_loop, name="lsp-reader", daemon=True)
        self._writer = threading.Thread(target=self._write_loop, name="lsp-writer", daemon=True)
        self._reader.start()
        self._writer.start()

    # ------------------------------------------------------------------ I/O

    def _write_loop(self) -> None:
        stdin = self.proc.stdin
        assert stdin is not None
        try:
            while True:
                with self._wcond:
                    while not self._wqueue and not self._replies and not self._closed:
                        self._wcond.wait()
                    if self._closed and not self._wqueue and not self._replies:
                        return
                    job = self._wqueue.popleft() if self._wqueue else None
                if job is None:
                    self._flush_replies(stdin)
                    stdin.flush()
                    continue
                chunks, done = job
                for chunk in chunks:
                    if self._replies:
                        self._flush_replies(stdin)
                    stdin.write(chunk)
                    stdin.flush()
                self._flush_replies(stdin)
                stdin.flush()
                if done is not None:
                    done.set()
        except BaseException as exc:  # BrokenPipe etc.
            self.writer_error = exc
            with self._wcond:
                for _, done in self._wqueue:
                    if done is not None:
                        done.set()
                self._wqueue.clear()
            self._fail_all()

    def _flush_replies(self, stdin) -> None:
        while self._replies:
            stdin.write(self._replies.popleft())

    def _read_loop(self) -> None:
        stdout = self.proc.stdout
        assert stdout is not None
        readline, read = stdout.readline, stdout.read
        try:
            while True:
                length = -1
                while True:
                    line = readline()
                    if not line:
                        raise EOFError("server closed its stdout")
                    if line in (b"\r\n", b"\n"):
                        break
                    if line[:15].lower() == b"content-length:":
                        length = int(line[15:].strip())
                if length < 0:
                    continue
                body = read(length)
                if len(body) < length:
                    raise EOFError("server closed its stdout mid-message")
                at = time.perf_counter()
                self._dispatch(_loads(body), at)
        except BaseException as exc:
            if not self._closed:
                self.reader_error = exc
            self._fail_all()

    def _dispatch(self, msg: dict[str, Any], at: float) -> None:
        if "method" in msg:
            method = msg["method"]
            if "id" in msg:  # server -> client request: always answer at once
                self.server_requests[method] += 1
                self._reply(msg["id"], self._answer(method, msg.get("params")))
            else:
                self.notifications[method] += 1
            return
        with self._lock:
            p = self._pending.pop(msg.get("id"), None)
        if p is not None:
            p.message, p.at = msg, at
            p.event.set()

    @staticmethod
    def _answer(method: str, params: Any) -> Any:
        if method == "workspace/configuration":
            items = (params or {}).get("items") or []
            return [None] * len(items)
        # client/registerCapability, client/unregisterCapability,
        # window/showMessageRequest, window/workDoneProgress/create,
        # workspace/applyEdit would want {applied}, but nobody sends it here.
        if method == "workspace/applyEdit":
            return {"applied": False}
        return None

    def _reply(self, msg_id: Any, result: Any) -> None:
        data = frame({"jsonrpc": "2.0", "id": msg_id, "result": result})
        with self._wcond:
            self._replies.append(data)
            self._wcond.notify()

    def _fail_all(self) -> None:
        with self._lock:
            pending, self._pending = self._pending, {}
        for p in pending.values():
            p.event.set()

    # -------------------------------------------------------------- sending

    def write_frames(self, frames: Iterable[bytes], wait: bool = False) -> threading.Event:
        """Queue pre-serialized frames for writing, in order. Returns an event
        set once they are all written (``wait=True`` waits for it)."""
        done = threading.Event()
        chunks = _chunks(frames)
        with self._wcond:
            self._wqueue.append((chunks, done))
            self._wcond.notify()
        if wait:
            done.wait()
        return done

    def notify(self, method: str, params: Any) -> None:
        self.write_frames([frame(notification(method, params))])

    def send_request(self, method: str, params: Any) -> tuple[int, _Pending, bytes]:
        """Build a request frame and register it as pending (not written)."""
        msg_id = next(self._ids)
        p = _Pending()
        with self._lock:
            self._pending[msg_id] = p
        return msg_id, p, frame({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params})

    def wait(self, msg_id: int, p: _Pending, method: str, timeout: float) -> tuple[Any, float]:
        """Wait for the response to a pending request: (result, perf_counter at read)."""
        if not p.event.wait(timeout):
            with self._lock:
                self._pending.pop(msg_id, None)
            raise ServerError(f"{method}: no answer within {timeout:.0f} s{self._status()}")
        msg = p.message
        if msg is None:
            raise ServerError(f"{method}: connection lost{self._status()}")
        if "error" in msg:
            raise ServerError(f"{method}: server answered with an error: {msg['error']}")
        return msg.get("result"), p.at

    def request(self, method: str, params: Any, timeout: float = 60.0) -> Any:
        msg_id, p, data = self.send_request(method, params)
        self.write_frames([data])
        return self.wait(msg_id, p, method, timeout)[0]

    def timed_request(self, method: str, params: Any, timeout: float = 60.0) -> tuple[Any, float]:
        """Like request; also returns seconds from queueing to the answer being read."""
        msg_id, p, data = self.send_request(method, params)
        t0 = time.perf_counter()
        self.write_frames([data])
        result, at = self.wait(msg_id, p, method, timeout)
        return result, at - t0

    # ------------------------------------------------------------ lifecycle

    def initialize(self, root_uri: str | None, init_options: Any = None, timeout: float = 60.0) -> Any:
        params = {
            "processId": os.getpid(),
            "clientInfo": {"name": "ownwise-bench", "version": "0.1"},
            "rootUri": root_uri,
            "workspaceFolders": [{"uri": root_uri, "name": "bench"}] if root_uri else None,
            "capabilities": {
                "workspace": {"configuration": True, "workspaceFolders": True},
                "textDocument": {"synchronization": {"dynamicRegistration": False}},
                "window": {"workDoneProgress": False},
                "general": {"positionEncodings": ["utf-16"]},
            },
            "trace": "off",
        }
        if init_options is not None:
            params["initializationOptions"] = init_options
        result = self.request("initialize", params, timeout)
        self.notify("initialized", {})
        return result

    def shutdown_exit(self, timeout: float = 20.0) -> int | None:
        """Polite shutdown + exit; kills the process if it does not go away."""
        try:
            if self.proc.poll() is None and self.reader_error is None:
                self.request("shutdown", None, timeout)
                self.notify("exit", None)
        except ServerError:
            pass
        return self.close(timeout)

    def close(self, timeout: float = 10.0) -> int | None:
        with self._wcond:
            self._closed = True
            self._wcond.notify()
        self._writer.join(timeout)
        try:
            if self.proc.stdin:
                self.proc.stdin.close()
        except OSError:
            pass
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
        self._closed = True
        self._reader.join(2)
        self._stderr_file.close()
        return rc

    def alive(self) -> bool:
        return self.proc.poll() is None

    def _status(self) -> str:
        rc = self.proc.poll()
        parts = []
        if rc is not None:
            parts.append(f"server exited with code {rc}")
        if self.reader_error is not None:
            parts.append(f"reader: {self.reader_error!r}")
        if self.writer_error is not None:
            parts.append(f"writer: {self.writer_error!r}")
        return (" (" + "; ".join(parts) + ")") if parts else ""

    def stderr_tail(self, n: int = 40) -> str:
        if not self.stderr_path:
            return ""
        try:
            with open(self.stderr_path, "rb") as f:
                lines = f.read().decode("utf-8", "replace").splitlines()
        except OSError:
            return ""
        return "\n".join(lines[-n:])
