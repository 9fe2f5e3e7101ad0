"""No-AI focus mode over LSP: commands, ``ownwise/focusChanged``, the reflection, calibration.

The database holds the block, so ``ownwise focus start`` in a terminal and
another editor window are seen here within a second (:meth:`FocusFlows.tick`).
See docs/focus.md.
"""

from __future__ import annotations

import logging
import os
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pygls.exceptions import JsonRpcInternalError, JsonRpcInvalidParams

from ..engine import uri_to_path
from ..focus.manager import FocusChange, minutes_of
from ..focus.stats import WEEKDAYS, calibration
from ..clock import iso, parse_iso
from ..store import FocusBlock, FocusReflection
from . import protocol as P

log = logging.getLogger("ownwise.lsp.focus")

REFLECT_NOW, LATER, SKIP = "Reflect now", "Later", "Skip"


def block_json(b: FocusBlock, now: datetime) -> dict[str, Any]:
    return {"id": b.id, "startedAt": b.started_at, "plannedMinutes": b.planned_minutes, "task": b.task,
            "estimateMinutes": b.estimate_minutes, "endedAt": b.ended_at, "endReason": b.end_reason,
            "minutes": round(minutes_of(b, now), 1)}


class FocusFlows:
    def __init__(self, ls) -> None:
        self.ls = ls

    @property
    def engine(self):
        return self.ls.engine

    @property
    def manager(self):
        if not self.engine.open_store() or self.engine.focus is None:
            raise JsonRpcInternalError(f"the ownwise database is not available: {self.engine.store_error}")
        return self.engine.focus

    # ------------------------------------------------------------- changes
    def params(self, change: FocusChange) -> dict[str, Any]:
        b = change.block
        params: dict[str, Any] = {"active": change.active, "id": b.id, "startedAt": b.started_at,
                                  "plannedMinutes": b.planned_minutes, "task": b.task}
        if not change.active:
            params.update(endedAt=b.ended_at, endReason=b.end_reason,
                          minutes=round(minutes_of(b, self.engine.wall()), 1))
            store = self.engine.store
            if store is not None:
                found = store.violations(b.id)
                params.update(violations=sum(1 for v in found if not v.suspected),
                              suspected=sum(1 for v in found if v.suspected))
        return params

    def announce(self, change: FocusChange) -> None:
        b = change.block
        self.engine.flush()  # violations queued in this block are counted in the notification
        self.ls.protocol.notify(P.FOCUS_CHANGED, self.params(change))
        for uri in list(self.engine.docs):
            self.ls.send_status(uri)
        if not change.active:
            self.ls.flows.end_session("focus")
            if b.end_reason not in ("shutdown",):
                self.ls.flows.spawn(self.offer_reflection(b))

    def tick(self) -> None:
        focus = self.engine.focus
        if focus is None:
            return
        for change in focus.sync():
            self.announce(change)

    def recover(self) -> None:
        """At start-up: blocks a crashed server left open are over; tell the client (it restores settings)."""
        focus = self.engine.focus
        if focus is None:
            return
        for block in focus.recover():
            self.announce(FocusChange(block, False))
        for change in focus.sync():  # a block still running (another window, the CLI), or now over
            self.announce(change)
        last = next((b for b in reversed(self.engine.store.focus_blocks(active=False))), None)
        if last is not None and last.end_reason == "shutdown" and last.reflection is None:
            self.ls.flows.spawn(self.offer_reflection(last))  # the editor closed: ask now

    def shutdown(self) -> None:
        focus = self.engine.focus
        if focus is None or focus.current() is None:
            return
        ended = focus.stop("shutdown")
        if ended is not None:
            try:
                self.ls.protocol.notify(P.FOCUS_CHANGED, self.params(FocusChange(ended, False)))
            except Exception:  # noqa: BLE001 - the connection may be gone already
                pass

    # ---------------------------------------------------------- reflection
    def reflection_item(self, b: FocusBlock):
        from ..focus.reflection import ReflectionItem

        started = parse_iso(b.started_at).astimezone()
        return ReflectionItem(
            block_id=b.id, started_at=started.strftime("%a %d %b %H:%M"),
            planned_minutes=round(b.planned_minutes), actual_minutes=round(minutes_of(b, self.engine.wall())),
            estimate_minutes=round(b.estimate_minutes) if b.estimate_minutes else None, task=b.task)

    async def offer_reflection(self, b: FocusBlock) -> str | None:
        manager = self.engine.focus
        if manager is None:
            return None
        fresh = self.engine.store.focus_block(b.id)
        if fresh is not None and fresh.reflection is not None:
            return None  # another window asked already
        manager.set_reflection(b.id, "offered")
        took = round(minutes_of(b, self.engine.wall()))
        msg = (f"Your no-AI block is over ({took} of {round(b.planned_minutes)} minutes"
               f"{', interrupted' if b.end_reason == 'interrupted' else ''}). Reflect on it now?")
        choice = await self.ls.flows.ask(msg, (REFLECT_NOW, LATER, SKIP))
        if choice == REFLECT_NOW:
            await self.open_reflection(b)
        elif choice == SKIP:
            manager.set_reflection(b.id, "skipped")
        return choice

    async def open_reflection(self, b: FocusBlock) -> Path:
        from ..focus.reflection import render

        folder = self.engine.docs_dir()
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = folder / f"reflect-{b.id}.md"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(render(self.reflection_item(b)))
        await self.ls.flows.show(path)
        return path

    def reflection_saved(self, uri: str) -> bool:
        """didSave of a reflection document: store it. False if it is not one."""
        path = uri_to_path(uri)
        if path is None or not path.name.startswith("reflect-") or not self.engine.is_internal(uri):
            return False
        from ..focus.reflection import parse

        try:
            parsed = parse(path.read_text(encoding="utf-8"))
        except OSError as exc:
            self.ls.tell_user("error", f"ownwise could not read {path}: {exc}")
            return True
        if parsed is None or not parsed.started:
            return True
        if parsed.errors:
            self.ls.tell_user("warning", "ownwise: " + " ".join(e.rstrip(".") + "." for e in parsed.errors))
            return True
        try:
            self.store_reflection(parsed.block_id, parsed.felt, parsed.looked_up, parsed.took_longer,
                                  parsed.actual_minutes, parsed.notes, "document")
        except Exception as exc:  # noqa: BLE001 - nothing confirmed; the document still holds it
            log.exception("storing the reflection from %s failed", path)
            self.ls.tell_user("error", f"ownwise could not store your reflection ({exc}). "
                                       f"It is still in {path.name}; save again to retry.")
            return True
        self.ls.tell_user("info", "Reflection saved. Thank you.")
        return True

    def store_reflection(self, block_id: str, felt, looked_up, took_longer, actual, notes, via) -> None:
        store = self.engine.store
        if store is None or store.focus_block(block_id) is None:
            raise JsonRpcInvalidParams(f"no focus block with id {block_id!r}")
        with store.atomic():
            store.add_reflection(FocusReflection(
                block_id=block_id, felt=felt, looked_up=looked_up or "", took_longer=took_longer or "",
                actual_minutes=actual, notes=notes or "", via=via, created_at=iso(self.engine.wall())))
            store.update_focus_block(block_id, reflection="answered")

    # ---------------------------------------------------------- reminders
    def maybe_remind(self) -> None:
        """At a session start: behind the weekly goal and the week ends soon? One reminder a day."""
        from ..focus.calibration import week_start_of

        s = self.engine.settings.focus
        store = self.engine.store
        if not s.reminders or s.weekly_goal_minutes <= 0 or store is None:
            return
        if self.engine.focus is not None and self.engine.focus.active is not None:
            return  # a block is running
        now = self.engine.wall().astimezone()
        start_day = WEEKDAYS.index(s.week_start)
        week = week_start_of(now, start_day)
        days_left = 6 - (now.date() - week).days
        if days_left > s.remind_days_before_week_end:
            return
        if store.get("focus:lastReminder") == now.date().isoformat():
            return
        done = self.minutes_this_week(week, now)
        if done >= s.weekly_goal_minutes:
            return
        store.put("focus:lastReminder", now.date().isoformat())
        left = "today" if days_left == 0 else "tomorrow" if days_left == 1 else f"in {days_left} days"
        self.ls.tell_user("info", (
            f"ownwise: {round(done)} of {round(s.weekly_goal_minutes)} no-AI minutes this week, and the "
            f"week ends {left}. Start a block with the command \"ownwise.focus.start\"."))

    def minutes_this_week(self, week, now: datetime) -> float:
        from datetime import datetime as dt
        from datetime import time as dtime

        start = dt.combine(week, dtime(0), tzinfo=now.tzinfo)
        total = 0.0
        for b in self.engine.store.focus_blocks(since=iso(start)):  # stored times are UTC
            began = max(parse_iso(b.started_at), start)
            end = parse_iso(b.ended_at) if b.ended_at else now
            total += max(0.0, (end - began).total_seconds() / 60)
        return total


