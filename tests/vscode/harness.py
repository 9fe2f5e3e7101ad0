"""A real VS Code (code-server 4.139.1 = VS Code 1.139.1) driven by headless Chromium.

Everything here is plain functions and classes; conftest.py wraps them in fixtures.
Tests import the page helpers from here:

    from .harness import open_file, run_command, screenshot, wait_for_ghost_text, ...

See /work/shared/recipes/real-vscode.md for what was verified on this machine.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "vscode"
FIXTURE_AI_DIR = Path(__file__).resolve().parent / "fixture-ai"
INSTALLER = ROOT / "scripts" / "vscode-tools"

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]

#: settings of a machine scope (package.json "scope": "machine" or "machine-overridable", or VS Code's own of
#: that scope): also written to the remote machine's settings, where a remote window (code-server) reads them
MACHINE_SETTINGS = frozenset({"ownwise.server.pythonPath", "workbench.welcomePage.walkthroughs.openOnInstall"})

# Written to every code-server's User/settings.json; the test's user_settings go on top.
BASE_SETTINGS: dict = {
    "security.workspace.trust.enabled": False,
    "workbench.startupEditor": "none",
    # ownwise's first-start walkthrough takes the editor's place while a test opens its files: off, but
    # where a test looks at it (a machine setting in code-server, see MACHINE_SETTINGS)
    "workbench.welcomePage.walkthroughs.openOnInstall": False,
    # The Chat view in the secondary side bar steals keystrokes meant for the editor.
    "workbench.secondarySideBar.defaultVisibility": "hidden",
    "workbench.tips.enabled": False,
    "extensions.autoUpdate": False,
    "extensions.autoCheckUpdates": False,
    "extensions.ignoreRecommendations": True,
    "telemetry.telemetryLevel": "off",
    "update.mode": "none",
    "files.autoSave": "off",
    # Typed text lands as typed: no suggest widget (it would take Tab), no auto-closing.
    "editor.quickSuggestions": {"other": "off", "comments": "off", "strings": "off"},
    "editor.suggestOnTriggerCharacters": False,
    "editor.wordBasedSuggestions": "off",
    "editor.autoClosingBrackets": "never",
    "editor.autoClosingQuotes": "never",
    "editor.autoSurround": "never",
    "editor.formatOnType": False,
    "editor.parameterHints.enabled": False,
}


class ToolsError(RuntimeError):
    """scripts/vscode-tools failed; the message holds its output."""


# --------------------------------------------------------------------------- tools

@dataclass(frozen=True)
class VSCodeTools:
    """Paths from scripts/vscode-tools (also in $TOOLS/env.sh)."""

    tools_dir: Path          # ${OWNWISE_TOOLS:-~/.cache/ownwise-tools}
    code_server: Path        # wrapper: runs code-server 4.139.1 on Node 24
    node24_bin: Path         # directory holding Node 24's `node`
    vsce: Path               # wrapper: runs @vscode/vsce on Node 24
    chromium: Path           # /usr/bin/chromium
    code_server_version: str

    def build_vsix(self, ext_dir: Path, *, dependencies: bool = False) -> Path:
        return build_vsix(self, ext_dir, dependencies=dependencies)


def ensure_tools(timeout: float = 1800) -> VSCodeTools:
    """Run scripts/vscode-tools (idempotent, < 1 s when cached); raise ToolsError on failure."""
    try:
        proc = subprocess.run([str(INSTALLER)], capture_output=True, text=True,
                              timeout=timeout, stdin=subprocess.DEVNULL, cwd=ROOT)
    except subprocess.TimeoutExpired as e:
        raise ToolsError(f"scripts/vscode-tools timed out after {timeout} s\n"
                         f"{e.stdout or ''}{e.stderr or ''}") from e
    if proc.returncode != 0:
        raise ToolsError(f"scripts/vscode-tools exited {proc.returncode}\n"
                         f"--- stdout ---\n{proc.stdout}\n--- stderr ---\n{proc.stderr}")
    values: dict[str, str] = {}
    for line in proc.stdout.splitlines():
        m = re.fullmatch(r"([A-Z][A-Z0-9_]*)=(.*)", line)
        if m:
            values[m.group(1)] = shlex.split(m.group(2))[0] if m.group(2) else ""
    try:
        tools = VSCodeTools(
            tools_dir=Path(values["TOOLS"]),
            code_server=Path(values["CODE_SERVER"]),
            node24_bin=Path(values["NODE24_BIN"]),
            vsce=Path(values["VSCE"]),
            chromium=Path(values["CHROMIUM"]),
            code_server_version=values.get("CODE_SERVER_VERSION", ""),
        )
    except KeyError as e:
        raise ToolsError(f"scripts/vscode-tools printed no {e}:\n{proc.stdout}\n{proc.stderr}") from e
    for p in (tools.code_server, tools.node24_bin / "node", tools.vsce, tools.chromium):
        if not p.exists():
            raise ToolsError(f"scripts/vscode-tools succeeded but {p} is missing:\n{proc.stdout}")
    return tools


def _tree_hash(ext_dir: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(ext_dir.rglob("*")):
        rel = p.relative_to(ext_dir)
        if p.is_dir() or p.suffix == ".vsix" or "node_modules" in rel.parts or ".git" in rel.parts:
            continue
        h.update(str(rel).encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()[:16]


def build_vsix(tools: VSCodeTools, ext_dir: Path, *, dependencies: bool = False,
               timeout: float = 300) -> Path:
    """Package ext_dir with vsce; cached under $TOOLS/vsix/ by a hash of its files.

    The hash covers every file but *.vsix, node_modules/ and .git/. dependencies=False
    passes --no-dependencies (right for an extension with no runtime npm packages,
    or one that bundles them); True lets vsce include node_modules (npm install first).
    vsce runs the package's `vscode:prepublish` script, if it has one, on Node 24.
    """
    ext_dir = Path(ext_dir).resolve()
    manifest = json.loads((ext_dir / "package.json").read_text())
    key = _tree_hash(ext_dir)
    out_dir = tools.tools_dir / "vsix"
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / f"{manifest['publisher']}.{manifest['name']}-{manifest['version']}-{key}.vsix"
    if out.exists():
        return out
    tmp = out.with_suffix(f".{os.getpid()}.tmp.vsix")
    cmd = [str(tools.vsce), "package", "--allow-missing-repository", "--skip-license",
           "-o", str(tmp)]
    if not dependencies:
        cmd.append("--no-dependencies")
    env = dict(os.environ, PATH=f"{tools.node24_bin}{os.pathsep}{os.environ.get('PATH', '')}")
    proc = subprocess.run(cmd, cwd=ext_dir, capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL, env=env)
    if proc.returncode != 0 or not tmp.exists():
        tmp.unlink(missing_ok=True)
        raise RuntimeError(f"vsce package failed in {ext_dir} (rc={proc.returncode}):\n"
                           f"{proc.stdout}\n{proc.stderr}")
    tmp.replace(out)
    return out


# --------------------------------------------------------------------- code-server

@dataclass
class CodeServer:
    """A running code-server; see start_code_server."""

    url: str                  # http://127.0.0.1:PORT
    port: int
    workspace: Path
    user_dir: Path            # --user-data-dir (User/settings.json, logs/ ...)
    extensions_dir: Path      # --extensions-dir
    log_path: Path            # code-server's stdout+stderr
    env: dict                 # the environment code-server (and the extension host) got
    proc: subprocess.Popen
    base_dir: Path            # holds everything above that was made for this server

    @property
    def folder_url(self) -> str:
        return folder_url(self.url, self.workspace)

    def log_tail(self, n: int = 80) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return ""

    def exthost_logs(self) -> list[Path]:
        """Extension host / output-channel logs written so far (for debugging)."""
        return sorted((self.user_dir / "logs").rglob("*.log"))


def folder_url(url: str, folder: Path) -> str:
    return f"{url}/?folder={urllib.parse.quote(str(folder), safe='/')}"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def install_extensions(tools: VSCodeTools, user_dir: Path, extensions_dir: Path,
                       vsix_files: Sequence[Path], env: Mapping[str, str], timeout: float = 180) -> str:
    if not vsix_files:
        return ""
    cmd = [str(tools.code_server), "--user-data-dir", str(user_dir),
           "--extensions-dir", str(extensions_dir), "--force"]
    for v in vsix_files:
        if not Path(v).exists():
            raise FileNotFoundError(v)
        cmd += ["--install-extension", str(v)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL, env=dict(env))
    out = proc.stdout + proc.stderr
    ok = out.count("was successfully installed")
    if proc.returncode != 0 or ok < len(vsix_files):
        raise RuntimeError(f"code-server --install-extension failed (rc={proc.returncode}, "
                           f"{ok}/{len(vsix_files)} installed):\n{out}")
    return out


def _stop(proc: subprocess.Popen, grace: float = 5.0) -> None:
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            pass
    # The extension host and whatever it spawned share the group: make sure all are gone.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(5)


@contextlib.contextmanager
def start_code_server(tools: VSCodeTools, workspace: Path, vsix_files: Sequence[Path] = (),
                      user_settings: Mapping | None = None, env: Mapping[str, str] | None = None,
                      *, base_dir: Path, start_timeout: float = 90,
                      keep_settings: bool = False) -> Iterator[CodeServer]:
    """Fresh user/extensions dirs under base_dir, install the .vsix files, write settings,
    start code-server on 127.0.0.1:<free port>, wait for HTTP, yield a CodeServer, and kill
    its process group on exit.

    Environment: os.environ (PATH etc. kept, VSCODE_* dropped), XDG_{CONFIG,DATA,STATE,
    CACHE}_HOME pointed into base_dir/xdg/ so nothing touches the real home's state,
    then `env` on top (so a test can set OWNWISE_DB, PYTHONPATH, XDG_* ...).
    """
    workspace = Path(workspace).resolve()
    base_dir = Path(base_dir)
    user_dir = base_dir / "user-data"
    extensions_dir = base_dir / "extensions"
    (user_dir / "User").mkdir(parents=True, exist_ok=True)
    extensions_dir.mkdir(parents=True, exist_ok=True)
    xdg = base_dir / "xdg"
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("VSCODE_")}
    for name in ("CONFIG", "DATA", "STATE", "CACHE"):
        (xdg / name.lower()).mkdir(parents=True, exist_ok=True)
        full_env[f"XDG_{name}_HOME"] = str(xdg / name.lower())
    full_env.update(env or {})

    install_extensions(tools, user_dir, extensions_dir, vsix_files, full_env)
    settings_file = user_dir / "User" / "settings.json"
    if not (keep_settings and settings_file.exists()):  # keep_settings: a restart after a "crash"
        settings = {**BASE_SETTINGS, **(user_settings or {})}
        settings_file.write_text(json.dumps(settings, indent=2))
        # code-server is a remote window: settings of "machine" scopes (ownwise.server.pythonPath) are
        # read from the machine's settings, not the user's; without this every test built the
        # extension's private environment from PyPI (~30 s each)
        machine = {k: v for k, v in settings.items() if k in MACHINE_SETTINGS}
        if machine:
            (user_dir / "Machine").mkdir(parents=True, exist_ok=True)
            (user_dir / "Machine" / "settings.json").write_text(json.dumps(machine, indent=2))

    log_path = base_dir / "code-server.log"
    config = base_dir / "code-server-config.yaml"
    config.write_text("auth: none\ncert: false\n")
    last_error = ""
    for _attempt in range(3):
        port = free_port()
        cmd = [str(tools.code_server), "--config", str(config), "--auth", "none",
               "--bind-addr", f"127.0.0.1:{port}", "--user-data-dir", str(user_dir),
               "--extensions-dir", str(extensions_dir), "--disable-telemetry",
               "--disable-update-check", "--disable-workspace-trust",
               "--disable-getting-started-override", str(workspace)]
        log = open(log_path, "ab")
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                env=full_env, start_new_session=True, cwd=workspace)
        log.close()
        server = CodeServer(url=f"http://127.0.0.1:{port}", port=port, workspace=workspace,
                            user_dir=user_dir, extensions_dir=extensions_dir, log_path=log_path,
                            env=full_env, proc=proc, base_dir=base_dir)
        try:
            if _wait_http(server, start_timeout):
                break
            last_error = server.log_tail()
            _stop(proc)
            if "EADDRINUSE" not in last_error:
                raise RuntimeError(f"code-server exited (rc={proc.returncode}) before serving:\n{last_error}")
        except BaseException:
            _stop(proc)
            raise
    else:
        raise RuntimeError(f"code-server could not bind a port in 3 tries:\n{last_error}")
    try:
        yield server
    finally:
        _stop(proc)


def _wait_http(server: CodeServer, timeout: float) -> bool:
    """True once code-server answers HTTP; False if it exited; raises on timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(server.url + "/healthz", timeout=2) as r:
                r.read()
                return True
        except urllib.error.HTTPError:
            return True  # it answered
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            time.sleep(0.2)
    raise TimeoutError(f"code-server did not answer on {server.url} within {timeout} s:\n"
                       f"{server.log_tail()}")


