"""``ownwise/report``: the weekly report (docs/report.md) for rich clients such as the VS Code webview.

The figures are read in a worker thread over its own connection to the
database, so a big database does not hold up the edits being mirrored.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from pydantic import ValidationError
from pygls.exceptions import JsonRpcInternalError, JsonRpcInvalidParams

from . import protocol as P

log = logging.getLogger("ownwise.lsp.report")


def _build(store_path, now, settings, p: P.ReportParams) -> dict[str, Any]:
    from ..report.build import build_report
    from ..store import Store

    store, _notes = Store.open(store_path)
    try:
        return build_report(store, now=now, week_start=settings.focus.week_start,
                            goal_minutes=settings.focus.weekly_goal_minutes, weeks=p.weeks, since=p.since)
    finally:
        store.close()


def register(server) -> None:
    @server.feature(P.REPORT)
    async def report_request(ls, params: Any) -> dict[str, Any]:
        from .server import _brief

        try:
            p = P.ReportParams.model_validate(params or {})
        except ValidationError as exc:
            raise JsonRpcInvalidParams(f"{P.REPORT}: {_brief(exc)}") from None
        engine = ls.engine
        if not engine.open_store() or engine.store is None:
            raise JsonRpcInternalError(f"{P.REPORT}: the database is not available ({engine.store_error})")
        engine.flush()  # what is queued belongs in the report
        now = engine.wall().astimezone()
        try:
            if engine.store.path is not None:
                report = await asyncio.to_thread(_build, engine.store.path, now, engine.settings, p)
            else:  # an in-memory store has no second connection
                from ..report.build import build_report

                report = build_report(engine.store, now=now, week_start=engine.settings.focus.week_start,
                                      goal_minutes=engine.settings.focus.weekly_goal_minutes, weeks=p.weeks,
                                      since=p.since)
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