def register(server) -> None:
    def _args(model, args, name):
        try:
            return model.model_validate(args[0] if args else {})
        except ValidationError as exc:
            from .server import _brief

            raise JsonRpcInvalidParams(f"{name}: {_brief(exc)}") from None

    @server.command(P.CMD_FOCUS_START)
    def focus_start(ls, *args: Any) -> dict[str, Any]:
        a = _args(P.FocusStartArgs, args, P.CMD_FOCUS_START)
        manager = ls.focus_flows.manager
        minutes = a.minutes or ls.engine.settings.focus.default_minutes
        before = manager.active
        block, created = manager.start(minutes, a.task, a.estimate_minutes)
        if created or before is None or before.id != block.id:  # new here (maybe from the terminal)
            ls.focus_flows.announce(FocusChange(block, True))
        if not created:
            ls.tell_user("info", f"ownwise: a no-AI block is already running (started {block.started_at}).")
        return {**manager.status(), "started": created}

    @server.command(P.CMD_FOCUS_STOP)
    def focus_stop(ls, *args: Any) -> dict[str, Any]:
        manager = ls.focus_flows.manager
        ended = manager.stop("command")
        if ended is None:
            return {"active": False, "stopped": False}
        ls.focus_flows.announce(FocusChange(ended, False))
        return {"active": False, "stopped": True, "block": block_json(ended, ls.engine.wall())}

    @server.command(P.CMD_FOCUS_REFLECT)
    async def focus_reflect(ls, *args: Any) -> dict[str, Any]:
        manager = ls.focus_flows.manager
        ended = [b for b in manager.store.focus_blocks(active=False) if b.reflection != "answered"]
        if not ended:
            ls.tell_user("info", "ownwise: no no-AI block is waiting for a reflection.")
            return {"blockId": None}
        path = await ls.focus_flows.open_reflection(ended[-1])
        return {"blockId": ended[-1].id, "document": path.as_uri()}

    @server.command(P.CMD_FOCUS_STATUS)
    def focus_status(ls, *args: Any) -> dict[str, Any]:
        return ls.focus_flows.manager.status()

    @server.feature(P.CALIBRATION)
    def calibration_request(ls, params: Any) -> dict[str, Any]:
        try:
            p = P.CalibrationParams.model_validate(params or {})
        except ValidationError as exc:
            from .server import _brief

            raise JsonRpcInvalidParams(f"{P.CALIBRATION}: {_brief(exc)}") from None
        ls.focus_flows.manager  # noqa: B018 - raises when the database is not available
        return calibration(ls.engine, p.weeks)

    @server.feature(P.ANSWER_REFLECTION)
    def answer_reflection(ls, params: Any) -> dict[str, Any]:
        try:
            p = P.AnswerReflectionParams.model_validate(params)
        except ValidationError as exc:
            from .server import _brief

            raise JsonRpcInvalidParams(f"{P.ANSWER_REFLECTION}: {_brief(exc)}") from None
        ls.focus_flows.manager  # noqa: B018
        ls.focus_flows.store_reflection(p.block_id, p.felt, p.looked_up, p.took_longer, p.actual_minutes,
                                        p.notes, "request")
        return {"saved": True}


__all__ = ["FocusFlows", "calibration", "register"]
