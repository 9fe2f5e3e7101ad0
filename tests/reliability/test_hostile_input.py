"""The real server fed thousands of generated hostile messages over raw JSON-RPC.

One server (``python -m ownwise serve``), a small framing client of our own (so we
can send bytes no LSP library would: broken JSON, wrong Content-Length, non-UTF-8),
and a deterministic stream (``random.Random(SEED)``) mixing:

* bodies the server cannot parse: invalid JSON, non-UTF-8 bytes, nesting and
  numbers beyond Python's json limits;
* framing errors: a Content-Length too short or too long, absurd, zero, missing,
  lower-case or with bare ``\\n`` line ends;
* valid JSON with wrong types or missing fields, unknown methods (requests and
  notifications), responses to nothing, batches, top-level scalars;
* ``didChange`` past the end, negative and out-of-``uinteger`` positions, start
  after end, versions going backwards, unknown uris; ``didOpen`` twice;
  ``didClose`` of unknown documents; a 20 MB insert; floods of ``ownwise/editHint``
  with no change; ``ownwise/*`` requests with garbage params;

interleaved with valid edits on a few real documents (LF, CRLF, CR, mixed breaks,
é/中/😀, lone surrogates typed by a human) whose text the client tracks itself,
with UTF-16 positions and the clamping rules of docs/protocol.md.

Checked: (a) the server is alive at the end, answers, and exits cleanly on
shutdown/exit; (b) every well-formed request (JSON-RPC 2.0 object, integer or
string id, valid framing and UTF-8) got exactly one response, a result or an error
object with an integer code, and no request got two; (c) each tracked document's
mirror equals the client's text (``textHash`` of ``ownwise/fileInfo``), at every
barrier and at the end; (d) each kind of malformed input was logged
(``window/logMessage``). Figures are printed (``pytest -s``), never asserted.
"""

from __future__ import annotations

import collections
import hashlib
import json
import os
import queue
import random
import re
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from .conftest import scaled

ROOT = Path(__file__).resolve().parents[2]
SEED = 20261124
UINT_MAX = 2**31 - 1  # LSP's uinteger: positions above it (or negative) make the message invalid
TIMEOUT = 60.0  # only stops a hung run; nothing asserts on time

_dumps = json.JSONEncoder(separators=(",", ":"), ensure_ascii=True).encode


# --------------------------------------------------------------------------- client


def frame(body: bytes | dict | list | Any, *, length: int | None = None) -> bytes:
    if not isinstance(body, bytes):
        body = _dumps(body).encode("ascii")
    n = len(body) if length is None else length
    return b"Content-Length: %d\r\n\r\n%s" % (n, body)


class RawServer:
    """``python -m ownwise serve`` over stdio, with a reader and a writer thread.

    The writer owns stdin (so replies to server requests never wait behind a big
    write); the reader parses every frame from stdout, files responses by id and
    keeps notifications. Everything the server sends is kept for the checks.
    """

    def __init__(self, tmp_path: Path) -> None:
        self.db = tmp_path / "data" / "ownwise.db"
        env = dict(os.environ, OWNWISE_DB=str(self.db), PYTHONPATH=str(ROOT / "server"))
        self.stderr_path = tmp_path / "server.stderr"
        self._stderr = open(self.stderr_path, "wb")
        self.proc = subprocess.Popen([sys.executable, "-m", "ownwise", "serve"], cwd=str(ROOT),
                                     env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self._stderr)
        self.responses: dict[str, list[dict]] = collections.defaultdict(list)  # json id -> responses
        self.log_messages: list[str] = []
        self.notifications: collections.Counter[str] = collections.Counter()
        self.server_requests: collections.Counter[str] = collections.Counter()
        self.reader_error: BaseException | None = None
        self.writer_error: BaseException | None = None
        self.bytes_sent = 0
        self._cond = threading.Condition()
        self._out: queue.Queue[bytes | None] = queue.Queue()
        self._ids = 0
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._writer = threading.Thread(target=self._write, daemon=True)
        self._reader.start()
        self._writer.start()

    # ---------------------------------------------------------------- threads
    def _write(self) -> None:
        stdin = self.proc.stdin
        assert stdin is not None
        try:
            while (data := self._out.get()) is not None:
                stdin.write(data)
                stdin.flush()
        except BaseException as exc:  # noqa: BLE001 - a dead server: reported by the checks
            self.writer_error = exc

    def _read(self) -> None:
        out = self.proc.stdout
        assert out is not None
        try:
            while True:
                length = -1
                while True:
                    line = out.readline()
                    if not line:
                        return
                    if line in (b"\r\n", b"\n"):
                        break
                    if line.lower().startswith(b"content-length:"):
                        length = int(line[15:])
                body = out.read(length)
                if len(body) < length:
                    return
                self._dispatch(json.loads(body))
        except BaseException as exc:  # noqa: BLE001
            self.reader_error = exc
        finally:
            with self._cond:
                self._cond.notify_all()

    def _dispatch(self, msg: dict) -> None:
        if "method" in msg:
            method = msg["method"]
            if "id" in msg:  # a server -> client request: answer at once
                self.server_requests[method] += 1
                n = len((msg.get("params") or {}).get("items") or []) if method == "workspace/configuration" else 0
                self.send(frame({"jsonrpc": "2.0", "id": msg["id"],
                                 "result": [None] * n if method == "workspace/configuration" else None}))
                return
            self.notifications[method] += 1
            if method == "window/logMessage":
                self.log_messages.append(msg["params"]["message"])
            return
        with self._cond:
            self.responses[_dumps(msg.get("id"))].append(msg)
            self._cond.notify_all()

    # ----------------------------------------------------------------- sending
    def send(self, data: bytes) -> None:
        self.bytes_sent += len(data)
        self._out.put(data)

    def next_id(self) -> int:
        self._ids += 1
        return self._ids

    def request_frame(self, method: str, params: Any) -> tuple[str, bytes]:
        msg_id = self.next_id()
        return _dumps(msg_id), frame({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params})

    def notify(self, method: str, params: Any) -> None:
        self.send(frame({"jsonrpc": "2.0", "method": method, "params": params}))

    def wait_for(self, keys: list[str], timeout: float = TIMEOUT) -> bool:
        deadline = time.monotonic() + timeout
        with self._cond:
            while not all(k in self.responses for k in keys):
                left = deadline - time.monotonic()
                if left <= 0 or self.proc.poll() is not None or self.reader_error is not None:
                    return all(k in self.responses for k in keys)
                self._cond.wait(min(left, 0.5))
        return True

    def request(self, method: str, params: Any, timeout: float = TIMEOUT) -> dict:
        key, data = self.request_frame(method, params)
        self.send(data)
        assert self.wait_for([key], timeout), (
            f"{method}: no answer within {timeout:.0f} s (exit code {self.proc.poll()})\n{self.stderr_tail()}")
        return self.responses[key][0]

    # --------------------------------------------------------------- lifecycle
    def initialize(self, root: Path, options: dict | None = None) -> None:
        r = self.request("initialize", {
            "processId": os.getpid(), "rootUri": root.as_uri(),
            "workspaceFolders": [{"uri": root.as_uri(), "name": "ws"}],
            "capabilities": {"general": {"positionEncodings": ["utf-16"]}},
            **({"initializationOptions": options} if options is not None else {}),
        })
        assert r["result"]["capabilities"]["positionEncoding"] == "utf-16"
        self.notify("initialized", {})

    def shutdown_exit(self, timeout: float = TIMEOUT) -> int | None:
        """shutdown + exit; the exit code, or None if the server had to be killed."""
        try:
            self.request("shutdown", None, timeout)
            self.notify("exit", None)
            self._out.put(None)
            return self.proc.wait(timeout)
        except (AssertionError, subprocess.TimeoutExpired):
            return None
        finally:
            self.close()

    def close(self) -> None:
        self._out.put(None)
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(10)
        self._reader.join(10)
        self._stderr.close()

    def stderr_tail(self, n: int = 30) -> str:
        try:
            return "\n".join(self.stderr_path.read_text("utf-8", "replace").splitlines()[-n:])
        except OSError:
            return ""


