"""Debt and prompts agree (issue 15): capability debt is exactly the AI code a prompt can clear. Blocks
under prompts.minLines are never asked about, so they are not debt; code answered "I can't explain
this yet" stays debt, is listed, and can be answered again."""

from __future__ import annotations

from .conftest import ownwise
from .test_explain_lsp import BLOCK, CORE, GOOD, ai_block, q


async def report_now(s) -> dict:
    return (await s.request("ownwise/report", {"weeks": 1, "format": "json"}))["report"]


async def test_a_block_under_min_lines_is_neither_asked_about_nor_debt(workspace, db):
    async with ownwise(workspace, db) as s:
        await ai_block(s, block="    return sum(items)\n")  # one AI line in a core file
        assert (await s.file_info(s.uri("src/engine.py")))["aiLines"] == 1
        ended = await s.command("ownwise.session.end")
        assert (ended["prompts"], ended["smallLines"], ended["minLines"]) == (0, 1, 3)
        report = await report_now(s)
        assert report["weeks"][-1]["output"]["aiLines"] == 1
        assert report["now"]["debtLinesCore"] == 0 and report["weeks"][-1]["capability"]["debtLines"] == 0


async def test_with_min_lines_1_the_same_line_is_asked_about_and_is_debt(workspace, db):
    async with ownwise(workspace, db, settings={"prompts": {"minLines": 1}}, answer="Later") as s:
        await ai_block(s, block="    return sum(items)\n")
        ended = await s.command("ownwise.session.end")
        assert (ended["prompts"], ended["smallLines"]) == (1, 0)
        assert (await report_now(s))["now"]["debtLinesCore"] == 1


async def test_cant_explain_yet_is_listed_stays_debt_and_can_be_answered_again(workspace, db):
    async with ownwise(workspace, db, answer="Later") as s:
        await ai_block(s, text=CORE, block=BLOCK)
        await s.command("ownwise.session.end")
        (p,) = (await s.request("ownwise/pendingPrompts", {}))["prompts"]
        res = await s.request("ownwise/answerPrompt", {"id": p["id"], "text": "", "cannotExplain": True})
        assert res["accepted"] is True and res["status"] == "cannotExplain"
        listed = await s.request("ownwise/pendingPrompts", {})
        assert listed["prompts"] == [] and [c["id"] for c in listed["cannotExplain"]] == [p["id"]]
        assert (await report_now(s))["now"]["debtLinesCore"] == 5
        res = await s.request("ownwise/answerPrompt", {"id": p["id"], "text": GOOD, "understanding": 3})
        assert res["accepted"] is True and res["status"] == "answered"
        assert (await s.request("ownwise/pendingPrompts", {}))["cannotExplain"] == []
        assert (await report_now(s))["now"]["debtLinesCore"] == 0
    assert q(db, "select cannot_explain from answers order by id") == [(1,), (0,)]
