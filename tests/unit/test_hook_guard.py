"""The entries ``ownwise hooks install`` writes, run the way each agent runs them, in real shells.

While the virtualenv they point at is there, each entry runs ownwise and the edit is recorded;
once it is deleted or moved, each exits 0, silently, within 50 ms (GitHub Copilot CLI denies the
tool call when a ``preToolUse`` command fails). The shells: Claude Code runs a hook command with
bash (Git Bash on Windows; code.claude.com/docs/en/hooks), Codex with ``$SHELL -lc``
(``codex-rs/hooks/src/engine/command_runner.rs`` in openai/codex), Cursor with the system shell,
Copilot CLI the entry's ``bash`` or ``powershell`` command (``content/copilot/reference/
hooks-reference.md`` in github/docs, "Command hooks"). Each POSIX entry runs under sh and bash, and
zsh and fish when installed; the PowerShell one under ``pwsh`` when installed.

The payloads are the sample payloads in ``hook_payloads/`` (their sources are in
``test_hooks_installer.py`` and docs/agents.md), with the paths moved into a temporary workspace.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

import pytest

from ownwise.hooks.agents import AGENTS
from ownwise.hooks.command import Launcher
from ownwise.hooks.installer import install
from ownwise.store.db import open_database

ROOT = Path(__file__).resolve().parents[2]
PAYLOADS = Path(__file__).parent / "hook_payloads"
NAMES = ("claude-code", "codex", "cursor", "copilot")
POSIX_SHELLS = [s for s in ("sh", "bash", "zsh", "fish") if shutil.which(s)]
PWSH = shutil.which("pwsh")

pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX shells and paths")


def make_venv(root: Path) -> Path:
    """A real virtualenv whose site-packages reach this checkout and its dependencies (a .pth), with
    a console script ``bin/ownwise`` as pip writes it: deleting or moving it is what users do."""
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    site = Path(sysconfig.get_path("purelib", vars={"base": str(venv), "platbase": str(venv)}))
    site.mkdir(parents=True, exist_ok=True)
    (site / "ownwise-test.pth").write_text(f"{ROOT / 'server'}\n{sysconfig.get_path('purelib')}\n")
    script = venv / "bin" / "ownwise"
    script.write_text(f"#!{venv / 'bin' / 'python'}\nimport sys\nfrom ownwise.cli import main\n"
                      "if __name__ == '__main__':\n    sys.exit(main())\n")
    script.chmod(0o755)
    return venv


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> Path:
    return make_venv(tmp_path_factory.mktemp("guard"))


@pytest.fixture
def world(tmp_path, venv):
    """A home, a workspace with a file to edit, a database that exists already (as the server
    makes it), and a private copy of the virtualenv that the test may move."""
    home, ws = tmp_path / "home", tmp_path / "shop"
    (ws / "src").mkdir(parents=True)
    (ws / "src" / "cart.py").write_text("def total(items):\n    pass\n")
    home.mkdir()
    db = tmp_path / "data" / "ownwise.db"
    full, _ = open_database(db)
    full.conn.close()
    mine = tmp_path / "venv"
    shutil.copytree(venv, mine, symlinks=True)
    for p in mine.rglob("*"):  # the copy's scripts and config name the copy
        if p.is_file() and not p.is_symlink() and p.suffix in ("", ".cfg") and p.stat().st_size < 10_000:
            try:
                p.write_text(p.read_text().replace(str(venv), str(mine)))
            except UnicodeDecodeError:
                pass
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env.update(HOME=str(home), OWNWISE_DB=str(db), PATH="/usr/bin:/bin")
    return {"home": home, "ws": ws, "db": db, "venv": mine, "env": env, "tmp": tmp_path}


def payload(agent: str, ws: Path) -> bytes:
    text = (PAYLOADS / f"{agent}-pre.json").read_text().replace("/home/dev/shop", str(ws))
    return text.encode()


def entries(world, agent: str, launcher: Launcher) -> list[tuple[str, str]]:
    """Install the agent's entries for ``launcher``; (shell kind, command) of each pre-edit command."""
    r = install(agent, "user", project=world["ws"], home=world["home"], launcher=launcher,
                backup_dir=world["tmp"] / "backups")
    return pre_commands(r.path, agent)


def pre_commands(path: Path, agent: str) -> list[tuple[str, str]]:
    """(shell kind, command) of each pre-edit command the agent's config holds."""
    data = json.loads(path.read_text())
    out: list[tuple[str, str]] = []
    for item in data["hooks"][AGENTS[agent].events["pre"]]:  # type: ignore[attr-defined]
        for handler in item.get("hooks", [item]):
            for key, kind in (("command", "posix"), ("bash", "posix"), ("powershell", "powershell")):
                if key in handler:
                    out.append((kind, handler[key]))
    return out


def shells(kind: str) -> list[list[str]]:
    if kind == "powershell":
        return [[PWSH, "-NoProfile", "-NonInteractive", "-Command"]] if PWSH else []
    return [[s, "-c"] for s in POSIX_SHELLS]


def run_entry(argv: list[str], command: str, stdin: bytes, env: dict) -> tuple[subprocess.CompletedProcess, float]:
    start = time.perf_counter()
    proc = subprocess.run([*argv, command], input=stdin, capture_output=True, env=env, timeout=60)
    return proc, (time.perf_counter() - start) * 1000


def snapshots(db: Path) -> list[tuple]:
    con = sqlite3.connect(db)
    try:
        return con.execute("select agent, phase, path from agent_snapshots order by id").fetchall()
    finally:
        con.close()


