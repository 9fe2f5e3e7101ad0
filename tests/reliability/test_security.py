"""What ownwise promises about privacy: everything stays on the machine, no network, ever.

- File modes (docs/database.md, "Files, modes, connection"): data dir 0700 and database 0600
  when created; wider modes fixed (and logged as warnings) as documented, a chosen directory left
  as it is. Explanation and reflection documents 0600 in a 0700 ``explanations/``
  (docs/explain.md); ``hooks-backup/`` 0700 with 0600 files (docs/database.md).
- No network: a whole server session runs under an audit hook (``serve_wrapped.py``) that records
  every internet socket, bind, connect and name lookup; a control run proves the hook catches one.
- Secrets (docs/configuration.md, ``secretPatterns``): inline completions into secret files store
  no snippet (``tests/lsp/test_attribution_lsp.py::test_secret_pattern_file_stores_no_snippet``);
  here, agents' edits (hinted, and written on disk with the hooks) store none either, and secret
  files get no prompt and no diagnostic.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from lsprotocol import types

from ownwise.store import Store
from tests.lsp.conftest import ROOT, db, eventually, ownwise, workspace  # noqa: F401 - fixtures
from tests.lsp.test_agents_lsp import BEFORE, agent_edit, watched

from .serve_wrapped import wrapped

CORE = "def total(items):\n    pass\n"
BLOCK = "    acc = 0\n    for x in items:\n        acc += x\n    return acc\n"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def warnings(s) -> list[str]:
    return [m.message for m in s.client.log_messages if m.type == types.MessageType.Warning]


def rows(path: Path, sql: str) -> list[tuple]:
    con = sqlite3.connect(path)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


async def ai_edit(s, rel: str, kind: str = "inlineCompletion", source: str = "github.copilot") -> str:
    uri = s.open(rel, CORE)
    s.hint(uri, kind, source)
    s.insert(uri, 2, BLOCK)
    assert (await s.file_info(uri))["aiLines"] == 4
    return uri


def shown_path(s) -> Path:
    return Path(unquote(urlparse(s.client.shown_documents[-1].uri).path))


# -------------------------------------------------------------------------- file modes
async def test_new_data_dir_is_0700_and_database_0600_whatever_the_umask(workspace, db):
    assert not db.parent.exists()
    async with wrapped(workspace, db, env={"OWNWISE_TEST_UMASK": "0"}) as s:
        await ai_edit(s, "src/a.py")
        await eventually(lambda: rows(db, "select count(*) from edits") == [(1,)])
        assert mode(db.parent) == 0o700 and mode(db) == 0o600
        for side in ("-wal", "-shm"):  # sqlite gives them the database's mode
            assert mode(db.with_name(db.name + side)) == 0o600, side
    assert warnings(s) == []  # nothing to fix


@pytest.mark.skipif(sys.platform != "linux", reason="platformdirs honours XDG_DATA_HOME on Linux only")
async def test_default_dir_with_wider_modes_is_fixed_and_logged(workspace, tmp_path):
    """XDG_DATA_HOME points into tmp: the default path is <tmp>/xdg/ownwise/ownwise.db."""
    default_dir = tmp_path / "xdg" / "ownwise"
    default_dir.mkdir(parents=True)
    dbfile = default_dir / "ownwise.db"
    Store.open(dbfile)[0].close()
    os.chmod(default_dir, 0o755)
    os.chmod(dbfile, 0o644)
    env = {"XDG_DATA_HOME": str(tmp_path / "xdg"), "OWNWISE_TEST_UNSET_DB": "1"}
    async with wrapped(workspace, tmp_path / "unused" / "x.db", env=env) as s:
        await ai_edit(s, "src/a.py")
        await eventually(lambda: rows(dbfile, "select count(*) from edits") == [(1,)])  # it is the default path
        assert mode(default_dir) == 0o700 and mode(dbfile) == 0o600
        told = warnings(s)
        assert any(f"data dir {default_dir} had mode 755; set to 700" in m for m in told), told
        assert any(f"database {dbfile} had mode 644; set to 600" in m for m in told), told
    assert not (tmp_path / "unused").exists()


@pytest.mark.parametrize("db_mode", [0o644, 0o400])  # "any other mode": a read-only file is made writable
async def test_chosen_dir_is_left_as_it_is_and_the_database_fixed(workspace, tmp_path, db_mode):
    chosen = tmp_path / "chosen"
    chosen.mkdir()
    dbfile = chosen / "ownwise.db"
    Store.open(dbfile)[0].close()
    os.chmod(chosen, 0o755)
    os.chmod(dbfile, db_mode)
    async with wrapped(workspace, dbfile, env={"OWNWISE_TEST_NO_DAC": "1"}) as s:
        await ai_edit(s, "src/a.py")
        await eventually(lambda: rows(dbfile, "select count(*) from edits") == [(1,)])
        assert mode(chosen) == 0o755 and mode(dbfile) == 0o600
        told = warnings(s)
        assert any(f"database {dbfile} had mode {db_mode:o}; set to 600" in m for m in told), told
        assert not any("data dir" in m for m in told), told


async def test_explanation_and_reflection_documents_are_private(workspace, db):
    async with wrapped(workspace, db, answer=("Explain now", "Reflect now"), env={"OWNWISE_TEST_UMASK": "0"}) as s:
        await ai_edit(s, "src/engine.py")
        assert (await s.command("ownwise.session.end"))["prompts"] == 1
        await eventually(lambda: s.client.shown_documents)
        explain = shown_path(s)
        await s.command("ownwise.focus.start", {"minutes": 30})
        await s.command("ownwise.focus.stop")
        await eventually(lambda: len(s.client.shown_documents) == 2)
        reflect = shown_path(s)
    docs = db.parent / "explanations"
    assert explain.parent == docs and reflect.parent == docs and reflect.name.startswith("reflect-")
    assert mode(docs) == 0o700
    assert mode(explain) == 0o600 and mode(reflect) == 0o600


def test_hooks_backup_is_private(tmp_path):
    home, project = tmp_path / "home", tmp_path / "proj"
    (home / ".claude").mkdir(parents=True)
    (project / ".git").mkdir(parents=True)
    (home / ".claude" / "settings.json").write_text('{"model": "opus"}\n')
    env = dict(os.environ, HOME=str(home), OWNWISE_DB=str(tmp_path / "data" / "o.db"),
               PYTHONPATH=str(ROOT / "server"))
    r = subprocess.run([sys.executable, "-m", "ownwise", "hooks", "install", "--agent", "claude-code",
                        "--project", str(project)], env=env, capture_output=True, text=True, timeout=60,
                       preexec_fn=lambda: os.umask(0))
    assert r.returncode == 0, r.stderr
    backup = tmp_path / "data" / "hooks-backup"
    files = list(backup.iterdir())
    assert mode(backup) == 0o700 and len(files) == 1 and files[0].suffix == ".json"
    assert mode(files[0]) == 0o600


# -------------------------------------------------------------------------- no network
def audit_lines(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


async def test_a_whole_server_session_opens_no_network_socket(workspace, db, tmp_path):
    audit = tmp_path / "audit.log"
    env = {"OWNWISE_TEST_AUDIT": str(audit)}
    async with wrapped(workspace, db, env=env, answer=("Explain now", "Reflect now")) as s:
        uri = await ai_edit(s, "src/engine.py")
        info = await s.file_info(uri)
        assert info["ownershipClass"] == "core" and info["aiLines"] == 4
        report = await s.request("ownwise/report", {"weeks": 1, "format": "json"})
        assert report["report"]["weeks"][-1]["output"]["aiLines"] == 4
        html = await s.request("ownwise/report", {"weeks": 1})
        assert "default-src 'none'" in html["html"]  # the webview may not fetch anything either
        assert (await s.command("ownwise.session.end"))["prompts"] == 1
        await eventually(lambda: s.client.shown_documents)
        assert (await s.command("ownwise.focus.start", {"minutes": 30}))["active"] is True
        assert (await s.command("ownwise.focus.stop"))["stopped"] is True
        await eventually(lambda: len(s.client.shown_documents) == 2)
    lines = audit_lines(audit)
    assert [x for x in lines if x.startswith("VIOLATION")] == []
    # the hook was live: it saw the sockets there are, all AF_UNIX (asyncio's self-pipe socketpair)
    families = {int(x.split()[3]) for x in lines if x.startswith("seen socket family ")}
    assert families == {int(socket.AF_UNIX)}, lines
    assert rows(db, "select count(*) from edits") == [(1,)]


async def test_the_network_detector_catches_an_inet_socket(workspace, db, tmp_path):
    """The control: the same wrapper, opening an AF_INET socket itself, must be caught."""
    audit = tmp_path / "audit.log"
    async with wrapped(workspace, db, env={"OWNWISE_TEST_AUDIT": str(audit), "OWNWISE_TEST_CONTROL": "1"}) as s:
        await ai_edit(s, "src/a.py")
    caught = [x for x in audit_lines(audit) if x.startswith("VIOLATION")]
    assert any(x.startswith(f"VIOLATION socket.__new__ family={int(socket.AF_INET)}") for x in caught), caught
    assert any(x.startswith("VIOLATION socket.bind ('127.0.0.1', 0)") for x in caught), caught
    assert any(x.startswith("VIOLATION socket.getaddrinfo 'localhost'") for x in caught), caught


# ----------------------------------------------------------------------------- secrets
async def test_agent_edits_of_secret_files_store_no_snippet_and_get_no_prompt(workspace, db):
    """Inline completions: see test_attribution_lsp.py::test_secret_pattern_file_stores_no_snippet."""
    on_disk = workspace / "src" / "db_secret.py"
    on_disk.write_text(BEFORE)
    async with ownwise(workspace, db, answer="Later") as s:
        secret = await ai_edit(s, "src/client_secret.py", "agentEdit", "claude-code")
        await ai_edit(s, "config/.env.py", "chatEdit", "copilot-chat")
        plain = await ai_edit(s, "src/engine.py", "agentEdit", "claude-code")
        agent_edit(db, workspace, on_disk)  # Claude Code's hooks around a write of a closed file
        watched(s, on_disk)
        await s.file_info(on_disk.as_uri())
        await eventually(lambda: s.client.diagnostics.get(plain))  # core AI code: a diagnostic ...
        info = await s.file_info(secret)
        assert info["ownershipClass"] == "core" and info["unexplainedBlocks"] == []  # ... but not here
        assert not s.client.diagnostics.get(secret)
        ended = await s.command("ownwise.session.end")
        assert ended["prompts"] == 1
    snippets = dict(rows(db, "select path, snippet from edits"))
    assert snippets == {"src/client_secret.py": None, "config/.env.py": None, "src/engine.py": BLOCK,
                        "src/db_secret.py": None}
    assert rows(db, "select kind, source from edits where path = 'src/db_secret.py'") == [("agentEdit", "claude-code")]
    assert rows(db, "select path from prompts") == [("src/engine.py",)]
