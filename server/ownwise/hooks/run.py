"""``ownwise hook --agent NAME [--phase pre|post]``: what an agent's hook runs around a file edit.

Reads the agent's JSON payload on stdin, records the touched files' state (hash
and per-line hashes, never their text) in the database, and exits 0 quickly.
It must never block or fail the agent: any error goes to ``hook-errors.log``
in the data directory (rotated to ``hook-errors.log.1`` past :data:`LOG_MAX_BYTES`)
and the exit status stays 0.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path


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
    return agent, phase


def _now() -> str:
    """UTC now as the server writes times (ISO 8601, milliseconds), without importing datetime."""
    t = time.time()
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + f".{int(t % 1 * 1000):03d}+00:00"


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


def run(argv: list[str], stdin: str) -> int:
    start = time.perf_counter()
    agent, phase = _args(argv)
    try:
        from .agents import AGENTS

        if agent not in AGENTS:
            _log_error(f"unknown agent {agent!r} (known: {', '.join(sorted(AGENTS))})")
            return 0
        payload = json.loads(stdin) if stdin.strip() else {}
        event = AGENTS[agent].parse(payload) if isinstance(payload, dict) else None
        if event is None:
            return 0  # not a file edit
        from ..store.fast import connect, default_db_path, record

        ts = _now()
        conn = connect(default_db_path())
        try:
            conn.execute("begin")
            for f in event.files:
                record(conn, agent=agent, phase=phase or event.phase, path=Path(f), ts=ts,
                       session=event.session, tool=event.tool)
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


def main() -> int:
    try:
        data = sys.stdin.read()
    except Exception:  # noqa: BLE001
        data = ""
    return run(sys.argv[2:], data)