# ------------------------------------------------------------------------ browser

def launch_browser(playwright, tools: VSCodeTools | None = None, *, headless: bool = True):
    """Debian's chromium through Python playwright (never `playwright install`)."""
    exe = str(tools.chromium) if tools else "/usr/bin/chromium"
    return playwright.chromium.launch(executable_path=exe, headless=headless, args=CHROMIUM_ARGS)


def open_workbench(browser, server: CodeServer, folder: Path | None = None, *,
                   viewport: tuple[int, int] = (1400, 900), timeout: float = 60):
    """New browser context + page on {url}/?folder=...; waits for .monaco-workbench.

    Returns the page (close it with page.context.close()). Clipboard read/write is granted.
    """
    ctx = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
    ctx.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
    page = ctx.new_page()
    page.set_default_timeout(30_000)
    page.goto(folder_url(server.url, folder or server.workspace))
    page.wait_for_selector(".monaco-workbench", timeout=timeout * 1000)
    # The explorer shows the folder once the remote file system is connected.
    page.wait_for_selector(".explorer-folders-view, .explorer-viewlet", timeout=timeout * 1000)
    return page


# Editor of the active editor group.
EDITOR = ".editor-group-container.active .editor-instance .monaco-editor"
# The editor's text (not the zones chat editing adds, which carry the same class, above its changes).
VIEW_LINES = ".view-lines:not(.chat-editing-original-zone)"
GHOST_TEXT = ".ghost-text-decoration, .ghost-text-decoration-preview, .ghost-text"


