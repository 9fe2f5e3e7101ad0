"""Neovim 0.7 (Debian's neovim) as a second real LSP client."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_neovim_attaches_edits_hints_and_reads_file_info(tmp_path):
    nvim = shutil.which("nvim")
    assert nvim, "nvim is required (scripts/test installs Debian's neovim)"
    ws = tmp_path / "ws"
    (ws / "src").mkdir(parents=True)
    (ws / "src" / "engine.py").write_text("def total(items):\n    pass\n")
    out = tmp_path / "result.json"
    env = dict(
        os.environ,
        OWNWISE_TEST_ROOT=str(ws),
        OWNWISE_TEST_OUT=str(out),
        OWNWISE_LUA=str(ROOT / "client-nvim" / "ownwise.lua"),
        OWNWISE_PYTHON=sys.executable,
        OWNWISE_DB=str(tmp_path / "data" / "ownwise.db"),
        PYTHONPATH=str(ROOT / "server"),
        XDG_STATE_HOME=str(tmp_path / "state"),
        XDG_DATA_HOME=str(tmp_path / "share"),
    )
    proc = subprocess.run(
        [nvim, "--headless", "-u", "NONE", "-i", "NONE", "-n",
         "-c", f"luafile {ROOT / 'tests' / 'nvim' / 'edit_and_hint.lua'}"],
        env=env, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
    )
    assert out.exists(), f"nvim wrote no result: rc={proc.returncode} {proc.stderr[-2000:]}"
    data = json.loads(out.read_text())
    assert data.get("err") in (None, [], {}), data
    info = data["info"]
    assert data["lines"][2:6] == ["    total = 0", "    for x in items:",
                                  "        total += x  # sum", "    return total"]
    assert info["ownershipClass"] == "core"
    assert info["aiLines"] == 3 and info["humanModifiedLines"] == 1
    assert [(r["startLine"], r["endLine"], r["humanModified"], r["source"]) for r in info["aiRanges"]] == [
        (2, 3, False, "nvim-test"), (4, 4, True, "nvim-test"), (5, 5, False, "nvim-test")]
