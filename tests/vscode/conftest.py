"""Fixtures for end-to-end tests in a real VS Code (code-server) driven by headless Chromium.

    def test_x(tmp_path, vscode_tools, fixture_ai_vsix, code_server, vscode_page):
        ws = tmp_path / "ws"; ws.mkdir(); (ws / "a.py").write_text("...")
        with code_server(ws, [fixture_ai_vsix], {"some.setting": 1}, {"ENV": "x"}) as server:
            page = vscode_page(server)
            open_file(page, "a.py")            # helpers: tests/vscode/harness.py
            ...

Every test here is marked `vscode` (deselect with -m "not vscode"). The tools are
installed by scripts/vscode-tools on first use; if that fails the test fails with
its output (no skipping).
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

from .harness import (
    FIXTURE_AI_DIR,
    Opened,
    ToolsError,
    VSCodeTools,
    ensure_tools,
    launch_browser,
    open_workbench,
    save_failure_artifacts,
    start_code_server,
)


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.vscode)


def pytest_configure(config):
    config.addinivalue_line("markers", "vscode: end-to-end test in a real VS Code (code-server + Chromium)")


@pytest.fixture(scope="session")
def vscode_tools() -> VSCodeTools:
    """Runs scripts/vscode-tools once per session (minutes cold, < 1 s cached)."""
    try:
        return ensure_tools()
    except ToolsError as e:
        message = str(e)
    pytest.fail(message, pytrace=False)


@pytest.fixture(scope="session")
def fixture_ai_vsix(vscode_tools: VSCodeTools) -> Path:
    """tests/vscode/fixture-ai packaged as a .vsix (cached by content hash)."""
    return vscode_tools.build_vsix(FIXTURE_AI_DIR)


@pytest.fixture
def _vscode_opened() -> Opened:
    return Opened()


@pytest.fixture
def code_server(vscode_tools, tmp_path_factory, request, _vscode_opened):
    """Factory: code_server(workspace, vsix_files, user_settings=None, env=None) -> context
    manager yielding a harness.CodeServer (url, port, user_dir, extensions_dir, proc,
    log_path, env, folder_url). If the body raises, screenshots of the open pages and the
    logs go to test-artifacts/vscode/failures/<test>/ before the server is killed.
    """
    counter = iter(range(1000))

    @contextlib.contextmanager
    def factory(workspace: Path, vsix_files: Sequence[Path] = (), user_settings: Mapping | None = None,
                env: Mapping[str, str] | None = None, *, start_timeout: float = 90):
        base = tmp_path_factory.mktemp(f"code-server-{next(counter)}")
        with start_code_server(vscode_tools, workspace, list(vsix_files), user_settings, env,
                               base_dir=base, start_timeout=start_timeout) as server:
            _vscode_opened.servers.append(server)
            try:
                yield server
            except BaseException:
                out = save_failure_artifacts(request.node.name, server, _vscode_opened.pages)
                print(f"vscode failure artifacts: {out}")
                raise

    return factory


@pytest.fixture
def vscode_browser(vscode_tools):
    """Headless /usr/bin/chromium via Python playwright (sync API), one per test.

    Function scope on purpose: a live sync Playwright marks its event loop as running
    between calls, which would break the pytest-asyncio tests that follow it.
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch_browser(p, vscode_tools)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def vscode_page(vscode_browser, _vscode_opened):
    """Factory: vscode_page(server, folder=None) -> playwright Page on
    {server.url}/?folder={folder or server.workspace}, with .monaco-workbench loaded.
    Contexts are closed at teardown.
    """
    contexts = []

    def factory(server, folder: Path | None = None, **kwargs):
        page = open_workbench(vscode_browser, server, folder, **kwargs)
        contexts.append(page.context)
        _vscode_opened.pages.append(page)
        return page

    yield factory
    for ctx in contexts:
        with contextlib.suppress(Exception):
            ctx.close()