@pytest.mark.parametrize("form", ["console script", "python -m"])
@pytest.mark.parametrize("agent", NAMES)
def test_an_entry_runs_ownwise_while_it_is_there_and_exits_0_silently_once_it_is_gone(world, agent, form):
    venv = world["venv"]
    launcher = (Launcher(str(venv / "bin" / "ownwise"), False) if form == "console script"
                else Launcher(str(venv / "bin" / "python"), True))
    stdin = payload(agent, world["ws"])
    ran = 0
    for kind, command in entries(world, agent, launcher):
        for argv in shells(kind):
            # a new state each time: the same state again would be taken for the same edit
            (world["ws"] / "src" / "cart.py").write_text(f"def total(items):\n    return {ran}\n")
            before = len(snapshots(world["db"]))
            proc, _ = run_entry(argv, command, stdin, world["env"])
            assert (proc.returncode, proc.stdout, proc.stderr) == (0, b"", b""), (argv, command)
            assert len(snapshots(world["db"])) > before, (argv, command)  # ownwise ran and recorded
            ran += 1
    assert ran >= len(POSIX_SHELLS)
    assert {row[0] for row in snapshots(world["db"])} == {agent}

    moved = venv.with_name("venv-moved")
    venv.rename(moved)  # the user deleted or moved the virtualenv
    # the entries as they are on disk: nothing is repaired yet
    for kind, command in pre_commands(AGENTS[agent].config_path("user", world["ws"], world["home"]), agent):
        for argv in shells(kind):
            times = []
            for _ in range(5):
                proc, ms = run_entry(argv, command, stdin, world["env"])
                assert (proc.returncode, proc.stdout, proc.stderr) == (0, b"", b""), (argv, command)
                times.append(ms)
            # the best of 5: what the entry costs; the rest is other processes on a shared machine
            assert min(times) < 50, (argv, times)
    # the control: the unguarded command earlier versions wrote fails here (Copilot: a denied edit)
    old = (f"{launcher.path} hook --agent {agent}" if not launcher.module
           else f'"{launcher.path}" -m ownwise hook --agent {agent}')
    proc, _ = run_entry(["sh", "-c"], old, stdin, world["env"])
    assert proc.returncode != 0 and proc.stderr


def test_a_venv_whose_base_python_is_gone_is_silent_too(world):
    # the virtualenv is there, but the Python it was made from was removed (pyenv uninstall, an OS
    # upgrade): bin/python is a dangling link and the console script's #! points at it; fish would
    # complain about the script itself, whatever the redirections, so the guard looks at bin/python
    script = world["venv"] / "bin" / "ownwise"
    launcher = Launcher(str(script), False)
    (kind, command), *_ = entries(world, "claude-code", launcher)
    for link in (world["venv"] / "bin").glob("python*"):
        link.unlink()
        link.symlink_to("/nonexistent/python3.11")
    for argv in shells(kind):
        proc, _ = run_entry(argv, command, payload("claude-code", world["ws"]), world["env"])
        assert (proc.returncode, proc.stdout, proc.stderr) == (0, b"", b""), argv
    assert launcher.missing() == str(world["venv"] / "bin" / "python")


def test_a_large_payload_is_drained_when_ownwise_is_gone(world):
    # Claude Code's Write sends the whole file in tool_input.content: more than a pipe holds
    launcher = Launcher(str(world["venv"] / "bin" / "ownwise"), False)
    (kind, command), *_ = entries(world, "claude-code", launcher)
    shutil.rmtree(world["venv"])
    big = json.loads(payload("claude-code", world["ws"]))
    big["tool_name"], big["tool_input"] = "Write", {"file_path": str(world["ws"] / "big.py"),
                                                   "content": "x = 1\n" * 200_000}
    proc, _ = run_entry(["bash", "-c"], command, json.dumps(big).encode(), world["env"])
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, b"", b"")


# ---------------------------------------------------------------- encodings


def test_the_whole_hook_under_a_cp1252_locale_records_a_non_ascii_path(world):
    """A payload with a BOM (Cursor on Windows sends one, sometimes two: stablyai/orca#21421), a
    typographic quote, a non-ASCII file name and a byte that is not UTF-8, through the installed
    entry and through the bare command, with Python told its stdio is cp1252 and a C locale."""
    launcher = Launcher(str(world["venv"] / "bin" / "ownwise"), False)
    (kind, command), *_ = entries(world, "claude-code", launcher)
    target = world["ws"] / "src" / "café ”quoted”.py"
    target.write_text("x = 1\n", encoding="utf-8")
    data = json.loads(payload("claude-code", world["ws"]))
    data["tool_input"] = {"file_path": str(target), "old_string": "x = 1", "new_string": "x = “2”"}
    raw = json.dumps(data, ensure_ascii=False).encode("utf-8")
    raw = raw.replace(b"x = 1", b"x = \xff1")  # not UTF-8: replaced, not fatal
    env = dict(world["env"], PYTHONIOENCODING="cp1252", LC_ALL="C", LANG="C")
    runs = (["bash", "-c", command], [launcher.path, "hook", "--agent", "claude-code"],
            [str(world["venv"] / "bin" / "python"), "-m", "ownwise", "hook", "--agent", "claude-code"])
    n = 0
    for stdin in (b"\xef\xbb\xbf" + raw, b"\xef\xbb\xbf\xef\xbb\xbf" + raw):
        for argv in runs:  # the installed entry; the console script and -m without the guard
            target.write_text(f"x = {n}\n", encoding="utf-8")  # a new state: recorded each time
            n += 1
            proc = subprocess.run(argv, input=stdin, capture_output=True, env=env, timeout=60)
            assert (proc.returncode, proc.stdout, proc.stderr) == (0, b"", b""), (
                argv, proc.stderr.decode(errors="replace"))
    assert snapshots(world["db"]) == [("claude-code", "pre", str(target))] * 6
    log = world["db"].parent / "hook-errors.log"
    assert not log.exists() or "Error" not in log.read_text()