# ------------------------------------------------------------- client-side mirror

_BREAK = re.compile(r"\r\n|\r|\n")


def utf16_len(s: str) -> int:
    return len(s) + sum(1 for ch in s if ord(ch) > 0xFFFF)


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class ClientDoc:
    """A document's text as the client sees it, edited as LSP says (UTF-16 columns).

    Out-of-range positions follow docs/protocol.md: a line past the last line is
    the end of the document, a character past the end of its line is the end of
    that line, and a range whose end is before its start is swapped.
    """

    def __init__(self, uri: str, text: str, *, lone_surrogates: bool = False) -> None:
        self.uri, self.text, self.version = uri, text, 1
        self.lone_surrogates = lone_surrogates  # typed by a human only: never in an AI event

    def line_spans(self) -> list[tuple[int, int]]:
        """(start, end of content) of each line, as offsets into the text."""
        spans, pos = [], 0
        for m in _BREAK.finditer(self.text):
            spans.append((pos, m.start()))
            pos = m.end()
        spans.append((pos, len(self.text)))
        return spans

    def offset(self, line: int, char: int, spans: list[tuple[int, int]] | None = None) -> int:
        spans = spans or self.line_spans()
        if line >= len(spans):
            return len(self.text)
        i, end = spans[line]
        units = 0
        while i < end and units < char:
            units += 2 if ord(self.text[i]) > 0xFFFF else 1
            i += 1
        return i

    def position(self, offset: int, spans: list[tuple[int, int]]) -> dict:
        """The LSP position of an offset that is a character boundary inside a line."""
        for n, (start, end) in enumerate(spans):
            if start <= offset <= end:
                return {"line": n, "character": utf16_len(self.text[start:offset])}
        raise AssertionError("offset inside a line break")

    def apply(self, changes: list[dict]) -> None:
        for c in changes:
            rng = c.get("range")
            if rng is None:
                self.text = c["text"]
                continue
            spans = self.line_spans()
            a = self.offset(rng["start"]["line"], rng["start"]["character"], spans)
            b = self.offset(rng["end"]["line"], rng["end"]["character"], spans)
            if b < a:
                a, b = b, a
            self.text = self.text[:a] + c["text"] + self.text[b:]

    def random_position(self, rng: random.Random, spans: list[tuple[int, int]]) -> int:
        start, end = rng.choice(spans)
        return rng.randint(start, end)


# ---------------------------------------------------------------------- generator

PIECES = ["a", "b", "x", "_", "(", ")", "=", " ", "  ", "\t", "é", "中", "😀", "\u2028", "\x85",
          "\x0c", "def f():", "return 1", "# ok"]
BREAKS = {"lf": "\n", "crlf": "\r\n", "cr": "\r"}
AI_KINDS = ["inlineCompletion", "inlineCompletionPartial", "chatEdit", "agentEdit"]
ALL_KINDS = AI_KINDS + ["paste", "undo", "redo", "format", "externalReload", "human"]


def random_text(rng: random.Random, style: str, n: int, *, surrogates: bool = False) -> str:
    out = []
    for _ in range(n):
        r = rng.random()
        if r < 0.12:
            out.append(BREAKS[style] if style in BREAKS and rng.random() < 0.8 else rng.choice(["\n", "\r\n", "\r"]))
        elif surrogates and r < 0.16:
            out.append(rng.choice(["\ud800", "\udfff", "\udc00"]) + "z")  # never a pair: JSON would join it
        else:
            out.append(rng.choice(PIECES))
    return "".join(out)


