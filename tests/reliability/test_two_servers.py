"""Two servers (two editor windows) on ONE database, under edits, answers and a shared focus block.

Each server has its own workspace and documents and streams hinted AI edits and typing;
each now and then ends its session and answers its own prompts through
``ownwise/answerPrompt``; one server starts a no-AI block a third of the way in and the
other stops it at two thirds (both heartbeat it meanwhile). Afterwards (both shut down
cleanly):

- nothing about a locked database, and no Error, reached either user (every
  ``window/showMessage`` and ``window/logMessage`` of both clients is collected);
- no event lost: every AI edit each server applied (``fileInfo`` counted its lines at the
  end) is in ``edits``, matched by (uri, document version);
- every confirmed answer is in ``answers``; both servers' ``sessions`` rows are there;
- ``PRAGMA integrity_check`` is ``ok``.

CI: 15 s; ``--soak``: 60 s.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import threading
import time
from pathlib import Path

from lsprotocol import types

from ownwise.store.db import open_database

from ..lsp.conftest import ownwise
from .conftest import scaled
from .test_crash import SEED, Doc, Sent, end_and_answer, integrity, q, step

LOCKED_WORDS = ("locked", "busy", "could not write", "could not store")


async def end_and_answer_own(s, ws: Path, rng: random.Random, confirmed: dict[str, str]) -> int:
    """End this window's session and answer most of ITS pending prompts (the list is global)."""
    return await end_and_answer(s, rng, confirmed, share=0.8, ws=ws)


async def window(s, ws: Path, name: str, seconds: float, rng: random.Random, log: list[Sent],
                 confirmed: dict[str, str], focus: str | None, stats: dict) -> list[Doc]:
    docs = [Doc(s, f"src/{name}_f{k}.py", f"{name}f{k}") for k in range(2)]
    start = time.monotonic()
    next_end = rng.uniform(2.0, 5.0)
    focus_at = {"start": seconds / 3, "stop": 2 * seconds / 3}.get(focus or "")
    while (el := time.monotonic() - start) < seconds:
        if focus_at is not None and el >= focus_at:
            res = await s.command(f"ownwise.focus.{focus}", {"minutes": 60} if focus == "start" else {})
            stats[f"focus {focus}"] = res.get("started", res.get("stopped"))
            focus_at = None
        if el >= next_end:
            stats["answers"] += await end_and_answer_own(s, ws, rng, confirmed)
            stats["session ends"] += 1
            next_end = el + rng.uniform(2.0, 5.0)
        await step(docs, rng, log)
    for d in docs:
        await d.confirm()  # every AI edit sent was applied
    return docs


def complaints(client) -> list[str]:
    out = []
    for m in client.messages:
        if m.type == types.MessageType.Error or any(w in m.message.lower() for w in LOCKED_WORDS):
            out.append(f"showMessage {m.type.name}: {m.message}")
    for m in client.log_messages:
        if m.type == types.MessageType.Error or any(w in m.message.lower() for w in LOCKED_WORDS):
            out.append(f"logMessage {m.type.name}: {m.message}")
    return out


async def test_two_servers_share_one_database_without_locks_or_losses(tmp_path, soak):
    seconds = scaled(soak, 15, 60)
    db = tmp_path / "data" / "ownwise.db"
    wss = [tmp_path / "ws-a", tmp_path / "ws-b"]
    for ws in wss:
        (ws / "src").mkdir(parents=True)
    logs: list[list[Sent]] = [[], []]
    confirmed: dict[str, str] = {}
    stats = [{"answers": 0, "session ends": 0}, {"answers": 0, "session ends": 0}]
    t0 = time.monotonic()
    async with contextlib.AsyncExitStack() as stack:
        a = await stack.enter_async_context(ownwise(wss[0], db))
        b = await stack.enter_async_context(ownwise(wss[1], db))
        pids = [a.client._server.pid, b.client._server.pid]
        clients = [a.client, b.client]
        await asyncio.gather(
            window(a, wss[0], "a", seconds, random.Random(SEED + 1), logs[0], confirmed, "start", stats[0]),
            window(b, wss[1], "b", seconds, random.Random(SEED + 2), logs[1], confirmed, "stop", stats[1]),
        )
    took = time.monotonic() - t0  # both shut down: the final flushes are done

    problems = [f"server {'ab'[i]}: {c}" for i, cl in enumerate(clients) for c in complaints(cl)]
    assert not problems, "\n".join(problems)
    assert integrity(db) == "ok"
    have = set(q(db, "select uri, doc_version from edits"))
    lost = [(i, e) for i, log in enumerate(logs) for e in log if (e.uri, e.version) not in have]
    assert not lost, f"{len(lost)} AI edits lost, e.g. {lost[:3]}"
    stored = dict(q(db, "select prompt_id, text from answers"))
    assert all(stored.get(k) == v for k, v in confirmed.items())
    rows = [q(db, "select count(*) from sessions where pid = ?", pid)[0][0] for pid in pids]
    assert all(rows), f"sessions rows per server: {rows}"
    blocks = q(db, "select end_reason from focus_blocks")
    assert blocks == [("command",)], blocks
    for i in (0, 1):
        print(f"server {'ab'[i]}: {len(logs[i])} AI edits, {stats[i]['answers']} answers, "
              f"{stats[i]['session ends']} session ends, {rows[i]} sessions rows, "
              f"{len(clients[i].messages)} showMessage / {len(clients[i].log_messages)} logMessage, "
              f"none about a lock")
    print(f"two servers: {seconds}s of load ({took:.1f}s in all), "
          f"{sum(map(len, logs))} AI edits all stored, {len(confirmed)} answers all stored, integrity ok")


def test_a_transaction_that_reads_first_waits_for_the_other_window_instead_of_failing(tmp_path):
    """Regression: ``atomic()`` began with a deferred BEGIN; a flush reads the schema first,
    so when the other window committed in between, its write failed at once with "database
    is locked" (SQLITE_BUSY_SNAPSHOT, no busy_timeout wait) and the user was warned.
    Now it begins IMMEDIATE: the other window's write waits for the lock, and both commit."""
    path = tmp_path / "ownwise.db"
    mine, _ = open_database(path)
    other, _ = open_database(path)
    errors: list[Exception] = []

    def other_window() -> None:
        try:
            other["kv"].upsert({"key": "other", "value": "1", "updated_at": "t"}, pk="key")
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    with mine.atomic():
        mine.execute("select count(*) from edits").fetchone()  # a read first, as every flush does
        t = threading.Thread(target=other_window)
        t.start()
        t.join(0.3)  # it waits for our lock (before the fix: it committed here)
        mine["kv"].upsert({"key": "mine", "value": "1", "updated_at": "t"}, pk="key")
    t.join(10)
    assert errors == []
    assert [r[0] for r in mine.execute("select key from kv order by key")] == ["mine", "other"]
