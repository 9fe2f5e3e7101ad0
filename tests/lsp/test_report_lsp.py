"""End to end over LSP: ``ownwise/report`` (what the VS Code webview shows)."""

from __future__ import annotations

import pytest
from pygls.exceptions import JsonRpcException

from tests import report_fixture as RF

from .conftest import ownwise

CORE = "def total(items):\n    pass\n"
BLOCK = "    acc = 0\n    for x in items:\n        acc += x\n    return acc\n"


async def test_report_counts_an_edit_made_a_moment_ago(workspace, db):
    async with ownwise(workspace, db) as s:
        uri = s.open("src/engine.py", CORE)
        s.hint(uri, "inlineCompletion", "github.copilot", version=2)
        s.insert(uri, 1, BLOCK)
        await s.file_info(uri)
        res = await s.request("ownwise/report", {"weeks": 1, "format": "json"})
        assert res["format"] == "json" and "html" not in res
        week = res["report"]["weeks"][-1]
        # still queued when asked: the request flushes first
        assert week["output"]["aiLines"] == 4 and week["output"]["inlineLines"] == 4
        assert week["byClass"]["core"]["aiLines"] == 4 and week["byClass"]["core"]["present"] == 4
        assert res["report"]["now"]["debtLinesCore"] == 4


async def test_report_html_and_the_hand_computed_weeks(workspace, db):
    RF.build(db)
    async with ownwise(workspace, db) as s:
        res = await s.request("ownwise/report", {"since": "2026-11-09", "weeks": 2})
        assert res["format"] == "html"
        assert res["html"].lstrip().lower().startswith("<!doctype html") and "var(--vscode-" in res["html"]
        w9, w16 = res["report"]["weeks"]
        assert {k: w9["output"][k] for k in RF.WEEK_NOV9["output"]} == RF.WEEK_NOV9["output"]
        assert {k: w16["capability"][k] for k in RF.WEEK_NOV16["capability"]} == RF.WEEK_NOV16["capability"]
        light = await s.request("ownwise/report", {"since": "2026-11-09", "weeks": 2, "theme": "light"})
        assert "var(--vscode-editor-background" in res["html"] and "var(--vscode-editor-background" not in light["html"]


@pytest.mark.parametrize("params", [
    {"weeks": 0}, {"weeks": 261}, {"since": "yesterday"}, {"format": "pdf"}, {"theme": "neon"},
    {"since": "2999-01-01"},
])
async def test_bad_params_get_an_error_and_the_server_goes_on(workspace, db, params):
    async with ownwise(workspace, db) as s:
        with pytest.raises(JsonRpcException) as err:
            await s.request("ownwise/report", params)
        assert "ownwise/report" in str(err.value)
        assert (await s.request("ownwise/report", {"weeks": 1, "format": "json"}))["report"]["weeks"]
