"""The Ownership Matrix from evidence, end to end: a file's class and the evidence behind it reach
``ownwise/fileInfo`` and ``ownwise/status``; the repository's evidence (who imports the file)
arrives in the background and reclassifies it; a save reads the text again; an override is offered
as a rule for the file's siblings, once, and written only when the user says so."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.samples import branchy

from .conftest import eventually, ownwise


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository of its own, with no rules: built-in defaults and evidence decide."""
    ws = tmp_path / "repo"
    (ws / "pkg").mkdir(parents=True)
    (ws / "pkg" / "__init__.py").write_text("")
    (ws / "pkg" / "engine.py").write_text(branchy(4))
    for i in range(8):
        (ws / "pkg" / f"user{i}.py").write_text(f"from .engine import work\nX = work({i})\n")
    (ws / "app" / "items").mkdir(parents=True)
    for name in ("add", "delete", "edit"):
        (ws / "app" / "items" / f"{name}.py").write_text("from fastapi import APIRouter\nrouter = APIRouter()\n")
    subprocess.run(["git", "init", "-q", str(ws)], check=True)
    subprocess.run(["git", "-C", str(ws), "add", "-A"], check=True)
    subprocess.run(["git", "-C", str(ws), "-c", "user.email=a@example.com", "-c", "user.name=A", "commit", "-qm",
                    "first"], check=True)
    return ws


async def test_the_class_and_its_evidence_reach_file_info_and_status_and_the_repository_moves_them(repo, db):
    async with ownwise(repo, db) as s:
        uri = s.open("pkg/engine.py", branchy(4))
        info = await s.file_info(uri)
        # at first, before the repository's evidence is read, or already with it
        assert info["ownershipClass"] in ("repeatable", "core")
        # the background scan finds 8 files importing it: core, and the status says why
        await eventually(lambda: any(st["uri"] == uri and st["ownershipClass"] == "core"
                                     and st["rule"] == "core: imported by 8 files, 4 branch points"
                                     for st in s.statuses), timeout=20)
        info = await s.file_info(uri)
        assert (info["ownershipClass"], info["rule"]) == ("core", "core: imported by 8 files, 4 branch points")
        closed = await s.file_info(s.uri("pkg/user1.py"))  # not open: read from the disk
        assert (closed["ownershipClass"], closed["rule"]) == (
            "transient", "transient: tiny (2 lines of code, no logic)")

        # typing changes nothing until the save; the save reads the text again
        other = s.open("pkg/user0.py", "from .engine import work\nX = work(0)\n")
        s.replace_all(other, branchy(40))
        assert (await s.file_info(other))["ownershipClass"] == "transient"
        s.did_save(other)
        await eventually(lambda: any(st["uri"] == other and st["ownershipClass"] == "core" for st in s.statuses))
        # user0 no longer imports the engine: its fan-in moved with the save
        await eventually(lambda: any(st["uri"] == uri and "imported by 7 files" in st["rule"] for st in s.statuses))


async def test_an_override_is_offered_once_as_a_rule_for_the_siblings(repo, db):
    async with ownwise(repo, db, answer="Add the rule") as s:
        uri = s.open("app/items/add.py", "from fastapi import APIRouter\nrouter = APIRouter()\n")
        await s.command("ownwise.ownership.set", {"uri": uri, "class": "core"})
        await eventually(lambda: s.asked)
        asked = s.asked[0]
        assert asked.message.startswith("Make core a rule for app/items/**? The 2 other files there would be core")
        assert '[[ownership.rules]]\nglob = "app/items/**"\nclass = "core"' in asked.message
        rules = repo / ".ownwise.toml"
        await eventually(lambda: rules.exists())
        assert rules.read_text() == '[[ownership.rules]]\nglob = "app/items/**"\nclass = "core"\n'
        sibling = await s.file_info(s.uri("app/items/edit.py"))
        assert sibling["ownershipClass"] == "core" and ".ownwise.toml:1" in sibling["rule"]
        # the same directory again: no second offer
        other = s.open("app/items/delete.py", "from fastapi import APIRouter\nrouter = APIRouter()\n")
        await s.command("ownwise.ownership.set", {"uri": other, "class": "transient"})
        await s.file_info(other)
        assert len(s.asked) == 1


async def test_declining_the_offer_writes_nothing(repo, db):
    async with ownwise(repo, db, answer="Not now") as s:
        uri = s.open("app/items/add.py", "from fastapi import APIRouter\nrouter = APIRouter()\n")
        await s.command("ownwise.ownership.set", {"uri": uri, "class": "core"})
        await eventually(lambda: s.asked)
        await s.file_info(uri)
    assert not (repo / ".ownwise.toml").exists()
