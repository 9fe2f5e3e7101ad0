"""``ownwise hook --agent NAME [--phase pre|post]``: what an agent's hook runs around a file edit.

Reads the agent's JSON payload on stdin, records the touched files' state (hash
and per-line hashes, never their text) in the database, and exits 0 quickly.
It must never block or fail the agent: stdin is read as bytes and decoded here
(UTF-8 whatever the locale, byte-order marks stripped, bad bytes replaced), and
any error goes to ``hook-errors.log`` in the data directory (rotated to
``hook-errors.log.1`` past :data:`LOG_MAX_BYTES`); the exit status stays 0 and
nothing is printed.

One edit can reach several agents' hooks (Copilot CLI runs a project's Claude
Code hooks, Cursor can too): the payload's shape tells which agent sent it
(:func:`ownwise.hooks.agents.origin`), the edit is credited to that agent, and a
snapshot equal to the file's newest one by the same agent and phase, taken
within :data:`SAME_EDIT_SECONDS`, is not stored again.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

#: two snapshots of one file by one agent, in one phase and with the same content, this close
#: together are two hooks firing for the same edit
SAME_EDIT_SECONDS = 10.0


def _args(argv: list[str]) -> tuple[str | None, str | None]:
    agent = phase = None
    it = iter(argv)
    for a in it:
        if a == "--agent":
            agent = next(it, None)
        elif a.startswith("--agent="):
            agent = a.split("=", 1)[1]
        elif a == "--phase":
            phase = next(it, None)
        elif a.startswith("--phase="):
            phase = a.split("=", 1)[1]
    return agent, phase if phase in ("pre", "post") else None


def _now(t: float | None = None) -> str:
    """UTC ``t`` (default now) as the server writes times (ISO 8601, milliseconds), without datetime."""
    t = time.time() if t is None else t
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + f".{int(t % 1 * 1000):03d}+00:00"


def decode(data: bytes) -> str:
    """The payload's text: UTF-8 whatever the locale, with bad bytes replaced and the byte-order
    marks in front removed (Cursor on Windows sends one, sometimes two)."""
    return data.decode("utf-8", "replace").lstrip("\ufeff \t\r\n")


#: ``hook-errors.log`` past this size is renamed to ``hook-errors.log.1`` (replacing the
#: older one), so the two files stay under about 2 MB whatever the hook keeps reporting.
LOG_MAX_BYTES = 1024 * 1024


def _log_error(message: str) -> None:
    try:
        from ..store.fast import default_db_path

        log = default_db_path().parent / "hook-errors.log"
        log.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            if os.stat(log).st_size > LOG_MAX_BYTES:
                os.replace(log, log.with_name(log.name + ".1"))
        except FileNotFoundError:
            pass
        with open(log, "a", encoding="utf-8") as f:
            f.write(f"{_now()} {message}\n")
    except Exception:  # noqa: BLE001 - nowhere left to report; the agent must go on
        pass


def _payload(text: str, agent: str, phase: str | None) -> dict | None:
    """The JSON object on stdin (an empty one for no input); None for JSON that is not an object.

    Cursor has been seen to send an ``ApplyPatch`` call as the bare patch text instead of JSON;
    from ownwise's own Cursor entries (which say their phase) that patch names the files.
    """
    if not text.strip():
        return {}
    try:
        payload = json.loads(text)
    except ValueError:
        if agent == "cursor" and phase and "*** Begin Patch" in text:
            root = os.environ.get("CURSOR_PROJECT_DIR")
            return {"hook_event_name": "preToolUse" if phase == "pre" else "postToolUse",
                    "tool_name": "ApplyPatch", "tool_input": {"patch": text},
                    **({"workspace_roots": [root]} if root else {})}
        raise
    return payload if isinstance(payload, dict) else None


def run(argv: list[str], stdin: bytes | str) -> int:
    start = time.perf_counter()
    agent = None
    try:
        agent, phase = _args(argv)
        from .agents import AGENTS, origin

        if agent not in AGENTS:
            _log_error(f"unknown agent {agent!r} (known: {', '.join(sorted(AGENTS))})")
            return 0
        payload = _payload(stdin if isinstance(stdin, str) else decode(stdin), agent, phase)
        if payload is None:
            return 0
        sender = origin(payload)
        if sender is not None and sender != agent and sender in AGENTS:
            event = AGENTS[sender].parse(payload)  # another agent ran this agent's hook
            phase = None  # its payload names its event
        else:
            event = AGENTS[agent].parse(payload)
        if event is None:
            return 0  # not a file edit
        from ..store.fast import connect, default_db_path, record

        now = time.time()
        ts, since = _now(now), _now(now - SAME_EDIT_SECONDS)
        conn = connect(default_db_path())
        try:
            conn.execute("begin immediate")  # hooks of several agents may run at once
            for f in event.files:
                record(conn, agent=event.agent, phase=phase or event.phase, path=Path(f), ts=ts,
                       session=event.session, tool=event.tool, since=since)
            conn.execute("commit")
        finally:
            conn.close()
    except Exception as exc:  # noqa: BLE001 - never fail the agent
        import traceback

        _log_error(f"{agent}: {exc!r}\n{traceback.format_exc()}")
    elapsed = (time.perf_counter() - start) * 1000
    if elapsed > 50:
        _log_error(f"{agent}: slow hook, {elapsed:.0f} ms")
    return 0


def main(argv: list[str] | None = None) -> int:
    """The hook's entry point (``ownwise hook …``, ``python -m ownwise hook …``): stdin read as
    bytes, and nothing it can raise gets out."""
    try:
        data = sys.stdin.buffer.read()
    except BaseException:  # noqa: BLE001 - no stdin, a closed pipe: nothing to record
        data = b""
    try:
        return run(sys.argv[2:] if argv is None else argv, data)
    except BaseException:  # noqa: BLE001 - run() logs its own errors; this is the last net
        return 0