def _close_quick_input(page) -> None:
    if page.locator(".quick-input-widget").is_visible():
        page.keyboard.press("Escape")
        with contextlib.suppress(Exception):
            page.locator(".quick-input-widget").wait_for(state="hidden", timeout=2000)


def active_tab_label(page) -> str:
    tab = page.locator(".tabs-container .tab.active")
    if tab.count() == 0:
        return ""
    return (tab.first.get_attribute("aria-label") or tab.first.inner_text() or "").strip()


def focus_editor(page) -> None:
    """Click into the active editor's text, so keys go there (not to Chat or a view)."""
    page.locator(f"{EDITOR} {VIEW_LINES}").first.click()


def open_file(page, name: str, timeout: float = 60) -> None:
    """Open `name` (a path relative to the workspace, or a file name) with Quick Open
    (Ctrl+P), retrying until the active tab shows it, then click into its text.

    Quick Open can miss files while the workspace index warms up, hence the retries.
    """
    base = Path(name).name
    deadline = time.monotonic() + timeout
    while True:
        _close_quick_input(page)
        page.keyboard.press("Control+P")
        try:
            page.locator(".quick-input-widget .quick-input-box input").wait_for(state="visible", timeout=5000)
            page.keyboard.type(name)
            # Enter opens the focused row: wait until the filter has put the file there (before it applies,
            # a recently opened file can still be the focused row, and Enter would open that one again)
            page.locator(".quick-input-list .monaco-list-row.focused", has_text=base).first.wait_for(timeout=3000)
            page.keyboard.press("Enter")
            page.wait_for_function(
                """(base) => { const t = document.querySelector('.tabs-container .tab.active');
                               return !!t && ((t.getAttribute('aria-label') || '') + ' ' + t.innerText)
                                 .includes(base); }""",
                arg=base, timeout=5000)
            break
        except Exception:  # noqa: BLE001 - whatever Playwright raised, tried again until the deadline
            if time.monotonic() > deadline:
                raise TimeoutError(f"could not open {name!r} with Quick Open in {timeout} s; "
                                   f"active tab: {active_tab_label(page)!r}") from None
            page.wait_for_timeout(1000)
    _close_quick_input(page)
    page.locator(f"{EDITOR} {VIEW_LINES}").first.wait_for(state="visible")
    focus_editor(page)


