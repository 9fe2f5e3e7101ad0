"""No-AI focus mode over LSP: commands, ``ownwise/focusChanged``, the reflection, calibration.

The database holds the block, so ``ownwise focus start`` in a terminal and
another editor window are seen here within a second (:meth:`FocusFlows.tick`).
The domain (blocks, the reflection document, the weekly reminder) is in
``focus/``; this module only talks to the client. See docs/focus.md.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from pygls.exceptions import JsonRpcInvalidParams

from ..documents import uri_to_path
from ..engine import Engine
from ..focus.manager import FocusChange, FocusManager, minutes_of, planned_end
from ..sessions import Session
from ..store import FocusBlock
from ..words import plural
from . import protocol as P
from . import wire
from .handlers import require_database, validated
from .server import OwnwiseServer

log = logging.getLogger("ownwise.lsp.focus")

REFLECT_NOW, LATER, SKIP = "Reflect now", "Later", "Skip"


def manager(ls: OwnwiseServer, method: str) -> FocusManager:
    """The focus manager, once the database is open (``-32603`` when it cannot be)."""
    focus = require_database(ls.engine, method).focus
    assert focus is not None  # made when the database opens
    return focus


class FocusFlows:
    """The focus flows of one server: announcing blocks, offering the reflection, the reminder."""

    def __init__(self, ls: OwnwiseServer) -> None:
        self.ls = ls

    @property
    def engine(self) -> Engine:
        return self.ls.engine

    # ------------------------------------------------------------- changes
    def announce(self, change: FocusChange) -> None:
        b = change.block
        engine = self.engine
        engine.flush()  # violations queued in this block are counted in the notification
        self.ls.protocol.notify(P.FOCUS_CHANGED, wire.focus_changed(change, engine.focus, engine.wall()))
        self.ls.send_statuses()
        if not change.active:
            self.ls.end_session("focus")
            if b.end_reason not in ("shutdown",):
                self.ls.spawn(self.offer_reflection(b))

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
        last = focus.unasked_after_shutdown()
        if last is not None:
            self.ls.spawn(self.offer_reflection(last))  # the editor closed: ask now

    def shutdown(self) -> None:
        focus = self.engine.focus
        if focus is None or focus.current() is None:
            return
        ended = focus.stop("shutdown")
        if ended is not None:
            try:
                self.ls.protocol.notify(P.FOCUS_CHANGED, wire.focus_changed(FocusChange(ended, False), focus,
                                                                            self.engine.wall()))
            except Exception:  # noqa: BLE001 - the connection may be gone already
                pass

    # ---------------------------------------------------------- reflection
    async def offer_reflection(self, b: FocusBlock) -> str | None:
        focus = self.engine.focus
        if focus is None:
            return None
        fresh = focus.block(b.id)
        if fresh is not None and fresh.reflection is not None:
            return None  # another window asked already
        focus.set_reflection(b.id, "offered")
        took = round(minutes_of(b, self.engine.wall()))
        msg = (f"Your no-AI block is over ({took} of {plural(round(b.planned_minutes), 'minute')}"
               f"{', interrupted' if b.end_reason == 'interrupted' else ''}). Reflect on it now?")
        choice = await self.ls.ask(msg, (REFLECT_NOW, LATER, SKIP))
        if choice == REFLECT_NOW:
            await self.open_reflection(b)
        elif choice == SKIP:
            focus.set_reflection(b.id, "skipped")
        return choice

    async def open_reflection(self, b: FocusBlock) -> Path:
        focus = self.engine.focus
        assert focus is not None
        path = focus.write_reflection(b, self.engine.recorder.docs_dir())
        await self.ls.show(path)
        return path

    def reflection_saved(self, uri: str) -> bool:
        """didSave of a reflection document: store it. False if it is not one."""
        path = uri_to_path(uri)
        focus = self.engine.focus
        if (path is None or not path.name.startswith("reflect-") or not self.engine.documents.is_internal(uri)
                or focus is None):
            return False
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            self.ls.tell_user("error", f"ownwise could not read {path}: {exc}")
            return True
        try:
            parsed = focus.save_reflection_document(text)
        except Exception as exc:
            log.exception("storing the reflection from %s failed", path)
            self.ls.tell_user("error", f"ownwise could not store your reflection ({exc}). "
                                       f"It is still in {path.name}; save again to retry.")
            return True
        if parsed is None or not parsed.started:
            return True
        if parsed.errors:
            self.ls.tell_user("warning", "ownwise: " + " ".join(e.rstrip(".") + "." for e in parsed.errors))
            return True
        self.ls.tell_user("info", "Reflection saved. Thank you.")
        return True

    # ---------------------------------------------------------- reminders
    def session_started(self, session: Session) -> None:
        """An edit started a session: the weekly reminder, after this didChange (never inside it)."""
        try:
            self.ls.spawn(self._remind())
        except RuntimeError:  # no running loop (unit use)
            return

    async def _remind(self) -> None:
        focus = self.engine.focus
        if focus is None:
            return
        try:
            message = focus.weekly_reminder(self.engine.settings.focus)
        except Exception as exc:  # noqa: BLE001 - a reminder must never break editing
            log.warning("focus reminder failed: %s", exc)
            return
        if message:
            self.ls.tell_user("info", message)


def register(server: OwnwiseServer) -> FocusFlows:
    """The focus commands and requests; the flows are wired to the server's hooks by ``app``."""
    flows = FocusFlows(server)

    @server.command(P.CMD_FOCUS_START)
    def focus_start(ls: OwnwiseServer, *args: Any) -> dict[str, Any]:
        a = validated(P.FocusStartArgs, args[0] if args else {}, P.CMD_FOCUS_START)
        focus = manager(ls, P.CMD_FOCUS_START)
        minutes = a.minutes or ls.engine.settings.focus.default_minutes
        before = focus.active
        block, created = focus.start(minutes, a.task, a.estimate_minutes)
        if created or before is None or before.id != block.id:  # new here (maybe from the terminal)
            flows.announce(FocusChange(block, True))
        if not created:
            ends = planned_end(block).astimezone()
            ls.tell_user("info", f"ownwise: a no-AI block is already running (until {ends:%H:%M}).")
        return {**focus.status(), "started": created}

    @server.command(P.CMD_FOCUS_STOP)
    def focus_stop(ls: OwnwiseServer, *args: Any) -> dict[str, Any]:
        ended = manager(ls, P.CMD_FOCUS_STOP).stop("command")
        if ended is None:
            return {"active": False, "stopped": False}
        flows.announce(FocusChange(ended, False))
        return {"active": False, "stopped": True, "block": wire.block(ended, ls.engine.wall())}

    @server.command(P.CMD_FOCUS_EXTEND)
    def focus_extend(ls: OwnwiseServer, *args: Any) -> dict[str, Any]:
        a = validated(P.FocusExtendArgs, args[0] if args else None, P.CMD_FOCUS_EXTEND)
        focus = manager(ls, P.CMD_FOCUS_EXTEND)
        block = focus.extend(a.minutes)
        if block is None:
            raise JsonRpcInvalidParams(f"{P.CMD_FOCUS_EXTEND}: no no-AI block is running")
        flows.announce(FocusChange(block, True))  # the new end, to the client's countdown
        return focus.status()

    @server.command(P.CMD_FOCUS_REFLECT)
    async def focus_reflect(ls: OwnwiseServer, *args: Any) -> dict[str, Any]:
        waiting = manager(ls, P.CMD_FOCUS_REFLECT).awaiting_reflection()
        if not waiting:
            ls.tell_user("info", "ownwise: no no-AI block is waiting for a reflection.")
            return {"blockId": None}
        path = await flows.open_reflection(waiting[-1])
        return {"blockId": waiting[-1].id, "document": path.as_uri()}

    @server.command(P.CMD_FOCUS_STATUS)
    def focus_status(ls: OwnwiseServer, *args: Any) -> dict[str, Any]:
        return manager(ls, P.CMD_FOCUS_STATUS).status()

    @server.feature(P.CALIBRATION)
    def calibration_request(ls: OwnwiseServer, params: Any) -> dict[str, Any]:
        p = validated(P.CalibrationParams, params or {}, P.CALIBRATION)
        return manager(ls, P.CALIBRATION).calibration(ls.engine.settings.focus, p.weeks)

    @server.feature(P.ANSWER_REFLECTION)
    def answer_reflection(ls: OwnwiseServer, params: Any) -> dict[str, Any]:
        p = validated(P.AnswerReflectionParams, params, P.ANSWER_REFLECTION)
        try:
            manager(ls, P.ANSWER_REFLECTION).save_reflection(
                p.block_id, p.felt, p.looked_up, p.took_longer, p.actual_minutes, p.notes, "request")
        except KeyError as exc:
            raise JsonRpcInvalidParams(str(exc.args[0])) from None
        return {"saved": True}

    return flows


__all__ = ["FocusFlows", "register"]
