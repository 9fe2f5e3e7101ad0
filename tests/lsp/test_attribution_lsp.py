"""End to end over LSP: what the user relies on attribution for."""

from __future__ import annotations

import sqlite3

from lsprotocol import types

from .conftest import eventually, ownwise

BLOCK = "    total = 0\n    for x in items:\n        total += x\n    return total\n"
CORE = "def total(items):\n    pass\n"
#: a module whose own evidence is core (the precedence tests below work without the fixture's rules)
BRANCHY = "def work(x):\n    y = 0\n" + "".join(f"    if x == {i}:\n        y += {i}\n" for i in range(30)) + \
    "    return y\n"


def rows(db, sql="select kind, source, ai, lines, snippet, path, ownership_class from edits"):
    con = sqlite3.connect(db)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


async def test_inline_completion_hint_marks_exactly_those_lines(workspace, db):
    async with ownwise(workspace, db) as s:
        uri = s.open("src/engine.py", CORE)
        s.hint(uri, "inlineCompletion", "github.copilot", version=2)
        s.insert(uri, 2, BLOCK)
        info = await s.file_info(uri)
        assert info["ownershipClass"] == "core"
        assert info["aiLines"] == 4 and info["humanModifiedLines"] == 0
        assert info["aiRanges"] == [{"startLine": 2, "endLine": 5, "kind": "inlineCompletion",
                                     "source": "github.copilot", "humanModified": False}]
        await eventually(lambda: any(st["aiLines"] == 4 for st in s.statuses))
    stored = rows(db)
    assert stored == [("inlineCompletion", "github.copilot", 1, 4, BLOCK, "src/engine.py", "core")]


async def test_paste_is_not_ai(workspace, db):
    async with ownwise(workspace, db) as s:
        uri = s.open("src/a.py", CORE)
        s.hint(uri, "paste")
        s.insert(uri, 2, BLOCK)
        info = await s.file_info(uri)
        assert info["aiLines"] == 0 and info["suspectedLines"] == 0 and info["aiRanges"] == []
    assert rows(db) == []


async def test_undo_removes_and_redo_restores_without_second_event(workspace, db):
    async with ownwise(workspace, db) as s:
        uri = s.open("src/a.py", CORE)
        s.hint(uri, "chatEdit", "copilot-chat")
        s.insert(uri, 2, BLOCK)
        assert (await s.file_info(uri))["aiLines"] == 4
        s.hint(uri, "undo")
        s.change(uri, 2, 0, 6, 0, "")
        assert (await s.file_info(uri))["aiLines"] == 0
        s.hint(uri, "redo")
        s.insert(uri, 2, BLOCK)
        info = await s.file_info(uri)
        assert info["aiLines"] == 4 and info["aiRanges"][0]["kind"] == "chatEdit"
    assert [r[0] for r in rows(db)] == ["chatEdit"]


async def test_typing_inside_ai_code_marks_line_human_modified(workspace, db):
    async with ownwise(workspace, db) as s:
        uri = s.open("src/a.py", CORE)
        s.hint(uri, "inlineCompletion")
        s.insert(uri, 2, BLOCK)
        s.insert(uri, 4, "  # own words", col=len("        total += x"))
        info = await s.file_info(uri)
        assert info["aiLines"] == 3 and info["humanModifiedLines"] == 1
        assert [r["humanModified"] for r in info["aiRanges"]] == [False, True, False]
        assert info["aiRanges"][1]["startLine"] == info["aiRanges"][1]["endLine"] == 4


async def test_hintless_30_line_insert_is_suspected_not_ai(workspace, db):
    text = "".join(f"value_{i} = compute({i})\n" for i in range(30))
    async with ownwise(workspace, db) as s:
        uri = s.open("src/a.py", CORE)
        s.insert(uri, 2, text)
        info = await s.file_info(uri)
        assert info["aiLines"] == 0 and info["suspectedLines"] == 30
        assert info["aiRanges"][0]["kind"] == "suspected"
    assert rows(db, "select kind, ai, lines from edits") == [("suspected", 0, 30)]


async def test_suspected_counts_as_ai_when_the_setting_says_so(workspace, db):
    text = "".join(f"value_{i} = compute({i})\n" for i in range(30))
    async with ownwise(workspace, db, settings={"attribution": {"suspectedCountsAsAI": True}}) as s:
        uri = s.open("src/a.py", CORE)
        s.insert(uri, 2, text)
        assert (await s.file_info(uri))["aiLines"] == 30


async def test_whitespace_only_reformat_keeps_ai(workspace, db):
    async with ownwise(workspace, db) as s:
        uri = s.open("src/a.py", CORE)
        s.hint(uri, "inlineCompletion")
        s.insert(uri, 2, BLOCK)
        s.hint(uri, "format")
        s.change(uri, 2, 0, 2, 4, "  ")
        s.change(uri, 3, 0, 3, 4, "\t")  # no hint at all: still only whitespace
        info = await s.file_info(uri)
        assert info["aiLines"] == 4 and info["humanModifiedLines"] == 0


async def test_restart_keeps_attribution_for_unchanged_text(workspace, db):
    async with ownwise(workspace, db) as s:
        uri = s.open("src/a.py", CORE)
        s.hint(uri, "agentEdit", "claude-code")
        s.insert(uri, 2, BLOCK)
        assert (await s.file_info(uri))["aiLines"] == 4
    async with ownwise(workspace, db) as s:
        uri = s.open("src/a.py", CORE + BLOCK)
        info = await s.file_info(uri)
        assert info["aiLines"] == 4 and info["aiRanges"][0]["source"] == "claude-code"
        other = s.open("src/b.py", CORE + BLOCK + "# changed\n")
        assert (await s.file_info(other))["aiLines"] == 0