def run_command(page, title: str, timeout: float = 30, *, opens_input: bool = False) -> None:
    """Run a command by its palette title (e.g. "Fixture AI: Insert Block"): F1, type, Enter.

    Waits until a row with exactly that label is in the list and selects it by clicking
    if it is not the first row. Focus goes back to where it was (usually the editor).
    """
    deadline = time.monotonic() + timeout
    while True:
        _close_quick_input(page)
        page.keyboard.press("F1")
        try:
            box = page.locator(".quick-input-widget .quick-input-box input")
            box.wait_for(state="visible", timeout=5000)
            page.keyboard.type(title)
            rows = page.locator(".quick-input-list .monaco-list-row")
            row = rows.filter(has=page.locator(".label-name", has_text=re.compile(
                r"^\s*" + re.escape(title) + r"\s*$")))
            row.first.wait_for(timeout=5000)
            break
        except Exception:  # noqa: BLE001 - whatever Playwright raised, tried again until the deadline
            if time.monotonic() > deadline:
                raise TimeoutError(f"command {title!r} not found in the command palette within {timeout} s") from None
            page.wait_for_timeout(1000)
    first_label = rows.first.locator(".label-name").first.inner_text().strip()
    if first_label == title:
        page.keyboard.press("Enter")
    else:
        row.first.click()
    if opens_input:
        # the command asks something in a quick input of its own: wait for that one
        page.locator(".quick-input-widget:not(.quick-input-widget-closing) .quick-input-box input").wait_for(
            state="visible", timeout=5000)
        page.wait_for_timeout(300)
        return
    page.locator(".quick-input-widget").wait_for(state="hidden", timeout=5000)


