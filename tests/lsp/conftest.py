"""Start the real server as a subprocess and drive it over LSP (pytest-lsp)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from pytest_lsp import ClientServerConfig

ROOT = Path(__file__).resolve().parents[2]


def plain(obj: Any) -> Any:
    """Turn pygls's namedtuple 'Object's back into dicts/lists."""
    if hasattr(obj, "_asdict"):
        return {k: plain(v) for k, v in obj._asdict().items()}
    if isinstance(obj, (list, tuple)):
        return [plain(v) for v in obj]
    return obj


class Session:
    def __init__(self, client, workspace: Path) -> None:
        self.client = client
        self.workspace = workspace
        self.versions: dict[str, int] = {}
        self.statuses: list[dict] = []
        self.asked: list[types.ShowMessageRequestParams] = []
        self.answer: str | None = None

        @client.feature("ownwise/status")
        def _status(params):
            self.statuses.append(plain(params))

    def uri(self, rel: str) -> str:
        return (self.workspace / rel).as_uri()

    def open(self, rel: str, text: str, language_id: str = "python") -> str:
        uri = self.uri(rel)
        self.versions[uri] = 1
        self.client.text_document_did_open(types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id=language_id, version=1, text=text)))
        return uri

    def close(self, uri: str) -> None:
        self.client.text_document_did_close(types.DidCloseTextDocumentParams(
            text_document=types.TextDocumentIdentifier(uri=uri)))

    def hint(self, uri: str, kind: str, source: str | None = None, version: int | None = None) -> None:
        params: dict[str, Any] = {"uri": uri, "kind": kind}
        if source:
            params["source"] = source
        if version is not None:
            params["version"] = version
        self.client.protocol.notify("ownwise/editHint", params)

    def change(self, uri: str, sl: int, sc: int, el: int, ec: int, text: str) -> int:
        self.versions[uri] += 1
        v = self.versions[uri]
        self.client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=v),
            content_changes=[types.TextDocumentContentChangePartial(
                range=types.Range(start=types.Position(line=sl, character=sc),
                                  end=types.Position(line=el, character=ec)),
                text=text)]))
        return v

    def insert(self, uri: str, line: int, text: str, col: int = 0) -> int:
        return self.change(uri, line, col, line, col, text)

    async def request(self, method: str, params: Any) -> Any:
        return plain(await self.client.protocol.send_request_async(method, params))

    async def file_info(self, uri: str) -> dict:
        return await self.request("ownwise/fileInfo", {"uri": uri})

    def did_save(self, uri: str) -> None:
        self.client.text_document_did_save(types.DidSaveTextDocumentParams(
            text_document=types.TextDocumentIdentifier(uri=uri)))

    def replace_all(self, uri: str, text: str) -> int:
        self.versions[uri] += 1
        self.client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=self.versions[uri]),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)]))
        return self.versions[uri]

    def messages(self) -> list[str]:
        return [m.message for m in self.client.messages]

    async def command(self, name: str, *args: Any) -> Any:
        return plain(await self.client.workspace_execute_command_async(
            types.ExecuteCommandParams(command=name, arguments=list(args))))


@contextlib.asynccontextmanager
async def ownwise(workspace: Path, db: Path, *, settings: dict | None = None,
                  configuration: dict | None = None, env: dict | None = None,
                  answer: str | tuple[str, ...] | None = None, capabilities: types.ClientCapabilities | None = None):
    """A real server and a client; ``answer``: the action(s) the user picks in message requests."""
    env = dict(os.environ, OWNWISE_DB=str(db), PYTHONPATH=str(ROOT / "server"), **(env or {}))
    cfg = ClientServerConfig(server_command=[sys.executable, "-m", "ownwise", "serve"], server_env=env)
    client = await cfg.start()
    if configuration is not None:
        client.set_configuration(configuration)
    session = Session(client, workspace)
    session.answer = answer

    @client.feature(types.WINDOW_SHOW_MESSAGE_REQUEST)
    def _ask(params: types.ShowMessageRequestParams):
        session.asked.append(params)
        wanted = (session.answer,) if isinstance(session.answer, str) else session.answer or ()
        return next((a for a in params.actions or [] if a.title in wanted), None)

    await client.initialize_session(types.InitializeParams(
        capabilities=capabilities or types.ClientCapabilities(
            workspace=types.WorkspaceClientCapabilities(configuration=configuration is not None)),
        root_uri=workspace.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=workspace.as_uri(), name="ws")],
        initialization_options=settings or {},
    ))
    try:
        yield session
    finally:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(client.shutdown_session(), 10)
        await client.stop()


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    ws = tmp_path / "ws"
    (ws / "src").mkdir(parents=True)
    (ws / "tests").mkdir()
    # the classes these tests rely on, stated: they are about attribution, prompts and reports, not
    # about how a file gets its class (tests/lsp/test_ownership_lsp.py is, in a workspace of its own)
    (ws / ".ownwise.toml").write_text(WORKSPACE_RULES)
    return ws


WORKSPACE_RULES = ('[[ownership.rules]]\nglob = "src/**"\nclass = "core"\n\n'
                   '[[ownership.rules]]\nglob = "tests/**"\nclass = "repeatable"\n')


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "data" / "ownwise.db"


async def eventually(check, timeout: float = 5.0, interval: float = 0.05):
    """Poll an async/sync predicate until it returns truthy (the server flushes once a second)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        value = check()
        if asyncio.iscoroutine(value):
            value = await value
        if value:
            return value
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(interval)
