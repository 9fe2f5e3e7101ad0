"""``ownwise/report``: the weekly report (docs/report.md) for rich clients such as the VS Code webview.

The figures are read in a worker thread over its own connection to the
database, so a big database does not hold up the edits being mirrored.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from pygls.exceptions import JsonRpcInternalError, JsonRpcInvalidParams

from . import protocol as P
from .handlers import require_database, validated
from .server import OwnwiseServer

log = logging.getLogger("ownwise.lsp.report")


def register(server: OwnwiseServer) -> None:
    @server.feature(P.REPORT)
    async def report_request(ls: OwnwiseServer, params: Any) -> dict[str, Any]:
        p = validated(P.ReportParams, params or {}, P.REPORT)
        engine = require_database(ls.engine, P.REPORT)
        engine.flush()  # what is queued belongs in the report
        recorder, focus = engine.recorder, engine.settings.focus
        args = (engine.wall().astimezone(), focus.week_start, focus.weekly_goal_minutes, p.weeks, p.since,
                engine.settings.prompts.min_lines)
        try:
            if recorder.reads_in_thread:
                report = await asyncio.to_thread(recorder.report, *args)
            else:  # an in-memory store has no second connection
                report = recorder.report(*args)
        except ValueError as exc:
            raise JsonRpcInvalidParams(f"{P.REPORT}: {exc}") from None
        except Exception as exc:
            log.exception("report failed")
            raise JsonRpcInternalError(f"{P.REPORT}: {exc}") from None
        result: dict[str, Any] = {"format": p.format, "report": report}
        if p.format == "html":
            from ..report.html import render_html

            result["html"] = render_html(report, theme=p.theme)
        return result


__all__ = ["register"]