async def test_secret_pattern_file_stores_no_snippet(workspace, db):
    async with ownwise(workspace, db) as s:
        uri = s.open("config/secrets.py", CORE)
        s.hint(uri, "inlineCompletion")
        s.insert(uri, 2, BLOCK)
        env = s.open(".env.local", "A=1\n", language_id="dotenv")
        s.hint(env, "inlineCompletion")
        s.insert(env, 1, "TOKEN=abc\nSECRET=def\n")
        plain = s.open("src/plain.py", CORE)
        s.hint(plain, "inlineCompletion")
        s.insert(plain, 2, BLOCK)
    snippets = dict(rows(db, "select path, snippet from edits"))
    assert snippets == {"config/secrets.py": None, ".env.local": None, "src/plain.py": BLOCK}


async def test_store_snippets_false_stores_none(workspace, db):
    async with ownwise(workspace, db, settings={"storeSnippets": False}) as s:
        uri = s.open("src/a.py", CORE)
        s.hint(uri, "inlineCompletion")
        s.insert(uri, 2, BLOCK)
    assert rows(db, "select lines, snippet, length(content_hash) from edits") == [(4, None, 64)]


async def test_hint_without_version_expires(workspace, db):
    async with ownwise(workspace, db, settings={"attribution": {"hintWindowSeconds": 0.2}}) as s:
        uri = s.open("src/a.py", CORE)
        s.hint(uri, "inlineCompletion")
        import asyncio
        await asyncio.sleep(0.5)
        s.insert(uri, 2, "x = 1\n")
        assert (await s.file_info(uri))["aiLines"] == 0


async def test_hint_with_version_matches_only_that_change(workspace, db):
    async with ownwise(workspace, db) as s:
        uri = s.open("src/a.py", CORE)
        s.hint(uri, "inlineCompletion", version=3)
        s.insert(uri, 2, "a = 1\n")  # version 2: human
        s.insert(uri, 3, "b = 2\n")  # version 3: the hinted one
        info = await s.file_info(uri)
        assert [(r["startLine"], r["endLine"]) for r in info["aiRanges"]] == [(3, 3)]


async def test_ownership_override_command_and_classes(workspace, db):
    (workspace / ".ownwise.toml").unlink()  # the built-in defaults and the evidence decide here
    async with ownwise(workspace, db) as s:
        test_uri = s.open("tests/test_a.py", "def test_x():\n    pass\n")
        assert (await s.file_info(test_uri))["ownershipClass"] == "repeatable"
        core_uri = s.open("src/engine.py", BRANCHY)
        info = await s.file_info(core_uri)
        assert info["ownershipClass"] == "core" and info["rule"] == "core: 30 branch points"
        res = await s.command("ownwise.ownership.set", {"uri": core_uri, "class": "transient"})
        assert res["ownershipClass"] == "transient"
        info = await s.file_info(core_uri)
        assert info["ownershipClass"] == "transient" and "override" in info["rule"]
        await eventually(lambda: any(st["ownershipClass"] == "transient" for st in s.statuses))
    async with ownwise(workspace, db) as s:  # stored in the database
        core_uri = s.open("src/engine.py", BRANCHY)
        assert (await s.file_info(core_uri))["ownershipClass"] == "transient"
        await s.command("ownwise.ownership.set", {"uri": core_uri, "class": None})
        assert (await s.file_info(core_uri))["ownershipClass"] == "core"


async def test_workspace_config_rules_and_broken_config(workspace, db):
    cfg = workspace / ".ownwise.toml"
    cfg.write_text('[[ownership.rules]]\nglob = "src/legacy/**"\nclass = "transient"\n')
    async with ownwise(workspace, db) as s:
        uri = s.open("src/legacy/old.py", BRANCHY)
        info = await s.file_info(uri)
        assert info["ownershipClass"] == "transient" and ".ownwise.toml:1" in info["rule"]
        cfg.write_text('[[ownership.rules]]\nglob = "src/legacy/**"\nclass = "core\n')
        await eventually(lambda: s.client.messages)
        msg = s.client.messages[-1]
        assert msg.type == types.MessageType.Error
        assert ".ownwise.toml:3" in msg.message  # file and line
        info = await s.file_info(uri)  # rules ignored: the evidence decides
        assert info["ownershipClass"] == "core" and info["rule"].startswith("core: 30 branch points")
        # still serving
        s.hint(uri, "inlineCompletion")
        s.insert(uri, 2, BLOCK)
        assert (await s.file_info(uri))["aiLines"] == 4


async def test_settings_rules_and_invalid_setting_message(workspace, db):
    settings = {"ownership": {"rules": [{"glob": "src/gen_*.py", "class": "transient"}]},
                "storeSnippets": "maybe"}
    (workspace / ".ownwise.toml").unlink()  # workspace rules would come before settings
    async with ownwise(workspace, db, settings=settings) as s:
        await eventually(lambda: s.client.messages)
        assert "ownwise.storeSnippets" in s.client.messages[0].message
        uri = s.open("src/gen_models.py", CORE)
        assert (await s.file_info(uri))["ownershipClass"] == "transient"


async def test_configuration_is_pulled_and_refreshed(workspace, db):
    (workspace / ".ownwise.toml").unlink()  # workspace rules would come before settings
    async with ownwise(workspace, db, configuration={"ownwise": {}}) as s:
        uri = s.open("src/gen_models.py", BRANCHY)
        assert (await s.file_info(uri))["ownershipClass"] == "core"
        s.client.set_configuration({"ownwise": {"ownership": {"rules": [
            {"glob": "src/gen_*.py", "class": "repeatable"}]}}})
        s.client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
        async def is_repeatable():
            return (await s.file_info(uri))["ownershipClass"] == "repeatable"
        await eventually(is_repeatable)