_GHOST_TEXT_JS = r"""(sel) => {
  // Ghost text is token spans: in the cursor's line (.ghost-text-decoration) and in view
  // zones below it (.ghost-text), one zone line per further line of the suggestion.
  const els = [...document.querySelectorAll(sel)].filter(e => e.getClientRects().length > 0);
  if (!els.length) return null;
  const lines = new Map();
  for (const e of els) {
    const line = e.closest('div') || e;
    if (!lines.has(line)) lines.set(line, []);
    lines.get(line).push(e);
  }
  const rows = [...lines.entries()].map(([line, spans]) => {
    const r = spans[0].getBoundingClientRect();
    return { top: Math.round(r.top), left: r.left,
             text: spans.map(s => s.textContent).join('').replace(/\u00a0/g, ' ') };
  });
  rows.sort((a, b) => a.top - b.top || a.left - b.left);
  return rows.map(r => r.text).join('\n');
}"""


def ghost_text(page) -> str | None:
    """The ghost text shown in the active editor now (lines joined by \\n), or None.

    A suggestion that starts with a newline has no part on the cursor's line, so
    "\\n    return sum(items)\\n" reads back as "    return sum(items)".
    """
    sel = ", ".join(f"{EDITOR} {g.strip()}" for g in GHOST_TEXT.split(","))
    return page.evaluate(_GHOST_TEXT_JS, sel)


def ghost_text_visible(page) -> bool:
    return ghost_text(page) is not None


def wait_for_ghost_text(page, timeout: float = 20, retrigger_every: float | None = None) -> str:
    """Wait for inline-completion ghost text in the active editor; return it (see ghost_text).

    retrigger_every=N presses Alt+\\ (Trigger Inline Suggestion) every N s while waiting;
    by default it only waits for what typing triggered.
    """
    deadline = time.monotonic() + timeout
    next_trigger = time.monotonic() + (retrigger_every or timeout + 1)
    while time.monotonic() < deadline:
        text = ghost_text(page)
        if text is not None:
            return text
        if retrigger_every and time.monotonic() >= next_trigger:
            page.keyboard.press("Alt+Backslash")
            next_trigger = time.monotonic() + retrigger_every
        page.wait_for_timeout(100)
    raise TimeoutError(f"no ghost text within {timeout} s")