def initial_text(rng: random.Random, style: str, lines: int) -> str:
    br = BREAKS.get(style, "\n")
    rows = []
    for i in range(lines):
        row = f"line_{i} = {rng.choice(['é', '中', '😀', 'x'])} * {i}"
        rows.append(row + (br if style != "mixed" else rng.choice(["\n", "\r\n", "\r"])))
    return "".join(rows)


class Stream:
    """Builds the message stream and keeps the books for the checks."""

    def __init__(self, server: RawServer, rng: random.Random, workspace: Path) -> None:
        self.s = server
        self.rng = rng
        self.ws = workspace
        self.expected: dict[str, str] = {}  # json id -> method: exactly one response
        self.maybe: set[str] = set()  # ids in bodies the server may not read: at most one response
        self.sent = collections.Counter()  # hostile messages by category
        self.valid_edits = 0
        self.frames: list[bytes] = []
        self.docs: dict[str, ClientDoc] = {}
        self.styles: dict[str, str] = {}
        self.rels: dict[str, str] = {}
        self.scratch = self.uri("src/scratch.py")
        self.unknown = [self.uri("src/never_opened.py"), "file:///nowhere/x.py", "untitled:Untitled-1",
                        "", "not a uri", "file:///%ZZ/é.py", "file://host/share/a.py", "file:///a/b/../../c.py"]

    def uri(self, rel: str) -> str:
        return (self.ws / rel).as_uri()

    # ------------------------------------------------------------ primitives
    def add(self, category: str | None, data: bytes) -> None:
        if category is not None:
            self.sent[category] += 1
        self.frames.append(data)

    def msg(self, category: str | None, obj: Any) -> None:
        self.add(category, frame(obj))

    def note(self, category: str | None, method: str, params: Any) -> None:
        self.msg(category, {"jsonrpc": "2.0", "method": method, "params": params})

    def req(self, category: str | None, method: Any, params: Any, *, expect: bool = True,
            str_id: bool = False) -> str:
        n = self.s.next_id()
        msg_id: Any = f"r-{n}" if str_id else n
        key = _dumps(msg_id)
        if expect:
            self.expected[key] = str(method)
        else:
            self.maybe.add(key)
        self.msg(category, {"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params})
        return key

    def flush(self) -> None:
        for f in self.frames:
            self.s.send(f)
        self.frames = []

    # ------------------------------------------------------------- documents
    def open_doc(self, rel: str, style: str, *, lone_surrogates: bool = False, category: str | None = None) -> None:
        uri = self.uri(rel)
        text = initial_text(self.rng, style, self.rng.randint(3, 12))
        doc = self.docs.get(uri)
        if doc is None:
            doc = self.docs[uri] = ClientDoc(uri, text, lone_surrogates=lone_surrogates)
            self.styles[uri] = style
            self.rels[uri] = rel
        else:  # didOpen twice: the second text wins
            doc.text = text
            doc.version += 1
        self.note(category, "textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "python", "version": doc.version, "text": text}})

    def change(self, doc: ClientDoc, changes: list[dict], *, version: int | None = None,
               category: str | None = None, hint: str | None = None, applied: bool = True) -> None:
        if version is None:
            doc.version += 1
            version = doc.version
        if doc.lone_surrogates:
            # never AI: a lone surrogate in an AI snippet blocks the database (the xfail test below)
            hint = "human"
        if hint is not None:
            self.note(None, "ownwise/editHint", {"uri": doc.uri, "kind": hint, "version": version,
                                                 "source": "fuzz" if hint in AI_KINDS else None})
        self.note(category, "textDocument/didChange", {
            "textDocument": {"uri": doc.uri, "version": version}, "contentChanges": changes})
        if applied:
            doc.apply(changes)

    def valid_edit(self, doc: ClientDoc) -> None:
        rng, style = self.rng, self.styles[doc.uri]
        if len(doc.text) > 3000:  # keep documents small: delete from the start to somewhere past the middle
            spans = doc.line_spans()
            b = doc.random_position(rng, spans[len(spans) // 2:])
            self.change(doc, [{"range": {"start": {"line": 0, "character": 0}, "end": doc.position(b, spans)},
                               "text": ""}], hint="human")
            self.valid_edits += 1
            return
        r = rng.random()
        hint = rng.choice(ALL_KINDS) if rng.random() < 0.4 else None
        if r < 0.05:  # whole document
            text = random_text(rng, style, rng.randint(0, 60), surrogates=doc.lone_surrogates)
            self.change(doc, [{"text": text}], hint=None if doc.lone_surrogates else hint)
        else:
            changes = []
            # several changes in one didChange, each against the text left by the previous one
            shadow = ClientDoc(doc.uri, doc.text)
            for _ in range(1 if r < 0.85 else rng.randint(2, 4)):
                spans = shadow.line_spans()
                a = shadow.random_position(rng, spans)
                b = a if rng.random() < 0.4 else shadow.random_position(rng, spans)
                a, b = min(a, b), max(a, b)
                text = "" if rng.random() < 0.15 else random_text(
                    rng, style, rng.randint(1, 12), surrogates=doc.lone_surrogates)
                c = {"range": {"start": shadow.position(a, spans), "end": shadow.position(b, spans)},
                     "text": text}
                shadow.apply([c])
                changes.append(c)
            self.change(doc, changes, hint=hint)
        self.valid_edits += 1

    # -------------------------------------------------------------- hostile
    def hostile(self) -> None:
        rng = self.rng
        kind = rng.choices(list(HOSTILE), weights=[w for w, _ in HOSTILE.values()])[0]
        HOSTILE[kind][1](self)


def _bad_body(st: Stream) -> None:
    rng = st.rng
    n = st.s.next_id()
    valid = _dumps({"jsonrpc": "2.0", "id": n, "method": "ownwise/fileInfo", "params": {"uri": st.scratch}})
    st.maybe.add(_dumps(n))
    body = rng.choice([
        lambda: valid[: int(rng.random() * len(valid))].encode(),  # (the uri's length must not change the stream)
        lambda: bytes(rng.randint(32, 126) for _ in range(rng.randint(1, 200))),
        lambda: b'{"jsonrpc": "2.0", "id": %d, "method": "ownwise/fileInfo",}' % n,
        lambda: b"{'jsonrpc': '2.0', 'id': %d}" % n,
        lambda: b"{" * rng.randint(1, 50) + b"}",
        lambda: b"[" * 200_000,  # deeper than Python's json recursion limit
        lambda: b'{"jsonrpc":"2.0","id":%d,"method":"ownwise/fileInfo","params":{"n":%s}}' % (n, b"7" * 5000),
        lambda: b"\r\n\r\n" + valid.encode()[:10],
        lambda: b"",
    ])()
    st.add("invalid JSON", frame(body) if body else b"Content-Length: 0\r\n\r\n")


def _non_utf8(st: Stream) -> None:
    rng = st.rng
    n = st.s.next_id()
    st.maybe.add(_dumps(n))
    junk = rng.choice([b"\xff\xfe", b"\xc3\x28", b"caf\xe9", b"\x80" * 7, b"\xf8\x88\x80\x80\x80",
                       b"\xed\xa0\x80"])
    body = b'{"jsonrpc":"2.0","id":%d,"method":"ownwise/fileInfo","params":{"uri":"file:///%s.py"}}' % (n, junk)
    # \xed\xa0\x80 (a surrogate in CESU-8) is not refused: Python's json reads bytes with
    # "surrogatepass". It stays out of document text here: a lone surrogate in an AI insert
    # blocks the database (test_a_lone_surrogate_in_an_ai_insert_does_not_block_the_database).
    if rng.random() < 0.3 and junk != b"\xed\xa0\x80":
        body = b'{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":"%s",' \
               b'"version":1},"contentChanges":[{"text":"%s"}]}}' % (st.scratch.encode(), junk)
    st.add("non-UTF-8 body", frame(body))


def _wrong_length(st: Stream) -> None:
    rng = st.rng
    n = st.s.next_id()
    st.maybe.add(_dumps(n))
    body = _dumps({"jsonrpc": "2.0", "id": n, "method": "ownwise/fileInfo",
                   "params": {"uri": st.scratch, "pad": "p" * rng.randint(0, 300)}}).encode()
    how = rng.choice(["short", "long", "absurd", "zero", "missing", "lower", "bare-lf"])
    if how == "short":
        data = frame(body, length=1 + int(rng.random() * (len(body) - 1)))
    elif how == "long":
        extra = rng.randint(1, 400)
        # the over-long read swallows the start of this sacrificial message; the server must
        # find the next header after its tail
        pad = frame({"jsonrpc": "2.0", "method": "$/ownwise/pad", "params": "q" * (extra + 40)})
        data = frame(body, length=len(body) + extra) + pad
    elif how == "absurd":
        digits = rng.choice([b"%d" % 10**12, b"%d" % 10**30, b"%d" % 2**63, b"%d" % (2**31 * 3), b"9" * 5000])
        data = b"Content-Length: %s\r\n\r\n%s" % (digits, body)
    elif how == "zero":
        data = b"Content-Length: 0\r\n\r\n" + body
    elif how == "missing":
        data = b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n" + body
    elif how == "lower":
        data = b"content-length: %d\r\n\r\n%s" % (len(body), body)
    else:
        data = b"Content-Length: %d\n\n%s" % (len(body), body)
    st.sent[f"wrong Content-Length ({how})"] += 1
    st.add(None, data)


GARBAGE = [5, -1, 3.5, "x", "", None, True, [], [1, 2], {}, {"uri": 5}, {"uri": []}, {"uri": None},
           {"textDocument": []}, {"weeks": "x"}, {"weeks": 0}, {"weeks": -3}, {"weeks": 10**12},
           {"format": "pdf"}, {"theme": 5}, {"since": "tomorrow"}, {"id": 5}, {"id": ""}, {"key": "a b"},
           {"key": 5}, {"blockId": ""}, {"felt": 9, "blockId": "x"}, {"understanding": 7, "id": "nope"},
           {"rating": "meh", "id": "nope"}, {"uri": "file:///x.py", "extra": {"deep": [1, {"a": None}]}}]
OWN_REQUESTS = ["ownwise/fileInfo", "ownwise/report", "ownwise/calibration", "ownwise/pendingPrompts",
                "ownwise/answerPrompt", "ownwise/skipPrompt", "ownwise/clientState",
                "ownwise/answerReflection", "ownwise/serverInfo"]


def _own_garbage(st: Stream) -> None:
    rng = st.rng
    method = rng.choice(OWN_REQUESTS)
    params = rng.choice(GARBAGE)
    if method == "ownwise/report" and not (isinstance(params, dict) and params and "weeks" in params):
        params = {"weeks": rng.choice([0, "x", -1, 261]), "format": rng.choice(["json", "html", "pdf"])}
    if method == "ownwise/clientState" and isinstance(params, dict) and "key" not in params:
        params = {"key": rng.choice(["a b", "", 5, "x" * 300])}
    if method in ("ownwise/answerPrompt", "ownwise/skipPrompt") and isinstance(params, dict):
        params = dict(params, id=params.get("id", rng.choice(["", 5, "nope"])))
    if rng.random() < 0.01:  # now and then a real report, which runs in a worker thread
        method, params = "ownwise/report", {"weeks": 1, "format": "json"}
    st.req("ownwise request, garbage params", method, params, str_id=rng.random() < 0.2)


def _wrong_types(st: Stream) -> None:
    rng = st.rng
    u = st.scratch
    item = {"uri": u, "languageId": "py", "version": 1, "text": ""}
    notes = [
        ("textDocument/didOpen", rng.choice([5, [], {"textDocument": []},
                                              {"textDocument": dict(item, uri=5)},
                                              {"textDocument": dict(item, version="x")},
                                              {"textDocument": {"uri": u, "languageId": "py", "version": 1}}])),
        ("textDocument/didChange", rng.choice([5, {"textDocument": [], "contentChanges": []},
                                                {"textDocument": {"uri": u, "version": 2}, "contentChanges": {}},
                                                {"textDocument": {"uri": u, "version": None},
                                                 "contentChanges": [{"text": "x"}]},
                                                {"textDocument": {"uri": u, "version": 3},
                                                 "contentChanges": [{"range": {"start": {"line": "a", "character": 0},
                                                                               "end": 5}, "text": "x"}]},
                                                {"textDocument": {"uri": u, "version": 3},
                                                 "contentChanges": [{"range": [], "text": 5}]}])),
        ("textDocument/didClose", rng.choice([5, {}, {"textDocument": 5}])),
        ("textDocument/didSave", rng.choice([5, {"textDocument": []}])),
        ("ownwise/editHint", rng.choice([None, 5, [], {"uri": u}, {"uri": 5, "kind": "chatEdit"},
                                          {"uri": u, "kind": "telepathy"},
                                          {"uri": u, "kind": "paste", "version": "x"}])),
        ("$/cancelRequest", rng.choice([5, {}, {"id": []}, {"id": 10**9}])),
        ("workspace/didChangeConfiguration", rng.choice([5, {"settings": 5}, {"settings": {"ownwise": 5}},
                                                          {"settings": {"ownwise": {"logLevel": "loud"}}}])),
        ("workspace/didChangeWatchedFiles", rng.choice([5, {"changes": 5},
                                                         {"changes": [{"uri": "file:///nope/x.py", "type": 2}]},
                                                         {"changes": [{"uri": 5, "type": "x"}]}])),
        ("workspace/didChangeWorkspaceFolders", rng.choice([5, {"event": []}])),
        ("initialized", rng.choice([5, [], "x"])),
    ]
    reqs = [
        ("textDocument/hover", rng.choice([5, {"textDocument": []}, {"textDocument": {"uri": u}}])),
        ("textDocument/codeAction", rng.choice([5, {"textDocument": {"uri": 5}},
                                                 {"textDocument": {"uri": u}, "range": [], "context": {}}])),
        ("workspace/executeCommand", rng.choice([5, {"command": 5}, {"command": "nope"},
                                                   {"command": "ownwise.focus.start", "arguments": [{"minutes": -5}]},
                                                   {"command": "ownwise.ownership.set",
                                                    "arguments": [{"uri": u, "class": "vital"}]},
                                                   {"command": "ownwise.prompt.explain",
                                                    "arguments": [{"uri": u, "startLine": -1}]}])),
        ("initialize", rng.choice([5, [], "x"])),
        (5, {}),  # a method that is not a string
    ]
    if rng.random() < 0.6:
        method, params = rng.choice(notes)
        st.note("wrong types (notification)", method, params)
    else:
        method, params = rng.choice(reqs)
        st.req("wrong types (request)", method, params)


def _missing_fields(st: Stream) -> None:
    rng = st.rng
    n = st.s.next_id()
    choice = rng.randrange(6)
    if choice == 0:  # no jsonrpc: not a JSON-RPC 2.0 request; the server may not answer
        st.maybe.add(_dumps(n))
        st.msg("missing jsonrpc", {"id": n, "method": "ownwise/fileInfo", "params": {"uri": st.scratch}})
    elif choice == 1:
        st.maybe.add(_dumps(n))
        st.msg("jsonrpc 1.0", {"jsonrpc": "1.0", "id": n, "method": "ownwise/serverInfo", "params": {}})
    elif choice == 2:  # no method: a response to nothing
        st.msg("response to nothing", {"jsonrpc": "2.0", "id": rng.choice([n, "x", None]),
                                       "result": rng.choice([None, 5, {}])})
    elif choice == 3:
        st.msg("response to nothing", {"jsonrpc": "2.0", "id": n, "error": rng.choice([{"code": "x"}, 5, {}])})
    elif choice == 4:  # no params at all
        st.expected[_dumps(n)] = "ownwise/fileInfo"
        st.msg("missing params", {"jsonrpc": "2.0", "id": n, "method": rng.choice(
            ["ownwise/fileInfo", "ownwise/calibration", "ownwise/pendingPrompts"])})
    else:
        st.note("missing params", rng.choice(["textDocument/didChange", "textDocument/didOpen",
                                              "ownwise/editHint"]), {})


def _unknown_methods(st: Stream) -> None:
    rng = st.rng
    method = rng.choice(["ownwise/nope", "foo/bar", "textDocument/unknownThing", "", "$/ownwise/x",
                         "ownwise/fileInfo/extra", "OWNWISE/FILEINFO"])
    if rng.random() < 0.5:
        st.req("unknown method (request)", method, rng.choice([None, {}, 5]))
    else:
        st.note("unknown method (notification)", method, rng.choice([None, {}, 5]))


def _odd_top_level(st: Stream) -> None:
    rng = st.rng
    n = st.s.next_id()
    st.maybe.add(_dumps(n))
    st.msg("top-level scalar or batch", rng.choice([
        5, "x", None, True, [], [{"jsonrpc": "2.0", "id": n, "method": "ownwise/serverInfo", "params": {}}]]))


def _bad_change_tracked(st: Stream) -> None:
    """Hostile, but with documented results: clamped, swapped or dropped as invalid."""
    rng = st.rng
    doc = st.docs[rng.choice(list(st.docs))]
    spans = doc.line_spans()
    how = rng.choice(["past end line", "past end char", "start after end", "version backwards",
                      "negative", "beyond uinteger"])
    text = random_text(rng, st.styles[doc.uri], rng.randint(0, 5), surrogates=doc.lone_surrogates)
    a = doc.random_position(rng, spans)
    pa = doc.position(a, spans)
    if how == "past end line":
        pb = {"line": len(spans) + rng.choice([0, 1, 7, 1000, UINT_MAX - len(spans)]), "character": rng.randint(0, 9)}
        st.change(doc, [{"range": {"start": pa, "end": pb}, "text": text}], category=how)
    elif how == "past end char":
        line = pa["line"]
        end = utf16_len(doc.text[spans[line][0]:spans[line][1]])
        pb = {"line": line, "character": end + rng.choice([1, 50, UINT_MAX // 2])}
        st.change(doc, [{"range": {"start": pa, "end": pb}, "text": text}], category=how)
    elif how == "start after end":
        b = doc.random_position(rng, spans)
        lo, hi = sorted((a, b))
        st.change(doc, [{"range": {"start": doc.position(hi, spans), "end": doc.position(lo, spans)},
                         "text": text}], category=how)
    elif how == "version backwards":
        version = rng.choice([0, 1, max(doc.version - 5, 0), doc.version])
        st.change(doc, [{"range": {"start": pa, "end": pa}, "text": text}], version=version, category=how)
    else:  # outside LSP's uinteger: the whole message is invalid and ignored
        bad = rng.choice([-1, -(2**31)]) if how == "negative" else rng.choice([UINT_MAX + 1, 2**53])
        field = rng.choice(["line", "character"])
        pb = dict(pa, **{field: bad})
        st.change(doc, [{"range": {"start": pa, "end": pa}, "text": "ok"},
                        {"range": {"start": pb, "end": pa}, "text": text}], category=how, applied=False)
        doc.version -= 1  # the server never saw this version


def _unknown_uri_change(st: Stream) -> None:
    rng = st.rng
    uri = rng.choice(st.unknown)
    st.note("didChange of an unknown uri", "textDocument/didChange", {
        "textDocument": {"uri": uri, "version": rng.randint(0, 99)},
        "contentChanges": [{"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 1}},
                            "text": "x"}, {"text": "whole"}]})


def _unknown_close(st: Stream) -> None:
    st.note("didClose of an unknown uri", "textDocument/didClose",
            {"textDocument": {"uri": st.rng.choice(st.unknown)}})


def _open_twice(st: Stream) -> None:
    rng = st.rng
    if rng.random() < 0.5:
        uri = rng.choice(list(st.docs))
        st.open_doc(st.rels[uri], st.styles[uri], category="didOpen twice")
    else:
        st.note("didOpen twice", "textDocument/didOpen", {"textDocument": {
            "uri": st.scratch, "languageId": "python", "version": rng.randint(-5, 5),
            "text": random_text(rng, "mixed", rng.randint(0, 40))}})


def _scratch_garbage_positions(st: Stream) -> None:
    """Positions of the wrong JSON type on an untracked document (coerced or refused by lsprotocol)."""
    rng = st.rng
    val = rng.choice([1.5, "1", "x", True, None, [], {}, 1e300, -0.0])
    st.note("positions of wrong types", "textDocument/didChange", {
        "textDocument": {"uri": st.scratch, "version": rng.randint(0, 10**6)},
        "contentChanges": [{"range": {"start": {"line": val, "character": 0},
                                      "end": {"line": 0, "character": val}}, "text": "g"}]})


def _hint_flood(st: Stream) -> None:
    rng = st.rng
    targets = [u for u, d in st.docs.items() if not d.lone_surrogates] + [st.scratch] + st.unknown
    for _ in range(rng.randint(20, 120)):
        params: dict[str, Any] = {"uri": rng.choice(targets), "kind": rng.choice(ALL_KINDS)}
        if rng.random() < 0.5:
            params["version"] = rng.randint(0, 10**6)
        if rng.random() < 0.3:
            params["source"] = rng.choice(["copilot", None, "é😀", "x" * 200])
        st.note("editHint flood (no change)", "ownwise/editHint", params)


def _cancel(st: Stream) -> None:
    """Cancel a request already sent (it is answered once anyway: a result or -32800)."""
    ids = [k for k in st.expected if k.isdigit()]
    if ids:
        st.note("$/cancelRequest of a sent request", "$/cancelRequest", {"id": int(st.rng.choice(ids[-50:]))})


HOSTILE = {  # name: (weight, generator)
    "bad body": (10, _bad_body),
    "non-utf8": (6, _non_utf8),
    "wrong length": (6, _wrong_length),
    "own garbage": (14, _own_garbage),
    "wrong types": (14, _wrong_types),
    "missing fields": (8, _missing_fields),
    "unknown methods": (6, _unknown_methods),
    "odd top level": (3, _odd_top_level),
    "bad change tracked": (14, _bad_change_tracked),
    "unknown uri change": (5, _unknown_uri_change),
    "unknown close": (3, _unknown_close),
    "open twice": (2, _open_twice),
    "garbage positions": (3, _scratch_garbage_positions),
    "hint flood": (0.3, _hint_flood),
    "cancel": (2, _cancel),
}

#: for (d): what the server's window/logMessage must mention when a category was sent
LOGGED = {
    "invalid JSON": ("JsonRpcException", "Expecting", "Unterminated", "Extra data", "recursion", "digits"),
    "non-UTF-8 body": ("codec can't decode",),
    "wrong Content-Length (short)": ("framing:",),
    "wrong Content-Length (long)": ("Extra data", "framing:"),
    "wrong Content-Length (absurd)": ("is over",),
    "wrong types (notification)": ("malformed", "ignored", "Invalid"),
    "wrong types (request)": ("malformed", "Invalid Params", "Method Not Found"),
    "unknown method (request)": ("Method Not Found",),
    "top-level scalar or batch": ("JsonRpcException",),
    "missing jsonrpc": ("JsonRpcException",),
    "past end line": ("is past the end",),
    "start after end": ("range end before its start; swapped",),
    "version backwards": ("went from version",),
    "negative": ("malformed textDocument/didChange message ignored",),
    "beyond uinteger": ("malformed textDocument/didChange message ignored",),
    "didChange of an unknown uri": ("which is not open; ignored",),
    "positions of wrong types": ("malformed textDocument/didChange", "past the end", "which is not open",
                                 "swapped"),
}


# -------------------------------------------------------------------------- test


def check_mirrors(server: RawServer, stream: Stream) -> list[str]:
    """Ask fileInfo for every tracked document; the mismatches (uri, what)."""
    keys = {}
    for uri in stream.docs:
        key, data = server.request_frame("ownwise/fileInfo", {"uri": uri, "textHash": True})
        stream.expected[key] = "ownwise/fileInfo"
        keys[uri] = key
        server.send(data)
    assert server.wait_for(list(keys.values())), (
        f"the server stopped answering (exit code {server.proc.poll()}, reader {server.reader_error!r})\n"
        f"{server.stderr_tail()}")
    bad = []
    for uri, key in keys.items():
        info = server.responses[key][0].get("result") or {}
        doc = stream.docs[uri]
        if info.get("textHash") != text_hash(doc.text):
            bad.append(f"{uri}: server {info.get('textHash')} != client {text_hash(doc.text)} "
                       f"({len(doc.text)} chars, version {doc.version})")
    return bad


def test_the_server_survives_hostile_input(tmp_path, soak):
    hostile_target = scaled(soak, 3_000, 12_000)
    big_inserts = scaled(soak, 1, 3)
    workspace = tmp_path / "ws"
    (workspace / "src").mkdir(parents=True)
    rng = random.Random(SEED)
    server = RawServer(tmp_path)
    t0 = time.perf_counter()
    try:
        server.initialize(workspace)
        st = Stream(server, rng, workspace)
        st.open_doc("src/lf.py", "lf")
        st.open_doc("src/crlf.py", "crlf")
        st.open_doc("src/cr.txt", "cr")
        st.open_doc("src/mixed.py", "mixed", lone_surrogates=True)
        st.open_doc("src/big.py", "lf")
        st.note(None, "textDocument/didOpen", {"textDocument": {
            "uri": st.scratch, "languageId": "python", "version": 1, "text": "scratch\n"}})
        big = st.docs[st.uri("src/big.py")]
        big_at = sorted(rng.sample(range(hostile_target // 10, hostile_target), big_inserts))
        mismatches: list[str] = []
        barriers = 0
        hostile_sent = 0
        while hostile_sent < hostile_target:
            for _ in range(150):
                before = sum(st.sent.values())
                st.hostile()
                if big_at and hostile_sent >= big_at[0]:
                    big_at.pop(0)
                    # 20 MB in one AI-hinted insert, checked, then deleted again
                    line = "".join(rng.choice("abcdefgh ") for _ in range(79)) + "\n"
                    huge = line * (20 * 1024 * 1024 // len(line))
                    spans = big.line_spans()
                    at = big.position(spans[1][0] if len(spans) > 1 else 0, spans)
                    st.change(big, [{"range": {"start": at, "end": at}, "text": huge}], hint="agentEdit",
                              category="20 MB insert")
                    st.flush()
                    mismatches += check_mirrors(server, st)
                    end = {"line": at["line"] + huge.count("\n"), "character": 0}
                    st.change(big, [{"range": {"start": at, "end": end}, "text": ""}], hint="human")
                hostile_sent += sum(st.sent.values()) - before
                if rng.random() < 0.5:
                    st.valid_edit(st.docs[rng.choice(list(st.docs))])
            st.flush()
            barriers += 1
            mismatches += check_mirrors(server, st)
        # (a) alive, answering, and still tracking edits
        for doc in st.docs.values():
            st.valid_edit(doc)
        st.flush()
        mismatches += check_mirrors(server, st)
        assert server.proc.poll() is None, f"the server died\n{server.stderr_tail()}"
        info = server.request("ownwise/serverInfo", {})
        assert info["result"]["version"]
        outstanding = [k for k in st.expected if k not in server.responses]
        assert server.wait_for(outstanding), f"requests never answered: {outstanding[:20]}"
        elapsed = time.perf_counter() - t0
        code = server.shutdown_exit()
    finally:
        server.close()

    # (b) every well-formed request answered exactly once, with a result or a proper error
    missing = [f"{k} {m}" for k, m in st.expected.items() if k not in server.responses]
    twice = {k: len(v) for k, v in server.responses.items() if len(v) > 1 and k != "null"}
    bad_shape = []
    codes: collections.Counter[Any] = collections.Counter()
    for k in st.expected:
        for r in server.responses.get(k, []):
            err = r.get("error")
            if r.get("jsonrpc") != "2.0" or ("result" in r) == (err is not None):
                bad_shape.append(r)
            elif err is not None:
                if not (isinstance(err, dict) and type(err.get("code")) is int and isinstance(err.get("message"), str)):
                    bad_shape.append(r)
                codes[err.get("code") if isinstance(err, dict) else "?"] += 1
            else:
                codes["result"] += 1
    answered_maybe = sum(1 for k in st.maybe if k in server.responses)
    logs = server.log_messages
    unlogged = [cat for cat, needles in LOGGED.items()
                if st.sent[cat] and not any(any(n in m for n in needles) for m in logs)]
    db_errors = [m for m in logs if "could not write to its database" in m]
    with sqlite3.connect(server.db) as db:
        stored_edits = db.execute("select count(*) from edits").fetchone()[0]

    print(f"\nhostile input: {sum(st.sent.values())} hostile messages ({len(st.sent)} kinds), "
          f"{st.valid_edits} valid edits, {len(st.expected)} well-formed requests, "
          f"{sum(len(server.responses[k]) for k in st.expected if k in server.responses)} responses "
          f"({dict(codes)}), {answered_maybe}/{len(st.maybe)} unreadable-or-non-2.0 requests answered, "
          f"{barriers} mirror barriers, {len(logs)} logMessages, {server.bytes_sent / 1e6:.1f} MB sent, "
          f"{stored_edits} edits stored, {elapsed:.1f} s, exit code {code}")
    for cat, n in sorted(st.sent.items(), key=lambda kv: -kv[1]):
        print(f"  {n:6d}  {cat}")

    assert not missing, f"{len(missing)} requests got no response: {missing[:20]}"
    assert not twice, f"requests answered more than once: {dict(list(twice.items())[:20])}"
    assert not bad_shape, f"malformed responses: {bad_shape[:5]}"
    # bodies that are not JSON get JSON-RPC's Parse error, with a null id
    null_codes = collections.Counter(r.get("error", {}).get("code") for r in server.responses.get("null", []))
    if st.sent["invalid JSON"] or st.sent["non-UTF-8 body"]:
        assert null_codes[-32700] > 0, dict(null_codes)
    # (c) the mirror equals the client's text, at every barrier and at the end
    assert not mismatches, "mirror mismatch:\n" + "\n".join(mismatches[:10])
    # (d) malformed input was logged, not crashed on
    assert not unlogged, f"no window/logMessage for: {unlogged}"
    # the database kept being written (nothing poisoned the write queue)
    assert not db_errors, db_errors[:3]
    assert stored_edits > 0
    # (a) still alive at the end (answered above), then a clean exit on shutdown/exit
    assert code == 0, f"exit code {code}\n{server.stderr_tail()}"
    assert sum(st.sent.values()) >= hostile_target


def test_unparsable_and_non_jsonrpc_bodies_get_json_rpc_errors(tmp_path):
    """JSON-RPC 2.0: a body that is not JSON gets -32700 (Parse error) and valid JSON that is
    not a request object gets -32600 (Invalid Request), both with a null id when the id cannot
    be read; pygls alone answered neither. The server goes on answering afterwards."""
    (tmp_path / "ws").mkdir()
    server = RawServer(tmp_path)
    try:
        server.initialize(tmp_path / "ws")
        bodies = [b'{"jsonrpc": "2.0", "id": 1, "method": ', b"caf\xe9", b"[" * 200_000, b"[]", b"5",
                  b'{"id": 77, "method": "ownwise/serverInfo", "params": {}}']
        for body in bodies:
            server.send(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        key, data = server.request_frame("ownwise/serverInfo", {})
        server.send(data)
        assert server.wait_for([key, "77"]), server.stderr_tail()
        assert server.responses[key][0]["result"]["version"]
        assert server.responses["77"][0]["error"]["code"] == -32600
        deadline = time.monotonic() + TIMEOUT
        while len(server.responses.get("null", [])) < 5 and time.monotonic() < deadline:
            time.sleep(0.05)
        got = sorted(r["error"]["code"] for r in server.responses["null"])
        assert got == [-32700, -32700, -32700, -32600, -32600], server.responses["null"]
        assert all(r["jsonrpc"] == "2.0" and r["id"] is None for r in server.responses["null"])
        assert server.shutdown_exit() == 0
    finally:
        server.close()


def test_framing_errors_do_not_deafen_or_kill_the_server(tmp_path):
    """Regression: after a Content-Length that was too short the rest of the body was glued
    to the next header, which pygls never recognised again (every later message lost); an
    absurd Content-Length ended the server (OverflowError/MemoryError in ``read``)."""
    (tmp_path / "ws").mkdir()
    server = RawServer(tmp_path)
    try:
        server.initialize(tmp_path / "ws")
        body = _dumps({"jsonrpc": "2.0", "id": 900, "method": "ownwise/serverInfo", "params": {}}).encode()
        server.send(frame(body, length=len(body) - 7))
        assert server.request("ownwise/serverInfo", {}, timeout=20)["result"]["version"]
        for absurd in (b"%d" % 10**30, b"%d" % 10**12, b"9" * 5000):  # (5000 digits: int() refuses them)
            server.send(b"Content-Length: %s\r\n\r\n{}" % absurd)
            assert server.request("ownwise/serverInfo", {}, timeout=20)["result"]["version"]
        assert "900" not in server.responses
        assert any(m.startswith("[ownwise.lsp] framing:") for m in server.log_messages), server.log_messages
        assert server.shutdown_exit() == 0
    finally:
        server.close()


def test_a_lone_surrogate_in_an_ai_insert_does_not_block_the_database(tmp_path):
    ws = tmp_path / "ws"
    (ws / "src").mkdir(parents=True)
    server = RawServer(tmp_path)
    try:
        server.initialize(ws)
        uri = (ws / "src" / "a.py").as_uri()
        server.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "python", "version": 1, "text": "x = 1\n"}})
        for version, text in ((2, "y = '\ud800'\n"), (3, "z = 2\n")):  # JSON "\ud800": valid JSON
            server.notify("ownwise/editHint", {"uri": uri, "kind": "inlineCompletion", "version": version})
            server.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                                     "contentChanges": [{"range": {
                                                         "start": {"line": 1, "character": 0},
                                                         "end": {"line": 1, "character": 0}}, "text": text}]})
        assert server.request("ownwise/fileInfo", {"uri": uri, "textHash": True})["result"]["aiLines"] == 2
        assert server.shutdown_exit() == 0
    finally:
        server.close()
    with sqlite3.connect(server.db) as db:
        assert db.execute("select count(*) from edits").fetchone()[0] == 2
        # the snippet keeps its text, the lone surrogate stored as "?" (it cannot be UTF-8)
        assert db.execute("select snippet from edits order by doc_version").fetchall()[0][0] == "y = '?'\n"