def wait_for_no_ghost_text(page, timeout: float = 10) -> None:
    """Wait until no ghost text is shown (after Tab accepted it, or Escape dismissed it)."""
    deadline = time.monotonic() + timeout
    while ghost_text(page) is not None:
        if time.monotonic() > deadline:
            raise TimeoutError(f"ghost text still shown after {timeout} s: {ghost_text(page)!r}")
        page.wait_for_timeout(100)


def editor_text(page) -> str:
    """The text Monaco renders in the active editor (visible lines only), top to bottom.

    Rendered text: ghost text is not in it, but only lines in view are. For the file's
    real content prefer save_and_read().
    """
    return page.evaluate(
        """(sel) => {
             const root = document.querySelector(sel + ' .view-lines:not(.chat-editing-original-zone)');
             if (!root) return '';
             const lines = [...root.querySelectorAll(':scope > .view-line')];
             lines.sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top));
             return lines.map(l => l.textContent.replace(/\\u00a0/g, ' ')).join('\\n');
           }""", EDITOR)


def save_and_read(page, path: Path, *, contains: str | None = None, timeout: float = 15) -> str:
    """Ctrl+S in the active editor, then read `path` from disk.

    With `contains`, wait until the file holds that text (raise TimeoutError if not);
    without it, wait until the tab no longer shows unsaved changes.
    """
    path = Path(path)
    page.keyboard.press("Control+S")
    deadline = time.monotonic() + timeout
    while True:
        text = path.read_text() if path.exists() else ""
        if contains is not None and contains in text:
            return text
        if contains is None:
            dirty = page.locator(".tabs-container .tab.active.dirty").count() > 0
            if not dirty:
                return text
        if time.monotonic() > deadline:
            raise TimeoutError(f"{path} did not get {contains!r} after Ctrl+S; it holds:\n{text}")
        time.sleep(0.1)


def wait_for_file_text(path: Path, text: str, timeout: float = 30) -> str:
    """Poll a file (e.g. an extension's log) until it contains `text`; return its content."""
    path = Path(path)
    deadline = time.monotonic() + timeout
    while True:
        content = path.read_text(errors="replace") if path.exists() else ""
        if text in content:
            return content
        if time.monotonic() > deadline:
            raise TimeoutError(f"{path} did not contain {text!r} within {timeout} s; it holds:\n{content}")
        time.sleep(0.1)


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("_") or "shot"


#: the screenshots the extension's README and walkthrough show (client-vscode/media/screenshots/), copied
#: there by `make screenshots` from test-artifacts/vscode/readme/
README_SHOTS = ARTIFACTS / "readme"


def screenshot(page, name: str, *, readme: str | None = None) -> Path:
    """Save a PNG of the page to test-artifacts/vscode/<name>.png; return its path. With ``readme``, also
    to test-artifacts/vscode/readme/<readme>.png: a picture the extension's README and walkthrough use."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    out = ARTIFACTS / f"{_safe(name)}.png"
    page.screenshot(path=str(out))
    if readme:
        README_SHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(out, README_SHOTS / f"{_safe(readme)}.png")
    return out


def save_failure_artifacts(test_name: str, server: CodeServer | None = None, pages=()) -> Path:
    """Screenshots of open pages plus code-server's and the extension host's logs."""
    out = ARTIFACTS / "failures" / _safe(test_name)
    out.mkdir(parents=True, exist_ok=True)
    for i, page in enumerate(pages):
        with contextlib.suppress(Exception):
            page.screenshot(path=str(out / f"page{i}.png"))
    if server is not None:
        with contextlib.suppress(OSError):
            shutil.copy(server.log_path, out / "code-server.log")
        logs = server.user_dir / "logs"
        if logs.exists():
            with contextlib.suppress(OSError):
                shutil.copytree(logs, out / "logs", dirs_exist_ok=True)
    return out


@dataclass
class Opened:
    """What the vscode_page fixture keeps so it can save artifacts and clean up."""

    pages: list = field(default_factory=list)
    servers: list = field(default_factory=list)
